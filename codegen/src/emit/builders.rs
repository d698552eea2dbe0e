//! `builders.rs`: how a value of each struct is made without ceremony.
//!
//! - `new`: every member the schema requires and nothing else. No required member: `new()`.
//!   One: `new(it)`. More: `new({Type}Required { .. })`, a plain struct whose fields are named,
//!   so that none can be left out (a compile error) or swapped (each is named, and identifiers
//!   are typed by entity).
//! - A setter per member, named like it, taking the value itself (`impl Into<T>`): it wraps
//!   `Option` and `Nillable` itself, writes identifiers and typed values (dates, money, flags)
//!   in the member's wire form, and returns the value for chaining.
//! - `From<Id>` for identifier records (`PracticeIdentifierReq` from a `PracticeId`), so a
//!   member of that type is set from the identifier; `From<Record>` for a request body that
//!   wraps one record (`CreatePatientReq` from a `PatientCreate`).
//!
//! All of it is compiled where the type is sent (requests), or with the other-direction feature
//! (servers and tests that build responses).

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::article;
use super::claims::{Claim, Claims, Wire};
use super::types::{derives_default, direction_cfg, shape, Shape};
use super::values::field_ident;
use super::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Member, StructType, TypeDef, TypeKind};
use crate::names;
use crate::QName;

/// The generated code: the `{Type}Required` structs (for the types module) and the impls.
pub(super) struct Emitted {
    /// Items of the types module.
    pub in_types: TokenStream,
    /// The builders module.
    pub code: TokenStream,
}

pub(super) fn emit(ctx: &Ctx<'_>, claims: &Claims) -> Result<Emitted> {
    let taken: HashSet<String> = ctx
        .model
        .types
        .iter()
        .map(|t| ctx.type_ident(&t.name).to_string())
        .collect();
    let mut items = Vec::new();
    let mut required_structs = Vec::new();
    for t in &ctx.model.types {
        let TypeKind::Struct(s) = &t.kind else { continue };
        let (required, item) = emit_struct(ctx, claims, t, s, &taken)?;
        if let Some((ident, cfg, def)) = required {
            required_structs.push((ident, cfg));
            items.push(def);
        }
        items.push(item);
    }
    // The `{Type}Required` structs are the types module's (re-exported from here, so that the
    // types module holds only the schema's types and their codecs).
    let in_types = required_structs
        .iter()
        .map(|(ident, cfg)| quote!(#cfg pub use super::builders::#ident;));
    for id in &ctx.config.ids {
        for record in &id.records {
            if let Some(item) = from_id(ctx, claims, &id.name, record)? {
                items.push(item);
            }
        }
    }
    for op in &ctx.model.operations {
        if let Some(item) = from_record(ctx, &op.input.body) {
            items.push(item);
        }
    }
    Ok(Emitted {
        in_types: quote!(#(#in_types)*),
        code: quote! {
            //! Constructors and setters of every struct: `new` with the members the schema requires,
            //! then one chained setter per member, named like it, that takes the value itself.
            #[allow(unused_imports)]
            use super::types::*;
            #(#items)*
        },
    })
}

/// The members `new` takes: those the schema requires (members the overrides always send have
/// a default and are left out, unless the type has no default at all).
fn required<'m>(ctx: &Ctx<'_>, t: &TypeDef, s: &'m StructType) -> Vec<&'m Member> {
    let strict: Vec<&Member> = s
        .members
        .iter()
        .filter(|m| shape(m) == Shape::Req && !m.always_sent)
        .collect();
    if strict.is_empty() && !derives_default(ctx, &t.name) {
        return s.members.iter().filter(|m| shape(m) == Shape::Req).collect();
    }
    strict
}

/// A setter's parameter type, and the value it stores (from the parameter `v`), before the
/// shape's wrapping. `exact` takes the member's own type (for `{Type}Required` fields and the
/// one-parameter `new`); otherwise `impl Into<…>` where the member's type allows.
fn param(
    ctx: &Ctx<'_>,
    claims: &Claims,
    owner: &QName,
    m: &Member,
    v: &TokenStream,
    exact: bool,
) -> (TokenStream, TokenStream) {
    if let Some(claim) = claims.get(owner, &m.name) {
        return match claim {
            Claim::Id { ty, wire, .. } => {
                let value = match wire {
                    Wire::Int => quote!(#v.get()),
                    Wire::Long => quote!(i64::from(#v.get())),
                    Wire::Text => quote!(#v.to_string()),
                };
                (ty.clone(), value)
            }
            Claim::Value { ty, .. } if exact => (ty.clone(), quote!(#v.to_string())),
            Claim::Value { ty, .. } => (quote!(impl Into<#ty>), quote!(#v.into().to_string())),
        };
    }
    let inner = if shape(m) == Shape::Many {
        let item = ctx.item_type(m);
        quote!(Vec<#item>)
    } else {
        ctx.value_type(&m.ty)
    };
    let value = match (exact, m.boxed) {
        (true, false) => quote!(#v),
        (true, true) => quote!(Box::new(#v)),
        (false, false) => quote!(#v.into()),
        (false, true) => quote!(Box::new(#v.into())),
    };
    if exact {
        (inner, value)
    } else {
        (quote!(impl Into<#inner>), value)
    }
}

/// `value` wrapped for the member's shape.
fn wrap(ctx: &Ctx<'_>, m: &Member, value: TokenStream) -> TokenStream {
    let rt = &ctx.rt;
    match shape(m) {
        Shape::Req | Shape::Many => value,
        Shape::ReqNil | Shape::Opt => quote!(Some(#value)),
        Shape::OptNil => quote!(#rt::Nillable::Value(#value)),
    }
}

/// What a member holds in a value made by `new` when not given.
fn unset(ctx: &Ctx<'_>, m: &Member) -> TokenStream {
    let rt = &ctx.rt;
    match shape(m) {
        Shape::Req => quote!(Default::default()),
        Shape::ReqNil | Shape::Opt => quote!(None),
        Shape::OptNil => quote!(#rt::Nillable::Absent),
        Shape::Many => quote!(Vec::new()),
    }
}

/// A `{Type}Required` struct: its name, its `cfg` and its definition.
type RequiredStruct = (syn::Ident, TokenStream, TokenStream);

fn emit_struct(
    ctx: &Ctx<'_>,
    claims: &Claims,
    t: &TypeDef,
    s: &StructType,
    taken: &HashSet<String>,
) -> Result<(Option<RequiredStruct>, TokenStream)> {
    let ident = ctx.type_ident(&t.name);
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    let field_idents: Vec<syn::Ident> = fields.iter().map(|f| field_ident(f.trim_start_matches("r#"))).collect();
    let unsupported = |m: &Member, what: String| ctx.err(&m.loc, ErrorKind::Unsupported(what));

    // Setters are named like their members; the other methods of the type must not be.
    let mut reserved: HashSet<String> = HashSet::from(["new".to_owned()]);
    if ctx.config.record_ids.iter().any(|r| r.owner == t.name) {
        reserved.insert("id".to_owned());
    }
    for (m, f) in s.members.iter().zip(&fields) {
        if claims.get(&t.name, &m.name).is_some() {
            reserved.insert(format!("{}_value", f.trim_start_matches("r#")));
        }
    }
    if let Some(rules) = &ctx.config.values {
        for r in rules.day_ranges.iter().filter(|r| r.owner == t.name) {
            reserved.insert(r.method.clone());
        }
    }
    for (m, f) in s.members.iter().zip(&fields) {
        let f = f.trim_start_matches("r#");
        if reserved.contains(f) {
            return Err(unsupported(
                m,
                format!(
                    "member `{}` of `{ident}`: its setter `{f}` would clash with another method of the type",
                    m.name
                ),
            ));
        }
    }

    let required = required(ctx, t, s);
    let is_required = |m: &Member| required.iter().any(|r| std::ptr::eq(*r, m));
    let (signature, required_struct, doc) = match required.as_slice() {
        [] => (
            quote!(pub fn new() -> Self),
            None,
            "A value with every member unset (absent, or nil where the schema requires the element\nbut allows nil); set them with the setters, one per member.".to_owned(),
        ),
        [one] => {
            let i = s.members.iter().position(|m| std::ptr::eq(m, *one)).unwrap_or_default();
            let f = &field_idents[i];
            let (ty, _) = param(ctx, claims, &t.name, one, &quote!(#f), true);
            (
                quote!(pub fn new(#f: #ty) -> Self),
                None,
                format!(
                    "A value with `{}`, the one member the schema requires, and every other member unset;\nset them with the setters, one per member.",
                    one.name
                ),
            )
        }
        many => {
            let req_ident = format_ident!("{ident}Required");
            if taken.contains(&req_ident.to_string()) {
                return Err(unsupported(
                    many[0],
                    format!("`{req_ident}` (the required members of `{ident}`) is also a schema type's name"),
                ));
            }
            let decls = s.members.iter().zip(&field_idents).filter(|(m, _)| is_required(m)).map(|(m, f)| {
                let (ty, _) = param(ctx, claims, &t.name, m, &quote!(#f), true);
                let doc = super::doc_attrs(&format!("`{}`.", m.name));
                quote!(#doc pub #f: #ty,)
            });
            let has_secret = many.iter().any(|m| m.secret);
            let derive = if has_secret { quote!(#[derive(Clone)]) } else { quote!(#[derive(Debug, Clone)]) };
            let doc = super::doc_attrs(&format!(
                "The members [`{ident}::new`] requires: every member the schema requires. Each is\nnamed, and leaving one out does not compile.",
            ));
            let cfg = direction_cfg(ctx, t.usage.request);
            (
                quote!(pub fn new(required: #req_ident) -> Self),
                Some((req_ident.clone(), cfg.clone(), quote! { #doc #cfg #derive pub struct #req_ident { #(#decls)* } })),
                format!(
                    "A value with the members the schema requires (named in [`{req_ident}`]) and every\nother member unset; set those with the setters, one per member."
                ),
            )
        }
    };
    let single = required.len() == 1;
    let inits = s.members.iter().zip(&field_idents).map(|(m, f)| {
        if is_required(m) {
            let source = if single { quote!(#f) } else { quote!(required.#f) };
            let (_, value) = param(ctx, claims, &t.name, m, &source, true);
            let value = wrap(ctx, m, value);
            if *f == value.to_string() {
                // `Self { label }`: the parameter itself.
                return quote!(#f);
            }
            quote!(#f: #value)
        } else {
            let value = unset(ctx, m);
            quote!(#f: #value)
        }
    });
    let doc = super::doc_attrs(&doc);
    let setters = s.members.iter().zip(&field_idents).map(|(m, f)| {
        let (ty, value) = param(ctx, claims, &t.name, m, &quote!(value), false);
        let store = wrap(ctx, m, value);
        let what = match claims.get(&t.name, &m.name) {
            Some(Claim::Id { name, .. }) => {
                format!(
                    " from {} [`{name}`](super::ids::{name}), written in its wire form",
                    article(&name.to_lowercase())
                )
            }
            Some(Claim::Value { kind, .. }) => format!(
                " to {} {}, written as the service writes it",
                article(kind),
                kind.replace('_', "-")
            ),
            None => String::new(),
        };
        let doc = super::doc_attrs(&format!("Sets `{}`{what}.", m.name));
        quote! {
            #doc
            #[must_use]
            pub fn #f(mut self, value: #ty) -> Self {
                self.#f = #store;
                self
            }
        }
    });
    let cfg = direction_cfg(ctx, t.usage.request);
    Ok((
        required_struct,
        quote! {
            #cfg
            impl super::types::#ident {
                #doc
                #signature {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        },
    ))
}

/// `From<Id>` for an identifier record: a record whose `new()` takes nothing, with the member
/// the identifier type claims set.
fn from_id(ctx: &Ctx<'_>, claims: &Claims, id_name: &str, record: &QName) -> Result<Option<TokenStream>> {
    let Some(t) = ctx.model.get(record) else {
        return Ok(None);
    };
    let TypeKind::Struct(s) = &t.kind else { return Ok(None) };
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    let member = s
        .members
        .iter()
        .zip(&fields)
        .find(|(m, _)| matches!(claims.get(&t.name, &m.name), Some(Claim::Id { name, .. }) if name == id_name));
    let Some((m, f)) = member else {
        return Err(Error {
            file: "config".into(),
            line: None,
            path: "ids".into(),
            kind: ErrorKind::Invalid(format!(
                "ids of {id_name}: record {record} has no member claimed by {id_name}"
            )),
        });
    };
    if !required(ctx, t, s).is_empty() {
        return Err(ctx.err(
            &m.loc,
            ErrorKind::Invalid(format!(
                "ids of {id_name}: record {record} requires members besides its identifier"
            )),
        ));
    }
    let ident = ctx.type_ident(&t.name);
    let id = format_ident!("{id_name}");
    let f = field_ident(f.trim_start_matches("r#"));
    let cfg = direction_cfg(ctx, t.usage.request);
    let doc = super::doc_attrs(&format!("The record identifying one entity by its `{}`.", m.name));
    Ok(Some(quote! {
        #cfg
        impl From<super::ids::#id> for super::types::#ident {
            #doc
            fn from(id: super::ids::#id) -> Self {
                Self::new().#f(id)
            }
        }
    }))
}

/// `From<Record>` for a request body whose one member, besides the context member the client
/// fills (a credentials header), is a record, and whose `new()` takes nothing.
fn from_record(ctx: &Ctx<'_>, body: &QName) -> Option<TokenStream> {
    let t = ctx.model.get(body)?;
    let TypeKind::Struct(s) = &t.kind else { return None };
    if !required(ctx, t, s).is_empty() {
        return None;
    }
    let context = ctx.config.context_member.as_ref();
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    let mut others = s
        .members
        .iter()
        .zip(&fields)
        .filter(|(m, _)| !context.is_some_and(|c| c.matches(&m.declared_in, &m.name)));
    let (m, f) = others.next()?;
    if others.next().is_some() || shape(m) == Shape::Many || !ctx.is_struct(&m.ty) {
        return None;
    }
    let ident = ctx.type_ident(&t.name);
    let record = ctx.value_type(&m.ty);
    let f = field_ident(f.trim_start_matches("r#"));
    let doc = super::doc_attrs(&format!("The request carrying `record` as its `{}`.", m.name));
    Some(quote! {
        impl From<#record> for super::types::#ident {
            #doc
            fn from(record: #record) -> Self {
                Self::new().#f(record)
            }
        }
    })
}

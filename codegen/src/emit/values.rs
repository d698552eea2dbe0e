//! `values.rs`: typed accessors and setters for string members that hold dates, money, counts
//! or flags, as the overrides' `[values]` rules declare ([`ValueRules`]).
//!
//! For each matched member of a record type: `{field}_value()`, which parses the member's text
//! with the runtime's parser for the kind (compiled where the type is read, like its `Decode`),
//! and `set_{field}_value(v)`, which writes a typed value as text (where the type is sent, like
//! its `Encode`). The record keeps the text: accessors never change it. Rules that match
//! nothing in this contract are reported as warnings.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{direction_cfg, shape, Shape};
use super::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Builtin, Member, StructType, TypeDef, TypeKind, TypeRef};
use crate::names;
use crate::value_rules::{glob, DayRange, ValueRules};

/// The generated module and what the rules named that this contract lacks.
pub(super) struct Emitted {
    pub code: TokenStream,
    pub warnings: Vec<String>,
}

/// A member a rule claimed, with the Rust type of its kind.
struct Claimed<'m> {
    member: &'m Member,
    field: String,
    kind: &'m str,
    ty: TokenStream,
}

pub(super) fn emit(ctx: &Ctx<'_>, rules: &ValueRules) -> Result<Emitted> {
    let config_err = |msg: String| Error {
        file: "config".into(),
        line: None,
        path: "values".into(),
        kind: ErrorKind::Invalid(msg),
    };
    let vrt: syn::Path = syn::parse_str(&rules.runtime_path).map_err(|e| {
        config_err(format!(
            "values.runtime_path `{}` is not a Rust path: {e}",
            rules.runtime_path
        ))
    })?;
    let mut kind_types = Vec::new();
    for (kind, ty) in &rules.kinds {
        let parsed: syn::Type = syn::parse_str(ty)
            .map_err(|e| config_err(format!("values.kinds.{kind} `{ty}` is not a Rust type: {e}")))?;
        kind_types.push((kind.as_str(), quote!(#parsed)));
    }
    let type_of = |kind: &str| kind_types.iter().find(|(k, _)| *k == kind).map(|(_, t)| t.clone());

    // Which type and member patterns of each rule matched something, for the warnings.
    let mut type_hits: Vec<Vec<bool>> = rules.rules.iter().map(|r| vec![false; r.types.len()]).collect();
    let mut member_hits: Vec<Vec<bool>> = rules.rules.iter().map(|r| vec![false; r.members.len()]).collect();
    let mut warnings = Vec::new();
    let mut items = Vec::new();
    for t in &ctx.model.types {
        let TypeKind::Struct(s) = &t.kind else { continue };
        let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
        let mut claimed = Vec::new();
        for (m, field) in s.members.iter().zip(&fields) {
            for (ri, rule) in rules.rules.iter().enumerate() {
                let mut type_match = false;
                for (ti, p) in rule.types.iter().enumerate() {
                    if p.matches(&t.name) {
                        type_hits[ri][ti] = true;
                        type_match = true;
                    }
                }
                if !type_match {
                    continue;
                }
                let Some(pi) = rule.members.iter().position(|p| glob(p, &m.name)) else {
                    continue;
                };
                // The first rule that names the member decides, whether or not it can be typed.
                // A credential is never parsed: its text would end up in an error.
                if m.credential.is_some() || m.secret {
                    member_hits[ri][pi] = true;
                } else if is_single_string(ctx, m) {
                    member_hits[ri][pi] = true;
                    if let Some(ty) = type_of(&rule.kind) {
                        claimed.push(Claimed {
                            member: m,
                            field: field.trim_start_matches("r#").to_owned(),
                            kind: &rule.kind,
                            ty,
                        });
                    }
                } else if !rule.members[pi].contains('*') {
                    // Named exactly, and typed by the schema itself (an `xs:int` ID): nothing
                    // to add, and nothing missing.
                    member_hits[ri][pi] = true;
                }
                break;
            }
        }
        if !claimed.is_empty() {
            items.push(accessors(ctx, &vrt, t, &claimed));
        }
    }
    for (ri, rule) in rules.rules.iter().enumerate() {
        for (ti, p) in rule.types.iter().enumerate() {
            if !type_hits[ri][ti] {
                warnings.push(format!(
                    "override values rule {} ({}): type {p} matches no type of this contract: skipped",
                    ri + 1,
                    rule.kind
                ));
            }
        }
        for (pi, p) in rule.members.iter().enumerate() {
            if !member_hits[ri][pi] {
                warnings.push(format!(
                    "override values rule {} ({}): member {p} matches no string member of its types in this contract: skipped",
                    ri + 1,
                    rule.kind
                ));
            }
        }
    }
    for range in &rules.day_ranges {
        match day_range(ctx, &vrt, range) {
            Some(item) => items.push(item),
            None => warnings.push(format!(
                "override values.day_ranges {}/{} and {}: not single xs:string members of this contract: helper {} left out",
                range.owner, range.from, range.to, range.method
            )),
        }
    }
    let doc = format!(
        "Typed accessors for string members that hold dates, date-times, money, integers or flags,\nfrom the overrides' `[values]` rules: `{{field}}_value()` reads one, `set_{{field}}_value(v)`\nwrites one. The forms, errors and crates: [`{0}`].",
        rules.runtime_path
    );
    let doc_lines = doc.lines().map(|l| format!(" {l}"));
    Ok(Emitted {
        code: quote! {
            #(#![doc = #doc_lines])*
            #(#items)*
        },
        warnings,
    })
}

/// Whether the member is one `xs:string` value (or a simple type with its values).
pub(super) fn is_single_string(ctx: &Ctx<'_>, m: &Member) -> bool {
    if shape(m) == Shape::Many {
        return false;
    }
    match &m.ty {
        TypeRef::Builtin(b) => *b == Builtin::String,
        TypeRef::Named(q) => matches!(
            ctx.model.get(q).map(|t| &t.kind),
            Some(TypeKind::Alias(TypeRef::Builtin(Builtin::String)))
        ),
    }
}

/// The member's text as an `Option<&str>`, per its shape.
pub(super) fn text_of(f: &syn::Ident, m: &Member) -> TokenStream {
    match shape(m) {
        Shape::Req => quote!(Some(self.#f.as_str())),
        Shape::ReqNil | Shape::Opt => quote!(self.#f.as_deref()),
        Shape::OptNil | Shape::Many => quote!(self.#f.value().map(|v| v.as_str())),
    }
}

/// Stores `text` (a `String`) in the member, per its shape.
fn store(ctx: &Ctx<'_>, f: &syn::Ident, m: &Member, text: TokenStream) -> TokenStream {
    let rt = &ctx.rt;
    match shape(m) {
        Shape::Req => quote!(self.#f = #text;),
        Shape::ReqNil | Shape::Opt => quote!(self.#f = Some(#text);),
        Shape::OptNil | Shape::Many => quote!(self.#f = #rt::Nillable::Value(#text);),
    }
}

pub(super) fn field_ident(field: &str) -> syn::Ident {
    syn::parse_str(field).unwrap_or_else(|_| format_ident!("r#{}", field))
}

/// `a date`, `an integer`.
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// A rustdoc link to a type, showing its last path segment: [`KareoDate`](crate::values::KareoDate).
fn type_link(ty: &TokenStream) -> String {
    let path = ty.to_string().replace(' ', "");
    match path.rsplit_once("::") {
        Some((_, last)) => format!("[`{last}`]({path})"),
        None => format!("[`{path}`]"),
    }
}

fn accessors(ctx: &Ctx<'_>, vrt: &syn::Path, t: &TypeDef, claimed: &[Claimed<'_>]) -> TokenStream {
    let ident = ctx.type_ident(&t.name);
    let vrt_text = quote!(#vrt).to_string().replace(' ', "");
    let getters = claimed.iter().map(|c| {
        let f = field_ident(&c.field);
        let getter = format_ident!("{}_value", c.field);
        let ty = &c.ty;
        let member = format!("{}/{}", t.name.local, c.member.name);
        let doc = super::doc_attrs(&format!(
            "`{}` read as {} ({}): `Ok(None)` when absent, nil or empty; an\n[`InvalidValue`]({vrt_text}::InvalidValue) naming `{member}` and the text when it is not one.\nThe text stays in [`{}`](Self::{}).",
            c.member.name,
            with_article(&c.kind.replace('_', "-")),
            type_link(ty),
            c.field,
            c.field,
        ));
        let text = text_of(&f, c.member);
        // `#[inline]`: compiled only in the crates that call it, so 700 accessors cost the SDK's
        // own build next to nothing.
        quote! {
            #doc
            #[inline]
            pub fn #getter(&self) -> Result<Option<#ty>, #vrt::InvalidValue> {
                #vrt::parse_member(#member, #text)
            }
        }
    });
    let setters = claimed.iter().map(|c| {
        let f = field_ident(&c.field);
        let setter = format_ident!("set_{}_value", c.field);
        let ty = &c.ty;
        let doc = super::doc_attrs(&format!(
            "Sets `{}` to `value` as text, in the form its {} writes.",
            c.member.name,
            type_link(ty),
        ));
        let store = store(ctx, &f, c.member, quote!(value.into().to_string()));
        quote! {
            #doc
            pub fn #setter(&mut self, value: impl Into<#ty>) -> &mut Self {
                #store
                self
            }
        }
    });
    let read_cfg = direction_cfg(ctx, t.usage.response);
    let write_cfg = direction_cfg(ctx, t.usage.request);
    quote! {
        #read_cfg
        impl super::types::#ident {
            #(#getters)*
        }
        #write_cfg
        impl super::types::#ident {
            #(#setters)*
        }
    }
}

fn day_range(ctx: &Ctx<'_>, vrt: &syn::Path, range: &DayRange) -> Option<TokenStream> {
    let t = ctx.model.get(&range.owner)?;
    let TypeKind::Struct(s) = &t.kind else { return None };
    let find = |s: &StructType, name: &str| -> Option<(syn::Ident, Member)> {
        let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
        let (m, f) = s.members.iter().zip(fields).find(|(m, _)| m.name == name)?;
        is_single_string(ctx, m).then(|| (field_ident(f.trim_start_matches("r#")), m.clone()))
    };
    let (from_f, from_m) = find(s, &range.from)?;
    let (to_f, to_m) = find(s, &range.to)?;
    let ident = ctx.type_ident(&t.name);
    let method = format_ident!("{}", range.method);
    let doc = super::doc_attrs(&format!(
        "Finds {}: sets `{}` to `day` and `{}` to the day after, both `M/D/YYYY`.\n\nThe service reads `{}` as exclusive: the same day in both finds nothing. Fails only for\nthe last day chrono can represent.",
        range.finds, range.from, range.to, range.to
    ));
    let store_from = store(ctx, &from_f, &from_m, quote!(from.to_string()));
    let store_to = store(ctx, &to_f, &to_m, quote!(to.to_string()));
    let write_cfg = direction_cfg(ctx, t.usage.request);
    Some(quote! {
        #write_cfg
        impl super::types::#ident {
            #doc
            pub fn #method(&mut self, day: #vrt::NaiveDate) -> Result<&mut Self, #vrt::InvalidValue> {
                let (from, to) = #vrt::exclusive_day_range(day)?;
                #store_from
                #store_to
                Ok(self)
            }
        }
    })
}

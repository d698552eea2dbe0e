//! `values.rs`: typed accessors for members that hold identifiers (the overrides' `ids`) or
//! dates, money, counts and flags written as text (the `[values]` rules, [`ValueRules`]).
//!
//! For each claimed member of a record type: `{field}_value()`, which reads the member as the
//! claimed type (compiled where the type is read, like its `Decode`). The record keeps the wire
//! form: accessors never change it. The typed setters are the builders' (`builders.rs`). What
//! the declarations name that this contract lacks is reported as warnings.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::claims::{is_single_string, Claim, Claims, Wire};
use super::types::{direction_cfg, shape, Shape};
use super::Ctx;
use crate::error::Result;
use crate::model::{Member, StructType, TypeDef, TypeKind};
use crate::names;
use crate::value_rules::{DayRange, ValueRules};

/// The generated module and what the rules named that this contract lacks.
pub(super) struct Emitted {
    pub code: TokenStream,
    pub warnings: Vec<String>,
}

/// A claimed member of one type.
struct Claimed<'m> {
    member: &'m Member,
    field: String,
    claim: Claim,
}

pub(super) fn emit(ctx: &Ctx<'_>, rules: &ValueRules, claims: &Claims) -> Result<Emitted> {
    let Some(vrt) = claims.vrt.as_ref() else {
        return Ok(Emitted {
            code: quote!(),
            warnings: Vec::new(),
        });
    };
    let mut warnings = Vec::new();
    let mut items = Vec::new();
    for t in &ctx.model.types {
        let TypeKind::Struct(s) = &t.kind else { continue };
        let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
        let claimed: Vec<Claimed<'_>> = s
            .members
            .iter()
            .zip(&fields)
            .filter_map(|(m, field)| {
                claims.get(&t.name, &m.name).map(|claim| Claimed {
                    member: m,
                    field: field.trim_start_matches("r#").to_owned(),
                    claim: claim.clone(),
                })
            })
            .collect();
        if !claimed.is_empty() {
            items.push(accessors(ctx, vrt, t, &claimed));
        }
    }
    for range in &rules.day_ranges {
        match day_range(ctx, vrt, range) {
            Some(item) => items.push(item),
            None => warnings.push(format!(
                "override values.day_ranges {}/{} and {}: not single xs:string members of this contract: helper {} left out",
                range.owner, range.from, range.to, range.method
            )),
        }
    }
    let doc = format!(
        "Typed accessors for members that hold identifiers, dates, date-times, money, integers or\nflags, from the overrides' `ids` and `[values]` rules: `{{field}}_value()` reads one (the\ngenerated setters write one). The forms, errors and crates: [`{0}`].",
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
    format!("{} {noun}", super::article(noun))
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
        let member = format!("{}/{}", t.name.local, c.member.name);
        let (ty, what, body) = match &c.claim {
            Claim::Value { kind, ty } => {
                let text = text_of(&f, c.member);
                (
                    ty.clone(),
                    with_article(&kind.replace('_', "-")),
                    quote!(#vrt::parse_member(#member, #text)),
                )
            }
            Claim::Id { ty, wire, .. } => {
                let body = match wire {
                    Wire::Text => {
                        let text = text_of(&f, c.member);
                        quote!(<#ty>::parse_member(#member, #text))
                    }
                    Wire::Int if shape(c.member) == Shape::Req => quote!(Ok(Some(<#ty>::new(self.#f)))),
                    Wire::Int => {
                        let v = scalar_of(&f, c.member);
                        quote!(Ok(#v.map(<#ty>::new)))
                    }
                    Wire::Long if shape(c.member) == Shape::Req => {
                        quote!(<#ty>::from_long(#member, self.#f).map(Some))
                    }
                    Wire::Long => {
                        let v = scalar_of(&f, c.member);
                        quote!(#v.map(|v| <#ty>::from_long(#member, v)).transpose())
                    }
                };
                (ty.clone(), "an identifier".to_owned(), body)
            }
        };
        let doc = super::doc_attrs(&format!(
            "`{}` read as {what} ({}): `Ok(None)` when absent, nil or empty; an\n[`InvalidValue`]({vrt_text}::InvalidValue) naming `{member}` and the text when it is not one.\nThe wire form stays in [`{}`](Self::{}).",
            c.member.name,
            type_link(&ty),
            c.field,
            c.field,
        ));
        // `#[inline]`: compiled only in the crates that call it, so 700 accessors cost the SDK's
        // own build next to nothing.
        quote! {
            #doc
            #[inline]
            pub fn #getter(&self) -> Result<Option<#ty>, #vrt::InvalidValue> {
                #body
            }
        }
    });
    let read_cfg = direction_cfg(ctx, t.usage.response);
    quote! {
        #read_cfg
        impl super::types::#ident {
            #(#getters)*
        }
    }
}

/// A scalar (`Copy`) member's value as an `Option<T>`, per its shape.
fn scalar_of(f: &syn::Ident, m: &Member) -> TokenStream {
    match shape(m) {
        Shape::Req => quote!(Some(self.#f)),
        Shape::ReqNil | Shape::Opt => quote!(self.#f),
        Shape::OptNil | Shape::Many => quote!(self.#f.value().copied()),
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

//! Range checks: the overrides' `[ranges]` pairs ([`Ranges`]), resolved against the contract
//! into the checks each request type's `Encode` impl runs before it writes anything.
//!
//! A pair of `xs:dateTime` (or `xs:date`) members is checked with the runtime's
//! `check_range`; a pair of string members that the `values` rules give one of the declared
//! kinds with the values runtime's `check_text_range::<Kind>`, which reads both texts with the
//! kind's parser. Either refuses only an end that is before its start.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::claims::is_single_string;
use super::types::{shape, Shape};
use super::values::{field_ident, text_of};
use super::Ctx;
use crate::config::{RangePair, Ranges};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Builtin, Member, StructType, TypeDef, TypeKind, TypeRef};
use crate::names;
use crate::QName;

/// The checks of every type that has pairs, and what the pairs named that this contract lacks.
#[derive(Default)]
pub(super) struct Resolved {
    /// Per type, the checks its `Encode` impl runs first, in declaration order.
    pub checks: HashMap<QName, Vec<TokenStream>>,
    /// Patterns that matched nothing, types the contract lacks.
    pub warnings: Vec<String>,
    /// How many pairs were resolved (one per type and pair).
    pub pairs: usize,
}

/// How a pair is compared.
enum How {
    /// Typed members (`xs:dateTime`, `xs:date`): `check_range`.
    Typed,
    /// String members of one kind, read with its Rust type: `check_text_range::<T>` of the
    /// values runtime (its path, then the type).
    Text(TokenStream, TokenStream),
}

fn config_err(msg: String) -> Error {
    Error {
        file: "config".into(),
        line: None,
        path: "ranges".into(),
        kind: ErrorKind::Invalid(msg),
    }
}

pub(super) fn resolve(ctx: &Ctx<'_>, ranges: &Ranges) -> Result<Resolved> {
    let mut out = Resolved::default();
    let mut seen = HashSet::new();
    for (i, pair) in ranges.pairs.iter().enumerate() {
        let entry = format!("override ranges.pairs[{i}] ({pair})");
        for pattern in &pair.types {
            let exact = !pattern.local.contains('*');
            let mut matched = false;
            for t in ctx.model.types.iter().filter(|t| pattern.matches(&t.name)) {
                let TypeKind::Struct(s) = &t.kind else {
                    if exact {
                        return Err(config_err(format!("{entry}: {} is not a complex type", t.name)));
                    }
                    continue;
                };
                let start = member(s, &pair.start);
                let end = member(s, &pair.end);
                let start_missing = start.is_none();
                let (Some(start), Some(end)) = (start, end) else {
                    if exact {
                        let missing = if start_missing { &pair.start } else { &pair.end };
                        return Err(config_err(format!("{entry}: {} has no member {missing}", t.name)));
                    }
                    continue;
                };
                if !t.usage.request {
                    if exact {
                        return Err(config_err(format!(
                            "{entry}: {} is in no request, so nothing is checked",
                            t.name
                        )));
                    }
                    continue;
                }
                let how = compare(ctx, ranges, t, start.0, end.0)
                    .map_err(|why| config_err(format!("{entry}: in {}, {why}", t.name)))?;
                matched = true;
                if !seen.insert((t.name.clone(), pair.start.clone(), pair.end.clone())) {
                    continue;
                }
                out.checks
                    .entry(t.name.clone())
                    .or_default()
                    .push(check(ctx, pair, &how, start, end));
                out.pairs += 1;
            }
            if !matched {
                out.warnings.push(if exact {
                    format!("{entry}: type {pattern} is not in this contract: skipped")
                } else {
                    format!("{entry}: {pattern} matches no request type with both members in this contract: skipped")
                });
            }
        }
    }
    Ok(out)
}

/// The member named `name` and its field identifier.
fn member<'s>(s: &'s StructType, name: &str) -> Option<(&'s Member, syn::Ident)> {
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    s.members
        .iter()
        .zip(fields)
        .find(|(m, _)| m.name == name)
        .map(|(m, f)| (m, field_ident(f.trim_start_matches("r#"))))
}

/// The built-in a type reference stands for (through simple types with its values).
fn builtin_of(ctx: &Ctx<'_>, r: &TypeRef) -> Option<Builtin> {
    match r {
        TypeRef::Builtin(b) => Some(*b),
        TypeRef::Named(q) => match &ctx.model.get(q)?.kind {
            TypeKind::Alias(inner) => builtin_of(ctx, inner),
            _ => None,
        },
    }
}

/// Whether and how the two members compare; the reason they do not, otherwise.
fn compare(ctx: &Ctx<'_>, ranges: &Ranges, t: &TypeDef, start: &Member, end: &Member) -> Result<How, String> {
    for m in [start, end] {
        if m.secret || m.credential.is_some() {
            return Err(format!("{} holds a credential", m.name));
        }
        if shape(m) == Shape::Many {
            return Err(format!("{} is repeated", m.name));
        }
    }
    let (a, b) = (builtin_of(ctx, &start.ty), builtin_of(ctx, &end.ty));
    if a == b && matches!(a, Some(Builtin::DateTime | Builtin::Date)) {
        return Ok(How::Typed);
    }
    let kind = |m: &Member| {
        let values = ctx.config.values.as_ref()?;
        let kind = values.kind_of(&t.name, &m.name)?;
        is_single_string(ctx, m).then_some((values, kind))
    };
    if let (Some((values, ka)), Some((_, kb))) = (kind(start), kind(end)) {
        if ka == kb && ranges.kinds.iter().any(|k| k == ka) {
            let ty = values.kind_type(ka).unwrap_or_default();
            let ty: syn::Type =
                syn::parse_str(ty).map_err(|e| format!("values.kinds.{ka} `{ty}` is not a Rust type: {e}"))?;
            let vrt: syn::Path = syn::parse_str(&values.runtime_path)
                .map_err(|e| format!("values.runtime_path `{}` is not a Rust path: {e}", values.runtime_path))?;
            return Ok(How::Text(quote!(#vrt), quote!(#ty)));
        }
    }
    let describe = |m: &Member| match (builtin_of(ctx, &m.ty), kind(m)) {
        (_, Some((_, k))) => format!("{} is a string of kind {k}", m.name),
        (Some(b), None) => format!("{} is an xs:{}", m.name, b.schema_name()),
        (None, None) => format!("{} is of type {}", m.name, super::xsd_name(&m.ty)),
    };
    Err(format!(
        "{} and {}: a range needs two xs:dateTime or two xs:date members, or two strings of one kind of ranges.kinds ({})",
        describe(start),
        describe(end),
        ranges.kinds.join(", ")
    ))
}

/// `Option<&T>` of a typed member, per its shape.
fn value_of(f: &syn::Ident, m: &Member) -> TokenStream {
    match shape(m) {
        Shape::Req => quote!(Some(&self.#f)),
        Shape::ReqNil | Shape::Opt => quote!(self.#f.as_ref()),
        Shape::OptNil | Shape::Many => quote!(self.#f.value()),
    }
}

fn check(
    ctx: &Ctx<'_>,
    pair: &RangePair,
    how: &How,
    (start, start_f): (&Member, syn::Ident),
    (end, end_f): (&Member, syn::Ident),
) -> TokenStream {
    let (start_name, end_name) = (&pair.start, &pair.end);
    match how {
        How::Typed => {
            let rt = &ctx.rt;
            let (a, b) = (value_of(&start_f, start), value_of(&end_f, end));
            quote!(#rt::check_range(#start_name, #end_name, #a, #b)?;)
        }
        How::Text(vrt, ty) => {
            let (a, b) = (text_of(&start_f, start), text_of(&end_f, end));
            quote!(#vrt::check_text_range::<#ty>(#start_name, #end_name, #a, #b)?;)
        }
    }
}

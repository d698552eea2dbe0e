//! Which members hold more than their schema type says, as the overrides declare: an entity's
//! identifier ([`IdType`](crate::config::IdType)), or a typed value written as text (the
//! `[values]` rules, [`ValueRules`]). Computed once; the accessors (`values.rs`) and the
//! setters (`builders.rs`) are both typed from it.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{shape, Shape};
use super::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Builtin, Member, TypeKind, TypeRef};
use crate::value_rules::glob;
use crate::QName;

/// How a member holds an identifier on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wire {
    /// `xs:int`.
    Int,
    /// `xs:long`.
    Long,
    /// Text (`xs:string`).
    Text,
}

/// What a member holds, beyond its schema type.
#[derive(Debug, Clone)]
pub(super) enum Claim {
    /// An entity's identifier: `ty` is the generated identifier type.
    Id { ty: TokenStream, name: String, wire: Wire },
    /// A value of a `[values]` kind, written as text: `ty` is the kind's Rust type.
    Value { kind: String, ty: TokenStream },
}

/// Every claimed member, and what the declarations named that this contract lacks.
pub(super) struct Claims {
    by_member: HashMap<(QName, String), Claim>,
    /// Declarations that match nothing here.
    pub warnings: Vec<String>,
    /// The values runtime's path (`crate::values`), when values or identifiers are declared.
    pub vrt: Option<syn::Path>,
}

impl Claims {
    /// What the member `member` of `owner` holds, if claimed.
    pub fn get(&self, owner: &QName, member: &str) -> Option<&Claim> {
        self.by_member.get(&(owner.clone(), member.to_owned()))
    }
}

fn config_err(path: &str, msg: String) -> Error {
    Error {
        file: "config".into(),
        line: None,
        path: path.into(),
        kind: ErrorKind::Invalid(msg),
    }
}

/// The identifier form of a member: one `int`, `long` or text value.
fn id_wire(ctx: &Ctx<'_>, m: &Member) -> Option<Wire> {
    if shape(m) == Shape::Many {
        return None;
    }
    match &m.ty {
        TypeRef::Builtin(Builtin::Int) => Some(Wire::Int),
        TypeRef::Builtin(Builtin::Long) => Some(Wire::Long),
        _ => is_single_string(ctx, m).then_some(Wire::Text),
    }
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

pub(super) fn claims(ctx: &Ctx<'_>) -> Result<Claims> {
    let rules = ctx.config.values.as_ref();
    let vrt: Option<syn::Path> = match rules {
        Some(r) => Some(syn::parse_str(&r.runtime_path).map_err(|e| {
            config_err(
                "values",
                format!("values.runtime_path `{}` is not a Rust path: {e}", r.runtime_path),
            )
        })?),
        None => None,
    };
    if vrt.is_none() && !ctx.config.ids.is_empty() {
        return Err(config_err(
            "ids",
            "identifier types need the [values] section (its runtime_path holds `Id`)".into(),
        ));
    }
    let mut kind_types = Vec::new();
    for (kind, ty) in rules.map(|r| r.kinds.as_slice()).unwrap_or_default() {
        let parsed: syn::Type = syn::parse_str(ty)
            .map_err(|e| config_err("values", format!("values.kinds.{kind} `{ty}` is not a Rust type: {e}")))?;
        kind_types.push((kind.as_str(), quote!(#parsed)));
    }
    let type_of = |kind: &str| kind_types.iter().find(|(k, _)| *k == kind).map(|(_, t)| t.clone());

    let no_rules = Vec::new();
    let value_rules = rules.map_or(&no_rules, |r| &r.rules);
    let mut type_hits: Vec<Vec<bool>> = value_rules.iter().map(|r| vec![false; r.types.len()]).collect();
    let mut member_hits: Vec<Vec<bool>> = value_rules.iter().map(|r| vec![false; r.members.len()]).collect();
    let mut id_hits: Vec<Vec<bool>> = ctx.config.ids.iter().map(|i| vec![false; i.members.len()]).collect();
    let mut by_member = HashMap::new();
    for t in &ctx.model.types {
        let TypeKind::Struct(s) = &t.kind else { continue };
        for m in &s.members {
            // Identifiers first: a member an `ids` entry names is an identifier, whatever a
            // value rule says of it.
            let mut id_claim = None;
            for (ii, id) in ctx.config.ids.iter().enumerate() {
                for (pi, (tp, mp)) in id.members.iter().enumerate() {
                    if *mp == m.name && glob(tp, &t.name.local) {
                        if let Some(wire) = id_wire(ctx, m) {
                            id_hits[ii][pi] = true;
                            if id_claim.is_none() {
                                let ident = format_ident!("{}", id.name);
                                id_claim = Some(Claim::Id {
                                    ty: quote!(super::ids::#ident),
                                    name: id.name.clone(),
                                    wire,
                                });
                            }
                        }
                    }
                }
            }
            if let Some(c) = id_claim {
                by_member.insert((t.name.clone(), m.name.clone()), c);
            }
            for (ri, rule) in value_rules.iter().enumerate() {
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
                    let key = (t.name.clone(), m.name.clone());
                    if let (Some(ty), false) = (type_of(&rule.kind), by_member.contains_key(&key)) {
                        by_member.insert(
                            key,
                            Claim::Value {
                                kind: rule.kind.clone(),
                                ty,
                            },
                        );
                    }
                } else if !rule.members[pi].contains('*') {
                    // Named exactly, and typed by the schema itself (an `xs:int` ID): nothing
                    // to add, and nothing missing.
                    member_hits[ri][pi] = true;
                }
                break;
            }
        }
    }
    let mut warnings = Vec::new();
    for (ri, rule) in value_rules.iter().enumerate() {
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
    for (ii, id) in ctx.config.ids.iter().enumerate() {
        for (pi, (tp, mp)) in id.members.iter().enumerate() {
            if !id_hits[ii][pi] {
                warnings.push(format!(
                    "override ids {}: {tp}/{mp} matches no int, long or string member of this contract: skipped",
                    id.name
                ));
            }
        }
    }
    for id in &ctx.config.ids {
        for record in id.records.iter().filter(|r| ctx.model.get(r).is_none()) {
            warnings.push(format!(
                "override ids {}: identifier record {record} is not a type of this contract: no From<{}> for it",
                id.name, id.name
            ));
        }
    }
    for r in ctx
        .config
        .record_ids
        .iter()
        .filter(|r| ctx.model.get(&r.owner).is_none())
    {
        warnings.push(format!(
            "override record_ids: {} is not a type of this contract: no id() for it",
            r.owner
        ));
    }
    Ok(Claims {
        by_member,
        warnings,
        vrt,
    })
}

//! `api-surface.txt`: one line per operation, type, member and enumeration value, as
//! `key = description`. Two listings diff into "added / removed / changed" by key; `cargo xtask
//! regen` classifies each difference as a patch, minor or major change.
//!
//! Keys: `operation Op` (its soapAction, and per message the wrapper path, `as` the Rust body
//! type, then header entries), `type T` (kind, wire name, base or item; the enumeration that is a
//! list type's anonymous item type is `enum {ns}List items`), `usage T` (whether the
//! type is reachable from a request, a response, both, or neither: `request`, `response`,
//! `request, response`, `unused`), `field T.member` and `value T.value`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use super::{xsd_name, Ctx};
use crate::model::{Member, Model, TypeKind, TypeRef, Wrapped};
use crate::read::MaxOccurs;
use crate::QName;

/// `wrapper/child as Body` for a wrapped message, `wrapper as Body` for a bare one, then its
/// header entries (`headers {ns}A,{ns}B`).
fn message(ctx: &Ctx<'_>, w: &Wrapped) -> String {
    let mut out = match &w.child {
        Some(c) => format!("{}/{}", w.wrapper.local, c.name),
        None => w.wrapper.local.clone(),
    };
    out.push_str(&format!(" as {}", ctx.names.get(&w.body)));
    if !w.headers.is_empty() {
        let headers: Vec<String> = w.headers.iter().map(|h| format!("{{{}}}{}", h.ns, h.name)).collect();
        out.push_str(&format!(" headers {}", headers.join(",")));
    }
    out
}

pub(super) fn emit(ctx: &Ctx<'_>) -> String {
    let mut out = String::new();
    for op in &ctx.model.operations {
        let _ = writeln!(
            out,
            "operation {} = soapAction {} input {} output {}",
            op.name,
            op.soap_action,
            message(ctx, &op.input),
            message(ctx, &op.output)
        );
    }
    let requests = reachable(ctx.model, ctx.model.operations.iter().map(|op| &op.input));
    let responses = reachable(ctx.model, ctx.model.operations.iter().map(|op| &op.output));
    for t in &ctx.model.types {
        let rust = ctx.names.get(&t.name);
        let usage = match (requests.contains(&t.name), responses.contains(&t.name)) {
            (true, true) => "request, response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unused",
        };
        let _ = writeln!(out, "usage {rust} = {usage}");
        match &t.kind {
            TypeKind::Struct(s) => {
                let base = s
                    .base
                    .as_ref()
                    .map(|b| format!(" extends {}", b.local))
                    .unwrap_or_default();
                let _ = writeln!(out, "type {rust} = struct {{{}}}{}{base}", t.name.ns, t.name.local);
                for m in &s.members {
                    let _ = writeln!(out, "field {rust}.{} = {}", m.name, member(m));
                }
            }
            TypeKind::Array(a) => {
                let _ = writeln!(
                    out,
                    "type {rust} = array {{{}}}{} of {}",
                    t.name.ns,
                    t.name.local,
                    member(&a.item)
                );
            }
            TypeKind::Enum(e) => {
                // A list type's anonymous item type has no wire name of its own: the list's, then
                // `items`.
                let _ = match &t.list {
                    Some(list) => writeln!(out, "type {rust} = enum {{{}}}{} items", list.ns, list.local),
                    None => writeln!(out, "type {rust} = enum {{{}}}{}", t.name.ns, t.name.local),
                };
                for v in &e.values {
                    let _ = writeln!(out, "value {rust}.{v} = listed");
                }
            }
            TypeKind::List(r) => {
                let _ = writeln!(
                    out,
                    "type {rust} = list {{{}}}{} of {}",
                    t.name.ns,
                    t.name.local,
                    xsd_name(r)
                );
            }
            TypeKind::Alias(r) => {
                let _ = writeln!(
                    out,
                    "type {rust} = alias {{{}}}{} of {}",
                    t.name.ns,
                    t.name.local,
                    xsd_name(r)
                );
            }
        }
    }
    out
}

/// Every named type reachable from the bodies and header entries of `messages`: through
/// members, base types, array items and simple types' item or target types.
fn reachable<'m>(model: &'m Model, messages: impl Iterator<Item = &'m Wrapped>) -> HashSet<QName> {
    let mut seen = HashSet::new();
    let mut todo: Vec<&QName> = Vec::new();
    let named = |r: &'m TypeRef| match r {
        TypeRef::Named(q) => Some(q),
        TypeRef::Builtin(_) => None,
    };
    for w in messages {
        todo.push(&w.body);
        todo.extend(w.headers.iter().filter_map(|h| named(&h.ty)));
        todo.extend(w.child.iter().filter_map(|c| named(&c.ty)));
    }
    let by_name: HashMap<&QName, &crate::model::TypeDef> = model.types.iter().map(|t| (&t.name, t)).collect();
    while let Some(q) = todo.pop() {
        if !seen.insert(q.clone()) {
            continue;
        }
        let Some(t) = by_name.get(q) else { continue };
        match &t.kind {
            TypeKind::Struct(s) => {
                todo.extend(s.base.iter());
                todo.extend(s.members.iter().filter_map(|m| named(&m.ty)));
            }
            TypeKind::Array(a) => todo.extend(named(&a.item.ty)),
            TypeKind::List(r) | TypeKind::Alias(r) => todo.extend(named(r)),
            TypeKind::Enum(_) => {}
        }
    }
    seen
}

fn member(m: &Member) -> String {
    let max = match m.max_occurs {
        MaxOccurs::Bounded(n) => n.to_string(),
        MaxOccurs::Unbounded => "*".into(),
    };
    let nil = if m.nillable { " nillable" } else { "" };
    format!(
        "{{{}}}{} {} [{}..{}]{nil}",
        m.ns,
        m.name,
        xsd_name(&m.ty),
        m.min_occurs,
        max
    )
}

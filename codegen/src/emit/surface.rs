//! `api-surface.txt`: one line per operation, type, member and enumeration value, as
//! `key = description`. Two listings diff into "added / removed / changed" by key.

use std::fmt::Write;

use super::{xsd_name, Ctx};
use crate::model::{Member, TypeKind, Wrapped};
use crate::read::MaxOccurs;

/// `wrapper/child` for a wrapped message, `wrapper` for a bare one, then its header entries
/// (`headers {ns}A,{ns}B`).
fn message(w: &Wrapped) -> String {
    let mut out = match &w.child {
        Some(c) => format!("{}/{}", w.wrapper.local, c.name),
        None => w.wrapper.local.clone(),
    };
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
            message(&op.input),
            message(&op.output)
        );
    }
    for t in &ctx.model.types {
        let rust = ctx.names.get(&t.name);
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
                let _ = writeln!(out, "type {rust} = enum {{{}}}{}", t.name.ns, t.name.local);
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

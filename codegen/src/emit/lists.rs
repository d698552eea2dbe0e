//! `ListOperation` impls: the operations whose result can be read record by record while the
//! response arrives. A read-only operation qualifies when its response body type (base types' members
//! included) has exactly one collection member of a collection type (`ArrayOf…`): its records
//! are that member's items. A collection repeated in place among other members has no element
//! of its own to stream, and several collections leave no single list: those operations get
//! no impl and are read whole.

use proc_macro2::TokenStream;
use quote::quote;

use super::messages::MessageType;
use super::types::{shape, Shape};
use super::Ctx;
use crate::model::{Member, Operation, TypeKind};
use crate::names;

/// What makes an operation a list operation.
pub(super) struct List<'m> {
    /// The collection member of the response body, and its Rust field.
    member: &'m Member,
    field: syn::Ident,
    /// The collection's item element.
    item: &'m Member,
}

/// The list of `op`'s response, when it has exactly one.
pub(super) fn list_of<'m>(ctx: &'m Ctx<'_>, op: &Operation) -> Option<List<'m>> {
    // A write's answer is a confirmation, not a list to export, and is never sent twice.
    if !op.read_only {
        return None;
    }
    let body = ctx.model.get(&op.output.body)?;
    let TypeKind::Struct(s) = &body.kind else { return None };
    let collections: Vec<usize> = s
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| shape(m) == Shape::Many || matches!(ctx.kind(&m.ty), Some(TypeKind::Array(_))))
        .map(|(i, _)| i)
        .collect();
    let [i] = collections[..] else { return None };
    let member = &s.members[i];
    let Some(TypeKind::Array(a)) = ctx.kind(&member.ty) else {
        return None;
    };
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    let field = syn::parse_str(&fields[i]).ok()?;
    Some(List {
        member,
        field,
        item: &a.item,
    })
}

/// `impl ListOperation for marker`.
pub(super) fn emit(
    ctx: &Ctx<'_>,
    op: &Operation,
    marker: &syn::Ident,
    output_message: &Option<MessageType<'_>>,
    list: &List<'_>,
) -> TokenStream {
    let rt = &ctx.rt;
    let mut elements = vec![(ctx.ns(&op.output.wrapper.ns), op.output.wrapper.local.clone())];
    if let Some(child) = &op.output.child {
        elements.push((ctx.ns(&child.ns), child.name.clone()));
    }
    elements.push((ctx.ns(&list.member.ns), list.member.name.clone()));
    let elements = elements.iter().map(|(ns, name)| quote!((#ns, #name)));
    let item_ns = ctx.ns(&list.item.ns);
    let item_name = &list.item.name;
    let item = ctx.item_type(list.item);
    let f = &list.field;
    let place = if output_message.is_some() {
        quote!(response.body.#f)
    } else {
        quote!(response.#f)
    };
    let take = match shape(list.member) {
        Shape::OptNil => quote! {
            match &mut #place {
                #rt::Nillable::Value(items) => std::mem::take(items),
                _ => Vec::new(),
            }
        },
        Shape::Opt | Shape::ReqNil => quote!(#place.as_mut().map(std::mem::take).unwrap_or_default()),
        Shape::Req | Shape::Many => quote!(std::mem::take(&mut #place)),
    };
    let doc = super::doc_attrs(&format!(
        "`{}` streams the `{}` items of its result's `{}`.",
        op.name, item_name, list.member.name
    ));
    quote! {
        #doc
        impl #rt::ListOperation for #marker {
            type Item = #item;
            const LIST: #rt::ListPath = #rt::ListPath {
                elements: &[#(#elements),*],
                item: (#item_ns, #item_name),
            };
            fn take_items(response: &mut Self::Response) -> Vec<Self::Item> {
                #take
            }
        }
    }
}

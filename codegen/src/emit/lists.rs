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
use crate::model::{Builtin, Member, Operation, PagingFields, TypeKind, TypeRef};
use crate::names;
use crate::QName;

/// What makes an operation a list operation.
pub(super) struct List<'m> {
    /// The collection member of the response body, and its Rust field.
    member: &'m Member,
    field: syn::Ident,
    /// The collection's item element.
    item: &'m Member,
}

impl List<'_> {
    /// The record type, when the items are records.
    fn record(&self) -> Option<&QName> {
        match &self.item.ty {
            TypeRef::Named(q) => Some(q),
            TypeRef::Builtin(_) => None,
        }
    }

    /// The record type and its member `name`, when the records are records with a single
    /// string member of that name.
    pub(super) fn record_member<'c>(&self, ctx: &'c Ctx<'_>, name: &str) -> Option<(&QName, &'c Member)> {
        let record = self.record()?;
        let TypeKind::Struct(s) = &ctx.model.get(record)?.kind else {
            return None;
        };
        let m = s
            .members
            .iter()
            .find(|m| m.name == name && !m.repeated() && m.ty == TypeRef::Builtin(Builtin::String))?;
        Some((record, m))
    }

    /// The declared identifier of the list's records ([`Config::placeholders`](crate::Config)),
    /// when the record type has it.
    pub(super) fn placeholder_id<'c>(&self, ctx: &'c Ctx<'_>) -> Option<&'c Member> {
        let record = self.record()?;
        let decl = ctx.config.placeholders.iter().find(|p| &p.record == record)?;
        let TypeKind::Struct(s) = &ctx.model.get(record)?.kind else {
            return None;
        };
        s.members.iter().find(|m| m.name == decl.id && !m.repeated())
    }
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
    let items_mut = match shape(list.member) {
        Shape::OptNil => quote! {
            match &mut #place {
                #rt::Nillable::Value(items) => Some(items),
                _ => None,
            }
        },
        Shape::Opt | Shape::ReqNil => quote!(#place.as_mut()),
        Shape::Req | Shape::Many => quote!(Some(&mut #place)),
    };
    let placeholders = list.placeholder_id(ctx).zip(list.record()).map(|(id, record)| {
        let f = super::service::field(ctx, record, id);
        let text = match &id.ty {
            TypeRef::Builtin(Builtin::String) => quote!(std::borrow::Cow::Borrowed(v.as_str())),
            _ => quote!(std::borrow::Cow::<str>::Owned(v.to_string())),
        };
        let value = match shape(id) {
            Shape::OptNil => quote!(item.#f.value()),
            Shape::Opt | Shape::ReqNil => quote!(item.#f.as_ref()),
            Shape::Req | Shape::Many => quote!(Some(&item.#f)),
        };
        quote! {
            const HAS_PLACEHOLDERS: bool = true;
            fn record_id(item: &Self::Item) -> Option<std::borrow::Cow<'_, str>> {
                #value.map(|v| #text).filter(|v| !v.trim().is_empty())
            }
        }
    });
    let mut text = format!(
        "`{}` streams the `{}` items of its result's `{}`.",
        op.name, item_name, list.member.name
    );
    if let Some(id) = list.placeholder_id(ctx) {
        text.push_str(&format!(
            " A record without `{}` (absent, nil or blank) is a placeholder, not data.",
            id.name
        ));
    }
    let paging = op.paging.as_ref().map(|p| {
        text.push_str(" Its results come in pages: see `PAGING`.");
        emit_paging(ctx, op, output_message.is_some(), p)
    });
    let window = op.date_window.as_ref().map(|_| {
        quote! {
            const DATE_WINDOW: Option<#rt::DateRange> = Some(#rt::DateRange {
                from: <Self as #rt::DateWindow>::FROM,
                to: <Self as #rt::DateWindow>::TO,
                max_days: <Self as #rt::DateWindow>::MAX_DAYS,
            });
            fn set_date_range(request: &mut Self::Request, from: String, to: String) {
                <Self as #rt::DateWindow>::set_range(request, from, to)
            }
            fn record_date(item: &Self::Item) -> Option<&str> {
                <Self as #rt::DateWindow>::record_date(item)
            }
        }
    });
    let doc = super::doc_attrs(&text);
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
            fn items_mut(response: &mut Self::Response) -> Option<&mut Vec<Self::Item>> {
                #items_mut
            }
            #placeholders
            #paging
            #window
        }
    }
}

/// The paging items of a `ListOperation` impl: the declared members, read and set as text.
fn emit_paging(ctx: &Ctx<'_>, op: &Operation, response_message: bool, p: &PagingFields) -> TokenStream {
    let rt = &ctx.rt;
    let path = |steps: &[Member]| steps.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("/");
    let (start_path, next_path) = (path(&p.start_key), path(&p.next_key));
    let size_path = match &p.page_size {
        Some(steps) => {
            let s = path(steps);
            quote!(Some(#s))
        }
        None => quote!(None),
    };
    let max = p.max_page_size;
    // A request with header entries is a message type; its body holds the members.
    let request = if op.input.headers.is_empty() {
        quote!(request)
    } else {
        quote!(request.body)
    };
    let response = if response_message {
        quote!(response.body)
    } else {
        quote!(response)
    };
    let read_start = super::service::access_chain(ctx, &op.input.body, &p.start_key, Some(&request));
    let read_next = super::service::access_chain(ctx, &op.output.body, &p.next_key, Some(&response));
    let key_ty = p
        .start_key
        .last()
        .map(|m| ctx.value_type(&m.ty))
        .unwrap_or_else(|| quote!(String));
    let set_key = super::windows::set_chain_with(ctx, &op.input.body, &p.start_key, &request, |shape| match shape {
        Shape::OptNil => quote!(match value { Some(v) => #rt::Nillable::Value(v), None => #rt::Nillable::Absent }),
        Shape::Opt | Shape::ReqNil => quote!(value),
        Shape::Req | Shape::Many => quote!(value.unwrap_or_default()),
    });
    let page_size = p.page_size.as_ref().map(|steps| {
        let read = super::service::access_chain(ctx, &op.input.body, steps, Some(&request));
        // Types that fit in an i64 convert without a check.
        let convert = match steps.last().map(|m| &m.ty) {
            Some(TypeRef::Builtin(Builtin::Long)) => quote!(.map(|v| *v)),
            Some(TypeRef::Builtin(
                Builtin::Byte
                | Builtin::Short
                | Builtin::Int
                | Builtin::UnsignedByte
                | Builtin::UnsignedShort
                | Builtin::UnsignedInt,
            )) => quote!(.map(|v| i64::from(*v))),
            _ => quote!(.and_then(|v| i64::try_from(*v).ok())),
        };
        quote! {
            fn page_size(request: &Self::Request) -> Option<i64> {
                #read #convert
            }
        }
    });
    quote! {
        const PAGING: Option<#rt::Paging> = Some(#rt::Paging {
            start_key: #start_path,
            page_size: #size_path,
            next_key: #next_path,
            max_page_size: #max,
        });
        fn page_key(request: &Self::Request) -> Option<String> {
            #read_start.map(|v| v.to_string())
        }
        fn set_page_key(request: &mut Self::Request, key: Option<&str>) -> Result<(), String> {
            let value = match key {
                Some(k) => Some(k.parse::<#key_ty>().map_err(|e| e.to_string())?),
                None => None,
            };
            #set_key
            Ok(())
        }
        #page_size
        fn next_page_key(response: &Self::Response) -> Option<String> {
            #read_next.map(|v| v.to_string()).filter(|v| !v.trim().is_empty())
        }
    }
}

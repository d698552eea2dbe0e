//! `operations.rs`: a marker type per operation implementing `Operation`, the operation table,
//! and the service glue of the message types (see [`super::service`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::messages::{self, MessageType};
use super::{lists, serde_attrs, windows, Ctx};
use crate::model::{FaultInfo, Operation, Wrapped};
use crate::names;
use crate::{Error, ErrorKind};

pub(super) fn emit(ctx: &Ctx<'_>) -> crate::error::Result<TokenStream> {
    let rt = &ctx.rt;
    let ops = &ctx.model.operations;
    // Markers share `operations.rs` with the glob-imported schema types: a marker named like a
    // type would shadow it there, so markers avoid every type name.
    let mut type_names: Vec<&str> = ctx.model.types.iter().map(|t| ctx.names.get(&t.name)).collect();
    // The contract's fault detail enum shares the module too.
    let fault_enum = names::dedupe(["FaultDetail".to_string()], &type_names, "")
        .pop()
        .unwrap_or_else(|| "FaultDetail".into());
    type_names.push(&fault_enum);
    let fault_ident = format_ident!("{}", fault_enum);
    let wanted = ops.iter().map(|o| {
        let marker = names::type_name(&o.name);
        if type_names.contains(&marker.as_str()) {
            format!("{marker}Op")
        } else {
            marker
        }
    });
    let markers: Vec<syn::Ident> = names::dedupe(wanted, &type_names, "Op")
        .iter()
        .map(|n| format_ident!("{}", n))
        .collect();
    let marker_names: Vec<String> = markers.iter().map(ToString::to_string).collect();
    let taken: Vec<&str> = type_names
        .iter()
        .copied()
        .chain(marker_names.iter().map(String::as_str))
        .collect();
    let messages = messages::message_types(ops, &markers, &taken);
    let items = ops
        .iter()
        .zip(&markers)
        .zip(&messages)
        .zip(
            ops.iter()
                .map(|op| lists::list_of(ctx, op).is_some_and(|l| l.placeholder_id(ctx).is_some())),
        )
        .map(|(((op, marker), (input, output)), placeholders)| {
            emit_operation(ctx, op, marker, &fault_ident, input, output, placeholders)
        });
    let message_items: Vec<TokenStream> = messages
        .iter()
        .flat_map(|(i, o)| i.iter().chain(o))
        .map(|m| messages::emit(ctx, m))
        .collect();
    let lists: Vec<Option<lists::List<'_>>> = ops.iter().map(|op| lists::list_of(ctx, op)).collect();
    if let Some((op, _)) = ops
        .iter()
        .zip(&lists)
        .find(|(op, l)| op.paging.is_some() && l.is_none())
    {
        // A paged operation read as one page would look complete and not be.
        return Err(Error {
            file: ctx.file.to_owned(),
            line: None,
            path: format!("override paging of {}", op.name),
            kind: ErrorKind::Invalid(format!(
                "override paging names {}, which is not a list operation (a read whose result holds one collection)",
                op.name
            )),
        });
    }
    let list_impls: Vec<TokenStream> = ops
        .iter()
        .zip(&markers)
        .zip(&messages)
        .zip(&lists)
        .filter_map(|(((op, marker), (_, output)), list)| {
            list.as_ref().map(|l| lists::emit(ctx, op, marker, output, l))
        })
        .collect();
    let rules: Vec<TokenStream> = ops
        .iter()
        .zip(&markers)
        .zip(&lists)
        .flat_map(|((op, marker), list)| {
            [
                windows::emit_date_window(ctx, op, marker, list.as_ref()),
                windows::emit_throttle_report(ctx, op, marker, list.as_ref()),
            ]
        })
        .flatten()
        .collect();
    let rule_markers = |has: fn(&Operation) -> bool| -> Vec<&syn::Ident> {
        ops.iter()
            .zip(&markers)
            .zip(&lists)
            .filter(|((op, _), list)| list.is_some() && has(op))
            .map(|((_, m), _)| m)
            .collect()
    };
    let window_markers = rule_markers(|op| op.date_window.is_some());
    let report_markers = rule_markers(|op| op.throttle_report.is_some());
    let throttles = emit_throttle_table(ctx);
    let faults = emit_fault_detail(ctx, &fault_ident);
    let glue = super::service::emit(ctx, &messages)?;
    let n = ops.len();
    let methods: Vec<syn::Ident> = names::dedupe(
        ops.iter().map(|o| names::field_name(&o.name)),
        names::RESERVED_LOCALS,
        "_",
    )
    .iter()
    .map(|m| syn::parse_str(m).unwrap_or_else(|_| format_ident!("invalid_method")))
    .collect();
    let (list_markers, list_methods): (Vec<&syn::Ident>, Vec<&syn::Ident>) = markers
        .iter()
        .zip(&methods)
        .zip(&lists)
        .filter(|(_, l)| l.is_some())
        .map(|((m, f), _)| (m, f))
        .unzip();
    // Each operation's request and response type, with the module that holds it (the body
    // type's `types`, or `operations` for a message type with header entries).
    let typed_path = |m: &Option<MessageType<'_>>, w: &Wrapped| match m {
        Some(m) => {
            let ident = &m.ident;
            quote!(operations::#ident)
        }
        None => {
            let ident = ctx.type_ident(&w.body);
            quote!(types::#ident)
        }
    };
    let requests: Vec<TokenStream> = messages
        .iter()
        .zip(ops)
        .map(|((i, _), op)| typed_path(i, &op.input))
        .collect();
    let responses: Vec<TokenStream> = messages
        .iter()
        .zip(ops)
        .map(|((_, o), op)| typed_path(o, &op.output))
        .collect();
    let list_requests: Vec<&TokenStream> = requests
        .iter()
        .zip(&lists)
        .filter(|(_, l)| l.is_some())
        .map(|(r, _)| r)
        .collect();
    let stream_methods: Vec<syn::Ident> = list_methods
        .iter()
        .map(|f| format_ident!("stream_{}", f.to_string().trim_start_matches("r#")))
        .collect();
    Ok(quote! {
        //! One marker type per operation: its wire names, SOAPAction and message types.
        #[allow(unused_imports)]
        use super::types::*;
        #faults
        #(#items)*
        #(#message_items)*
        #(#list_impls)*
        #(#rules)*
        #throttles
        #glue
        /// Every operation of the service, in the binding's order.
        pub const OPERATIONS: [#rt::OperationInfo; #n] = [#(<#markers as #rt::Operation>::INFO),*];
        /// Calls macro `$m` once with every operation as
        /// `(MarkerType, snake_case_name, module::RequestType, module::ResponseType)`, in the
        /// binding's order: `$m! { (A, a, types::AReq, types::AResp), ... }`. Marker types live
        /// in this generated `operations` module; the request and response types in the module
        /// named before them (`types`, or `operations` for a message with SOAP headers). Used to
        /// derive per-operation code (client methods, tests) from the operation table instead of
        /// by hand.
        #[macro_export]
        macro_rules! for_each_operation {
            ($m:ident) => {
                $m! { #((#markers, #methods, #requests, #responses)),* }
            };
        }
        /// Calls macro `$m` once with every list operation (those implementing
        /// `ListOperation`, whose records can be streamed) as
        /// `(MarkerType, snake_case_name, stream_snake_case_name, module::RequestType)`, in the
        /// binding's order, as [`for_each_operation!`] does.
        #[macro_export]
        macro_rules! for_each_list_operation {
            ($m:ident) => {
                $m! { #((#list_markers, #list_methods, #stream_methods, #list_requests)),* }
            };
        }
        /// Calls macro `$m` once with every operation implementing `DateWindow` (a request date
        /// range the service holds to a window) as `$m! { A, B, ... }`.
        #[macro_export]
        macro_rules! for_each_date_window_operation {
            ($m:ident) => {
                $m! { #(#window_markers),* }
            };
        }
        /// Calls macro `$m` once with the operations implementing `ThrottleReport` (which
        /// report the account's call limits) as `$m! { A, ... }`; none in a contract without one.
        #[macro_export]
        macro_rules! for_each_throttle_report_operation {
            ($m:ident) => {
                $m! { #(#report_markers),* }
            };
        }
    })
}

fn wire(ctx: &Ctx<'_>, w: &Wrapped) -> TokenStream {
    let rt = &ctx.rt;
    let ns = ctx.ns(&w.wrapper.ns);
    let element = &w.wrapper.local;
    let child = match &w.child {
        Some(c) => {
            let child_ns = ctx.ns(&c.ns);
            let child = &c.name;
            quote!(Some(#rt::Child { ns: #child_ns, name: #child }))
        }
        None => quote!(None),
    };
    quote!(#rt::Wrapper { ns: #ns, element: #element, child: #child })
}

fn body_type(ctx: &Ctx<'_>, w: &Wrapped) -> TokenStream {
    let ident = ctx.type_ident(&w.body);
    quote!(#ident)
}

/// The contract's fault detail enum: a variant per distinct fault element of all operations,
/// and its decoder.
fn emit_fault_detail(ctx: &Ctx<'_>, ident: &syn::Ident) -> TokenStream {
    let rt = &ctx.rt;
    let mut elements: Vec<&FaultInfo> = Vec::new();
    for f in ctx.model.operations.iter().flat_map(|o| &o.faults) {
        if !elements.iter().any(|e| e.element == f.element) {
            elements.push(f);
        }
    }
    let variants: Vec<syn::Ident> = names::dedupe(elements.iter().map(|f| names::type_name(&f.element.local)), &[], "")
        .iter()
        .map(|v| format_ident!("{}", v))
        .collect();
    let keys = names::dedupe(elements.iter().map(|f| f.element.local.clone()), &[], "_");
    let decls = elements.iter().zip(&variants).map(|(f, v)| {
        let ty = ctx.type_ident(&f.detail);
        let doc = super::doc_attrs(&format!(
            "Fault `{}`: detail element `{}` in `{}`.",
            f.name, f.element.local, f.element.ns
        ));
        quote!(#doc #v(#ty))
    });
    let serde_impls = serde_attrs::variant_impls(ctx, ident, &variants, &keys);
    let arms = elements.iter().zip(&variants).map(|(f, v)| {
        let ty = ctx.type_ident(&f.detail);
        let ns = ctx.ns(&f.element.ns);
        let local = &f.element.local;
        quote! {
            if xe.ns == #ns && xe.local() == #local {
                return Ok(Some(Self::#v(<#ty as #rt::Decode>::decode(xr, xe)?)));
            }
        }
    });
    let unused = if elements.is_empty() {
        quote!(let _ = (xr, xe);)
    } else {
        quote!()
    };
    quote! {
        /// The typed detail of a SOAP fault: one variant per fault element the contract's
        /// operations declare (`wsdl:fault`); without variants when they declare none.
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ident { #(#decls,)* }
        #serde_impls
        impl #rt::FaultDetails for #ident {
            fn decode_detail<'i>(
                xr: &mut #rt::Reader<'i>,
                xe: &#rt::Element<'i>,
            ) -> Result<Option<Self>, #rt::DecodeError> {
                #unused
                #(#arms)*
                Ok(None)
            }
        }
    }
}

/// What the overrides declare about `op` beyond the contract, as doc paragraphs.
fn service_rules_doc(ctx: &Ctx<'_>, op: &Operation) -> String {
    let mut out = String::new();
    if let (Some(ms), Some(t)) = (op.published_interval_ms, &ctx.config.throttles) {
        out.push_str(&format!(
            "\n\n**Published limit:** one call per {ms} ms per account ({}); a gap of exactly the \
             interval may still be over it, so clients space calls by {} ms \
             (`OperationInfo::published_interval` plus `THROTTLES.margin`).",
            t.source,
            u64::from(ms) + u64::from(t.margin_ms)
        ));
    }
    let list = lists::list_of(ctx, op);
    if let Some(id) = list.as_ref().and_then(|l| l.placeholder_id(ctx)) {
        out.push_str(&format!(
            "\n\n**Placeholder records:** a record without `{}` (absent, nil or blank) stands for \
             \"no match\" or precedes real rows; it is not data (`ListOperation::is_placeholder`).",
            id.name
        ));
    }
    if let (Some(w), Some(_)) = (&op.date_window, &list) {
        let path = |steps: &[crate::model::Member]| steps.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("/");
        out.push_str(&format!(
            "\n\n**Date window:** the service holds `{}`..`{}` to {} days; wider ranges fail or \
             come back empty (`DateWindow`: run longer ranges window by window).",
            path(&w.from),
            path(&w.to),
            w.max_days
        ));
    }
    if let (Some(p), Some(_)) = (&op.paging, &list) {
        let path = |steps: &[crate::model::Member]| steps.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("/");
        out.push_str(&format!(
            "\n\n**Pages:** the result holds at most {} records; the answer's `{}` is the `{}` of the \
             next page, absent or nil on the last. `KareoClient::stream` and `KareoClient::export` read \
             every page; the whole-response method reads one.",
            p.max_page_size,
            path(&p.next_key),
            path(&p.start_key),
        ));
    }
    if op.throttle_report.is_some() && list.is_some() {
        out.push_str("\n\n**Limits report:** its records are the account's current limits (`ThrottleReport`).");
    }
    out
}

/// `THROTTLES`: what the overrides declare about the service's published call limits.
fn emit_throttle_table(ctx: &Ctx<'_>) -> TokenStream {
    let rt = &ctx.rt;
    let doc = "The service's published call limits as the overrides declare them (the intervals are each \
               operation's `OperationInfo::published_interval`).";
    let Some(t) = &ctx.config.throttles else {
        let doc = super::doc_attrs(doc);
        return quote! {
            #doc
            pub const THROTTLES: #rt::ThrottleTable = #rt::ThrottleTable::NONE;
        };
    };
    let source = &t.source;
    let margin = u64::from(t.margin_ms);
    let opt = |v: &Option<String>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let text = opt(&t.over_limit_text);
    let pattern = opt(&t.interval_pattern);
    let doc = super::doc_attrs(&format!("{doc}\n\nSource: {source}."));
    quote! {
        #doc
        pub const THROTTLES: #rt::ThrottleTable = #rt::ThrottleTable {
            source: #source,
            margin: core::time::Duration::from_millis(#margin),
            over_limit_text: #text,
            interval_pattern: #pattern,
        };
    }
}

fn emit_operation(
    ctx: &Ctx<'_>,
    op: &Operation,
    marker: &syn::Ident,
    fault: &syn::Ident,
    input_message: &Option<MessageType<'_>>,
    output_message: &Option<MessageType<'_>>,
    placeholders: bool,
) -> TokenStream {
    let rt = &ctx.rt;
    let name = &op.name;
    let action = &op.soap_action;
    let message_or_body = |m: &Option<MessageType<'_>>, w: &Wrapped| match m {
        Some(m) => {
            let ident = &m.ident;
            quote!(#ident)
        }
        None => body_type(ctx, w),
    };
    let request = message_or_body(input_message, &op.input);
    let response = message_or_body(output_message, &op.output);
    let input = wire(ctx, &op.input);
    let output = wire(ctx, &op.output);
    let read_only = op.read_only;
    let interval = match op.published_interval_ms {
        Some(ms) => {
            let ms = u64::from(ms);
            quote!(Some(core::time::Duration::from_millis(#ms)))
        }
        None => quote!(None),
    };
    let remove = placeholders.then(|| {
        quote! {
            fn remove_placeholders(response: &mut Self::Response) -> usize {
                #rt::remove_placeholders::<Self>(response)
            }
        }
    });
    let mut doc =
        format!("The `{name}` operation: sends [`{request}`], answers [`{response}`].\n\nSOAPAction `{action}`.");
    if let Some(d) = &op.doc {
        doc.push_str("\n\n");
        doc.push_str(d);
    }
    doc.push_str(&service_rules_doc(ctx, op));
    let doc = super::doc_attrs(&doc);
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #marker;
        impl #rt::Operation for #marker {
            type Request = #request;
            type Response = #response;
            type Fault = #fault;
            const INFO: #rt::OperationInfo = #rt::OperationInfo {
                name: #name,
                soap_action: #action,
                input: #input,
                output: #output,
                read_only: #read_only,
                namespaces: super::MESSAGE_NAMESPACES,
                published_interval: #interval,
            };
            #remove
        }
    }
}

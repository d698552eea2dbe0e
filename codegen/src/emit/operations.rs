//! `operations.rs`: a marker type per operation implementing `Operation`, the operation table,
//! and the service glue of the message types (see [`super::service`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Ctx;
use crate::model::{Operation, Wrapped};
use crate::names;

pub(super) fn emit(ctx: &Ctx<'_>) -> crate::error::Result<TokenStream> {
    let rt = &ctx.rt;
    let ops = &ctx.model.operations;
    // Markers share `operations.rs` with the glob-imported schema types: a marker named like a
    // type would shadow it there, so markers avoid every type name.
    let type_names: Vec<&str> = ctx.model.types.iter().map(|t| ctx.names.get(&t.name)).collect();
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
    let items = ops
        .iter()
        .zip(&markers)
        .map(|(op, marker)| emit_operation(ctx, op, marker));
    let glue = super::service::emit(ctx)?;
    let n = ops.len();
    let methods: Vec<syn::Ident> = names::dedupe(
        ops.iter().map(|o| names::field_name(&o.name)),
        names::RESERVED_LOCALS,
        "_",
    )
    .iter()
    .map(|m| syn::parse_str(m).unwrap_or_else(|_| format_ident!("invalid_method")))
    .collect();
    Ok(quote! {
        //! One marker type per operation: its wire names, SOAPAction and message types.
        #[allow(unused_imports)]
        use super::types::*;
        #(#items)*
        #glue
        /// Every operation of the service, in the binding's order.
        pub const OPERATIONS: [#rt::OperationInfo; #n] = [#(<#markers as #rt::Operation>::INFO),*];
        /// Calls macro `$m` once with every operation as `(MarkerType, snake_case_name)`, in the
        /// binding's order: `$m! { (A, a), (B, b), ... }`. Marker types live in this generated
        /// `operations` module. Used to derive per-operation code (client methods, tests) from
        /// the operation table instead of by hand.
        #[macro_export]
        macro_rules! for_each_operation {
            ($m:ident) => {
                $m! { #((#markers, #methods)),* }
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

fn emit_operation(ctx: &Ctx<'_>, op: &Operation, marker: &syn::Ident) -> TokenStream {
    let rt = &ctx.rt;
    let name = &op.name;
    let action = &op.soap_action;
    let request = body_type(ctx, &op.input);
    let response = body_type(ctx, &op.output);
    let input = wire(ctx, &op.input);
    let output = wire(ctx, &op.output);
    let read_only = op.read_only;
    let mut doc =
        format!("The `{name}` operation: sends [`{request}`], answers [`{response}`].\n\nSOAPAction `{action}`.");
    if let Some(d) = &op.doc {
        doc.push_str("\n\n");
        doc.push_str(d);
    }
    let doc = super::doc_attrs(&doc);
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #marker;
        impl #rt::Operation for #marker {
            type Request = #request;
            type Response = #response;
            const INFO: #rt::OperationInfo = #rt::OperationInfo {
                name: #name,
                soap_action: #action,
                input: #input,
                output: #output,
                read_only: #read_only,
                namespaces: super::MESSAGE_NAMESPACES,
            };
        }
    }
}

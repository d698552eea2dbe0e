//! Message types for operations whose binding declares `soap:header` parts: a struct holding
//! the header entries and the body, with the runtime's `Message` (writing) and `MessageDecode`
//! (reading) impls and the service glue delegated to the body. Every other operation's message
//! is its body type itself (the runtime's blanket impls).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{derives_default, direction_cfg, field_type, helper_name, shape, Shape};
use super::{serde_attrs, Ctx};
use crate::model::{Member, Operation, Wrapped};
use crate::names;

/// The generated message type of one direction of an operation.
pub(super) struct MessageType<'m> {
    /// Rust name.
    pub ident: syn::Ident,
    /// The message.
    pub wrapped: &'m Wrapped,
    /// Whether it is the request (else the response).
    pub request: bool,
}

/// The message types of each operation (input, output), where it has header entries, named
/// `{Marker}Input`/`{Marker}Output` away from every name in `taken`.
pub(super) fn message_types<'m>(
    ops: &'m [Operation],
    markers: &[syn::Ident],
    taken: &[&str],
) -> Vec<(Option<MessageType<'m>>, Option<MessageType<'m>>)> {
    let mut wanted = Vec::new();
    for (op, marker) in ops.iter().zip(markers) {
        for (w, suffix) in [(&op.input, "Input"), (&op.output, "Output")] {
            if !w.headers.is_empty() {
                wanted.push(format!("{marker}{suffix}"));
            }
        }
    }
    let mut names = names::dedupe(wanted, taken, "Message").into_iter();
    ops.iter()
        .map(|op| {
            let mut make = |w: &'m Wrapped, request: bool| {
                (!w.headers.is_empty()).then(|| MessageType {
                    ident: format_ident!("{}", names.next().unwrap_or_default()),
                    wrapped: w,
                    request,
                })
            };
            let input = make(&op.input, true);
            (input, make(&op.output, false))
        })
        .collect()
}

/// The struct and its codec impls.
pub(super) fn emit(ctx: &Ctx<'_>, m: &MessageType<'_>) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &m.ident;
    let body = ctx.type_ident(&m.wrapped.body);
    let headers = &m.wrapped.headers;
    let fields = header_fields(headers);
    let keys = serde_attrs::keys(headers);
    let decls = headers.iter().zip(&fields).map(|(h, f)| {
        let ty = field_type(ctx, h);
        let doc = super::doc_attrs(&format!(
            "SOAP header entry `{}` in `{}`: sent when set.{}",
            h.name,
            h.ns,
            h.doc.as_deref().map(|d| format!("\n\n{d}")).unwrap_or_default()
        ));
        quote!(#doc pub #f: #ty,)
    });
    let slot_types: Vec<TokenStream> = headers.iter().map(|h| field_type(ctx, h)).collect();
    let writes = headers.iter().zip(&fields).map(|(h, f)| {
        let ns = ctx.ns(&h.ns);
        let name = &h.name;
        let helper = format_ident!("{}", helper_name(shape(h)));
        quote!(xw.#helper(#ns, #name, &self.#f)?;)
    });
    let reads = headers.iter().enumerate().map(|(i, h)| {
        let ns = ctx.ns(&h.ns);
        let name = &h.name;
        let helper = format_ident!("{}", helper_name(shape(h)));
        let i = syn::Index::from(i);
        quote! {
            if el.ns == #ns && el.local() == #name {
                xr.#helper(el, &mut headers.#i)?;
                return Ok(true);
            }
        }
    });
    let has_secret = headers.iter().any(|h| h.secret);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !has_secret {
        derives.insert(0, quote!(Debug));
    }
    let has_default = derives_default(ctx, &m.wrapped.body);
    if has_default {
        derives.push(quote!(Default));
    }
    let body_ident = format_ident!("body");
    let mut serde_fields: Vec<serde_attrs::Field<'_>> = headers
        .iter()
        .zip(&fields)
        .zip(keys)
        .map(|((h, f), key)| serde_attrs::Field {
            ident: f,
            key,
            shape: shape(h),
            codec: serde_attrs::codec(ctx, h),
            ty: field_type(ctx, h),
        })
        .collect();
    serde_fields.push(serde_attrs::Field {
        ident: &body_ident,
        key: serde_attrs::body_key(headers),
        shape: Shape::Req,
        codec: serde_attrs::Codec::Plain,
        ty: quote!(#body),
    });
    let serde_impls = serde_attrs::struct_impls(ctx, ident, &serde_fields, has_default);
    let debug = has_secret.then(|| {
        let name = ident.to_string();
        let entries = headers.iter().zip(&fields).map(|(h, f)| {
            let label = f.to_string();
            let label = label.trim_start_matches("r#");
            if h.secret {
                quote!(.field(#label, &#rt::Masked(&self.#f)))
            } else {
                quote!(.field(#label, &self.#f))
            }
        });
        quote! {
            impl std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#name) #(#entries)* .field("body", &self.body).finish()
                }
            }
        }
    });
    let direction = if m.request { "request" } else { "response" };
    let doc = super::doc_attrs(&format!(
        "The {direction} message of `{}`: its SOAP header entries and its body.",
        m.wrapped.wrapper.local
    ));
    // Writing is what the client does with a request; reading, what it does with a response.
    let encode_cfg = direction_cfg(ctx, m.request);
    let decode_cfg = direction_cfg(ctx, !m.request);
    quote! {
        #doc
        #[derive(#(#derives),*)]
        pub struct #ident {
            #(#decls)*
            /// The body.
            pub body: #body,
        }
        #debug
        #serde_impls
        #encode_cfg
        impl #rt::Message for #ident {
            type Body = #body;
            const HAS_HEADERS: bool = true;
            fn body(&self) -> &#body {
                &self.body
            }
            fn encode_headers(&self, xw: &mut #rt::Writer) -> Result<(), #rt::EncodeError> {
                #(#writes)*
                Ok(())
            }
        }
        #decode_cfg
        impl #rt::MessageDecode for #ident {
            type Body = #body;
            type Headers = (#(#slot_types,)*);
            fn decode_header<'i>(
                headers: &mut Self::Headers,
                xr: &mut #rt::Reader<'i>,
                el: &#rt::Element<'i>,
            ) -> Result<bool, #rt::DecodeError> {
                #(#reads)*
                Ok(false)
            }
            fn assemble(headers: Self::Headers, body: #body) -> Self {
                let (#(#fields,)*) = headers;
                Self { #(#fields,)* body }
            }
        }
    }
}

/// The Rust fields of the header entries (`body` is taken by the body).
pub(super) fn header_fields(headers: &[Member]) -> Vec<syn::Ident> {
    let wanted = names::field_names(headers.iter().map(|h| h.name.as_str()));
    names::dedupe(wanted, &["body"], "_")
        .iter()
        .map(|f| syn::parse_str(f).unwrap_or_else(|_| format_ident!("invalid_field")))
        .collect()
}

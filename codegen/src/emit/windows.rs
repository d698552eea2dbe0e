//! Service rules on list operations that the overrides declare: the date window of a request
//! (`DateWindow`), and the operation that reports the account's call limits
//! (`ThrottleReport`). Both are emitted only where the contract has what they name.

use proc_macro2::TokenStream;
use quote::quote;

use super::lists::List;
use super::service::{access_chain, member_value};
use super::types::{shape, Shape};
use super::Ctx;
use crate::model::{Member, Operation, ThrottleReportFields, TypeRef};
use crate::QName;

/// `impl DateWindow for marker`, when the operation declares a window and is a list operation.
pub(super) fn emit_date_window(
    ctx: &Ctx<'_>,
    op: &Operation,
    marker: &syn::Ident,
    list: Option<&List<'_>>,
) -> Option<TokenStream> {
    let w = op.date_window.as_ref()?;
    list?;
    // A request with header entries is a message type; its body holds the range.
    let body = if op.input.headers.is_empty() {
        quote!(request)
    } else {
        quote!(request.body)
    };
    let rt = &ctx.rt;
    let path = |steps: &[Member]| steps.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("/");
    let (from_path, to_path) = (path(&w.from), path(&w.to));
    let read_from = access_chain(ctx, &op.input.body, &w.from, Some(&body));
    let read_to = access_chain(ctx, &op.input.body, &w.to, Some(&body));
    let set_from = set_chain(ctx, &op.input.body, &w.from, &body, quote!(from));
    let set_to = set_chain(ctx, &op.input.body, &w.to, &body, quote!(to));
    let record_date = list
        .and_then(|l| l.record_member(ctx, w.record_date.as_deref()?))
        .map(|(record, m)| {
            let read = member_value(ctx, record, m, Some(&quote!(item)));
            quote! {
                fn record_date(item: &Self::Item) -> Option<&str> {
                    #read.map(String::as_str)
                }
            }
        });
    let max_days = w.max_days;
    let doc = super::doc_attrs(&format!(
        "The service holds `{}`'s `{from_path}`..`{to_path}` range to {max_days} days.",
        op.name
    ));
    Some(quote! {
        #doc
        impl #rt::DateWindow for #marker {
            const MAX_DAYS: u32 = #max_days;
            const FROM: &'static str = #from_path;
            const TO: &'static str = #to_path;
            fn range(request: &Self::Request) -> (Option<&str>, Option<&str>) {
                (#read_from.map(String::as_str), #read_to.map(String::as_str))
            }
            fn set_range(request: &mut Self::Request, from: String, to: String) {
                #set_from
                #set_to
            }
            #record_date
        }
    })
}

/// `impl ThrottleReport for marker`, for the declared report operation.
pub(super) fn emit_throttle_report(
    ctx: &Ctx<'_>,
    op: &Operation,
    marker: &syn::Ident,
    list: Option<&List<'_>>,
) -> Option<TokenStream> {
    let ThrottleReportFields {
        record,
        endpoint,
        interval_ms,
    } = op.throttle_report.as_ref()?;
    list?;
    let rt = &ctx.rt;
    let endpoint_value = member_value(ctx, record, endpoint, Some(&quote!(item)));
    let interval_value = member_value(ctx, record, interval_ms, Some(&quote!(item)));
    let ms = if interval_ms.ty == TypeRef::Builtin(crate::model::Builtin::Double) {
        quote!(*#interval_value?)
    } else {
        quote!(*#interval_value? as f64)
    };
    let doc = super::doc_attrs(&format!(
        "`{}` reports the account's limits: `{}` names an operation, `{}` its interval in milliseconds.",
        op.name, endpoint.name, interval_ms.name
    ));
    Some(quote! {
        #doc
        impl #rt::ThrottleReport for #marker {
            fn limit(item: &Self::Item) -> Option<(&str, core::time::Duration)> {
                let endpoint = #endpoint_value?;
                let ms = #ms;
                // A negative, NaN or absurd interval is no limit at all.
                (ms.is_finite() && ms > 0.0 && ms < 86_400_000.0)
                    .then(|| (endpoint.as_str(), core::time::Duration::from_micros((ms * 1000.0) as u64)))
            }
        }
    })
}

/// Statements that set the string at the end of `steps` to `value`, creating each member on
/// the way that is unset (with its default).
fn set_chain(ctx: &Ctx<'_>, root: &QName, steps: &[Member], on: &TokenStream, value: TokenStream) -> TokenStream {
    let rt = &ctx.rt;
    set_chain_with(ctx, root, steps, on, |shape| match shape {
        Shape::OptNil => quote!(#rt::Nillable::Value(#value)),
        Shape::Opt | Shape::ReqNil => quote!(Some(#value)),
        Shape::Req | Shape::Many => quote!(#value),
    })
}

/// Statements that set the member at the end of `steps` to what `value` gives for its shape,
/// creating each member on the way that is unset (with its default).
pub(super) fn set_chain_with(
    ctx: &Ctx<'_>,
    root: &QName,
    steps: &[Member],
    on: &TokenStream,
    value: impl Fn(Shape) -> TokenStream,
) -> TokenStream {
    let mut owner = root.clone();
    let mut place = on.clone();
    let mut out = Vec::new();
    let n = steps.len();
    for (i, m) in steps.iter().enumerate() {
        let f = super::service::field(ctx, &owner, m);
        if i + 1 == n {
            let v = value(shape(m));
            out.push(quote!(#place.#f = #v;));
            break;
        }
        let next = match (shape(m), m.boxed) {
            (Shape::OptNil, false) => quote!(#place.#f.get_or_insert_with(Default::default)),
            (Shape::OptNil, true) => quote!(&mut **#place.#f.get_or_insert_with(Default::default)),
            (Shape::Opt | Shape::ReqNil, false) => quote!(#place.#f.get_or_insert_with(Default::default)),
            (Shape::Opt | Shape::ReqNil, true) => quote!(&mut **#place.#f.get_or_insert_with(Default::default)),
            (Shape::Req | Shape::Many, false) => quote!(&mut #place.#f),
            (Shape::Req | Shape::Many, true) => quote!(&mut *#place.#f),
        };
        let var = quote::format_ident!("step{}", i);
        out.push(quote!(let #var = #next;));
        place = quote!(#var);
        if let TypeRef::Named(q) = &m.ty {
            owner = q.clone();
        }
    }
    quote!(#(#out)*)
}

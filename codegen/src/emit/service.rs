//! The glue between message types and the runtime's service-level mechanisms, generated from
//! the overrides: which members of a request hold credentials (`Credentialed`), and where a
//! response reports failures (`ServiceStatus`). Every operation's request and response type
//! gets an impl, empty when the type has nothing declared, so the runtime can require them.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::messages::{header_fields, MessageType};
use super::types::{shape, Shape};
use super::Ctx;
use crate::config::StatusValue;
use crate::error::{ErrorKind, Result};
use crate::model::{Member, StatusField, TypeKind, TypeRef};
use crate::names;
use crate::QName;

/// `Credentialed` impls for every operation's request type and the context member's type, and
/// `ServiceStatus` impls for every operation's response type; for message types with header
/// entries (`messages`, per operation), impls delegating to their body.
pub(super) fn emit(
    ctx: &Ctx<'_>,
    messages: &[(Option<MessageType<'_>>, Option<MessageType<'_>>)],
) -> Result<TokenStream> {
    let mut credentialed = Vec::new();
    let mut seen = HashSet::new();
    let mut roots: Vec<QName> = Vec::new();
    for op in &ctx.model.operations {
        roots.push(op.input.body.clone());
        if let Some(TypeRef::Named(q)) = op.context.as_ref().map(|m| &m.ty) {
            roots.push(q.clone());
        }
    }
    for q in roots {
        if seen.insert(q.clone()) {
            credentialed.push(emit_credentialed(ctx, &q)?);
        }
    }
    let mut statuses = Vec::new();
    let mut readers = StatusReaders::default();
    let mut seen = HashSet::new();
    for op in &ctx.model.operations {
        let q = &op.output.body;
        if seen.insert(q.clone()) {
            statuses.push(emit_status(ctx, q, &op.status, &mut readers));
            for b in &ctx.config.base_views {
                statuses.extend(emit_base_view(ctx, q, b));
            }
        }
    }
    let readers = readers.items;
    let delegations = messages
        .iter()
        .flat_map(|(i, o)| i.iter().chain(o))
        .map(|m| emit_message_glue(ctx, m));
    Ok(quote! { #(#credentialed)* #(#readers)* #(#statuses)* #(#delegations)* })
}

fn struct_members<'m>(ctx: &'m Ctx<'_>, q: &QName) -> &'m [Member] {
    match ctx.model.get(q).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => &s.members,
        _ => &[],
    }
}

/// The Rust field of member `m` in the struct `owner`.
pub(super) fn field(ctx: &Ctx<'_>, owner: &QName, m: &Member) -> syn::Ident {
    let members = struct_members(ctx, owner);
    let names = names::field_names(members.iter().map(|x| x.name.as_str()));
    let i = members
        .iter()
        .position(|x| x.name == m.name && x.declared_in == m.declared_in)
        .unwrap_or(0);
    syn::parse_str(&names[i]).unwrap_or_else(|_| quote::format_ident!("invalid_field"))
}

fn emit_credentialed(ctx: &Ctx<'_>, q: &QName) -> Result<TokenStream> {
    let rt = &ctx.rt;
    let ident = ctx.type_ident(q);
    let context = ctx.config.context_member.as_ref();
    let mut fills = Vec::new();
    let mut visits = Vec::new();
    let mut masks = Vec::new();
    // Shapes (`String`, `Option`, `Nillable`) are the runtime's business: `CredentialSlot` for a
    // credential member, `Credentialed` on `Option`/`Nillable` for the context member.
    for m in struct_members(ctx, q) {
        let f = field(ctx, q, m);
        if let Some(role) = &m.credential {
            let secret = m.secret;
            fills.push(quote!(#rt::CredentialSlot::fill(&mut self.#f, source.credential(#role));));
            visits.push(quote! {
                if let Some(v) = #rt::CredentialSlot::value(&self.#f) { visit(#role, #secret, v); }
            });
            if secret {
                masks.push(quote!(#rt::CredentialSlot::mask(&mut self.#f);));
            }
        } else if context.is_some_and(|c| c.matches(&m.declared_in, &m.name)) {
            let TypeRef::Named(ctx_ty) = &m.ty else { continue };
            let invalid = |kind: ErrorKind| ctx.err(&m.loc, kind);
            if !super::types::derives_default(ctx, ctx_ty) {
                return Err(invalid(ErrorKind::Invalid(format!(
                    "context_member {}/{}: type {} has required members, so the runtime cannot create it",
                    m.declared_in, m.name, ctx_ty
                ))));
            }
            if m.boxed {
                return Err(invalid(ErrorKind::Unsupported(format!(
                    "context_member {}/{} whose type contains the request again",
                    m.declared_in, m.name
                ))));
            }
            fills.push(quote!(#rt::Credentialed::fill_credentials(&mut self.#f, source);));
            visits.push(quote!(#rt::Credentialed::visit_credentials(&self.#f, visit);));
            masks.push(quote!(#rt::Credentialed::mask_secrets(&mut self.#f);));
        }
    }
    let source_unused = fills.is_empty().then(|| quote!(let _ = source;));
    let visit_unused = visits.is_empty().then(|| quote!(let _ = visit;));
    Ok(quote! {
        impl #rt::Credentialed for #ident {
            fn fill_credentials(&mut self, source: &dyn #rt::CredentialSource) {
                #source_unused
                #(#fills)*
            }
            fn visit_credentials(&self, visit: &mut dyn FnMut(&'static str, bool, &str)) {
                #visit_unused
                #(#visits)*
            }
            fn mask_secrets(&mut self) {
                #(#masks)*
            }
        }
    })
}

/// A reader's fields: each role with its member path (declaring type and name per step).
type ReaderKey = Vec<(String, Vec<(QName, String)>)>;

/// The functions that read a status from the members a response type inherits: one per set
/// of status fields, shared by every response type with the same (typically a common base type).
#[derive(Default)]
struct StatusReaders {
    /// The readers so far, by their fields.
    known: Vec<(ReaderKey, syn::Ident)>,
    items: Vec<TokenStream>,
}

fn emit_status(ctx: &Ctx<'_>, q: &QName, fields: &[StatusField], readers: &mut StatusReaders) -> TokenStream {
    let rt = &ctx.rt;
    let ident = ctx.type_ident(q);
    let body = if fields.is_empty() {
        quote!(#rt::Status::default())
    } else {
        // The distinct first members, in order: the reader's parameters.
        let mut firsts: Vec<&Member> = Vec::new();
        for f in fields {
            if let Some(m) = f.steps.first() {
                if !firsts
                    .iter()
                    .any(|x| x.name == m.name && x.declared_in == m.declared_in)
                {
                    firsts.push(m);
                }
            }
        }
        let key: ReaderKey = fields
            .iter()
            .map(|f| {
                let role = format!("{}{}", f.role, f.denied.as_deref().unwrap_or(""));
                (
                    role,
                    f.steps
                        .iter()
                        .map(|m| (m.declared_in.clone(), m.name.clone()))
                        .collect(),
                )
            })
            .collect();
        let reader = match readers.known.iter().find(|(k, _)| *k == key) {
            Some((_, id)) => id.clone(),
            None => {
                let base = names::field_name(&firsts[0].declared_in.local);
                let taken: Vec<String> = readers.known.iter().map(|(_, i)| i.to_string()).collect();
                let mut name = format!("{}_status", base.trim_start_matches("r#"));
                let mut n = 1;
                while taken.contains(&name) {
                    n += 1;
                    name = format!("{}_status_{n}", base.trim_start_matches("r#"));
                }
                let id = quote::format_ident!("{}", name);
                readers.items.push(emit_status_reader(ctx, q, &id, &firsts, fields));
                readers.known.push((key, id.clone()));
                id
            }
        };
        let args = firsts.iter().map(|m| {
            let f = field(ctx, q, m);
            quote!(&self.#f)
        });
        quote!(#reader(#(#args),*))
    };
    quote! {
        impl #rt::ServiceStatus for #ident {
            fn status(&self) -> #rt::Status<'_> {
                #body
            }
        }
    }
}

/// `fn reader<'a>(first: &'a T, ...) -> Status<'a>` over the status fields.
fn emit_status_reader(
    ctx: &Ctx<'_>,
    q: &QName,
    ident: &syn::Ident,
    firsts: &[&Member],
    fields: &[StatusField],
) -> TokenStream {
    let rt = &ctx.rt;
    let params = firsts.iter().map(|m| {
        let f = field(ctx, q, m);
        let ty = super::types::field_type(ctx, m);
        quote!(#f: &'a #ty)
    });
    let value = |f: &StatusField| {
        let access = access_chain(ctx, q, &f.steps, None);
        match f.value {
            StatusValue::Flag => quote!(#access.copied()),
            StatusValue::Text => quote!(#access.map(|v| v.as_str())),
            StatusValue::TextList => quote!(#access.map(#rt::TextItems::text_items).unwrap_or_default()),
            // Paging's kinds; no status role takes them.
            StatusValue::Key | StatusValue::Count => quote!(#access.map(|v| v.to_string())),
        }
    };
    let single_fields: Vec<&StatusField> = fields.iter().filter(|f| f.denied.is_none()).collect();
    let singles = single_fields.iter().map(|f| {
        let role = quote::format_ident!("{}", f.role);
        let v = value(f);
        quote!(#role: #v,)
    });
    let checks: Vec<TokenStream> = fields
        .iter()
        .filter_map(|f| {
            let denied = f.denied.as_ref()?;
            let v = value(f);
            Some(quote!((#denied, #v)))
        })
        .collect();
    let has_checks = !checks.is_empty();
    let checks = has_checks.then(|| quote!(access_checks: Vec::from([#(#checks),*]),));
    // `Status` has five single roles and the checks: the rest keep their defaults.
    let rest = (single_fields.len() + usize::from(has_checks) < 6).then(|| quote!(..Default::default()));
    let doc = super::doc_attrs("The service-level outcome these members report (the overrides' `status` paths).");
    quote! {
        #doc
        fn #ident<'a>(#(#params),*) -> #rt::Status<'a> {
            #rt::Status {
                #(#singles)*
                #checks
                #rest
            }
        }
    }
}

/// `Option<&T>` of the value at the end of `steps` from `root`, one step per member. The first
/// member is reached through expression `on`, or, when `on` is `None`, is a parameter of the
/// same name holding a reference to it (the status readers' parameters).
pub(super) fn access_chain(ctx: &Ctx<'_>, root: &QName, steps: &[Member], on: Option<&TokenStream>) -> TokenStream {
    let mut expr: Option<TokenStream> = None;
    let mut owner = root.clone();
    for m in steps {
        expr = Some(match expr {
            None => member_value(ctx, &owner, m, on),
            // Later members are reached through the previous step's value `x`.
            Some(e) => {
                let step = member_value(ctx, &owner, m, Some(&quote!(x)));
                quote!(#e.and_then(|x| #step))
            }
        });
        if let TypeRef::Named(next) = &m.ty {
            owner = next.clone();
        }
    }
    expr.unwrap_or_else(|| quote!(None))
}

/// `Option<&T>` of member `m` of `owner`: reached through expression `on`, or, when `on` is
/// `None`, held by reference in a parameter named like its field.
pub(super) fn member_value(ctx: &Ctx<'_>, owner: &QName, m: &Member, on: Option<&TokenStream>) -> TokenStream {
    let f = field(ctx, owner, m);
    let Some(on) = on else {
        return match (shape(m), m.boxed) {
            (Shape::Req | Shape::Many, false) => quote!(Some(#f)),
            (Shape::Req | Shape::Many, true) => quote!(Some(&**#f)),
            (Shape::ReqNil | Shape::Opt, false) => quote!(#f.as_ref()),
            (Shape::ReqNil | Shape::Opt, true) => quote!(#f.as_deref()),
            (Shape::OptNil, false) => quote!(#f.value()),
            (Shape::OptNil, true) => quote!(#f.value().map(|b| &**b)),
        };
    };
    match (shape(m), m.boxed) {
        (Shape::Req | Shape::Many, false) => quote!(Some(&#on.#f)),
        (Shape::Req | Shape::Many, true) => quote!(Some(&*#on.#f)),
        (Shape::ReqNil | Shape::Opt, false) => quote!(#on.#f.as_ref()),
        (Shape::ReqNil | Shape::Opt, true) => quote!(#on.#f.as_deref()),
        (Shape::OptNil, false) => quote!(#on.#f.value()),
        (Shape::OptNil, true) => quote!(#on.#f.value().map(|b| &**b)),
    }
}

/// `Inherits<Base>` for a response type: its base part, if it extends `base`.
fn emit_base_view(ctx: &Ctx<'_>, q: &QName, base: &QName) -> Option<TokenStream> {
    let rt = &ctx.rt;
    let base_members = match &ctx.model.get(base)?.kind {
        TypeKind::Struct(s) => &s.members,
        _ => return None,
    };
    let ident = ctx.type_ident(q);
    let base_ident = ctx.type_ident(base);
    let base_fields: Vec<syn::Ident> = base_members.iter().map(|m| field(ctx, base, m)).collect();
    let (view, set) = if ctx.model.bases(q).contains(&base) {
        let own: Vec<syn::Ident> = base_members.iter().map(|m| field(ctx, q, m)).collect();
        (
            quote!(Some(#base_ident { #(#base_fields: self.#own.clone()),* })),
            quote! { #(self.#own = base.#base_fields;)* true },
        )
    } else {
        (quote!(None), quote!(let _ = base; false))
    };
    Some(quote! {
        impl #rt::Inherits<#base_ident> for #ident {
            fn base_view(&self) -> Option<#base_ident> { #view }
            fn set_base(&mut self, base: #base_ident) -> bool { #set }
        }
    })
}

/// A message type's glue: credentials in its header entries and its body (request), or the
/// body's status and base part (response).
fn emit_message_glue(ctx: &Ctx<'_>, m: &MessageType<'_>) -> TokenStream {
    let rt = &ctx.rt;
    let ident = &m.ident;
    if m.request {
        let headers = &m.wrapped.headers;
        let creds: Vec<(&Member, syn::Ident, &String)> = headers
            .iter()
            .zip(header_fields(headers))
            .filter_map(|(h, f)| h.credential.as_ref().map(|role| (h, f, role)))
            .collect();
        let fills = creds
            .iter()
            .map(|(_, f, role)| quote!(#rt::CredentialSlot::fill(&mut self.#f, source.credential(#role));));
        let visits = creds.iter().map(|(h, f, role)| {
            let secret = h.secret;
            quote!(if let Some(v) = #rt::CredentialSlot::value(&self.#f) { visit(#role, #secret, v); })
        });
        let masks = creds
            .iter()
            .filter(|(h, _, _)| h.secret)
            .map(|(_, f, _)| quote!(#rt::CredentialSlot::mask(&mut self.#f);));
        return quote! {
            impl #rt::Credentialed for #ident {
                fn fill_credentials(&mut self, source: &dyn #rt::CredentialSource) {
                    #(#fills)*
                    #rt::Credentialed::fill_credentials(&mut self.body, source);
                }
                fn visit_credentials(&self, visit: &mut dyn FnMut(&'static str, bool, &str)) {
                    #(#visits)*
                    #rt::Credentialed::visit_credentials(&self.body, visit);
                }
                fn mask_secrets(&mut self) {
                    #(#masks)*
                    #rt::Credentialed::mask_secrets(&mut self.body);
                }
            }
        };
    }
    let bases = ctx.config.base_views.iter().filter(|b| ctx.model.get(b).is_some()).map(|b| {
        let base = ctx.type_ident(b);
        quote! {
            impl #rt::Inherits<#base> for #ident {
                fn base_view(&self) -> Option<#base> { #rt::Inherits::<#base>::base_view(&self.body) }
                fn set_base(&mut self, base: #base) -> bool { #rt::Inherits::<#base>::set_base(&mut self.body, base) }
            }
        }
    });
    quote! {
        impl #rt::ServiceStatus for #ident {
            fn status(&self) -> #rt::Status<'_> {
                #rt::ServiceStatus::status(&self.body)
            }
        }
        #(#bases)*
    }
}

//! `ids.rs`: one identifier type per entity the overrides' `ids` declare, and `id()` on the
//! responses whose `record_ids` name the record they are about.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::claims::{Claim, Claims};
use super::service::member_value;
use super::types::direction_cfg;
use super::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{TypeKind, TypeRef};

pub(super) fn emit(ctx: &Ctx<'_>, claims: &Claims) -> Result<TokenStream> {
    let Some(vrt) = &claims.vrt else { return Ok(quote!()) };
    let mut kinds = Vec::new();
    let mut types = Vec::new();
    for id in &ctx.config.ids {
        let name = format_ident!("{}", id.name);
        let marker = format_ident!(
            "{}",
            id.name.strip_suffix("Id").filter(|s| !s.is_empty()).unwrap_or(&id.name)
        );
        let type_name = &id.name;
        let entity = &id.entity;
        let marker_doc = super::doc_attrs(&format!(
            "The entity of [`{type_name}`](super::{type_name}): {}.",
            plural(entity)
        ));
        kinds.push(quote! {
            #marker_doc
            #[derive(Debug)]
            pub enum #marker {}
            impl #vrt::IdKind for #marker {
                const TYPE: &'static str = #type_name;
                const ENTITY: &'static str = #entity;
            }
        });
        let members: Vec<String> = id.members.iter().map(|(t, m)| format!("`{t}/{m}`")).collect();
        let doc = super::doc_attrs(&format!(
            "{} {entity}'s identifier: [`Id`]({rt}::Id) of {}.\n\nThe members that hold one (by type name pattern): {}. Their setters take it, and their\n`{{member}}_value()` accessors return it.",
            if super::article(entity) == "an" { "An" } else { "A" },
            plural(entity),
            members.join(", "),
            rt = ctx.config.values.as_ref().map_or("", |v| v.runtime_path.as_str()),
        ));
        types.push(quote! {
            #doc
            pub type #name = #vrt::Id<kinds::#marker>;
        });
    }
    let mut accessors = Vec::new();
    for r in &ctx.config.record_ids {
        let config_err = |msg: String| Error {
            file: "config".into(),
            line: None,
            path: "record_ids".into(),
            kind: ErrorKind::Invalid(msg),
        };
        let Some(root) = ctx.model.get(&r.owner) else { continue };
        // Walk the path: every step but the last is a complex member; the last is claimed.
        let mut owner = root;
        let mut steps = Vec::new();
        for (i, name) in r.path.iter().enumerate() {
            let TypeKind::Struct(s) = &owner.kind else {
                return Err(config_err(format!(
                    "record_ids {}: {} is not a complex type",
                    r.owner, owner.name
                )));
            };
            let Some(m) = s.members.iter().find(|m| &m.name == name) else {
                return Err(config_err(format!(
                    "record_ids {}: {} has no member {name}",
                    r.owner, owner.name
                )));
            };
            steps.push((owner, m));
            if i + 1 < r.path.len() {
                owner = match &m.ty {
                    TypeRef::Named(q) => ctx
                        .model
                        .get(q)
                        .ok_or_else(|| config_err(format!("record_ids {}: {name} has no type", r.owner)))?,
                    TypeRef::Builtin(_) => {
                        return Err(config_err(format!(
                            "record_ids {}: {name} is not a complex member",
                            r.owner
                        )))
                    }
                };
            }
        }
        let Some(&(last_owner, last)) = steps.last() else {
            continue;
        };
        let Some(Claim::Id { ty, name, .. }) = claims.get(&last_owner.name, &last.name) else {
            return Err(config_err(format!(
                "record_ids {}: {} is not a member an `ids` entry claims",
                r.owner,
                r.path.join("/")
            )));
        };
        // `Option<&Last>` of the last owner, then its accessor.
        let mut on = quote!(Some(self));
        for (o, m) in &steps[..steps.len() - 1] {
            let step = member_value(ctx, &o.name, m, Some(&quote!(x)));
            on = quote!(#on.and_then(|x| #step));
        }
        let field = super::service::field(ctx, &last_owner.name, last).to_string();
        let getter = format_ident!("{}_value", field.trim_start_matches("r#"));
        let member = format!("{}/{}", root.name.local, r.path.join("/"));
        let ident = ctx.type_ident(&root.name);
        let doc = super::doc_attrs(&format!(
            "The identifier of the record this response is about: `{}`, as {} [`{name}`].\n\nAn [`InvalidValue`]({}::InvalidValue) naming `{member}` when the response does not hold one.",
            r.path.join("/"),
            super::article(name),
            quote!(#vrt).to_string().replace(' ', ""),
        ));
        let cfg = direction_cfg(ctx, root.usage.response);
        accessors.push(quote! {
            #cfg
            impl super::types::#ident {
                #doc
                pub fn id(&self) -> Result<#ty, #vrt::InvalidValue> {
                    let value = #on.map(|x| x.#getter()).transpose()?.flatten();
                    <#ty>::required(#member, value)
                }
            }
        });
    }
    let kinds_doc = super::doc_attrs(&format!(
        "The entities, as marker types of [`Id`]({}::Id).",
        quote!(#vrt).to_string().replace(' ', "")
    ));
    Ok(quote! {
        //! One identifier type per entity, from the overrides' `ids`: the same type wherever a
        //! member holds that entity's identifier, so that one entity's cannot be passed for
        //! another's.
        #kinds_doc
        pub mod kinds {
            #(#kinds)*
        }
        #(#types)*
        #(#accessors)*
    })
}

/// `patients`, `policies`.
fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

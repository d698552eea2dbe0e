//! `serde` support in the generated code, compiled only with the feature the config names
//! ([`Config::serde_feature`](crate::Config::serde_feature)); nothing is emitted without one.
//!
//! Structs derive `Serialize`/`Deserialize` with each member under the name the schema spells
//! (`deny_unknown_fields`: a misspelt key is an error, never dropped). Occurrence maps onto keys
//! and `null`: an absent member is a missing key, `xsi:nil` is `null`. Enumerations are their
//! wire text, unlisted values included. The runtime supplies the impls of its value types and
//! two field codecs: `serde_secret` (credential members: written masked) and `serde_float`
//! (`xs:float`/`xs:double`: `NaN` and infinities as their XSD text, which JSON numbers lack).

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{shape, Shape};
use super::Ctx;
use crate::model::{Builtin, Member, TypeKind, TypeRef};
use crate::names;

/// `#[cfg_attr(feature = ..., derive(Serialize, Deserialize))]` for a struct or enum with
/// derived impls, plus `serde(deny_unknown_fields)` for structs.
pub(super) fn derive(ctx: &Ctx<'_>, is_struct: bool) -> TokenStream {
    let Some(feature) = &ctx.config.serde_feature else {
        return quote!();
    };
    let strict = is_struct.then(|| quote!(#[cfg_attr(feature = #feature, serde(deny_unknown_fields))]));
    quote! {
        #[cfg_attr(feature = #feature, derive(serde::Serialize, serde::Deserialize))]
        #strict
    }
}

/// The JSON keys of a struct's members: their schema names, made unique (a derived type may
/// declare a member named like one of its base's, in another namespace).
pub(super) fn keys(members: &[Member]) -> Vec<String> {
    names::dedupe(members.iter().map(|m| m.name.clone()), &[], "_")
}

/// The field attribute of member `m` under JSON key `key`.
pub(super) fn field(ctx: &Ctx<'_>, m: &Member, key: &str) -> TokenStream {
    let Some(feature) = &ctx.config.serde_feature else {
        return quote!();
    };
    let rt = &ctx.config.runtime_path;
    let mut args = vec![quote!(rename = #key)];
    let s = shape(m);
    if s != Shape::Req {
        // A missing key is the member's empty occurrence: absent, nil (required nillable
        // members always have their key written), or no repetition.
        args.push(quote!(default));
    }
    match s {
        Shape::Opt => args.push(quote!(skip_serializing_if = "Option::is_none")),
        Shape::OptNil => {
            let is_absent = format!("{rt}::Nillable::is_absent");
            args.push(quote!(skip_serializing_if = #is_absent));
        }
        Shape::Req | Shape::ReqNil | Shape::Many => {}
    }
    if m.secret {
        let with = format!("{rt}::serde_secret");
        args.push(quote!(with = #with));
    } else if holds_float(ctx, &m.ty, 0) {
        let with = format!("{rt}::serde_float");
        args.push(quote!(with = #with));
    }
    quote!(#[cfg_attr(feature = #feature, serde(#(#args),*))])
}

/// The attribute of a header-entry message's body field, under a key no header entry has.
pub(super) fn body_field(ctx: &Ctx<'_>, headers: &[Member]) -> TokenStream {
    let Some(feature) = &ctx.config.serde_feature else {
        return quote!();
    };
    let taken: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
    let key = names::dedupe(["body".to_string()], &taken, "_")
        .pop()
        .unwrap_or_default();
    quote!(#[cfg_attr(feature = #feature, serde(rename = #key))])
}

/// The attribute of an enum variant (a fault detail) under its element's name.
pub(super) fn variant(ctx: &Ctx<'_>, key: &str) -> TokenStream {
    match &ctx.config.serde_feature {
        Some(feature) => quote!(#[cfg_attr(feature = #feature, serde(rename = #key))]),
        None => quote!(),
    }
}

/// An enumeration's impls: its wire text both ways (`as_str`, `From<&str>`), so that values
/// the schema does not list are kept.
pub(super) fn enum_impls(ctx: &Ctx<'_>, ident: &syn::Ident) -> TokenStream {
    let Some(feature) = &ctx.config.serde_feature else {
        return quote!();
    };
    quote! {
        #[cfg(feature = #feature)]
        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        #[cfg(feature = #feature)]
        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize<'de>>::deserialize(d)?;
                Ok(Self::from(text.as_str()))
            }
        }
    }
}

/// Whether values of `r` hold `xs:float`/`xs:double` values directly (through aliases,
/// collections and lists; not inside complex types, which have their own impls).
fn holds_float(ctx: &Ctx<'_>, r: &TypeRef, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match r {
        TypeRef::Builtin(b) => matches!(b, Builtin::Float | Builtin::Double),
        TypeRef::Named(_) => match ctx.kind(r) {
            Some(TypeKind::Alias(inner) | TypeKind::List(inner)) => holds_float(ctx, inner, depth + 1),
            Some(TypeKind::Array(a)) => holds_float(ctx, &a.item.ty, depth + 1),
            Some(TypeKind::Struct(_) | TypeKind::Enum(_)) | None => false,
        },
    }
}

//! `serde` support in the generated code, compiled only with the feature the config names
//! ([`Config::serde_feature`](crate::Config::serde_feature)); nothing is emitted without one.
//!
//! Structs are `Serialize`/`Deserialize` with each member under the name the schema spells
//! (unknown keys refused: a misspelt key is an error, never dropped). Occurrence maps onto keys
//! and `null`: an absent member is a missing key, `xsi:nil` is `null`. Enumerations are their
//! wire text, unlisted values included. The impls are the JSON of serde's derive, generated as
//! a line per field calling the runtime's `serde_struct` (the derive's expansion costs several
//! times as much to compile). The runtime supplies the impls of its value types and two field
//! codecs: `serde_secret` (credential members: written masked) and `serde_float`
//! (`xs:float`/`xs:double`: `NaN` and infinities as their XSD text, which JSON numbers lack).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::Shape;
use super::Ctx;
use crate::model::{Builtin, Member, TypeKind, TypeRef};
use crate::names;

/// How a member's value goes through serde: as itself, or through one of the runtime's codecs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Codec {
    Plain,
    /// `serde_secret`: written masked, the mask refused when read.
    Secret,
    /// `serde_float`: `NaN` and infinities as their XSD text.
    Float,
}

/// The codec of member `m`.
pub(super) fn codec(ctx: &Ctx<'_>, m: &Member) -> Codec {
    if m.secret {
        Codec::Secret
    } else if holds_float(ctx, &m.ty, 0) {
        Codec::Float
    } else {
        Codec::Plain
    }
}

/// A struct field as serde sees it.
pub(super) struct Field<'a> {
    pub ident: &'a syn::Ident,
    /// The JSON key.
    pub key: String,
    pub shape: Shape,
    pub codec: Codec,
    /// The field's Rust type.
    pub ty: TokenStream,
}

/// The JSON keys of a struct's members: their schema names, made unique (a derived type may
/// declare a member named like one of its base's, in another namespace).
pub(super) fn keys(members: &[Member]) -> Vec<String> {
    names::dedupe(members.iter().map(|m| m.name.clone()), &[], "_")
}

/// The key of a header-entry message's body field: one no header entry has.
pub(super) fn body_key(headers: &[Member]) -> String {
    let taken: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
    names::dedupe(["body".to_string()], &taken, "_")
        .pop()
        .unwrap_or_default()
}

/// A struct's `Serialize` and `Deserialize` impls: the JSON of
/// `#[derive(Serialize, Deserialize)]` with `deny_unknown_fields` and, per field, `rename` to
/// its key, `default` unless required, `skip_serializing_if` an absent optional member and
/// `with` its codec; generated as calls into the runtime's `serde_struct`, a line per field,
/// which compiles at a fraction of the derive's cost. `has_default`: the struct implements
/// `Default`, and is read in place (else into an `Option` per field).
pub(super) fn struct_impls(ctx: &Ctx<'_>, ident: &syn::Ident, fields: &[Field<'_>], has_default: bool) -> TokenStream {
    let Some(feature) = &ctx.config.serde_feature else {
        return quote!();
    };
    let rt = &ctx.rt;
    let ss = quote!(#rt::serde_struct);
    let name = ident.to_string();

    let writes = fields.iter().map(|f| {
        let (key, id) = (&f.key, f.ident);
        let value = match f.codec {
            Codec::Plain => quote!(&self.#id),
            Codec::Secret => quote!(&#rt::Masked(&self.#id)),
            Codec::Float => quote!(&#ss::Float(&self.#id)),
        };
        match f.shape {
            Shape::Opt | Shape::OptNil => quote!(w.opt(#key, #value);),
            Shape::Req | Shape::ReqNil | Shape::Many => quote!(w.field(#key, #value);),
        }
    });
    let write_fn = if fields.is_empty() {
        quote!(fn write<W: #ss::Sink>(&self, _: &mut W) {})
    } else {
        quote!(fn write<W: #ss::Sink>(&self, w: &mut W) { #(#writes)* })
    };

    let keys = fields.iter().map(|f| &f.key);
    let shape: Vec<u8> = fields
        .iter()
        .map(|f| match (f.shape, f.codec) {
            (Shape::Opt | Shape::OptNil | Shape::Many, _) => b'o',
            // A missing `Option` field without `default` is `None`, unless read through a codec.
            (Shape::ReqNil, Codec::Plain) => b'n',
            (Shape::Req | Shape::ReqNil, _) => b'r',
        })
        .collect();
    let shape = proc_macro2::Literal::byte_string(&shape);
    let reads: Vec<TokenStream> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let slot = if has_default {
                let id = f.ident;
                quote!(&mut x.#id)
            } else {
                let i = syn::Index::from(i);
                quote!(&mut x.#i)
            };
            let method = match (f.codec, has_default) {
                (Codec::Plain, true) => "put",
                (Codec::Plain, false) => "put_some",
                (Codec::Secret, true) => "secret",
                (Codec::Secret, false) => "secret_some",
                (Codec::Float, true) => "float",
                (Codec::Float, false) => "float_some",
            };
            let method = format_ident!("{method}");
            quote!(f.#method(#slot))
        })
        .collect();
    let field_fn = match reads.as_slice() {
        [] => quote! {
            fn field<'de, F: #ss::FieldIn<'de>>(_: &mut Self::Slots, _: usize, _: F) -> Result<(), F::Error> {
                Ok(())
            }
        },
        [read] => quote! {
            fn field<'de, F: #ss::FieldIn<'de>>(x: &mut Self::Slots, _: usize, f: F) -> Result<(), F::Error> {
                #read
            }
        },
        [init @ .., last] => {
            let arms = init.iter().enumerate().map(|(i, read)| {
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                quote!(#i => #read,)
            });
            quote! {
                fn field<'de, F: #ss::FieldIn<'de>>(x: &mut Self::Slots, i: usize, f: F) -> Result<(), F::Error> {
                    match i {
                        #(#arms)*
                        _ => #last,
                    }
                }
            }
        }
    };
    let (slots_ty, slots_impl) = if has_default {
        (quote!(Self), quote!())
    } else {
        let tys = fields.iter().map(|f| {
            let ty = &f.ty;
            quote!(Option<#ty>)
        });
        let tuple = quote!((#(#tys,)*));
        let nones = fields.iter().map(|_| quote!(None));
        let builds = fields.iter().enumerate().map(|(i, f)| {
            let (id, key) = (f.ident, &f.key);
            let i = syn::Index::from(i);
            match (f.shape, f.codec) {
                (Shape::Req, _) | (Shape::ReqNil, Codec::Secret | Codec::Float) => {
                    quote!(#id: #ss::take(self.#i, #key)?,)
                }
                _ => quote!(#id: self.#i.unwrap_or_default(),),
            }
        });
        let slots_impl = quote! {
            #[cfg(feature = #feature)]
            impl #ss::Slots<#ident> for #tuple {
                fn new() -> Self {
                    (#(#nones,)*)
                }
                fn finish<E: serde::de::Error>(self) -> Result<#ident, E> {
                    Ok(#ident { #(#builds)* })
                }
            }
        };
        (tuple, slots_impl)
    };

    quote! {
        #[cfg(feature = #feature)]
        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #ss::write(self, s)
            }
        }
        #[cfg(feature = #feature)]
        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #ss::read(d)
            }
        }
        #[cfg(feature = #feature)]
        impl #ss::Fields for #ident {
            const NAME: &'static str = #name;
            const KEYS: &'static [&'static str] = &[#(#keys),*];
            const SHAPE: &'static [u8] = #shape;
            type Slots = #slots_ty;
            #field_fn
            #write_fn
        }
        #slots_impl
    }
}

/// The `Serialize` and `Deserialize` impls of the fault detail enum: externally tagged, each
/// variant (one detail type) under its element's name, as the derive writes a newtype variant.
pub(super) fn variant_impls(
    ctx: &Ctx<'_>,
    ident: &syn::Ident,
    variants: &[syn::Ident],
    keys: &[String],
) -> TokenStream {
    let Some(feature) = &ctx.config.serde_feature else {
        return quote!();
    };
    let rt = &ctx.rt;
    let ss = quote!(#rt::serde_struct);
    let name = ident.to_string();
    let writes = variants.iter().zip(keys).enumerate().map(|(i, (v, key))| {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        quote!(Self::#v(v) => s.serialize_newtype_variant(#name, #i, #key, v),)
    });
    let (s, matched) = if variants.is_empty() {
        (quote!(_), quote!(match *self {}))
    } else {
        (quote!(s), quote!(match self { #(#writes)* }))
    };
    let reads: Vec<TokenStream> = variants
        .iter()
        .map(|v| quote!(serde::de::VariantAccess::newtype_variant(value).map(Self::#v)))
        .collect();
    let variant_fn = match reads.as_slice() {
        [] => quote! {
            fn variant<'de, A: serde::de::VariantAccess<'de>>(_: usize, _: A) -> Result<Self, A::Error> {
                Err(#ss::no_variant())
            }
        },
        [read] => quote! {
            fn variant<'de, A: serde::de::VariantAccess<'de>>(_: usize, value: A) -> Result<Self, A::Error> {
                #read
            }
        },
        [init @ .., last] => {
            let arms = init.iter().enumerate().map(|(i, read)| {
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                quote!(#i => #read,)
            });
            quote! {
                fn variant<'de, A: serde::de::VariantAccess<'de>>(index: usize, value: A) -> Result<Self, A::Error> {
                    match index {
                        #(#arms)*
                        _ => #last,
                    }
                }
            }
        }
    };
    quote! {
        #[cfg(feature = #feature)]
        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, #s: S) -> Result<S::Ok, S::Error> {
                #matched
            }
        }
        #[cfg(feature = #feature)]
        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #ss::read_variants(d)
            }
        }
        #[cfg(feature = #feature)]
        impl #ss::Variants for #ident {
            const NAME: &'static str = #name;
            const KEYS: &'static [&'static str] = &[#(#keys),*];
            #variant_fn
        }
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

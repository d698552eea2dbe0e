//! `samples.rs`: a sample value of every struct and enumeration, for servers and tests that
//! must answer a schema-valid message without the WSDL at hand (a mock service answering an
//! operation it does not model).
//!
//! Each impl of the runtime's `Sample` trait sets every member: simple values take the
//! runtime's sample of their type, enumerations their first listed value, collections one
//! item. Optional members below a given depth are left unset, so recursive types end.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{shape, Shape};
use super::Ctx;
use crate::model::{StructType, TypeDef, TypeKind};
use crate::names;

pub(super) fn emit(ctx: &Ctx<'_>) -> TokenStream {
    let items = ctx.model.types.iter().filter_map(|t| match &t.kind {
        TypeKind::Struct(s) => Some(emit_struct(ctx, t, s)),
        TypeKind::Enum(_) => Some(emit_enum(ctx, t)),
        // Collections, lists and aliases are `Vec`s and built-ins: the runtime's impls cover them.
        TypeKind::Array(_) | TypeKind::List(_) | TypeKind::Alias(_) => None,
    });
    quote! {
        //! A sample value of every schema struct and enumeration ([`Sample`](crate::xml::Sample)):
        //! every member set, invented values. Generated from the schema, so a sample is a valid
        //! instance of its type.
        #[allow(unused_imports)]
        use super::types::*;
        #(#items)*
    }
}

fn emit_struct(ctx: &Ctx<'_>, t: &TypeDef, s: &StructType) -> TokenStream {
    let rt = &ctx.rt;
    let ident = ctx.type_ident(&t.name);
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    let values = s.members.iter().zip(&fields).map(|(m, f)| {
        let f = syn::parse_str::<syn::Ident>(f).unwrap_or_else(|_| format_ident!("invalid_field"));
        match shape(m) {
            // A required member is always set (the type may have no default).
            Shape::Req => quote!(#f: #rt::Sample::sample_at(depth.saturating_sub(1)),),
            Shape::ReqNil | Shape::Opt | Shape::OptNil | Shape::Many => quote!(#f: #rt::Sample::optional_at(depth),),
        }
    });
    let doc = super::doc_attrs(&format!("A sample `{}`: every member set.", t.name.local));
    let depth = if s.members.is_empty() {
        format_ident!("_depth")
    } else {
        format_ident!("depth")
    };
    quote! {
        #doc
        impl #rt::Sample for #ident {
            fn sample_at(#depth: u32) -> Self {
                Self { #(#values)* }
            }
        }
    }
}

fn emit_enum(ctx: &Ctx<'_>, t: &TypeDef) -> TokenStream {
    let rt = &ctx.rt;
    let ident = ctx.type_ident(&t.name);
    let TypeKind::Enum(e) = &t.kind else {
        return quote!();
    };
    let first = e.values.first().cloned().unwrap_or_else(|| "sample".to_owned());
    let doc = super::doc_attrs(&format!("`{first}`, the first value `{}` lists.", t.name.local));
    quote! {
        #doc
        impl #rt::Sample for #ident {
            fn sample_at(_depth: u32) -> Self {
                Self::from(#first)
            }
        }
    }
}

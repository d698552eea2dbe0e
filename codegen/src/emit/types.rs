//! `types.rs`: a Rust type per schema type, and the codec impls that put it on the wire.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{serde_attrs, xsd_name, Ctx};
use crate::error::{ErrorKind, Result};
use crate::model::{Builtin, Member, StructType, TypeDef, TypeKind, TypeRef};
use crate::names;
use crate::QName;

/// How a member occurs, which decides its Rust type and codec helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Required, not nillable: `T`.
    Req,
    /// Required, nillable: `Option<T>`, `None` is `xsi:nil`.
    ReqNil,
    /// Optional, not nillable: `Option<T>`, `None` is absent.
    Opt,
    /// Optional and nillable: `Nillable<T>`.
    OptNil,
    /// Repeated in place: `Vec<T>`.
    Many,
}

pub(super) fn shape(m: &Member) -> Shape {
    if m.repeated() {
        return Shape::Many;
    }
    match (m.min_occurs >= 1, m.nillable) {
        (true, false) => Shape::Req,
        (true, true) => Shape::ReqNil,
        (false, false) => Shape::Opt,
        (false, true) => Shape::OptNil,
    }
}

/// `range_checks`: per type, the range checks its `Encode` impl runs before writing anything;
/// `extra`: items appended to the module (the builders' re-exports).
pub(super) fn emit(
    ctx: &Ctx<'_>,
    range_checks: &HashMap<QName, Vec<TokenStream>>,
    extra: TokenStream,
) -> Result<TokenStream> {
    let mut defaults = DefaultCache::default();
    let mut items = Vec::new();
    for t in &ctx.model.types {
        items.push(match &t.kind {
            TypeKind::Struct(s) => emit_struct(ctx, t, s, &mut defaults, range_checks.get(&t.name))?,
            TypeKind::Array(a) => {
                let ident = ctx.type_ident(&t.name);
                let item = ctx.item_type(&a.item);
                let doc = type_doc(
                    t,
                    &format!(
                        "Collection of `{}` elements; used as a `Vec` wherever it appears.",
                        a.item.name
                    ),
                );
                quote! { #doc pub type #ident = Vec<#item>; }
            }
            TypeKind::Enum(_) => emit_enum(ctx, t),
            TypeKind::List(r) => {
                let ident = ctx.type_ident(&t.name);
                let item = ctx.value_type(r);
                let doc = type_doc(
                    t,
                    &format!("List of `{}` values, separated by spaces on the wire.", xsd_name(r)),
                );
                quote! { #doc pub type #ident = Vec<#item>; }
            }
            TypeKind::Alias(r) => {
                let ident = ctx.type_ident(&t.name);
                let target = ctx.value_type(r);
                let doc = type_doc(t, &format!("Simple type with the values of `{}`.", xsd_name(r)));
                quote! { #doc pub type #ident = #target; }
            }
        });
    }
    Ok(quote! {
        //! Schema types. Each struct lists its members in wire order (base type members first).
        #(#items)*
        #extra
    })
}

fn type_doc(t: &TypeDef, what: &str) -> TokenStream {
    let mut text = format!("`{}` in `{}`.\n\n{what}", t.name.local, t.name.ns);
    if let Some(doc) = &t.doc {
        text.push_str("\n\n");
        text.push_str(doc);
    }
    super::doc_attrs(&text)
}

/// A member's rustdoc: how it occurs, then what it means (from the config's member docs, when
/// it has an entry), then the schema's documentation.
fn member_doc(m: &Member, shape: Shape, meaning: Option<&str>) -> String {
    let occurs = match shape {
        Shape::Req if m.always_sent => "always sent, never nil (an override: the schema lets it be left out or nil)",
        Shape::Req => "required",
        Shape::ReqNil => "required, nillable (`None` is sent as `xsi:nil`)",
        Shape::Opt => "optional",
        Shape::OptNil => "optional, nillable",
        Shape::Many => "repeated",
    };
    let mut doc = format!("`{}` ({}): {occurs}.", m.name, xsd_name(&m.ty));
    if m.emit_default_value == Some(false) {
        doc.push_str(" The service omits it when it holds the default value.");
    }
    if let Some(meaning) = meaning {
        doc.push_str("\n\n");
        doc.push_str(&crate::member_docs::escape(meaning));
    }
    if let Some(d) = &m.doc {
        doc.push_str("\n\n");
        doc.push_str(d);
    }
    doc
}

/// The Rust type of a member, per its shape.
pub(super) fn field_type(ctx: &Ctx<'_>, m: &Member) -> TokenStream {
    let rt = &ctx.rt;
    if shape(m) == Shape::Many {
        let item = ctx.item_type(m);
        return quote!(Vec<#item>);
    }
    let mut t = ctx.value_type(&m.ty);
    if m.boxed {
        t = quote!(Box<#t>);
    }
    match shape(m) {
        Shape::ReqNil | Shape::Opt => quote!(Option<#t>),
        Shape::OptNil => quote!(#rt::Nillable<#t>),
        Shape::Req | Shape::Many => t,
    }
}

/// `Some((item ns, item name))` when the member's type is a collection type.
fn array_item<'m>(ctx: &'m Ctx<'_>, m: &Member) -> Option<&'m Member> {
    match ctx.kind(&m.ty) {
        Some(TypeKind::Array(a)) => Some(&a.item),
        _ => None,
    }
}

fn emit_struct(
    ctx: &Ctx<'_>,
    t: &TypeDef,
    s: &StructType,
    defaults: &mut DefaultCache,
    range_checks: Option<&Vec<TokenStream>>,
) -> Result<TokenStream> {
    let rt = &ctx.rt;
    let ident = ctx.type_ident(&t.name);
    let fields = names::field_names(s.members.iter().map(|m| m.name.as_str()));
    let field_idents: Vec<syn::Ident> = fields
        .iter()
        .map(|f| syn::parse_str(f).unwrap_or_else(|_| format_ident!("invalid_field")))
        .collect();
    for (m, f) in s.members.iter().zip(&fields) {
        if let Some(item) = array_item(ctx, m) {
            if array_item(ctx, item).is_some() || item.repeated() && shape(m) == Shape::Many {
                return Err(ctx.err(
                    &m.loc,
                    ErrorKind::Unsupported(format!("member `{f}`: a collection of collections")),
                ));
            }
        }
    }

    let keys = serde_attrs::keys(&s.members);
    let decls = s.members.iter().zip(&field_idents).map(|(m, f)| {
        let meaning = ctx
            .config
            .member_docs
            .lookup(&t.name.local, &m.declared_in.local, &m.name);
        let doc = super::doc_attrs(&member_doc(m, shape(m), meaning));
        let ty = field_type(ctx, m);
        quote! { #doc pub #f: #ty, }
    });
    let derive_default = defaults.struct_is_default(ctx, &t.name);
    let serde_fields: Vec<serde_attrs::Field<'_>> = s
        .members
        .iter()
        .zip(&field_idents)
        .zip(&keys)
        .map(|((m, f), key)| serde_attrs::Field {
            ident: f,
            key: key.clone(),
            shape: shape(m),
            codec: serde_attrs::codec(ctx, m),
            ty: field_type(ctx, m),
        })
        .collect();
    let serde_impls = serde_attrs::struct_impls(ctx, &ident, &serde_fields, derive_default);
    let has_secret = s.members.iter().any(|m| m.secret);
    let mut derives = vec![quote!(Clone), quote!(PartialEq)];
    if !has_secret {
        derives.insert(0, quote!(Debug));
    }
    if derive_default {
        derives.push(quote!(Default));
    }
    let what = match &s.base {
        Some(b) => format!("Complex type extending `{}`.", b.local),
        None => "Complex type.".to_string(),
    };
    let doc = type_doc(t, &what);

    let debug_impl = has_secret.then(|| {
        let name = ident.to_string();
        let entries = s.members.iter().zip(&fields).zip(&field_idents).map(|((m, f), fi)| {
            let label = f.trim_start_matches("r#");
            if m.secret {
                quote!(.field(#label, &#rt::Masked(&self.#fi)))
            } else {
                quote!(.field(#label, &self.#fi))
            }
        });
        quote! {
            impl std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#name) #(#entries)* .finish()
                }
            }
        }
    });

    // Encode: one helper call per member, in wire order.
    let writes = s.members.iter().zip(&field_idents).map(|(m, f)| {
        let ns = ctx.ns(&m.ns);
        let name = &m.name;
        match array_item(ctx, m) {
            Some(item) => {
                let item_ns = ctx.ns(&item.ns);
                let item_name = &item.name;
                let helper = format_ident!("{}_array", helper_name(shape(m)));
                quote!(xw.#helper(#ns, #name, #item_ns, #item_name, &self.#f)?;)
            }
            None => {
                let helper = format_ident!("{}", helper_name(shape(m)));
                quote!(xw.#helper(#ns, #name, &self.#f)?;)
            }
        }
    });
    let encode_cfg = direction_cfg(ctx, t.usage.request);
    // Declared ranges that end before they start are refused before anything is written (when
    // the writer checks them: it does for requests).
    let checks = range_checks.filter(|c| !c.is_empty()).map(|checks| {
        quote! {
            if xw.checks_ranges() {
                #(#checks)*
            }
        }
    });
    let encode = quote! {
        #encode_cfg
        impl #rt::Encode for #ident {
            fn encode(&self, xw: &mut #rt::Writer, ns: #rt::Ns, name: &'static str) -> Result<(), #rt::EncodeError> {
                #checks
                xw.start(ns, name);
                #(#writes)*
                xw.end(ns, name);
                Ok(())
            }
        }
    };

    // Decode: a match arm per member element, each filling its member's slot. When every member
    // is optional the slots are the fields of a default value, filled in place (a record such
    // as PatientData is kilobytes, and moving it costs); otherwise they are locals, one per
    // member, from which the struct is built once the required ones are known to be present.
    let in_place = derive_default
        && s.members
            .iter()
            .all(|m| !matches!(shape(m), Shape::Req | Shape::ReqNil));
    let slot = |f: &proc_macro2::Ident| if in_place { quote!(xo.#f) } else { quote!(#f) };
    let inits = s.members.iter().zip(&field_idents).filter(|_| !in_place).map(|(m, f)| {
        let init = match shape(m) {
            Shape::OptNil => quote!(#rt::Nillable::Absent),
            Shape::Many => quote!(Vec::new()),
            Shape::Req | Shape::ReqNil | Shape::Opt => quote!(None),
        };
        quote!(let mut #f = #init;)
    });
    let member_names = s.members.iter().map(|m| {
        let ns = ctx.ns(&m.ns);
        let name = m.name.as_str();
        quote!((#ns, #name))
    });
    let arms = s.members.iter().zip(&field_idents).enumerate().map(|(i, (m, f))| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        match array_item(ctx, m) {
            Some(item) => {
                let item_ns = ctx.ns(&item.ns);
                let item_name = &item.name;
                let helper = format_ident!("{}_array", helper_name(shape(m)));
                let slot = slot(f);
                quote!(Some(#i) => xr.#helper(&xc, #item_ns, #item_name, &mut #slot)?,)
            }
            None => {
                let helper = format_ident!("{}", helper_name(shape(m)));
                let slot = slot(f);
                quote!(Some(#i) => xr.#helper(&xc, &mut #slot)?,)
            }
        }
    });
    let builds = s.members.iter().zip(&field_idents).map(|(m, f)| {
        let name = &m.name;
        match shape(m) {
            Shape::Req | Shape::ReqNil => quote!(#f: xr.required(#f, #name)?,),
            _ => quote!(#f,),
        }
    });
    let body = if s.members.is_empty() {
        quote! {
            while let Some(xc) = xr.child(xe)? {
                xr.unknown(&xc)?;
            }
            Ok(Self {})
        }
    } else {
        let (start, finish) = if in_place {
            (quote!(let mut xo = Self::default();), quote!(Ok(xo)))
        } else {
            (quote!(#(#inits)*), quote!(Ok(Self { #(#builds)* })))
        };
        quote! {
            const MEMBERS: &[(#rt::Ns, &str)] = &[#(#member_names),*];
            #start
            let mut xi = 0;
            while let Some(xc) = xr.child(xe)? {
                match xc.member(MEMBERS, &mut xi) {
                    #(#arms)*
                    _ => xr.unknown(&xc)?,
                }
            }
            #finish
        }
    };
    let decode_cfg = direction_cfg(ctx, t.usage.response);
    let decode = quote! {
        #decode_cfg
        impl #rt::Decode for #ident {
            fn decode<'i>(xr: &mut #rt::Reader<'i>, xe: &#rt::Element<'i>) -> Result<Self, #rt::DecodeError> {
                #body
            }
        }
    };

    Ok(quote! {
        #doc
        #[derive(#(#derives),*)]
        #[non_exhaustive]
        pub struct #ident { #(#decls)* }
        #debug_impl
        #serde_impls
        #encode
        #decode
    })
}

pub(super) fn helper_name(shape: Shape) -> &'static str {
    match shape {
        Shape::Req => "req",
        Shape::ReqNil => "req_nil",
        Shape::Opt => "opt",
        Shape::OptNil => "opt_nil",
        Shape::Many => "many",
    }
}

/// `#[cfg(feature = ...)]` for a codec direction the service never uses for this type.
pub(super) fn direction_cfg(ctx: &Ctx<'_>, used: bool) -> TokenStream {
    match (&ctx.config.other_direction_feature, used) {
        (Some(feature), false) => quote!(#[cfg(feature = #feature)]),
        _ => quote!(),
    }
}

fn emit_enum(ctx: &Ctx<'_>, t: &TypeDef) -> TokenStream {
    let rt = &ctx.rt;
    let TypeKind::Enum(e) = &t.kind else {
        return quote!();
    };
    let ident = ctx.type_ident(&t.name);
    let (variants, catch_all) = names::variant_names(&t.kind);
    let catch_all = format_ident!("{}", catch_all);
    let variant_idents: Vec<syn::Ident> = variants.iter().map(|v| format_ident!("{}", v)).collect();
    let values = &e.values;
    let decls = values.iter().zip(&variant_idents).map(|(v, id)| {
        let doc = super::doc_attrs(&format!("`{v}`"));
        quote!(#doc #id,)
    });
    let what = match &t.list {
        // The anonymous item type of a list type (how WCF writes a `[Flags]` enum).
        Some(list) => format!(
            "Enumeration: the items of list type `{0}`, which the schema enumerates in place\n\
             (the form WCF gives a `[Flags]` enum). `{0}` is a `Vec` of them, separated by\n\
             spaces on the wire. Values the schema does not list are kept, not rejected.",
            ctx.type_ident(list)
        ),
        None => "Enumeration. Values the schema does not list are kept, not rejected.".to_owned(),
    };
    let doc = type_doc(t, &what);
    // The item type of a list type: list values are read and written item by item as text.
    let is_list_item = ctx
        .model
        .types
        .iter()
        .any(|l| matches!(&l.kind, TypeKind::List(TypeRef::Named(q)) if *q == t.name));
    let list_item = is_list_item.then(|| {
        quote! {
            impl #rt::SimpleValue for #ident {
                fn to_text(&self) -> std::borrow::Cow<'_, str> {
                    std::borrow::Cow::Borrowed(self.as_str())
                }
                fn parse_text(text: &str) -> Result<Self, #rt::ValueError> {
                    Ok(Self::from(text))
                }
            }
        }
    });
    let serde = serde_attrs::enum_impls(ctx, &ident);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #(#decls)*
            /// A value this version of the schema does not list, kept as sent.
            #catch_all(String),
        }
        impl #ident {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variant_idents => #values,)*
                    Self::#catch_all(v) => v,
                }
            }
        }
        impl From<&str> for #ident {
            fn from(v: &str) -> Self {
                match v {
                    #(#values => Self::#variant_idents,)*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }
        impl #rt::Encode for #ident {
            fn encode(&self, xw: &mut #rt::Writer, ns: #rt::Ns, name: &'static str) -> Result<(), #rt::EncodeError> {
                xw.text_element(ns, name, self.as_str())
            }
        }
        impl #rt::Decode for #ident {
            fn decode<'i>(xr: &mut #rt::Reader<'i>, xe: &#rt::Element<'i>) -> Result<Self, #rt::DecodeError> {
                Ok(Self::from(&*xr.text(xe)?))
            }
        }
        #list_item
        #serde
    }
}

/// Whether the struct `q` derives `Default`.
pub(super) fn derives_default(ctx: &Ctx<'_>, q: &QName) -> bool {
    DefaultCache::default().struct_is_default(ctx, q)
}

/// Which structs can derive `Default` (every field has a natural empty value).
#[derive(Default)]
struct DefaultCache {
    known: HashMap<QName, bool>,
}

impl DefaultCache {
    fn struct_is_default(&mut self, ctx: &Ctx<'_>, q: &QName) -> bool {
        if let Some(&v) = self.known.get(q) {
            return v;
        }
        self.known.insert(q.clone(), false); // a cycle back here is not defaultable
        let Some(TypeKind::Struct(s)) = ctx.model.get(q).map(|t| &t.kind) else {
            return false;
        };
        let v = s
            .members
            .iter()
            .all(|m| shape(m) != Shape::Req || self.type_is_default(ctx, &m.ty));
        self.known.insert(q.clone(), v);
        v
    }

    fn type_is_default(&mut self, ctx: &Ctx<'_>, r: &TypeRef) -> bool {
        match r {
            TypeRef::Builtin(b) => !matches!(
                b,
                Builtin::DateTime
                    | Builtin::Duration
                    | Builtin::Guid
                    | Builtin::Char
                    | Builtin::Decimal
                    | Builtin::Date
                    | Builtin::Time
                    | Builtin::GYear
                    | Builtin::GYearMonth
                    | Builtin::GMonth
                    | Builtin::GDay
                    | Builtin::GMonthDay
                    | Builtin::Integer
                    | Builtin::NonNegativeInteger
                    | Builtin::PositiveInteger
                    | Builtin::NonPositiveInteger
                    | Builtin::NegativeInteger
                    | Builtin::QName
                    | Builtin::AnyType
            ),
            TypeRef::Named(q) => match ctx.kind(r) {
                Some(TypeKind::Struct(_)) => self.struct_is_default(ctx, q),
                Some(TypeKind::Array(_) | TypeKind::List(_)) => true,
                Some(TypeKind::Alias(inner)) => {
                    let inner = inner.clone();
                    self.type_is_default(ctx, &inner)
                }
                Some(TypeKind::Enum(_)) | None => false,
            },
        }
    }
}

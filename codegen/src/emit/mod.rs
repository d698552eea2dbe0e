//! Stage 3, emit: [`Model`] → Rust source files (and an API surface listing).
//!
//! Files produced, relative to the generated module's directory:
//!
//! | file | contents |
//! | --- | --- |
//! | `mod.rs` | module docs, the namespace table, the service endpoint |
//! | `types.rs` | one Rust type per schema type, with its `Encode`/`Decode` impls |
//! | `builders.rs` | `new` and one setter per member of every struct |
//! | `ids.rs` | one identifier type per entity (only with [`Config::ids`]) |
//! | `operations.rs` | one marker type per operation implementing `Operation`, and the operation table |
//! | `values.rs` | typed accessors and setters of string members holding dates, money, ... (only with [`Config::values`]) |
//! | `samples.rs` | a sample value of every struct and enumeration (the runtime's `Sample`), behind the other-direction feature when one is configured |
//! | `api-surface.txt` | a line per operation (with its body types), type (and its request/response usage), field and enum value: what `regen` diffs to classify API changes |

mod builders;
mod claims;
mod ids;
mod lists;
mod messages;
mod operations;
mod ranges;
mod samples;
mod serde_attrs;
mod service;
mod surface;
mod types;
mod values;
mod windows;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{self, Builtin, Member, Model, TypeKind, TypeRef};
use crate::names::TypeNames;
use crate::Source;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the generated module's directory (e.g. `types.rs`).
    pub path: String,
    /// Full contents, header included.
    pub contents: String,
}

/// Everything the generator writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Files in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Notes for whoever runs the generator (for example overrides that name something the
    /// contract lacks); they do not make generation fail.
    pub warnings: Vec<String>,
    /// What the generated code does beyond the contract's types, one line each (which
    /// operations stream, which declared service rules apply), for the generator's summary.
    pub notes: Vec<String>,
}

/// What the generated files' headers say they were generated from.
#[derive(Debug, Clone)]
pub struct Provenance<'a> {
    /// What the code was generated from, e.g. a file name or a contract's name.
    pub name: &'a str,
    /// The root document's name: what emitter errors name when what they are about is in no
    /// document (an override); an error about a declaration names the declaration's document.
    pub root: &'a str,
    /// The header's second line (without the comment marker), e.g. `WSDL sha256: …`.
    pub sha256_line: &'a str,
}

impl Output {
    /// The file with the given relative path.
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.iter().find(|f| f.path == path).map(|f| f.contents.as_str())
    }
}

/// Shared state of the emitters.
pub(crate) struct Ctx<'a> {
    /// The root document's name: what errors name when what they are about is in no document
    /// (an override). Errors about a declaration name its own document ([`Ctx::err`]).
    pub file: &'a str,
    pub model: &'a Model,
    pub names: TypeNames,
    pub rt: syn::Path,
    pub config: &'a Config,
}

/// Most schema namespaces a contract may have: `Ns` is a byte, and the envelope namespace and
/// the runtime's three markers (no namespace, another namespace, `xsi`) take four values.
pub const MAX_NAMESPACES: usize = 252;

/// Emits all files for `model`, generated from the single document `source`.
pub fn emit(model: &Model, source: &Source<'_>, config: &Config) -> Result<Output> {
    let provenance = Provenance {
        name: source.name,
        root: source.name,
        sha256_line: &format!("WSDL sha256: {}", source.sha256),
    };
    emit_from(model, &provenance, config)
}

/// Emits all files for `model`, with headers naming `provenance`.
pub fn emit_from(model: &Model, provenance: &Provenance<'_>, config: &Config) -> Result<Output> {
    // The runtime's `Ns` is a byte: the schemas' namespaces, the envelope's, and three markers.
    if model.namespaces.len() > MAX_NAMESPACES {
        return Err(Error {
            file: provenance.root.into(),
            line: None,
            path: "definitions/types".into(),
            kind: ErrorKind::Unsupported(format!(
                "{} schema namespaces (the runtime indexes at most {MAX_NAMESPACES})",
                model.namespaces.len()
            )),
        });
    }
    let rt: syn::Path = syn::parse_str(&config.runtime_path).map_err(|e| Error {
        file: "config".into(),
        line: None,
        path: "runtime_path".into(),
        kind: ErrorKind::Invalid(format!("`{}` is not a Rust path: {e}", config.runtime_path)),
    })?;
    let ctx = Ctx {
        file: provenance.root,
        model,
        names: TypeNames::new(model),
        rt,
        config,
    };
    let rust_header = header(provenance, "//");
    let mut warnings = model.warnings.clone();
    let claims = claims::claims(&ctx)?;
    warnings.extend(claims.warnings.iter().cloned());
    let builders = builders::emit(&ctx, &claims)?;
    let ids = (!config.ids.is_empty())
        .then(|| -> Result<GeneratedFile> {
            Ok(GeneratedFile {
                path: "ids.rs".into(),
                contents: format!("{rust_header}{}", format(ids::emit(&ctx, &claims)?)?),
            })
        })
        .transpose()?;
    let values = match &config.values {
        Some(rules) => {
            let v = values::emit(&ctx, rules, &claims)?;
            warnings.extend(v.warnings);
            Some(GeneratedFile {
                path: "values.rs".into(),
                contents: format!("{rust_header}{}", format(v.code)?),
            })
        }
        None => None,
    };
    let ranges = ranges::resolve(&ctx, &config.ranges)?;
    warnings.extend(ranges.warnings.iter().cloned());
    let mut files = vec![
        GeneratedFile {
            path: "mod.rs".into(),
            contents: format!("{rust_header}{}", format(module_root(&ctx))?),
        },
        GeneratedFile {
            path: "types.rs".into(),
            contents: format!(
                "{rust_header}{}",
                format(types::emit(&ctx, &ranges.checks, builders.in_types)?)?
            ),
        },
        GeneratedFile {
            path: "builders.rs".into(),
            contents: format!("{rust_header}{}", format(builders.code)?),
        },
        GeneratedFile {
            path: "operations.rs".into(),
            contents: format!("{rust_header}{}", format(operations::emit(&ctx)?)?),
        },
        GeneratedFile {
            path: "samples.rs".into(),
            contents: format!("{rust_header}{}", format(samples::emit(&ctx))?),
        },
        GeneratedFile {
            path: "api-surface.txt".into(),
            contents: format!("{}{}", header(provenance, "#"), surface::emit(&ctx)),
        },
    ];
    files.extend(ids);
    files.extend(values);
    Ok(Output {
        files,
        warnings,
        notes: notes(&ctx, &ranges),
    })
}

/// The summary lines of [`Output::notes`].
fn notes(ctx: &Ctx<'_>, ranges: &ranges::Resolved) -> Vec<String> {
    let ops = &ctx.model.operations;
    let lists: Vec<(&model::Operation, lists::List<'_>)> = ops
        .iter()
        .filter_map(|op| lists::list_of(ctx, op).map(|l| (op, l)))
        .collect();
    let names = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join(", ");
    let mut out = vec![format!(
        "list operations (streamed): {}",
        names(&mut lists.iter().map(|(op, _)| op.name.clone()))
    )];
    let with_placeholders: Vec<String> = lists
        .iter()
        .filter(|(_, l)| l.placeholder_id(ctx).is_some())
        .map(|(op, _)| op.name.clone())
        .collect();
    if !ctx.config.placeholders.is_empty() {
        out.push(format!(
            "placeholder records dropped from {} list operations: {}",
            with_placeholders.len(),
            with_placeholders.join(", ")
        ));
    }
    if let Some(t) = &ctx.config.throttles {
        let limited = ops.iter().filter(|o| o.published_interval_ms.is_some()).count();
        out.push(format!(
            "published limits for {limited} of {} operations, margin {} ms ({})",
            ops.len(),
            t.margin_ms,
            t.source
        ));
        let reports = names(
            &mut ops
                .iter()
                .filter(|o| o.throttle_report.is_some())
                .map(|o| o.name.clone()),
        );
        out.push(format!(
            "limits report: {}",
            if reports.is_empty() { "none" } else { &reports }
        ));
    }
    if !ctx.config.paging.is_empty() {
        let paged = names(&mut lists.iter().filter_map(|(op, _)| {
            op.paging
                .as_ref()
                .map(|p| format!("{} (up to {} a page)", op.name, p.max_page_size))
        }));
        out.push(format!(
            "paged lists: {}",
            if paged.is_empty() { "none" } else { &paged }
        ));
    }
    if !ctx.config.date_windows.is_empty() {
        let windows = names(&mut lists.iter().filter_map(|(op, _)| {
            op.date_window
                .as_ref()
                .map(|w| format!("{} ({} days)", op.name, w.max_days))
        }));
        out.push(format!(
            "date windows: {}",
            if windows.is_empty() { "none" } else { &windows }
        ));
    }
    if !ctx.config.ranges.pairs.is_empty() {
        out.push(format!(
            "range pairs: {} in {} types (refused before sending when the end is before the start)",
            ranges.pairs,
            ranges.checks.len()
        ));
    }
    out
}

fn header(provenance: &Provenance<'_>, comment: &str) -> String {
    format!(
        "{c} @generated by kareo-codegen {} from {}\n{c} {}\n{c} Do not edit by hand: change the generator or the overrides, then run `cargo xtask regen`.\n\n",
        env!("CARGO_PKG_VERSION"),
        provenance.name,
        provenance.sha256_line,
        c = comment,
    )
}

fn format(tokens: TokenStream) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error {
        file: "generated".into(),
        line: None,
        path: String::new(),
        kind: ErrorKind::Invalid(format!("the emitter produced invalid Rust: {e}")),
    })?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// Puts a blank line between top-level items, which `prettyplease` packs together.
fn space_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut prev_closed_item = false;
    for line in code.lines() {
        let starts_item = !line.starts_with(' ') && !line.starts_with('}') && !line.is_empty();
        if prev_closed_item && starts_item {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev_closed_item = line == "}" || (!line.starts_with(' ') && line.ends_with(';') && !line.starts_with("//"));
    }
    out
}

/// Doc attributes, one per line, so they print as `///` comments.
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = text
        .lines()
        .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#[doc = #lines])*)
}

fn module_root(ctx: &Ctx<'_>) -> TokenStream {
    let rt = &ctx.rt;
    let n = ctx.model.namespaces.len();
    let uris = &ctx.model.namespaces;
    let consts = uris.iter().enumerate().map(|(i, uri)| {
        let ident = ns_ident(i);
        let idx = i as u8;
        let doc = doc_attrs(&format!("`{uri}`"));
        quote! { #doc pub const #ident: #rt::Ns = #rt::Ns(#idx); }
    });
    // Always emitted, so the runtime can name it: empty when the WSDL declares no address.
    let endpoint = match ctx.model.service.as_ref() {
        Some(s) => {
            let doc = doc_attrs(&format!(
                "The `{}` port's SOAP address, from the WSDL's `{}` service.",
                s.port, s.name
            ));
            let address = &s.address;
            quote! { #doc pub const DEFAULT_ENDPOINT: &str = #address; }
        }
        None => {
            let doc = doc_attrs(
                "The WSDL declares no SOAP 1.1 address for its binding: empty, so a client must be given one.",
            );
            quote! { #doc pub const DEFAULT_ENDPOINT: &str = ""; }
        }
    };
    let table_doc = doc_attrs(&format!(
        "Target namespaces of the WSDL's schemas; an element's [`Ns`]({}::Ns) indexes this table.",
        ctx.config.runtime_path
    ));
    let message_doc = doc_attrs(&format!(
        "The namespaces a message reader resolves: the schemas' ([`NAMESPACES`], indexed by [`Ns`]({rt_path}::Ns)), then the SOAP 1.1 envelope's ([`Ns`]({rt_path}::Ns)`({n})`).",
        rt_path = ctx.config.runtime_path
    ));
    let values = ctx.config.values.is_some().then(|| {
        quote!(
            pub mod values;
        )
    });
    // Samples serve servers and tests: behind the feature that enables the other direction.
    let samples_cfg = match &ctx.config.other_direction_feature {
        Some(feature) => quote!(#[cfg(feature = #feature)]),
        None => quote!(),
    };
    let ids = (!ctx.config.ids.is_empty()).then(|| {
        quote!(
            pub mod ids;
        )
    });
    quote! {
        //! Types and operations generated from the WSDL.
        mod builders;
        #ids
        pub mod operations;
        #samples_cfg
        pub mod samples;
        pub mod types;
        #values

        #table_doc
        pub const NAMESPACES: [&str; #n] = [#(#uris),*];
        #message_doc
        pub const MESSAGE_NAMESPACES: &[&str] = &[#(#uris,)* #rt::SOAP_ENV_NS];
        #(#consts)*
        #endpoint
    }
}

/// The constant naming namespace `i` of the table.
pub(crate) fn ns_ident(i: usize) -> syn::Ident {
    format_ident!("NS{}", i)
}

impl Ctx<'_> {
    /// An error about the declaration at `loc`: it names the declaration's own document (an
    /// imported schema's, not the root's), or the root document when `loc` is in none.
    pub fn err(&self, loc: &crate::read::Loc, kind: ErrorKind) -> Error {
        Error {
            file: if loc.file.is_empty() {
                self.file.to_owned()
            } else {
                loc.file.clone()
            },
            line: loc.line,
            path: loc.path.clone(),
            kind,
        }
    }

    /// The namespace constant of a member element (`NONE` for unqualified elements).
    pub fn ns(&self, uri: &str) -> TokenStream {
        let rt = &self.rt;
        match self.model.namespaces.iter().position(|n| n == uri) {
            Some(i) => {
                let ident = ns_ident(i);
                quote!(super::#ident)
            }
            None => quote!(#rt::Ns::NONE),
        }
    }

    pub fn type_ident(&self, q: &crate::QName) -> syn::Ident {
        format_ident!("{}", self.names.get(q))
    }

    pub fn kind(&self, r: &TypeRef) -> Option<&TypeKind> {
        match r {
            TypeRef::Named(q) => self.model.get(q).map(|t| &t.kind),
            TypeRef::Builtin(_) => None,
        }
    }

    /// Whether values of this type are complex (elements with children).
    pub fn is_struct(&self, r: &TypeRef) -> bool {
        matches!(self.kind(r), Some(TypeKind::Struct(_)))
    }

    /// The Rust type of one value of `r` (arrays become `Vec` of their item).
    pub fn value_type(&self, r: &TypeRef) -> TokenStream {
        let rt = &self.rt;
        match r {
            TypeRef::Builtin(b) => builtin_type(rt, *b),
            TypeRef::Named(q) => match self.kind(r) {
                Some(TypeKind::Array(a)) => {
                    let item = self.item_type(&a.item);
                    quote!(Vec<#item>)
                }
                _ => {
                    let ident = self.type_ident(q);
                    quote!(#ident)
                }
            },
        }
    }

    /// The Rust type of one item of a repeated member: `Option<T>` when a nil item carries
    /// meaning (nillable simple values); complex items are never nil in the Rust model.
    pub fn item_type(&self, m: &Member) -> TokenStream {
        let t = self.value_type(&m.ty);
        if m.nillable && !self.is_struct(&m.ty) {
            quote!(Option<#t>)
        } else {
            t
        }
    }
}

fn builtin_type(rt: &syn::Path, b: Builtin) -> TokenStream {
    match b {
        Builtin::String
        | Builtin::AnyUri
        | Builtin::NormalizedString
        | Builtin::Token
        | Builtin::Language
        | Builtin::Name
        | Builtin::NcName
        | Builtin::NmToken
        | Builtin::Id
        | Builtin::IdRef
        | Builtin::Entity
        | Builtin::AnySimpleType => quote!(String),
        Builtin::NmTokens | Builtin::IdRefs | Builtin::Entities => quote!(Vec<String>),
        Builtin::Boolean => quote!(bool),
        Builtin::Byte => quote!(i8),
        Builtin::Short => quote!(i16),
        Builtin::Int => quote!(i32),
        Builtin::Long => quote!(i64),
        Builtin::UnsignedByte => quote!(u8),
        Builtin::UnsignedShort => quote!(u16),
        Builtin::UnsignedInt => quote!(u32),
        Builtin::UnsignedLong => quote!(u64),
        Builtin::Float => quote!(f32),
        Builtin::Double => quote!(f64),
        Builtin::Decimal => quote!(#rt::Decimal),
        Builtin::DateTime => quote!(#rt::DateTime),
        Builtin::Duration => quote!(#rt::Duration),
        Builtin::Base64Binary => quote!(#rt::Base64Binary),
        Builtin::HexBinary => quote!(#rt::HexBinary),
        Builtin::Date => quote!(#rt::Date),
        Builtin::Time => quote!(#rt::Time),
        Builtin::GYear => quote!(#rt::GYear),
        Builtin::GYearMonth => quote!(#rt::GYearMonth),
        Builtin::GMonth => quote!(#rt::GMonth),
        Builtin::GDay => quote!(#rt::GDay),
        Builtin::GMonthDay => quote!(#rt::GMonthDay),
        Builtin::Integer => quote!(#rt::Integer),
        Builtin::NonNegativeInteger => quote!(#rt::NonNegativeInteger),
        Builtin::PositiveInteger => quote!(#rt::PositiveInteger),
        Builtin::NonPositiveInteger => quote!(#rt::NonPositiveInteger),
        Builtin::NegativeInteger => quote!(#rt::NegativeInteger),

        Builtin::QName => quote!(#rt::QNameValue),
        Builtin::AnyType => quote!(#rt::AnyXml),
        Builtin::Guid => quote!(#rt::Uuid),
        Builtin::Char => quote!(#rt::WcfChar),
    }
}

/// The indefinite article of `noun` in generated docs: `an` before a vowel, else `a`.
pub(crate) fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// XSD-style name of a type reference for docs and the surface listing.
pub(crate) fn xsd_name(r: &TypeRef) -> String {
    match r {
        TypeRef::Builtin(b) => b.schema_name().to_owned(),
        TypeRef::Named(q) => q.local.clone(),
    }
}

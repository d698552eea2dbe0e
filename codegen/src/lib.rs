//! A WSDL 1.1 + XSD code generator for document/literal SOAP services.
//!
//! Three stages, each usable and testable on its own:
//!
//! 1. [`read`]: WSDL text → [`read::Definitions`], a syntax tree with every prefix resolved to a
//!    namespace URI (parsed with `xmltree`); [`load`] reads a contract of several documents
//!    (`wsdl:import`, `xs:import`, `xs:include`) through a caller-supplied fetch callback and
//!    merges them into one [`read::Definitions`];
//! 2. [`model`]: definitions → [`model::Model`], every reference resolved, base members
//!    flattened in wire order, overrides from [`Config`] applied;
//! 3. [`emit`]: model → Rust source files (via `quote`, formatted by `prettyplease`), plus a
//!    plain-text API surface listing used to report what changed between two WSDLs.
//!
//! The generator knows WSDL, XML Schema and WCF's DataContract conventions; it knows nothing of
//! any particular service. [`generate`] runs all three on one self-contained document,
//! [`generate_contract`] on a loaded [`load::Contract`].

#![warn(missing_docs)]

pub mod config;
pub mod emit;
pub mod error;
pub mod load;
pub mod member_docs;
pub mod model;
pub mod names;
#[cfg(feature = "toml")]
pub mod pins;
pub mod read;
pub mod value_rules;

use std::fmt;

pub use config::{Config, MemberRef};
pub use emit::{GeneratedFile, Output, Provenance};
pub use error::{Error, ErrorKind, Result};
pub use member_docs::MemberDocs;

/// A qualified XML name: namespace URI and local name. Never a prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI (empty for no namespace).
    pub ns: String,
    /// Local name.
    pub local: String,
}

impl QName {
    /// Builds a qualified name.
    pub fn new(ns: &str, local: &str) -> QName {
        QName {
            ns: ns.to_owned(),
            local: local.to_owned(),
        }
    }

    /// Parses the `{namespace}local` notation used in configuration and messages.
    pub fn parse_clark(s: &str) -> Option<QName> {
        let rest = s.strip_prefix('{')?;
        let (ns, local) = rest.split_once('}')?;
        (!local.is_empty()).then(|| QName::new(ns, local))
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}{}", self.ns, self.local)
    }
}

/// The WSDL being generated from, as named in headers and errors.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    /// File name for messages and headers (e.g. `KareoServices.wsdl`).
    pub name: &'a str,
    /// The document text.
    pub text: &'a str,
    /// Lower-case hex sha256 of the document, written into every generated file's header.
    pub sha256: &'a str,
}

/// Runs read → model → emit on one self-contained document (a reference to another document is
/// reported as a document that cannot be loaded). The header names `source.sha256`.
pub fn generate(source: &Source<'_>, config: &Config) -> Result<Output> {
    let mut only = |url: &str| {
        if url == source.name {
            Ok(source.text.to_owned())
        } else {
            Err("generate() reads a single document; load the contract with codegen::load".to_owned())
        }
    };
    let contract = load::load(source.name, &mut only)?;
    let model = model::Model::build(source.name, &contract.definitions, config)?;
    emit::emit(&model, source, config)
}

/// `1 document`, `9 documents`.
pub fn documents(n: usize) -> String {
    format!("{n} document{}", if n == 1 { "" } else { "s" })
}

/// Runs model → emit on a loaded contract. `name` is what the headers say the code was generated
/// from (for example the contract's human name); they also name the contract's digest
/// ([`load::contract_digest`]) and its number of documents.
pub fn generate_contract(contract: &load::Contract, name: &str, config: &Config) -> Result<Output> {
    let model = model::Model::build(&contract.root, &contract.definitions, config)?;
    let digest = contract.digest();
    let provenance = Provenance {
        name,
        root: &contract.root,
        sha256_line: &format!("Contract sha256: {digest} ({})", documents(contract.documents.len())),
    };
    emit::emit_from(&model, &provenance, config)
}

//! Typed client for the Kareo (Tebra) practice-management SOAP API 2.1.
//!
//! - [`types`]: every schema type of the WSDL, generated;
//! - [`operations`]: one marker type per operation with its wire names and SOAPAction, generated;
//! - [`envelope`]: SOAP 1.1 request envelopes and response parsing (faults included);
//! - [`xml`]: the runtime the generated code calls;
//! - [`generated`]: the generated module itself (namespace table, endpoint, types, operations).

#![warn(missing_docs)]

pub mod envelope;
#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask regen --check` pins it
pub mod generated;
pub mod xml;

pub use generated::{operations, types, DEFAULT_ENDPOINT, NAMESPACES};

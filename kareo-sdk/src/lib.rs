//! Typed client for the Kareo (Tebra) practice-management SOAP API 2.1.
//!
//! - [`types`]: every schema type of the WSDL, generated;
//! - [`operations`]: one marker type per operation with its wire names and SOAPAction, generated;
//! - [`envelope`]: SOAP 1.1 request envelopes and response parsing (faults included);
//! - [`xml`]: the runtime the generated code calls;
//! - [`generated`]: the generated module itself (namespace table, endpoint, types, operations);
//! - [`client`]: the async client, [`KareoClient`], one typed method per operation;
//! - [`error`]: its [`Error`] type;
//! - [`values`]: Kareo's string-typed dates, date-times, money, integers and flags, typed (the
//!   generated records' `…_value()` accessors and the filters' setters).
//!
//! Features:
//! - `serde`: `Serialize` and `Deserialize` on every generated type and runtime value type,
//!   members under the schema's names (absent = key left out, nil = `null`; enumerations keep
//!   unlisted values; bytes in base64; decimals and dates as their exact text; credentials
//!   written masked). Each value type's JSON form is listed in [`xml`].
//! - `server-codec`: encoding of response-only types and decoding of request-only types, for
//!   mock servers and round-trip tests.

#![warn(missing_docs)]

pub mod client;
pub mod envelope;
pub mod error;
// Formatted by the generator (prettyplease); `cargo xtask regen --check` pins it. The skip is
// spelled as `cfg_attr` because a plain `#[rustfmt::skip]` on a module declaration makes rustc
// treat the module as macro-expanded, and `crate::for_each_operation!` (a `#[macro_export]`
// macro inside it) then cannot be called by path from this crate (rust-lang/rust#52234).
// Hidden from the docs: its modules are documented where users name them, `kareo_sdk::types`,
// `kareo_sdk::ids` and `kareo_sdk::operations`.
#[allow(clippy::deprecated_cfg_attr)]
#[cfg_attr(rustfmt, rustfmt::skip)]
#[doc(hidden)]
pub mod generated;
pub mod values;
pub mod xml;

#[doc(inline)]
pub use generated::{ids, operations, types, DEFAULT_ENDPOINT, NAMESPACES};

pub use client::{ClientBuilder, Credentials, KareoClient, RateLimit, RetryPolicy};
pub use error::Error;

/// The crate README's examples, compiled as doctests so that they cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

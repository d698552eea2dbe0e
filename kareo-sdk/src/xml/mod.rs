//! The hand-written runtime the generated code calls: value types, the writer and reader, and
//! the traits that tie a generated type or operation to them.
//!
//! Nothing here knows Kareo's schema; the generated module supplies the namespace table and
//! the per-type code.

mod binary;
#[cfg(test)]
mod fixtures;
mod lexical;
mod read;
mod values;
mod write;

use std::fmt;

pub use binary::{Base64Binary, HexBinary};
pub use lexical::{
    Date, GDay, GMonth, GMonthDay, GYear, GYearMonth, Integer, NegativeInteger, NonNegativeInteger, NonPositiveInteger,
    PositiveInteger, Time,
};
pub use read::{Decode, DecodeError, DecodeErrorKind, Element, Limits, Reader};
pub use uuid::Uuid;
pub use values::{DateTime, Decimal, Duration, Nillable, SimpleValue, ValueError, WcfChar, Zone};
pub use write::{Encode, EncodeError, EncodeErrorKind, Writer};

/// XML Schema instance namespace (`xsi:nil`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// An element namespace: an index into the generated namespace table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ns(pub u8);

impl Ns {
    /// No namespace (an unqualified element).
    pub const NONE: Ns = Ns(u8::MAX);
    /// A namespace that is not in the table (read side only).
    pub const OTHER: Ns = Ns(u8::MAX - 1);
}

/// Wire names of one message: `<element><child>…</child></element>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wrapper {
    /// Namespace of the wrapper element.
    pub ns: Ns,
    /// The wrapper element's local name (the operation name, or `…Response`).
    pub element: &'static str,
    /// Namespace of the child element.
    pub child_ns: Ns,
    /// The child element's local name (`request`, `UpdatePatientReq`, `…Result`).
    pub child: &'static str,
}

/// Everything the runtime needs to know about an operation, from the WSDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Operation name.
    pub name: &'static str,
    /// SOAPAction (sent double-quoted).
    pub soap_action: &'static str,
    /// Request message names.
    pub input: Wrapper,
    /// Response message names.
    pub output: Wrapper,
    /// Declared read-only (safe to retry). Every other operation may create, change or delete
    /// data and is never retried once its request may have reached the server.
    pub read_only: bool,
}

/// A generated operation marker type.
pub trait Operation {
    /// The request body type.
    type Request: Encode;
    /// The response body type.
    type Response: Decode;
    /// Wire names and SOAPAction.
    const INFO: OperationInfo;
}

/// A request type carrying the per-call context member (the credentials header).
pub trait RequestContext {
    /// The context member's type.
    type Context;
    /// The context member.
    fn context_mut(&mut self) -> &mut Option<Self::Context>;
}

/// A type derived from base type `B`: gives a copy of its base part (for example the
/// status header every response carries).
pub trait Inherits<B> {
    /// The members inherited from `B`, copied.
    fn base_view(&self) -> B;
}

/// `Debug` wrapper for secret members: shows whether a value is set, never the value.
pub struct Masked<'a, T>(pub &'a T);

impl fmt::Debug for Masked<'_, Option<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f.write_str("Some(\"***\")"),
            None => f.write_str("None"),
        }
    }
}

impl fmt::Debug for Masked<'_, Nillable<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Nillable::Value(_) => f.write_str("Value(\"***\")"),
            Nillable::Nil => f.write_str("Nil"),
            Nillable::Absent => f.write_str("Absent"),
        }
    }
}

impl fmt::Debug for Masked<'_, String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

//! The one error type of the generator: what went wrong, and where in the input.

use std::fmt;

/// A generation failure, located in the input document.
///
/// Every error names the input document (the one that holds the offending element) and the
/// element path (for example
/// `definitions/types/schema[1]/complexType[@name='Foo']/sequence/element[@name='Bar']`)
/// and, when the element could be traced back to the source text, its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The document's name (file name or URL), as given to the generator or the loader.
    pub file: String,
    /// 1-based line of the offending element, where known.
    pub line: Option<u32>,
    /// Element path from the document root to the offending element.
    pub path: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// The classes of failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is not well-formed XML, or is nested deeper than the reader allows.
    Malformed(String),
    /// The input is XML but not a WSDL 1.1 / XSD document of the expected shape.
    Invalid(String),
    /// A valid construct that this generator does not handle yet.
    Unsupported(String),
    /// A reference (type, element, message, binding, ...) that names nothing declared.
    Unresolved {
        /// What kind of thing was referenced (`type`, `element`, `message`, ...).
        what: &'static str,
        /// The qualified name, as `{namespace}local`.
        name: String,
    },
    /// Declarations that refer to each other in a loop (for example a type extending itself).
    Cycle(String),
    /// A document of the contract could not be fetched, or the contract has too many documents.
    /// The error names the referencing document and element.
    Load(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.kind)?,
            None => write!(f, "{}: {}", self.file, self.kind)?,
        }
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path)?;
        }
        Ok(())
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Malformed(m) => write!(f, "malformed XML: {m}"),
            ErrorKind::Invalid(m) => write!(f, "invalid WSDL/XSD: {m}"),
            ErrorKind::Unsupported(m) => write!(f, "unsupported construct: {m}"),
            ErrorKind::Unresolved { what, name } => write!(f, "unresolved {what} reference {name}"),
            ErrorKind::Cycle(m) => write!(f, "cycle: {m}"),
            ErrorKind::Load(m) => write!(f, "cannot load document {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! `xs:QName` values: [`QNameValue`], a namespace URI and a local name.
//!
//! On the wire a QName is `prefix:local` (or `local`, in the default namespace), and what a
//! prefix means depends on the namespace declarations in scope at the element holding the
//! value. Reading resolves the prefix there ([`Reader::resolve_prefix`]); writing picks a
//! prefix bound to the value's namespace, declaring one on the element when none is in scope.

use std::borrow::Cow;

use super::read::{Decode, DecodeError, DecodeErrorKind, Element, Reader};
use super::values::{invalid, ValueError};
use super::write::{Encode, EncodeError, EncodeErrorKind, Writer};
use super::Ns;

/// An `xs:QName` value: a name in a namespace, such as a SOAP fault code
/// (`{http://schemas.xmlsoap.org/soap/envelope/}Client`).
///
/// The prefix the sender used is not kept: it has no meaning outside the element it was read
/// from. An empty [`namespace`](Self::namespace) is a name in no namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QNameValue {
    /// The namespace URI (`""` for none).
    pub namespace: String,
    /// The local name (an XML `NCName`).
    pub local: String,
}

impl QNameValue {
    /// The name `local` in namespace `namespace`.
    pub fn new(namespace: impl Into<String>, local: impl Into<String>) -> QNameValue {
        QNameValue {
            namespace: namespace.into(),
            local: local.into(),
        }
    }
}

impl std::fmt::Display for QNameValue {
    /// The `{namespace}local` (Clark) notation.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.local)
        } else {
            write!(f, "{{{}}}{}", self.namespace, self.local)
        }
    }
}

const EXPECTED: &str = "xs:QName";

/// Whether `s` is an XML `NCName` (a name without a colon). Non-ASCII characters are accepted
/// as name characters without checking their Unicode class.
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
    start(first) && chars.all(|c| start(c) || c.is_ascii_digit() || matches!(c, '-' | '.'))
}

/// Splits the text of a QName (surrounding XML whitespace removed) into prefix (`""` when
/// there is none) and local name.
fn split(text: &str) -> Result<(&str, &str), ValueError> {
    let text = text.trim_matches([' ', '\t', '\n', '\r']);
    let (prefix, local) = text.split_once(':').unwrap_or(("", text));
    if text.starts_with(':') || !is_ncname(local) || !(prefix.is_empty() || is_ncname(prefix)) {
        return Err(invalid(EXPECTED, "not a name of the form prefix:local or local"));
    }
    Ok((prefix, local))
}

impl Decode for QNameValue {
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
        r.text_in_scope(el, |r, text: Cow<'i, str>| {
            let (prefix, local) = split(&text).map_err(value_error)?;
            let namespace = r
                .resolve_prefix(prefix)
                .ok_or_else(|| value_error(invalid(EXPECTED, "its prefix is not declared at the element")))?;
            Ok(QNameValue::new(namespace, local))
        })
    }
}

fn value_error(e: ValueError) -> DecodeError {
    DecodeError::new(DecodeErrorKind::InvalidValue(e))
}

/// Written with a prefix bound to the namespace: the envelope's `n<i>` for a namespace of the
/// table ([`Writer::declared_table`]), `i` for XML Schema instance, `xml` for the XML
/// namespace, none for no namespace (the writer never declares a default namespace, so none
/// is in scope), and otherwise `q`, declared on the element itself:
/// `<n0:Code xmlns:q="urn:other">q:Busy</n0:Code>`.
impl Encode for QNameValue {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        if !is_ncname(&self.local) || self.namespace == super::XMLNS_NS {
            return Err(EncodeError {
                path: Vec::new(),
                kind: EncodeErrorKind::InvalidQName,
            });
        }
        w.qname_element(ns, name, &self.namespace, &self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_prefix_and_local() {
        assert_eq!(split("a:b"), Ok(("a", "b")));
        assert_eq!(split(" \n b \t"), Ok(("", "b")));
        assert_eq!(split("_x.y-1:é"), Ok(("_x.y-1", "é")));
        for bad in ["", ":b", "a:", "a:b:c", "1a", "a b", "a:1", "-a:b", "a :b"] {
            assert!(split(bad).is_err(), "{bad:?}");
        }
    }
}

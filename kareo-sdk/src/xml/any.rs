//! `xs:anyType` values (and elements declared without a type, WCF's `object` members):
//! [`AnyXml`], the element's attributes and content as an XML fragment that carries the
//! namespace bindings it was read with.

use super::qname::is_ncname;
use super::read::{Decode, DecodeError, Element, Reader};
use super::write::{Encode, EncodeError, Writer};
use super::Ns;

/// The content of an element of any shape: its attributes (such as `xsi:type`) and its
/// content, as XML markup.
///
/// Prefixes in [`attributes`](Self::attributes) and [`content`](Self::content), including
/// those inside attribute values such as `xsi:type="a:Patient"`, mean what
/// [`namespaces`](Self::namespaces) binds them to (`xml` is always bound). Read values list
/// every binding in scope at the element, since which ones the content relies on cannot be
/// told in general. Writing declares on the element each binding that is not already in scope
/// with the same meaning, and checks that the fragment is well-formed and binds the prefixes
/// of its elements and attributes.
///
/// With the `serde` feature it is a JSON object of these three fields, under these names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnyXml {
    /// Namespace bindings as `(prefix, uri)`, outermost first; `""` is the default namespace.
    pub namespaces: Vec<(String, String)>,
    /// The element's attributes other than namespace declarations, as `(qualified name,
    /// value)`; values are plain text (escaped when written).
    pub attributes: Vec<(String, String)>,
    /// The element's content: XML markup (text, elements, comments), as read.
    pub content: String,
}

impl AnyXml {
    /// A value whose content is `text` (escaped), without attributes or bindings.
    pub fn text(text: &str) -> AnyXml {
        let mut content = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => content.push_str("&amp;"),
                '<' => content.push_str("&lt;"),
                '>' => content.push_str("&gt;"),
                '\r' => content.push_str("&#xD;"),
                c => content.push(c),
            }
        }
        AnyXml {
            content,
            ..AnyXml::default()
        }
    }

    /// The value of attribute `name` (a qualified name as written, e.g. `i:type`).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Decode for AnyXml {
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
        r.capture(el)
    }
}

impl Encode for AnyXml {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        w.any_element(ns, name, self)
    }
}

/// Whether `name` is an XML qualified name (`NCName` or `NCName:NCName`); its prefix.
pub(crate) fn qname_prefix(name: &str) -> Option<&str> {
    match name.split_once(':') {
        Some((p, l)) if is_ncname(p) && is_ncname(l) => Some(p),
        None if is_ncname(name) => Some(""),
        _ => None,
    }
}

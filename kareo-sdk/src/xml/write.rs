//! Serialization: [`Writer`] and the [`Encode`] trait the generated types implement.
//!
//! Elements are written with the prefix `n<i>` for namespace `i` of the generated namespace
//! table; the envelope declares them all. Text is escaped; characters XML 1.0 cannot carry are
//! an [`EncodeError`], never a corrupted request.

use std::fmt;

use super::binary::{base64_encode_into, Base64Binary};
use super::values::{with_simple_values, Nillable, SimpleValue};
use super::Ns;

/// Writes `self` as an element.
pub trait Encode {
    /// Writes `self` as the element `name` in namespace `ns`.
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError>;
}

macro_rules! simple_encode {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
                w.text_element(ns, name, &SimpleValue::to_text(self))
            }
        }
    )*};
}
with_simple_values!(simple_encode);

impl Encode for String {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        w.text_element(ns, name, self)
    }
}

/// Base64 text written straight into the document, without a second copy of the data.
impl Encode for Base64Binary {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        w.start(ns, name);
        base64_encode_into(&mut w.buf, &self.0);
        w.end(ns, name);
        Ok(())
    }
}

/// An `xs:list` value: the items' text separated by single spaces. An item whose text is empty
/// or holds XML whitespace would read back as a different list, and is an error.
impl<T: SimpleValue> Encode for Vec<T> {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        w.start(ns, name);
        for (index, item) in self.iter().enumerate() {
            let text = item.to_text();
            if text.is_empty() || text.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
                return Err(EncodeError {
                    path: Vec::new(),
                    kind: EncodeErrorKind::InvalidListItem { index },
                });
            }
            if index > 0 {
                w.buf.push(' ');
            }
            escape_into(&mut w.buf, &text)?;
        }
        w.end(ns, name);
        Ok(())
    }
}

impl<T: Encode> Encode for Box<T> {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        (**self).encode(w, ns, name)
    }
}

/// A nillable item of a collection: `None` is written as `xsi:nil`.
impl<T: Encode> Encode for Option<T> {
    fn encode(&self, w: &mut Writer, ns: Ns, name: &'static str) -> Result<(), EncodeError> {
        match self {
            Some(v) => v.encode(w, ns, name),
            None => {
                w.nil(ns, name);
                Ok(())
            }
        }
    }
}

/// Why a request could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// Element path from the request body down to the offending element.
    pub path: Vec<String>,
    /// What is wrong.
    pub kind: EncodeErrorKind,
}

/// The classes of encode failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// A string holds a character XML 1.0 cannot carry (a control character, U+FFFE, U+FFFF).
    InvalidChar {
        /// The code point.
        code_point: u32,
        /// Byte offset in the string.
        offset: usize,
    },
    /// An item of an `xs:list` value is empty or contains whitespace, which the
    /// space-separated list form cannot carry.
    InvalidListItem {
        /// The item's 0-based position in the list.
        index: usize,
    },
    /// An `xs:QName` value whose local name is not an XML `NCName`, or whose namespace is the
    /// `xmlns` namespace, to which no prefix may be bound.
    InvalidQName,
}

impl EncodeError {
    /// Prepends an element name to the path (used while unwinding).
    pub fn within(mut self, name: impl Into<String>) -> Self {
        self.path.insert(0, name.into());
        self
    }

    /// The path as `A/B[2]/C`.
    pub fn path_string(&self) -> String {
        self.path.join("/")
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            EncodeErrorKind::InvalidChar { code_point, offset } => write!(
                f,
                "cannot encode {}: character U+{code_point:04X} at byte {offset} is not allowed in XML 1.0",
                self.path_string()
            ),
            EncodeErrorKind::InvalidListItem { index } => write!(
                f,
                "cannot encode {}: list item {index} is empty or contains whitespace, which a space-separated list cannot carry",
                self.path_string()
            ),
            EncodeErrorKind::InvalidQName => write!(
                f,
                "cannot encode {}: the QName's local name is not an XML NCName, or its namespace cannot be bound to a prefix",
                self.path_string()
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Builds an XML document in memory.
#[derive(Debug)]
pub struct Writer {
    buf: String,
    /// The namespace table whose prefixes (`n<i>`) are declared around everything written
    /// (see [`Writer::declared_table`]).
    table: &'static [&'static str],
}

impl Writer {
    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Writer {
        Writer {
            buf: String::with_capacity(capacity),
            table: &[],
        }
    }

    /// Records that the caller declared prefix `n<i>` for each namespace `i` of `table` (and
    /// `i` for XML Schema instance) on an element around what is written next, as the
    /// envelope does, so that values naming a namespace ([`QNameValue`](super::QNameValue))
    /// use those prefixes instead of declaring their own.
    pub fn declared_table(&mut self, table: &'static [&'static str]) {
        self.table = table;
    }

    /// The document written so far.
    pub fn into_string(self) -> String {
        self.buf
    }

    /// Appends markup as is (the envelope's fixed parts).
    pub(crate) fn raw(&mut self, markup: &str) {
        self.buf.push_str(markup);
    }

    /// Appends escaped attribute or text content (the envelope's namespace declarations).
    pub(crate) fn escaped(&mut self, text: &str) -> Result<(), EncodeError> {
        escape_into(&mut self.buf, text)
    }

    fn name(&mut self, ns: Ns, name: &str) {
        if ns != Ns::NONE {
            self.buf.push('n');
            push_index(&mut self.buf, ns.0);
            self.buf.push(':');
        }
        self.buf.push_str(name);
    }

    /// `<name>`
    pub fn start(&mut self, ns: Ns, name: &str) {
        self.buf.push('<');
        self.name(ns, name);
        self.buf.push('>');
    }

    /// `</name>`
    pub fn end(&mut self, ns: Ns, name: &str) {
        self.buf.push_str("</");
        self.name(ns, name);
        self.buf.push('>');
    }

    /// `<name i:nil="true"/>`
    pub fn nil(&mut self, ns: Ns, name: &str) {
        self.buf.push('<');
        self.name(ns, name);
        self.buf.push_str(" i:nil=\"true\"/>");
    }

    /// `<name>text</name>`, escaped.
    pub fn text_element(&mut self, ns: Ns, name: &str, text: &str) -> Result<(), EncodeError> {
        self.start(ns, name);
        escape_into(&mut self.buf, text)?;
        self.end(ns, name);
        Ok(())
    }

    /// `<name>prefix:local</name>`, with a prefix bound to `namespace` (see the
    /// [`Encode`] impl of [`QNameValue`](super::QNameValue)); `local` must be an `NCName`.
    pub(crate) fn qname_element(
        &mut self,
        ns: Ns,
        name: &str,
        namespace: &str,
        local: &str,
    ) -> Result<(), EncodeError> {
        self.buf.push('<');
        self.name(ns, name);
        if namespace.is_empty() {
            // No default namespace is ever declared by the writer: an unprefixed name is in
            // no namespace.
            self.buf.push('>');
        } else if namespace == super::XML_NS {
            self.buf.push_str(">xml:");
        } else if namespace == super::XSI_NS {
            self.buf.push_str(">i:");
        } else if let Some(i) = self.table.iter().position(|t| *t == namespace) {
            self.buf.push_str(">n");
            push_index(&mut self.buf, i as u8);
            self.buf.push(':');
        } else {
            self.buf.push_str(" xmlns:q=\"");
            escape_into(&mut self.buf, namespace)?;
            self.buf.push_str("\">q:");
        }
        escape_into(&mut self.buf, local)?;
        self.end(ns, name);
        Ok(())
    }

    /// A required member.
    pub fn req<T: Encode>(&mut self, ns: Ns, name: &'static str, v: &T) -> Result<(), EncodeError> {
        v.encode(self, ns, name).map_err(|e| e.within(name))
    }

    /// A required nillable member: `None` is `xsi:nil`.
    pub fn req_nil<T: Encode>(&mut self, ns: Ns, name: &'static str, v: &Option<T>) -> Result<(), EncodeError> {
        match v {
            Some(v) => self.req(ns, name, v),
            None => {
                self.nil(ns, name);
                Ok(())
            }
        }
    }

    /// An optional member: `None` is left out.
    pub fn opt<T: Encode>(&mut self, ns: Ns, name: &'static str, v: &Option<T>) -> Result<(), EncodeError> {
        match v {
            Some(v) => self.req(ns, name, v),
            None => Ok(()),
        }
    }

    /// An optional nillable member.
    pub fn opt_nil<T: Encode>(&mut self, ns: Ns, name: &'static str, v: &Nillable<T>) -> Result<(), EncodeError> {
        match v {
            Nillable::Absent => Ok(()),
            Nillable::Nil => {
                self.nil(ns, name);
                Ok(())
            }
            Nillable::Value(v) => self.req(ns, name, v),
        }
    }

    /// A member repeated in place.
    pub fn many<T: Encode>(&mut self, ns: Ns, name: &'static str, items: &[T]) -> Result<(), EncodeError> {
        for (i, item) in items.iter().enumerate() {
            item.encode(self, ns, name)
                .map_err(|e| e.within(format!("{name}[{}]", i + 1)))?;
        }
        Ok(())
    }

    fn array<T: Encode>(
        &mut self,
        ns: Ns,
        name: &'static str,
        item_ns: Ns,
        item: &'static str,
        items: &[T],
    ) -> Result<(), EncodeError> {
        self.start(ns, name);
        self.many(item_ns, item, items).map_err(|e| e.within(name))?;
        self.end(ns, name);
        Ok(())
    }

    /// A required collection member.
    pub fn req_array<T: Encode>(
        &mut self,
        ns: Ns,
        name: &'static str,
        item_ns: Ns,
        item: &'static str,
        v: &[T],
    ) -> Result<(), EncodeError> {
        self.array(ns, name, item_ns, item, v)
    }

    /// A required nillable collection member.
    pub fn req_nil_array<T: Encode>(
        &mut self,
        ns: Ns,
        name: &'static str,
        item_ns: Ns,
        item: &'static str,
        v: &Option<Vec<T>>,
    ) -> Result<(), EncodeError> {
        match v {
            Some(v) => self.array(ns, name, item_ns, item, v),
            None => {
                self.nil(ns, name);
                Ok(())
            }
        }
    }

    /// An optional collection member.
    pub fn opt_array<T: Encode>(
        &mut self,
        ns: Ns,
        name: &'static str,
        item_ns: Ns,
        item: &'static str,
        v: &Option<Vec<T>>,
    ) -> Result<(), EncodeError> {
        match v {
            Some(v) => self.array(ns, name, item_ns, item, v),
            None => Ok(()),
        }
    }

    /// An optional nillable collection member.
    pub fn opt_nil_array<T: Encode>(
        &mut self,
        ns: Ns,
        name: &'static str,
        item_ns: Ns,
        item: &'static str,
        v: &Nillable<Vec<T>>,
    ) -> Result<(), EncodeError> {
        match v {
            Nillable::Absent => Ok(()),
            Nillable::Nil => {
                self.nil(ns, name);
                Ok(())
            }
            Nillable::Value(v) => self.array(ns, name, item_ns, item, v),
        }
    }
}

fn push_index(buf: &mut String, i: u8) {
    if i >= 10 {
        push_index(buf, i / 10);
    }
    buf.push(char::from(b'0' + i % 10));
}

/// Escapes `text` into `out`. `\r` is written as a character reference so that it survives
/// end-of-line normalization; `>` is escaped so `]]>` cannot appear.
fn escape_into(out: &mut String, text: &str) -> Result<(), EncodeError> {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\r' => "&#xD;",
            b'\t' | b'\n' => continue,
            0..=0x1f => return Err(invalid_char(u32::from(b), i)),
            // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters.
            0xEF if matches!(text.as_bytes().get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                let cp = if text.as_bytes()[i + 2] == 0xBE { 0xFFFE } else { 0xFFFF };
                return Err(invalid_char(cp, i));
            }
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
    Ok(())
}

fn invalid_char(code_point: u32, offset: usize) -> EncodeError {
    EncodeError {
        path: Vec::new(),
        kind: EncodeErrorKind::InvalidChar { code_point, offset },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> Result<String, EncodeError> {
        let mut out = String::new();
        escape_into(&mut out, s).map(|_| out)
    }

    #[test]
    fn escapes_markup_and_keeps_text() {
        assert_eq!(
            esc("a<b>&\"c\"\r\n\té").unwrap(),
            "a&lt;b&gt;&amp;&quot;c&quot;&#xD;\n\té"
        );
        assert_eq!(esc("]]>").unwrap(), "]]&gt;");
    }

    #[test]
    fn rejects_characters_xml_cannot_carry() {
        let e = esc("ab\u{1}").unwrap_err();
        assert_eq!(
            e.kind,
            EncodeErrorKind::InvalidChar {
                code_point: 1,
                offset: 2
            }
        );
        assert!(esc("x\u{FFFE}").is_err());
        assert!(esc("x\u{FFFF}").is_err());
        assert!(esc("x\u{FFFD}").is_ok());
    }

    #[test]
    fn errors_carry_the_path() {
        let mut w = Writer::with_capacity(64);
        let e = w.req(Ns(0), "FirstName", &"bad\u{0}".to_string()).unwrap_err();
        assert_eq!(e.within("Patient").path_string(), "Patient/FirstName");
    }
}

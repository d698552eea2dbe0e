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
    /// An `xs:anyType` value ([`AnyXml`](super::AnyXml)) that is not a well-formed fragment
    /// with its prefixes bound, or whose bindings would change the name of the element
    /// holding it.
    InvalidXml {
        /// What is wrong, without quoting the value.
        reason: &'static str,
    },
    /// A range the request declares (a start member and an end member of the element at the
    /// path) ends before it starts: both are set and the end is earlier
    /// ([`check_range`](super::check_range)). The values are quoted as written.
    RangeEndsBeforeStart {
        /// The start member's name.
        start: &'static str,
        /// The end member's name.
        end: &'static str,
        /// The start, as written.
        start_text: String,
        /// The end, as written.
        end_text: String,
    },
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
            EncodeErrorKind::InvalidXml { reason } => write!(
                f,
                "cannot encode {}: the XML fragment {reason}",
                self.path_string()
            ),
            EncodeErrorKind::InvalidQName => write!(
                f,
                "cannot encode {}: the QName's local name is not an XML NCName, or its namespace cannot be bound to a prefix",
                self.path_string()
            ),
            EncodeErrorKind::RangeEndsBeforeStart {
                start,
                end,
                start_text,
                end_text,
            } => {
                if !self.path.is_empty() {
                    write!(f, "{}: ", self.path_string())?;
                }
                write!(
                    f,
                    "`{end}` ({}) is before `{start}` ({})",
                    end_text.escape_debug(),
                    start_text.escape_debug()
                )
            }
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
    /// Whether declared ranges are checked (see [`Writer::checks_ranges`]).
    check_ranges: bool,
}

impl Writer {
    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Writer {
        Writer {
            buf: String::with_capacity(capacity),
            table: &[],
            check_ranges: true,
        }
    }

    /// Whether the generated `Encode` impls refuse a declared range that ends before it starts
    /// ([`check_range`](super::check_range)) before writing its element: on by default, for
    /// requests. A response is what a server found: a writer of responses (a mock server
    /// echoing what it stores) turns the check off with
    /// [`set_checks_ranges`](Self::set_checks_ranges).
    pub fn checks_ranges(&self) -> bool {
        self.check_ranges
    }

    /// Turns the range checks of [`checks_ranges`](Self::checks_ranges) on or off.
    pub fn set_checks_ranges(&mut self, on: bool) {
        self.check_ranges = on;
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

    /// Whether `prefix` is bound to `uri` around everything written (the declared table, `i`,
    /// `xml`, and no default namespace).
    fn in_scope(&self, prefix: &str, uri: &str) -> bool {
        match prefix {
            "" => uri.is_empty(),
            "xml" => uri == super::XML_NS,
            "i" => uri == super::XSI_NS,
            _ => table_index(prefix).is_some_and(|i| self.table.get(i) == Some(&uri)),
        }
    }

    /// Whether `prefix` is bound around everything written, to anything.
    fn bound(&self, prefix: &str) -> bool {
        matches!(prefix, "" | "xml" | "i") || table_index(prefix).is_some_and(|i| i < self.table.len())
    }

    /// `<name bindings attributes>content</name>` for an [`AnyXml`](super::AnyXml) value.
    pub(crate) fn any_element(&mut self, ns: Ns, name: &str, v: &super::AnyXml) -> Result<(), EncodeError> {
        let bad = |reason: &'static str| EncodeError {
            path: Vec::new(),
            kind: EncodeErrorKind::InvalidXml { reason },
        };
        let own = if ns == Ns::NONE {
            String::new()
        } else {
            format!("n{}", ns.0)
        };
        self.buf.push('<');
        self.name(ns, name);
        for (i, (prefix, uri)) in v.namespaces.iter().enumerate() {
            let valid_prefix = prefix.is_empty() || super::qname::is_ncname(prefix);
            if !valid_prefix || prefix == "xmlns" || v.namespaces[..i].iter().any(|(p, _)| p == prefix) {
                return Err(bad("declares a prefix that is not a name, or one twice"));
            }
            if uri == super::XMLNS_NS
                || (uri == super::XML_NS) != (prefix == "xml")
                || (uri.is_empty() && !prefix.is_empty())
            {
                return Err(bad("binds a prefix no document may bind that way"));
            }
            if self.in_scope(prefix, uri) {
                continue;
            }
            if *prefix == own {
                return Err(bad("rebinds the prefix of the element holding it"));
            }
            if prefix.is_empty() {
                self.buf.push_str(" xmlns=\"");
            } else {
                self.buf.push_str(" xmlns:");
                self.buf.push_str(prefix);
                self.buf.push_str("=\"");
            }
            escape_into(&mut self.buf, uri)?;
            self.buf.push('"');
        }
        let declared = |w: &Writer, prefix: &str| v.namespaces.iter().any(|(p, _)| p == prefix) || w.bound(prefix);
        for (i, (key, value)) in v.attributes.iter().enumerate() {
            let Some(prefix) = super::any::qname_prefix(key) else {
                return Err(bad("has an attribute name that is not a qualified name"));
            };
            if key == "xmlns" || prefix == "xmlns" || v.attributes[..i].iter().any(|(k, _)| k == key) {
                return Err(bad(
                    "has a namespace declaration or a repeated name among its attributes",
                ));
            }
            if !prefix.is_empty() && !declared(self, prefix) {
                return Err(bad("uses an undeclared prefix"));
            }
            self.buf.push(' ');
            self.buf.push_str(key);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, value)?;
            self.buf.push('"');
        }
        self.buf.push('>');
        self.check_fragment(&v.content, &|prefix| declared(self, prefix))
            .map_err(bad)?;
        self.buf.push_str(&v.content);
        self.end(ns, name);
        Ok(())
    }

    /// Checks that `content` is a well-formed fragment: balanced elements, no declarations,
    /// only predefined or character references, XML characters, and element and attribute
    /// prefixes bound (by `outer`, or by declarations inside).
    fn check_fragment(&self, content: &str, outer: &dyn Fn(&str) -> bool) -> Result<(), &'static str> {
        use quick_xml::events::Event;
        if content.bytes().any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) {
            return Err("holds a character XML 1.0 cannot carry");
        }
        if content.contains('\u{FFFE}') || content.contains('\u{FFFF}') {
            return Err("holds a character XML 1.0 cannot carry");
        }
        let mut r = quick_xml::Reader::from_str(content);
        r.config_mut().check_end_names = true;
        let mut inner: Vec<String> = Vec::new();
        let mut marks: Vec<usize> = Vec::new();
        let malformed = "is not well-formed";
        loop {
            let event = r.read_event().map_err(|_| malformed)?;
            let (start, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    let mark = marks.pop().ok_or(malformed)?;
                    inner.truncate(mark);
                    continue;
                }
                Event::Eof if marks.is_empty() => return Ok(()),
                Event::Eof => return Err(malformed),
                Event::GeneralRef(g) => {
                    let predefined = matches!(&*g, "lt" | "gt" | "amp" | "apos" | "quot");
                    match g.resolve_char_ref() {
                        Ok(Some(_)) => {}
                        Ok(None) if predefined => {}
                        _ => return Err("holds an undefined entity or a bad character reference"),
                    }
                    continue;
                }
                Event::Decl(_) | Event::DocType(_) => return Err("holds a declaration"),
                Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) => continue,
            };
            let mark = inner.len();
            let mut names = Vec::new();
            for attr in start.attributes() {
                let attr = attr.map_err(|_| malformed)?;
                let key = attr.key.0;
                match key.strip_prefix("xmlns") {
                    Some("") => {}
                    Some(p) if p.starts_with(':') => inner.push(p[1..].to_owned()),
                    _ => names.push(key),
                }
            }
            let bound = |prefix: &str| prefix.is_empty() || inner.iter().any(|p| p == prefix) || outer(prefix);
            let element = start.name().0;
            for name in names.into_iter().chain([element]) {
                let prefix = super::any::qname_prefix(name).ok_or(malformed)?;
                if !bound(prefix) {
                    return Err("uses an undeclared prefix");
                }
            }
            if empty {
                inner.truncate(mark);
            } else {
                marks.push(mark);
            }
        }
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

/// `i` for a prefix `n<i>` of the table.
fn table_index(prefix: &str) -> Option<usize> {
    let digits = prefix.strip_prefix('n')?;
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok()
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

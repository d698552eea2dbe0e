//! Parsing: a streaming, namespace-aware [`Reader`] over a response held in memory, and the
//! [`Decode`] trait the generated types implement.
//!
//! Elements are matched by namespace URI and local name, whatever prefixes the server chose.
//! Unknown elements are skipped (and counted, and traced at debug level); a known element whose
//! value cannot be read is an error naming the element path. No DTD is accepted, so no entity
//! can expand; nesting deeper than [`Limits::max_depth`] is an error, not a stack overflow.
//!
//! quick-xml reads the document's structure. Text-only elements in their plainest form,
//! `<name>text</name>`, which are almost every element of a response, are taken from the input
//! in one step instead of three quick-xml events; only elements that quick-xml would read to
//! the same value qualify, and tests and the fuzz target hold both paths to the same results.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::{BytesStart, Event};

use super::values::{with_simple_values, Nillable, SimpleValue, ValueError};
use super::{AnyXml, Ns, XSI_NS};

/// Reads `Self` from an element.
pub trait Decode: Sized {
    /// Reads the element `el`, whose start tag the reader has just returned.
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError>;

    /// The value of an `xsi:nil` element, for types that can represent one.
    fn nil() -> Option<Self> {
        None
    }
}

macro_rules! simple_decode {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
                let text = r.text(el)?;
                <$t as SimpleValue>::parse_text(&text).map_err(DecodeError::value)
            }
        }
    )*};
}
impl Decode for String {
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
        r.text(el).map(Cow::into_owned)
    }
}

with_simple_values!(simple_decode);
simple_decode!(super::Base64Binary);

/// An `xs:list` value: items separated by any XML whitespace.
impl<T: SimpleValue> Decode for Vec<T> {
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
        let text = r.text(el)?;
        text.split([' ', '\t', '\n', '\r'])
            .filter(|item| !item.is_empty())
            .map(|item| T::parse_text(item).map_err(DecodeError::value))
            .collect()
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
        T::decode(r, el).map(Box::new)
    }
}

/// A nillable item of a collection: `xsi:nil` reads as `None`.
impl<T: Decode> Decode for Option<T> {
    fn decode<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Self, DecodeError> {
        T::decode(r, el).map(Some)
    }
    fn nil() -> Option<Self> {
        Some(None)
    }
}

/// Bounds on what a response may make the parser do. They hold on every path: elements read
/// into values, and elements skipped because the schema does not declare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest element nesting accepted, skipped subtrees included.
    pub max_depth: u32,
    /// Largest document accepted, in bytes.
    pub max_bytes: usize,
    /// Most elements the schema does not declare that one document may hold, each element
    /// inside a skipped subtree counted too. A newer service adds a few members per record;
    /// a document of nothing but unknown elements is refused.
    pub max_unknown: u64,
}

impl Limits {
    /// Default depth of [`Limits::default`].
    pub const DEFAULT_MAX_DEPTH: u32 = 128;
    /// Default document size of [`Limits::default`] (64 MiB).
    pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;
    /// Default number of unknown elements of [`Limits::default`].
    pub const DEFAULT_MAX_UNKNOWN: u64 = 100_000;

    /// These limits with a document size of `max_bytes`.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// These limits with a nesting depth of `max_depth`.
    pub fn with_max_depth(mut self, max_depth: u32) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// These limits with at most `max_unknown` unknown elements.
    pub fn with_max_unknown(mut self, max_unknown: u64) -> Self {
        self.max_unknown = max_unknown;
        self
    }
}

impl Default for Limits {
    /// 128 levels, 64 MiB, 100,000 unknown elements.
    fn default() -> Self {
        Limits {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_unknown: Self::DEFAULT_MAX_UNKNOWN,
        }
    }
}

/// Why a response could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Element path from the result element down to the failure, e.g.
    /// `["GetPatientsResult", "Patients", "PatientData[37]", "PatientID"]`.
    pub path: Vec<String>,
    /// What is wrong.
    pub kind: DecodeErrorKind,
}

/// The classes of decode failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Not well-formed XML, or a DTD / unknown entity.
    Malformed(String),
    /// The document ended inside an element.
    UnexpectedEof,
    /// Nesting deeper than the limit.
    TooDeep(u32),
    /// A document larger than the limit (bytes).
    TooLarge(usize),
    /// More elements the schema does not declare than [`Limits::max_unknown`] allows.
    TooManyUnknown(u64),
    /// A known element's text is not a value of its type.
    InvalidValue(ValueError),
    /// An element the schema requires is missing.
    Missing(&'static str),
    /// An element that may occur once occurred again.
    Duplicate,
    /// `xsi:nil` on an element the schema does not allow to be nil.
    UnexpectedNil,
    /// A child element inside an element with simple (text) content.
    UnexpectedElement,
    /// The envelope does not have the shape of a SOAP response for this operation.
    Envelope(String),
    /// The document's root element (named here) is not a SOAP 1.1 envelope: the body is XML
    /// of another kind.
    NotEnvelope(String),
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind) -> Self {
        DecodeError { path: Vec::new(), kind }
    }

    fn value(e: ValueError) -> Self {
        DecodeError::new(DecodeErrorKind::InvalidValue(e))
    }

    fn malformed(e: impl fmt::Display) -> Self {
        DecodeError::new(DecodeErrorKind::Malformed(e.to_string()))
    }

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

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path_string();
        // " at A/B" after a description, "A/B: " before one; nothing for an empty path.
        let at = if path.is_empty() {
            String::new()
        } else {
            format!(" at {path}")
        };
        let lead = if path.is_empty() {
            String::new()
        } else {
            format!("{path}: ")
        };
        match &self.kind {
            DecodeErrorKind::Malformed(m) => write!(f, "malformed XML{at}: {m}"),
            DecodeErrorKind::UnexpectedEof if path.is_empty() => {
                f.write_str("document ends before its root element is closed")
            }
            DecodeErrorKind::UnexpectedEof => write!(f, "document ends inside {path}"),
            DecodeErrorKind::TooDeep(d) => write!(f, "elements nested deeper than {d} levels{at}"),
            DecodeErrorKind::TooLarge(n) => write!(f, "document larger than the {n}-byte limit"),
            DecodeErrorKind::TooManyUnknown(n) => {
                write!(f, "more than {n} elements the schema does not declare{at}")
            }
            DecodeErrorKind::InvalidValue(e) => write!(f, "{lead}{e}"),
            DecodeErrorKind::Missing(name) => write!(f, "{lead}required element {name} is missing"),
            DecodeErrorKind::Duplicate => write!(f, "{lead}element occurs more than once"),
            DecodeErrorKind::UnexpectedNil => {
                write!(f, "{lead}xsi:nil on an element that is not nillable")
            }
            DecodeErrorKind::UnexpectedElement => {
                write!(f, "{lead}child element inside a text value")
            }
            DecodeErrorKind::Envelope(m) => write!(f, "unexpected SOAP envelope: {m}"),
            DecodeErrorKind::NotEnvelope(root) => {
                write!(f, "the root element {root} is not a SOAP 1.1 Envelope")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// A start tag the reader returned: its namespace, local name, and whether it is empty or nil.
#[derive(Debug)]
pub struct Element<'i> {
    /// Namespace, as an index of the namespace table ([`Ns::OTHER`] / [`Ns::NONE`] otherwise).
    pub ns: Ns,
    start: BytesStart<'i>,
    /// Where the local name starts in the qualified name.
    local_at: usize,
    empty: bool,
    nil: bool,
    /// The whole content of a text-only element read in one step (see [`Reader::leaf`]): the
    /// element is already closed and this is its text, borrowed from the input.
    leaf: Option<&'i str>,
    /// Members are matched in sequence order only ([`Reader::strict_order`]).
    strict: bool,
}

impl Element<'_> {
    /// Local name.
    pub fn local(&self) -> &str {
        &self.start.name().0[self.local_at..]
    }

    /// Which of a type's `members` (in sequence order) this element is, if any.
    ///
    /// `cursor` is where the search starts: the member after the last match, since servers
    /// write members in sequence order (a repeated member, or members out of order, are still
    /// found by the wrap-around search).
    ///
    /// A reader in strict order (`Reader::strict_order`, feature `server-codec`) does not wrap
    /// around: a member that comes before the last one matched is not found (so it is skipped
    /// as unknown and counted), except the last one matched itself (a repeated member), as
    /// WCF's `DataContractSerializer` reads a sequence.
    pub fn member(&self, members: &[(Ns, &str)], cursor: &mut usize) -> Option<usize> {
        let local = self.local();
        let start = (*cursor).min(members.len());
        let hit = |(ns, name): &(Ns, &str)| name.len() == local.len() && *ns == self.ns && *name == local;
        let found = members[start..]
            .iter()
            .position(hit)
            .map(|i| i + start)
            .or_else(|| self.behind(members, start, hit));
        if let Some(i) = found {
            *cursor = i + 1;
        }
        found
    }

    /// A member before `start` that `hit` matches: any (wrap-around), or in strict order only
    /// the last one matched (`start - 1`, a repeated member).
    #[cold]
    fn behind(&self, members: &[(Ns, &str)], start: usize, hit: impl Fn(&(Ns, &str)) -> bool) -> Option<usize> {
        if self.strict {
            let last = start.checked_sub(1)?;
            return members.get(last).filter(|m| hit(m)).map(|_| last);
        }
        members[..start].iter().position(hit)
    }

    /// Whether the element carries `xsi:nil="true"`.
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    /// Whether the element may hold child elements still to be read: not empty, not taken
    /// whole as text.
    pub(crate) fn is_open(&self) -> bool {
        !self.empty && self.leaf.is_none()
    }

    /// The qualified name as written (prefix included).
    pub(crate) fn qualified_name(&self) -> &str {
        self.start.name().0
    }
}

/// Streams a document held in memory.
///
/// Namespaces are resolved here rather than by `quick_xml::NsReader`: declarations map straight
/// to [`Ns`] indices, so resolving an element is a lookup of its (short) prefix among the few
/// bindings in scope.
pub struct Reader<'i> {
    /// Length of the whole input.
    input_len: usize,
    inner: quick_xml::Reader<&'i [u8]>,
    namespaces: &'static [&'static str],
    /// Prefix bindings in scope, innermost last (`""` is the default namespace), with the URI
    /// of a namespace outside the table ([`Ns::OTHER`]); a table namespace's URI is the
    /// table's, so the common case keeps no copy.
    bindings: Vec<(Box<str>, Ns, Option<Box<str>>)>,
    /// `bindings.len()` at each open element, to drop its declarations at its end tag.
    marks: Vec<u32>,
    /// The binding the last prefix lookup found, valid while `bindings` is unchanged: most
    /// elements use the same prefix as their siblings.
    last_hit: std::cell::Cell<Option<usize>>,
    depth: u32,
    limits: Limits,
    skipped: u64,
    /// Unknown elements and stray text pieces so far, skipped subtrees' elements included
    /// (held to [`Limits::max_unknown`]).
    unknown: u64,
    /// Whether the last event was a tag (start, end or empty), so the input continues right
    /// after its `>` and quick-xml expects text next: the one state in which [`Reader::leaf`]
    /// may take a whole element from the input.
    after_tag: bool,
    /// Whether [`Reader::leaf`] is used at all (off only to test it against quick-xml).
    leaf_fast_path: bool,
    /// Whether members are matched in sequence order only ([`Reader::strict_order`]).
    strict_order: bool,
}

/// [`Ns`] marker for the XML Schema instance namespace (`xsi:nil`), reader side only.
const XSI: Ns = Ns(u8::MAX - 2);

impl<'i> Reader<'i> {
    /// A reader over `input`, resolving namespaces against `namespaces` (the generated table).
    /// Fails when `input` is larger than [`Limits::max_bytes`].
    pub fn new(
        input: &'i [u8],
        namespaces: &'static [&'static str],
        limits: Limits,
    ) -> Result<Reader<'i>, DecodeError> {
        if input.len() > limits.max_bytes {
            return Err(DecodeError::new(DecodeErrorKind::TooLarge(limits.max_bytes)));
        }
        let mut inner = quick_xml::Reader::from_reader(input);
        let config = inner.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(Reader {
            input_len: input.len(),
            inner,
            namespaces,
            bindings: Vec::new(),
            marks: Vec::new(),
            last_hit: std::cell::Cell::new(None),
            depth: 0,
            limits,
            skipped: 0,
            unknown: 0,
            after_tag: false,
            leaf_fast_path: true,
            strict_order: false,
        })
    }

    /// Turns off the fast path for text-only elements, so that every element is read through
    /// quick-xml's events: the reference the fast path is tested against. Not part of the API.
    #[doc(hidden)]
    pub fn quick_xml_only(mut self) -> Self {
        self.leaf_fast_path = false;
        self
    }

    /// Reads members as a WCF service does: in sequence order only. A member sent after a
    /// later one of its type (out of order) is not matched: it is skipped and counted as
    /// unknown ([`Reader::skipped`]), as the service drops it silently. A repeated member is
    /// still read. Clients never need this: responses are read whatever the order; it is for
    /// servers (such as a mock Kareo) that must see requests as the service does.
    #[cfg(feature = "server-codec")]
    pub fn strict_order(mut self) -> Self {
        self.strict_order = true;
        self
    }

    /// How many unknown elements were skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    fn lookup(&self, prefix: &str) -> Option<Ns> {
        // Prefixes are a few bytes: a plain loop beats a call to memcmp.
        let eq = |p: &str| p.len() == prefix.len() && p.bytes().zip(prefix.bytes()).all(|(a, b)| a == b);
        if let Some(i) = self.last_hit.get() {
            if let Some((p, ns, _)) = self.bindings.get(i) {
                if eq(p) {
                    return Some(*ns);
                }
            }
        }
        let i = self.bindings.iter().rposition(|(p, _, _)| eq(p))?;
        self.last_hit.set(Some(i));
        Some(self.bindings[i].1)
    }

    /// Drops the bindings declared since `mark` (and the lookup cache, which may point at one).
    fn unbind(&mut self, mark: usize) {
        if self.bindings.len() > mark {
            self.bindings.truncate(mark);
            self.last_hit.set(None);
        }
    }

    /// Pushes the namespace declarations of a start tag.
    fn declare(&mut self, start: &BytesStart<'_>) -> Result<(), DecodeError> {
        let raw = start.attributes_raw();
        if raw.is_empty() || !raw.contains("xmlns") {
            return Ok(());
        }
        for attr in start.attributes() {
            let attr = attr.map_err(DecodeError::malformed)?;
            let prefix = match attr.key.0.strip_prefix("xmlns") {
                Some("") => "",
                Some(p) if p.starts_with(':') => &p[1..],
                _ => continue,
            };
            let uri = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(DecodeError::malformed)?;
            let ns = if uri == XSI_NS {
                XSI
            } else if uri.is_empty() {
                Ns::NONE
            } else {
                self.namespaces
                    .iter()
                    .position(|n| *n == uri)
                    .map_or(Ns::OTHER, |i| Ns(i as u8))
            };
            let other = (ns == Ns::OTHER).then(|| Box::from(&*uri));
            if self.bindings.len() >= MAX_BINDINGS {
                // Each prefix lookup may scan the bindings in scope: bounded, it stays cheap.
                return Err(DecodeError::malformed(format!(
                    "more than {MAX_BINDINGS} namespace declarations in scope"
                )));
            }
            self.bindings.push((prefix.into(), ns, other));
            self.last_hit.set(None);
        }
        Ok(())
    }

    /// The namespace URI `prefix` is bound to at the current element (`""` for the default
    /// namespace: `Some("")` when none is declared or it is undeclared with `xmlns=""`), or
    /// `None` when `prefix` is not declared. `xml` is always bound. Used by values whose text
    /// holds prefixes, such as [`QNameValue`](super::QNameValue), through
    /// [`Reader::text_in_scope`].
    pub fn resolve_prefix(&self, prefix: &str) -> Option<&str> {
        let Some(i) = self.bindings.iter().rposition(|(p, _, _)| &**p == prefix) else {
            return match prefix {
                "" => Some(""),
                "xml" => Some(super::XML_NS),
                _ => None,
            };
        };
        Some(self.uri_of(i))
    }

    /// The namespace URI of binding `i`.
    fn uri_of(&self, i: usize) -> &str {
        let Some((_, ns, other)) = self.bindings.get(i) else {
            return "";
        };
        match *ns {
            XSI => XSI_NS,
            Ns::NONE => "",
            Ns::OTHER => other.as_deref().unwrap_or_default(),
            Ns(i) => self.namespaces.get(usize::from(i)).copied().unwrap_or_default(),
        }
    }

    /// How many bytes of the input have been read.
    pub(crate) fn consumed(&self) -> usize {
        self.input_len - self.inner.get_ref().len()
    }

    /// Every namespace binding in scope (prefix, URI; `""` is the default namespace), the
    /// innermost declaration of a prefix winning, outermost listed first.
    pub(crate) fn in_scope(&self) -> Vec<(String, String)> {
        let mut namespaces: Vec<(String, String)> = Vec::new();
        for i in (0..self.bindings.len()).rev() {
            let prefix = &*self.bindings[i].0;
            if prefix != "xml" && !namespaces.iter().any(|(p, _)| p == prefix) {
                namespaces.push((prefix.to_owned(), self.uri_of(i).to_owned()));
            }
        }
        namespaces.reverse();
        namespaces
    }

    /// Captures `el` as an [`AnyXml`] fragment: every namespace binding in scope at `el`
    /// (its own declarations included; innermost first wins, outermost listed first), its
    /// other attributes, and its content as written. The content is read through the reader,
    /// so it is held to the same rules: well-formed, declared element prefixes, the depth limit.
    pub(crate) fn capture(&mut self, el: &Element<'i>) -> Result<AnyXml, DecodeError> {
        let mark = self.bindings.len();
        if el.empty {
            // An empty element's declarations are out of scope already.
            self.declare(&el.start)?;
        }
        let namespaces = self.in_scope();
        if el.empty {
            self.unbind(mark);
        }
        let mut attributes = Vec::new();
        for attr in el.start.attributes() {
            let attr = attr.map_err(DecodeError::malformed)?;
            let key = attr.key.0;
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(DecodeError::malformed)?;
            attributes.push((key.to_owned(), value.into_owned()));
        }
        let content = if el.empty {
            String::new()
        } else if let Some(text) = el.leaf {
            text.to_owned()
        } else {
            let input: &'i [u8] = self.inner.get_ref();
            let rest_at_end_tag = self.skip_content(el, false)?;
            let len = input.len().saturating_sub(rest_at_end_tag);
            let text = input.get(..len).unwrap_or_default();
            std::str::from_utf8(text).map_err(DecodeError::malformed)?.to_owned()
        };
        Ok(AnyXml {
            namespaces,
            attributes,
            content,
        })
    }

    fn resolve(&self, prefix: &str) -> Result<Ns, DecodeError> {
        match self.lookup(prefix) {
            Some(ns) => Ok(ns),
            None if prefix.is_empty() => Ok(Ns::NONE),
            None if prefix == "xml" => Ok(Ns::OTHER),
            None => Err(DecodeError::malformed(format!(
                "undeclared namespace prefix `{prefix}`"
            ))),
        }
    }

    fn is_nil(&self, start: &BytesStart<'_>) -> Result<bool, DecodeError> {
        let raw = start.attributes_raw();
        if raw.is_empty() || !raw.contains("nil") {
            return Ok(false);
        }
        for attr in start.attributes() {
            let attr = attr.map_err(DecodeError::malformed)?;
            if let Some((prefix, "nil")) = attr.key.0.split_once(':') {
                if self.lookup(prefix) == Some(XSI) {
                    return Ok(matches!(attr.value.trim(), "true" | "1"));
                }
            }
        }
        Ok(false)
    }

    /// Opens a start tag: declarations, namespace, `xsi:nil`. An empty element's declarations
    /// go out of scope at once; a non-empty one's at its end tag ([`Reader::close`]).
    fn open(&mut self, start: BytesStart<'i>, empty: bool) -> Result<Element<'i>, DecodeError> {
        let mark = self.bindings.len();
        self.declare(&start)?;
        let name = start.name().0;
        let colon = name.as_bytes().iter().position(|&b| b == b':');
        let ns = self.resolve(colon.map_or("", |i| &name[..i]))?;
        let local_at = colon.map_or(0, |i| i + 1);
        let nil = self.is_nil(&start)?;
        check_attributes(&start)?;
        if empty {
            self.unbind(mark);
        } else {
            self.marks.push(mark as u32);
            self.enter()?;
        }
        Ok(Element {
            ns,
            start,
            local_at,
            empty,
            nil,
            leaf: None,
            strict: self.strict_order,
        })
    }

    /// Leaves an element at its end tag.
    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if let Some(mark) = self.marks.pop() {
            self.unbind(mark as usize);
        }
    }

    fn next(&mut self) -> Result<Event<'i>, DecodeError> {
        let event = self.inner.read_event().map_err(DecodeError::malformed)?;
        self.after_tag = self.leaf_fast_path && matches!(event, Event::Start(_) | Event::End(_) | Event::Empty(_));
        Ok(event)
    }

    /// Takes a text-only element in its plainest form (see [`PlainLeaf`]) from the input in
    /// one step: almost every element of a response has this form, and reading it here costs a
    /// fraction of quick-xml's three events. quick-xml never sees the element, so its state
    /// (text expected next) is the same afterwards.
    fn leaf(&mut self) -> Result<Option<Element<'i>>, DecodeError> {
        if !self.after_tag {
            return Ok(None);
        }
        let input: &'i [u8] = self.inner.get_ref();
        let Some(leaf) = PlainLeaf::at_start_of(input) else {
            return Ok(None);
        };
        if self.depth >= self.limits.max_depth {
            return Err(DecodeError::new(DecodeErrorKind::TooDeep(self.limits.max_depth)));
        }
        let ns = self.resolve(leaf.colon.map_or("", |i| &leaf.name[..i]))?;
        *self.inner.get_mut() = &input[leaf.len..];
        Ok(Some(Element {
            ns,
            start: BytesStart::from_content(leaf.name, leaf.name.len()),
            local_at: leaf.colon.map_or(0, |i| i + 1),
            empty: false,
            nil: false,
            leaf: Some(leaf.text),
            strict: self.strict_order,
        }))
    }

    /// The next element in the document, skipping the prolog, whitespace, comments and
    /// processing instructions (used to find the envelope).
    pub fn root(&mut self) -> Result<Element<'i>, DecodeError> {
        loop {
            match self.next()? {
                Event::Start(e) => return self.open(e, false),
                Event::Empty(e) => return self.open(e, true),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim().is_empty() => {}
                Event::DocType(_) => return Err(DecodeError::malformed("DTDs are not accepted")),
                Event::Eof => return Err(DecodeError::new(DecodeErrorKind::UnexpectedEof)),
                _ => return Err(DecodeError::malformed("content before the root element")),
            }
        }
    }

    fn enter(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(DecodeError::new(DecodeErrorKind::TooDeep(self.limits.max_depth)));
        }
        Ok(())
    }

    /// The next child element of `parent`, or `None` at `parent`'s end tag. Text between
    /// elements is skipped (whitespace silently, other text counted as unknown content).
    pub fn child(&mut self, parent: &Element<'i>) -> Result<Option<Element<'i>>, DecodeError> {
        if parent.empty {
            return Ok(None);
        }
        if let Some(text) = parent.leaf {
            if !text.trim().is_empty() {
                self.skipped += 1;
                self.count_unknown()?;
            }
            return Ok(None);
        }
        loop {
            if let Some(leaf) = self.leaf()? {
                return Ok(Some(leaf));
            }
            match self.next()? {
                Event::Start(e) => return self.open(e, false).map(Some),
                Event::Empty(e) => return self.open(e, true).map(Some),
                Event::End(_) => {
                    self.close();
                    return Ok(None);
                }
                Event::Text(t) if t.trim().is_empty() => {}
                Event::GeneralRef(r) => {
                    resolve_reference(&r)?;
                    self.skipped += 1;
                    self.count_unknown()?;
                }
                Event::Text(_) | Event::CData(_) => {
                    self.skipped += 1;
                    self.count_unknown()?;
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(DecodeError::malformed("declaration inside the document"))
                }
                Event::Eof => return Err(DecodeError::new(DecodeErrorKind::UnexpectedEof)),
            }
        }
    }

    /// Skips an element the schema does not know (a newer server's addition), counting it
    /// and every element inside it against [`Limits::max_unknown`].
    pub fn unknown(&mut self, el: &Element<'i>) -> Result<(), DecodeError> {
        self.skipped += 1;
        self.count_unknown()?;
        tracing::debug!(element = el.local(), "skipped an element the schema does not declare");
        self.skip_content(el, true).map(drop)
    }

    /// Skips an element and everything inside it.
    ///
    /// The skipped content is read, not jumped over: it must be well-formed (UTF-8, references,
    /// declared prefixes) and within [`Limits::max_depth`], as the rest of the document.
    pub fn skip(&mut self, el: &Element<'i>) -> Result<(), DecodeError> {
        self.skip_content(el, false).map(drop)
    }

    /// Skips `el`'s content and end tag, counting its elements as unknown when `unknown`;
    /// returns how much of the input was left when its end tag began (so that the content's
    /// bytes can be sliced out).
    fn skip_content(&mut self, el: &Element<'i>, unknown: bool) -> Result<usize, DecodeError> {
        if el.empty || el.leaf.is_some() {
            return Ok(self.inner.get_ref().len());
        }
        let mut open = 0u32;
        loop {
            let before = self.inner.get_ref().len();
            if self.leaf()?.is_some() {
                if unknown {
                    self.count_unknown()?;
                }
                continue;
            }
            match self.next()? {
                Event::Start(e) => {
                    self.open(e, false)?;
                    open += 1;
                    if unknown {
                        self.count_unknown()?;
                    }
                }
                Event::Empty(e) => {
                    self.open(e, true)?;
                    if unknown {
                        self.count_unknown()?;
                    }
                }
                Event::End(_) => {
                    self.close();
                    if open == 0 {
                        return Ok(before);
                    }
                    open -= 1;
                }
                Event::GeneralRef(r) => {
                    resolve_reference(&r)?;
                }
                Event::Text(_) | Event::CData(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(DecodeError::malformed("declaration inside the document"))
                }
                Event::Eof => return Err(DecodeError::new(DecodeErrorKind::UnexpectedEof)),
            }
        }
    }

    /// Counts one more unknown element (or stray piece of text) against the limit.
    fn count_unknown(&mut self) -> Result<(), DecodeError> {
        self.unknown += 1;
        if self.unknown > self.limits.max_unknown {
            return Err(DecodeError::new(DecodeErrorKind::TooManyUnknown(
                self.limits.max_unknown,
            )));
        }
        Ok(())
    }

    /// The text content of a simple-typed element, with entity and character references
    /// resolved and line ends normalized. Comments inside are ignored; child elements are an error.
    pub fn text(&mut self, el: &Element<'i>) -> Result<Cow<'i, str>, DecodeError> {
        self.text_in_scope(el, |_, text| Ok(text))
    }

    /// The text content of `el`, as [`Reader::text`], given to `read` while `el`'s namespace
    /// declarations are still in scope (so that [`Reader::resolve_prefix`] resolves prefixes
    /// as they are bound at `el`); the element is closed afterwards.
    pub fn text_in_scope<T>(
        &mut self,
        el: &Element<'i>,
        read: impl FnOnce(&Self, Cow<'i, str>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        // An empty element's declarations are out of scope already: re-declare them for `read`.
        if el.empty {
            let mark = self.bindings.len();
            self.declare(&el.start)?;
            let out = read(self, Cow::Borrowed(""));
            self.unbind(mark);
            return out;
        }
        if let Some(text) = el.leaf {
            return read(self, Cow::Borrowed(text));
        }
        let text = self.text_unclosed()?;
        let out = read(self, text);
        self.close();
        out
    }

    /// The text of the element just opened, up to (and consuming) its end tag, without
    /// leaving its scope.
    fn text_unclosed(&mut self) -> Result<Cow<'i, str>, DecodeError> {
        let mut out: Option<Cow<'i, str>> = None;
        let append = |out: &mut Option<Cow<'i, str>>, piece: Cow<'i, str>| match out {
            None => *out = Some(piece),
            Some(acc) => acc.to_mut().push_str(&piece),
        };
        loop {
            match self.next()? {
                Event::Text(t) => append(&mut out, t.xml10_content()),
                Event::CData(c) => append(&mut out, c.into_inner()),
                Event::GeneralRef(r) => {
                    let ch = resolve_reference(&r)?;
                    out.get_or_insert_with(|| Cow::Owned(String::new())).to_mut().push(ch);
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::End(_) => return Ok(out.unwrap_or(Cow::Borrowed(""))),
                Event::Start(_) | Event::Empty(_) => return Err(DecodeError::new(DecodeErrorKind::UnexpectedElement)),
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(DecodeError::malformed("declaration inside the document"))
                }
                Event::Eof => return Err(DecodeError::new(DecodeErrorKind::UnexpectedEof)),
            }
        }
    }

    /// All text inside an element and its descendants, one piece per element, trimmed and
    /// joined by spaces (for free-form content such as SOAP fault details).
    pub fn inner_text(&mut self, el: &Element<'i>) -> Result<String, DecodeError> {
        let mut out = String::new();
        if el.empty {
            return Ok(out);
        }
        if let Some(text) = el.leaf {
            out.push_str(text.trim());
            return Ok(out);
        }
        let mut piece = String::new();
        let flush = |out: &mut String, piece: &mut String| {
            let t = piece.trim();
            if !t.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(t);
            }
            piece.clear();
        };
        let mut open = 1u32;
        loop {
            match self.next()? {
                Event::Start(_) => {
                    flush(&mut out, &mut piece);
                    open += 1;
                    self.enter()?;
                }
                Event::End(_) => {
                    flush(&mut out, &mut piece);
                    open -= 1;
                    if open == 0 {
                        self.close();
                        return Ok(out);
                    }
                    self.depth -= 1;
                }
                Event::Empty(_) => flush(&mut out, &mut piece),
                Event::Text(t) => piece.push_str(&t.xml10_content()),
                Event::CData(c) => piece.push_str(&c),
                Event::GeneralRef(r) => piece.push(resolve_reference(&r)?),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(DecodeError::malformed("declaration inside the document"))
                }
                Event::Eof => return Err(DecodeError::new(DecodeErrorKind::UnexpectedEof)),
            }
        }
    }

    /// Reads a value, rejecting `xsi:nil` unless the type can represent it.
    fn value<T: Decode>(&mut self, el: &Element<'i>) -> Result<T, DecodeError> {
        if el.nil {
            self.skip(el)?;
            return T::nil().ok_or_else(|| DecodeError::new(DecodeErrorKind::UnexpectedNil));
        }
        T::decode(self, el)
    }

    fn once<T>(el: &Element<'i>, slot: &Option<T>) -> Result<(), DecodeError> {
        match slot {
            Some(_) => Err(DecodeError::new(DecodeErrorKind::Duplicate).within(el.local())),
            None => Ok(()),
        }
    }

    /// A required member (collected into `slot`, checked by [`Reader::required`]). `xsi:nil`
    /// is an error: the member has no value to give.
    pub fn req<T: Decode>(&mut self, el: &Element<'i>, slot: &mut Option<T>) -> Result<(), DecodeError> {
        Self::once(el, slot)?;
        *slot = Some(self.value(el).map_err(|e| e.within(el.local()))?);
        Ok(())
    }

    /// A required nillable member.
    pub fn req_nil<T: Decode>(&mut self, el: &Element<'i>, slot: &mut Option<Option<T>>) -> Result<(), DecodeError> {
        Self::once(el, slot)?;
        *slot = Some(self.unless_nil(el, |r| T::decode(r, el))?);
        Ok(())
    }

    /// An optional member. `xsi:nil` on it (which a newer schema may allow) carries no value
    /// and reads as absent.
    pub fn opt<T: Decode>(&mut self, el: &Element<'i>, slot: &mut Option<T>) -> Result<(), DecodeError> {
        Self::once(el, slot)?;
        *slot = self.unless_nil(el, |r| T::decode(r, el))?;
        Ok(())
    }

    /// An optional nillable member.
    pub fn opt_nil<T: Decode>(&mut self, el: &Element<'i>, slot: &mut Nillable<T>) -> Result<(), DecodeError> {
        Self::once_nillable(el, slot)?;
        *slot = self
            .unless_nil(el, |r| T::decode(r, el))?
            .map_or(Nillable::Nil, Nillable::Value);
        Ok(())
    }

    /// Reads `el` with `read`, or gives `None` for an `xsi:nil` element; errors get `el`'s name
    /// on their path.
    fn unless_nil<T>(
        &mut self,
        el: &Element<'i>,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        if el.nil {
            self.skip(el)?;
            return Ok(None);
        }
        read(self).map(Some).map_err(|e| e.within(el.local()))
    }

    fn once_nillable<T>(el: &Element<'i>, slot: &Nillable<T>) -> Result<(), DecodeError> {
        match slot {
            Nillable::Absent => Ok(()),
            _ => Err(DecodeError::new(DecodeErrorKind::Duplicate).within(el.local())),
        }
    }

    /// One occurrence of a member repeated in place.
    pub fn many<T: Decode>(&mut self, el: &Element<'i>, items: &mut Vec<T>) -> Result<(), DecodeError> {
        self.item(el, items)
    }

    fn item<T: Decode>(&mut self, el: &Element<'i>, items: &mut Vec<T>) -> Result<(), DecodeError> {
        if el.nil && T::nil().is_none() {
            // A nil complex item carries no data; the Rust model has no place for it.
            self.skipped += 1;
            self.count_unknown()?;
            tracing::debug!(element = el.local(), "skipped a nil collection item");
            return self.skip(el);
        }
        let v = self
            .value(el)
            .map_err(|e| e.within(format!("{}[{}]", el.local(), items.len() + 1)))?;
        items.push(v);
        Ok(())
    }

    fn array<T: Decode>(&mut self, el: &Element<'i>, item_ns: Ns, item: &str) -> Result<Vec<T>, DecodeError> {
        let mut items = Vec::new();
        while let Some(c) = self.child(el)? {
            if c.ns == item_ns && c.local() == item {
                self.item(&c, &mut items)?;
            } else {
                self.unknown(&c)?;
            }
        }
        Ok(items)
    }

    /// A required collection member.
    pub fn req_array<T: Decode>(
        &mut self,
        el: &Element<'i>,
        item_ns: Ns,
        item: &str,
        slot: &mut Option<Vec<T>>,
    ) -> Result<(), DecodeError> {
        self.opt_array(el, item_ns, item, slot)
    }

    /// A required nillable collection member.
    pub fn req_nil_array<T: Decode>(
        &mut self,
        el: &Element<'i>,
        item_ns: Ns,
        item: &str,
        slot: &mut Option<Option<Vec<T>>>,
    ) -> Result<(), DecodeError> {
        Self::once(el, slot)?;
        *slot = Some(self.unless_nil(el, |r| r.array(el, item_ns, item))?);
        Ok(())
    }

    /// An optional collection member; `xsi:nil` reads as absent, as for [`Reader::opt`].
    pub fn opt_array<T: Decode>(
        &mut self,
        el: &Element<'i>,
        item_ns: Ns,
        item: &str,
        slot: &mut Option<Vec<T>>,
    ) -> Result<(), DecodeError> {
        Self::once(el, slot)?;
        *slot = self.unless_nil(el, |r| r.array(el, item_ns, item))?;
        Ok(())
    }

    /// An optional nillable collection member.
    pub fn opt_nil_array<T: Decode>(
        &mut self,
        el: &Element<'i>,
        item_ns: Ns,
        item: &str,
        slot: &mut Nillable<Vec<T>>,
    ) -> Result<(), DecodeError> {
        Self::once_nillable(el, slot)?;
        *slot = self
            .unless_nil(el, |r| r.array(el, item_ns, item))?
            .map_or(Nillable::Nil, Nillable::Value);
        Ok(())
    }

    /// Checks that a required member was present.
    pub fn required<T>(&self, slot: Option<T>, name: &'static str) -> Result<T, DecodeError> {
        slot.ok_or_else(|| DecodeError::new(DecodeErrorKind::Missing(name)))
    }
}

/// A text-only element in its plainest form, `<name>text</name>`, optionally after whitespace.
///
/// Only an element that quick-xml would read to the same result qualifies: a name of ASCII
/// name characters and no attributes, text without markup, references or carriage returns
/// (which quick-xml would resolve or normalize), valid UTF-8, and the matching end tag right
/// after it. Anything else is left to quick-xml.
struct PlainLeaf<'i> {
    /// The qualified name.
    name: &'i str,
    /// Where the prefix separator is in `name`.
    colon: Option<usize>,
    /// The text, exactly as written.
    text: &'i str,
    /// Bytes from the start of the input to the end of the end tag.
    len: usize,
}

impl<'i> PlainLeaf<'i> {
    fn at_start_of(input: &'i [u8]) -> Option<PlainLeaf<'i>> {
        let from = input.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
        let rest = &input[from..];
        if rest.first() != Some(&b'<') {
            return None;
        }
        let mut colon = None;
        let mut name_len = 0;
        for &b in &rest[1..] {
            match b {
                b':' if colon.is_none() => colon = Some(name_len),
                _ if !is_name_byte(b) => break,
                _ => {}
            }
            name_len += 1;
        }
        if name_len == 0 || rest.get(1 + name_len) != Some(&b'>') {
            return None;
        }
        let name = &rest[1..1 + name_len];
        let text_at = name_len + 2;
        let lt = text_at + memchr::memchr3(b'<', b'&', b'\r', &rest[text_at..])?;
        let end = &rest[lt..];
        let closed = end[0] == b'<'
            && end.len() > name_len + 2
            && end[1] == b'/'
            && &end[2..2 + name_len] == name
            && end[2 + name_len] == b'>';
        if !closed {
            return None;
        }
        Some(PlainLeaf {
            name: std::str::from_utf8(name).ok()?,
            colon,
            text: std::str::from_utf8(&rest[text_at..lt]).ok()?,
            len: from + lt + name_len + 3,
        })
    }
}

/// A byte [`PlainLeaf`] accepts in an element name: ASCII letters, digits, `_`, `-`, `.`
/// and the prefix separator `:` (any other name goes through quick-xml).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':')
}

/// A character reference or one of XML's five predefined entities; anything else is an error
/// (no DTD is accepted, so no other entity is defined).
/// Most namespace declarations in scope at once (a response has a handful).
const MAX_BINDINGS: usize = 1024;

/// Most attributes one start tag may have (quick-xml checks each name against the ones
/// before it, so the work grows with the square of the count).
const MAX_ATTRIBUTES: usize = 256;

/// Holds every start tag's attributes to XML's rules, those of elements the schema does not
/// declare (which are skipped) too: well-formed, each name once, references that resolve to
/// allowed characters, and at most [`MAX_ATTRIBUTES`] of them.
fn check_attributes(start: &BytesStart<'_>) -> Result<(), DecodeError> {
    if start.attributes_raw().trim().is_empty() {
        return Ok(());
    }
    for (i, attr) in start.attributes().enumerate() {
        if i == MAX_ATTRIBUTES {
            return Err(DecodeError::malformed(format!(
                "more than {MAX_ATTRIBUTES} attributes on one element"
            )));
        }
        let attr = attr.map_err(DecodeError::malformed)?;
        if attr.value.contains('&') {
            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(DecodeError::malformed)?;
        }
    }
    Ok(())
}

pub(crate) fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char, DecodeError> {
    if let Some(c) = r.resolve_char_ref().map_err(DecodeError::malformed)? {
        return Ok(c);
    }
    match &**r {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(DecodeError::malformed("undefined entity reference")),
    }
}

#[cfg(all(test, feature = "server-codec"))]
mod strict_order_tests {
    use super::*;

    const NS: &[&str] = &["urn:invented"];
    const MEMBERS: &[(Ns, &str)] = &[(Ns(0), "A"), (Ns(0), "B"), (Ns(0), "C")];

    /// The member index each child of the root matches, in document order.
    fn matched(xml: &str, strict: bool) -> Vec<Option<usize>> {
        let mut r = Reader::new(xml.as_bytes(), NS, Limits::default()).expect("reader");
        if strict {
            r = r.strict_order();
        }
        let root = r.root().expect("root");
        let mut cursor = 0;
        let mut out = Vec::new();
        while let Some(child) = r.child(&root).expect("child") {
            out.push(child.member(MEMBERS, &mut cursor));
            r.skip(&child).expect("skip");
        }
        out
    }

    #[test]
    fn strict_order_finds_members_only_forward_and_a_repeated_one() {
        let doc = r#"<r xmlns="urn:invented"><B>1</B><A>2</A><C/><C>3</C></r>"#;
        assert_eq!(matched(doc, false), [Some(1), Some(0), Some(2), Some(2)], "wrap-around");
        assert_eq!(
            matched(doc, true),
            [Some(1), None, Some(2), Some(2)],
            "A after B is not matched; C repeated is"
        );
        let foreign = r#"<r xmlns="urn:invented"><A xmlns="urn:other">1</A><B/></r>"#;
        assert_eq!(
            matched(foreign, true),
            [None, Some(1)],
            "another namespace is no member"
        );
    }
}

//! Reading a list result while its response arrives: the records of one repeated element are
//! cut out of the body one at a time, each parsed as soon as its end tag is in, so memory holds
//! one record, not the answer.
//!
//! A [`ListSplitter`] is fed the body in chunks and hands out, in order:
//! 1. [`Step::Head`]: once the list element's start tag is in, a complete document made of
//!    everything before it with the open elements closed. Parsed as the whole response, it
//!    gives the members before the list (`ErrorResponse`, `SecurityResponse`), so a failure
//!    the service reports there is known before any record.
//! 2. [`Step::Item`]: each child of the list element, as a small document that declares the
//!    namespaces in scope at the list ([`Record::decode`] reads it as the record type).
//! 3. [`Step::End`]: at the end of the body, the document without the records: everything
//!    before the list, the list empty, and everything after it. Parsed as the whole response,
//!    it gives the other members and holds the message to every rule of a whole parse.
//!
//! When the body is not a response with that list (a fault, a nil or empty list, another
//! shape), the splitter gives [`Step::End`] with the whole body instead, to be parsed as a
//! whole response: the answer is the same as without streaming.
//!
//! Nothing here knows Kareo: the path to the list comes from the generated operation.

use super::read::{Decode, DecodeError, DecodeErrorKind, Limits, Reader};
use super::Ns;

/// Where a list result's records are: the elements from the SOAP `Body`'s child down to the
/// list element, and the record element inside it (generated per operation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPath {
    /// The elements below `Body`, outermost first, ending with the list element.
    pub elements: &'static [(Ns, &'static str)],
    /// The record element the list repeats.
    pub item: (Ns, &'static str),
}

/// Bounds on a streamed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// Largest record, in bytes.
    pub max_record_bytes: usize,
    /// Largest part of the document outside the records (before and after the list), in bytes.
    pub max_frame_bytes: usize,
    /// Deepest nesting, counted from the document's root.
    pub max_depth: u32,
    /// Most elements the schema does not declare, per record and in the frame.
    pub max_unknown: u64,
    /// Largest body in all, when set.
    pub max_total_bytes: Option<u64>,
}

impl Default for StreamLimits {
    /// Records up to 4 MiB, 1 MiB around the list, 128 levels, 100,000 unknown elements, no
    /// total.
    fn default() -> Self {
        StreamLimits {
            max_record_bytes: 4 * 1024 * 1024,
            max_frame_bytes: 1024 * 1024,
            max_depth: Limits::DEFAULT_MAX_DEPTH,
            max_unknown: Limits::DEFAULT_MAX_UNKNOWN,
            max_total_bytes: None,
        }
    }
}

/// What the splitter has to give.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// More of the body is needed.
    NeedMore,
    /// The document up to the list, its open elements closed.
    Head(Vec<u8>),
    /// One record (the `index`-th child of the list, from 1).
    Item(Record),
    /// The document to parse as the whole response: the body without its records, or the
    /// whole body when it holds no list to stream. The splitter is done.
    End(Vec<u8>),
}

/// One record cut out of the body, as a document of its own.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    /// Its position in the list, from 1.
    pub index: u64,
    /// `<w xmlns:…>` + the record + `</w>`.
    document: Vec<u8>,
    /// The element path of the list, for errors.
    path: &'static [(Ns, &'static str)],
    item: &'static str,
    item_ns: Ns,
    namespaces: &'static [&'static str],
    limits: Limits,
}

impl Record {
    /// Reads the record as `T`. `Ok(None)` for a child the list does not declare (skipped, as
    /// a whole parse skips it) or an `xsi:nil` record of a type that has no nil value.
    pub fn decode<T: Decode>(&self) -> Result<Option<T>, DecodeError> {
        let within = |e: DecodeError| {
            let mut e = e;
            if !e.path.first().is_some_and(|p| p.starts_with(self.item)) {
                e = e.within(format!("{}[{}]", self.item, self.index));
            }
            self.path.iter().rev().fold(e, |e, (_, name)| e.within(*name))
        };
        let mut r = Reader::new(&self.document, self.namespaces, self.limits).map_err(within)?;
        let wrapper = r.root().map_err(within)?;
        let mut out: Vec<T> = Vec::with_capacity(1);
        while let Some(el) = r.child(&wrapper).map_err(within)? {
            if el.ns == self.item_ns && el.local() == self.item {
                // `many` names the item `Item[n]` from the vector's length: correct it.
                r.many(&el, &mut out).map_err(|e| {
                    let mut e = e;
                    if let Some(first) = e.path.first_mut() {
                        *first = format!("{}[{}]", self.item, self.index);
                    }
                    within(e)
                })?;
            } else {
                r.unknown(&el).map_err(within)?;
            }
        }
        Ok(out.pop())
    }
}

enum Phase {
    /// Looking for the list element's start tag.
    Head,
    /// Between records.
    Items(Frame),
    /// After the list: collecting the rest.
    Tail(Frame),
    /// Not a streamable list: collecting the whole body.
    Whole,
    Done,
}

/// What is kept of the document around the records.
struct Frame {
    /// The document up to and including the list's start tag.
    head: Vec<u8>,
    /// The end tags that close the elements open at the list, innermost first.
    closers: Vec<u8>,
    /// `<w` with every namespace declaration in scope at the list, and `>`.
    wrapper: Vec<u8>,
    /// The tail, from the list's end tag on.
    tail: Vec<u8>,
}

/// Cuts a list response into its parts as the body arrives (see the module documentation).
pub struct ListSplitter {
    path: ListPath,
    soap: Ns,
    namespaces: &'static [&'static str],
    limits: StreamLimits,
    /// Bytes received and not yet handed out.
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    pos: usize,
    received: u64,
    finished: bool,
    phase: Phase,
    items: u64,
}

impl ListSplitter {
    /// A splitter for the list at `path` of a response whose envelope namespace is `soap`,
    /// resolving namespaces against `namespaces` (the generated table).
    pub fn new(path: ListPath, soap: Ns, namespaces: &'static [&'static str], limits: StreamLimits) -> Self {
        ListSplitter {
            path,
            soap,
            namespaces,
            limits,
            buf: Vec::new(),
            pos: 0,
            received: 0,
            finished: false,
            phase: Phase::Head,
            items: 0,
        }
    }

    /// How many records were handed out.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// Adds the next bytes of the body.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), DecodeError> {
        self.received += chunk.len() as u64;
        if let Some(max) = self.limits.max_total_bytes {
            if self.received > max {
                return Err(DecodeError::new(DecodeErrorKind::TooLarge(max as usize)));
            }
        }
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
        Ok(())
    }

    /// Marks the end of the body.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// The next part, or [`Step::NeedMore`].
    pub fn step(&mut self) -> Result<Step, DecodeError> {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Head => self.head(),
            Phase::Items(frame) => self.item(frame),
            Phase::Tail(frame) => self.tail(frame),
            Phase::Whole => self.whole(),
            Phase::Done => Err(DecodeError::new(DecodeErrorKind::Envelope(
                "the streamed response was read to its end already".to_owned(),
            ))),
        }
    }

    fn frame_limits(&self) -> Limits {
        Limits {
            max_depth: self.limits.max_depth,
            max_bytes: usize::MAX,
            max_unknown: self.limits.max_unknown,
        }
    }

    fn head(&mut self) -> Result<Step, DecodeError> {
        match self.find_list() {
            Ok(Some(frame)) => {
                let mut head = frame.head.clone();
                head.extend_from_slice(&frame.closers);
                self.pos = frame.head.len();
                self.phase = Phase::Items(frame);
                Ok(Step::Head(head))
            }
            Ok(None) => {
                self.phase = Phase::Whole;
                self.whole()
            }
            Err(_) if !self.finished && self.buf.len() <= self.limits.max_frame_bytes => {
                self.phase = Phase::Head;
                Ok(Step::NeedMore)
            }
            // Malformed, cut short or too long before the list: the whole parse says which.
            Err(_) => {
                self.phase = Phase::Whole;
                self.whole()
            }
        }
    }

    /// Walks `Envelope/Body/…` down to the list element in what has arrived. `Ok(None)` when
    /// the document is not a response with that list; an error when more is needed (or the
    /// document is malformed, which the whole parse reports).
    fn find_list(&self) -> Result<Option<Frame>, DecodeError> {
        let mut r = Reader::new(&self.buf, self.namespaces, self.frame_limits())?;
        let envelope = r.root()?;
        if envelope.ns != self.soap || envelope.local() != "Envelope" || !envelope.is_open() {
            return Ok(None);
        }
        let mut open = vec![envelope.qualified_name().to_owned()];
        let mut parent = envelope;
        let wanted = std::iter::once((self.soap, "Body")).chain(self.path.elements.iter().copied());
        for (ns, name) in wanted {
            let found = loop {
                match r.child(&parent)? {
                    None => return Ok(None),
                    Some(el) if el.ns == ns && el.local() == name => break el,
                    // A fault, or a member before the list: read with the head.
                    Some(el) if name == "Body" || parent.local() != "Body" => r.skip(&el)?,
                    Some(_) => return Ok(None),
                }
            };
            if !found.is_open() || found.is_nil() {
                return Ok(None);
            }
            open.push(found.qualified_name().to_owned());
            parent = found;
        }
        let head = self.buf[..r.consumed()].to_vec();
        let closers = open
            .iter()
            .rev()
            .flat_map(|name| [b"</".as_slice(), name.as_bytes(), b">"].concat())
            .collect();
        let mut wrapper = b"<w".to_vec();
        for (prefix, uri) in r.in_scope() {
            wrapper.extend_from_slice(if prefix.is_empty() { b" xmlns" } else { b" xmlns:" });
            wrapper.extend_from_slice(prefix.as_bytes());
            wrapper.extend_from_slice(b"=\"");
            wrapper.extend_from_slice(escape_attribute(&uri).as_bytes());
            wrapper.push(b'"');
        }
        wrapper.push(b'>');
        Ok(Some(Frame {
            head,
            closers,
            wrapper,
            tail: Vec::new(),
        }))
    }

    /// Finds the next record's bounds between `pos` and the end of what arrived.
    ///
    /// Only markup boundaries are found here (tags, comments, CDATA sections, processing
    /// instructions, and depth); everything inside a record is checked by the record's own
    /// parse, as strictly as a whole parse checks it. Between records only whitespace,
    /// comments and processing instructions may appear; other text, references and CDATA
    /// there are skipped as a whole parse skips them.
    fn item(&mut self, frame: Frame) -> Result<Step, DecodeError> {
        let max_depth = self
            .limits
            .max_depth
            .saturating_sub(self.path.elements.len() as u32 + 2);
        let input_len = self.buf.len() - self.pos;
        let mut depth = 0u32;
        let mut start = 0usize;
        let mut at = 0usize;
        // What the scan found: a record, the list's end, or the need for more input (the
        // offset where the unfinished part starts).
        enum Found {
            Record(usize, usize),
            ListEnd(usize),
            More(usize),
        }
        let found = loop {
            let input = &self.buf[self.pos..];
            let lt = match memchr::memchr(b'<', &input[at..]) {
                Some(i) => at + i,
                None if depth > 0 => break Found::More(start),
                None => {
                    check_stray_text(&input[at..]).map_err(|e| self.at_item(e))?;
                    break Found::More(input.len());
                }
            };
            if depth == 0 {
                check_stray_text(&input[at..lt]).map_err(|e| self.at_item(e))?;
            }
            let Some(markup) = Markup::at(&input[lt..]) else {
                break Found::More(if depth > 0 { start } else { lt });
            };
            let end = lt + markup.len;
            match markup.kind {
                MarkupKind::Start => {
                    if depth == 0 {
                        start = lt;
                    }
                    depth += 1;
                    if depth > max_depth {
                        return Err(self.at_item(DecodeError::new(DecodeErrorKind::TooDeep(self.limits.max_depth))));
                    }
                }
                MarkupKind::Empty if depth == 0 => break Found::Record(lt, end),
                MarkupKind::End if depth == 0 => break Found::ListEnd(lt),
                MarkupKind::End => {
                    depth -= 1;
                    if depth == 0 {
                        break Found::Record(start, end);
                    }
                }
                MarkupKind::Declaration if depth == 0 => {
                    return Err(self.at_item(DecodeError::new(DecodeErrorKind::Malformed(
                        "declaration inside the document".to_owned(),
                    ))))
                }
                _ => {}
            }
            at = end;
        };
        match found {
            Found::Record(start, end) => Ok(self.record(frame, start, end)),
            Found::ListEnd(at) => {
                // The list's end tag: the rest is the tail.
                let mut frame = frame;
                frame.tail.extend_from_slice(&self.buf[self.pos + at..]);
                self.pos = self.buf.len();
                self.phase = Phase::Tail(frame);
                self.step()
            }
            Found::More(from) => {
                // What lies before `from` is passed for good (whitespace, comments).
                self.pos += from;
                self.wait(frame, input_len - from)
            }
        }
    }

    /// Waits for more of a record (`pending` bytes of it are in), or fails when the body
    /// ended or the record is too large.
    fn wait(&mut self, frame: Frame, pending: usize) -> Result<Step, DecodeError> {
        if pending > self.limits.max_record_bytes {
            return Err(self.at_item(DecodeError::new(DecodeErrorKind::TooLarge(
                self.limits.max_record_bytes,
            ))));
        }
        if self.finished {
            return Err(self.at_item(DecodeError::new(DecodeErrorKind::UnexpectedEof)));
        }
        self.phase = Phase::Items(frame);
        Ok(Step::NeedMore)
    }

    fn record(&mut self, frame: Frame, start: usize, end: usize) -> Step {
        let bytes = &self.buf[self.pos + start..self.pos + end];
        let mut document = Vec::with_capacity(frame.wrapper.len() + bytes.len() + 4);
        document.extend_from_slice(&frame.wrapper);
        document.extend_from_slice(bytes);
        document.extend_from_slice(b"</w>");
        self.pos += end;
        self.items += 1;
        self.phase = Phase::Items(frame);
        Step::Item(Record {
            index: self.items,
            document,
            path: self.path.elements,
            item: self.path.item.1,
            item_ns: self.path.item.0,
            namespaces: self.namespaces,
            limits: Limits {
                max_depth: self
                    .limits
                    .max_depth
                    .saturating_sub(self.path.elements.len() as u32 + 1),
                max_bytes: usize::MAX,
                max_unknown: self.limits.max_unknown,
            },
        })
    }

    fn tail(&mut self, mut frame: Frame) -> Result<Step, DecodeError> {
        frame.tail.extend_from_slice(&self.buf[self.pos..]);
        self.pos = self.buf.len();
        if frame.head.len() + frame.tail.len() > self.limits.max_frame_bytes {
            return Err(DecodeError::new(DecodeErrorKind::TooLarge(self.limits.max_frame_bytes)));
        }
        if !self.finished {
            self.phase = Phase::Tail(frame);
            return Ok(Step::NeedMore);
        }
        let mut document = frame.head;
        document.extend_from_slice(&frame.tail);
        Ok(Step::End(document))
    }

    fn whole(&mut self) -> Result<Step, DecodeError> {
        if !self.finished {
            self.phase = Phase::Whole;
            return Ok(Step::NeedMore);
        }
        Ok(Step::End(std::mem::take(&mut self.buf)))
    }

    /// `e` placed at the record being read.
    fn at_item(&self, e: DecodeError) -> DecodeError {
        let e = e.within(format!("{}[{}]", self.path.item.1, self.items + 1));
        self.path.elements.iter().rev().fold(e, |e, (_, name)| e.within(*name))
    }
}

/// What a piece of markup is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MarkupKind {
    Start,
    End,
    Empty,
    /// A comment, CDATA section or processing instruction.
    Other,
    /// `<!DOCTYPE`, `<!ENTITY` or another declaration.
    Declaration,
}

/// One piece of markup at the start of the input: its kind and length.
struct Markup {
    kind: MarkupKind,
    len: usize,
}

impl Markup {
    /// The markup `input` starts with (`input[0]` is `<`), or `None` when it does not end
    /// within `input`.
    fn at(input: &[u8]) -> Option<Markup> {
        let find = |needle: &[u8], from: usize| {
            memchr::memmem::find(input.get(from..)?, needle).map(|i| from + i + needle.len())
        };
        let (kind, len) = match input.get(1)? {
            b'/' => (MarkupKind::End, memchr::memchr(b'>', input)? + 1),
            b'?' => (MarkupKind::Other, find(b"?>", 2)?),
            b'!' if input.len() < 9 && (b"<!--".starts_with(input) || b"<![CDATA[".starts_with(input)) => return None,
            b'!' if input.starts_with(b"<!--") => (MarkupKind::Other, find(b"-->", 4)?),
            b'!' if input.starts_with(b"<![CDATA[") => (MarkupKind::Other, find(b"]]>", 9)?),
            b'!' => (MarkupKind::Declaration, memchr::memchr(b'>', input)? + 1),
            _ => {
                // A start tag: its end is the first `>` outside a quoted attribute value.
                let mut quote = None;
                let mut i = 1;
                loop {
                    let b = *input.get(i)?;
                    match quote {
                        Some(q) if b == q => quote = None,
                        Some(_) => {}
                        None if b == b'"' || b == b'\'' => quote = Some(b),
                        None if b == b'>' => break,
                        None => {}
                    }
                    i += 1;
                }
                let kind = if input[i - 1] == b'/' {
                    MarkupKind::Empty
                } else {
                    MarkupKind::Start
                };
                (kind, i + 1)
            }
        };
        Some(Markup { kind, len })
    }
}

/// Checks text between records as a whole parse reads it: valid UTF-8 (a sequence cut at the
/// end of what arrived is left for later) and references XML defines.
fn check_stray_text(text: &[u8]) -> Result<(), DecodeError> {
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(());
    }
    let text = std::str::from_utf8(complete_utf8(text))
        .map_err(|e| DecodeError::new(DecodeErrorKind::Malformed(e.to_string())))?;
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            // The reference may end in the next chunk; an unterminated one fails the frame's
            // whole parse.
            return Ok(());
        };
        let name = &after[..semi];
        let known = matches!(name, "lt" | "gt" | "amp" | "apos" | "quot")
            || name
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16).ok())
                .unwrap_or_else(|| name.strip_prefix('#').map(|d| d.parse::<u32>().ok()).unwrap_or(None))
                .and_then(char::from_u32)
                .is_some_and(is_xml_char);
        if !known {
            return Err(DecodeError::new(DecodeErrorKind::Malformed(format!(
                "invalid reference &{name}; between records"
            ))));
        }
        rest = &after[semi + 1..];
    }
    Ok(())
}

/// A character XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `bytes` without a UTF-8 sequence cut at its end (the rest arrives with the next chunk).
fn complete_utf8(bytes: &[u8]) -> &[u8] {
    let tail = bytes.len().saturating_sub(3);
    for i in (tail..bytes.len()).rev() {
        let b = bytes[i];
        if b & 0xC0 == 0x80 {
            continue;
        }
        let len = match b {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return bytes,
        };
        return if i + len > bytes.len() { &bytes[..i] } else { bytes };
    }
    bytes
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;")
}

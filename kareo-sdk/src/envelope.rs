//! SOAP 1.1 envelopes: writing a request for an operation, reading its response or fault.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::xml::{
    Decode, DecodeError, DecodeErrorKind, Element, EncodeError, FaultDetails, Limits, Message, MessageDecode, Ns,
    Operation, OperationInfo, Reader, Wrapper, Writer,
};

/// The typed fault details of the SDK's contract (what [`Fault::typed`] holds by default).
pub use crate::generated::operations::FaultDetail;

pub use crate::xml::SOAP_ENV_NS;

/// Writes the request envelope for operation `O`.
///
/// Every schema namespace is declared once on the envelope (`n0`, `n1`, ...), `xsi` as `i`.
pub fn write_request<O: Operation>(request: &O::Request) -> Result<String, EncodeError> {
    write_message(&O::INFO, &O::INFO.input, request, true)
}

/// Writes a response envelope for operation `O` (what a server sends; for mock servers and
/// tests). Declared ranges are not checked ([`Writer::checks_ranges`]): a response holds what
/// the server found.
#[cfg(feature = "server-codec")]
pub fn write_response<O: Operation>(response: &O::Response) -> Result<String, EncodeError>
where
    O::Response: Message,
{
    write_message(&O::INFO, &O::INFO.output, response, false)
}

/// Reads a request envelope for operation `O` (what a server receives; for mock servers and
/// tests). A fault in a request is reported as an envelope error.
#[cfg(feature = "server-codec")]
pub fn read_request<O: Operation>(body: &[u8], limits: Limits) -> Result<O::Request, DecodeError>
where
    O::Request: MessageDecode,
{
    request_from::<O>(Reader::new(body, O::INFO.namespaces, limits)?, body, limits)
}

/// Reads a request envelope for operation `O` as a WCF service does: members in sequence
/// order only ([`Reader::strict_order`]). A member sent out of order, or in a namespace its
/// type does not declare, is skipped, as the service drops it; [`ParseStats::skipped`] counts
/// every element skipped so (unknown ones included), so a server can report what it ignored.
#[cfg(feature = "server-codec")]
pub fn read_request_strict<O: Operation>(body: &[u8], limits: Limits) -> Result<(O::Request, ParseStats), DecodeError>
where
    O::Request: MessageDecode,
{
    let reader = Reader::new(body, O::INFO.namespaces, limits)?.strict_order();
    match read_message::<O::Request, O::Fault>(reader, body, limits, &O::INFO, &O::INFO.input)? {
        (Response::Result(r), stats) => Ok((r, stats)),
        (Response::Fault(_), _) => Err(envelope_error("a request holds a Fault")),
    }
}

#[cfg(feature = "server-codec")]
fn request_from<O: Operation>(reader: Reader<'_>, body: &[u8], limits: Limits) -> Result<O::Request, DecodeError>
where
    O::Request: MessageDecode,
{
    match read_message::<O::Request, O::Fault>(reader, body, limits, &O::INFO, &O::INFO.input)? {
        (Response::Result(r), _) => Ok(r),
        (Response::Fault(_), _) => Err(envelope_error("a request holds a Fault")),
    }
}

/// Writes a SOAP 1.1 fault envelope (for mock servers and tests). The detail is written as
/// the text of [`Fault::detail`]; [`Fault::typed`] is not written.
pub fn write_fault(fault: &Fault) -> Result<String, EncodeError> {
    let mut w = Writer::with_capacity(512);
    open_envelope(&mut w, &[])?;
    w.raw("<s:Body><s:Fault>");
    w.text_element(Ns::NONE, "faultcode", &fault.code)?;
    w.text_element(Ns::NONE, "faultstring", &fault.string)?;
    if let Some(actor) = &fault.actor {
        w.text_element(Ns::NONE, "faultactor", actor)?;
    }
    if let Some(detail) = &fault.detail {
        w.text_element(Ns::NONE, "detail", detail)?;
    }
    w.raw("</s:Fault></s:Body></s:Envelope>");
    Ok(w.into_string())
}

fn open_envelope(w: &mut Writer, namespaces: &'static [&'static str]) -> Result<(), EncodeError> {
    w.raw("<s:Envelope xmlns:s=\"");
    w.raw(SOAP_ENV_NS);
    w.raw("\" xmlns:i=\"");
    w.raw(crate::xml::XSI_NS);
    w.raw("\"");
    for (i, ns) in namespaces.iter().enumerate() {
        w.raw(&format!(" xmlns:n{i}=\""));
        w.escaped(ns)?;
        w.raw("\"");
    }
    w.raw(">");
    w.declared_table(namespaces);
    Ok(())
}

/// `request`: whether declared ranges are checked ([`Writer::checks_ranges`]).
fn write_message<M: Message>(
    info: &OperationInfo,
    message: &Wrapper,
    value: &M,
    request: bool,
) -> Result<String, EncodeError> {
    let mut w = Writer::with_capacity(2048);
    w.set_checks_ranges(request);
    open_envelope(&mut w, info.schema_namespaces())?;
    if M::HAS_HEADERS {
        w.raw("<s:Header>");
        value.encode_headers(&mut w).map_err(|e| e.within("Header"))?;
        w.raw("</s:Header>");
    }
    w.raw("<s:Body>");
    let body = value.body();
    match message.child {
        Some(child) => {
            w.start(message.ns, message.element);
            w.req(child.ns, child.name, body)
                .map_err(|e| e.within(message.element))?;
            w.end(message.ns, message.element);
        }
        None => w.req(message.ns, message.element, body)?,
    }
    w.raw("</s:Body></s:Envelope>");
    Ok(w.into_string())
}

/// A SOAP 1.1 fault.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fault {
    /// `faultcode`, e.g. `s:Client` or `a:ActionNotSupported`.
    pub code: String,
    /// `faultstring`: the server's message.
    pub string: String,
    /// `faultactor`, when present.
    pub actor: Option<String>,
    /// The text content of `detail`, when present.
    pub detail: Option<String>,
    /// The `detail` element's content decoded, when it is a fault element the contract
    /// declares (`wsdl:fault`) and reads as its type; `None` otherwise (the text is in
    /// [`detail`](Self::detail) either way). [`typed_detail`](Self::typed_detail) reads it
    /// for this SDK's contract.
    pub typed: Option<TypedDetail>,
}

impl Fault {
    /// The typed detail as this SDK's [`FaultDetail`], when the service sent a declared fault
    /// element.
    pub fn typed_detail(&self) -> Option<&FaultDetail> {
        self.typed.as_ref().and_then(TypedDetail::get::<FaultDetail>)
    }
}

/// A fault's decoded detail: a value of a contract's generated `FaultDetail` enum (the
/// envelope reader serves any generated contract, so the value is held without naming its
/// type). Read it with [`get`](Self::get) or [`Fault::typed_detail`].
#[derive(Clone)]
pub struct TypedDetail(Arc<Held>);

/// The value with its comparison and formatting (one thin pointer keeps [`Fault`] small).
struct Held {
    value: Box<dyn Any + Send + Sync>,
    eq: fn(&TypedDetail, &TypedDetail) -> bool,
    debug: fn(&TypedDetail, &mut fmt::Formatter<'_>) -> fmt::Result,
}

impl TypedDetail {
    /// Holds `detail`.
    pub fn new<D: FaultDetails>(detail: D) -> Self {
        TypedDetail(Arc::new(Held {
            value: Box::new(detail),
            eq: |a, b| a.get::<D>().is_some_and(|x| b.get::<D>() == Some(x)),
            debug: |t, f| match t.get::<D>() {
                Some(d) => fmt::Debug::fmt(d, f),
                None => f.write_str("TypedDetail"),
            },
        }))
    }

    /// The detail, when it is a `D`.
    pub fn get<D: FaultDetails>(&self) -> Option<&D> {
        self.0.value.downcast_ref::<D>()
    }
}

impl fmt::Debug for TypedDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0.debug)(self, f)
    }
}

impl PartialEq for TypedDetail {
    fn eq(&self, other: &Self) -> bool {
        (self.0.eq)(self, other)
    }
}

/// Details compare by their values (`PartialEq` of the generated types, whose floating-point
/// members are the only ones that may not equal themselves).
impl Eq for TypedDetail {}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}: {}", self.code, self.string)
    }
}

/// What a response body held.
#[derive(Debug, Clone, PartialEq)]
pub enum Response<T> {
    /// The operation's result.
    Result(T),
    /// A SOAP fault.
    Fault(Fault),
}

/// Statistics of one parse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseStats {
    /// Elements the schema does not declare that were skipped.
    pub skipped: u64,
}

/// Reads a response envelope for operation `O`.
pub fn read_response<O: Operation>(
    body: &[u8],
    limits: Limits,
) -> Result<(Response<O::Response>, ParseStats), DecodeError> {
    read_message::<O::Response, O::Fault>(
        Reader::new(body, O::INFO.namespaces, limits)?,
        body,
        limits,
        &O::INFO,
        &O::INFO.output,
    )
}

/// The readers with every element read through quick-xml's events: the reference that the
/// reader's fast path for text-only elements is tested against. Not part of the API.
#[doc(hidden)]
pub mod reference {
    use super::*;

    /// [`read_response`](super::read_response) without the fast path.
    pub fn read_response<O: Operation>(
        body: &[u8],
        limits: Limits,
    ) -> Result<(Response<O::Response>, ParseStats), DecodeError> {
        let reader = Reader::new(body, O::INFO.namespaces, limits)?.quick_xml_only();
        read_message::<O::Response, O::Fault>(reader, body, limits, &O::INFO, &O::INFO.output)
    }

    /// [`read_request`](super::read_request) without the fast path.
    #[cfg(feature = "server-codec")]
    pub fn read_request<O: Operation>(body: &[u8], limits: Limits) -> Result<O::Request, DecodeError>
    where
        O::Request: MessageDecode,
    {
        request_from::<O>(
            Reader::new(body, O::INFO.namespaces, limits)?.quick_xml_only(),
            body,
            limits,
        )
    }
}

fn read_message<T: MessageDecode, D: FaultDetails>(
    mut r: Reader<'_>,
    body: &[u8],
    limits: Limits,
    info: &OperationInfo,
    message: &Wrapper,
) -> Result<(Response<T>, ParseStats), DecodeError> {
    let soap = info.soap_ns();
    let envelope = r.root()?;
    if envelope.ns != soap || envelope.local() != "Envelope" {
        return Err(DecodeError::new(DecodeErrorKind::NotEnvelope(
            envelope.local().to_owned(),
        )));
    }
    let mut out = None;
    let mut headers = T::Headers::default();
    let (mut seen_header, mut seen_body) = (false, false);
    while let Some(part) = r.child(&envelope)? {
        if part.ns == soap && part.local() == "Header" {
            if std::mem::replace(&mut seen_header, true) {
                return Err(envelope_error("the envelope holds two Header elements"));
            }
            // The message's header entries are read; any other entry is skipped and counted.
            while let Some(entry) = r.child(&part)? {
                if !T::decode_header(&mut headers, &mut r, &entry).map_err(|e| e.within("Header"))? {
                    r.unknown(&entry)?;
                }
            }
            continue;
        }
        if part.ns != soap || part.local() != "Body" {
            r.unknown(&part)?;
            continue;
        }
        if std::mem::replace(&mut seen_body, true) {
            return Err(envelope_error("the envelope holds two Body elements"));
        }
        while let Some(item) = r.child(&part)? {
            let is_fault = item.ns == soap && item.local() == "Fault";
            let is_result = item.ns == message.ns && item.local() == message.element;
            if !is_fault && !is_result {
                r.unknown(&item)?;
                continue;
            }
            // One message is one answer: a second result or fault beside the first is an error.
            if let Some(first) = &out {
                let first = match first {
                    Response::Result(_) => message.element,
                    Response::Fault(_) => "Fault",
                };
                let second = if is_fault { "Fault" } else { message.element };
                return Err(envelope_error(&if first == second {
                    format!("the body holds two {first} elements")
                } else {
                    format!("the body holds both {first} and {second}")
                }));
            }
            if is_fault {
                let mut fault = read_fault(&mut r, &item).map_err(|e| e.within("Fault"))?;
                if fault.detail.is_some() {
                    fault.typed = typed_detail::<D>(body, limits, info).map(TypedDetail::new);
                }
                out = Some(Response::Fault(fault));
            } else {
                let result = match message.child {
                    Some(child) => read_result::<T::Body>(&mut r, &item, child.ns, child.name),
                    None => T::Body::decode(&mut r, &item),
                }
                .map_err(|e| e.within(message.element))?;
                out = Some(Response::Result(result));
            }
        }
    }
    let stats = ParseStats { skipped: r.skipped() };
    match out {
        Some(Response::Result(body)) => Ok((Response::Result(T::assemble(headers, body)), stats)),
        Some(Response::Fault(f)) => Ok((Response::Fault(f), stats)),
        None => Err(envelope_error(&format!(
            "the body holds neither {} nor a Fault",
            message.element
        ))),
    }
}

fn envelope_error(m: &str) -> DecodeError {
    DecodeError::new(DecodeErrorKind::Envelope(m.to_owned()))
}

fn read_result<'i, T: Decode>(
    r: &mut Reader<'i>,
    wrapper: &Element<'i>,
    child_ns: Ns,
    child: &'static str,
) -> Result<T, DecodeError> {
    let mut result = None;
    while let Some(c) = r.child(wrapper)? {
        if c.ns == child_ns && c.local() == child {
            if result.is_some() {
                return Err(DecodeError::new(DecodeErrorKind::Duplicate).within(child));
            }
            if c.is_nil() {
                r.skip(&c)?;
                return Err(DecodeError::new(DecodeErrorKind::Missing(child)));
            }
            result = Some(T::decode(r, &c).map_err(|e| e.within(child))?);
        } else {
            r.unknown(&c)?;
        }
    }
    result.ok_or_else(|| DecodeError::new(DecodeErrorKind::Missing(child)))
}

/// The fault's detail decoded as a declared fault element, from a second reading of the
/// envelope (the first read the detail as text). Anything else, or content that does not read
/// as the declared type, is `None`: the detail stays text, never an error.
fn typed_detail<D: FaultDetails>(body: &[u8], limits: Limits, info: &OperationInfo) -> Option<D> {
    let soap = info.soap_ns();
    let mut r = Reader::new(body, info.namespaces, limits).ok()?;
    let envelope = r.root().ok()?;
    while let Some(part) = r.child(&envelope).ok()? {
        if part.ns != soap || part.local() != "Body" {
            r.skip(&part).ok()?;
            continue;
        }
        while let Some(item) = r.child(&part).ok()? {
            if item.ns != soap || item.local() != "Fault" {
                r.skip(&item).ok()?;
                continue;
            }
            while let Some(c) = r.child(&item).ok()? {
                if c.local() != "detail" {
                    r.skip(&c).ok()?;
                    continue;
                }
                while let Some(d) = r.child(&c).ok()? {
                    match D::decode_detail(&mut r, &d) {
                        Ok(Some(typed)) => return Some(typed),
                        Ok(None) => r.skip(&d).ok()?,
                        Err(_) => return None,
                    }
                }
                return None;
            }
            return None;
        }
    }
    None
}

fn read_fault<'i>(r: &mut Reader<'i>, fault: &Element<'i>) -> Result<Fault, DecodeError> {
    let mut out = Fault::default();
    let (mut code, mut string) = (None, None);
    while let Some(c) = r.child(fault)? {
        let name = c.local();
        let twice = || DecodeError::new(DecodeErrorKind::Duplicate).within(name.to_owned());
        match name {
            "faultcode" if code.is_some() => return Err(twice()),
            "faultstring" if string.is_some() => return Err(twice()),
            "faultactor" if out.actor.is_some() => return Err(twice()),
            "detail" if out.detail.is_some() => return Err(twice()),
            "faultcode" => code = Some(r.text(&c).map_err(|e| e.within("faultcode"))?.trim().to_owned()),
            "faultstring" => string = Some(r.text(&c).map_err(|e| e.within("faultstring"))?.into_owned()),
            "faultactor" => out.actor = Some(r.text(&c).map_err(|e| e.within("faultactor"))?.into_owned()),
            "detail" => out.detail = Some(r.inner_text(&c).map_err(|e| e.within("detail"))?),
            _ => r.unknown(&c)?,
        }
    }
    out.code = code.unwrap_or_default();
    out.string = string.unwrap_or_default();
    Ok(out)
}

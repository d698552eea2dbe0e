//! SOAP 1.1 envelopes: writing a request for an operation, reading its response or fault.

use std::fmt;

use crate::xml::{
    Decode, DecodeError, DecodeErrorKind, Element, EncodeError, Limits, Ns, Operation, OperationInfo, Reader, Wrapper,
    Writer,
};

pub use crate::xml::SOAP_ENV_NS;

/// Writes the request envelope for operation `O`.
///
/// Every schema namespace is declared once on the envelope (`n0`, `n1`, ...), `xsi` as `i`.
pub fn write_request<O: Operation>(request: &O::Request) -> Result<String, EncodeError> {
    write_message(&O::INFO, &O::INFO.input, request)
}

/// Writes a response envelope for operation `O` (what a server sends; for mock servers and
/// tests).
#[cfg(feature = "server-codec")]
pub fn write_response<O: Operation>(response: &O::Response) -> Result<String, EncodeError>
where
    O::Response: crate::xml::Encode,
{
    write_message(&O::INFO, &O::INFO.output, response)
}

/// Reads a request envelope for operation `O` (what a server receives; for mock servers and
/// tests). A fault in a request is reported as an envelope error.
#[cfg(feature = "server-codec")]
pub fn read_request<O: Operation>(body: &[u8], limits: Limits) -> Result<O::Request, DecodeError>
where
    O::Request: Decode,
{
    request_from::<O>(Reader::new(body, O::INFO.namespaces, limits)?)
}

#[cfg(feature = "server-codec")]
fn request_from<O: Operation>(reader: Reader<'_>) -> Result<O::Request, DecodeError>
where
    O::Request: Decode,
{
    match read_message::<O::Request>(reader, &O::INFO, &O::INFO.input)? {
        (Response::Result(r), _) => Ok(r),
        (Response::Fault(_), _) => Err(envelope_error("a request holds a Fault")),
    }
}

/// Writes a SOAP 1.1 fault envelope (for mock servers and tests).
pub fn write_fault(fault: &Fault) -> Result<String, EncodeError> {
    let mut w = Writer::with_capacity(512);
    open_envelope(&mut w, &[])?;
    w.raw("<s:Fault>");
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

fn open_envelope(w: &mut Writer, namespaces: &[&str]) -> Result<(), EncodeError> {
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
    w.raw("><s:Body>");
    Ok(())
}

fn write_message<T: crate::xml::Encode>(
    info: &OperationInfo,
    message: &Wrapper,
    body: &T,
) -> Result<String, EncodeError> {
    let mut w = Writer::with_capacity(2048);
    open_envelope(&mut w, info.schema_namespaces())?;
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
}

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
    read_message::<O::Response>(
        Reader::new(body, O::INFO.namespaces, limits)?,
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
        read_message::<O::Response>(reader, &O::INFO, &O::INFO.output)
    }

    /// [`read_request`](super::read_request) without the fast path.
    #[cfg(feature = "server-codec")]
    pub fn read_request<O: Operation>(body: &[u8], limits: Limits) -> Result<O::Request, DecodeError>
    where
        O::Request: Decode,
    {
        request_from::<O>(Reader::new(body, O::INFO.namespaces, limits)?.quick_xml_only())
    }
}

fn read_message<T: Decode>(
    mut r: Reader<'_>,
    info: &OperationInfo,
    message: &Wrapper,
) -> Result<(Response<T>, ParseStats), DecodeError> {
    let soap = info.soap_ns();
    let envelope = r.root()?;
    if envelope.ns != soap || envelope.local() != "Envelope" {
        return Err(envelope_error("the document is not a SOAP 1.1 envelope"));
    }
    let mut out = None;
    while let Some(part) = r.child(&envelope)? {
        if part.ns != soap || part.local() != "Body" {
            r.skip(&part)?; // Header: nothing in it is ours to read
            continue;
        }
        while let Some(item) = r.child(&part)? {
            if out.is_some() {
                r.unknown(&item)?;
            } else if item.ns == soap && item.local() == "Fault" {
                out = Some(Response::Fault(read_fault(&mut r, &item)?));
            } else if item.ns == message.ns && item.local() == message.element {
                let result = match message.child {
                    Some(child) => read_result::<T>(&mut r, &item, child.ns, child.name),
                    None => T::decode(&mut r, &item),
                }
                .map_err(|e| e.within(message.element))?;
                out = Some(Response::Result(result));
            } else {
                r.unknown(&item)?;
            }
        }
    }
    let stats = ParseStats { skipped: r.skipped() };
    match out {
        Some(o) => Ok((o, stats)),
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
        if c.ns == child_ns && c.local() == child && result.is_none() {
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

fn read_fault<'i>(r: &mut Reader<'i>, fault: &Element<'i>) -> Result<Fault, DecodeError> {
    let mut out = Fault::default();
    while let Some(c) = r.child(fault)? {
        match c.local() {
            "faultcode" => out.code = r.text(&c)?.trim().to_owned(),
            "faultstring" => out.string = r.text(&c)?.into_owned(),
            "faultactor" => out.actor = Some(r.text(&c)?.into_owned()),
            "detail" => out.detail = Some(r.inner_text(&c)?),
            _ => r.unknown(&c)?,
        }
    }
    Ok(out)
}

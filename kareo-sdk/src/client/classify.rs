//! Turning an HTTP response into the operation's response or a typed [`Error`], and keeping
//! credentials out of every text that goes into an error or a log line.

use std::borrow::Cow;

use super::transport::HttpResponse;
use crate::envelope::{self, Fault, Response};
use crate::error::{Error, SecurityFailure};
use crate::operations::THROTTLES;
use crate::xml::{DecodeError, DecodeErrorKind, Limits, Operation, OperationInfo, ServiceStatus, Status};

/// Longest body excerpt kept in an [`Error::Http`].
const EXCERPT_CHARS: usize = 300;

/// Replaces known secrets with `***` in texts that come from the server.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Secrets shorter than 3 characters are not scrubbed (they would mangle every text and
    /// reveal nothing by themselves).
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut list: Vec<String> = Vec::new();
        for secret in secrets.into_iter().filter(|s| s.chars().count() >= 3) {
            list.push(secret.to_owned());
            // As it appears in XML a server echoes (and in a logged raw body).
            let escaped = xml_escaped(secret);
            if escaped != secret {
                list.push(escaped);
            }
        }
        // Longest first, so that a secret containing another is replaced whole.
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        list.dedup();
        Redactor { secrets: list }
    }

    pub(crate) fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), "***"));
            }
        }
        out
    }

    /// Masks the end of a text that was cut short when it is the start of a secret (three
    /// characters or more), which would otherwise show a secret's first characters.
    fn mask_cut_tail(&self, text: &mut String) {
        for s in &self.secrets {
            let starts: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(3).collect();
            for &len in starts.iter().rev() {
                if text.ends_with(&s[..len]) {
                    text.truncate(text.len() - len);
                    text.push_str("***");
                    return;
                }
            }
        }
    }

    fn own(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }
}

/// What a body's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    /// Nothing but whitespace.
    Empty,
    /// An HTML page (a proxy's, a load balancer's, a login portal's).
    Html,
    /// Something else that does not start with markup: JSON, plain text, binary.
    NotMarkup,
    /// A document that starts like XML (it may still not be SOAP).
    Xml,
}

fn sniff(body: &[u8]) -> Sniffed {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    match body.iter().position(|b| !b.is_ascii_whitespace()) {
        None => Sniffed::Empty,
        Some(i) if body[i] != b'<' => Sniffed::NotMarkup,
        Some(_) if starts_with_html(body) => Sniffed::Html,
        Some(_) => Sniffed::Xml,
    }
}

/// `text` with XML's special characters escaped as a writer escapes them.
fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Reads `response` as operation `O`'s answer.
pub(crate) fn interpret<O: Operation>(
    response: &HttpResponse,
    limits: Limits,
    redactor: &Redactor,
) -> Result<O::Response, Error> {
    let operation = O::INFO.name;
    let status = response.status;
    let sniffed = sniff(&response.body);
    let content_type = || response.content_type.as_deref().map(|t| redactor.own(t));
    if !(200..300).contains(&status) {
        let mut fault_error = None;
        if sniffed == Sniffed::Xml {
            match envelope::read_response::<O>(&response.body, limits) {
                Ok((Response::Fault(fault), _)) => {
                    return Err(fault_error_of(&O::INFO, status, fault, response, redactor))
                }
                Ok((Response::Result(_), _)) => {
                    fault_error = Some(Box::new(DecodeError::new(DecodeErrorKind::Envelope(format!(
                        "a {} result with an error status",
                        O::INFO.output.element
                    )))))
                }
                Err(e) => fault_error = Some(Box::new(redact_decode(e, redactor))),
            }
        }
        let excerpt = excerpt(&response.body, redactor);
        if status == 429 || status == 503 {
            let message = if excerpt.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {excerpt}")
            };
            return Err(Error::Throttled {
                operation,
                status: Some(status),
                retry_after: response.retry_after,
                message,
            });
        }
        return Err(Error::Http {
            operation,
            status,
            content_type: content_type(),
            excerpt,
            fault_error,
        });
    }
    let not_soap = || Error::NotSoap {
        operation,
        status,
        content_type: content_type(),
        excerpt: excerpt(&response.body, redactor),
    };
    if sniffed != Sniffed::Xml {
        return Err(not_soap());
    }
    match envelope::read_response::<O>(&response.body, limits) {
        Ok((Response::Result(result), _)) => {
            check_status(&O::INFO, &result.status(), redactor)?;
            Ok(result)
        }
        Ok((Response::Fault(fault), _)) => Err(fault_error_of(&O::INFO, status, fault, response, redactor)),
        Err(error) if matches!(error.kind, DecodeErrorKind::NotEnvelope(_)) => Err(not_soap()),
        Err(error) => Err(Error::Decode {
            operation,
            truncated: is_truncated(&error, &response.body),
            error: redact_decode(error, redactor),
        }),
    }
}

fn fault_error_of(
    info: &OperationInfo,
    status: u16,
    fault: Fault,
    response: &HttpResponse,
    redactor: &Redactor,
) -> Error {
    let detail = fault.detail.as_ref().map(|d| redactor.own(d));
    // The typed detail cannot be redacted member by member: it is kept only when its text
    // holds nothing to redact.
    let typed = fault.typed.filter(|_| detail == fault.detail);
    let fault = Fault {
        code: redactor.own(&fault.code),
        string: redactor.own(&fault.string),
        actor: fault.actor.map(|a| redactor.own(&a)),
        detail,
        typed,
    };
    let busy = status == 429 || status == 503;
    let over_limit =
        THROTTLES.is_over_limit(&fault.string) || fault.detail.as_deref().is_some_and(|d| THROTTLES.is_over_limit(d));
    if busy || over_limit {
        let retry_after = if over_limit {
            THROTTLES.wait_after(info, &fault.string, response.retry_after)
        } else {
            response.retry_after
        };
        return Error::Throttled {
            operation: info.name,
            status: Some(status),
            retry_after,
            message: fault.string,
        };
    }
    Error::Fault {
        operation: info.name,
        status,
        fault,
    }
}

/// Service-level failures a response reports (where the overrides say it does): throttling,
/// a failed access check, the error flag.
fn check_status(info: &OperationInfo, status: &Status<'_>, redactor: &Redactor) -> Result<(), Error> {
    let operation = info.name;
    let is_error = status.error_flag == Some(true);
    for text in [status.error_message.filter(|_| is_error), status.access_message]
        .into_iter()
        .flatten()
    {
        if THROTTLES.is_over_limit(text) {
            return Err(Error::Throttled {
                operation,
                status: None,
                retry_after: THROTTLES.wait_after(info, text, None),
                message: redactor.own(text),
            });
        }
    }
    if let Some(reason) = status.denied() {
        return Err(Error::Security {
            operation,
            kind: SecurityFailure::from_reason(reason),
            message: status.access_message.filter(|m| !m.is_empty()).map(|m| redactor.own(m)),
            permissions_missing: status.missing_permissions.iter().map(|p| redactor.own(p)).collect(),
        });
    }
    if is_error {
        let message = match status.error_message {
            Some(m) if !m.is_empty() => redactor.own(m),
            _ => "IsError is set, without a message".to_owned(),
        };
        return Err(Error::Service {
            operation,
            message,
            stack_trace: status.error_detail.filter(|t| !t.is_empty()).map(|t| redactor.own(t)),
        });
    }
    Ok(())
}

/// Whether a body that failed to parse looks cut off: the document ended inside an element, or
/// the body does not end with a tag (a complete envelope always does).
fn is_truncated(error: &DecodeError, body: &[u8]) -> bool {
    if error.kind == DecodeErrorKind::UnexpectedEof {
        return true;
    }
    let end = body.iter().rposition(|b| !b.is_ascii_whitespace());
    matches!(error.kind, DecodeErrorKind::Malformed(_)) && end.is_some_and(|i| body[i] != b'>')
}

pub(crate) fn redact_decode(mut error: DecodeError, redactor: &Redactor) -> DecodeError {
    match &mut error.kind {
        DecodeErrorKind::Malformed(m) | DecodeErrorKind::Envelope(m) | DecodeErrorKind::NotEnvelope(m) => {
            *m = redactor.own(m)
        }
        _ => {}
    }
    for p in &mut error.path {
        *p = redactor.own(p);
    }
    error
}

fn starts_with_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// Most bytes of a body read for an excerpt.
const EXCERPT_SOURCE_BYTES: usize = 16 * 1024;

/// A short, readable excerpt of a body: tags removed, the five predefined entities and
/// character references decoded, whitespace collapsed, secrets masked, at most
/// [`EXCERPT_CHARS`] characters. Masking comes before cutting, and a cut that ends inside a
/// secret's first characters masks them too, so no part of a secret survives.
pub(crate) fn excerpt(body: &[u8], redactor: &Redactor) -> String {
    let head = &body[..body.len().min(EXCERPT_SOURCE_BYTES)];
    // Secrets are masked in the raw text first (as written and XML-escaped), so that removing
    // what looks like markup cannot leave part of one behind.
    let raw = String::from_utf8_lossy(head);
    let text = redactor.redact(&raw);
    if matches!(sniff(head), Sniffed::Empty | Sniffed::NotMarkup) {
        // Not markup (JSON, plain text): shown as it is, whitespace collapsed.
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        return cut_excerpt(
            redactor.redact(&collapsed).into_owned(),
            body.len() > EXCERPT_SOURCE_BYTES,
            redactor,
        );
    }
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_skipped = None::<&str>;
    let text: &str = &text;
    let lower = text.to_ascii_lowercase();
    let mut i = 0;
    let mut last_space = true;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if let Some(end) = in_skipped {
            match lower[i..].find(end) {
                Some(j) => {
                    i += j + end.len();
                    in_skipped = None;
                    continue;
                }
                None => break,
            }
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if in_tag {
            if c == '>' {
                in_tag = false;
            }
        } else if c == '<' {
            in_tag = true;
            if lower[i..].starts_with("<style") {
                in_skipped = Some("</style>");
            } else if lower[i..].starts_with("<script") {
                in_skipped = Some("</script>");
            }
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else if c.is_whitespace() || c.is_control() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
        i += c.len_utf8();
    }
    let decoded = decode_references(out.trim());
    let masked = redactor.redact(&decoded).into_owned();
    cut_excerpt(masked, body.len() > EXCERPT_SOURCE_BYTES, redactor)
}

/// `text` cut to [`EXCERPT_CHARS`], marked `…` when it was cut (or `source_cut`), its end
/// masked when it is the start of a secret.
fn cut_excerpt(text: String, source_cut: bool, redactor: &Redactor) -> String {
    let cut = source_cut || text.chars().count() > EXCERPT_CHARS;
    let mut shown: String = text.chars().take(EXCERPT_CHARS).collect();
    if cut {
        redactor.mask_cut_tail(&mut shown);
        shown.push('…');
    }
    shown
}

/// `text` with `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;` and character references decoded;
/// anything else (and references to control characters) is left as written.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => name.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(code).filter(|c| !c.is_control())?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_strips_html_and_collapses_space() {
        let body = b"<!DOCTYPE html><html><head><title>Service Unavailable</title><style>body{x:y}</style></head>\n<body>\n  <h1>HTTP Error 503.</h1>   The service is unavailable.</body></html>";
        assert_eq!(
            excerpt(body, &Redactor::default()),
            "Service Unavailable HTTP Error 503. The service is unavailable."
        );
    }

    #[test]
    fn excerpt_is_short() {
        let body = "x".repeat(10_000);
        let e = excerpt(body.as_bytes(), &Redactor::default());
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn excerpt_masks_before_cutting_and_masks_a_cut_secret() {
        let r = Redactor::new(["p&ss<w0rd-9", "Secret-Key-77"]);
        let html = b"<p>login p&amp;ss&lt;w0rd-9 failed &#x53;ecret-Key-77</p>";
        assert_eq!(excerpt(html, &r), "login *** failed ***");
        // A secret beyond the shown length is masked before the cut.
        let body = format!("{}Secret-Key-77", "x ".repeat(EXCERPT_CHARS / 2 - 3));
        assert!(excerpt(body.as_bytes(), &r).ends_with("x ***"));
        // The end of the bytes read for an excerpt falls inside the key: its first characters
        // are masked too.
        let body = format!("{} Secret-Key-77", "<a/>".repeat(EXCERPT_SOURCE_BYTES / 4 - 2));
        let e = excerpt(body.as_bytes(), &r);
        assert!(!e.contains("Sec"), "{e}");
        assert!(e.ends_with("***…"), "{e}");
    }

    #[test]
    fn redactor_replaces_secrets_longest_first() {
        let r = Redactor::new(["abc", "abcdef", "x"]);
        assert_eq!(r.redact("key abcdef, user abc, x"), "key ***, user ***, x");
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some("text/xml; charset=utf-8".into()),
            retry_after: None,
            body: bytes::Bytes::from(body.to_owned()),
        }
    }

    fn fault_body(text: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>\
             <faultcode>s:Server</faultcode><faultstring>{text}</faultstring></s:Fault></s:Body></s:Envelope>"
        )
    }

    fn result_body(inner: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
             <GetPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\"><GetPatientsResult>{inner}\
             </GetPatientsResult></GetPatientsResponse></s:Body></s:Envelope>"
        )
    }

    fn interpret_patients(r: &HttpResponse) -> Result<crate::types::GetPatientsResp, Error> {
        let redactor = Redactor::new(["s3cret-key"]);
        interpret::<crate::operations::GetPatients>(r, Limits::default(), &redactor)
    }

    #[test]
    fn a_fault_with_a_busy_status_is_throttling() {
        let err = interpret_patients(&response(503, &fault_body("Server Too Busy"))).unwrap_err();
        assert!(matches!(err, Error::Throttled { status: Some(503), .. }), "{err:?}");
        let err = interpret_patients(&response(500, &fault_body("boom s3cret-key"))).unwrap_err();
        match err {
            Error::Fault { fault, .. } => assert_eq!(fault.string, "boom ***"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_declared_fault_detail_reaches_the_error_unless_it_held_a_secret() {
        use crate::xml::fixtures::faults::operations::{FaultDetail, LookupOp};
        let body = |reason: &str| {
            format!(
                "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>\
                 <faultcode>s:Client</faultcode><faultstring>denied</faultstring><detail>\
                 <Denied xmlns=\"http://example.com/faults/\"><Reason>{reason}</Reason></Denied>\
                 </detail></s:Fault></s:Body></s:Envelope>"
            )
        };
        let redactor = Redactor::new(["s3cret-key"]);
        let fault =
            |reason: &str| match interpret::<LookupOp>(&response(500, &body(reason)), Limits::default(), &redactor) {
                Err(Error::Fault { fault, .. }) => fault,
                other => panic!("{other:?}"),
            };
        let f = fault("locked");
        let typed = f.typed.as_ref().and_then(|t| t.get::<FaultDetail>());
        assert!(
            matches!(typed, Some(FaultDetail::Denied(d)) if d.reason == "locked"),
            "{f:?}"
        );
        let f = fault("key s3cret-key");
        assert_eq!(f.detail.as_deref(), Some("key ***"));
        assert_eq!(f.typed, None, "a typed detail cannot be redacted: dropped");
    }

    #[test]
    fn security_flags_are_read_in_order() {
        let sec = |flags: &str| {
            result_body(&format!(
                "<ErrorResponse><IsError>true</IsError></ErrorResponse><SecurityResponse>{flags}</SecurityResponse>"
            ))
        };
        let kind = |flags: &str| match interpret_patients(&response(200, &sec(flags))) {
            Err(Error::Security { kind, .. }) => Some(kind),
            _ => None,
        };
        assert_eq!(
            kind("<Authenticated>false</Authenticated><CustomerKeyValid>false</CustomerKeyValid>"),
            Some(SecurityFailure::NotAuthenticated)
        );
        assert_eq!(
            kind("<Authenticated>true</Authenticated><CustomerKeyValid>false</CustomerKeyValid>"),
            Some(SecurityFailure::CustomerKeyInvalid)
        );
        assert_eq!(
            kind("<Authorized>false</Authorized>"),
            Some(SecurityFailure::NotAuthorized)
        );
        assert_eq!(
            kind("<SecurityResultSuccess>false</SecurityResultSuccess>"),
            Some(SecurityFailure::Other)
        );
        // No explicit false: the IsError is what failed.
        let err = interpret_patients(&response(200, &sec(""))).unwrap_err();
        assert!(matches!(err, Error::Service { .. }), "{err:?}");
        assert!(err.to_string().contains("without a message"));
    }

    #[test]
    fn a_plain_success_passes() {
        let ok = result_body("<ErrorResponse><IsError>false</IsError></ErrorResponse><Patients/>");
        let r = interpret_patients(&response(200, &ok)).expect("success");
        assert_eq!(r.patients.value().map(Vec::len), Some(0));
    }

    #[test]
    fn bodies_are_sniffed() {
        assert_eq!(sniff(b"  <s:Envelope/>"), Sniffed::Xml);
        assert_eq!(sniff(b"\xEF\xBB\xBF<s:Envelope/>"), Sniffed::Xml);
        assert_eq!(sniff(b"<html><body>oops</body></html>"), Sniffed::Html);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><!DOCTYPE html><html/>"), Sniffed::Html);
        assert_eq!(sniff(b"Bad gateway"), Sniffed::NotMarkup);
        assert_eq!(sniff(b"{\"error\": 1}"), Sniffed::NotMarkup);
        assert_eq!(sniff(b" \r\n"), Sniffed::Empty);
    }
}

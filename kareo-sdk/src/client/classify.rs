//! Turning an HTTP response into the operation's response or a typed [`Error`], and keeping
//! credentials out of every text that goes into an error or a log line.

use std::borrow::Cow;

use super::transport::HttpResponse;
use crate::envelope::{self, Fault, Response};
use crate::error::{Error, SecurityFailure};
use crate::xml::{DecodeError, DecodeErrorKind, Limits, Operation, ServiceStatus, Status};

/// The text Kareo's throttle messages carry.
const THROTTLE_PHRASE: &str = "requested more than allowed";

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
        let mut list: Vec<String> = secrets
            .into_iter()
            .filter(|s| s.chars().count() >= 3)
            .map(str::to_owned)
            .collect();
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

    fn own(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }
}

/// Reads `response` as operation `O`'s answer.
pub(crate) fn interpret<O: Operation>(
    response: &HttpResponse,
    limits: Limits,
    redactor: &Redactor,
) -> Result<O::Response, Error> {
    let operation = O::INFO.name;
    let status = response.status;
    if !(200..300).contains(&status) {
        if looks_like_xml(&response.body) {
            if let Ok((Response::Fault(fault), _)) = envelope::read_response::<O>(&response.body, limits) {
                return Err(fault_error(operation, status, fault, response, redactor));
            }
        }
        let excerpt = redactor.own(&excerpt(&response.body));
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
            excerpt,
        });
    }
    match envelope::read_response::<O>(&response.body, limits) {
        Ok((Response::Result(result), _)) => {
            check_status(operation, &result.status(), redactor)?;
            Ok(result)
        }
        Ok((Response::Fault(fault), _)) => Err(fault_error(operation, status, fault, response, redactor)),
        Err(error) => Err(Error::Decode {
            operation,
            truncated: is_truncated(&error, &response.body),
            error: redact_decode(error, redactor),
        }),
    }
}

fn fault_error(
    operation: &'static str,
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
    if busy || is_throttle(&fault.string) || fault.detail.as_deref().is_some_and(is_throttle) {
        return Error::Throttled {
            operation,
            status: Some(status),
            retry_after: response.retry_after,
            message: fault.string,
        };
    }
    Error::Fault {
        operation,
        status,
        fault,
    }
}

fn is_throttle(text: &str) -> bool {
    text.to_ascii_lowercase().contains(THROTTLE_PHRASE)
}

/// Service-level failures a response reports (where the overrides say it does): throttling,
/// a failed access check, the error flag.
fn check_status(operation: &'static str, status: &Status<'_>, redactor: &Redactor) -> Result<(), Error> {
    let is_error = status.error_flag == Some(true);
    for text in [status.error_message.filter(|_| is_error), status.access_message]
        .into_iter()
        .flatten()
    {
        if is_throttle(text) {
            return Err(Error::Throttled {
                operation,
                status: None,
                retry_after: None,
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

fn redact_decode(mut error: DecodeError, redactor: &Redactor) -> DecodeError {
    match &mut error.kind {
        DecodeErrorKind::Malformed(m) | DecodeErrorKind::Envelope(m) => *m = redactor.own(m),
        _ => {}
    }
    for p in &mut error.path {
        *p = redactor.own(p);
    }
    error
}

fn looks_like_xml(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    start.is_some_and(|i| body[i] == b'<') && !starts_with_html(body)
}

fn starts_with_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(512)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// A short, readable excerpt of a body: tags removed, whitespace collapsed, at most
/// [`EXCERPT_CHARS`] characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(16 * 1024)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_skipped = None::<&str>;
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
        } else if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
        i += c.len_utf8();
        if out.chars().count() > EXCERPT_CHARS {
            break;
        }
    }
    let trimmed = out.trim();
    if trimmed.chars().count() > EXCERPT_CHARS {
        let cut: String = trimmed.chars().take(EXCERPT_CHARS).collect();
        format!("{cut}…")
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_strips_html_and_collapses_space() {
        let body = b"<!DOCTYPE html><html><head><title>Service Unavailable</title><style>body{x:y}</style></head>\n<body>\n  <h1>HTTP Error 503.</h1>   The service is unavailable.</body></html>";
        assert_eq!(
            excerpt(body),
            "Service Unavailable HTTP Error 503. The service is unavailable."
        );
    }

    #[test]
    fn excerpt_is_short() {
        let body = "x".repeat(10_000);
        let e = excerpt(body.as_bytes());
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
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
    fn html_is_not_xml() {
        assert!(looks_like_xml(b"  <s:Envelope/>"));
        assert!(!looks_like_xml(b"<html><body>oops</body></html>"));
        assert!(!looks_like_xml(b"Bad gateway"));
    }
}

//! The one error type of the client: every way a call can fail, told apart.
//!
//! Texts that come from the server (fault strings, error messages, HTTP bodies) are stored with
//! the call's credentials replaced by `***`, so neither `Display` nor `Debug` of an [`Error`]
//! can show a customer key, user name or password.

use std::fmt;
use std::time::Duration;

use crate::envelope::Fault;
use crate::xml::{DecodeError, EncodeError};

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP exchange itself failed: connecting, TLS, a timeout, a connection closed early.
    #[error("{operation}: {kind}: {message}")]
    Transport {
        /// Operation name.
        operation: &'static str,
        /// Which part of the exchange failed.
        kind: TransportErrorKind,
        /// What the HTTP stack reported (without the URL).
        message: String,
    },

    /// The server answered with an HTTP error status and no readable SOAP fault.
    #[error(
        "{operation}: HTTP {status}{}{}: {}",
        content_type_suffix(content_type),
        fault_error.as_ref().map(|e| format!(", not a readable SOAP fault ({e})")).unwrap_or_default(),
        body_text(excerpt)
    )]
    Http {
        /// Operation name.
        operation: &'static str,
        /// HTTP status code.
        status: u16,
        /// The `Content-Type` the server declared, if any.
        content_type: Option<String>,
        /// The start of the body, as text (tags of an HTML page removed), at most a few hundred
        /// characters.
        excerpt: String,
        /// Why the body, which looked like XML, could not be read as a SOAP fault.
        fault_error: Option<Box<DecodeError>>,
    },

    /// The server answered a success status with a body that is not a SOAP envelope: empty,
    /// an HTML page (a proxy's or a login portal's), JSON, or XML of another kind.
    #[error(
        "{operation}: HTTP {status}{}: the body is not a SOAP envelope: {}",
        content_type_suffix(content_type),
        body_text(excerpt)
    )]
    NotSoap {
        /// Operation name.
        operation: &'static str,
        /// HTTP status code.
        status: u16,
        /// The `Content-Type` the server declared, if any.
        content_type: Option<String>,
        /// The start of the body, as text (tags removed), at most a few hundred characters.
        excerpt: String,
    },

    /// The server answered with a SOAP fault.
    #[error("{operation}: SOAP fault {}: {}", fault.code, fault.string)]
    Fault {
        /// Operation name.
        operation: &'static str,
        /// HTTP status code (500 for WCF faults).
        status: u16,
        /// The fault.
        fault: Fault,
    },

    /// The call reached Kareo, which answered `ErrorResponse/IsError = true`.
    #[error("{operation}: Kareo reported an error: {message}")]
    Service {
        /// Operation name.
        operation: &'static str,
        /// `ErrorResponse/ErrorMessage`.
        message: String,
        /// `ErrorResponse/StackTrace`, when the service sent one (not shown by `Display`).
        stack_trace: Option<String>,
    },

    /// Kareo's security check failed (`SecurityResponse`).
    #[error(
        "{operation}: Kareo security check failed: {kind}{}{}",
        message_suffix(message),
        permissions_suffix(permissions_missing)
    )]
    Security {
        /// Operation name.
        operation: &'static str,
        /// Which check failed.
        kind: SecurityFailure,
        /// `SecurityResponse/SecurityResult`, when present.
        message: Option<String>,
        /// `SecurityResponse/PermissionsMissing`: the permissions the user lacks.
        permissions_missing: Vec<String>,
    },

    /// Kareo (or a proxy before it) refused the call for now: the service's "endpoint requested
    /// more than allowed" message, HTTP 429 or HTTP 503.
    ///
    /// Reads are retried after [`retry_after`](Error::retry_after) (see
    /// [`RetryPolicy`](crate::client::RetryPolicy)); a throttled write is resent only with
    /// [`RetryPolicy::retry_throttled_writes`](crate::client::RetryPolicy::retry_throttled_writes).
    #[error("{operation}: throttled: {message}{}", wait_suffix(retry_after))]
    Throttled {
        /// Operation name.
        operation: &'static str,
        /// HTTP status, when the throttle came as an HTTP status (429, 503) or fault.
        status: Option<u16>,
        /// How long to wait before calling the operation again: the server's `Retry-After`;
        /// for the service's over-limit message, the interval it states (or the published
        /// one, [`OperationInfo::published_interval`](crate::xml::OperationInfo)) plus the
        /// table's margin ([`THROTTLES`](crate::operations::THROTTLES)).
        retry_after: Option<Duration>,
        /// The server's message.
        message: String,
    },

    /// The response could not be read as this operation's response.
    #[error("{operation}: cannot read the response{}: {error}", if *truncated { " (it ends early)" } else { "" })]
    Decode {
        /// Operation name.
        operation: &'static str,
        /// What is wrong, with the element path.
        error: DecodeError,
        /// The body ends before its document does (a cut transfer, not a bad document).
        truncated: bool,
    },

    /// A streamed list failed after records were handed out ([`ListStream`](crate::client::ListStream)),
    /// for example a transfer cut by the network. It is not retried: the records delivered may
    /// already have been used. [`KareoClient::export`](crate::client::KareoClient::export)'s
    /// cursor resumes after the last record delivered.
    #[error("{operation}: the list stream failed after {delivered} records, reading {record}: {error}")]
    StreamInterrupted {
        /// Operation name.
        operation: &'static str,
        /// How many records were delivered before the failure.
        delivered: u64,
        /// The record being read when it failed: its element path and position in its page
        /// (`GetAllPatientsResponse/GetAllPatientsResult/Patients/PatientBatchData[1001] of
        /// the page at key 2001`).
        record: String,
        /// What failed.
        error: Box<Error>,
    },

    /// A paged list's keys do not lead on: a next key that names a page already read (an
    /// endless loop if followed), a key that is not of the operation's key type, or a
    /// resumed page that no longer holds the records the cursor saw.
    #[error("{operation}: paging at key `{key}`: {message}")]
    Paging {
        /// Operation name.
        operation: &'static str,
        /// The key concerned.
        key: String,
        /// What is wrong.
        message: String,
    },

    /// One window of an export's date range
    /// ([`KareoClient::export`](crate::client::KareoClient::export)) failed; the export ended
    /// there. Not retried as a whole: each call was already retried as its policy allows, and
    /// [`Export::cursor`](crate::client::Export::cursor) says where to resume.
    #[error(
        "{operation}: window {index} of {windows} ({from}..={to}) failed, after {records_before} records \
         from the windows before it: {error}"
    )]
    Window {
        /// Operation name.
        operation: &'static str,
        /// The window's first day.
        from: chrono::NaiveDate,
        /// The window's last day.
        to: chrono::NaiveDate,
        /// Its position, from 1.
        index: usize,
        /// How many windows the range has.
        windows: usize,
        /// Records the windows before it brought.
        records_before: usize,
        /// What failed.
        error: Box<Error>,
    },

    /// The response body is larger than the configured limit.
    #[error(
        "{operation}: the response is larger than the limit of {limit} bytes (a list result can be \
         read record by record in constant memory with KareoClient::stream)"
    )]
    ResponseTooLarge {
        /// Operation name.
        operation: &'static str,
        /// The limit ([`ClientBuilder::max_response_bytes`](crate::client::ClientBuilder::max_response_bytes)).
        limit: usize,
    },

    /// The request cannot be sent as it is (nothing was sent).
    #[error("{operation}: invalid input: {message}")]
    InvalidInput {
        /// Operation name.
        operation: &'static str,
        /// What is wrong, with the element path.
        message: String,
    },

    /// The request declares a range that ends before it starts (nothing was sent): an
    /// appointment whose `EndTime` is before its `StartTime`, a filter whose `ToPostingDate` is
    /// before its `FromPostingDate`, and every other pair the overrides declare
    /// (`wsdl/overrides.toml`, `[ranges]`). `error.kind` is an
    /// [`EncodeErrorKind::RangeEndsBeforeStart`](crate::xml::EncodeErrorKind::RangeEndsBeforeStart)
    /// naming both members and quoting both values; `error.path` leads to the element holding
    /// them. An end equal to its start is sent.
    #[error("{operation}: invalid input: {error}")]
    InvalidRange {
        /// Operation name.
        operation: &'static str,
        /// The refusal, with the element path.
        error: EncodeError,
    },

    /// A string member holds text that is not a value of the kind the overrides declare for it
    /// (a generated accessor such as
    /// [`ChargeData::posting_date_value`](crate::types::ChargeData::posting_date_value) failed),
    /// so that `charge.posting_date_value()?` works in a function returning [`Error`].
    ///
    /// The message names the member, the kind and the forms read, and quotes at most
    /// [`InvalidValue::MAX_TEXT`](crate::values::InvalidValue::MAX_TEXT) characters of the
    /// text: these members are data (dates, money, flags), never credentials, which the
    /// accessors do not read. The call itself succeeded; the record keeps the whole string.
    /// (Boxed, so that every `Result<_, Error>` stays small.)
    #[error("{0}")]
    InvalidValue(Box<crate::values::InvalidValue>),

    /// The client cannot be built: a missing environment variable, an invalid endpoint or
    /// setting.
    #[error("client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

fn wait_suffix(wait: &Option<Duration>) -> String {
    match wait {
        Some(w) => format!(" (wait {} ms before calling it again)", w.as_millis()),
        None => String::new(),
    }
}

fn content_type_suffix(content_type: &Option<String>) -> String {
    match content_type {
        Some(t) => format!(" ({t})"),
        None => " (no content type)".to_owned(),
    }
}

fn body_text(excerpt: &str) -> &str {
    if excerpt.is_empty() {
        "the body is empty"
    } else {
        excerpt
    }
}

fn message_suffix(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(" ({m})"),
        _ => String::new(),
    }
}

fn permissions_suffix(missing: &[String]) -> String {
    if missing.is_empty() {
        String::new()
    } else {
        format!("; permissions missing: {}", missing.join(", "))
    }
}

impl From<crate::values::InvalidValue> for Error {
    /// [`Error::InvalidValue`]: a typed accessor's error, for `?` in a function returning
    /// [`Error`].
    fn from(e: crate::values::InvalidValue) -> Self {
        Error::InvalidValue(Box::new(e))
    }
}

/// Which part of an HTTP exchange failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was established (refused, DNS, unreachable, connect timeout). Nothing was
    /// sent.
    Connect,
    /// The TLS handshake failed (certificate, protocol). No request byte was sent.
    Tls,
    /// The request timed out after the connection was made: the server may have received it.
    Timeout,
    /// The connection was closed or reset during the exchange: the server may have received
    /// the request.
    Connection,
    /// The response body exceeded the configured size limit.
    BodyTooLarge,
    /// Anything else the HTTP stack reported.
    Other,
}

impl TransportErrorKind {
    /// Whether a request that failed this way can have reached the server.
    pub fn may_have_reached_server(self) -> bool {
        !matches!(self, TransportErrorKind::Connect | TransportErrorKind::Tls)
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "cannot connect",
            TransportErrorKind::Tls => "TLS handshake failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Connection => "connection closed",
            TransportErrorKind::BodyTooLarge => "response too large",
            TransportErrorKind::Other => "transport error",
        })
    }
}

/// Which of Kareo's security checks failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityFailure {
    /// `Authenticated = false`: the user name or password is wrong.
    NotAuthenticated,
    /// `CustomerKeyValid = false`: the customer key is wrong.
    CustomerKeyInvalid,
    /// `Authorized = false`: the user may not perform this operation (see
    /// `permissions_missing`).
    NotAuthorized,
    /// `SecurityResultSuccess = false` with no more specific flag.
    Other,
}

impl SecurityFailure {
    /// The failure an access check names in `wsdl/overrides.toml` (`[status] access_checks`).
    pub(crate) fn from_reason(reason: &str) -> SecurityFailure {
        match reason {
            "not_authenticated" => SecurityFailure::NotAuthenticated,
            "customer_key_invalid" => SecurityFailure::CustomerKeyInvalid,
            "not_authorized" => SecurityFailure::NotAuthorized,
            _ => SecurityFailure::Other,
        }
    }
}

impl fmt::Display for SecurityFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecurityFailure::NotAuthenticated => "not authenticated",
            SecurityFailure::CustomerKeyInvalid => "customer key invalid",
            SecurityFailure::NotAuthorized => "not authorized",
            SecurityFailure::Other => "security check not passed",
        })
    }
}

impl Error {
    /// Whether trying the same call again later may succeed: connection problems, timeouts,
    /// throttling, HTTP 408/500/502/504, a truncated response (a document that is merely
    /// invalid is not retried). Whether the client actually
    /// retries also depends on the operation (see [`RetryPolicy`](crate::client::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => matches!(
                kind,
                TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Connection
            ),
            Error::Http { status, .. } => matches!(status, 408 | 500 | 502 | 504),
            // A success status with a page instead of an envelope: a portal or a misrouted
            // endpoint, which answers the same way again.
            Error::NotSoap { .. } => false,
            Error::Throttled { .. } => true,
            Error::StreamInterrupted { .. } | Error::Window { .. } | Error::Paging { .. } => false,
            Error::Decode { truncated, .. } => *truncated,
            Error::Fault { .. }
            | Error::Service { .. }
            | Error::Security { .. }
            | Error::ResponseTooLarge { .. }
            | Error::InvalidInput { .. }
            | Error::InvalidRange { .. }
            | Error::InvalidValue(_)
            | Error::Config { .. } => false,
        }
    }

    /// Whether the request can have reached the server. `false` only when it provably did not:
    /// no connection, a failed TLS handshake, invalid input, a configuration error.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => kind.may_have_reached_server(),
            Error::InvalidInput { .. } | Error::InvalidRange { .. } | Error::Config { .. } => false,
            _ => true,
        }
    }

    /// The operation the error belongs to (`None` for configuration errors and for a string
    /// member's invalid value, which is read after the call).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Transport { operation, .. }
            | Error::Http { operation, .. }
            | Error::NotSoap { operation, .. }
            | Error::Fault { operation, .. }
            | Error::Service { operation, .. }
            | Error::Security { operation, .. }
            | Error::Throttled { operation, .. }
            | Error::Decode { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::StreamInterrupted { operation, .. }
            | Error::Paging { operation, .. }
            | Error::Window { operation, .. }
            | Error::InvalidInput { operation, .. }
            | Error::InvalidRange { operation, .. } => Some(operation),
            Error::InvalidValue(_) | Error::Config { .. } => None,
        }
    }

    /// The server's `Retry-After`, for throttling errors that carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Throttled { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    /// A request that cannot be written: a declared range that ends before it starts is
    /// [`Error::InvalidRange`], anything else [`Error::InvalidInput`].
    pub(crate) fn encode(operation: &'static str, e: EncodeError) -> Self {
        match e.kind {
            crate::xml::EncodeErrorKind::RangeEndsBeforeStart { .. } => Error::InvalidRange { operation, error: e },
            _ => Error::InvalidInput {
                operation,
                message: e.to_string(),
            },
        }
    }
}

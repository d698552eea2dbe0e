//! The async client: one typed method per Kareo operation.
//!
//! ```no_run
//! # async fn run() -> Result<(), kareo_sdk::Error> {
//! use kareo_sdk::client::KareoClient;
//! use kareo_sdk::types::{GetPatientsReq, PatientFilter};
//!
//! // KAREO_CUSTOMER_KEY, KAREO_USER, KAREO_PASSWORD (and optionally KAREO_ENDPOINT).
//! let client = KareoClient::from_env()?;
//! let request = GetPatientsReq::new().filter(PatientFilter::new().last_name("Example"));
//! let response = client.get_patients(request).await?;
//! for patient in response.patients.value().into_iter().flatten() {
//!     // `id_value()` is a kareo_sdk::ids::PatientId, whatever form the member has on the wire.
//!     println!("{:?} {:?}", patient.id_value()?, patient.last_name.value());
//! }
//! # Ok(()) }
//! ```
//!
//! The client fills each request's `RequestHeader` with its credentials (unless the caller set
//! one), sends it with the operation's SOAPAction, retries what is safe to retry
//! ([`RetryPolicy`]), and turns every failure into an [`Error`]: transport, HTTP status, SOAP
//! fault, Kareo's `IsError`, a failed security check, throttling, a response it cannot read.
//!
//! Each call runs in a `kareo.call` span (operation) and each attempt in a `kareo.attempt` span
//! (attempt, HTTP status, duration, response size). Bodies are logged only with
//! [`ClientBuilder::log_bodies`], and then with the request header's values masked.

mod classify;
mod config;
mod export;
mod rate_limit;
mod retry;
mod stream;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::field::Empty;
use tracing::Instrument;

pub use config::{
    ClientBuilder, Config, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_RESPONSE_HEAD_TIMEOUT, ENV_CUSTOMER_KEY, ENV_ENDPOINT, ENV_PASSWORD, ENV_USER,
};
pub use export::{split_range, CursorParseError, Export, ExportCursor, ExportProgress, ExportRange, Window};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use stream::{ListStream, PagePosition};
pub use transport::{
    BodyStream, BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, StreamingResponse, Transport, TransportError,
    CONTENT_TYPE,
};

use crate::envelope;
use crate::error::{Error, TransportErrorKind};
use crate::xml::{Credentialed, Operation, OperationInfo, ThrottleReport};
use classify::Redactor;
use rate_limit::Limiter;
use retry::Jitter;

/// Longest body logged with [`ClientBuilder::log_bodies`].
const MAX_LOGGED_BODY: usize = 64 * 1024;

/// A Kareo API client. Cheap to clone: clones share the connection pool and rate limits.
///
/// `Debug` masks the credentials.
#[derive(Clone)]
pub struct KareoClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    transport: Arc<dyn Transport>,
    values: config::RequestValues,
    limiter: Limiter,
}

impl fmt::Debug for KareoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KareoClient")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl KareoClient {
    /// A client with default settings (see [`ClientBuilder::new`]).
    pub fn new(credentials: Credentials) -> Result<Self, Error> {
        ClientBuilder::new(credentials).build()
    }

    /// A builder for a client with other settings.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new(credentials)
    }

    /// A client from `KAREO_CUSTOMER_KEY`, `KAREO_USER`, `KAREO_PASSWORD` and, when set,
    /// `KAREO_ENDPOINT`. A missing variable is an [`Error::Config`] naming it.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_config(config: Config) -> Result<Self, Error> {
        let transport: Arc<dyn Transport> = match &config.transport {
            Some(t) => Arc::clone(t),
            None => Arc::new(
                ReqwestTransport::with_gzip(config.connect_timeout, config.gzip)
                    .map_err(|e| Error::config(format!("cannot create the HTTP client: {}", e.message)))?,
            ),
        };
        let values = config::RequestValues {
            credentials: config.credentials.clone(),
            client_version: config.client_version.clone(),
        };
        Ok(KareoClient {
            inner: Arc::new(Inner {
                config,
                transport,
                values,
                limiter: Limiter::default(),
            }),
        })
    }

    /// The client's settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Calls operation `O` (a marker type from [`operations`](crate::operations)); what the
    /// per-operation methods do.
    ///
    /// Fills every credential member of the request that the caller left unset (the members
    /// `wsdl/overrides.toml` declares, such as `RequestHeader`'s, created when unset) with the
    /// client's credentials. Values the caller set are sent as set, and kept out of errors too.
    ///
    /// A list result's placeholder records are dropped (unless
    /// [turned off](ClientBuilder::drop_placeholders)); [`call_with_report`](Self::call_with_report)
    /// says how many.
    pub async fn call<O: Operation>(&self, request: O::Request) -> Result<O::Response, Error> {
        self.call_with_report::<O>(request).await.map(|(response, _)| response)
    }

    /// Calls operation `O` like [`call`](Self::call), and reports what the client did on the
    /// way: attempts, time spent waiting for the rate limit, placeholder records dropped.
    pub async fn call_with_report<O: Operation>(
        &self,
        mut request: O::Request,
    ) -> Result<(O::Response, CallReport), Error> {
        let info = O::INFO;
        let span = tracing::info_span!(
            "kareo.call",
            operation = info.name,
            read_only = info.read_only,
            attempts = Empty,
            duration_ms = Empty,
        );
        let started = Instant::now();
        let mut report = CallReport::default();
        let result = async {
            let (body, redactor) = self.prepare::<O>(&mut request)?;
            let mut response = self
                .with_retries(&O::INFO, &mut report, |_| self.attempt::<O>(body.clone(), &redactor))
                .await?;
            if self.inner.config.drop_placeholders {
                report.placeholders_dropped = O::remove_placeholders(&mut response);
                if report.placeholders_dropped > 0 {
                    tracing::debug!(dropped = report.placeholders_dropped, "placeholder records dropped");
                }
            }
            Ok(response)
        }
        .instrument(span.clone())
        .await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result.map(|response| (response, report))
    }

    /// The rate limit that applies to operation `name` now: an explicit setting, else the
    /// interval the service last reported ([`refresh_rate_limits`](Self::refresh_rate_limits))
    /// plus the margin, else the published one plus the margin ([`Config::rate_limit_for`]).
    pub fn rate_limit(&self, name: &str) -> Option<RateLimit> {
        let config = &self.inner.config;
        config
            .explicit_rate_limit(name)
            .or_else(|| {
                self.inner
                    .limiter
                    .reported(name)
                    .and_then(|i| config.limit_of_interval(i))
            })
            .or_else(|| config.published_limit(name))
    }

    /// Replaces the published limits with the account's current ones as operation `O`
    /// reports them (`GetThrottles` in the June 2025 contract; the generated
    /// `refresh_throttles` method calls it). Explicit settings still win; operations the report
    /// does not name keep the published limit. Returns the limits it read, by operation.
    ///
    /// A report names operations as the service spells them; names that match no operation
    /// of the contract are skipped (logged at debug level).
    pub async fn refresh_rate_limits<O: ThrottleReport>(&self) -> Result<Vec<(&'static str, Duration)>, Error>
    where
        O::Request: Default,
    {
        let mut response = self.call::<O>(O::Request::default()).await?;
        let mut intervals = std::collections::HashMap::new();
        for item in O::take_items(&mut response) {
            let Some((endpoint, interval)) = O::limit(&item) else {
                continue;
            };
            let known = crate::operations::OPERATIONS
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(endpoint.trim()));
            match known {
                Some(info) => {
                    intervals.insert(info.name, interval);
                }
                None => tracing::debug!(endpoint, "limit reported for an operation this contract lacks"),
            }
        }
        let mut read: Vec<(&'static str, Duration)> = intervals.iter().map(|(k, v)| (*k, *v)).collect();
        read.sort_unstable();
        self.inner.limiter.set_reported(intervals);
        Ok(read)
    }

    /// Fills the request's unset credentials and writes its envelope; the redactor masks
    /// every credential it holds (the client's and any the caller set).
    fn prepare<O: Operation>(&self, request: &mut O::Request) -> Result<(bytes::Bytes, Redactor), Error> {
        let mut secrets: Vec<String> = self.inner.config.credentials.secrets().map(str::to_owned).into();
        request.visit_credentials(&mut |_, secret, value| {
            if secret {
                secrets.push(value.to_owned());
            }
        });
        request.fill_credentials(&self.inner.values);
        let redactor = Redactor::new(secrets.iter().map(String::as_str));
        let body = envelope::write_request::<O>(request).map_err(|e| Error::encode(O::INFO.name, e))?;
        if self.inner.config.log_bodies {
            log_request_body::<O>(request, &redactor);
        }
        Ok((bytes::Bytes::from(body), redactor))
    }

    /// Runs `attempt` until it succeeds, fails in a way that must not be retried, or the
    /// retry policy is spent; each attempt waits for the operation's rate limit first.
    pub(crate) async fn with_retries<T, F, Fut>(
        &self,
        info: &OperationInfo,
        report: &mut CallReport,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let config = &self.inner.config;
        let policy = &config.retry;
        let mut jitter: Option<Jitter> = None;
        let mut n = 1u32;
        loop {
            report.attempts = n;
            report.rate_limit_wait += self.wait_for_rate_limit(info.name).await;
            let span = tracing::debug_span!(
                "kareo.attempt",
                operation = info.name,
                attempt = n,
                status = Empty,
                duration_ms = Empty,
                response_bytes = Empty,
            );
            let error = match attempt(n).instrument(span).await {
                Ok(response) => {
                    tracing::Span::current().record("attempts", n);
                    return Ok(response);
                }
                Err(e) => e,
            };
            if !policy.should_retry(info.read_only, &error, n) {
                tracing::Span::current().record("attempts", n);
                if n > 1 || error.is_retryable() {
                    tracing::debug!(attempt = n, error = %error, "giving up");
                }
                return Err(error);
            }
            if let (
                Error::Throttled {
                    retry_after: Some(wait),
                    ..
                },
                Some(limit),
            ) = (&error, self.rate_limit(info.name))
            {
                self.inner.limiter.hold(info.name, &limit, *wait);
            }
            if matches!(error, Error::Throttled { .. }) {
                report.throttled += 1;
            }
            let jitter = jitter.get_or_insert_with(Jitter::new);
            let wait = policy.delay(n, error.retry_after(), jitter);
            tracing::warn!(
                attempt = n,
                wait_ms = wait.as_millis() as u64,
                error = %error,
                "attempt failed; retrying"
            );
            tokio::time::sleep(wait).await;
            n += 1;
        }
    }

    /// Waits for a slot under the operation's rate limit; returns how long it waited.
    async fn wait_for_rate_limit(&self, operation: &'static str) -> Duration {
        let Some(limit) = self.rate_limit(operation) else {
            return Duration::ZERO;
        };
        let wait = self.inner.limiter.reserve(operation, &limit);
        if !wait.is_zero() {
            tracing::debug!(wait_ms = wait.as_millis() as u64, "rate limit: waiting for a slot");
            tokio::time::sleep(wait).await;
        }
        wait
    }

    async fn attempt<O: Operation>(&self, body: bytes::Bytes, redactor: &Redactor) -> Result<O::Response, Error> {
        let info = O::INFO;
        let config = &self.inner.config;
        let span = tracing::Span::current();
        let request = HttpRequest {
            url: config.endpoint.clone(),
            soap_action: format!("\"{}\"", info.soap_action),
            body,
            timeout: config.request_timeout,
            head_timeout: config.response_head_timeout.min(config.request_timeout),
            max_response_bytes: config.max_response_bytes,
        };
        let started = Instant::now();
        let sent = tokio::time::timeout(config.request_timeout, self.inner.transport.send(request)).await;
        let elapsed = started.elapsed();
        span.record("duration_ms", elapsed.as_millis() as u64);
        let response = match sent {
            Err(_) => Err(transport_error(
                info.name,
                TransportErrorKind::Timeout,
                format!("no complete response within {}", fmt_duration(config.request_timeout)),
            )),
            Ok(Err(e)) if e.kind == TransportErrorKind::BodyTooLarge => Err(Error::ResponseTooLarge {
                operation: info.name,
                limit: config.max_response_bytes,
            }),
            Ok(Err(e)) => Err(transport_error(
                info.name,
                e.kind,
                redactor.redact(&e.message).into_owned(),
            )),
            // A custom transport may not enforce the limit itself.
            Ok(Ok(r)) if r.body.len() > config.max_response_bytes => Err(Error::ResponseTooLarge {
                operation: info.name,
                limit: config.max_response_bytes,
            }),
            Ok(Ok(r)) => Ok(r),
        };
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(error = %e, "no response");
                return Err(e);
            }
        };
        span.record("status", response.status);
        span.record("response_bytes", response.body.len() as u64);
        if config.log_bodies {
            log_body("response body", &response.body, redactor);
        }
        let result = classify::interpret::<O>(&response, config.parse_limits(), redactor);
        match &result {
            Ok(_) => tracing::debug!(status = response.status, "call succeeded"),
            Err(e) => tracing::debug!(status = response.status, error = %e, "call failed"),
        }
        result
    }
}

/// What the client did for one call, besides sending it: see
/// [`KareoClient::call_with_report`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallReport {
    /// Attempts made (1 without retries).
    pub attempts: u32,
    /// Time spent waiting for the operation's rate limit, over all attempts (backoff between
    /// attempts not included).
    pub rate_limit_wait: Duration,
    /// Placeholder records removed from a list result
    /// ([`ListOperation::is_placeholder`](crate::xml::ListOperation::is_placeholder)).
    pub placeholders_dropped: usize,
    /// Over-limit answers waited out and retried ([`Error::Throttled`]).
    pub throttled: u32,
}

impl CallReport {
    /// Adds another call's counts (placeholders aside) to these.
    pub(crate) fn add(&mut self, other: &CallReport) {
        self.attempts += other.attempts;
        self.rate_limit_wait += other.rate_limit_wait;
        self.throttled += other.throttled;
    }
}

fn transport_error(operation: &'static str, kind: TransportErrorKind, message: String) -> Error {
    Error::Transport {
        operation,
        kind,
        message,
    }
}

fn fmt_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Logs the request envelope with every secret value replaced by `***`.
fn log_request_body<O: Operation>(request: &O::Request, redactor: &Redactor) {
    let mut masked = request.clone();
    masked.mask_secrets();
    if let Ok(body) = envelope::write_request::<O>(&masked) {
        log_body("request body", body.as_bytes(), redactor);
    }
}

fn log_body(what: &'static str, body: &[u8], redactor: &Redactor) {
    let shown = &body[..body.len().min(MAX_LOGGED_BODY)];
    let text = String::from_utf8_lossy(shown);
    let text = redactor.redact(&text);
    tracing::trace!(bytes = body.len(), truncated = body.len() > MAX_LOGGED_BODY, body = %text, "{what}");
}

macro_rules! operation_methods {
    ($(($op:ident, $method:ident, $reqm:ident::$req:ident, $respm:ident::$resp:ident)),* $(,)?) => {
        /// One method per operation of the WSDL.
        impl KareoClient {
            $(
                #[doc = concat!(
                    "Calls [`", stringify!($op), "`](crate::operations::", stringify!($op), "): sends a [`",
                    stringify!($req), "`](crate::", stringify!($reqm), "::", stringify!($req), ") ",
                    "(or anything that converts into one, such as the record it wraps) with the client's ",
                    "credentials and returns the [`", stringify!($resp), "`](crate::", stringify!($respm), "::",
                    stringify!($resp), ") the service answers.\n\n",
                    "Retried on transient failures only if the operation is read-only (see [`RetryPolicy`]). ",
                    "Kareo's published limit for it, its placeholder records and its date window, where it has ",
                    "them, are on the operation's page; the client spaces calls by the limit and drops the ",
                    "placeholders (see [`KareoClient::call`]; every page and window of a list: [`KareoClient::export`]).",
                )]
                pub async fn $method(
                    &self,
                    request: impl Into<crate::$reqm::$req>,
                ) -> Result<crate::$respm::$resp, Error> {
                    self.call::<crate::operations::$op>(request.into()).await
                }
            )*
        }
    };
}

crate::for_each_operation!(operation_methods);

macro_rules! stream_methods {
    ($(($op:ident, $method:ident, $stream:ident, $reqm:ident::$req:ident)),* $(,)?) => {
        /// One streaming method per list operation of the WSDL.
        impl KareoClient {
            $(
                #[doc = concat!(
                    "Calls [`", stringify!($op), "`](crate::operations::", stringify!($op), ") with a [`",
                    stringify!($req), "`](crate::", stringify!($reqm), "::", stringify!($req), ") and streams ",
                    "its records as they arrive: [`KareoClient::stream`] for this operation (the whole ",
                    "response at once is [`", stringify!($method), "`](Self::", stringify!($method), ")). ",
                    "Each item is the operation's [`ListOperation::Item`](crate::xml::ListOperation::Item), ",
                    "the record type [`", stringify!($op), "`](crate::operations::", stringify!($op), ")'s page names.",
                )]
                pub async fn $stream(
                    &self,
                    request: impl Into<crate::$reqm::$req>,
                ) -> Result<ListStream<crate::operations::$op>, Error> {
                    self.stream::<crate::operations::$op>(request.into()).await
                }
            )*
        }
    };
}

crate::for_each_list_operation!(stream_methods);

macro_rules! refresh_methods {
    ($($op:ident),* $(,)?) => {
        $(
            /// The limits refresh of this contract.
            impl KareoClient {
                #[doc = concat!(
                    "Replaces the published limits with the account's current ones, as [`",
                    stringify!($op), "`](crate::operations::", stringify!($op), ") reports them: ",
                    "[`refresh_rate_limits`](Self::refresh_rate_limits) for it. That call is limited too.",
                )]
                pub async fn refresh_throttles(&self) -> Result<Vec<(&'static str, Duration)>, Error> {
                    self.refresh_rate_limits::<crate::operations::$op>().await
                }
            }
        )*
    };
}

crate::for_each_throttle_report_operation!(refresh_methods);

//! The HTTP exchange behind a small trait, and its `reqwest` implementation.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;

use crate::error::TransportErrorKind;

/// A boxed, `Send` future (what [`Transport::send`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One SOAP POST to send.
#[derive(Clone)]
pub struct HttpRequest {
    /// The endpoint URL.
    pub url: String,
    /// The `SOAPAction` header value, already double-quoted.
    pub soap_action: String,
    /// The envelope (UTF-8 XML). Holds the credentials: never log it.
    pub body: Bytes,
    /// How long the whole exchange may take, response body included.
    pub timeout: Duration,
    /// How long the response's status line and headers may take to arrive.
    pub head_timeout: Duration,
    /// Largest response body to accept; a larger one is a
    /// [`TransportErrorKind::BodyTooLarge`] error.
    pub max_response_bytes: usize,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("soap_action", &self.soap_action)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeout", &self.timeout)
            .field("head_timeout", &self.head_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// What the server answered.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Retry-After` header (seconds, or an HTTP date turned into the wait from now).
    pub retry_after: Option<Duration>,
    /// The whole body, decompressed.
    pub body: Bytes,
}

/// A failed HTTP exchange.
#[derive(Debug, Clone)]
pub struct TransportError {
    /// Which part failed; decides whether the request may have reached the server.
    pub kind: TransportErrorKind,
    /// A description without URL, headers or body.
    pub message: String,
}

impl TransportError {
    /// An error of `kind`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl StdError for TransportError {}

/// A response whose body is read chunk by chunk (what [`Transport::send_streaming`] returns).
pub struct StreamingResponse {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<Duration>,
    /// The body, decompressed, as it arrives.
    pub body: Box<dyn BodyStream>,
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

/// A response body arriving in chunks.
pub trait BodyStream: Send {
    /// The next chunk, or `None` at the end of the body.
    fn next_chunk(&mut self) -> BoxFuture<'_, Result<Option<Bytes>, TransportError>>;
}

/// A body that is already whole: one chunk.
struct Whole(Option<Bytes>);

impl BodyStream for Whole {
    fn next_chunk(&mut self) -> BoxFuture<'_, Result<Option<Bytes>, TransportError>> {
        let chunk = self.0.take();
        Box::pin(async move { Ok(chunk) })
    }
}

/// Sends one HTTP request and reads the whole response.
///
/// The client builds the request (URL, SOAPAction, body, per-request timeout and size limit)
/// and interprets the response; a transport only moves bytes. Implementations must set
/// `Content-Type: text/xml; charset=utf-8` and the `SOAPAction` header, honour both timeouts
/// and the size limit (counted on the decompressed body when they decompress), and report failures with the [`TransportErrorKind`] that says whether the
/// request can have reached the server ([`Connect`](TransportErrorKind::Connect) and
/// [`Tls`](TransportErrorKind::Tls) only when it certainly did not).
pub trait Transport: Send + Sync {
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// Sends `request` and returns once the response head is in, with the body still to read
    /// (for streamed list results). The size limit does not apply: the caller bounds what it
    /// keeps. The default reads the whole body with [`send`](Self::send) first, so a transport
    /// that does not override it streams nothing and holds the whole body in memory.
    fn send_streaming(&self, request: HttpRequest) -> BoxFuture<'_, Result<StreamingResponse, TransportError>> {
        Box::pin(async move {
            let response = self.send(request).await?;
            Ok(StreamingResponse {
                status: response.status,
                content_type: response.content_type,
                retry_after: response.retry_after,
                body: Box::new(Whole(Some(response.body))),
            })
        })
    }
}

/// The `Content-Type` of every request.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// The built-in transport: `reqwest` over rustls, one connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

/// Installs ring as the process's default rustls crypto provider, unless one is installed
/// (by the application, or by an earlier client).
///
/// rustls 0.23.48 deprecates `rustls::crypto::ring::default_provider` ("no support for
/// post-quantum algorithms") without a non-deprecated way to build the ring provider: its
/// cipher suites and key-exchange groups are public, its random source and key loader are
/// not, and the crate-feature default (`CryptoProvider::get_default_or_install_from_crate_features`)
/// is private and panics when both of rustls's providers are compiled in. The lockfile's
/// 0.23.46 does not deprecate it. So the call stays, its deprecation allowed on this one
/// expression, so that an application resolving a newer rustls builds without warnings; an
/// application that wants aws-lc-rs (post-quantum key exchange) installs it before building
/// a client, and it is kept.
fn install_ring_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_some() {
        return;
    }
    #[allow(deprecated)]
    let ring = rustls::crypto::ring::default_provider();
    // `Err`: another thread installed one in the meantime, which is all that is needed.
    let _ = ring.install_default();
}

impl ReqwestTransport {
    /// A transport with its own connection pool and this connect timeout, accepting
    /// gzip-compressed responses.
    ///
    /// Installs ring as the process's default rustls crypto provider unless the application
    /// installed one before.
    pub fn new(connect_timeout: Duration) -> Result<Self, TransportError> {
        Self::with_gzip(connect_timeout, true)
    }

    /// As [`new`](Self::new), sending `Accept-Encoding: gzip` and decompressing gzip bodies
    /// as they arrive only when `gzip` is on.
    pub fn with_gzip(connect_timeout: Duration, gzip: bool) -> Result<Self, TransportError> {
        install_ring_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .gzip(gzip)
            .user_agent(concat!("kareo-sdk/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(60))
            // A SOAP endpoint does not redirect; following one could resend a write elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError::new(TransportErrorKind::Other, describe(&e)))?;
        Ok(ReqwestTransport { client })
    }

    /// A transport over an existing `reqwest` client (its timeouts, proxy, TLS and redirect
    /// settings). With reqwest's `rustls-no-provider` TLS, a crypto provider must be installed
    /// before that client is built (building a [`KareoClient`](super::KareoClient) or a
    /// [`ReqwestTransport::new`] installs ring).
    pub fn with_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// Sends `request` and waits for the response head (bounded by the head timeout).
    async fn head(&self, request: HttpRequest) -> Result<(reqwest::Response, Head), TransportError> {
        let head_timeout = request.head_timeout;
        let sent = self
            .client
            .post(&request.url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("SOAPAction", &request.soap_action)
            .timeout(request.timeout)
            .body(request.body)
            .send();
        // `send` resolves once the status line and headers are in.
        let response = match tokio::time::timeout(head_timeout, sent).await {
            Ok(sent) => sent.map_err(|e| classify(&e))?,
            Err(_) => {
                return Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no response head within {}", super::fmt_duration(head_timeout)),
                ))
            }
        };
        let headers = response.headers();
        let head = Head {
            status: response.status().as_u16(),
            content_type: headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            retry_after: headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
            // A compressed body's declared length is not the length it decompresses to.
            declared: response
                .content_length()
                .filter(|_| !headers.contains_key(reqwest::header::CONTENT_ENCODING)),
        };
        Ok((response, head))
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let limit = request.max_response_bytes;
        let (mut response, head) = self.head(request).await?;
        if head.declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large(limit));
        }
        let mut body = Vec::with_capacity(head.declared.map_or(16 * 1024, |n| n as usize));
        // Chunks arrive decompressed: the limit holds on what the body decompresses to, so a
        // gzip bomb stops at the limit.
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
            if body.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status: head.status,
            content_type: head.content_type,
            retry_after: head.retry_after,
            body: Bytes::from(body),
        })
    }

    async fn exchange_streaming(&self, request: HttpRequest) -> Result<StreamingResponse, TransportError> {
        let (response, head) = self.head(request).await?;
        Ok(StreamingResponse {
            status: head.status,
            content_type: head.content_type,
            retry_after: head.retry_after,
            body: Box::new(ReqwestBody(response)),
        })
    }
}

/// What the client reads of a response head.
struct Head {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    /// `Content-Length`, when it is the length of the body as read.
    declared: Option<u64>,
}

/// A `reqwest` response body, chunk by chunk.
struct ReqwestBody(reqwest::Response);

impl BodyStream for ReqwestBody {
    fn next_chunk(&mut self) -> BoxFuture<'_, Result<Option<Bytes>, TransportError>> {
        Box::pin(async move { self.0.chunk().await.map_err(|e| classify(&e)) })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(self.exchange(request))
    }

    fn send_streaming(&self, request: HttpRequest) -> BoxFuture<'_, Result<StreamingResponse, TransportError>> {
        Box::pin(self.exchange_streaming(request))
    }
}

fn too_large(limit: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("response body exceeds {limit} bytes"),
    )
}

/// Sorts a `reqwest` error into a [`TransportErrorKind`].
fn classify(e: &reqwest::Error) -> TransportError {
    let kind = if e.is_connect() {
        if is_tls(e) {
            TransportErrorKind::Tls
        } else {
            TransportErrorKind::Connect
        }
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_request()
        || e.is_body()
        || e.is_decode() && has_cause(e, |c| c.downcast_ref::<reqwest::Error>().is_some_and(|r| r.is_body()))
    {
        // The connection ended or broke mid-exchange (a reset, a body cut short). reqwest
        // reports every failure to read the body as a decode error, that one too.
        TransportErrorKind::Connection
    } else if e.is_decode() {
        // A body that does not decompress (or is not what its headers say): resending the
        // same request gets the same bytes.
        TransportErrorKind::Other
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, describe(e))
}

/// Whether a connect error came from the TLS handshake: rustls reports a `rustls::Error`
/// inside (possibly nested) `io::Error`s.
fn is_tls(e: &reqwest::Error) -> bool {
    has_cause(e, |c| c.is::<rustls::Error>())
}

/// Whether a cause of `e` (its sources, and the errors wrapped in `io::Error`s among them,
/// which `source()` skips) satisfies `test`.
fn has_cause(e: &reqwest::Error, test: impl Fn(&(dyn StdError + 'static)) -> bool) -> bool {
    let mut source: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(s) = source {
        let mut inner: &(dyn StdError + 'static) = s;
        loop {
            if test(inner) {
                return true;
            }
            match inner.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
                Some(wrapped) => inner = wrapped,
                None => break,
            }
        }
        source = s.source();
    }
    false
}

/// The error and its causes, without the URL.
fn describe(e: &reqwest::Error) -> String {
    let mut out = String::new();
    let mut source: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
        source = s.source();
    }
    if out.is_empty() {
        out.push_str("HTTP request failed");
    }
    out
}

/// A `Retry-After` value: delay-seconds, or an HTTP date (IMF-fixdate, e.g.
/// `Sun, 06 Nov 1994 08:49:37 GMT`) turned into the time left from `now` (zero if past).
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..61).contains(&s) {
        return None;
    }
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let at = days.checked_mul(86_400)?.checked_add(h * 3600 + m * 60 + s)?;
    let now = now.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
    Some(Duration::from_secs(at.saturating_sub(now).max(0) as u64))
}

#[cfg(test)]
mod retry_after_tests {
    use super::parse_retry_after;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    #[test]
    fn seconds_and_http_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29T00:00:00Z
        assert_eq!(
            parse_retry_after("Wed, 01 Mar 2000 00:00:00 GMT", leap),
            Some(Duration::from_secs(86_400))
        );
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "-5",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, SystemTime::now()), None, "{bad}");
        }
    }
}

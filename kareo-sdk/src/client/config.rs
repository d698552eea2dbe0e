//! Credentials and client settings.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::rate_limit::RateLimit;
use super::retry::RetryPolicy;
use super::transport::Transport;
use crate::error::Error;
use crate::xml::{CredentialSource, Limits, StreamLimits};

/// Environment variable holding the customer key.
pub const ENV_CUSTOMER_KEY: &str = "KAREO_CUSTOMER_KEY";
/// Environment variable holding the user name.
pub const ENV_USER: &str = "KAREO_USER";
/// Environment variable holding the password.
pub const ENV_PASSWORD: &str = "KAREO_PASSWORD";
/// Optional environment variable overriding the endpoint.
pub const ENV_ENDPOINT: &str = "KAREO_ENDPOINT";

/// What opens a practice's data: the customer key and a Kareo user's login.
///
/// `Debug` shows none of the three values.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    customer_key: String,
    user: String,
    password: String,
}

impl Credentials {
    /// Credentials from their three parts.
    pub fn new(customer_key: impl Into<String>, user: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials {
            customer_key: customer_key.into(),
            user: user.into(),
            password: password.into(),
        }
    }

    /// Reads `KAREO_CUSTOMER_KEY`, `KAREO_USER` and `KAREO_PASSWORD`. A missing or empty
    /// variable is an [`Error::Config`] naming it.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (for tests and
    /// other configuration sources).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| match lookup(name) {
            Some(v) if !v.is_empty() => Ok(v),
            Some(_) => Err(Error::config(format!("environment variable {name} is empty"))),
            None => Err(Error::config(format!("environment variable {name} is not set"))),
        };
        Ok(Credentials::new(
            get(ENV_CUSTOMER_KEY)?,
            get(ENV_USER)?,
            get(ENV_PASSWORD)?,
        ))
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The three secret strings, for scrubbing server texts.
    pub(crate) fn secrets(&self) -> [&str; 3] {
        [&self.customer_key, &self.user, &self.password]
    }
}

/// The values the client fills into requests, by the roles `wsdl/overrides.toml` names
/// (`[credentials]`): the three credentials and the optional client version.
#[derive(Clone)]
pub(crate) struct RequestValues {
    pub(crate) credentials: Credentials,
    pub(crate) client_version: Option<String>,
}

impl CredentialSource for RequestValues {
    fn credential(&self, role: &str) -> Option<&str> {
        match role {
            "customer_key" => Some(&self.credentials.customer_key),
            "user" => Some(&self.credentials.user),
            "password" => Some(&self.credentials.password),
            "client_version" => self.client_version.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("customer_key", &"***")
            .field("user", &"***")
            .field("password", &"***")
            .finish()
    }
}

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one HTTP exchange (Kareo's list operations can be slow).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Default limit on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// Default time from sending a request to the end of the response's status line and headers.
///
/// Kareo sends its head when the answer is ready (it builds an answer whole before sending),
/// which takes seconds even for large lists; a head that has not arrived within a minute, or
/// that a server trickles byte by byte, is not coming.
pub const DEFAULT_RESPONSE_HEAD_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything a [`KareoClient`](super::KareoClient) is built from. `Debug` masks the
/// credentials.
#[derive(Clone)]
pub struct Config {
    pub(crate) credentials: Credentials,
    pub(crate) endpoint: String,
    pub(crate) client_version: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) response_head_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_depth: u32,
    pub(crate) max_unknown: u64,
    pub(crate) gzip: bool,
    pub(crate) stream_limits: StreamLimits,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) rate_limits: HashMap<&'static str, RateLimit>,
    pub(crate) published_limits: bool,
    pub(crate) throttle_margin: Duration,
    pub(crate) drop_placeholders: bool,
    pub(crate) log_bodies: bool,
    pub(crate) transport: Option<Arc<dyn Transport>>,
}

impl Config {
    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
    /// The `ClientVersion` sent in every request header, if set.
    pub fn client_version(&self) -> Option<&str> {
        self.client_version.as_deref()
    }
    /// Connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    /// Timeout of one HTTP exchange (one attempt).
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
    /// Longest wait for the response's status line and headers.
    pub fn response_head_timeout(&self) -> Duration {
        self.response_head_timeout
    }
    /// Largest response body accepted (after decompression).
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    /// Bounds on streamed list results.
    pub fn stream_limits(&self) -> StreamLimits {
        self.stream_limits
    }
    /// Whether responses may come gzip-compressed (`Accept-Encoding: gzip`).
    pub fn gzip(&self) -> bool {
        self.gzip
    }
    /// What the parser accepts of a response: the document size is
    /// [`max_response_bytes`](Self::max_response_bytes), so the one setting bounds both the
    /// transfer and the parse.
    pub fn parse_limits(&self) -> Limits {
        Limits {
            max_depth: self.max_depth,
            max_bytes: self.max_response_bytes,
            max_unknown: self.max_unknown,
        }
    }
    /// Retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The rate limit configured for operation `name`: its own setting, else the one for
    /// every operation, else (unless [turned off](ClientBuilder::published_limits)) the
    /// published one plus the margin ([`published_limit`](Self::published_limit)).
    /// [`KareoClient::rate_limit`](super::KareoClient::rate_limit) also knows the limits a
    /// refresh from the service brought.
    pub fn rate_limit_for(&self, name: &str) -> Option<RateLimit> {
        self.explicit_rate_limit(name).or_else(|| self.published_limit(name))
    }

    pub(crate) fn explicit_rate_limit(&self, name: &str) -> Option<RateLimit> {
        self.rate_limits.get(name).copied().or(self.rate_limit)
    }

    /// The default limit of operation `name` from the service's published table: one call per
    /// published interval plus [`throttle_margin`](Self::throttle_margin). `None` when the
    /// table has no entry for it or [`published_limits`](ClientBuilder::published_limits) is
    /// off.
    pub fn published_limit(&self, name: &str) -> Option<RateLimit> {
        let info = crate::operations::OPERATIONS.iter().find(|o| o.name == name)?;
        self.limit_of_interval(info.published_interval?)
    }

    /// One call per `interval` plus the margin, when published limits are on.
    pub(crate) fn limit_of_interval(&self, interval: Duration) -> Option<RateLimit> {
        self.published_limits
            .then(|| RateLimit::new(1, interval.saturating_add(self.throttle_margin)))
    }

    /// The margin added to every published or reported interval.
    pub fn throttle_margin(&self) -> Duration {
        self.throttle_margin
    }

    /// Whether list results drop the service's placeholder records.
    pub fn drop_placeholders(&self) -> bool {
        self.drop_placeholders
    }
    /// Whether request and response bodies are logged (at `TRACE` level, credentials masked).
    pub fn log_bodies(&self) -> bool {
        self.log_bodies
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("credentials", &self.credentials)
            .field("endpoint", &without_userinfo(&self.endpoint))
            .field("client_version", &self.client_version)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("response_head_timeout", &self.response_head_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_depth", &self.max_depth)
            .field("max_unknown", &self.max_unknown)
            .field("gzip", &self.gzip)
            .field("stream_limits", &self.stream_limits)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limits", &self.rate_limits)
            .field("published_limits", &self.published_limits)
            .field("throttle_margin", &self.throttle_margin)
            .field("drop_placeholders", &self.drop_placeholders)
            .field("log_bodies", &self.log_bodies)
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// The endpoint with any `user:password@` part masked (for `Debug`).
fn without_userinfo(endpoint: &str) -> String {
    match reqwest::Url::parse(endpoint) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("***");
            let _ = url.set_password(None);
            url.to_string()
        }
        _ => endpoint.to_owned(),
    }
}

/// Builds a [`KareoClient`](super::KareoClient).
///
/// ```no_run
/// # async fn run() -> Result<(), kareo_sdk::Error> {
/// use std::time::Duration;
/// use kareo_sdk::client::{Credentials, KareoClient, RateLimit};
///
/// let client = KareoClient::builder(Credentials::new("customer-key", "user", "password"))
///     .client_version("my-integration 1.0")
///     .request_timeout(Duration::from_secs(60))
///     .rate_limit(RateLimit::new(1, Duration::from_secs(2)))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    config: Config,
    unknown_operations: Vec<String>,
}

impl ClientBuilder {
    /// Defaults: the WSDL's endpoint ([`DEFAULT_ENDPOINT`](crate::DEFAULT_ENDPOINT)), connect
    /// timeout 10 s, response head within 60 s, request timeout 120 s, gzip-compressed
    /// responses accepted, responses up to 64 MiB, the parser's [`Limits::default`] depth and
    /// unknown-element count, [`RetryPolicy::default`], the service's published per-operation
    /// limits plus a margin ([`published_limits`](Self::published_limits)), placeholder
    /// records dropped, no body logging.
    pub fn new(credentials: Credentials) -> Self {
        ClientBuilder {
            config: Config {
                credentials,
                endpoint: crate::DEFAULT_ENDPOINT.to_owned(),
                client_version: None,
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                request_timeout: DEFAULT_REQUEST_TIMEOUT,
                response_head_timeout: DEFAULT_RESPONSE_HEAD_TIMEOUT,
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                max_depth: Limits::DEFAULT_MAX_DEPTH,
                max_unknown: Limits::DEFAULT_MAX_UNKNOWN,
                gzip: true,
                stream_limits: StreamLimits::default(),
                retry: RetryPolicy::default(),
                rate_limit: None,
                rate_limits: HashMap::new(),
                published_limits: true,
                throttle_margin: crate::operations::THROTTLES.margin,
                drop_placeholders: true,
                log_bodies: false,
                transport: None,
            },
            unknown_operations: Vec::new(),
        }
    }

    /// Credentials from `KAREO_CUSTOMER_KEY`, `KAREO_USER`, `KAREO_PASSWORD`, and the endpoint
    /// from `KAREO_ENDPOINT` when it is set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let credentials = Credentials::from_lookup(&lookup)?;
        let mut builder = ClientBuilder::new(credentials);
        if let Some(endpoint) = lookup(ENV_ENDPOINT).filter(|e| !e.is_empty()) {
            builder = builder.endpoint(endpoint);
        }
        Ok(builder)
    }

    /// The service URL (default [`DEFAULT_ENDPOINT`](crate::DEFAULT_ENDPOINT)).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.config.endpoint = endpoint.into();
        self
    }

    /// `ClientVersion` to send in every request header.
    pub fn client_version(mut self, version: impl Into<String>) -> Self {
        self.config.client_version = Some(version.into());
        self
    }

    /// How long connecting may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// How long one HTTP exchange (one attempt, body included) may take.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_timeout = timeout;
        self
    }

    /// How long the response's status line and headers may take to arrive after the request
    /// was sent (default [`DEFAULT_RESPONSE_HEAD_TIMEOUT`]); bounded by the request timeout
    /// too. A head that does not arrive in time is a
    /// [`TransportErrorKind::Timeout`](crate::error::TransportErrorKind::Timeout).
    pub fn response_head_timeout(mut self, timeout: Duration) -> Self {
        self.config.response_head_timeout = timeout;
        self
    }

    /// Largest response body accepted, counted after decompression; a larger one fails with
    /// [`Error::ResponseTooLarge`] as soon as the limit is passed. The parser accepts
    /// documents of the same size ([`Config::parse_limits`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.config.max_response_bytes = limit;
        self
    }

    /// Deepest element nesting a response may have (default
    /// [`Limits::DEFAULT_MAX_DEPTH`]), elements the schema does not declare included.
    pub fn max_depth(mut self, depth: u32) -> Self {
        self.config.max_depth = depth;
        self
    }

    /// Most elements the schema does not declare that one response may hold (default
    /// [`Limits::DEFAULT_MAX_UNKNOWN`]), every element inside a skipped one counted.
    pub fn max_unknown_elements(mut self, count: u64) -> Self {
        self.config.max_unknown = count;
        self
    }

    /// Bounds on streamed list results ([`KareoClient::stream`](super::KareoClient::stream)):
    /// per record, around the list, and an optional total (default [`StreamLimits::default`]).
    pub fn stream_limits(mut self, limits: StreamLimits) -> Self {
        self.config.stream_limits = limits;
        self
    }

    /// Whether to ask for gzip-compressed responses (`Accept-Encoding: gzip`, on by default)
    /// and decompress them as they arrive. Kareo's XML compresses about tenfold. Applies to
    /// the built-in transport; a custom [`transport`](Self::transport) decides for itself.
    pub fn gzip(mut self, on: bool) -> Self {
        self.config.gzip = on;
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`] disables retries).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// A rate limit applied to every operation, each separately.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.config.rate_limit = Some(limit);
        self
    }

    /// A rate limit for one operation (its WSDL name, e.g. `"GetPatients"`), overriding
    /// [`rate_limit`](Self::rate_limit). An unknown name makes [`build`](Self::build) fail.
    pub fn rate_limit_for(mut self, operation: &str, limit: RateLimit) -> Self {
        match crate::operations::OPERATIONS.iter().find(|o| o.name == operation) {
            Some(info) => {
                self.config.rate_limits.insert(info.name, limit);
            }
            None => self.unknown_operations.push(operation.to_owned()),
        }
        self
    }

    /// Whether each operation the service's published table lists
    /// ([`THROTTLES`](crate::operations::THROTTLES), [`OperationInfo::published_interval`](crate::xml::OperationInfo))
    /// is limited to one call per interval plus [`throttle_margin`](Self::throttle_margin) by
    /// default (default on). Explicit [`rate_limit`](Self::rate_limit) and
    /// [`rate_limit_for`](Self::rate_limit_for) settings win over the table; calls of
    /// several clones of a client share the limits, other clients and processes do not.
    pub fn published_limits(mut self, on: bool) -> Self {
        self.config.published_limits = on;
        self
    }

    /// The margin added to every published or reported interval (default the table's, 250 ms
    /// for Kareo: a gap of exactly the interval has been seen to be over the limit).
    pub fn throttle_margin(mut self, margin: Duration) -> Self {
        self.config.throttle_margin = margin;
        self
    }

    /// Whether list results drop the placeholder records the service sends in place of data
    /// (default on; see [`ListOperation::is_placeholder`](crate::xml::ListOperation::is_placeholder)).
    /// The count dropped is in each call's [`CallReport`](super::CallReport) and
    /// [`ListStream::placeholders_dropped`](super::ListStream::placeholders_dropped).
    pub fn drop_placeholders(mut self, on: bool) -> Self {
        self.config.drop_placeholders = on;
        self
    }

    /// Log request and response bodies at `TRACE` level (target `kareo_sdk::client`). The
    /// request header's values are masked; bodies hold patient data, so keep this off in
    /// production.
    pub fn log_bodies(mut self, on: bool) -> Self {
        self.config.log_bodies = on;
        self
    }

    /// Sends requests through `transport` instead of the built-in `reqwest` one (the
    /// timeouts are then passed to it per request; the connect timeout is the transport's
    /// business).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.config.transport = Some(transport);
        self
    }

    /// The settings so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Builds the client: checks the settings and, without a custom transport, creates the
    /// connection pool.
    pub fn build(self) -> Result<super::KareoClient, Error> {
        if let Some(name) = self.unknown_operations.first() {
            return Err(Error::config(format!("rate limit for unknown operation {name:?}")));
        }
        if self.config.endpoint.is_empty() {
            return Err(Error::config(
                "no endpoint: the contract declares no address; set one with ClientBuilder::endpoint",
            ));
        }
        match reqwest::Url::parse(&self.config.endpoint) {
            Ok(url) if url.scheme() == "https" && url.has_host() => {}
            Ok(url) if url.scheme() == "http" && url.has_host() => {
                let host = url.host_str().unwrap_or("");
                let host = host.trim_start_matches('[').trim_end_matches(']');
                let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if !loopback {
                    tracing::warn!("the endpoint is plain http: credentials and patient data travel unencrypted");
                }
            }
            _ => return Err(Error::config("the endpoint is not an http:// or https:// URL")),
        }
        if self.config.retry.max_attempts == 0 {
            return Err(Error::config("retry max_attempts must be at least 1"));
        }
        for limit in self.config.rate_limit.iter().chain(self.config.rate_limits.values()) {
            limit.validate()?;
        }
        super::KareoClient::from_config(self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_endpoint_says_the_contract_declares_none() {
        let err = ClientBuilder::new(Credentials::new("key-1234", "user-5678", "pass-9012"))
            .endpoint("")
            .build()
            .expect_err("no endpoint");
        assert!(err.to_string().contains("no endpoint"), "{err}");
    }

    #[test]
    fn debug_masks_credentials_and_url_userinfo() {
        let builder = ClientBuilder::new(Credentials::new("key-1234", "user-5678", "pass-9012"))
            .endpoint("https://uname77:pword88@example.invalid/svc");
        let text = format!("{builder:?}");
        for secret in ["key-1234", "user-5678", "pass-9012", "uname77", "pword88"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("https://***@example.invalid/svc"), "{text}");
    }
}

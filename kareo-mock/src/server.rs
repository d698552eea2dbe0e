//! A local mock Kareo: an HTTP/1.1 server on loopback that behaves like the real service where
//! it matters to a client.
//!
//! - It checks the method (`POST`), the path, `Content-Type: text/xml` and the `SOAPAction`
//!   header. A `SOAPAction` that names no operation, or is not double-quoted, gets HTTP 500 with
//!   the `ContractFilter mismatch` fault WCF sends.
//! - It decodes the request with the SDK's own codec (`server-codec`) and checks the
//!   credentials in its `RequestHeader`: wrong ones get a failed `SecurityResponse`, as Kareo
//!   answers.
//! - It answers every one of the 24 operations with a canned, typed response encoded by the SDK
//!   (`envelope::write_response`). Records are invented and obviously fake (NATO-alphabet first
//!   names, `Testpatient` last names, `example.invalid` addresses, 555-01xx phones).
//! - It can be told to misbehave ([`Behavior`]): slow answers, HTML error pages, truncated
//!   bodies, `IsError` answers, throttling, SOAP faults, dropped connections.
//! - It counts what it saw, per operation, so tests can assert how many requests a call made.
//!
//! It binds `127.0.0.1` on a random port, serves at most [`MAX_REQUESTS`] requests and
//! [`MAX_CONNECTIONS`] connections, stops after [`MAX_LIFETIME`] whatever happens, and stops
//! (with all its connections) when the [`MockKareo`] is dropped. [`MockKareo::start`] must be
//! called inside a Tokio runtime.

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use kareo_sdk::envelope::{self, Fault};
use kareo_sdk::operations::{self, OPERATIONS};
use kareo_sdk::types::*;
use kareo_sdk::xml::{Credentialed, Decode, Encode, Inherits, Limits, ListOperation, Nillable, Operation, Writer};

use crate::list_body::ListBody;
use kareo_sdk::Credentials;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// Customer key the mock accepts by default (invented).
pub const MOCK_CUSTOMER_KEY: &str = "MOCK-CUSTKEY-7d41c9e2";
/// User the mock accepts by default (invented).
pub const MOCK_USER: &str = "mock.user.5b2f@example.invalid";
/// Password the mock accepts by default (invented).
pub const MOCK_PASSWORD: &str = "mock-pass-93a0e6f1";

/// The path the mock serves, the real service's.
pub const ENDPOINT_PATH: &str = "/services/soap/2.1/KareoServices.svc";

/// Requests served before the mock answers only HTTP 503.
pub const MAX_REQUESTS: usize = 1_000_000;
/// Connections accepted before the mock stops accepting.
pub const MAX_CONNECTIONS: usize = 100_000;
/// How long a mock runs at most.
pub const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Largest request body the mock reads.
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// The throttle message Kareo sends (its distinctive part is what clients match).
pub const THROTTLE_MESSAGE: &str =
    "The endpoint requested more than allowed in the current time window; try again later.";

/// How the mock answers a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behavior {
    /// Waits, then answers normally.
    Delay(Duration),
    /// An HTML error page with this status (as IIS or a proxy sends).
    HtmlError(u16),
    /// An HTML error page with this status that quotes the request it received from its
    /// `RequestHeader` on, as a misconfigured proxy might (for testing that clients keep
    /// credentials out of errors).
    EchoRequest(u16),
    /// This status, a short text body, and a `Retry-After` in seconds when given.
    Status {
        /// HTTP status.
        status: u16,
        /// `Retry-After` seconds.
        retry_after: Option<u64>,
    },
    /// The normal response cut in half (with a `Content-Length` of the half).
    Truncate,
    /// HTTP 200 with `ErrorResponse/IsError = true` and this message.
    IsError(String),
    /// HTTP 200 with `IsError = true` and Kareo's throttle message ([`THROTTLE_MESSAGE`]).
    Throttle,
    /// HTTP 200 with a failed `SecurityResponse`: authorized = false, these permissions missing.
    NotAuthorized(Vec<String>),
    /// HTTP 500 with this SOAP fault.
    Fault {
        /// `faultcode`.
        code: String,
        /// `faultstring`.
        string: String,
    },
    /// Closes the connection after reading the request, without answering.
    Reset,
    /// This status and this body as `text/xml` (for malformed or unexpected documents).
    Body {
        /// HTTP status.
        status: u16,
        /// The body, sent as it is.
        body: String,
    },
}

/// A misbehaviour to apply to the next matching requests.
#[derive(Debug, Clone)]
pub struct Rule {
    behavior: Behavior,
    operation: Option<String>,
    times: usize,
}

impl Rule {
    /// Applies `behavior` to the next request (of any operation).
    pub fn new(behavior: Behavior) -> Self {
        Rule {
            behavior,
            operation: None,
            times: 1,
        }
    }

    /// Applies it to the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Applies it only to requests of `operation` (WSDL name, e.g. `"CreatePatient"`).
    pub fn only(mut self, operation: &str) -> Self {
        self.operation = Some(operation.to_owned());
        self
    }
}

struct State {
    customer_key: String,
    user: String,
    password: String,
    rules: Mutex<VecDeque<Rule>>,
    total: AtomicUsize,
    per_operation: Mutex<HashMap<&'static str, usize>>,
    last_client_version: Mutex<Option<String>>,
    /// The credential values each operation's last request carried, by role.
    last_credentials: Mutex<HashMap<&'static str, Vec<(&'static str, String)>>>,
    last_soap_action: Mutex<Option<String>>,
    patient_count: AtomicUsize,
    next_id: AtomicI32,
    /// When set, list answers are generated while sent ([`MockKareo::serve_lists`]).
    list_body: Mutex<Option<ListBody>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running mock Kareo. Dropping it stops the server and closes its connections.
pub struct MockKareo {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for MockKareo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for MockKareo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockKareo")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl MockKareo {
    /// Starts a mock that accepts [`MOCK_CUSTOMER_KEY`], [`MOCK_USER`] and [`MOCK_PASSWORD`].
    pub async fn start() -> std::io::Result<MockKareo> {
        Self::with_credentials(MOCK_CUSTOMER_KEY, MOCK_USER, MOCK_PASSWORD).await
    }

    /// Starts a mock that accepts these credentials.
    pub async fn with_credentials(customer_key: &str, user: &str, password: &str) -> std::io::Result<MockKareo> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            customer_key: customer_key.to_owned(),
            user: user.to_owned(),
            password: password.to_owned(),
            rules: Mutex::new(VecDeque::new()),
            total: AtomicUsize::new(0),
            per_operation: Mutex::new(HashMap::new()),
            last_client_version: Mutex::new(None),
            last_credentials: Mutex::new(HashMap::new()),
            last_soap_action: Mutex::new(None),
            patient_count: AtomicUsize::new(3),
            next_id: AtomicI32::new(50_000),
            list_body: Mutex::new(None),
        });
        let task = tokio::spawn(serve(listener, Arc::clone(&state)));
        Ok(MockKareo { addr, state, task })
    }

    /// The endpoint URL to give a client.
    pub fn endpoint(&self) -> String {
        format!("http://{}{ENDPOINT_PATH}", self.addr)
    }

    /// The socket address the mock listens on (always loopback).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The credentials the mock accepts.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(&self.state.customer_key, &self.state.user, &self.state.password)
    }

    /// Adds a misbehaviour; rules apply in the order they were added.
    pub fn inject(&self, rule: Rule) {
        if rule.times > 0 {
            lock(&self.state.rules).push_back(rule);
        }
    }

    /// Drops all pending misbehaviours.
    pub fn clear_rules(&self) {
        lock(&self.state.rules).clear();
    }

    /// HTTP requests received, whatever they were.
    pub fn requests(&self) -> usize {
        self.state.total.load(Ordering::SeqCst)
    }

    /// Requests whose `SOAPAction` named `operation` (counted before any other check).
    pub fn requests_for(&self, operation: &str) -> usize {
        lock(&self.state.per_operation).get(operation).copied().unwrap_or(0)
    }

    /// The `ClientVersion` of the last request that had one.
    /// The credential values (by role: `customer_key`, `user`, `password`, `client_version`) that
    /// the last request of `operation` carried, wherever its type holds them.
    pub fn last_credentials(&self, operation: &str) -> Option<Vec<(&'static str, String)>> {
        lock(&self.state.last_credentials).get(operation).cloned()
    }

    /// The `ClientVersion` the last request carried.
    pub fn last_client_version(&self) -> Option<String> {
        lock(&self.state.last_client_version).clone()
    }

    /// The raw `SOAPAction` header of the last request.
    pub fn last_soap_action(&self) -> Option<String> {
        lock(&self.state.last_soap_action).clone()
    }

    /// How many patients `GetPatients` returns (before its filter); default 3.
    /// Makes every list operation's successful answer a body generated while it is sent:
    /// `spec.records` records (cycling through the records the mock would answer, or through
    /// records with every member set), chunked and paced as `spec` says. `None` goes back to
    /// answers built whole.
    pub fn serve_lists(&self, spec: Option<ListBody>) {
        *lock(&self.state.list_body) = spec;
    }

    /// Sets how many patients `GetPatients` answers with.
    pub fn set_patient_count(&self, n: usize) {
        self.state.patient_count.store(n, Ordering::SeqCst);
    }
}

async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    let deadline = tokio::time::sleep(MAX_LIFETIME);
    tokio::pin!(deadline);
    for _ in 0..MAX_CONNECTIONS {
        let accepted = tokio::select! {
            _ = &mut deadline => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or similar: wait a little instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let state = Arc::clone(&state);
        connections.spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&state), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    // Leaving drops `connections`, which aborts every connection task.
}

/// Returned by the service to make hyper drop the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

/// The body of a mock reply: built whole, or generated as it is sent.
type MockBody = http_body_util::Either<Full<Bytes>, crate::list_body::Generated>;

type Reply = Response<MockBody>;

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Result<Reply, DropConnection> {
    let n = state.total.fetch_add(1, Ordering::SeqCst);
    if n >= MAX_REQUESTS {
        return Ok(text(503, "the mock served its maximum number of requests"));
    }
    let action = req
        .headers()
        .get("SOAPAction")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    *lock(&state.last_soap_action) = action.clone();
    let operation = action.as_deref().and_then(operation_of);
    if let Some(op) = operation {
        *lock(&state.per_operation).entry(op).or_insert(0) += 1;
    }

    if req.method() != Method::POST {
        return Ok(html(405, "Method Not Allowed", "The service accepts only POST."));
    }
    if req.uri().path() != ENDPOINT_PATH {
        return Ok(html(404, "Not Found", "The resource cannot be found."));
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.trim_start().to_ascii_lowercase().starts_with("text/xml") {
        return Ok(text(
            415,
            "Cannot process the message: its content type is not the expected 'text/xml; charset=utf-8'.",
        ));
    }
    let body = match Limited::new(req.into_body(), MAX_REQUEST_BYTES).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(text(400, "the request body could not be read")),
    };
    let Some(op) = operation else {
        return Ok(contract_filter_mismatch(action.as_deref().unwrap_or("")));
    };

    let behavior = take_rule(&state, op);
    match &behavior {
        Some(Behavior::Delay(d)) => tokio::time::sleep(*d).await,
        Some(Behavior::Reset) => return Err(DropConnection),
        Some(Behavior::HtmlError(status)) => {
            let title = match status {
                500 => "Internal Server Error",
                502 => "Bad Gateway",
                503 => "Service Unavailable",
                504 => "Gateway Timeout",
                _ => "Error",
            };
            return Ok(html(*status, title, "The service cannot answer right now."));
        }
        Some(Behavior::EchoRequest(status)) => {
            let text = String::from_utf8_lossy(&body);
            let from = text.find("RequestHeader").unwrap_or(0);
            let echoed = text[from..].replace('<', "&lt;");
            return Ok(html(
                *status,
                "Bad Gateway",
                &format!("The upstream rejected: {echoed}"),
            ));
        }
        Some(Behavior::Status { status, retry_after }) => {
            let mut reply = text(*status, "Too many requests or service unavailable.");
            if let Some(secs) = retry_after {
                reply.headers_mut().insert(RETRY_AFTER, HeaderValue::from(*secs));
            }
            return Ok(reply);
        }
        Some(Behavior::Body { status, body }) => return Ok(xml_reply(*status, Bytes::from(body.clone()))),
        Some(Behavior::Fault { code, string }) => {
            return Ok(fault(
                500,
                &Fault {
                    code: code.clone(),
                    string: string.clone(),
                    ..Fault::default()
                },
            ))
        }
        _ => {}
    }
    let reply = respond(op, &body, &state, behavior);
    let spec = *lock(&state.list_body);
    match spec {
        Some(spec) if reply.status() == StatusCode::OK => {
            let (parts, body) = reply.into_parts();
            let bytes = match body {
                MockBody::Left(full) => match full.collect().await {
                    Ok(collected) => collected.to_bytes(),
                    Err(never) => match never {},
                },
                generated => return Ok(Response::from_parts(parts, generated)),
            };
            Ok(generate_list(op, parts, bytes, &spec))
        }
        _ => Ok(reply),
    }
}

macro_rules! list_dispatch {
    ($(($op:ident, $method:ident, $stream:ident)),* $(,)?) => {
        /// A built answer of `name` (its head and body) as a generated body, for a list
        /// operation.
        fn generate_list(name: &str, parts: hyper::http::response::Parts, bytes: Bytes, spec: &ListBody) -> Reply {
            $(
                if name == <operations::$op as Operation>::INFO.name {
                    let body = generate::<operations::$op>(&bytes, spec)
                        .map_or_else(|| MockBody::Left(Full::new(bytes)), MockBody::Right);
                    return Response::from_parts(parts, body);
                }
            )*
            Response::from_parts(parts, MockBody::Left(Full::new(bytes)))
        }
    };
}

kareo_sdk::for_each_list_operation!(list_dispatch);

/// The answer `bytes` holds as a generated body of `spec.records` records, or `None` when it
/// holds no records to repeat.
fn generate<O>(bytes: &Bytes, spec: &ListBody) -> Option<crate::list_body::Generated>
where
    O: ListOperation,
    O::Item: Encode,
{
    let Ok((envelope::Response::Result(mut answer), _)) = envelope::read_response::<O>(bytes, Limits::default()) else {
        return None;
    };
    let items = O::take_items(&mut answer);
    if items.is_empty() {
        return None;
    }
    let encode_item = |item: &O::Item| {
        let mut w = Writer::with_capacity(4096);
        w.declared_table(O::INFO.schema_namespaces());
        w.req(O::LIST.item.0, O::LIST.item.1, item)
            .map(|()| Bytes::from(w.into_string()))
    };
    let encode_all = |items: &[O::Item]| items.iter().map(encode_item).collect::<Result<Vec<_>, _>>().ok();
    let mut records = encode_all(&items)?;
    // The records as the answer holds them, to find where they go.
    let all: Vec<u8> = records.iter().flat_map(|r| r.iter().copied()).collect();
    let at = bytes.windows(all.len()).position(|w| w == all.as_slice())?;
    if spec.populated {
        let sample = crate::schema::plain_sample_envelope(
            crate::schema::operation(O::INFO.name),
            crate::schema::Direction::Response,
            crate::schema::Fill::Full,
        );
        if let Ok((envelope::Response::Result(mut full), _)) =
            envelope::read_response::<O>(sample.as_bytes(), Limits::default())
        {
            records = encode_all(&O::take_items(&mut full))?;
        }
    }
    let template = crate::list_body::Template {
        prefix: bytes.slice(..at),
        records,
        suffix: bytes.slice(at + all.len()..),
    };
    Some(crate::list_body::Generated::new(Arc::new(template), spec))
}

/// The operation whose SOAPAction is exactly `action` (double-quoted, as the binding says).
fn operation_of(action: &str) -> Option<&'static str> {
    let unquoted = action.strip_prefix('"')?.strip_suffix('"')?;
    OPERATIONS.iter().find(|o| o.soap_action == unquoted).map(|o| o.name)
}

fn take_rule(state: &State, op: &str) -> Option<Behavior> {
    let mut rules = lock(&state.rules);
    let i = rules
        .iter()
        .position(|r| r.operation.as_deref().is_none_or(|o| o == op))?;
    let rule = &mut rules[i];
    let behavior = rule.behavior.clone();
    rule.times -= 1;
    if rule.times == 0 {
        rules.remove(i);
    }
    Some(behavior)
}

macro_rules! dispatch {
    ($(($op:ident, $method:ident)),* $(,)?) => {
        fn respond(name: &str, body: &[u8], state: &State, behavior: Option<Behavior>) -> Reply {
            $(
                if name == <operations::$op as Operation>::INFO.name {
                    return respond_op::<operations::$op>(body, state, behavior);
                }
            )*
            contract_filter_mismatch(name)
        }
    };
}

kareo_sdk::for_each_operation!(dispatch);

fn respond_op<O>(body: &[u8], state: &State, behavior: Option<Behavior>) -> Reply
where
    O: Operation,
    O::Request: Decode + 'static,
    O::Response: Encode + Default + Inherits<ResponseBase> + 'static,
{
    let set_base = |r: &mut O::Response, base: ResponseBase| {
        r.set_base(base);
    };
    let request = match envelope::read_request::<O>(body, Limits::default()) {
        Ok(r) => r,
        Err(e) => {
            return fault(
                500,
                &Fault {
                    code: "a:DeserializationFailed".to_owned(),
                    string: format!("The request message for {} could not be read: {e}", O::INFO.name),
                    ..Fault::default()
                },
            )
        }
    };
    let sent = SentCredentials::of(&request);
    if let Some(v) = &sent.client_version {
        *lock(&state.last_client_version) = Some(v.clone());
    }
    lock(&state.last_credentials).insert(O::INFO.name, sent.roles());
    let mut response = O::Response::default();
    if let Some(failed) = check_credentials(state, &sent) {
        // A response without the status base (2025's GetCustomerIdFromKey) is sent empty.
        set_base(&mut response, failed);
        return encode::<O>(&response, false);
    }
    match behavior {
        Some(Behavior::IsError(message)) => {
            set_base(&mut response, error_base(&message));
            return encode::<O>(&response, false);
        }
        Some(Behavior::Throttle) => {
            set_base(&mut response, error_base(THROTTLE_MESSAGE));
            return encode::<O>(&response, false);
        }
        Some(Behavior::NotAuthorized(missing)) => {
            set_base(&mut response, not_authorized_base(missing));
            return encode::<O>(&response, false);
        }
        _ => {}
    }
    set_base(&mut response, ok_base());
    fill(&mut response as &mut dyn Any, &request as &dyn Any, state);
    encode::<O>(&response, matches!(behavior, Some(Behavior::Truncate)))
}

fn encode<O: Operation>(response: &O::Response, truncate: bool) -> Reply
where
    O::Response: Encode,
{
    match envelope::write_response::<O>(response) {
        Ok(xml) => {
            let mut bytes = Bytes::from(xml);
            if truncate {
                bytes.truncate(bytes.len() / 2);
            }
            xml_reply(200, bytes)
        }
        Err(e) => text(500, &format!("the mock cannot encode its response: {e}")),
    }
}

/// The credential values a request carries, by role (wherever the overrides declare them).
#[derive(Default)]
struct SentCredentials {
    customer_key: String,
    user: String,
    password: String,
    client_version: Option<String>,
}

impl SentCredentials {
    fn roles(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("customer_key", self.customer_key.clone()),
            ("user", self.user.clone()),
            ("password", self.password.clone()),
        ];
        out.extend(self.client_version.clone().map(|v| ("client_version", v)));
        out
    }

    fn of(request: &impl Credentialed) -> Self {
        let mut sent = SentCredentials::default();
        request.visit_credentials(&mut |role, _, value| match role {
            "customer_key" => sent.customer_key = value.to_owned(),
            "user" => sent.user = value.to_owned(),
            "password" => sent.password = value.to_owned(),
            "client_version" => sent.client_version = Some(value.to_owned()),
            _ => {}
        });
        sent
    }
}

fn check_credentials(state: &State, sent: &SentCredentials) -> Option<ResponseBase> {
    let key_ok = sent.customer_key == state.customer_key;
    let login_ok = sent.user == state.user && sent.password == state.password;
    if key_ok && login_ok {
        return None;
    }
    let (message, authenticated) = if login_ok {
        ("Invalid customer key", true)
    } else {
        ("Invalid user name and/or password", false)
    };
    Some(ResponseBase {
        error_response: Nillable::Value(ErrorResponse {
            is_error: Some(false),
            ..ErrorResponse::default()
        }),
        security_response: Nillable::Value(SecurityResponse {
            authenticated: Some(authenticated),
            authorized: Some(false),
            customer_id: None,
            customer_key_valid: Some(key_ok),
            permissions_missing: Nillable::Nil,
            practices_authorized: Nillable::Nil,
            security_result: Nillable::Value(message.to_owned()),
            security_result_success: Some(false),
        }),
    })
}

fn ok_security() -> SecurityResponse {
    SecurityResponse {
        authenticated: Some(true),
        authorized: Some(true),
        customer_id: Some(4242),
        customer_key_valid: Some(true),
        permissions_missing: Nillable::Nil,
        practices_authorized: Nillable::Value(PracticiesAuthorized {
            practice_id: Nillable::Value(vec![1]),
        }),
        security_result: Nillable::Value("Success".to_owned()),
        security_result_success: Some(true),
    }
}

fn ok_base() -> ResponseBase {
    ResponseBase {
        error_response: Nillable::Value(ErrorResponse {
            error_message: Nillable::Nil,
            is_error: Some(false),
            stack_trace: Nillable::Nil,
        }),
        security_response: Nillable::Value(ok_security()),
    }
}

fn error_base(message: &str) -> ResponseBase {
    ResponseBase {
        error_response: Nillable::Value(ErrorResponse {
            error_message: Nillable::Value(message.to_owned()),
            is_error: Some(true),
            stack_trace: Nillable::Value("   at Mock.Kareo.Service()".to_owned()),
        }),
        security_response: Nillable::Value(ok_security()),
    }
}

fn not_authorized_base(missing: Vec<String>) -> ResponseBase {
    ResponseBase {
        error_response: Nillable::Value(ErrorResponse {
            is_error: Some(false),
            ..ErrorResponse::default()
        }),
        security_response: Nillable::Value(SecurityResponse {
            authorized: Some(false),
            security_result_success: Some(false),
            security_result: Nillable::Value("User is not authorized for this operation".to_owned()),
            permissions_missing: Nillable::Value(PermissionsMissing {
                permission: Nillable::Value(missing.into_iter().map(Some).collect()),
            }),
            ..ok_security()
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Canned data: invented, obviously fake records.

const FIRST_NAMES: [&str; 8] = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"];
const LAST_NAMES: [&str; 4] = ["Testpatient", "Mockperson", "Sampleton", "Fakerson"];

fn s(v: impl Into<String>) -> Nillable<String> {
    Nillable::Value(v.into())
}

/// Fake patient number `i`.
pub fn fake_patient(i: usize) -> PatientData {
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()];
    PatientData {
        id: s((100_000 + i).to_string()),
        first_name: s(first),
        last_name: s(last),
        middle_name: s("Q"),
        patient_full_name: s(format!("{first} Q {last}")),
        dob: s(format!("{}/{}/1970", 1 + i % 12, 1 + i % 28)),
        gender: s(if i.is_multiple_of(2) { "Female" } else { "Male" }),
        address_line1: s(format!("{} Test Street", 100 + i)),
        city: s("Exampleville"),
        state: s("CA"),
        zip_code: s("00000"),
        country: s("USA"),
        home_phone: s(format!("555-01{:02}", i % 100)),
        mobile_phone: s("555-0199"),
        email_address: s(format!(
            "{}.{}{i}@example.invalid",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        medical_record_number: s(format!("MOCK-MRN-{i:06}")),
        practice_id: s("1"),
        practice_name: s("Mock Practice"),
        default_rendering_provider_full_name: s("Doctor Mockprovider"),
        default_rendering_provider_id: s("7"),
        default_service_location_id: s("3"),
        default_service_location_name: s("Mock Clinic"),
        created_date: s("1/2/2020 9:30:00 AM"),
        last_modified_date: s("3/4/2021 4:05:00 PM"),
        patient_balance: s("0.00"),
        insurance_balance: s("12.50"),
        total_balance: s("12.50"),
        ..PatientData::default()
    }
}

/// Fake patient number `i` as `GetAllPatients` lists it.
pub fn fake_batch_patient(i: usize) -> PatientBatchData {
    let p = fake_patient(i);
    PatientBatchData {
        id: p.id,
        first_name: p.first_name,
        last_name: p.last_name,
        middle_name: p.middle_name,
        dob: p.dob,
        gender: p.gender,
        address_line1: p.address_line1,
        city: p.city,
        state: p.state,
        zip_code: p.zip_code,
        home_phone: p.home_phone,
        email_address: p.email_address,
        medical_record_number: p.medical_record_number,
        ..PatientBatchData::default()
    }
}

fn matches(filter: &Nillable<String>, value: &Nillable<String>) -> bool {
    match filter.value().filter(|f| !f.is_empty()) {
        None => true,
        Some(f) => value.value().is_some_and(|v| v.eq_ignore_ascii_case(f)),
    }
}

fn fake_appointment(i: usize) -> AppointmentData {
    let p = fake_patient(i);
    AppointmentData {
        id: s((700_000 + i).to_string()),
        patient_id: p.id.clone(),
        patient_full_name: p.patient_full_name.clone(),
        practice_id: s("1"),
        practice_name: s("Mock Practice"),
        service_location_name: s("Mock Clinic"),
        start_date: s(format!("5/{}/2024 9:00:00 AM", 1 + i % 28)),
        end_date: s(format!("5/{}/2024 9:30:00 AM", 1 + i % 28)),
        confirmation_status: s("Scheduled"),
        appointment_reason1: s("Mock checkup"),
        resource_name1: s("Doctor Mockprovider"),
        r#type: s("P"),
        ..AppointmentData::default()
    }
}

fn fill(response: &mut dyn Any, request: &dyn Any, state: &State) {
    if let Some(r) = response.downcast_mut::<GetPatientsResp>() {
        let filter = request
            .downcast_ref::<GetPatientsReq>()
            .map(|q| q.filter.clone())
            .unwrap_or_default();
        let n = state.patient_count.load(Ordering::SeqCst);
        let patients = (0..n)
            .map(fake_patient)
            .filter(|p| matches(&filter.last_name, &p.last_name) && matches(&filter.first_name, &p.first_name))
            .collect();
        r.patients = Nillable::Value(patients);
    } else if let Some(r) = response.downcast_mut::<GetAllPatientsResp>() {
        let n = state.patient_count.load(Ordering::SeqCst);
        r.patients = Nillable::Value((0..n).map(fake_batch_patient).collect());
    } else if let Some(r) = response.downcast_mut::<GetPatientResp>() {
        let id = request
            .downcast_ref::<GetPatientReq>()
            .and_then(|q| q.filter.value())
            .and_then(|f| f.patient_id.value().copied())
            .unwrap_or(100_000);
        let mut p = fake_patient((id.max(100_000) - 100_000) as usize);
        p.id = s(id.to_string());
        r.patient = Nillable::Value(p);
    } else if let Some(r) = response.downcast_mut::<GetAppointmentsResp>() {
        r.appointments = Nillable::Value((0..2).map(fake_appointment).collect());
    } else if let Some(r) = response.downcast_mut::<GetProvidersResp>() {
        r.providers = Nillable::Value(vec![ProviderData {
            id: s("7"),
            first_name: s("Doctor"),
            last_name: s("Mockprovider"),
            full_name: s("Doctor Mockprovider, MD"),
            active: s("True"),
            practice_id: s("1"),
            practice_name: s("Mock Practice"),
            ..ProviderData::default()
        }]);
    } else if let Some(r) = response.downcast_mut::<GetPracticesResp>() {
        r.practices = Nillable::Value(vec![PracticeData {
            id: s("1"),
            practice_name: s("Mock Practice"),
            active: s("True"),
            practice_city: s("Exampleville"),
            ..PracticeData::default()
        }]);
    } else if let Some(r) = response.downcast_mut::<ModifyPatientResp>() {
        let updated = request
            .downcast_ref::<UpdatePatientReq>()
            .and_then(|q| q.patient.as_ref())
            .and_then(|p| p.patient_id.value().copied());
        let id = updated.unwrap_or_else(|| state.next_id.fetch_add(1, Ordering::SeqCst));
        r.patient_id = Nillable::Value(id);
        r.practice_id = Nillable::Value(1);
        r.practice_name = s("Mock Practice");
    } else if let Some(r) = response.downcast_mut::<CreateAppointmentResp>() {
        let appointment = request
            .downcast_ref::<CreateAppointmentReq>()
            .and_then(|q| q.appointment.clone());
        r.appointment = match appointment {
            Some(mut a) => {
                a.appointment_id = Some(i64::from(state.next_id.fetch_add(1, Ordering::SeqCst)));
                Nillable::Value(a)
            }
            None => Nillable::Nil,
        };
    }
}

// ---------------------------------------------------------------------------------------------
// Replies.

fn xml_reply(status: u16, body: Bytes) -> Reply {
    let mut reply = Response::new(MockBody::Left(Full::new(body)));
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    reply
}

fn text(status: u16, message: &str) -> Reply {
    let mut reply = Response::new(MockBody::Left(Full::new(Bytes::from(message.to_owned()))));
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    reply
}

fn html(status: u16, title: &str, message: &str) -> Reply {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title><style>body {{ font-family: sans-serif; }}</style></head>\n\
         <body><h1>{title}</h1>\n<p>HTTP Error {status}. {message}</p></body></html>\n"
    );
    let mut reply = Response::new(MockBody::Left(Full::new(Bytes::from(page))));
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    reply
}

fn fault(status: u16, fault: &Fault) -> Reply {
    match envelope::write_fault(fault) {
        Ok(xml) => xml_reply(status, Bytes::from(xml)),
        Err(e) => text(500, &format!("the mock cannot encode its fault: {e}")),
    }
}

/// The fault WCF answers to a `SOAPAction` no operation has.
fn contract_filter_mismatch(action: &str) -> Reply {
    fault(
        500,
        &Fault {
            code: "a:ActionNotSupported".to_owned(),
            string: format!(
                "The message with Action '{action}' cannot be processed at the receiver, due to a \
                 ContractFilter mismatch at the EndpointDispatcher."
            ),
            ..Fault::default()
        },
    )
}

//! The server: [`MockKareo`], its accept loop, and how it answers one request.

use std::any::Any;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
use kareo_sdk::ids::{AppointmentId, ChargeId, PatientId, PaymentId};
use kareo_sdk::operations::{self, OPERATIONS};
use kareo_sdk::types::*;
use kareo_sdk::values::chrono::Days;
use kareo_sdk::values::NaiveDate;
use kareo_sdk::xml::{
    Credentialed, DecodeErrorKind, Encode, Inherits, Limits, ListOperation, MessageDecode, Nillable, Operation, Sample,
    Writer,
};
use kareo_sdk::Credentials;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};

use crate::faults::{Behavior, Faults, Rule, Step};
use crate::list_body::{CutIo, CutSignal, ListBody};
use crate::model::{self, Outcome};
use crate::settings::Settings;
use crate::store::{self, Encounter, Store};
use crate::throttle::{over_limit_message, Throttles};

/// Customer key the mock accepts by default (invented).
pub const MOCK_CUSTOMER_KEY: &str = "MOCK-CUSTKEY-7d41c9e2";
/// User the mock accepts by default (invented).
pub const MOCK_USER: &str = "mock.user.5b2f@example.invalid";
/// Password the mock accepts by default (invented).
pub const MOCK_PASSWORD: &str = "mock-pass-93a0e6f1";

/// The path the mock serves, the real service's.
pub const ENDPOINT_PATH: &str = "/services/soap/2.1/KareoServices.svc";

/// The customer ID the mock's account has (invented).
pub const CUSTOMER_ID: i32 = 4242;

/// The response header that says how many members of the request the mock ignored (out of
/// sequence order, in a namespace their type does not declare, or unknown).
pub const IGNORED_MEMBERS_HEADER: &str = "x-mock-ignored-members";

/// Requests the mock remembers in [`MockKareo::requests_log`] (the latest ones).
const LOG_LEN: usize = 1024;

/// One request the mock answered, as [`MockKareo::requests_log`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// The operation its `SOAPAction` named.
    pub operation: String,
    /// Members of the request the mock ignored, as the service would have: out of sequence
    /// order, in a namespace their type does not declare, or unknown to the schema.
    pub ignored_members: u64,
}

struct State {
    customer_key: String,
    user: String,
    password: String,
    settings: Mutex<Settings>,
    faults: Mutex<Faults>,
    store: Mutex<Store>,
    throttles: Mutex<Throttles>,
    total: AtomicUsize,
    ignored_total: AtomicU64,
    log: Mutex<VecDeque<RequestRecord>>,
    per_operation: Mutex<HashMap<&'static str, usize>>,
    last_client_version: Mutex<Option<String>>,
    /// The credential values each operation's last request carried, by role.
    last_credentials: Mutex<HashMap<&'static str, Vec<(&'static str, String)>>>,
    last_soap_action: Mutex<Option<String>>,
    /// When set, list answers are generated while sent ([`MockKareo::serve_lists`]).
    list_body: Mutex<Option<ListBody>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running mock Kareo on loopback. Dropping it stops the server and closes its connections.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use kareo_mock::MockKareo;
/// use kareo_sdk::KareoClient;
///
/// let mock = MockKareo::start().await?;
/// let client = KareoClient::builder(mock.credentials()).endpoint(mock.endpoint()).build()?;
/// let practices = client.get_practices(kareo_sdk::types::GetPracticesReq::new()).await?;
/// assert_eq!(practices.practices.value().map(Vec::len), Some(1));
/// # Ok(())
/// # }
/// ```
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

/// Sets up a [`MockKareo`] before it starts: its settings, credentials and first records.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use kareo_mock::{MockKareo, Settings};
///
/// let mock = MockKareo::builder()
///     .settings(Settings::default().throttles(false))
///     .credentials("INVENTED-KEY", "someone@example.invalid", "invented-password")
///     .empty()
///     .start()
///     .await?;
/// assert!(mock.patients().is_empty());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Builder {
    settings: Settings,
    credentials: (String, String, String),
    demo: bool,
}

impl Builder {
    /// With these settings (default: [`Settings::default`], every behaviour on).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Accepting these credentials (default: [`MOCK_CUSTOMER_KEY`], [`MOCK_USER`],
    /// [`MOCK_PASSWORD`]).
    pub fn credentials(mut self, customer_key: &str, user: &str, password: &str) -> Self {
        self.credentials = (customer_key.to_owned(), user.to_owned(), password.to_owned());
        self
    }

    /// Starting without the demo patients and appointments (the demo practice, provider and
    /// service location are kept: appointments refer to them).
    pub fn empty(mut self) -> Self {
        self.demo = false;
        self
    }

    /// Binds `127.0.0.1` on a free port and starts serving. Must be called inside a Tokio
    /// runtime.
    pub async fn start(self) -> std::io::Result<MockKareo> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let mut store = Store::new();
        store.seed_directory();
        if self.demo {
            for i in 0..3 {
                store.add_patient(store::fake_patient(i));
            }
            for i in 0..2 {
                store.add_appointment(store::fake_appointment(i));
            }
        }
        let (customer_key, user, password) = self.credentials;
        let state = Arc::new(State {
            customer_key,
            user,
            password,
            settings: Mutex::new(self.settings),
            faults: Mutex::new(Faults::default()),
            store: Mutex::new(store),
            throttles: Mutex::new(Throttles::published()),
            total: AtomicUsize::new(0),
            ignored_total: AtomicU64::new(0),
            log: Mutex::new(VecDeque::new()),
            per_operation: Mutex::new(HashMap::new()),
            last_client_version: Mutex::new(None),
            last_credentials: Mutex::new(HashMap::new()),
            last_soap_action: Mutex::new(None),
            list_body: Mutex::new(None),
        });
        let task = tokio::spawn(serve(listener, Arc::clone(&state)));
        Ok(MockKareo { addr, state, task })
    }
}

impl MockKareo {
    /// Starts a mock with every behaviour on, the default credentials and the demo records
    /// (3 patients, 2 appointments, a practice, a provider, a service location; all invented).
    pub async fn start() -> std::io::Result<MockKareo> {
        Self::builder().start().await
    }

    /// A [`Builder`], to choose settings, credentials and records before starting.
    pub fn builder() -> Builder {
        Builder {
            settings: Settings::default(),
            credentials: (
                MOCK_CUSTOMER_KEY.to_owned(),
                MOCK_USER.to_owned(),
                MOCK_PASSWORD.to_owned(),
            ),
            demo: true,
        }
    }

    /// Starts a mock (as [`MockKareo::start`]) that accepts these credentials.
    pub async fn with_credentials(customer_key: &str, user: &str, password: &str) -> std::io::Result<MockKareo> {
        Self::builder().credentials(customer_key, user, password).start().await
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

    /// The settings in force.
    pub fn settings(&self) -> Settings {
        lock(&self.state.settings).clone()
    }

    /// Replaces the settings (for the requests that follow).
    pub fn set_settings(&self, settings: Settings) {
        *lock(&self.state.settings) = settings;
    }

    // --- fault injection ---------------------------------------------------------------------

    /// Adds a misbehaviour; rules apply in the order they were added.
    pub fn inject(&self, rule: Rule) {
        lock(&self.state.faults).push(rule);
    }

    /// Scripts the next calls of `operation`: each call takes the next step (a misbehaviour,
    /// or `None` for a normal answer); after the last step, calls are answered normally again.
    /// A script's steps come before any [`Rule`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use kareo_mock::{Behavior, MockKareo};
    ///
    /// let mock = MockKareo::start().await?;
    /// // The next 2 calls to GetCharges are throttled, the third answered, the fourth cut short.
    /// mock.script("GetCharges", [Some(Behavior::Throttle), Some(Behavior::Throttle), None, Some(Behavior::Truncate)]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn script(&self, operation: &str, steps: impl IntoIterator<Item = Step>) {
        lock(&self.state.faults).script(operation, steps);
    }

    /// Drops all pending rules and scripts.
    pub fn clear_rules(&self) {
        lock(&self.state.faults).clear();
    }

    // --- what the mock saw ---------------------------------------------------------------------

    /// HTTP requests received, whatever they were.
    pub fn requests(&self) -> usize {
        self.state.total.load(Ordering::SeqCst)
    }

    /// Requests whose `SOAPAction` named `operation` (counted before any other check).
    pub fn requests_for(&self, operation: &str) -> usize {
        lock(&self.state.per_operation).get(operation).copied().unwrap_or(0)
    }

    /// Members of all requests so far that the mock ignored as the service would have: sent
    /// out of sequence order, in a namespace their type does not declare, or unknown to the
    /// schema. A test asserts it is 0 to know that nothing it sent was lost.
    pub fn ignored_members(&self) -> u64 {
        self.state.ignored_total.load(Ordering::SeqCst)
    }

    /// The latest requests the mock decoded (at most 1,024), oldest first, each with the
    /// members it ignored. Every answer also carries that count in the
    /// [`IGNORED_MEMBERS_HEADER`] response header.
    pub fn requests_log(&self) -> Vec<RequestRecord> {
        lock(&self.state.log).iter().cloned().collect()
    }

    /// The credential values (by role: `customer_key`, `user`, `password`, `client_version`)
    /// that the last request of `operation` carried, wherever its type holds them.
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

    // --- throttles -----------------------------------------------------------------------------

    /// The throttle table in force, by operation: the vendor's published intervals unless
    /// changed with [`set_throttle`](Self::set_throttle). `GetThrottles` answers it.
    pub fn throttle_table(&self) -> BTreeMap<&'static str, Duration> {
        lock(&self.state.throttles).table.clone()
    }

    /// Sets the interval of `operation` (`None`: not throttled). An operation the contract
    /// does not have is ignored.
    pub fn set_throttle(&self, operation: &str, interval: Option<Duration>) {
        let Some(info) = OPERATIONS.iter().find(|o| o.name == operation) else {
            return;
        };
        let mut t = lock(&self.state.throttles);
        match interval {
            Some(i) => t.table.insert(info.name, i),
            None => t.table.remove(info.name),
        };
    }

    /// Gives every throttled operation (every one in [`throttle_table`](Self::throttle_table))
    /// the interval `interval`; operations without a limit stay without one. For fast tests
    /// and benchmarks: with 50 ms here and the client spacing its calls by 50 ms (plus its
    /// margin), a 100-page export takes seconds instead of minutes. Calls are still refused
    /// within the interval (a gap of exactly the interval included), and `GetThrottles`
    /// answers the new table. [`set_throttle`](Self::set_throttle) still changes one
    /// operation afterwards.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// use kareo_mock::MockKareo;
    ///
    /// let mock = MockKareo::start().await?;
    /// mock.set_throttle_intervals(Duration::from_millis(50));
    /// assert_eq!(mock.throttle_table().get("GetAllPatients"), Some(&Duration::from_millis(50)));
    /// assert_eq!(mock.throttle_table().get("CreateDocument"), None, "still unlimited");
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_throttle_intervals(&self, interval: Duration) {
        let mut t = lock(&self.state.throttles);
        for i in t.table.values_mut() {
            *i = interval;
        }
    }

    /// Multiplies every interval of the table in force by `factor` (`0.01`: the published 5 s
    /// of `GetAllPatients` becomes 50 ms, 1 s becomes 10 ms). Scales what is in force, so two
    /// calls scale twice. A factor that is negative, not finite or too large to give an
    /// interval leaves the table as it is.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// use kareo_mock::MockKareo;
    ///
    /// let mock = MockKareo::start().await?;
    /// mock.scale_throttles(0.01);
    /// assert_eq!(mock.throttle_table().get("GetAllPatients"), Some(&Duration::from_millis(50)));
    /// assert_eq!(mock.throttle_table().get("GetPatients"), Some(&Duration::from_millis(10)));
    /// # Ok(())
    /// # }
    /// ```
    pub fn scale_throttles(&self, factor: f64) {
        if !(factor.is_finite() && factor >= 0.0) {
            return;
        }
        let mut t = lock(&self.state.throttles);
        let scaled: Option<Vec<(&'static str, Duration)>> = t
            .table
            .iter()
            .map(|(op, i)| {
                // In whole nanoseconds, rounded: 0.01 of 5 s is exactly 50 ms.
                let nanos = (i.as_nanos() as f64 * factor).round();
                (nanos < u64::MAX as f64).then(|| (*op, Duration::from_nanos(nanos as u64)))
            })
            .collect();
        if let Some(scaled) = scaled {
            t.table.extend(scaled);
        }
    }

    // --- records -------------------------------------------------------------------------------

    /// Adds a patient (invent it: the mock is for test data only). A record without an `ID`
    /// Kareo could have issued (a positive 32-bit integer: none, blank or other text) gets a
    /// new one; a missing `PatientFullName`, `CreatedDate` or `LastModifiedDate` is filled in.
    /// Returns its ID.
    pub fn add_patient(&self, patient: PatientData) -> PatientId {
        PatientId::new(lock(&self.state.store).add_patient(patient))
    }

    /// Adds an appointment; one without an `AppointmentId` Kareo could have issued gets a new
    /// one. Returns its ID. Its patient is `PatientSummary.PatientId`.
    pub fn add_appointment(&self, appointment: AppointmentCreate) -> AppointmentId {
        AppointmentId::new(lock(&self.state.store).add_appointment(appointment))
    }

    /// Adds a charge (what `GetCharges` reads: write dates as `6/2/2026`, money as
    /// `1200.0000`, or set them with the typed setters); one without an `ID` Kareo could have
    /// issued gets a new one. Returns its ID.
    pub fn add_charge(&self, charge: ChargeData) -> ChargeId {
        ChargeId::new(lock(&self.state.store).add_charge(charge))
    }

    /// Adds a payment (what `GetPayments` reads); one without an `ID` Kareo could have issued
    /// gets a new one. Returns its ID.
    pub fn add_payment(&self, payment: PaymentData) -> PaymentId {
        PaymentId::new(lock(&self.state.store).add_payment(payment))
    }

    /// Adds a provider (what `GetProviders` lists).
    pub fn add_provider(&self, provider: ProviderData) {
        lock(&self.state.store).providers.push(provider);
    }

    /// Adds a practice (what `GetPractices` lists).
    pub fn add_practice(&self, practice: PracticeData) {
        lock(&self.state.store).practices.push(practice);
    }

    /// Adds a service location (what `GetServiceLocations` lists).
    pub fn add_service_location(&self, location: ServiceLocationData) {
        lock(&self.state.store).service_locations.push(location);
    }

    /// The patients the mock holds, in the order added.
    pub fn patients(&self) -> Vec<PatientData> {
        lock(&self.state.store).patients.clone()
    }

    /// The appointments the mock holds.
    pub fn appointments(&self) -> Vec<AppointmentCreate> {
        lock(&self.state.store).appointments.clone()
    }

    /// The charges the mock holds (seeded ones and those `CreateEncounter` posted).
    pub fn charges(&self) -> Vec<ChargeData> {
        lock(&self.state.store).charges.clone()
    }

    /// The payments the mock holds.
    pub fn payments(&self) -> Vec<PaymentData> {
        lock(&self.state.store).payments.clone()
    }

    /// The encounters `CreateEncounter` created.
    pub fn encounters(&self) -> Vec<Encounter> {
        lock(&self.state.store).encounters.clone()
    }

    /// The documents `CreateDocument` stored (and `DeleteDocument` did not delete).
    pub fn documents(&self) -> Vec<Document> {
        lock(&self.state.store).documents.clone()
    }

    /// Replaces the patients with `n` demo patients ([`fake_patient`](crate::fake_patient)
    /// `0..n`).
    pub fn set_patient_count(&self, n: usize) {
        let mut store = lock(&self.state.store);
        store.clear_patients();
        store.patients.reserve(n.min(store::MAX_RECORDS));
        for i in 0..n.min(store::MAX_RECORDS) {
            store.add_patient(store::fake_patient(i));
        }
    }

    /// Replaces the charges with `n` demo charges ([`fake_charge`](crate::fake_charge)
    /// `0..n`), spread evenly over the posting days `from..=to` (both ends included, in either
    /// order): charge `i` is posted on day `i * days / n` of the range, so every day gets
    /// `n / days` or one more. Each gets a new, distinct `ID`. For exports and benchmarks: "a
    /// year of 50,000 charges" is `set_charge_count(50_000, 1 Jan, 31 Dec)`. At most
    /// [`MAX_RECORDS`](crate::MAX_RECORDS).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use kareo_mock::MockKareo;
    /// use kareo_sdk::values::NaiveDate;
    ///
    /// let mock = MockKareo::start().await?;
    /// let (from, to) = (NaiveDate::from_ymd_opt(2025, 1, 1), NaiveDate::from_ymd_opt(2025, 12, 31));
    /// if let (Some(from), Some(to)) = (from, to) {
    ///     mock.set_charge_count(50_000, from, to);
    /// }
    /// let charges = mock.charges();
    /// assert_eq!(charges.len(), 50_000);
    /// assert_eq!(charges[0].posting_date.value().map(String::as_str), Some("1/1/2025"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_charge_count(&self, n: usize, from: NaiveDate, to: NaiveDate) {
        let (from, to) = if to < from { (to, from) } else { (from, to) };
        let n = n.min(store::MAX_RECORDS);
        // Both ends included; at least one day.
        let days = u64::try_from((to - from).num_days()).unwrap_or(0) + 1;
        let mut store = lock(&self.state.store);
        store.charges.clear();
        store.charges.reserve(n);
        for i in 0..n {
            let offset = (i as u64).saturating_mul(days) / n as u64;
            let posted = from.checked_add_days(Days::new(offset)).unwrap_or(to);
            store.add_charge(store::fake_charge(i, posted));
        }
    }

    /// Makes every list operation's successful answer a body generated while it is sent:
    /// `spec.records` records (cycling through the records the mock would answer, or through
    /// generated samples with every member set), chunked and paced as `spec` says. `None`
    /// goes back to answers built whole.
    pub fn serve_lists(&self, spec: Option<ListBody>) {
        *lock(&self.state.list_body) = spec;
    }
}

async fn serve(listener: TcpListener, state: Arc<State>) {
    let bounds = lock(&state.settings).bounds;
    let open = Arc::new(Semaphore::new(bounds.max_open_connections.max(1)));
    let mut connections = JoinSet::new();
    let deadline = tokio::time::sleep(bounds.lifetime);
    tokio::pin!(deadline);
    for _ in 0..bounds.max_connections {
        let permit = tokio::select! {
            _ = &mut deadline => break,
            permit = Arc::clone(&open).acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
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
            // A cut answer ([`ListBody::cut_after`]) closes the connection through its
            // transport, once all it wrote is on the socket.
            let cut = Arc::new(CutSignal::default());
            let io = TokioIo::new(CutIo::new(stream, Arc::clone(&cut)));
            let service = service_fn(move |req| handle(Arc::clone(&state), req, Arc::clone(&cut)));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
            drop(permit);
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

async fn handle(state: Arc<State>, req: Request<Incoming>, cut: Arc<CutSignal>) -> Result<Reply, DropConnection> {
    let settings = lock(&state.settings).clone();
    let n = state.total.fetch_add(1, Ordering::SeqCst);
    if n >= settings.bounds.max_requests {
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
    let body = match Limited::new(req.into_body(), settings.bounds.max_body_bytes)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(text(413, "the request body is too large or could not be read")),
    };
    let operation = match operation {
        Some(op) => op,
        None if !settings.check_action => match operation_in_body(&body) {
            Some(op) => op,
            None => return Ok(contract_filter_mismatch(action.as_deref().unwrap_or(""))),
        },
        None => return Ok(contract_filter_mismatch(action.as_deref().unwrap_or(""))),
    };
    let op = operation;

    let behavior = lock(&state.faults).take(op);
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
    let reply = respond(op, &body, &state, &settings, behavior);
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
            Ok(generate_list(op, parts, bytes, &spec, cut))
        }
        _ => Ok(reply),
    }
}

/// The operation whose request wrapper element the body holds (when the `SOAPAction` is not
/// checked): the first operation whose wrapper's local name appears as an element.
fn operation_in_body(body: &[u8]) -> Option<&'static str> {
    let text = std::str::from_utf8(body).ok()?;
    let at = text.find("Body")?;
    let rest = &text[at..];
    let start = rest.find('<')? + 1;
    let name: String = rest[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let local = name.rsplit(':').next()?;
    OPERATIONS.iter().find(|o| o.input.element == local).map(|o| o.name)
}

macro_rules! list_dispatch {
    ($(($op:ident, $method:ident, $stream:ident, $($types:tt)*)),* $(,)?) => {
        /// A built answer of `name` (its head and body) as a generated body, for a list
        /// operation.
        fn generate_list(
            name: &str,
            parts: hyper::http::response::Parts,
            bytes: Bytes,
            spec: &ListBody,
            cut: Arc<CutSignal>,
        ) -> Reply {
            $(
                if name == <operations::$op as Operation>::INFO.name {
                    let body = generate::<operations::$op>(&bytes, spec)
                        .map(|body| body.with_cut_signal(cut))
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
    O::Item: Encode + Sample,
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
            .map(|()| Bytes::from(self_close(&w.into_string())))
    };
    let encode_all = |items: &[O::Item]| items.iter().map(encode_item).collect::<Result<Vec<_>, _>>().ok();
    let mut records = encode_all(&items)?;
    // The records as the answer holds them, to find where they go.
    let all: Vec<u8> = records.iter().flat_map(|r| r.iter().copied()).collect();
    let at = bytes.windows(all.len()).position(|w| w == all.as_slice())?;
    if spec.populated {
        records = encode_all(&[O::Item::sample()])?;
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

macro_rules! dispatch {
    ($(($op:ident, $method:ident, $($types:tt)*)),* $(,)?) => {
        fn respond(name: &str, body: &[u8], state: &State, settings: &Settings, behavior: Option<Behavior>) -> Reply {
            $(
                if name == <operations::$op as Operation>::INFO.name {
                    return respond_op::<operations::$op>(body, state, settings, behavior);
                }
            )*
            contract_filter_mismatch(name)
        }
    };
}

kareo_sdk::for_each_operation!(dispatch);

/// The fault WCF answers when the service's code reads a member the request left out.
const NULL_REFERENCE: &str = "Object reference not set to an instance of an object.";

/// Reads the request as the settings say: in sequence order only (counting what is ignored),
/// or in any order. A missing `Filter` is the null-reference fault when required, an empty
/// filter otherwise.
fn decode<O>(body: &[u8], settings: &Settings) -> Result<(O::Request, u64), Box<Reply>>
where
    O: Operation,
    O::Request: MessageDecode,
{
    let read = |body: &[u8]| {
        if settings.strict_order {
            envelope::read_request_strict::<O>(body, Limits::default()).map(|(r, stats)| (r, stats.skipped))
        } else {
            envelope::read_request::<O>(body, Limits::default()).map(|r| (r, 0))
        }
    };
    let error = match read(body) {
        Ok(read) => return Ok(read),
        Err(e) => e,
    };
    if error.kind == DecodeErrorKind::Missing("Filter") {
        if settings.require_filter {
            return Err(Box::new(fault(
                500,
                &Fault {
                    code: "a:InternalServiceFault".to_owned(),
                    string: NULL_REFERENCE.to_owned(),
                    ..Fault::default()
                },
            )));
        }
        if let Some(read) = with_empty_filter::<O>(body).and_then(|b| read(&b).ok()) {
            return Ok(read);
        }
    }
    Err(Box::new(fault(
        500,
        &Fault {
            code: "a:DeserializationFailed".to_owned(),
            string: format!("The request message for {} could not be read: {error}", O::INFO.name),
            ..Fault::default()
        },
    )))
}

/// The request with an empty `Filter` (in the namespace of the request's child element)
/// added at the end of that element: what WCF reads a missing filter as when the service's
/// code does not dereference it.
fn with_empty_filter<O: Operation>(body: &[u8]) -> Option<Vec<u8>> {
    let child = O::INFO.input.child?;
    let ns = O::INFO.namespaces.get(usize::from(child.ns.0))?;
    let text = std::str::from_utf8(body).ok()?;
    let close = [format!(":{}>", child.name), format!("</{}>", child.name)];
    let end = close.iter().filter_map(|c| text.rfind(c.as_str())).max()?;
    let at = text[..end + 1].rfind("</")?;
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..at]);
    out.push_str(&format!("<Filter xmlns=\"{ns}\"/>"));
    out.push_str(&text[at..]);
    Some(out.into_bytes())
}

fn respond_op<O>(body: &[u8], state: &State, settings: &Settings, behavior: Option<Behavior>) -> Reply
where
    O: Operation,
    O::Request: MessageDecode + 'static,
    O::Response: Encode + Default + Sample + Inherits<ResponseBase> + 'static,
{
    let set_base = |r: &mut O::Response, base: ResponseBase| {
        r.set_base(base);
    };
    let (request, ignored) = match decode::<O>(body, settings) {
        Ok(read) => read,
        Err(reply) => return *reply,
    };
    state.ignored_total.fetch_add(ignored, Ordering::SeqCst);
    {
        let mut log = lock(&state.log);
        if log.len() >= LOG_LEN {
            log.pop_front();
        }
        log.push_back(RequestRecord {
            operation: O::INFO.name.to_owned(),
            ignored_members: ignored,
        });
    }
    let sent = SentCredentials::of(&request);
    if let Some(v) = &sent.client_version {
        *lock(&state.last_client_version) = Some(v.clone());
    }
    lock(&state.last_credentials).insert(O::INFO.name, sent.roles());
    let mut response = O::Response::default();
    let failed = check_credentials(state, &sent);
    if let (Some(failed), true) = (&failed, settings.check_credentials) {
        // A response without the status base (2025's GetCustomerIdFromKey) is sent empty.
        set_base(&mut response, failed.clone());
        return encode::<O>(&response, false, ignored);
    }
    let truncate = matches!(behavior, Some(Behavior::Truncate));
    let error = match behavior {
        Some(Behavior::IsError(message)) => Some(message),
        Some(Behavior::Throttle) => {
            let interval = lock(&state.throttles).table.get(O::INFO.name).copied();
            Some(over_limit_message(
                O::INFO.name,
                interval.unwrap_or(Duration::from_secs(1)),
            ))
        }
        Some(Behavior::NotAuthorized(missing)) => {
            set_base(&mut response, not_authorized_base(missing));
            return encode::<O>(&response, false, ignored);
        }
        _ if settings.throttles => lock(&state.throttles)
            .check(O::INFO.name, tokio::time::Instant::now())
            .map(|interval| over_limit_message(O::INFO.name, interval)),
        _ => None,
    };
    if let Some(message) = error {
        set_base(&mut response, error_base(&message));
        return encode::<O>(&response, false, ignored);
    }
    let outcome = if let Some(message) = model::window_error(&request as &dyn Any, settings) {
        Outcome::Error(message)
    } else {
        let mut store = lock(&state.store);
        let throttles = lock(&state.throttles).table.clone();
        let mut cx = model::Ctx {
            store: &mut store,
            settings,
            throttles: &throttles,
            authorized: failed.is_none(),
        };
        model::answer(&mut response as &mut dyn Any, &request as &dyn Any, &mut cx)
    };
    match outcome {
        Outcome::Done => {}
        Outcome::Error(message) => {
            let mut response = O::Response::default();
            set_base(&mut response, error_base(&message));
            return encode::<O>(&response, false, ignored);
        }
        Outcome::NotModelled => response = O::Response::sample(),
    }
    set_base(&mut response, ok_base());
    encode::<O>(&response, truncate, ignored)
}

fn encode<O: Operation>(response: &O::Response, truncate: bool, ignored: u64) -> Reply
where
    O::Response: Encode,
{
    match envelope::write_response::<O>(response) {
        Ok(xml) => {
            let mut bytes = Bytes::from(self_close(&xml));
            if truncate {
                bytes.truncate(bytes.len() / 2);
            }
            let mut reply = xml_reply(200, bytes);
            reply
                .headers_mut()
                .insert(IGNORED_MEMBERS_HEADER, HeaderValue::from(ignored));
            reply
        }
        Err(e) => text(500, &format!("the mock cannot encode its response: {e}")),
    }
}

/// `xml` with every element that has no content written self-closing (`<a:ChargeData/>`), as
/// WCF's writer writes them.
fn self_close(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find("></") {
        let (before, after) = rest.split_at(i);
        let start = before.rfind('<').unwrap_or(0);
        let tag = &before[start + 1..];
        let name = tag.split([' ', '\t', '\n', '\r']).next().unwrap_or("");
        let end_name = after[3..].split('>').next().unwrap_or("");
        if !name.is_empty() && !tag.starts_with(['/', '?', '!']) && name == end_name {
            out.push_str(before);
            out.push_str("/>");
            rest = &after[3 + end_name.len() + 1..];
        } else {
            out.push_str(before);
            out.push('>');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
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
    let mut security = SecurityResponse::new()
        .authenticated(authenticated)
        .authorized(false)
        .customer_key_valid(key_ok)
        .security_result(message)
        .security_result_success(false);
    security.permissions_missing = Nillable::Nil;
    security.practices_authorized = Nillable::Nil;
    Some(
        ResponseBase::new()
            .error_response(ErrorResponse::new().is_error(false))
            .security_response(security),
    )
}

fn ok_security() -> SecurityResponse {
    let mut security = SecurityResponse::new()
        .authenticated(true)
        .authorized(true)
        .customer_id(CUSTOMER_ID)
        .customer_key_valid(true)
        .practices_authorized(PracticiesAuthorized::new().practice_id(vec![1]))
        .security_result("Success")
        .security_result_success(true);
    security.permissions_missing = Nillable::Nil;
    security
}

fn ok_base() -> ResponseBase {
    let mut error = ErrorResponse::new().is_error(false);
    error.error_message = Nillable::Nil;
    error.stack_trace = Nillable::Nil;
    ResponseBase::new()
        .error_response(error)
        .security_response(ok_security())
}

fn error_base(message: &str) -> ResponseBase {
    ResponseBase::new()
        .error_response(
            ErrorResponse::new()
                .error_message(message)
                .is_error(true)
                .stack_trace("   at Mock.Kareo.Service()"),
        )
        .security_response(ok_security())
}

fn not_authorized_base(missing: Vec<String>) -> ResponseBase {
    ResponseBase::new()
        .error_response(ErrorResponse::new().is_error(false))
        .security_response(
            ok_security()
                .authorized(false)
                .security_result_success(false)
                .security_result("User is not authorized for this operation")
                .permissions_missing(
                    PermissionsMissing::new().permission(missing.into_iter().map(Some).collect::<Vec<_>>()),
                ),
        )
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

//! Hostile servers: what the client does when the server sends what no correct server would.
//!
//! Each case runs the real client (reqwest transport, retries, classification, parser) against
//! a raw TCP server on loopback that writes a scripted reply ([`server`]), and checks the
//! error (variant and kind, a readable `Display` naming the operation, retryability), how many
//! requests the server saw, that no credential shows in `Display` or `Debug`, and how much
//! heap the case needed at its peak (a counting global allocator, [`alloc`]).
//!
//! The allocator counts the whole binary, so cases run one at a time: every test takes one
//! global lock and runs its cases in sequence, each measured from its own baseline. Peaks are
//! printed (`cargo test --test hostile -- --nocapture` shows them).

#[path = "hostile/alloc.rs"]
mod alloc;
#[path = "hostile/server.rs"]
mod server;

use std::future::Future;
use std::io::Write as _;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use kareo_mock::fake_patient;
use kareo_sdk::client::{ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES};
use kareo_sdk::envelope;
use kareo_sdk::error::TransportErrorKind;
use kareo_sdk::operations::GetPatients;
use kareo_sdk::types::{
    CreatePatientReq, GetPatientsReq, GetPatientsResp, ModifyPatientResp, PatientCreate, PatientData,
};
use kareo_sdk::xml::{DecodeErrorKind, Nillable};
use kareo_sdk::{Credentials, Error, KareoClient, RetryPolicy};
use server::{Body, Framing, Reply, Server};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;
const GIB: u64 = 1024 * 1024 * 1024;

/// Invented credentials, distinctive enough that a leak is found by substring search. The
/// user holds an `&`, so that XML-escaped echoes (`&amp;`, `&#38;`) are exercised; the key and
/// password are valid XML names, so that a server can echo them as element names.
const KEY: &str = "HOSTILE-CUSTKEY-7f3a9c21";
const USER: &str = "hostile&user-5e8b@example.invalid";
const PASSWORD: &str = "HOSTILE-PASSWORD-c4d2e6";
const SECRETS: [&str; 3] = [KEY, USER, PASSWORD];

/// Peak bound of a case whose body is small: the client, one connection, the parse.
const SMALL: usize = 8 * MIB;

/// Attempts of the default retry policy.
const ATTEMPTS: usize = 3;

const ENV_OPEN: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#;
const ENV_CLOSE: &str = "</s:Body></s:Envelope>";
const RESULT_OPEN: &str = r#"<GetPatientsResponse xmlns="http://www.kareo.com/api/schemas/"><GetPatientsResult xmlns:i="http://www.w3.org/2001/XMLSchema-instance">"#;
const RESULT_CLOSE: &str = "</GetPatientsResult></GetPatientsResponse>";

/// Cases run one at a time (the allocator's counters are global).
static SEQUENTIAL: Mutex<()> = Mutex::new(());

fn sequential() -> MutexGuard<'static, ()> {
    SEQUENTIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A GetPatients envelope around `result` (the content of `GetPatientsResult`).
fn patients_envelope(result: &str) -> String {
    format!("{ENV_OPEN}{RESULT_OPEN}{result}{RESULT_CLOSE}{ENV_CLOSE}")
}

/// A GetPatients envelope as the SDK's own server codec writes it.
fn written_envelope(patients: Vec<PatientData>) -> String {
    let response = GetPatientsResp::new().patients(patients);
    envelope::write_response::<GetPatients>(&response).expect("writes the envelope")
}

/// `text` split around its one occurrence of `marker`.
fn split_at_marker<'a>(text: &'a str, marker: &str) -> (&'a str, &'a str) {
    let at = text.find(marker).expect("marker present");
    (&text[..at], &text[at + marker.len()..])
}

fn new_patient() -> CreatePatientReq {
    PatientCreate::new()
        .first_name("Hostile")
        .last_name("Testpatient")
        .into()
}

/// The client every case starts from: the invented credentials, fast retries (the default
/// three attempts), an 8 MiB body limit, and a request timeout that ends a hung case.
fn base_builder(url: &str) -> ClientBuilder {
    KareoClient::builder(Credentials::new(KEY, USER, PASSWORD))
        .endpoint(url)
        .retry(RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .max_response_bytes(8 * MIB)
        .request_timeout(Duration::from_secs(30))
}

/// What one case produced.
struct Outcome<T> {
    case: String,
    result: Result<T, Error>,
    requests: usize,
    connections: usize,
    heads: Vec<String>,
    /// Peak heap above the case's baseline, in bytes.
    peak: usize,
}

/// Serves `reply`, builds the client (`configure` on [`base_builder`]) and measures `call`.
async fn run<T, Fut>(
    case: &str,
    reply: Reply,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
    call: impl FnOnce(KareoClient) -> Fut,
) -> Outcome<T>
where
    Fut: Future<Output = Result<T, Error>>,
{
    let server = Server::start(reply).await;
    let client = configure(base_builder(server.url())).build().expect("client builds");
    let baseline = alloc::reset_peak();
    let result = call(client).await;
    let peak = alloc::peak().saturating_sub(baseline);
    Outcome {
        case: case.to_owned(),
        result,
        requests: server.requests(),
        connections: server.connections(),
        heads: server.heads(),
        peak,
    }
}

/// Runs GetPatients (a read: retried) against `reply`.
async fn read(
    case: &str,
    reply: Reply,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Outcome<GetPatientsResp> {
    run(case, reply, configure, |c| async move {
        c.get_patients(GetPatientsReq::default()).await
    })
    .await
}

/// Runs CreatePatient (a write: never resent once it may have reached the server).
async fn write(
    case: &str,
    reply: Reply,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Outcome<ModifyPatientResp> {
    run(case, reply, configure, |c| async move {
        c.create_patient(new_patient()).await
    })
    .await
}

fn same(b: ClientBuilder) -> ClientBuilder {
    b
}

/// What an error case must show.
struct Want<'a> {
    operation: &'a str,
    /// A phrase the `Display` must contain.
    phrase: &'a str,
    retryable: bool,
    requests: usize,
    /// Peak heap bound, in bytes.
    bound: usize,
}

fn read_want(phrase: &str, retryable: bool, bound: usize) -> Want<'_> {
    Want {
        operation: "GetPatients",
        phrase,
        retryable,
        requests: if retryable { ATTEMPTS } else { 1 },
        bound,
    }
}

fn write_want(phrase: &str, retryable: bool, bound: usize) -> Want<'_> {
    Want {
        operation: "CreatePatient",
        phrase,
        retryable,
        requests: 1,
        bound,
    }
}

fn report<T>(out: &Outcome<T>, bound: usize) {
    eprintln!(
        "hostile: {:<62} peak {:>9.1} KiB  bound {:>9.1} KiB  requests {}  connections {}",
        out.case,
        out.peak as f64 / KIB as f64,
        bound as f64 / KIB as f64,
        out.requests,
        out.connections,
    );
}

/// No credential, and no 8-character piece of one, in `text`.
fn assert_no_secret(case: &str, what: &str, text: &str) {
    for secret in SECRETS {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(8) {
            let piece: String = window.iter().collect();
            assert!(
                !text.contains(&piece),
                "{case}: {what} shows {piece:?}, a piece of a credential: {text}"
            );
        }
    }
}

fn assert_peak<T>(out: &Outcome<T>, bound: usize) {
    assert!(
        out.peak < bound,
        "{}: peak heap {} bytes, over the bound of {bound}",
        out.case,
        out.peak
    );
}

/// Checks an error case (see [`Want`]) and returns the error for the variant check.
fn expect_error<'o, T>(out: &'o Outcome<T>, want: Want<'_>) -> &'o Error {
    report(out, want.bound);
    let case = &out.case;
    let e = match &out.result {
        Err(e) => e,
        Ok(_) => panic!("{case}: expected an error, got a response"),
    };
    let shown = e.to_string();
    let debug = format!("{e:?}");
    eprintln!("hostile: {case}: {shown}");
    assert!(!shown.trim().is_empty(), "{case}: Display is empty");
    assert!(
        shown.contains(want.operation),
        "{case}: Display names {}: {shown}",
        want.operation
    );
    assert!(
        shown.contains(want.phrase),
        "{case}: Display says {:?}: {shown}",
        want.phrase
    );
    assert_eq!(e.is_retryable(), want.retryable, "{case}: is_retryable of {shown}");
    assert_eq!(out.requests, want.requests, "{case}: requests the server saw ({shown})");
    assert_no_secret(case, "Display", &shown);
    assert_no_secret(case, "Debug", &debug);
    assert_peak(out, want.bound);
    e
}

/// Checks a success case and returns the response.
fn expect_ok<T>(out: &Outcome<T>, requests: usize, bound: usize) -> &T {
    report(out, bound);
    let case = &out.case;
    let r = match &out.result {
        Ok(r) => r,
        Err(e) => panic!("{case}: expected a response, got {e} ({e:?})"),
    };
    assert_eq!(out.requests, requests, "{case}: requests the server saw");
    assert_peak(out, bound);
    r
}

fn decode_kind(case: &str, e: &Error) -> DecodeErrorKind {
    match e {
        Error::Decode { error, .. } => error.kind.clone(),
        other => panic!("{case}: expected Error::Decode, got {other:?}"),
    }
}

fn patient_count(r: &GetPatientsResp) -> usize {
    r.patients.value().map_or(0, Vec::len)
}

// ---------------------------------------------------------------------------------------------
// 1. DTDs and entities.

#[test]
fn dtds_and_entities_are_refused() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let lol = "<!ENTITY lol \"lol\">\
             <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\
             <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\
             <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\
             <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\
             <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\
             <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\
             <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\
             <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\
             <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">";
        let value = |v: &str| {
            patients_envelope(&format!(
                "<Patients><PatientData><FirstName>{v}</FirstName></PatientData></Patients>"
            ))
        };
        let cases = [
            (
                "1a billion laughs (internal entities)",
                format!(
                    "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [{lol}]>{}",
                    value("&lol9;")
                ),
                "DTD",
            ),
            (
                "1b external entity SYSTEM file:///etc/passwd",
                format!(
                    "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
                    value("&xxe;")
                ),
                "DTD",
            ),
            (
                "1c parameter entities",
                format!(
                    "<!DOCTYPE s:Envelope [<!ENTITY % remote SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %remote; \
                     <!ENTITY % inner \"<!ENTITY leak 'x'>\"> %inner;]>{}",
                    value("&leak;")
                ),
                "DTD",
            ),
            ("1d undefined entity in a value", value("&foo;"), "entity"),
            (
                "1e DOCTYPE inside the result",
                patients_envelope("<!DOCTYPE x [<!ENTITY e \"e\">]><Patients/>"),
                "malformed XML",
            ),
        ];
        for (case, body, phrase) in cases {
            let out = read(case, Reply::xml(200, body), same).await;
            let e = expect_error(&out, read_want(phrase, false, SMALL));
            assert!(
                matches!(decode_kind(case, e), DecodeErrorKind::Malformed(_)),
                "{case}: Malformed: {e:?}"
            );
        }
    });
}

// ---------------------------------------------------------------------------------------------
// 2. Deep nesting, 3. many unknown elements.

#[test]
fn deep_nesting_is_refused() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let deep = |before: &str, levels: u64, after: &str| {
            Body::new()
                .then(format!("{ENV_OPEN}{RESULT_OPEN}{before}"))
                .repeat("<x>", levels)
                .repeat("</x>", levels)
                .then(format!("{after}{RESULT_CLOSE}{ENV_CLOSE}"))
        };
        let cases = [
            (
                "2a 100,000 levels of unknown elements in GetPatientsResult",
                deep("", 100_000, ""),
                128,
                None,
            ),
            (
                "2b 100,000 levels inside Patients/PatientData",
                deep("<Patients><PatientData>", 100_000, "</PatientData></Patients>"),
                128,
                None,
            ),
            (
                "2c 40 levels with max_depth(16)",
                deep("<Patients><PatientData>", 40, "</PatientData></Patients>"),
                16,
                Some(16),
            ),
        ];
        for (case, body, limit, setting) in cases {
            let out = read(case, Reply::xml(200, body), |b| match setting {
                Some(d) => b.max_depth(d),
                None => b,
            })
            .await;
            let phrase = format!("nested deeper than {limit} levels");
            let e = expect_error(&out, read_want(&phrase, false, SMALL));
            assert_eq!(decode_kind(case, e), DecodeErrorKind::TooDeep(limit), "{case}");
        }
    });
}

#[test]
fn unknown_elements_are_bounded() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let siblings = |n: u64| {
            Body::new()
                .then(format!("{ENV_OPEN}{RESULT_OPEN}"))
                .repeat("<x/>", n)
                .then(format!("{RESULT_CLOSE}{ENV_CLOSE}"))
        };
        let case = "3a 1,000,000 unknown siblings in GetPatientsResult";
        let out = read(case, Reply::xml(200, siblings(1_000_000)), same).await;
        let e = expect_error(
            &out,
            read_want("more than 100000 elements the schema does not declare", false, SMALL),
        );
        assert_eq!(decode_kind(case, e), DecodeErrorKind::TooManyUnknown(100_000), "{case}");

        let case = "3b 11 unknown elements with max_unknown_elements(10)";
        let out = read(case, Reply::xml(200, siblings(11)), |b| b.max_unknown_elements(10)).await;
        let e = expect_error(&out, read_want("more than 10 elements", false, SMALL));
        assert_eq!(decode_kind(case, e), DecodeErrorKind::TooManyUnknown(10), "{case}");

        let out = read(
            "3c 1,000 unknown elements parse",
            Reply::xml(200, siblings(1_000)),
            same,
        )
        .await;
        let r = expect_ok(&out, 1, SMALL);
        assert_eq!(patient_count(r), 0);

        // Unknown elements between real records are skipped, the records kept.
        let body = Body::new()
            .then(format!("{ENV_OPEN}{RESULT_OPEN}<Patients>"))
            .repeat(
                "<PatientData><FirstName>Alfa</FirstName><ID>1</ID><Added><Deeper>1</Deeper></Added></PatientData>",
                500,
            )
            .then(format!("</Patients>{RESULT_CLOSE}{ENV_CLOSE}"));
        let out = read(
            "3d 500 records with 1,000 unknown elements",
            Reply::xml(200, body),
            same,
        )
        .await;
        let r = expect_ok(&out, 1, SMALL);
        assert_eq!(patient_count(r), 500);
    });
}

// ---------------------------------------------------------------------------------------------
// 4. Huge bodies.

/// Bound of a case that reads up to `limit` bytes: the body buffer doubles (3× the limit at
/// the moment of its last reallocation), plus the client and connection.
fn body_limit_bound(limit: usize) -> usize {
    3 * limit + 16 * MIB
}

#[test]
fn huge_bodies_stop_at_the_limit() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        // 2 GiB of unknown elements after a valid start, from one 64 KiB segment.
        let unit = "<x/>".repeat(16 * KIB);
        let two_gib = || {
            Body::new()
                .then(format!("{ENV_OPEN}{RESULT_OPEN}"))
                .repeat(&unit, 2 * GIB / unit.len() as u64)
        };
        let limit_phrase = |limit: usize| format!("larger than the limit of {limit} bytes");

        let default = DEFAULT_MAX_RESPONSE_BYTES;
        let case = "4a 2 GiB Content-Length, default 64 MiB limit";
        let out = read(case, Reply::xml(200, two_gib()), |b| b.max_response_bytes(default)).await;
        // Refused on the declared length: nothing of the body is buffered.
        let e = expect_error(&out, read_want(&limit_phrase(default), false, SMALL));
        assert!(
            matches!(e, Error::ResponseTooLarge { limit, .. } if *limit == default),
            "{case}: {e:?}"
        );

        let cases = [
            ("4b 2 GiB chunked, default 64 MiB limit", Framing::Chunked, default),
            ("4c 2 GiB chunked, 8 MiB limit", Framing::Chunked, 8 * MIB),
            ("4d 2 GiB close-delimited, 4 MiB limit", Framing::Close, 4 * MIB),
        ];
        for (case, framing, limit) in cases {
            let reply = Reply::xml(200, two_gib()).framing(framing);
            let out = read(case, reply, |b| b.max_response_bytes(limit)).await;
            let e = expect_error(&out, read_want(&limit_phrase(limit), false, body_limit_bound(limit)));
            assert!(
                matches!(e, Error::ResponseTooLarge { limit: l, .. } if *l == limit),
                "{case}: {e:?}"
            );
        }

        // A valid 70 MiB response under an 80 MiB limit: the parser follows the client's limit.
        let full = written_envelope(vec![fake_patient(7)]);
        let start = full
            .find("PatientData")
            .and_then(|i| full[..i].rfind('<'))
            .expect("record start");
        let end = full.rfind("PatientData>").expect("record end") + "PatientData>".len();
        let (head, record, tail) = (&full[..start], &full[start..end], &full[end..]);
        let records = (70 * MIB).div_ceil(record.len()) as u64;
        let body = Body::new().then(head).repeat(record, records).then(tail);
        let size = body.len() as usize;
        assert!(size > 70 * MIB && size < 80 * MIB);
        // Parsed records: the body, every record's strings, the vector of records (doubling).
        let bound = 2 * size + 3 * records as usize * std::mem::size_of::<PatientData>() + 32 * MIB;
        eprintln!(
            "hostile: 4e: {records} records of {} bytes, {size} bytes in all; size_of::<PatientData>() = {}",
            record.len(),
            std::mem::size_of::<PatientData>()
        );
        let case = "4e 70 MiB valid GetPatients, 80 MiB limit";
        let out = read(case, Reply::xml(200, body), |b| b.max_response_bytes(80 * MIB)).await;
        let r = expect_ok(&out, 1, bound);
        assert_eq!(patient_count(r) as u64, records, "{case}");
        let first = &r.patients.value().expect("patients")[0];
        assert_eq!(first, &fake_patient(7), "{case}");
    });
}

// ---------------------------------------------------------------------------------------------
// 5. Slow servers.

#[test]
fn slow_servers_time_out() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let case = "5a slow body (one byte per 100 ms), request_timeout 2 s";
        let reply = Reply::xml(200, Body::new().repeat("x", 4096)).pace(Duration::from_millis(100));
        let out = read(case, reply, |b| b.request_timeout(Duration::from_secs(2))).await;
        let e = expect_error(&out, read_want("timed out", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Timeout,
                    ..
                }
            ),
            "{case}: {e:?}"
        );

        let case = "5b slow head (one byte per 200 ms), response_head_timeout 1 s";
        let reply = Reply::xml(200, patients_envelope("")).trickle_head(Duration::from_millis(200));
        let out = read(case, reply, |b| {
            b.response_head_timeout(Duration::from_secs(1))
                .request_timeout(Duration::from_secs(30))
        })
        .await;
        let e = expect_error(&out, read_want("response head", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Timeout,
                    ..
                }
            ),
            "{case}: {e:?}"
        );

        let case = "5c slow body, CreatePatient (not resent)";
        let reply = Reply::xml(200, Body::new().repeat("x", 4096)).pace(Duration::from_millis(100));
        let out = write(case, reply, |b| b.request_timeout(Duration::from_secs(2))).await;
        let e = expect_error(&out, write_want("timed out", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Timeout,
                    ..
                }
            ),
            "{case}: {e:?}"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// 6. Characters XML does not allow.

#[test]
fn invalid_characters_are_refused() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let forms: [(&str, &[u8]); 4] = [
            ("bad UTF-8 bytes", b"Al\xff\xfefa"),
            ("a truncated UTF-8 sequence", b"Al\xe2\x82fa"),
            ("&#0;", b"Al&#0;fa"),
            ("&#xD800; (a lone surrogate)", b"Al&#xD800;fa"),
        ];
        for (form, bytes) in forms {
            let known = [
                format!("{ENV_OPEN}{RESULT_OPEN}<Patients><PatientData><FirstName>").into_bytes(),
                bytes.to_vec(),
                format!("</FirstName></PatientData></Patients>{RESULT_CLOSE}{ENV_CLOSE}").into_bytes(),
            ]
            .concat();
            let case = format!("6a {form} in FirstName (a known value)");
            let out = read(&case, Reply::xml(200, known), same).await;
            let e = expect_error(&out, read_want("FirstName", false, SMALL));
            let kind = decode_kind(&case, e);
            assert!(
                matches!(kind, DecodeErrorKind::Malformed(_) | DecodeErrorKind::InvalidValue(_)),
                "{case}: {kind:?}"
            );

            for (place, open, close) in [
                (
                    "a skipped unknown element",
                    "<Patients><PatientData><Added>",
                    "</Added></PatientData></Patients>",
                ),
                (
                    "a skipped unknown attribute",
                    "<Patients><PatientData><Added a=\"",
                    "\"/></PatientData></Patients>",
                ),
            ] {
                let skipped = [
                    format!("{ENV_OPEN}{RESULT_OPEN}{open}").into_bytes(),
                    bytes.to_vec(),
                    format!("{close}{RESULT_CLOSE}{ENV_CLOSE}").into_bytes(),
                ]
                .concat();
                let case = format!("6b {form} in {place}");
                let out = read(&case, Reply::xml(200, skipped), same).await;
                let e = expect_error(&out, read_want("cannot read the response", false, SMALL));
                let kind = decode_kind(&case, e);
                assert!(
                    matches!(kind, DecodeErrorKind::Malformed(_) | DecodeErrorKind::InvalidValue(_)),
                    "{case}: {kind:?}"
                );
            }
        }

        // Attributes of a skipped element are held to XML's rules too.
        for (case, tag) in [
            ("6c an unquoted attribute value in a skipped element", "<Added a=1/>"),
            (
                "6c a repeated attribute in a skipped element",
                "<Added a=\"1\" a=\"2\"/>",
            ),
            ("6c an undefined entity in a skipped attribute", "<Added a=\"&foo;\"/>"),
        ] {
            let body = patients_envelope(&format!("<Patients><PatientData>{tag}</PatientData></Patients>"));
            let out = read(case, Reply::xml(200, body), same).await;
            let e = expect_error(&out, read_want("malformed XML", false, SMALL));
            assert!(
                matches!(decode_kind(case, e), DecodeErrorKind::Malformed(_)),
                "{case}: {e:?}"
            );
        }
    });
}

// ---------------------------------------------------------------------------------------------
// 7. Bodies that are not SOAP.

#[test]
fn non_soap_bodies_are_not_soap_or_http_errors() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let html =
            "<!DOCTYPE html><html><head><title>Gateway</title></head><body><h1>Upstream unavailable</h1></body></html>";
        let json = r#"{"error": "upstream unavailable", "code": 17}"#;
        let bodies = [
            ("HTML", html, "text/html; charset=utf-8", "Upstream unavailable"),
            ("JSON", json, "application/json", "upstream unavailable"),
            ("empty", "", "text/xml; charset=utf-8", "the body is empty"),
        ];
        for (what, body, content_type, text) in bodies {
            let reply = Reply::new(200, body).header("Content-Type", content_type);
            let case = format!("7a {what} body on HTTP 200, GetPatients");
            let out = read(&case, reply.clone(), same).await;
            let e = expect_error(&out, read_want("not a SOAP envelope", false, SMALL));
            assert!(matches!(e, Error::NotSoap { status: 200, .. }), "{case}: {e:?}");
            let shown = e.to_string();
            assert!(shown.contains(content_type), "{case}: content type in {shown}");
            assert!(shown.contains(text), "{case}: body text in {shown}");

            let case = format!("7b {what} body on HTTP 200, CreatePatient");
            let out = write(&case, reply, same).await;
            let e = expect_error(&out, write_want("not a SOAP envelope", false, SMALL));
            assert!(matches!(e, Error::NotSoap { status: 200, .. }), "{case}: {e:?}");

            let reply = Reply::new(500, body).header("Content-Type", content_type);
            let case = format!("7c {what} body on HTTP 500, GetPatients");
            let out = read(&case, reply.clone(), same).await;
            let e = expect_error(&out, read_want("HTTP 500", true, SMALL));
            assert!(matches!(e, Error::Http { status: 500, .. }), "{case}: {e:?}");
            assert!(e.to_string().contains(text), "{case}: body text in {e}");

            let case = format!("7d {what} body on HTTP 500, CreatePatient");
            let out = write(&case, reply, same).await;
            let e = expect_error(&out, write_want("HTTP 500", true, SMALL));
            assert!(matches!(e, Error::Http { status: 500, .. }), "{case}: {e:?}");
        }

        let case = "7e XML of another kind on HTTP 200";
        let out = read(case, Reply::xml(200, "<rss><channel>news</channel></rss>"), same).await;
        let e = expect_error(&out, read_want("not a SOAP envelope", false, SMALL));
        assert!(matches!(e, Error::NotSoap { status: 200, .. }), "{case}: {e:?}");
    });
}

// ---------------------------------------------------------------------------------------------
// 8. A huge text value.

#[test]
fn a_huge_text_value_parses_within_the_limit() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let marker = "LASTNAME-MARKER-0000";
        let mut patient = fake_patient(3);
        patient.last_name = Nillable::Value(marker.to_owned());
        let full = written_envelope(vec![patient]);
        let (before, after) = split_at_marker(&full, marker);
        let unit = "L".repeat(64 * KIB);
        let repeats = 20 * MIB / unit.len();
        let body = Body::new().then(before).repeat(&unit, repeats as u64).then(after);
        let size = body.len() as usize;
        let case = "8 a 20 MiB LastName within a 32 MiB limit";
        let out = read(case, Reply::xml(200, body), |b| b.max_response_bytes(32 * MIB)).await;
        let r = expect_ok(&out, 1, 4 * size);
        let last = r
            .patients
            .value()
            .and_then(|p| p[0].last_name.value())
            .expect("last name");
        assert_eq!(last.len(), 20 * MIB, "{case}");
        assert!(last.bytes().all(|b| b == b'L'), "{case}");
    });
}

// ---------------------------------------------------------------------------------------------
// 9. gzip.

/// A gzip stream that decompresses to `mib` MiB of zeros, as a header and one byte-aligned
/// deflate block (1 MiB of zeros, full-flushed) repeated: never finished, never built whole.
fn gzip_bomb(mib: u64) -> Body {
    let zeros = vec![0u8; MIB];
    let mut deflate = flate2::Compress::new(flate2::Compression::best(), false);
    let mut block = Vec::with_capacity(64 * KIB);
    let status = deflate
        .compress_vec(&zeros, &mut block, flate2::FlushCompress::Full)
        .expect("deflate");
    assert_eq!(status, flate2::Status::Ok);
    assert_eq!(deflate.total_in(), MIB as u64, "the whole MiB fits one call");
    let header = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0x00, 0xff];
    Body::new().then(header).repeat(block, mib)
}

fn gzipped(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).expect("gzip");
    gz.finish().expect("gzip")
}

fn asked_for_gzip(heads: &[String]) -> bool {
    heads.iter().any(|h| {
        h.lines()
            .any(|l| l.starts_with("accept-encoding:") && l.contains("gzip"))
    })
}

#[test]
fn gzip_is_bounded_after_decompression() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let bomb = gzip_bomb(10 * 1024 + 1);
        let compressed = bomb.len();
        let case = "9a gzip bomb (10 GiB of zeros), 8 MiB limit";
        let reply = Reply::xml(200, bomb).header("Content-Encoding", "gzip");
        let out = read(case, reply, same).await;
        let limit = 8 * MIB;
        let e = expect_error(
            &out,
            read_want(
                &format!("larger than the limit of {limit} bytes"),
                false,
                body_limit_bound(limit),
            ),
        );
        assert!(matches!(e, Error::ResponseTooLarge { .. }), "{case}: {e:?}");
        assert!(compressed < 16 * MIB as u64, "{case}: {compressed} bytes compressed");
        assert!(
            asked_for_gzip(&out.heads),
            "{case}: Accept-Encoding: gzip in {:?}",
            out.heads
        );

        let case = "9b gzip bomb chunked, 4 MiB limit";
        let reply = Reply::xml(200, gzip_bomb(10 * 1024 + 1))
            .header("Content-Encoding", "gzip")
            .framing(Framing::Chunked);
        let out = read(case, reply, |b| b.max_response_bytes(4 * MIB)).await;
        let e = expect_error(
            &out,
            read_want(
                "larger than the limit of 4194304 bytes",
                false,
                body_limit_bound(4 * MIB),
            ),
        );
        assert!(matches!(e, Error::ResponseTooLarge { .. }), "{case}: {e:?}");

        let plain = written_envelope((0..20).map(fake_patient).collect());
        let case = "9c valid gzip-compressed GetPatients";
        let reply = Reply::xml(200, gzipped(&plain)).header("Content-Encoding", "gzip");
        let out = read(case, reply, same).await;
        let r = expect_ok(&out, 1, SMALL);
        assert_eq!(patient_count(r), 20, "{case}");
        assert!(
            asked_for_gzip(&out.heads),
            "{case}: Accept-Encoding: gzip in {:?}",
            out.heads
        );

        let case = "9d gzip(false): no Accept-Encoding: gzip";
        let out = read(case, Reply::xml(200, plain.clone()), |b| b.gzip(false)).await;
        let r = expect_ok(&out, 1, SMALL);
        assert_eq!(patient_count(r), 20, "{case}");
        assert!(!asked_for_gzip(&out.heads), "{case}: no gzip in {:?}", out.heads);
    });
}

// ---------------------------------------------------------------------------------------------
// 10. Two answers in one message.

#[test]
fn two_answers_in_one_message_are_refused() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let ns = "http://www.kareo.com/api/schemas/";
        let result = "<GetPatientsResult><Patients/></GetPatientsResult>";
        let response = format!("<GetPatientsResponse xmlns=\"{ns}\">{result}</GetPatientsResponse>");
        let fault = "<s:Fault><faultcode>s:Server</faultcode><faultstring>invented failure</faultstring></s:Fault>";
        let soap = "xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"";
        let cases = [
            (
                "10a two GetPatientsResult",
                format!(
                    "{ENV_OPEN}<GetPatientsResponse xmlns=\"{ns}\">{result}{result}</GetPatientsResponse>{ENV_CLOSE}"
                ),
                "more than once",
                true,
            ),
            (
                "10b two GetPatientsResponse",
                format!("{ENV_OPEN}{response}{response}{ENV_CLOSE}"),
                "two GetPatientsResponse",
                false,
            ),
            (
                "10c two soap:Body",
                format!("<s:Envelope {soap}><s:Body>{response}</s:Body><s:Body>{response}</s:Body></s:Envelope>"),
                "two Body",
                false,
            ),
            (
                "10d a result, then a Fault",
                format!("{ENV_OPEN}{response}{fault}{ENV_CLOSE}"),
                "both GetPatientsResponse and Fault",
                false,
            ),
            (
                "10e a Fault, then a result",
                format!("{ENV_OPEN}{fault}{response}{ENV_CLOSE}"),
                "both Fault and GetPatientsResponse",
                false,
            ),
            (
                "10f two Faults",
                format!("{ENV_OPEN}{fault}{fault}{ENV_CLOSE}"),
                "two Fault",
                false,
            ),
            (
                "10g a Fault with two faultstrings",
                format!(
                    "{ENV_OPEN}<s:Fault><faultcode>s:Server</faultcode><faultstring>one</faultstring>\
                     <faultstring>two</faultstring></s:Fault>{ENV_CLOSE}"
                ),
                "more than once",
                true,
            ),
        ];
        for (case, body, phrase, duplicate) in cases {
            let out = read(case, Reply::xml(200, body), same).await;
            let e = expect_error(&out, read_want(phrase, false, SMALL));
            let kind = decode_kind(case, e);
            if duplicate {
                assert_eq!(kind, DecodeErrorKind::Duplicate, "{case}");
            } else {
                assert!(matches!(kind, DecodeErrorKind::Envelope(_)), "{case}: {kind:?}");
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// 11. Credentials echoed wherever an error can quote the server.

/// `USER` as XML writes it, and as a character reference.
fn user_escaped() -> String {
    USER.replace('&', "&amp;")
}

fn user_char_ref() -> String {
    USER.replace('&', "&#38;")
}

/// Cases whose error quotes nothing of the echoing text (a value's type error, a depth error
/// whose path holds only known elements).
const QUOTE_NOTHING: [&str; 2] = ["11j", "11r"];

#[test]
fn echoed_credentials_never_show() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let echo = format!(
            "login {} / {PASSWORD} / {KEY} / {} refused",
            user_escaped(),
            user_char_ref()
        );
        // The password's first letter as a character reference.
        let disguised = format!("&#x{:X};{}", PASSWORD.as_bytes()[0], &PASSWORD[1..]);
        let fault = |string: &str, detail: &str| {
            format!(
                "{ENV_OPEN}<s:Fault><faultcode>s:Client</faultcode><faultstring>{string}</faultstring>\
                 <detail>{detail}</detail></s:Fault>{ENV_CLOSE}"
            )
        };
        let html = |text: &str| format!("<html><head><title>{text}</title></head><body><p>{text}</p></body></html>");

        // (case, reply, phrase, retryable, check of the variant)
        type Check = fn(&Error) -> bool;
        let cases: Vec<(&str, Reply, &str, bool, Check)> = vec![
            (
                "11a faultstring",
                Reply::xml(500, fault(&echo, "none")),
                "SOAP fault",
                false,
                |e| matches!(e, Error::Fault { .. }),
            ),
            (
                "11b fault detail",
                Reply::xml(
                    500,
                    fault("invented", &format!("<Info xmlns=\"urn:x\">{echo} {disguised}</Info>")),
                ),
                "SOAP fault",
                false,
                |e| matches!(e, Error::Fault { fault, .. } if fault.detail.is_some()),
            ),
            (
                "11c ErrorResponse/ErrorMessage with IsError",
                Reply::xml(
                    200,
                    patients_envelope(&format!(
                        "<ErrorResponse><ErrorMessage>{echo}</ErrorMessage><IsError>true</IsError>\
                         <StackTrace>at Login({PASSWORD}, {KEY})</StackTrace></ErrorResponse>"
                    )),
                ),
                "Kareo reported an error",
                false,
                |e| matches!(e, Error::Service { stack_trace: Some(_), .. }),
            ),
            (
                "11d SecurityResponse/SecurityResult",
                Reply::xml(
                    200,
                    patients_envelope(&format!(
                        "<ErrorResponse><IsError>true</IsError></ErrorResponse><SecurityResponse>\
                         <Authenticated>false</Authenticated><SecurityResult>{echo}</SecurityResult>\
                         <PermissionsMissing><string>{KEY}</string></PermissionsMissing>\
                         </SecurityResponse>"
                    )),
                ),
                "security check failed",
                false,
                |e| matches!(e, Error::Security { .. }),
            ),
            (
                "11e HTML 500 page",
                Reply::new(500, html(&format!("{echo} {disguised}"))).header("Content-Type", "text/html"),
                "HTTP 500",
                true,
                |e| matches!(e, Error::Http { status: 500, .. }),
            ),
            (
                "11f HTML 200 page",
                Reply::new(200, html(&echo)).header("Content-Type", "text/html"),
                "not a SOAP envelope",
                false,
                |e| matches!(e, Error::NotSoap { .. }),
            ),
            (
                "11g JSON body",
                Reply::new(200, format!(r#"{{"user": "{USER}", "password": "{PASSWORD}", "key": "{KEY}"}}"#))
                    .header("Content-Type", "application/json"),
                "not a SOAP envelope",
                false,
                |e| matches!(e, Error::NotSoap { .. }),
            ),
            (
                "11h Content-Type header value",
                Reply::new(200, "<html><body>portal</body></html>")
                    .header("Content-Type", &format!("text/html; user={PASSWORD}; key={KEY}")),
                "not a SOAP envelope",
                false,
                |e| matches!(e, Error::NotSoap { .. }),
            ),
            (
                "11i malformed tag names (mismatched end tag)",
                Reply::xml(200, patients_envelope(&format!("<{PASSWORD}><x/></{KEY}>"))),
                "malformed XML",
                false,
                |e| matches!(e, Error::Decode { .. }),
            ),
            (
                "11j an unknown element named after the password, too deep",
                Reply::xml(
                    200,
                    patients_envelope(&format!("<{PASSWORD}>{}{}</{PASSWORD}>", "<y>".repeat(200), "</y>".repeat(200))),
                ),
                "nested deeper",
                false,
                |e| matches!(e, Error::Decode { .. }),
            ),
            (
                "11k the password as a namespace prefix",
                Reply::xml(200, patients_envelope(&format!("<{PASSWORD}:x/>"))),
                "GetPatients",
                false,
                |e| matches!(e, Error::Decode { .. }),
            ),
            (
                "11l unreadable XML on HTTP 500 (the fault error)",
                Reply::xml(500, format!("{ENV_OPEN}<{KEY}></{PASSWORD}>{ENV_CLOSE}")),
                "not a readable SOAP fault",
                true,
                |e| matches!(e, Error::Http { fault_error: Some(_), .. }),
            ),
            (
                "11m a root element named after the password",
                Reply::xml(200, format!("<{PASSWORD}>{echo}</{PASSWORD}>")),
                "not a SOAP envelope",
                false,
                |e| matches!(e, Error::NotSoap { .. }),
            ),
            (
                "11n the key cut at the excerpt source's end (16 KiB of tags)",
                Reply::new(
                    200,
                    format!(
                        "<html><body>{}{KEY}{PASSWORD}</body></html>",
                        "<b>".repeat((16 * KIB - "<html><body>".len() - 12) / 3)
                    ),
                )
                .header("Content-Type", "text/html"),
                "not a SOAP envelope",
                false,
                |e| matches!(e, Error::NotSoap { .. }),
            ),
            (
                "11o the key cut at the excerpt's length (300 characters)",
                Reply::new(500, format!("<html><body>{}{KEY}</body></html>", "w ".repeat(145)))
                    .header("Content-Type", "text/html"),
                "HTTP 500",
                true,
                |e| matches!(e, Error::Http { .. }),
            ),
            (
                "11p the user cut at the excerpt's length, XML-escaped",
                Reply::new(500, format!("<html><body>{}{}</body></html>", "w ".repeat(143), user_escaped()))
                    .header("Content-Type", "text/html"),
                "HTTP 500",
                true,
                |e| matches!(e, Error::Http { .. }),
            ),
            (
                "11q ErrorMessage with the secrets as character references",
                Reply::xml(
                    200,
                    patients_envelope(&format!(
                        "<ErrorResponse><ErrorMessage>{} {disguised}</ErrorMessage><IsError>true</IsError></ErrorResponse>",
                        user_char_ref()
                    )),
                ),
                "Kareo reported an error",
                false,
                |e| matches!(e, Error::Service { .. }),
            ),
            (
                "11r an invalid value holding the password",
                Reply::xml(
                    200,
                    patients_envelope(&format!("<ErrorResponse><IsError>{PASSWORD}</IsError></ErrorResponse>")),
                ),
                "IsError",
                false,
                |e| matches!(e, Error::Decode { .. }),
            ),
        ];
        for (case, reply, phrase, retryable, check) in cases {
            let out = read(case, reply.clone(), same).await;
            let e = expect_error(&out, read_want(phrase, retryable, SMALL));
            assert!(check(e), "{case}: variant: {e:?}");
            // Where the error quotes the echo, the secrets are there, masked (the case is
            // not passing for want of an echo).
            if !QUOTE_NOTHING.iter().any(|c| case.starts_with(c)) {
                assert!(format!("{e:?}").contains("***"), "{case}: masked echo in {e:?}");
            }
            let out = write(&format!("{case}, CreatePatient"), reply, same).await;
            expect_error(
                &out,
                Want {
                    operation: "CreatePatient",
                    phrase: "CreatePatient",
                    retryable,
                    requests: 1,
                    bound: SMALL,
                },
            );
        }
    });
}

// ---------------------------------------------------------------------------------------------
// 12. Truncated transfers.

#[test]
fn truncated_transfers_are_retried() {
    let _one_at_a_time = sequential();
    runtime().block_on(async {
        let full = written_envelope((0..10).map(fake_patient).collect());
        let half = &full[..full.len() / 2];

        let case = "12a an envelope cut in the middle, honest Content-Length";
        let out = read(case, Reply::xml(200, half), same).await;
        let e = expect_error(&out, read_want("ends early", true, SMALL));
        assert!(matches!(e, Error::Decode { truncated: true, .. }), "{case}: {e:?}");

        let case = "12b Content-Length beyond what is sent, then close";
        let reply = Reply::xml(200, half).framing(Framing::Declared(full.len() as u64));
        let out = read(case, reply.clone(), same).await;
        let e = expect_error(&out, read_want("connection closed", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Connection,
                    ..
                }
            ),
            "{case}: {e:?}"
        );

        let case = "12c Content-Length beyond what is sent, CreatePatient";
        let out = write(case, reply, same).await;
        let e = expect_error(&out, write_want("connection closed", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Connection,
                    ..
                }
            ),
            "{case}: {e:?}"
        );

        let case = "12f a gzip body, Content-Length beyond what is sent, then close";
        let gz = gzipped(&full);
        let reply = Reply::xml(200, &gz[..gz.len() / 2])
            .header("Content-Encoding", "gzip")
            .framing(Framing::Declared(gz.len() as u64));
        let out = read(case, reply, same).await;
        let e = expect_error(&out, read_want("connection closed", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Connection,
                    ..
                }
            ),
            "{case}: {e:?}"
        );

        let case = "12d a close-delimited envelope cut in the middle";
        let out = read(case, Reply::xml(200, half).framing(Framing::Close), same).await;
        let e = expect_error(&out, read_want("ends early", true, SMALL));
        assert!(matches!(e, Error::Decode { truncated: true, .. }), "{case}: {e:?}");

        let case = "12e a chunked body cut before its last chunk, then close";
        let out = read(case, Reply::xml(200, half).framing(Framing::ChunkedUnfinished), same).await;
        let e = expect_error(&out, read_want("connection closed", true, SMALL));
        assert!(
            matches!(
                e,
                Error::Transport {
                    kind: TransportErrorKind::Connection,
                    ..
                }
            ),
            "{case}: {e:?}"
        );
    });
}

/// What gzip saves on the wire: a `GetPatients` answer of 1,000 of the mock's records,
/// compressed as a server would (the figure is printed; the assertion is a floor).
#[test]
fn gzip_saves_most_of_a_1000_record_transfer() {
    let plain = written_envelope((0..1000).map(fake_patient).collect());
    let compressed = gzipped(&plain);
    let saved = 1.0 - compressed.len() as f64 / plain.len() as f64;
    eprintln!(
        "GetPatients, 1,000 records: {} bytes plain, {} gzip-compressed ({:.1}% of the transfer saved)",
        plain.len(),
        compressed.len(),
        100.0 * saved
    );
    assert!(saved > 0.8, "saved {:.1}%", 100.0 * saved);
}

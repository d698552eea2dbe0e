//! Secret hygiene: no error, log line or `Debug` string produced by any scenario contains a
//! credential. Every scenario runs with body logging on and every log level captured, so the
//! check covers the most a user can turn on.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kareo_mock::{Behavior, MockKareo, Rule, ENDPOINT_PATH};
use kareo_sdk::client::{ClientBuilder, HttpRequest, RetryPolicy};
use kareo_sdk::types::*;
use kareo_sdk::{Credentials, Error, KareoClient};
use tracing_subscriber::fmt::format::FmtSpan;

/// Invented credentials, distinctive enough that any leak is found by substring search.
const KEY: &str = "SECRET-CUSTKEY-c0ffee11";
const USER: &str = "secret.user.beef22@example.invalid";
const PASSWORD: &str = "SECRET-PASSWORD-dead33";
const WRONG_KEY: &str = "SECRET-WRONGKEY-f00d44";
const WRONG_PASSWORD: &str = "SECRET-WRONGPASS-abba55";
const CALLER_PASSWORD: &str = "SECRET-CALLERPASS-cafe66";
const SECRETS: [&str; 6] = [KEY, USER, PASSWORD, WRONG_KEY, WRONG_PASSWORD, CALLER_PASSWORD];

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

fn builder(mock: &MockKareo, credentials: Credentials) -> ClientBuilder {
    KareoClient::builder(credentials)
        .endpoint(mock.endpoint())
        .client_version("secrets-test")
        .retry(RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .request_timeout(Duration::from_millis(300))
        .log_bodies(true)
}

fn new_patient() -> CreatePatientReq {
    PatientCreate::new().first_name("Bravo").last_name("Testpatient").into()
}

/// Runs every scenario; returns the `Display` and `Debug` text of everything it produced.
async fn scenarios(mock: &MockKareo) -> Vec<String> {
    let mut out = Vec::new();
    fn record(out: &mut Vec<String>, e: Error) {
        out.push(e.to_string());
        out.push(format!("{e:?}"));
    }

    let client = builder(mock, Credentials::new(KEY, USER, PASSWORD))
        .build()
        .expect("client");

    // Successes.
    mock.set_patient_count(5);
    let patients = client.get_patients(GetPatientsReq::default()).await.expect("patients");
    let created = client.create_patient(new_patient()).await.expect("created");

    // Every misbehaviour of the mock, for a read (retried) and a write (not retried).
    let behaviors = [
        Behavior::IsError("invented failure".into()),
        Behavior::Throttle,
        Behavior::NotAuthorized(vec!["PatientRead".into()]),
        Behavior::Fault {
            code: "s:Server".into(),
            string: "invented fault".into(),
        },
        Behavior::HtmlError(500),
        Behavior::EchoRequest(502),
        Behavior::Status {
            status: 503,
            retry_after: Some(0),
        },
        Behavior::Truncate,
        Behavior::Reset,
        Behavior::Delay(Duration::from_secs(2)),
        Behavior::Body {
            status: 200,
            body: "<not-a-soap-envelope/>".into(),
        },
    ];
    for behavior in behaviors {
        mock.inject(Rule::new(behavior.clone()).times(3));
        record(
            &mut out,
            client
                .get_patients(GetPatientsReq::default())
                .await
                .expect_err("read fails"),
        );
        mock.clear_rules();
        mock.inject(Rule::new(behavior).times(3));
        record(
            &mut out,
            client.create_patient(new_patient()).await.expect_err("write fails"),
        );
        mock.clear_rules();
    }

    // Wrong credentials, and a caller-supplied header.
    let wrong_password = builder(mock, Credentials::new(KEY, USER, WRONG_PASSWORD))
        .build()
        .expect("client");
    record(
        &mut out,
        wrong_password
            .get_practices(GetPracticesReq::default())
            .await
            .expect_err("rejected"),
    );
    let wrong_key = builder(mock, Credentials::new(WRONG_KEY, USER, PASSWORD))
        .build()
        .expect("client");
    record(
        &mut out,
        wrong_key
            .get_practices(GetPracticesReq::default())
            .await
            .expect_err("rejected"),
    );
    let header = RequestHeader::new()
        .customer_key(KEY)
        .user(USER)
        .password(CALLER_PASSWORD);
    let request = GetPracticesReq::new().request_header(header.clone());
    out.push(format!("{request:?}"));
    out.push(format!("{header:?}"));
    mock.inject(Rule::new(Behavior::EchoRequest(500)));
    record(&mut out, client.get_practices(request).await.expect_err("echo"));

    // Transport failures, invalid input.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}{ENDPOINT_PATH}", listener.local_addr().expect("addr"));
    drop(listener);
    let refused = builder(mock, Credentials::new(KEY, USER, PASSWORD))
        .endpoint(closed)
        .build()
        .expect("client");
    record(
        &mut out,
        refused
            .get_patients(GetPatientsReq::default())
            .await
            .expect_err("refused"),
    );
    let tls = builder(mock, Credentials::new(KEY, USER, PASSWORD))
        .endpoint(mock.endpoint().replacen("http", "https", 1))
        .build()
        .expect("client");
    record(
        &mut out,
        tls.get_patients(GetPatientsReq::default()).await.expect_err("tls"),
    );
    let mut bad = GetPatientsReq::default();
    bad.filter.first_name = "x\u{0}y".to_owned().into();
    record(&mut out, client.get_patients(bad).await.expect_err("invalid"));
    let err = ClientBuilder::from_lookup(|name| (name == "KAREO_USER").then(|| USER.to_owned())).expect_err("missing");
    record(&mut out, err);

    // Debug of everything that holds credentials.
    out.push(format!("{client:?}"));
    out.push(format!("{:?}", client.config()));
    out.push(format!("{:?}", builder(mock, Credentials::new(KEY, USER, PASSWORD))));
    out.push(format!("{:?}", Credentials::new(KEY, USER, PASSWORD)));
    out.push(format!("{patients:?}"));
    out.push(format!("{created:?}"));
    let http = HttpRequest {
        url: mock.endpoint(),
        soap_action: "\"x\"".into(),
        body: format!("<Password>{PASSWORD}</Password>").into(),
        timeout: Duration::from_secs(1),
        head_timeout: Duration::from_secs(1),
        max_response_bytes: 1,
    };
    out.push(format!("{http:?}"));
    out
}

#[test]
fn no_error_log_line_or_debug_string_contains_a_credential() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outputs = runtime.block_on(async {
        let mock = MockKareo::with_credentials(KEY, USER, PASSWORD).await.expect("mock");
        scenarios(&mock).await
    });
    let log = capture.text();

    for secret in SECRETS {
        assert!(!log.contains(secret), "the log contains a credential");
        for (i, text) in outputs.iter().enumerate() {
            assert!(!text.contains(secret), "output {i} contains a credential: {text}");
        }
    }

    // The check is meaningful: bodies were logged (masked), spans carry their fields, and the
    // echoed request came back scrubbed.
    assert!(log.contains("request body"), "bodies are logged");
    assert!(
        log.contains("<n0:Password>***</n0:Password>"),
        "the header is masked in logged bodies"
    );
    assert!(log.contains("GetPatientsResponse"), "response bodies are logged");
    for field in [
        "kareo.call",
        "kareo.attempt",
        "operation=\"GetPatients\"",
        "attempt=2",
        "attempts=3",
        "status=200",
        "status=503",
        "duration_ms=",
        "response_bytes=",
    ] {
        assert!(log.contains(field), "log lacks {field}");
    }
    let echoed: Vec<_> = outputs.iter().filter(|o| o.contains("upstream rejected")).collect();
    assert!(echoed.len() >= 2, "the echoed requests are in the errors");
    assert!(
        echoed.iter().all(|o| o.contains("Password>***")),
        "and the credentials in them are scrubbed"
    );
}

#[tokio::test]
async fn without_body_logging_no_body_is_logged() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mock = MockKareo::with_credentials(KEY, USER, PASSWORD).await.expect("mock");
    let client = builder(&mock, Credentials::new(KEY, USER, PASSWORD))
        .log_bodies(false)
        .build()
        .expect("client");
    client.get_patients(GetPatientsReq::default()).await.expect("patients");
    let log = capture.text();
    assert!(log.contains("call succeeded"));
    assert!(!log.contains("request body") && !log.contains("Envelope"), "{log}");
}

//! End-to-end: the real client (`KareoClient`, reqwest over loopback) against the mock Kareo.
//!
//! Every operation, every error kind, and the retry rules, counted from the requests the mock
//! saw. Backoffs and timeouts are short so the suite runs in seconds; nothing asserts on how
//! fast anything is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kareo_mock::{Behavior, MockKareo, Rule, Settings, ENDPOINT_PATH, MOCK_CUSTOMER_KEY, MOCK_PASSWORD, MOCK_USER};
use kareo_sdk::client::{
    BoxFuture, ClientBuilder, HttpRequest, HttpResponse, RateLimit, ReqwestTransport, RetryPolicy, Transport,
    TransportError,
};
use kareo_sdk::error::{SecurityFailure, TransportErrorKind};
use kareo_sdk::ids::*;
use kareo_sdk::operations;
use kareo_sdk::types::*;
use kareo_sdk::xml::{DecodeErrorKind, Operation};
use kareo_sdk::{Credentials, Error, KareoClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Retries as by default, with millisecond backoffs.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(ms(1), ms(20))
}

fn builder(mock: &MockKareo) -> ClientBuilder {
    KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .retry(fast_retries())
        .request_timeout(Duration::from_secs(20))
}

fn client(mock: &MockKareo) -> KareoClient {
    builder(mock).build().expect("client builds")
}

/// A mock without throttles: these tests call faster than the service allows.
async fn mock() -> MockKareo {
    MockKareo::builder()
        .settings(Settings::default().throttles(false))
        .start()
        .await
        .expect("mock starts on loopback")
}

fn patients_request() -> GetPatientsReq {
    GetPatientsReq::default()
}

fn new_patient() -> CreatePatientReq {
    PatientCreate::new()
        .first_name("Alpha")
        .last_name("Testpatient")
        .email_address("alpha@example.invalid")
        .into()
}

// ---------------------------------------------------------------------------------------------
// Every operation.

macro_rules! call_every_operation {
    ($(($op:ident, $method:ident, $reqm:ident::$req:ident, $($resp:tt)*)),* $(,)?) => {
        async fn call_every_operation(client: &KareoClient, mock: &MockKareo) -> usize {
            let mut n = 0;
            $(
                let name = <operations::$op as Operation>::INFO.name;
                match client.$method(kareo_sdk::$reqm::$req::default()).await {
                    Ok(response) => {
                        let status = kareo_sdk::xml::ServiceStatus::status(&response);
                        if kareo_sdk::xml::Inherits::<ResponseBase>::base_view(&response).is_some() {
                            assert_eq!(status.denied(), None, "{}", stringify!($op));
                            assert!(status.access_checks.iter().all(|(_, v)| *v == Some(true)), "{}: {status:?}", stringify!($op));
                        }
                    }
                    // The mock's model refuses a write without the record it writes (as the
                    // service does): the call still went there and back.
                    Err(kareo_sdk::Error::Service { .. }) if !<operations::$op as Operation>::INFO.read_only => {}
                    Err(e) => panic!("{} failed: {e}", stringify!($op)),
                }
                assert_eq!(mock.requests_for(name), 1, "{name} reached the mock once");
                n += 1;
            )*
            n
        }
    };
}
kareo_sdk::for_each_operation!(call_every_operation);

#[tokio::test]
async fn every_operation_round_trips_through_the_client() {
    let mock = mock().await;
    let client = client(&mock);
    let n = call_every_operation(&client, &mock).await;
    assert_eq!(n, operations::OPERATIONS.len());
    assert_eq!(
        n,
        kareo_tests::schema::model().operations.len(),
        "a method for every operation of the pinned contract"
    );
    assert_eq!(mock.requests(), n);
}

#[tokio::test]
async fn get_patients_with_a_filter_returns_typed_records() {
    let mock = mock().await;
    mock.set_patient_count(40);
    let client = client(&mock);
    let all = client.get_patients(patients_request()).await.expect("all patients");
    assert_eq!(all.patients.value().map(Vec::len), Some(40));

    let mut request = patients_request();
    request.filter.last_name = "Mockperson".to_owned().into();
    request.filter.first_name = "charlie".to_owned().into();
    let some = client.get_patients(request).await.expect("filtered patients");
    let patients = some.patients.value().expect("patients");
    assert_eq!(patients.len(), 1);
    let p = &patients[0];
    assert_eq!(p.first_name.value().map(String::as_str), Some("Charlie"));
    assert_eq!(p.last_name.value().map(String::as_str), Some("Mockperson"));
    assert_eq!(p.id.value().map(String::as_str), Some("100010"));
    assert!(p.email_address.value().is_some_and(|e| e.ends_with("@example.invalid")));
}

#[tokio::test]
async fn create_patient_and_appointment_return_new_ids() {
    let mock = mock().await;
    let client = client(&mock);
    let created = client.create_patient(new_patient()).await.expect("patient created");
    let patient: PatientId = created.id().expect("new patient id");
    assert!(patient.get() >= 50_000);

    let start = "2024-05-01T09:00:00".parse().expect("date");
    let end = "2024-05-01T09:30:00".parse().expect("date");
    let appointment = appointment_defaults(start, end)
        .patient_summary(PatientSummary::new().patient_id(patient))
        .notes("Mock visit");
    let response = client
        .create_appointment(appointment)
        .await
        .expect("appointment created");
    let id: AppointmentId = response.id().expect("the new appointment's id");
    let appointment = response.appointment.value().expect("appointment echoed");
    assert_eq!(appointment.appointment_id, Some(i64::from(id.get())));
    assert_eq!(appointment.start_time, start);
    assert_eq!(appointment.notes.value().map(String::as_str), Some("Mock visit"));
    let summary = appointment.patient_summary.value().expect("patient");
    assert_eq!(
        summary.patient_id_value(),
        Ok(Some(patient)),
        "one PatientId type, int or long on the wire"
    );
}

#[test]
fn a_response_without_the_record_id_is_an_error_naming_the_member() {
    let err = ModifyPatientResp::default().id().expect_err("no PatientID");
    assert_eq!(err.member(), Some("ModifyPatientResp/PatientID"));
    let err = CreateAppointmentResp::default().id().expect_err("no Appointment");
    assert_eq!(err.member(), Some("CreateAppointmentResp/Appointment/AppointmentId"));
    let e: kareo_sdk::Error = err.into();
    assert!(
        e.to_string()
            .contains("CreateAppointmentResp/Appointment/AppointmentId"),
        "{e}"
    );
}

fn appointment_defaults(start: kareo_sdk::xml::DateTime, end: kareo_sdk::xml::DateTime) -> AppointmentCreate {
    AppointmentCreate::new(AppointmentCreateRequired {
        appointment_status: AppointmentStatus::Scheduled,
        appointment_type: AppointmentType::P,
        start_time: start,
        end_time: end,
        is_recurring: false,
        practice_id: PracticeId::new(1),
        service_location_id: ServiceLocationId::new(3),
    })
}

#[tokio::test]
async fn the_client_fills_the_header_quotes_the_action_and_sends_client_version() {
    let mock = mock().await;
    let client = builder(&mock)
        .client_version("kareo-rs e2e 0.1")
        .build()
        .expect("client");
    client
        .get_providers(GetProvidersReq::default())
        .await
        .expect("providers");
    assert_eq!(mock.last_client_version().as_deref(), Some("kareo-rs e2e 0.1"));
    let action = mock.last_soap_action().expect("SOAPAction sent");
    assert_eq!(
        action,
        "\"http://www.kareo.com/api/schemas/KareoServices/GetProviders\""
    );
}

#[tokio::test]
async fn a_header_set_by_the_caller_is_sent_as_it_is() {
    let mock = mock().await;
    let client = client(&mock);
    let request = patients_request().request_header(
        RequestHeader::new()
            .customer_key(MOCK_CUSTOMER_KEY)
            .user(MOCK_USER)
            .password("another-invented-password"),
    );
    let err = client
        .get_patients(request)
        .await
        .expect_err("the caller's password is wrong");
    assert!(
        matches!(
            err,
            Error::Security {
                kind: SecurityFailure::NotAuthenticated,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Error kinds.

#[tokio::test]
async fn wrong_password_is_not_authenticated() {
    let mock = mock().await;
    let client = KareoClient::builder(Credentials::new(MOCK_CUSTOMER_KEY, MOCK_USER, "wrong-invented-pass"))
        .endpoint(mock.endpoint())
        .retry(fast_retries())
        .build()
        .expect("client");
    let err = client
        .get_practices(GetPracticesReq::default())
        .await
        .expect_err("rejected");
    match &err {
        Error::Security { kind, message, .. } => {
            assert_eq!(*kind, SecurityFailure::NotAuthenticated);
            assert_eq!(message.as_deref(), Some("Invalid user name and/or password"));
        }
        other => panic!("expected a security error, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(mock.requests(), 1, "security failures are not retried");
    assert!(err.to_string().contains("not authenticated"), "{err}");
}

#[tokio::test]
async fn wrong_customer_key_is_reported_as_such() {
    let mock = mock().await;
    let client = KareoClient::builder(Credentials::new("WRONG-CUSTKEY-0000", MOCK_USER, MOCK_PASSWORD))
        .endpoint(mock.endpoint())
        .build()
        .expect("client");
    let err = client
        .get_practices(GetPracticesReq::default())
        .await
        .expect_err("rejected");
    assert!(
        matches!(
            err,
            Error::Security {
                kind: SecurityFailure::CustomerKeyInvalid,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn not_authorized_lists_the_missing_permissions() {
    let mock = mock().await;
    let client = client(&mock);
    mock.inject(Rule::new(Behavior::NotAuthorized(vec![
        "PatientCreate".into(),
        "PatientEdit".into(),
    ])));
    let err = client.create_patient(new_patient()).await.expect_err("not authorized");
    match &err {
        Error::Security {
            kind,
            permissions_missing,
            ..
        } => {
            assert_eq!(*kind, SecurityFailure::NotAuthorized);
            assert_eq!(permissions_missing, &["PatientCreate", "PatientEdit"]);
        }
        other => panic!("expected a security error, got {other:?}"),
    }
    assert!(err.to_string().contains("PatientCreate, PatientEdit"), "{err}");
}

#[tokio::test]
async fn is_error_responses_become_service_errors() {
    let mock = mock().await;
    let client = client(&mock);
    mock.inject(Rule::new(Behavior::IsError("Practice not found (invented)".into())));
    let err = client.get_charges(GetChargesReq::default()).await.expect_err("IsError");
    match &err {
        Error::Service {
            operation,
            message,
            stack_trace,
        } => {
            assert_eq!(*operation, "GetCharges");
            assert_eq!(message, "Practice not found (invented)");
            assert!(stack_trace.is_some());
        }
        other => panic!("expected a service error, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn throttle_messages_are_throttled_errors() {
    let mock = mock().await;
    let client = builder(&mock).retry(RetryPolicy::none()).build().expect("client");
    mock.inject(Rule::new(Behavior::Throttle));
    let err = client
        .get_payments(GetPaymentsReq::default())
        .await
        .expect_err("throttled");
    assert!(matches!(err, Error::Throttled { status: None, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("requested more than allowed"), "{err}");
}

#[tokio::test]
async fn http_429_and_503_are_throttled_with_retry_after() {
    let mock = mock().await;
    let client = builder(&mock).retry(RetryPolicy::none()).build().expect("client");
    for status in [429, 503] {
        mock.inject(Rule::new(Behavior::Status {
            status,
            retry_after: Some(7),
        }));
        let err = client
            .get_providers(GetProvidersReq::default())
            .await
            .expect_err("throttled");
        match err {
            Error::Throttled {
                status: s, retry_after, ..
            } => {
                assert_eq!(s, Some(status));
                assert_eq!(retry_after, Some(Duration::from_secs(7)));
            }
            other => panic!("expected throttling, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn html_error_pages_are_http_errors_with_a_short_excerpt() {
    let mock = mock().await;
    let client = builder(&mock).retry(RetryPolicy::none()).build().expect("client");
    mock.inject(Rule::new(Behavior::HtmlError(502)));
    let err = client.get_patients(patients_request()).await.expect_err("502");
    match &err {
        Error::Http { status, excerpt, .. } => {
            assert_eq!(*status, 502);
            assert!(excerpt.starts_with("Bad Gateway"), "{excerpt}");
            assert!(excerpt.contains("HTTP Error 502."), "{excerpt}");
            assert!(!excerpt.contains('<'), "tags are stripped: {excerpt}");
            assert!(excerpt.len() < 400);
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn soap_faults_are_fault_errors() {
    let mock = mock().await;
    let client = client(&mock);
    mock.inject(Rule::new(Behavior::Fault {
        code: "s:Server".into(),
        string: "Object reference not set to an instance of an object.".into(),
    }));
    let err = client
        .get_appointments(GetAppointmentsReq::default())
        .await
        .expect_err("fault");
    match &err {
        Error::Fault { status, fault, .. } => {
            assert_eq!(*status, 500);
            assert_eq!(fault.code, "s:Server");
            assert!(fault.string.starts_with("Object reference"));
        }
        other => panic!("expected a fault, got {other:?}"),
    }
    assert_eq!(mock.requests(), 1, "faults are not retried");
}

/// Sends through reqwest, after rewriting the SOAPAction or failing the first connects.
struct TestTransport {
    inner: ReqwestTransport,
    soap_action: Option<String>,
    refuse_first: AtomicUsize,
    attempts: AtomicUsize,
}

impl TestTransport {
    fn new() -> Self {
        TestTransport {
            inner: ReqwestTransport::new(Duration::from_secs(5)).expect("transport"),
            soap_action: None,
            refuse_first: AtomicUsize::new(0),
            attempts: AtomicUsize::new(0),
        }
    }
}

impl Transport for TestTransport {
    fn send(&self, mut request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let refuse = self
            .refuse_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refuse {
            return Box::pin(async {
                Err(TransportError::new(
                    TransportErrorKind::Connect,
                    "connection refused (simulated)",
                ))
            });
        }
        if let Some(action) = &self.soap_action {
            request.soap_action = action.clone();
        }
        self.inner.send(request)
    }
}

#[tokio::test]
async fn a_wrong_soap_action_gets_the_contract_filter_fault() {
    let mock = mock().await;
    let transport = TestTransport {
        // Without the `KareoServices/` segment, as some integrators sent it.
        soap_action: Some("\"http://www.kareo.com/api/schemas/GetPatients\"".into()),
        ..TestTransport::new()
    };
    let client = builder(&mock).transport(Arc::new(transport)).build().expect("client");
    let err = client.get_patients(patients_request()).await.expect_err("mismatch");
    match &err {
        Error::Fault { status, fault, .. } => {
            assert_eq!(*status, 500);
            assert_eq!(fault.code, "a:ActionNotSupported");
            assert!(fault.string.contains("ContractFilter mismatch"), "{}", fault.string);
        }
        other => panic!("expected a fault, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unquoted_soap_action_is_a_mismatch_too() {
    let mock = mock().await;
    let transport = TestTransport {
        soap_action: Some("http://www.kareo.com/api/schemas/KareoServices/GetPatients".into()),
        ..TestTransport::new()
    };
    let client = builder(&mock).transport(Arc::new(transport)).build().expect("client");
    let err = client.get_patients(patients_request()).await.expect_err("mismatch");
    assert!(matches!(err, Error::Fault { status: 500, .. }), "{err:?}");
}

#[tokio::test]
async fn truncated_bodies_are_decode_errors_with_the_element_path() {
    let mock = mock().await;
    mock.set_patient_count(5);
    let client = builder(&mock).retry(RetryPolicy::none()).build().expect("client");
    mock.inject(Rule::new(Behavior::Truncate));
    let err = client.get_patients(patients_request()).await.expect_err("truncated");
    match &err {
        Error::Decode { error, truncated, .. } => {
            assert!(*truncated, "{error:?}");
            assert_eq!(error.path.first().map(String::as_str), Some("GetPatientsResponse"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.is_retryable(), "a truncated transfer may succeed next time");
}

#[tokio::test]
async fn invalid_values_are_decode_errors_naming_the_element() {
    let mock = mock().await;
    let client = client(&mock);
    let body = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
        <GetPatientsResponse xmlns="http://www.kareo.com/api/schemas/"><GetPatientsResult>
        <ErrorResponse><IsError>perhaps</IsError></ErrorResponse>
        </GetPatientsResult></GetPatientsResponse></s:Body></s:Envelope>"#;
    mock.inject(Rule::new(Behavior::Body {
        status: 200,
        body: body.into(),
    }));
    let err = client.get_patients(patients_request()).await.expect_err("invalid");
    match &err {
        Error::Decode { error, truncated, .. } => {
            assert!(!truncated);
            assert!(matches!(error.kind, DecodeErrorKind::InvalidValue(_)), "{error:?}");
            assert_eq!(
                error.path_string(),
                "GetPatientsResponse/GetPatientsResult/ErrorResponse/IsError"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().contains("ErrorResponse/IsError"), "{err}");
    assert_eq!(mock.requests(), 1, "a bad document is not retried");
}

#[tokio::test]
async fn slow_answers_time_out() {
    let mock = mock().await;
    let client = builder(&mock)
        .retry(RetryPolicy::none())
        .request_timeout(ms(100))
        .build()
        .expect("client");
    mock.inject(Rule::new(Behavior::Delay(Duration::from_secs(3))));
    let err = client.get_patients(patients_request()).await.expect_err("timeout");
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(err.may_have_reached_server());
}

#[tokio::test]
async fn dropped_connections_are_transport_errors() {
    let mock = mock().await;
    let client = builder(&mock).retry(RetryPolicy::none()).build().expect("client");
    mock.inject(Rule::new(Behavior::Reset));
    let err = client.get_patients(patients_request()).await.expect_err("reset");
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Connection,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_reached_server());
}

/// A loopback port nothing listens on.
async fn closed_port_endpoint() -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}{ENDPOINT_PATH}")
}

#[tokio::test]
async fn refused_connections_are_connect_errors() {
    let client = KareoClient::builder(Credentials::new("invented-key", "invented-user", "invented-pass"))
        .endpoint(closed_port_endpoint().await)
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.get_patients(patients_request()).await.expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.may_have_reached_server());
    assert!(err.is_retryable());
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_error() {
    let mock = mock().await;
    let endpoint = mock.endpoint().replacen("http://", "https://", 1);
    let client = builder(&mock)
        .endpoint(endpoint)
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let err = client.get_patients(patients_request()).await.expect_err("no TLS there");
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Tls,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.may_have_reached_server());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn responses_over_the_size_limit_are_refused() {
    let mock = mock().await;
    mock.set_patient_count(100);
    let client = builder(&mock).max_response_bytes(8 * 1024).build().expect("client");
    let err = client.get_patients(patients_request()).await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { limit: 8192, .. }), "{err:?}");
    assert_eq!(mock.requests(), 1, "not retried");
}

/// Answers every request with a fixed body, ignoring the size limit it is given.
struct Oversized;

impl Transport for Oversized {
    fn send(&self, _request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async {
            Ok(HttpResponse {
                status: 200,
                content_type: Some("text/xml".into()),
                retry_after: None,
                body: vec![b' '; 10_000].into(),
            })
        })
    }
}

#[tokio::test]
async fn the_size_limit_holds_for_custom_transports_too() {
    let client = KareoClient::builder(Credentials::new("invented-key", "invented-user", "invented-pass"))
        .transport(Arc::new(Oversized))
        .max_response_bytes(1_000)
        .build()
        .expect("client");
    let err = client.get_patients(patients_request()).await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { limit: 1_000, .. }), "{err:?}");
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let mock = mock().await;
    let client = client(&mock);
    let mut request = patients_request();
    request.filter.last_name = "bad\u{1}name".to_owned().into();
    let err = client.get_patients(request).await.expect_err("invalid");
    match &err {
        Error::InvalidInput { message, .. } => assert!(message.contains("LastName"), "{message}"),
        other => panic!("expected invalid input, got {other:?}"),
    }
    assert!(!err.may_have_reached_server());
    assert_eq!(mock.requests(), 0);
}

// ---------------------------------------------------------------------------------------------
// Retry rules.

#[tokio::test]
async fn reads_are_retried_until_they_succeed() {
    let mock = mock().await;
    let client = client(&mock);
    mock.inject(Rule::new(Behavior::Status {
        status: 503,
        retry_after: None,
    }));
    mock.inject(Rule::new(Behavior::Reset));
    let response = client
        .get_patients(patients_request())
        .await
        .expect("third attempt succeeds");
    assert!(response.patients.value().is_some());
    assert_eq!(mock.requests_for("GetPatients"), 3);
}

#[tokio::test]
async fn reads_are_retried_on_every_retryable_error_kind() {
    let mock = mock().await;
    let client = builder(&mock).request_timeout(ms(200)).build().expect("client");
    let behaviors = [
        Behavior::Throttle,
        Behavior::Status {
            status: 429,
            retry_after: None,
        },
        Behavior::HtmlError(502),
        Behavior::Truncate,
        Behavior::Reset,
        Behavior::Delay(Duration::from_secs(2)),
    ];
    for behavior in behaviors {
        let before = mock.requests_for("GetPatient");
        mock.inject(Rule::new(behavior.clone()).only("GetPatient"));
        client
            .get_patient(GetPatientReq::default())
            .await
            .unwrap_or_else(|e| panic!("{behavior:?}: the retry should succeed, got {e}"));
        assert_eq!(mock.requests_for("GetPatient") - before, 2, "{behavior:?}");
    }
}

#[tokio::test]
async fn reads_give_up_after_max_attempts() {
    let mock = mock().await;
    let client = builder(&mock)
        .retry(fast_retries().with_max_attempts(4))
        .build()
        .expect("client");
    mock.inject(Rule::new(Behavior::HtmlError(500)).times(10));
    let err = client
        .get_patients(patients_request())
        .await
        .expect_err("keeps failing");
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err:?}");
    assert_eq!(mock.requests(), 4);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_backoff_cap_is_not_waited_for() {
    let mock = mock().await;
    let client = client(&mock);
    mock.inject(Rule::new(Behavior::Status {
        status: 429,
        retry_after: Some(3600),
    }));
    let err = client.get_patients(patients_request()).await.expect_err("throttled");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn non_retryable_errors_are_not_retried_even_for_reads() {
    let mock = mock().await;
    let client = client(&mock);
    let behaviors = [
        Behavior::IsError("invented failure".into()),
        Behavior::NotAuthorized(vec!["PatientRead".into()]),
        Behavior::Fault {
            code: "s:Client".into(),
            string: "invented fault".into(),
        },
        Behavior::HtmlError(404),
    ];
    for behavior in behaviors {
        let before = mock.requests();
        mock.inject(Rule::new(behavior.clone()));
        client.get_patients(patients_request()).await.expect_err("fails");
        assert_eq!(mock.requests() - before, 1, "{behavior:?}");
    }
}

#[tokio::test]
async fn a_failed_create_patient_reaches_the_server_exactly_once() {
    let mock = mock().await;
    // Even with every retry switch on, a write that may have reached the server is not resent.
    let client = builder(&mock)
        .retry(fast_retries().with_max_attempts(5).with_retry_unsent_writes(true))
        .request_timeout(ms(200))
        .build()
        .expect("client");
    let behaviors = [
        Behavior::Status {
            status: 503,
            retry_after: None,
        },
        Behavior::Status {
            status: 429,
            retry_after: Some(0),
        },
        Behavior::HtmlError(502),
        Behavior::Throttle,
        Behavior::Truncate,
        Behavior::Reset,
        Behavior::Delay(Duration::from_secs(2)),
    ];
    for behavior in behaviors {
        let before = mock.requests_for("CreatePatient");
        mock.inject(Rule::new(behavior.clone()).times(5).only("CreatePatient"));
        let err = client.create_patient(new_patient()).await.expect_err("fails");
        assert!(err.is_retryable(), "{behavior:?} is retryable for a read: {err}");
        assert_eq!(mock.requests_for("CreatePatient") - before, 1, "{behavior:?}");
        mock.clear_rules();
    }
}

macro_rules! writes_are_never_resent {
    ($(($op:ident, $method:ident, $reqm:ident::$req:ident, $($resp:tt)*)),* $(,)?) => {
        async fn writes_are_never_resent(client: &KareoClient, mock: &MockKareo) -> usize {
            let mut writes = 0;
            $(
                if !<operations::$op as Operation>::INFO.read_only {
                    let name = <operations::$op as Operation>::INFO.name;
                    mock.inject(Rule::new(Behavior::Status { status: 503, retry_after: None }).times(3).only(name));
                    let err = client.$method(kareo_sdk::$reqm::$req::default()).await.expect_err(name);
                    assert!(matches!(err, Error::Throttled { .. }), "{name}: {err:?}");
                    assert_eq!(mock.requests_for(name), 1, "{name} was sent once");
                    mock.clear_rules();
                    writes += 1;
                }
            )*
            writes
        }
    };
}
kareo_sdk::for_each_operation!(writes_are_never_resent);

#[tokio::test]
async fn no_write_operation_is_resent_after_a_retryable_error() {
    let mock = mock().await;
    let client = client(&mock);
    let writes = writes_are_never_resent(&client, &mock).await;
    let expected = operations::OPERATIONS.iter().filter(|o| !o.read_only).count();
    assert!(expected > 0);
    assert_eq!(writes, expected, "every write operation of the table was tried");
}

#[tokio::test]
async fn writes_are_retried_only_when_the_connection_was_never_made() {
    let mock = mock().await;

    // Allowed: the first connect fails, the second attempt goes through; the mock sees one.
    let transport = Arc::new(TestTransport {
        refuse_first: AtomicUsize::new(1),
        ..TestTransport::new()
    });
    let client = builder(&mock)
        .retry(fast_retries().with_retry_unsent_writes(true))
        .transport(transport.clone())
        .build()
        .expect("client");
    client.create_patient(new_patient()).await.expect("second attempt");
    assert_eq!(transport.attempts.load(Ordering::SeqCst), 2);
    assert_eq!(mock.requests_for("CreatePatient"), 1);

    // By default even that is not retried.
    let transport = Arc::new(TestTransport {
        refuse_first: AtomicUsize::new(1),
        ..TestTransport::new()
    });
    let client = builder(&mock).transport(transport.clone()).build().expect("client");
    let err = client.create_patient(new_patient()).await.expect_err("not retried");
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(transport.attempts.load(Ordering::SeqCst), 1);
    assert_eq!(mock.requests_for("CreatePatient"), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_reads() {
    let mock = mock().await;
    let transport = Arc::new(TestTransport {
        refuse_first: AtomicUsize::new(2),
        ..TestTransport::new()
    });
    let client = builder(&mock).transport(transport.clone()).build().expect("client");
    client
        .get_practices(GetPracticesReq::default())
        .await
        .expect("third attempt");
    assert_eq!(transport.attempts.load(Ordering::SeqCst), 3);
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn rate_limited_calls_all_complete() {
    let mock = mock().await;
    let client = builder(&mock)
        .rate_limit(RateLimit::new(50, Duration::from_secs(1)))
        .rate_limit_for("GetProviders", RateLimit::new(2, ms(100)))
        .build()
        .expect("client");
    for _ in 0..4 {
        client
            .get_providers(GetProvidersReq::default())
            .await
            .expect("providers");
        client
            .get_practices(GetPracticesReq::default())
            .await
            .expect("practices");
    }
    assert_eq!(mock.requests_for("GetProviders"), 4);
    assert_eq!(
        client.config().rate_limit_for("GetProviders"),
        Some(RateLimit::new(2, ms(100)))
    );
    assert_eq!(
        client.config().rate_limit_for("GetCharges"),
        Some(RateLimit::per_second(50))
    );
}

#[tokio::test]
async fn concurrent_calls_share_one_client() {
    let mock = mock().await;
    let client = client(&mock);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.get_practices(GetPracticesReq::default()).await
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("practices");
    }
    assert_eq!(mock.requests(), 8);
}

// ---------------------------------------------------------------------------------------------
// Configuration.

#[test]
fn from_env_names_the_missing_variable() {
    let vars = [
        ("KAREO_CUSTOMER_KEY", "invented-key"),
        ("KAREO_USER", "invented-user"),
        ("KAREO_PASSWORD", "invented-pass"),
    ];
    for missing in 0..3 {
        let lookup = |name: &str| {
            vars.iter()
                .enumerate()
                .find(|(i, (n, _))| *n == name && *i != missing)
                .map(|(_, (_, v))| v.to_string())
        };
        let err = ClientBuilder::from_lookup(lookup).expect_err("missing variable");
        assert!(matches!(err, Error::Config { .. }));
        assert!(err.to_string().contains(vars[missing].0), "{err}");
    }
    let lookup = |name: &str| match name {
        "KAREO_ENDPOINT" => Some("http://127.0.0.1:9/x".to_owned()),
        _ => vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()),
    };
    let builder = ClientBuilder::from_lookup(lookup).expect("all set");
    assert_eq!(builder.config().endpoint(), "http://127.0.0.1:9/x");
    let builder = ClientBuilder::from_lookup(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
        .expect("all set");
    assert_eq!(builder.config().endpoint(), kareo_sdk::DEFAULT_ENDPOINT);
}

#[test]
fn invalid_settings_are_config_errors() {
    let creds = || Credentials::new("invented-key", "invented-user", "invented-pass");
    let cases = [
        KareoClient::builder(creds()).endpoint("not a url"),
        KareoClient::builder(creds()).endpoint("ftp://example.invalid/"),
        KareoClient::builder(creds()).retry(RetryPolicy::default().with_max_attempts(0)),
        KareoClient::builder(creds()).rate_limit(RateLimit::new(0, Duration::from_secs(1))),
        KareoClient::builder(creds()).rate_limit_for("GetEverything", RateLimit::per_second(1)),
    ];
    for builder in cases {
        let err = builder.build().expect_err("invalid");
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }
    let client = KareoClient::new(creds()).expect("defaults build");
    assert_eq!(client.config().endpoint(), kareo_sdk::DEFAULT_ENDPOINT);
}

// ---------------------------------------------------------------------------------------------
// The mock itself.

async fn raw_http(mock: &MockKareo, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_mock_checks_method_and_content_type() {
    let mock = mock().await;
    let get = format!("GET {ENDPOINT_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(raw_http(&mock, &get).await.starts_with("HTTP/1.1 405"));
    let json = format!(
        "POST {ENDPOINT_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: 2\r\n\
         SOAPAction: \"http://www.kareo.com/api/schemas/KareoServices/GetPatients\"\r\nConnection: close\r\n\r\n{{}}"
    );
    assert!(raw_http(&mock, &json).await.starts_with("HTTP/1.1 415"));
    let wrong_path = "POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    assert!(raw_http(&mock, wrong_path).await.starts_with("HTTP/1.1 404"));
}

#[tokio::test]
async fn the_mock_stops_when_dropped() {
    let mock = mock().await;
    let addr = mock.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(mock);
    let mut refused = false;
    for _ in 0..1000 {
        tokio::task::yield_now().await;
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "the listener closes once the mock is dropped");
}

#[tokio::test]
async fn get_customer_id_from_key_gets_the_credentials_in_its_own_members() {
    // Its request has no RequestHeader: the client fills the request's own CustomerKey, User and
    // Password.
    let mock = mock().await;
    client(&mock)
        .get_customer_id_from_key(GetCustomerIdFromKeyRequest::default())
        .await
        .expect("call");
    let sent = mock.last_credentials("GetCustomerIdFromKey").expect("a request");
    assert_eq!(
        sent[..3],
        [
            ("customer_key", MOCK_CUSTOMER_KEY.to_owned()),
            ("user", MOCK_USER.to_owned()),
            ("password", MOCK_PASSWORD.to_owned()),
        ]
    );

    // Values the caller set are sent as set, and kept out of Debug.
    let request = GetCustomerIdFromKeyRequest::new().customer_key("OTHER-CUSTKEY-0000");
    let shown = format!("{request:?}");
    assert!(!shown.contains("OTHER-CUSTKEY"), "{shown}");
    client(&mock).get_customer_id_from_key(request).await.expect("call");
    let sent = mock.last_credentials("GetCustomerIdFromKey").expect("a request");
    assert_eq!(sent[0], ("customer_key", "OTHER-CUSTKEY-0000".to_owned()));
    assert_eq!(sent[1], ("user", MOCK_USER.to_owned()));
}

#[tokio::test]
async fn the_2025_reads_are_retried_as_reads() {
    let mock = mock().await;
    let client = client(&mock);
    for name in ["GetThrottles", "GetCustomerIdFromKey"] {
        let info = operations::OPERATIONS
            .iter()
            .find(|o| o.name == name)
            .expect("in the contract");
        assert!(info.read_only, "{name} is declared read-only");
    }
    mock.inject(
        Rule::new(Behavior::Status {
            status: 503,
            retry_after: None,
        })
        .times(1)
        .only("GetThrottles"),
    );
    client
        .get_throttles(GetThrottlesReq::default())
        .await
        .expect("retried after a 503");
    assert_eq!(mock.requests_for("GetThrottles"), 2);
}

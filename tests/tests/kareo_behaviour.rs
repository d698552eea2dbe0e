//! What Kareo does that its WSDL does not say, handled by the client from the data in
//! `wsdl/overrides.toml`: placeholder rows, the published throttles, date windows.
//!
//! Responses are written like the ones integrators report (a self-closing `<ChargeData/>`
//! first, a no-match answer of one record with an empty `ID`, the over-limit message inside
//! an HTTP 200 `ErrorResponse`), served by a scripted transport that also enforces the
//! 60-day window. All data is invented.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use kareo_sdk::client::{
    BoxFuture, HttpRequest, HttpResponse, KareoClient, RateLimit, RetryPolicy, Transport, TransportError,
};
use kareo_sdk::ids::{ChargeId, PatientId};
use kareo_sdk::operations::{self, GetAppointments, GetCharges, GetPatients, THROTTLES};
use kareo_sdk::types::{ChargeData, GetChargesReq, GetChargesResp};
use kareo_sdk::values::Decimal;
use kareo_sdk::xml::{DateWindow, Limits, ListOperation, Nillable, Operation};
use kareo_sdk::{Credentials, Error};

const NS: &str = "http://www.kareo.com/api/schemas/";

/// A response body for operation `op` whose result holds `inner`, as the service writes it.
fn answer(op: &str, inner: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><{op}Response xmlns="http://www.kareo.com/api/schemas/"><{op}Result xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ErrorResponse><IsError>false</IsError></ErrorResponse><SecurityResponse><Authenticated>true</Authenticated><Authorized>true</Authorized><CustomerKeyValid>true</CustomerKeyValid><SecurityResultSuccess>true</SecurityResultSuccess></SecurityResponse>{inner}</{op}Result></{op}Response></s:Body></s:Envelope>"#
    )
}

/// The over-limit answer: HTTP 200, `IsError`, the service's message.
fn over_limit(op: &str, ms: u32) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><{op}Response xmlns="{NS}"><{op}Result><ErrorResponse><ErrorMessage>429: {op} endpoint requested more than allowed over time interval {ms} milliseconds. Please wait to try again.</ErrorMessage><IsError>true</IsError></ErrorResponse></{op}Result></{op}Response></s:Body></s:Envelope>"#
    )
}

fn charge(id: &str, posted: &str) -> String {
    format!("<ChargeData><ID>{id}</ID><PatientID>7001</PatientID><PostingDate>{posted}</PostingDate><TotalCharges>120.0000</TotalCharges></ChargeData>")
}

type Handler = dyn Fn(&HttpRequest) -> String + Send + Sync;

/// A transport that answers each request with the next scripted body, or with `fallback`.
struct Scripted {
    script: Mutex<VecDeque<String>>,
    fallback: Box<Handler>,
    seen: Mutex<Vec<String>>,
}

impl Scripted {
    fn new(
        script: impl IntoIterator<Item = String>,
        fallback: impl Fn(&HttpRequest) -> String + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Scripted {
            script: Mutex::new(script.into_iter().collect()),
            fallback: Box::new(fallback),
            seen: Mutex::new(Vec::new()),
        })
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            self.seen
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request.body).into_owned());
            let next = self.script.lock().unwrap().pop_front();
            let body = next.unwrap_or_else(|| (self.fallback)(&request));
            Ok(HttpResponse {
                status: 200,
                content_type: Some("text/xml; charset=utf-8".into()),
                retry_after: None,
                body: Bytes::from(body),
            })
        })
    }
}

fn client(transport: Arc<Scripted>) -> kareo_sdk::client::ClientBuilder {
    KareoClient::builder(Credentials::new("invented-key", "invented-user", "invented-password"))
        .endpoint("http://127.0.0.1:9/KareoServices.svc")
        .transport(transport)
        .retry(RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_secs(10)))
}

fn ids(charges: &[ChargeData]) -> Vec<&str> {
    charges
        .iter()
        .map(|c| c.id.value().map_or("", String::as_str))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Placeholder rows.

#[tokio::test]
async fn a_self_closing_first_row_is_dropped_and_counted() {
    let body = answer(
        "GetCharges",
        &format!(
            "<Charges><ChargeData/>{}{}</Charges>",
            charge("501", "6/2/2026"),
            charge("502", "6/3/2026")
        ),
    );
    let t = Scripted::new([body.clone(), body.clone(), body], |_| unreachable!());
    let c = client(t.clone()).build().unwrap();

    let (response, report) = c
        .call_with_report::<GetCharges>(GetChargesReq::default())
        .await
        .unwrap();
    let charges = response.charges.value().unwrap();
    assert_eq!(ids(charges), ["501", "502"]);
    assert_eq!(report.placeholders_dropped, 1);
    assert_eq!(report.attempts, 1);

    // The stream drops the same record and says so.
    let mut stream = c.stream_get_charges(GetChargesReq::default()).await.unwrap();
    let mut streamed = Vec::new();
    while let Some(item) = stream.next().await {
        streamed.push(item.unwrap());
    }
    assert_eq!(ids(&streamed), ["501", "502"]);
    assert_eq!((stream.placeholders_dropped(), stream.delivered()), (1, 2));

    // Switched off, the placeholder comes back as the all-absent record it is.
    let keep = client(Scripted::new(
        [answer(
            "GetCharges",
            &format!("<Charges><ChargeData/>{}</Charges>", charge("501", "6/2/2026")),
        )],
        |_| unreachable!(),
    ))
    .drop_placeholders(false)
    .build()
    .unwrap();
    let (response, report) = keep
        .call_with_report::<GetCharges>(GetChargesReq::default())
        .await
        .unwrap();
    assert_eq!(response.charges.value().unwrap()[0], ChargeData::default());
    assert_eq!(report.placeholders_dropped, 0);
}

#[tokio::test]
async fn a_no_match_answer_is_an_empty_list() {
    // The forms integrators report: an empty ID, a nil ID, a blank ID, a self-closing record.
    for placeholder in [
        "<ChargeData><ID></ID></ChargeData>",
        r#"<ChargeData><ID i:nil="true"/></ChargeData>"#,
        "<ChargeData><ID>  </ID><PatientID></PatientID></ChargeData>",
        "<ChargeData/>",
    ] {
        let body = answer("GetCharges", &format!("<Charges>{placeholder}</Charges>"));
        let c = client(Scripted::new([body.clone(), body], |_| unreachable!()))
            .build()
            .unwrap();
        let (response, report) = c
            .call_with_report::<GetCharges>(GetChargesReq::default())
            .await
            .unwrap();
        assert_eq!(response.charges, Nillable::Value(vec![]), "{placeholder}");
        assert_eq!(report.placeholders_dropped, 1, "{placeholder}");
        let streamed = c
            .stream_get_charges(GetChargesReq::default())
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        assert!(streamed.is_empty(), "{placeholder}");
    }
}

#[test]
fn every_list_record_type_with_an_identifier_declares_its_placeholders() {
    // What the overrides declare reaches every list operation whose records carry an ID.
    macro_rules! check {
        ($(($op:ident, $method:ident, $stream:ident, $($types:tt)*)),* $(,)?) => {$({
            let empty = <<operations::$op as ListOperation>::Item as Default>::default();
            let declared = <operations::$op as ListOperation>::HAS_PLACEHOLDERS;
            assert_eq!(
                <operations::$op as ListOperation>::is_placeholder(&empty),
                declared,
                "{}", stringify!($op)
            );
            if stringify!($op) != "GetThrottles" {
                assert!(declared, "{} has no placeholder rule", stringify!($op));
            }
        })*};
    }
    kareo_sdk::for_each_list_operation!(check);
}

// ---------------------------------------------------------------------------------------------
// Throttles.

#[test]
fn every_operation_gets_the_published_limit_plus_the_margin() {
    let c = client(Scripted::new([], |_| unreachable!())).build().unwrap();
    assert_eq!(THROTTLES.margin, Duration::from_millis(250));
    assert!(THROTTLES.source.contains("April 2025"), "{}", THROTTLES.source);
    for info in operations::OPERATIONS {
        let expected = info
            .published_interval
            .map(|i| RateLimit::new(1, i + Duration::from_millis(250)));
        assert_eq!(c.rate_limit(info.name), expected, "{}", info.name);
    }
    assert_eq!(GetPatients::INFO.published_interval, Some(Duration::from_millis(1000)));
    assert_eq!(
        c.rate_limit("GetAllPatients"),
        Some(RateLimit::new(1, Duration::from_millis(5250)))
    );

    // Explicit settings win; the table can be turned off.
    let c = client(Scripted::new([], |_| unreachable!()))
        .rate_limit_for("GetPatients", RateLimit::per_second(1))
        .throttle_margin(Duration::from_millis(500))
        .build()
        .unwrap();
    assert_eq!(c.rate_limit("GetPatients"), Some(RateLimit::per_second(1)));
    assert_eq!(
        c.rate_limit("GetCharges"),
        Some(RateLimit::new(1, Duration::from_millis(1500)))
    );
    let off = client(Scripted::new([], |_| unreachable!()))
        .published_limits(false)
        .build()
        .unwrap();
    assert_eq!(off.rate_limit("GetCharges"), None);
}

#[tokio::test]
async fn the_second_call_waits_for_its_slot() {
    let ok = answer("GetCharges", "<Charges/>");
    let c = client(Scripted::new([ok.clone(), ok], |_| unreachable!()))
        .build()
        .unwrap();
    let (_, first) = c
        .call_with_report::<GetCharges>(GetChargesReq::default())
        .await
        .unwrap();
    let (_, second) = c
        .call_with_report::<GetCharges>(GetChargesReq::default())
        .await
        .unwrap();
    assert_eq!(first.rate_limit_wait, Duration::ZERO);
    assert!(!second.rate_limit_wait.is_zero(), "{second:?}");
}

#[tokio::test]
async fn a_throttled_read_waits_as_asked_and_is_retried() {
    let t = Scripted::new(
        [
            over_limit("GetCharges", 1000),
            answer(
                "GetCharges",
                &format!("<Charges>{}</Charges>", charge("501", "6/2/2026")),
            ),
        ],
        |_| unreachable!(),
    );
    let c = client(t.clone()).published_limits(false).build().unwrap();
    let (response, report) = c
        .call_with_report::<GetCharges>(GetChargesReq::default())
        .await
        .unwrap();
    assert_eq!(ids(response.charges.value().unwrap()), ["501"]);
    assert_eq!(report.attempts, 2);
    assert_eq!(t.requests().len(), 2);
}

#[tokio::test]
async fn a_throttled_write_is_not_resent_and_says_how_long_to_wait() {
    use kareo_sdk::operations::CreatePatient;
    let t = Scripted::new([over_limit("CreatePatient", 500)], |_| unreachable!());
    let c = client(t.clone()).build().unwrap();
    let err = c.call::<CreatePatient>(Default::default()).await.unwrap_err();
    assert_eq!(t.requests().len(), 1, "a write is never resent blindly");
    match &err {
        Error::Throttled {
            operation, retry_after, ..
        } => {
            assert_eq!(*operation, "CreatePatient");
            // The interval the message states, plus the margin.
            assert_eq!(*retry_after, Some(Duration::from_millis(750)));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("wait 750 ms"), "{err}");

    // Opted in, the refused write is sent again after the wait.
    let t = Scripted::new([over_limit("CreatePatient", 500)], |_| {
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CreatePatientResponse xmlns="http://www.kareo.com/api/schemas/"><CreatePatientResult><ErrorResponse><IsError>false</IsError></ErrorResponse><PatientID>123</PatientID></CreatePatientResult></CreatePatientResponse></s:Body></s:Envelope>"#.to_owned()
    });
    let c = client(t.clone())
        .retry(RetryPolicy::default().with_retry_throttled_writes(true))
        .build()
        .unwrap();
    c.call::<CreatePatient>(Default::default()).await.unwrap();
    assert_eq!(t.requests().len(), 2);
}

#[tokio::test]
async fn the_over_limit_message_without_an_interval_falls_back_to_the_table() {
    let body = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetPatientsResponse xmlns="http://www.kareo.com/api/schemas/"><GetPatientsResult><ErrorResponse><ErrorMessage>GetPatients endpoint requested more than allowed.</ErrorMessage><IsError>true</IsError></ErrorResponse></GetPatientsResult></GetPatientsResponse></s:Body></s:Envelope>"#;
    let c = client(Scripted::new([body.to_owned()], |_| unreachable!()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.call::<GetPatients>(Default::default()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1250)), "{err:?}");
}

#[tokio::test]
async fn get_throttles_refreshes_the_limits() {
    let report = answer(
        "GetThrottles",
        "<ThrottleDetails><ThrottleDetail><Endpoint>GetCharges</Endpoint><ThrottleTimeMs>2000</ThrottleTimeMs></ThrottleDetail><ThrottleDetail><Endpoint>getpatients</Endpoint><ThrottleTimeMs>3000.5</ThrottleTimeMs></ThrottleDetail><ThrottleDetail><Endpoint>SearchPatient</Endpoint><ThrottleTimeMs>250</ThrottleTimeMs></ThrottleDetail><ThrottleDetail><Endpoint>GetPayments</Endpoint><ThrottleTimeMs>-1</ThrottleTimeMs></ThrottleDetail></ThrottleDetails>",
    );
    let c = client(Scripted::new([report], |_| unreachable!())).build().unwrap();
    let read = c.refresh_throttles().await.unwrap();
    assert_eq!(
        read,
        [
            ("GetCharges", Duration::from_millis(2000)),
            ("GetPatients", Duration::from_micros(3_000_500))
        ]
    );
    assert_eq!(
        c.rate_limit("GetCharges"),
        Some(RateLimit::new(1, Duration::from_millis(2250)))
    );
    // Not reported, or reported as nonsense: the published limit stays.
    assert_eq!(
        c.rate_limit("GetPayments"),
        Some(RateLimit::new(1, Duration::from_millis(1250)))
    );
}

// ---------------------------------------------------------------------------------------------
// Date windows.

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn parse_us(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/').map(|p| p.parse::<u32>().ok());
    let (m, d, y) = (parts.next()??, parts.next()??, parts.next()??);
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// A GetCharges server holding posting-date ranges to 60 days: one charge per posting day
/// (ID = days since 2026-01-01), the range's ends both included; a wider range faults as the
/// service does, with a validation message.
fn charges_server(req: &HttpRequest) -> String {
    let request = kareo_sdk::envelope::read_request::<GetCharges>(&req.body, Limits::default()).unwrap();
    let (from, to) = GetCharges::range(&request);
    let (from, to) = (parse_us(from.unwrap()).unwrap(), parse_us(to.unwrap()).unwrap());
    if (to - from).num_days() >= 60 {
        return r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>The date range for posting date cannot exceed 60 days.</faultstring></s:Fault></s:Body></s:Envelope>"#.to_owned();
    }
    let mut rows = String::from("<ChargeData/>");
    let mut d = from;
    while d <= to {
        let id = (d - day(2026, 1, 1)).num_days();
        rows.push_str(&charge(
            &format!("{id}"),
            &kareo_sdk::values::KareoDate::new(d).to_string(),
        ));
        d = d.succ_opt().unwrap();
    }
    answer("GetCharges", &format!("<Charges>{rows}</Charges>"))
}

#[tokio::test]
async fn a_year_of_charges_comes_in_windows_each_record_once_in_order() {
    let t = Scripted::new([], charges_server);
    let c = client(t.clone()).published_limits(false).build().unwrap();
    let mut request = GetChargesReq::default();
    request.filter.practice_name = "Invented Practice".to_owned().into();
    let mut export = c
        .export::<GetCharges>(request, day(2026, 1, 1)..=day(2026, 12, 31))
        .unwrap();
    assert_eq!(export.windows().len(), 7);
    let mut charges = Vec::new();
    let mut windows_seen = Vec::new();
    while let Some(charge) = export.next().await {
        charges.push(charge.unwrap());
        let p = export.progress();
        if windows_seen.last() != Some(&p.windows_done) {
            windows_seen.push(p.windows_done);
        }
    }
    let got: Vec<i64> = charges.iter().map(|c| c.id.value().unwrap().parse().unwrap()).collect();
    assert_eq!(got, (0..365).collect::<Vec<i64>>());
    assert_eq!(
        windows_seen,
        (0..7).collect::<Vec<usize>>(),
        "records arrive window after window"
    );
    let p = export.progress();
    assert_eq!((p.windows_done, p.windows, p.records), (7, 7, 365));
    assert_eq!(p.duplicates, 6, "one shared day between windows");
    assert_eq!(p.placeholders_dropped, 7);
    assert_eq!((p.pages, p.calls), (7, 7));
    // Every request kept the caller's other criteria and a range the service accepts.
    let requests = t.requests();
    assert_eq!(requests.len(), 7);
    assert!(requests
        .iter()
        .all(|r| r.contains("<n0:PracticeName>Invented Practice</n0:PracticeName>")));
    assert!(
        requests[0].contains("<n0:FromPostingDate>1/1/2026</n0:FromPostingDate>"),
        "{}",
        requests[0]
    );
    assert!(
        requests[0].contains("<n0:ToPostingDate>3/1/2026</n0:ToPostingDate>"),
        "{}",
        requests[0]
    );
}

#[tokio::test]
async fn a_failed_window_names_its_range() {
    // The third window faults.
    let calls = Mutex::new(0);
    let t = Scripted::new([], move |req| {
        let mut n = calls.lock().unwrap();
        *n += 1;
        if *n == 3 {
            return r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>Invented validation failure.</faultstring></s:Fault></s:Body></s:Envelope>"#.to_owned();
        }
        charges_server(req)
    });
    let c = client(t).published_limits(false).build().unwrap();
    let err = c
        .export::<GetCharges>(GetChargesReq::default(), day(2026, 1, 1)..=day(2026, 12, 31))
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    match &err {
        Error::Window {
            operation,
            from,
            to,
            index,
            windows,
            records_before,
            ..
        } => {
            assert_eq!((*operation, *index, *windows), ("GetCharges", 3, 7));
            assert_eq!((*from, *to), (day(2026, 4, 29), day(2026, 6, 27)));
            assert_eq!(*records_before, 119);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("2026-04-29..=2026-06-27"), "{err}");
    assert!(!err.is_retryable());
}

#[test]
fn the_windowed_operations_are_declared_with_their_ranges() {
    assert_eq!(
        (GetCharges::MAX_DAYS, GetCharges::FROM, GetCharges::TO),
        (60, "Filter/FromPostingDate", "Filter/ToPostingDate")
    );
    assert_eq!(
        (GetAppointments::MAX_DAYS, GetAppointments::FROM, GetAppointments::TO),
        (60, "Filter/StartDate", "Filter/EndDate")
    );
    let mut request = GetChargesReq::default();
    GetCharges::set_range(&mut request, "1/1/2026".into(), "3/1/2026".into());
    assert_eq!(GetCharges::range(&request), (Some("1/1/2026"), Some("3/1/2026")));
    let mut names = Vec::new();
    macro_rules! list {
        ($($op:ident),* $(,)?) => {$( names.push(<operations::$op as Operation>::INFO.name); )*};
    }
    kareo_sdk::for_each_date_window_operation!(list);
    assert_eq!(names, ["GetAppointments", "GetCharges"]);
}

#[test]
fn an_export_refuses_an_empty_range_or_a_window_wider_than_the_service_holds() {
    let c = client(Scripted::new([], |_| unreachable!())).build().unwrap();
    let err = c
        .export::<GetCharges>(Default::default(), day(2026, 2, 1)..=day(2026, 1, 1))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("ends before it starts"), "{err}");
    let err = c
        .export::<GetCharges>(Default::default(), day(2026, 1, 1)..=day(2026, 2, 1))
        .unwrap()
        .window_days(61)
        .unwrap_err();
    assert!(err.to_string().contains("2..=60"), "{err}");
    // An operation without a date window takes no range of days.
    let err = c
        .export::<kareo_sdk::operations::GetPatients>(Default::default(), day(2026, 1, 1)..=day(2026, 2, 1))
        .unwrap_err();
    assert!(err.to_string().contains("no date window"), "{err}");
    let _: GetChargesResp = GetChargesResp::default();
}

// ---------------------------------------------------------------------------------------------
// Against the published test kit, which enforces the table, the 60-day window and placeholders.

mod against_the_kit {
    use super::*;
    use kareo_mock::MockKareo;
    use kareo_sdk::types::SinglePatientFilter;

    fn kit_client(mock: &MockKareo) -> KareoClient {
        // The client's defaults: the published limits plus the margin, the default retries.
        KareoClient::builder(mock.credentials())
            .endpoint(mock.endpoint())
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_year_long_charge_export_completes_under_the_window_and_the_throttles() {
        let mock = MockKareo::builder().empty().start().await.unwrap();
        // Two invented charges a week through 2026, and one outside the range.
        let mut expected = Vec::new();
        let mut d = day(2026, 1, 3);
        while d <= day(2026, 12, 31) {
            let id = mock.add_charge(
                ChargeData::new()
                    .patient_id(PatientId::new(7001))
                    .posting_date(d)
                    .total_charges("120.0000".parse::<Decimal>().unwrap()),
            );
            expected.push(id);
            d = d + chrono::Days::new(3 + (expected.len() % 2) as u64);
        }
        mock.add_charge(ChargeData::new().posting_date(day(2027, 1, 5)));

        // A single call over the year is what the service refuses.
        let c = kit_client(&mock);
        let mut whole = GetChargesReq::default();
        GetCharges::set_range(&mut whole, "1/1/2026".into(), "12/31/2026".into());
        let err = c.get_charges(whole).await.unwrap_err();
        assert!(err.to_string().contains("60 days"), "{err}");

        let mut export = c
            .export::<GetCharges>(GetChargesReq::default(), day(2026, 1, 1)..=day(2026, 12, 31))
            .unwrap();
        let mut charges = Vec::new();
        while let Some(charge) = export.next().await {
            charges.push(charge.unwrap());
        }
        let windows = export.progress().windows_done;
        let got: Vec<ChargeId> = charges.iter().map(|c| c.id_value().unwrap().unwrap()).collect();
        let mut sorted_expected = expected.clone();
        sorted_expected.sort_by_key(|id| got.iter().position(|g| g == id));
        assert_eq!(got.len(), expected.len(), "every charge of the year, each once");
        assert_eq!(got, sorted_expected);
        let posted: Vec<NaiveDate> = charges
            .iter()
            .map(|c| c.posting_date_value().unwrap().unwrap().date())
            .collect();
        assert!(posted.windows(2).all(|p| p[0] <= p[1]), "in window order");
        assert_eq!(windows, 7);
        // One refused call, then one call per window: the throttles never answered.
        assert_eq!(mock.requests_for("GetCharges"), 1 + 7);
    }

    #[tokio::test]
    async fn a_bulk_job_never_sees_a_throttle() {
        let mock = MockKareo::start().await.unwrap();
        let c = KareoClient::builder(mock.credentials())
            .endpoint(mock.endpoint())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let id = mock.patients().first().and_then(|p| p.id.value().cloned()).unwrap();
        for _ in 0..12 {
            c.get_patient(SinglePatientFilter::new().patient_id(id.parse().unwrap()))
                .await
                .unwrap();
        }
        for _ in 0..3 {
            c.get_patients(kareo_sdk::types::GetPatientsReq::new()).await.unwrap();
        }
        assert_eq!(mock.requests_for("GetPatient"), 12);
        assert_eq!(mock.requests_for("GetPatients"), 3);
    }
}

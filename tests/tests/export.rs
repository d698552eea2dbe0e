//! Complete exports: list streams follow the service's pages, exports its date windows too,
//! every record exactly once, and an export killed anywhere resumes from its cursor with no
//! duplicate and no gap. Against `kareo-mock`, with invented data.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::NaiveDate;
use kareo_mock::{MockKareo, Settings};
use kareo_sdk::client::{BoxFuture, ExportCursor, HttpRequest, HttpResponse, Transport, TransportError};
use kareo_sdk::ids::PatientId;
use kareo_sdk::operations::{GetAllPatients, GetCharges, GetPatients};
use kareo_sdk::types::{ChargeData, GetAllPatientsReq, GetChargesReq};
use kareo_sdk::values::Decimal;
use kareo_sdk::xml::{ListOperation, Nillable};
use kareo_sdk::{Credentials, Error, KareoClient};

/// The workspace README's Rust blocks, compiled as written (`build.rs`).
mod readme {
    include!(concat!(env!("OUT_DIR"), "/readme.rs"));
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A client with the defaults: the published limits plus the margin, the default retries.
fn kit_client(mock: &MockKareo) -> KareoClient {
    KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .build()
        .unwrap()
}

/// A mock that pages and windows as the service does but answers as fast as it is called, and
/// a client that does not wait: the tests that make many calls.
async fn fast() -> (MockKareo, KareoClient) {
    let mock = MockKareo::builder()
        .settings(Settings::default().throttles(false))
        .start()
        .await
        .unwrap();
    let client = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .published_limits(false)
        .build()
        .unwrap();
    (mock, client)
}

fn patient_ids(mock: &MockKareo) -> Vec<String> {
    let mut ids: Vec<String> = mock.patients().iter().filter_map(|p| p.id.value().cloned()).collect();
    ids.sort_by_key(|id| id.parse::<i64>().unwrap_or(i64::MAX));
    ids
}

fn id_of<O: ListOperation>(item: &O::Item) -> String {
    O::record_id(item).map(|c| c.into_owned()).unwrap_or_default()
}

/// The identifiers of every record a stream delivers.
async fn all_ids<O: ListOperation>(stream: kareo_sdk::client::ListStream<O>) -> Vec<String> {
    stream.collect().await.unwrap().iter().map(id_of::<O>).collect()
}

// ---------------------------------------------------------------------------------------------
// Pages.

#[tokio::test]
async fn the_readme_stream_example_reads_every_patient_in_three_calls() {
    let mock = MockKareo::start().await.unwrap();
    mock.set_patient_count(2_500);
    let delivered = readme::print_all_patients::print_all_patients(&kit_client(&mock))
        .await
        .unwrap();
    assert_eq!(delivered, 2_500);
    assert_eq!(mock.requests_for("GetAllPatients"), 3, "pages of 1,000, 1,000 and 500");
}

#[tokio::test]
async fn the_readme_export_example_writes_each_charge_once_and_resumes_from_its_cursor() {
    let (mock, client) = fast().await;
    mock.set_charge_count(730, day(2026, 1, 1), day(2026, 12, 31));
    let mut lines = Vec::new();
    let end = readme::export_charges::export_charges(&client, None, &mut lines)
        .await
        .unwrap();
    assert_eq!(lines.len(), 730, "each charge once, boundary days included");
    assert_eq!(lines.iter().collect::<HashSet<_>>().len(), 730);
    let first_id = mock.charges()[0].id.value().cloned().unwrap();
    assert_eq!(lines[0], format!("{first_id} 1/1/2026"), "`{{id}} {{posting date}}`");
    // Resumed from the cursor after the last charge: nothing more to write.
    readme::export_charges::export_charges(&client, Some(&end), &mut lines)
        .await
        .unwrap();
    assert_eq!(lines.len(), 730);
}

#[tokio::test]
async fn a_paged_stream_delivers_every_patient_exactly_once() {
    let (mock, client) = fast().await;
    mock.set_patient_count(2_500);
    let mut stream = client.stream_get_all_patients(GetAllPatientsReq::new()).await.unwrap();
    let mut got = Vec::new();
    while let Some(p) = stream.next().await {
        got.push(id_of::<GetAllPatients>(&p.unwrap()));
    }
    assert_same_run(&got, &patient_ids(&mock), "every patient, once, in key order");
    assert_eq!((stream.pages(), stream.delivered()), (3, 2_500));
    assert_eq!(stream.next_page_key(), None, "the last page names no next key");
    assert!(stream.bytes_received() > 100_000);
}

#[tokio::test]
async fn the_callers_start_key_and_batch_size_are_honoured() {
    let (mock, client) = fast().await;
    mock.set_patient_count(2_500);
    let ids = patient_ids(&mock);
    let mut request = GetAllPatientsReq::default();
    request.filter.batch_size = Nillable::Value(700);
    request.filter.start_key = Nillable::Value(ids[1_000].parse().unwrap());
    let got = all_ids(client.stream::<GetAllPatients>(request).await.unwrap()).await;
    assert_same_run(&got, &ids[1_000..], "from the caller's key");
    assert_eq!(mock.requests_for("GetAllPatients"), 3, "700 + 700 + 100");
}

#[tokio::test]
async fn one_page_on_purpose() {
    let (mock, client) = fast().await;
    mock.set_patient_count(2_500);
    let ids = patient_ids(&mock);
    let mut page = client.stream_page::<GetAllPatients>(Default::default()).await.unwrap();
    let mut n = 0;
    while let Some(p) = page.next().await {
        p.unwrap();
        n += 1;
    }
    assert_eq!(n, 1_000);
    assert_eq!(page.next_page_key().as_deref(), Some(ids[1_000].as_str()));
    assert_eq!(mock.requests_for("GetAllPatients"), 1);
    // The whole-response method reads one page too.
    let whole = client
        .get_all_patients(kareo_sdk::types::GetAllPatientsReq::new())
        .await
        .unwrap();
    assert_eq!(whole.patients.value().map(Vec::len), Some(1_000));
}

/// A transport answering GetAllPatients pages from a script of (records, next key), and
/// recording the start keys it was asked for.
#[derive(Clone, Default)]
struct Pages {
    script: Arc<Vec<(Vec<u32>, Option<&'static str>)>>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Transport for Pages {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let key = body
            .split("StartKey>")
            .nth(1)
            .and_then(|k| k.split('<').next())
            .unwrap_or("")
            .to_owned();
        let mut asked = self.asked.lock().unwrap();
        let (ids, next) = &self.script[asked.len().min(self.script.len() - 1)];
        asked.push(key);
        let rows: String = ids
            .iter()
            .map(|id| format!("<PatientBatchData><ID>{id}</ID></PatientBatchData>"))
            .collect();
        // A page without records has its list nil.
        let list = if ids.is_empty() {
            "<Patients i:nil=\"true\"/>".to_owned()
        } else {
            format!("<Patients>{rows}</Patients>")
        };
        let next = match next {
            Some(k) => format!("<nextStartKey>{k}</nextStartKey>"),
            None => "<nextStartKey i:nil=\"true\"/>".to_owned(),
        };
        let xml = format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
             <GetAllPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\
             <GetAllPatientsResult><Key>{next}</Key>{list}</GetAllPatientsResult>\
             </GetAllPatientsResponse></s:Body></s:Envelope>"
        );
        Box::pin(async move {
            Ok(HttpResponse {
                status: 200,
                content_type: Some("text/xml; charset=utf-8".into()),
                retry_after: None,
                body: Bytes::from(xml),
            })
        })
    }
}

fn scripted(script: Vec<(Vec<u32>, Option<&'static str>)>) -> (Pages, KareoClient) {
    let t = Pages {
        script: Arc::new(script),
        ..Pages::default()
    };
    let c = KareoClient::builder(Credentials::new("invented-key", "invented-user", "invented-password"))
        .transport(Arc::new(t.clone()))
        .published_limits(false)
        .build()
        .unwrap();
    (t, c)
}

#[tokio::test]
async fn a_key_that_does_not_advance_is_an_error_not_an_endless_loop() {
    // The second page names itself as the next.
    let (t, c) = scripted(vec![(vec![1, 2], Some("3")), (vec![3, 4], Some("3"))]);
    let mut stream = c.stream_get_all_patients(GetAllPatientsReq::new()).await.unwrap();
    let mut got = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(p)) => got.push(id_of::<GetAllPatients>(&p)),
            Some(Err(e)) => break e,
            None => panic!("ended without an error"),
        }
    };
    assert_eq!(got, ["1", "2", "3", "4"]);
    match &err {
        Error::Paging { operation, key, .. } => assert_eq!((*operation, key.as_str()), ("GetAllPatients", "3")),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("does not advance"), "{err}");
    assert_eq!(t.asked.lock().unwrap().as_slice(), ["", "3"]);
}

#[tokio::test]
async fn a_page_without_records_still_leads_to_the_next() {
    let (t, c) = scripted(vec![(vec![1, 2], Some("3")), (vec![], Some("7")), (vec![7], None)]);
    let got = all_ids(c.stream_get_all_patients(GetAllPatientsReq::new()).await.unwrap()).await;
    assert_eq!(got, ["1", "2", "7"]);
    assert_eq!(t.asked.lock().unwrap().as_slice(), ["", "3", "7"]);
}

#[tokio::test]
async fn a_key_that_goes_back_to_an_earlier_page_is_an_error() {
    let (_, c) = scripted(vec![(vec![1], Some("2")), (vec![2], Some("5")), (vec![5], Some("2"))]);
    let err = c
        .stream_get_all_patients(GetAllPatientsReq::new())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Paging { key, .. } if key == "2"), "{err:?}");
    assert!(err.to_string().contains("already read"), "{err}");
}

#[tokio::test]
async fn a_key_of_the_wrong_type_is_refused_before_it_is_sent() {
    // A next key the schema types as an int that is none: the answer does not decode.
    let (_, c) = scripted(vec![(vec![1], Some("not-a-number"))]);
    let err = c.stream_get_all_patients(GetAllPatientsReq::new()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // A cursor whose page key is not of the key's type: refused before anything is sent.
    let (t, c) = scripted(vec![(vec![1], None)]);
    let export = c.export::<GetAllPatients>(Default::default(), ..).unwrap();
    let text = export.cursor().to_string().replace(" key= ", " key=+abc ");
    let mut export = c
        .export::<GetAllPatients>(Default::default(), ..)
        .unwrap()
        .resume(&text.parse().unwrap())
        .unwrap();
    let err = export.next().await.unwrap().unwrap_err();
    assert!(matches!(&err, Error::Paging { key, .. } if key == "abc"), "{err:?}");
    assert!(t.asked.lock().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Exports: windows × pages × records, and the cursor.

/// `n` invented charges over 2026, several on every day (windows' boundary days included).
fn seed_charges(mock: &MockKareo, n: usize) {
    for i in 0..n {
        let d = day(2026, 1, 1) + chrono::Days::new((i % 365) as u64);
        mock.add_charge(
            ChargeData::new()
                .patient_id(PatientId::new(7001))
                .posting_date(d)
                .total_charges(format!("{}.0000", 100 + i % 50).parse::<Decimal>().unwrap()),
        );
    }
}

fn year() -> std::ops::RangeInclusive<NaiveDate> {
    day(2026, 1, 1)..=day(2026, 12, 31)
}

async fn whole_run<O: ListOperation>(
    client: &KareoClient,
    request: O::Request,
    range: kareo_sdk::client::ExportRange,
) -> Vec<String> {
    let mut export = client.export::<O>(request, range).unwrap();
    let mut out = Vec::new();
    while let Some(r) = export.next().await {
        out.push(id_of::<O>(&r.unwrap()));
    }
    out
}

/// Asserts that two runs delivered the same records, naming the first difference (not the
/// thousands of identifiers).
fn assert_same_run(got: &[String], want: &[String], what: &str) {
    let dupes = got.len() - got.iter().collect::<HashSet<_>>().len();
    let first = got.iter().zip(want).position(|(a, b)| a != b);
    assert!(
        got == want,
        "{what}: {} records for {}, {dupes} duplicates, first difference at {first:?}: {:?} for {:?}",
        got.len(),
        want.len(),
        first.and_then(|i| got.get(i)),
        first.and_then(|i| want.get(i)),
    );
}

/// Deterministic pseudo-random numbers for the kill points (no clock, no global state).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Runs the export, killed (dropped) after a random number of records each time, resumed from
/// the cursor's text every time, until it ends; returns every record delivered, in order.
async fn killed_and_resumed<O: ListOperation>(
    client: &KareoClient,
    request: O::Request,
    range: kareo_sdk::client::ExportRange,
    seed: u64,
    total: u64,
) -> (Vec<String>, usize) {
    let mut rng = Lcg(seed);
    let mut saved: Option<String> = None;
    let mut out = Vec::new();
    let mut kills = 0;
    loop {
        let mut export = client.export::<O>(request.clone(), range).unwrap();
        if let Some(text) = &saved {
            export = export.resume(&text.parse::<ExportCursor>().unwrap()).unwrap();
        }
        let budget = 1 + rng.below(total / 3);
        let mut taken = 0;
        let mut ended = true;
        while let Some(r) = export.next().await {
            out.push(id_of::<O>(&r.unwrap()));
            taken += 1;
            if taken == budget {
                ended = false;
                break;
            }
        }
        // What a job keeps after writing its records: the cursor, as text.
        saved = Some(export.cursor().to_string());
        drop(export);
        if ended {
            return (out, kills);
        }
        kills += 1;
    }
}

#[tokio::test]
async fn a_year_of_charges_killed_anywhere_resumes_with_no_duplicate_and_no_gap() {
    let (mock, client) = fast().await;
    seed_charges(&mock, 1_500);
    let full = whole_run::<GetCharges>(&client, Default::default(), year().into()).await;
    assert_eq!(full.len(), 1_500, "every charge of the year");
    assert_eq!(full.iter().collect::<HashSet<_>>().len(), 1_500, "each once");
    for seed in 1..=6 {
        let (resumed, kills) =
            killed_and_resumed::<GetCharges>(&client, GetChargesReq::default(), year().into(), seed, 1_500).await;
        assert!(kills >= 2, "seed {seed}: killed {kills} times");
        assert_same_run(
            &resumed,
            &full,
            &format!("seed {seed}: the union equals one uninterrupted run"),
        );
    }
}

#[tokio::test]
async fn all_patients_killed_anywhere_resume_with_no_duplicate_and_no_gap() {
    let (mock, client) = fast().await;
    mock.set_patient_count(2_500);
    let full = whole_run::<GetAllPatients>(&client, Default::default(), (..).into()).await;
    assert_same_run(&full, &patient_ids(&mock), "every patient");
    for seed in 11..=16 {
        let (resumed, kills) =
            killed_and_resumed::<GetAllPatients>(&client, Default::default(), (..).into(), seed, 2_500).await;
        assert!(kills >= 2, "seed {seed}: killed {kills} times");
        assert_same_run(&resumed, &full, &format!("seed {seed}"));
    }
}

#[tokio::test]
async fn export_progress_counts_records_pages_windows_and_bytes() {
    let (mock, client) = fast().await;
    seed_charges(&mock, 730);
    let mut export = client.export::<GetCharges>(Default::default(), year()).unwrap();
    assert_eq!(export.progress().windows, 7);
    while let Some(r) = export.next().await {
        r.unwrap();
    }
    let p = export.progress();
    assert_eq!(
        (p.records, p.windows_done, p.windows, p.pages, p.calls),
        (730, 7, 7, 7, 7)
    );
    assert_eq!(p.duplicates, 12, "the 6 shared days' 2 charges each, skipped once");
    assert_eq!((p.window_number, p.window), (7, None));
    assert!(p.bytes > 0);
    assert_eq!(p.throttled, 0);
}

#[tokio::test]
async fn a_cursor_of_another_export_is_refused() {
    let (mock, client) = fast().await;
    seed_charges(&mock, 50);
    let mut export = client.export::<GetCharges>(Default::default(), year()).unwrap();
    export.next().await.unwrap().unwrap();
    let cursor = export.cursor();
    // Another operation.
    let err = client
        .export::<GetAllPatients>(Default::default(), ..)
        .unwrap()
        .resume(&cursor)
        .unwrap_err();
    assert!(err.to_string().contains("of GetCharges, not GetAllPatients"), "{err}");
    // Another range.
    let err = client
        .export::<GetCharges>(Default::default(), day(2026, 1, 1)..=day(2026, 6, 30))
        .unwrap()
        .resume(&cursor)
        .unwrap_err();
    assert!(err.to_string().contains("2026-01-01..=2026-12-31"), "{err}");
    // Another request.
    let mut other = GetChargesReq::default();
    other.filter.batch_number = "B-7".to_owned().into();
    let err = client
        .export::<GetCharges>(other, year())
        .unwrap()
        .resume(&cursor)
        .unwrap_err();
    assert!(err.to_string().contains("another request"), "{err}");
    assert!(matches!(err, Error::InvalidInput { .. }));
    // The same export takes it.
    assert!(client
        .export::<GetCharges>(Default::default(), year())
        .unwrap()
        .resume(&cursor)
        .is_ok());
}

#[tokio::test]
async fn a_resumed_page_that_changed_is_an_error_not_a_gap() {
    let (mock, client) = fast().await;
    mock.set_patient_count(100);
    let mut export = client.export::<GetAllPatients>(Default::default(), ..).unwrap();
    for _ in 0..10 {
        export.next().await.unwrap().unwrap();
    }
    let cursor = export.cursor();
    // The service's page now holds other records where the cursor stands.
    mock.set_patient_count(0);
    for i in 0..100 {
        mock.add_patient(kareo_mock::fake_patient(i + 1_000));
    }
    let mut resumed = client
        .export::<GetAllPatients>(Default::default(), ..)
        .unwrap()
        .resume(&cursor)
        .unwrap();
    let err = resumed.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Paging { .. }), "{err:?}");
    assert!(err.to_string().contains("changed"), "{err}");
    // Or fewer records than the cursor saw.
    mock.set_patient_count(5);
    let mut resumed = client
        .export::<GetAllPatients>(Default::default(), ..)
        .unwrap()
        .resume(&cursor)
        .unwrap();
    let err = resumed.next().await.unwrap().unwrap_err();
    assert!(
        err.to_string().contains("holds 5 records where the cursor saw 10"),
        "{err}"
    );
}

#[tokio::test]
async fn an_operation_without_pages_or_windows_exports_in_one_call() {
    let (mock, client) = fast().await;
    let expected = mock.patients().len();
    let got = whole_run::<GetPatients>(&client, Default::default(), (..).into()).await;
    assert_eq!(got.len(), expected);
    assert_eq!(mock.requests_for("GetPatients"), 1);
}

// ---------------------------------------------------------------------------------------------
// Failures on the way.

#[tokio::test]
async fn a_cut_transfer_names_the_record_and_the_export_resumes_from_its_cursor() {
    let (mock, client) = fast().await;
    seed_charges(&mock, 1_500);
    let full = whole_run::<GetCharges>(&client, Default::default(), year().into()).await;
    // The third window's answer is cut in half on the way.
    mock.script("GetCharges", [None, None, Some(kareo_mock::Behavior::Truncate)]);
    let mut export = client.export::<GetCharges>(Default::default(), year()).unwrap();
    let mut got = Vec::new();
    let err = loop {
        match export.next().await {
            Some(Ok(c)) => got.push(id_of::<GetCharges>(&c)),
            Some(Err(e)) => break e,
            None => panic!("the cut went unnoticed"),
        }
    };
    let Error::Window { index, error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*index, 3);
    let Error::StreamInterrupted { delivered, record, .. } = error.as_ref() else {
        panic!("{error:?}")
    };
    assert!(
        *delivered > 0,
        "records of the cut window were delivered before the cut"
    );
    assert!(
        record.starts_with("GetChargesResponse/GetChargesResult/Charges/ChargeData["),
        "{record}"
    );
    assert!(!err.is_retryable());
    // Resumed from the cursor: the rest, and the union is one uninterrupted run.
    let cursor = export.cursor();
    let mut resumed = client
        .export::<GetCharges>(Default::default(), year())
        .unwrap()
        .resume(&cursor)
        .unwrap();
    while let Some(c) = resumed.next().await {
        got.push(id_of::<GetCharges>(&c.unwrap()));
    }
    assert_same_run(&got, &full, "cut, then resumed");
}

#[tokio::test]
async fn a_page_that_fails_before_its_first_record_is_asked_for_again() {
    let (mock, client) = fast().await;
    mock.set_patient_count(2_500);
    // The second page's first answer: the connection closes without one.
    mock.script("GetAllPatients", [None, Some(kareo_mock::Behavior::Reset)]);
    let mut stream = client.stream_get_all_patients(GetAllPatientsReq::new()).await.unwrap();
    let mut got = Vec::new();
    while let Some(p) = stream.next().await {
        got.push(id_of::<GetAllPatients>(&p.unwrap()));
    }
    assert_same_run(&got, &patient_ids(&mock), "every patient once");
    assert_eq!(mock.requests_for("GetAllPatients"), 4, "3 pages, one asked for twice");
    assert_eq!(stream.report().attempts, 4);
}

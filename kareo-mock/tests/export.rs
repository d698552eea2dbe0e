//! Windows, paging, bulk invented data, bounds and fast throttles: what an export against the
//! mock meets. Every record is invented.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{client, mock_with, s, unthrottled};
use kareo_mock::Settings;
use kareo_sdk::ids::PatientId;
use kareo_sdk::operations::{GetAppointments, GetCharges};
use kareo_sdk::types::*;
use kareo_sdk::values::{Decimal, NaiveDate};
use kareo_sdk::xml::{DateTime, DateWindow, Nillable, Operation};
use kareo_sdk::{Error, KareoClient, RateLimit};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
}

fn charges_posted(from: &str, to: &str) -> GetChargesReq {
    let mut q = GetChargesReq::default();
    q.filter.from_posting_date = s(from);
    q.filter.to_posting_date = s(to);
    q
}

fn appointments_between(from: &str, to: &str) -> GetAppointmentsReq {
    let mut q = GetAppointmentsReq::default();
    q.filter.start_date = s(from);
    q.filter.end_date = s(to);
    q
}

fn charge_ids(r: &GetChargesResp) -> Vec<String> {
    r.charges
        .value()
        .into_iter()
        .flatten()
        .filter_map(|c| c.id.value().cloned())
        .filter(|id| !id.is_empty())
        .collect()
}

fn appointment_ids(r: &GetAppointmentsResp) -> Vec<String> {
    r.appointments
        .value()
        .into_iter()
        .flatten()
        .filter_map(|a| a.id.value().cloned())
        .filter(|id| !id.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Date windows.

#[test]
fn the_mocks_windows_are_the_sdks() {
    let all = kareo_mock::windows::all();
    let names: Vec<&str> = all.iter().map(|w| w.operation).collect();
    assert!(
        names.contains(&"GetCharges") && names.contains(&"GetAppointments"),
        "{names:?}"
    );
    let charges = kareo_mock::windows::of(GetCharges::INFO.name).expect("a window");
    assert_eq!(charges.max_days, <GetCharges as DateWindow>::MAX_DAYS);
    assert!(<GetCharges as DateWindow>::FROM.ends_with(charges.from));
    let appointments = kareo_mock::windows::of(GetAppointments::INFO.name).expect("a window");
    assert_eq!(appointments.max_days, <GetAppointments as DateWindow>::MAX_DAYS);
    assert!(<GetAppointments as DateWindow>::TO.ends_with(appointments.to));
}

#[tokio::test]
async fn get_appointments_over_sixty_days_is_a_validation_error() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    client
        .get_appointments(appointments_between("1/1/2026", "3/1/2026"))
        .await
        .expect("60 days, both ends counted");
    client
        .get_appointments(appointments_between("2026-01-01", "2026-03-01"))
        .await
        .expect("60 days, ISO dates");
    for (from, to) in [("1/1/2026", "3/2/2026"), ("2026-01-01", "2026-03-02")] {
        let err = client
            .get_appointments(appointments_between(from, to))
            .await
            .expect_err("61 days");
        match &err {
            Error::Service { message, .. } => assert!(
                message.contains("StartDate") && message.contains("EndDate") && message.contains("60 days"),
                "{message}"
            ),
            other => panic!("{other}"),
        }
    }
    mock.set_settings(unthrottled().date_window(false));
    client
        .get_appointments(appointments_between("1/1/2026", "12/31/2026"))
        .await
        .expect("switched off");
}

#[tokio::test]
async fn a_record_on_the_boundary_day_is_in_both_adjacent_windows() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    let boundary = mock.add_charge(
        ChargeData::new()
            .posting_date(day(2026, 3, 1))
            .total_charges("80.0000".parse::<Decimal>().expect("money")),
    );
    let before = mock.add_charge(ChargeData::new().posting_date(day(2026, 2, 28)));
    let after = mock.add_charge(ChargeData::new().posting_date(day(2026, 3, 2)));
    for (first, second) in [
        (("1/1/2026", "3/1/2026"), ("3/1/2026", "4/29/2026")),
        (("2026-01-01", "2026-03-01"), ("2026-03-01", "2026-04-29")),
    ] {
        let a = charge_ids(
            &client
                .get_charges(charges_posted(first.0, first.1))
                .await
                .expect("first"),
        );
        let b = charge_ids(
            &client
                .get_charges(charges_posted(second.0, second.1))
                .await
                .expect("second"),
        );
        assert_eq!(a, [boundary.to_string(), before.to_string()], "{first:?}");
        assert_eq!(b, [boundary.to_string(), after.to_string()], "{second:?}");
    }

    // An appointment late on the boundary day, read by day ends.
    let mut at = kareo_mock::fake_appointment(0);
    at.start_time = DateTime::new(2026, 3, 1, 16, 30, 0).expect("time");
    at.end_time = DateTime::new(2026, 3, 1, 17, 0, 0).expect("time");
    let id = mock.add_appointment(at).to_string();
    for (from, to) in [
        ("1/1/2026", "3/1/2026"),
        ("3/1/2026", "4/29/2026"),
        ("2026-03-01", "2026-03-01"),
    ] {
        let r = client
            .get_appointments(appointments_between(from, to))
            .await
            .expect("window");
        assert_eq!(appointment_ids(&r), [id.as_str()], "{from}..{to}");
    }
    let r = client
        .get_appointments(appointments_between("3/2/2026", "4/30/2026"))
        .await
        .expect("window");
    assert!(appointment_ids(&r).is_empty(), "not the day after");
}

#[tokio::test]
async fn a_year_of_fifty_thousand_charges_exports_through_the_sdks_windows_each_once() {
    let mock = mock_with(unthrottled()).await;
    let (from, to) = (day(2025, 1, 1), day(2025, 12, 31));
    mock.set_charge_count(50_000, from, to);
    let held = mock.charges();
    assert_eq!(held.len(), 50_000);
    let distinct: HashSet<&str> = held.iter().filter_map(|c| c.id.value().map(String::as_str)).collect();
    assert_eq!(distinct.len(), 50_000, "distinct IDs");
    assert_eq!(held[0].posting_date.value().map(String::as_str), Some("1/1/2025"));
    assert_eq!(
        held[49_999].posting_date.value().map(String::as_str),
        Some("12/31/2025")
    );
    // Spread evenly: 50,000 over 365 days is 136 or 137 a day.
    let mut per_day = std::collections::HashMap::<&str, usize>::new();
    for c in &held {
        *per_day
            .entry(c.posting_date.value().map_or("", String::as_str))
            .or_default() += 1;
    }
    assert_eq!(per_day.len(), 365);
    assert!(per_day.values().all(|n| (136..=137).contains(n)), "{per_day:?}");

    let client = client(&mock);
    let mut export = client
        .export::<GetCharges>(GetChargesReq::default(), from..=to)
        .expect("export");
    let mut seen = HashSet::new();
    let mut total = 0;
    while let Some(charge) = export.next().await {
        let c = charge.expect("every window within 60 days");
        total += 1;
        assert!(seen.insert(c.id.value().cloned().unwrap_or_default()), "once each");
    }
    assert_eq!(total, 50_000);
    assert_eq!(seen.len(), 50_000);
    assert_eq!(mock.requests_for("GetCharges"), export.windows().len());
}

// ---------------------------------------------------------------------------------------------
// Paging.

async fn page_all(client: &KareoClient, batch: Option<i32>) -> (Vec<String>, Vec<usize>) {
    let mut ids = Vec::new();
    let mut sizes = Vec::new();
    let mut key = None;
    loop {
        let mut q = GetAllPatientsReq::default();
        if let Some(b) = batch {
            q.filter.batch_size = Nillable::Value(b);
        }
        if let Some(k) = key {
            q.filter.start_key = Nillable::Value(k);
        }
        let page = client.get_all_patients(q).await.expect("page");
        let before = ids.len();
        ids.extend(
            page.patients
                .value()
                .into_iter()
                .flatten()
                .filter_map(|p| p.id.value().cloned()),
        );
        sizes.push(ids.len() - before);
        key = page.key.value().and_then(|k| k.next_start_key.value().copied());
        if key.is_none() {
            return (ids, sizes);
        }
        assert!(sizes.len() <= 1000, "paging ends");
    }
}

#[tokio::test]
async fn get_all_patients_pages_2500_patients_in_three_calls_each_once() {
    let mock = mock_with(unthrottled()).await;
    mock.set_patient_count(2_500);
    let client = client(&mock);
    let expected: Vec<String> = (0..2_500).map(|i| (100_000 + i).to_string()).collect();
    let (ids, sizes) = page_all(&client, Some(1000)).await;
    assert_eq!(sizes, [1000, 1000, 500]);
    assert_eq!(ids, expected, "in order, each exactly once");
    assert_eq!(mock.requests_for("GetAllPatients"), 3);

    // Over 1,000 is 1,000; no size is 1,000.
    let (ids, sizes) = page_all(&client, Some(5000)).await;
    assert_eq!((sizes, ids.len()), (vec![1000, 1000, 500], 2_500));
    let (_, sizes) = page_all(&client, None).await;
    assert_eq!(sizes, [1000, 1000, 500]);
}

#[tokio::test]
async fn the_next_batch_starts_at_next_start_key_and_the_last_says_nil() {
    let mock = mock_with(unthrottled()).await;
    mock.set_patient_count(6);
    let client = client(&mock);
    let mut q = GetAllPatientsReq::default();
    q.filter.batch_size = Nillable::Value(4);
    let first = client.get_all_patients(q.clone()).await.expect("first");
    let next = first.key.value().and_then(|k| k.next_start_key.value().copied());
    assert_eq!(next, Some(100_004), "the key of the first patient of the next batch");
    q.filter.start_key = Nillable::Value(100_004);
    let last = client.get_all_patients(q.clone()).await.expect("last");
    let ids: Vec<_> = last
        .patients
        .value()
        .into_iter()
        .flatten()
        .filter_map(|p| p.id.value().cloned())
        .collect();
    assert_eq!(ids, ["100004", "100005"], "starts AT the key");
    assert!(
        last.key.value().is_some_and(|k| k.next_start_key.is_nil()),
        "{:?}",
        last.key
    );
    // A batch that ends exactly on the last patient is the last: no empty page after it.
    q.filter.start_key = Nillable::Value(100_002);
    let exact = client.get_all_patients(q).await.expect("exact");
    assert!(exact.key.value().is_some_and(|k| k.next_start_key.is_nil()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_patients_page_in_a_hundred_calls() {
    let mock = mock_with(unthrottled()).await;
    mock.set_patient_count(100_000);
    let client = client(&mock);
    let (ids, sizes) = page_all(&client, None).await;
    assert_eq!(sizes.len(), 100);
    assert!(sizes.iter().all(|n| *n == 1000));
    assert_eq!(ids.len(), 100_000);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 100_000);
}

// ---------------------------------------------------------------------------------------------
// Bounds and throttles.

#[tokio::test]
async fn two_hundred_requests_in_one_mock_are_allowed_by_default() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    for i in 0..200 {
        client
            .get_practices(kareo_sdk::types::GetPracticesReq::new())
            .await
            .unwrap_or_else(|e| panic!("request {i}: {e}"));
    }
    assert_eq!(mock.requests(), 200);
}

#[tokio::test]
async fn throttle_intervals_can_be_set_or_scaled_for_fast_exports() {
    let mock = mock_with(Settings::default()).await;
    let published = mock.throttle_table();
    mock.scale_throttles(0.01);
    assert_eq!(
        mock.throttle_table().get("GetAllPatients"),
        Some(&Duration::from_millis(50))
    );
    assert_eq!(
        mock.throttle_table().get("GetPatient"),
        Some(&Duration::from_micros(2_500))
    );
    for bad in [-1.0, f64::NAN, f64::INFINITY, 1e300] {
        mock.scale_throttles(bad);
    }
    assert_eq!(
        mock.throttle_table().get("GetAllPatients"),
        Some(&Duration::from_millis(50)),
        "left as it was"
    );
    mock.set_throttle_intervals(Duration::from_millis(50));
    let table = mock.throttle_table();
    assert_eq!(
        table.keys().collect::<Vec<_>>(),
        published.keys().collect::<Vec<_>>(),
        "the same operations limited"
    );
    assert!(table.values().all(|i| *i == Duration::from_millis(50)));

    // An export of 10 pages with the client spacing its calls by more than the mock's 50 ms
    // (the client's clock and the mock's differ by the time a request takes to arrive), and
    // retrying as by default should one still arrive too soon.
    mock.set_patient_count(1_000);
    let spaced = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .rate_limit_for("GetAllPatients", RateLimit::new(1, Duration::from_millis(100)))
        .build()
        .expect("client");
    let (ids, sizes) = page_all(&spaced, Some(100)).await;
    assert_eq!((sizes.len(), ids.len()), (10, 1_000));

    // Calls too soon are still refused, with the interval in force.
    mock.set_throttle_intervals(Duration::from_secs(3600));
    let err = client(&mock)
        .get_all_patients(GetAllPatientsReq::default())
        .await
        .expect_err("within the hour of the last page");
    match &err {
        Error::Throttled { message, .. } => {
            assert!(message.contains("over time interval 3600000 milliseconds"), "{message}")
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn paging_sees_patients_added_out_of_id_order() {
    let mock = mock_with(unthrottled()).await;
    mock.set_patient_count(3);
    let client = client(&mock);
    let (ids, _) = page_all(&client, Some(2)).await;
    assert_eq!(ids, ["100000", "100001", "100002"]);
    let low = mock.add_patient(
        PatientData::new()
            .id(PatientId::new(50))
            .first_name("Early")
            .last_name("Inventedson"),
    );
    let (ids, sizes) = page_all(&client, Some(2)).await;
    assert_eq!(ids, [low.to_string().as_str(), "100000", "100001", "100002"]);
    assert_eq!(sizes, [2, 2]);
    mock.set_patient_count(1);
    assert_eq!(page_all(&client, None).await.0, ["100000"]);
}

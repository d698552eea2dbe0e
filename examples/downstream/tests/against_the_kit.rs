//! `practice-sync` against `kareo-mock`: the flows it implements, and what the kit catches.
//! Every record is invented.

use chrono::NaiveDate;
use kareo_mock::{MockKareo, Settings};
use kareo_sdk::types::PatientSummary;
use kareo_sdk::xml::{DateTime, Nillable};
use kareo_sdk::{Error, KareoClient};
use practice_sync::{appointments_between, find_patients, hand_written_create_patient, record_move, register_patient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn client(mock: &MockKareo) -> KareoClient {
    KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .build()
        .expect("client")
}

fn born() -> DateTime {
    DateTime::new(1984, 3, 14, 0, 0, 0).expect("a date")
}

#[tokio::test]
async fn a_patient_is_created_found_and_updated() {
    let mock = MockKareo::builder().empty().start().await.expect("kit starts");
    let client = client(&mock);
    let id = register_patient(&client, "Quebec", "Inventedsen", born())
        .await
        .expect("registered");

    let found = find_patients(&client, "Inventedsen").await.expect("found");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id.value().map(String::as_str), Some(id.to_string().as_str()));
    assert_eq!(found[0].dob.value().map(String::as_str), Some("3/14/1984"));

    record_move(&client, id, "Exampleton").await.expect("updated");
    let found = find_patients(&client, "Inventedsen").await.expect("found");
    assert_eq!(found[0].city.value().map(String::as_str), Some("Exampleton"));
    assert_eq!(found[0].first_name.value().map(String::as_str), Some("Quebec"), "kept");
    assert_eq!(mock.ignored_members(), 0, "the SDK sent nothing the service would lose");
}

#[tokio::test]
async fn appointments_are_paged_window_by_window() {
    let mock = MockKareo::builder().empty().start().await.expect("kit starts");
    let client = client(&mock);
    let pid = register_patient(&client, "Romeo", "Mockworth", born())
        .await
        .expect("patient");
    // One appointment every 10 days over 150 days: more than two 60-day windows.
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    for i in 0..15u64 {
        let day = start + chrono::Days::new(i * 10);
        let at = |h| {
            use chrono::Datelike;
            DateTime::new(day.year(), day.month() as u8, day.day() as u8, h, 0, 0).expect("time")
        };
        let mut a = kareo_mock::fake_appointment(0);
        a.appointment_id = None;
        a.start_time = at(9);
        a.end_time = at(10);
        a.patient_summary = Nillable::Value(PatientSummary {
            patient_id: Some(i64::from(pid)),
            ..PatientSummary::default()
        });
        mock.add_appointment(a);
    }
    let end = start + chrono::Days::new(149);
    let all = appointments_between(&client, start, end)
        .await
        .expect("every window read");
    assert_eq!(all.len(), 15);
    assert!(mock.requests_for("GetAppointments") >= 3, "one call per window");

    // One call over the whole range is what the service refuses.
    let mut one_call = kareo_sdk::types::GetAppointmentsReq::default();
    one_call.filter.start_date = Nillable::Value("1/1/2026".to_owned());
    one_call.filter.end_date = Nillable::Value("5/30/2026".to_owned());
    let err = client.get_appointments(one_call).await.expect_err("over the window");
    assert!(matches!(err, Error::Service { .. }), "{err}");
}

#[tokio::test]
async fn the_kit_throttles_as_the_service_does() {
    let mock = MockKareo::start().await.expect("kit starts");
    // A client that ignores the published limits gets the service's over-limit answer.
    let eager = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .published_limits(false)
        .retry(kareo_sdk::RetryPolicy::none())
        .build()
        .expect("client");
    find_patients(&eager, "Nobody").await.expect("first call");
    let err = find_patients(&eager, "Nobody").await.expect_err("too soon");
    assert!(matches!(err, Error::Throttled { .. }), "{err}");
    // The SDK's default client spaces its calls and is never throttled.
    let polite = client(&mock);
    mock.set_settings(Settings::default());
    find_patients(&polite, "Nobody").await.expect("spaced");
    find_patients(&polite, "Nobody").await.expect("spaced");
}

#[tokio::test]
async fn the_kit_catches_a_member_sent_in_the_wrong_order() {
    let mock = MockKareo::builder().empty().start().await.expect("kit starts");
    let body = hand_written_create_patient(
        kareo_mock::MOCK_CUSTOMER_KEY,
        kareo_mock::MOCK_USER,
        kareo_mock::MOCK_PASSWORD,
        "Sierra",
        "Handwritten",
    );
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.expect("connects");
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"http://www.kareo.com/api/schemas/KareoServices/CreatePatient\"\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        kareo_mock::ENDPOINT_PATH,
        mock.addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answered");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "accepted, as the service accepts it: {answer}"
    );

    // The service would have lost the first name without a word; the kit says so.
    assert_eq!(mock.ignored_members(), 1);
    let patient = &mock.patients()[0];
    assert_eq!(patient.last_name.value().map(String::as_str), Some("Handwritten"));
    assert!(patient.first_name.value().is_none(), "the first name is lost");
}

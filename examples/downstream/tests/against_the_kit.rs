//! `practice-sync` against `kareo-mock`: the flows it implements, and what the kit catches.
//! Every record is invented.

use chrono::NaiveDate;
use kareo_mock::{MockKareo, Settings};
use kareo_sdk::ids::{PracticeId, ServiceLocationId};
use kareo_sdk::types::{AppointmentFilter, GetAppointmentsReq};
use kareo_sdk::{Error, KareoClient};
use practice_sync::{
    appointments_between, book_visit, charges_posted, find_patients, hand_written_create_patient, record_move,
    register_patient, visit, Clinic,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The practice and service location every mock starts with.
const CLINIC: Clinic = Clinic {
    practice: PracticeId::new(1),
    location: ServiceLocationId::new(3),
};

fn client(mock: &MockKareo) -> KareoClient {
    KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .build()
        .expect("client")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

#[tokio::test]
async fn a_visit_is_booked_for_a_new_patient() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockKareo::builder().empty().start().await.expect("kit starts");
    let client = client(&mock);
    let patient = register_patient(&client, CLINIC, "Oscar", "Inventedsen", day(1984, 3, 14)).await?;
    let nine = day(2030, 1, 15).and_hms_opt(9, 0, 0).expect("a time");
    let appointment = book_visit(&client, CLINIC, patient, nine, 30).await?;

    let booked = mock.appointments();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].appointment_id_value()?, Some(appointment));
    let summary = booked[0].patient_summary.value().expect("the patient");
    assert_eq!(
        summary.patient_id_value()?,
        Some(patient),
        "booked for the patient registered"
    );
    assert_eq!(booked[0].service_location_id_value()?, Some(CLINIC.location));
    assert_eq!(mock.ignored_members(), 0, "the SDK sent nothing the service would lose");
    Ok(())
}

#[tokio::test]
async fn a_patient_is_created_found_and_updated() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockKareo::builder().empty().start().await.expect("kit starts");
    let client = client(&mock);
    let id = register_patient(&client, CLINIC, "Quebec", "Inventedsen", day(1984, 3, 14)).await?;

    let found = find_patients(&client, "Inventedsen").await?;
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].id_value()?,
        Some(id),
        "the ID `id()` read, in the record's text form"
    );
    assert_eq!(found[0].dob_value()?.map(|born| born.date()), Some(day(1984, 3, 14)));
    assert_eq!(found[0].dob.value().map(String::as_str), Some("3/14/1984"));

    record_move(&client, id, "Exampleton").await?;
    let found = find_patients(&client, "Inventedsen").await?;
    assert_eq!(found[0].city.value().map(String::as_str), Some("Exampleton"));
    assert_eq!(found[0].first_name.value().map(String::as_str), Some("Quebec"), "kept");
    assert_eq!(mock.ignored_members(), 0, "the SDK sent nothing the service would lose");
    Ok(())
}

#[tokio::test]
async fn charges_are_filtered_by_typed_posting_dates() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockKareo::builder()
        .settings(Settings::default().throttles(false))
        .empty()
        .start()
        .await
        .expect("kit starts");
    mock.set_charge_count(365, day(2026, 1, 1), day(2026, 12, 31)); // one a day
    let client = client(&mock);

    let june = charges_posted(&client, day(2026, 6, 1), day(2026, 6, 30)).await?;
    assert_eq!(june.len(), 30, "both ends counted");
    for charge in &june {
        let posted = charge.posting_date_value()?.expect("a posting date").date();
        assert!((day(2026, 6, 1)..=day(2026, 6, 30)).contains(&posted), "{posted}");
    }

    // A range that ends before it starts is refused before anything is sent.
    let calls = mock.requests_for("GetCharges");
    let err = charges_posted(&client, day(2026, 6, 30), day(2026, 6, 1))
        .await
        .expect_err("backwards");
    assert!(matches!(err, Error::InvalidRange { .. }), "{err}");
    assert_eq!(mock.requests_for("GetCharges"), calls, "not sent");
    Ok(())
}

#[tokio::test]
async fn appointments_are_paged_window_by_window() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockKareo::builder().empty().start().await.expect("kit starts");
    let client = client(&mock);
    let patient = register_patient(&client, CLINIC, "Romeo", "Mockworth", day(1984, 3, 14)).await?;
    // One appointment every 10 days over 150 days: more than two 60-day windows.
    let start = day(2026, 1, 1);
    for i in 0..15u64 {
        let nine = (start + chrono::Days::new(i * 10))
            .and_hms_opt(9, 0, 0)
            .expect("a time");
        mock.add_appointment(visit(CLINIC, patient, nine, 60));
    }
    let end = start + chrono::Days::new(149);
    let all = appointments_between(&client, start, end).await?;
    assert_eq!(all.len(), 15);
    assert!(mock.requests_for("GetAppointments") >= 3, "one call per window");

    // One call over the whole range is what the service refuses.
    let one_call = GetAppointmentsReq::new().filter(AppointmentFilter::new().start_date(start).end_date(end));
    let err = client.get_appointments(one_call).await.expect_err("over the window");
    assert!(matches!(err, Error::Service { .. }), "{err}");
    Ok(())
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

//! Declared ranges (`wsdl/overrides.toml`, `[ranges]`): a request whose range ends before it
//! starts is refused before it is sent, naming both members; an end equal to its start, or
//! after it, goes through. The real client against the mock Kareo, which counts what it saw.

use std::time::Duration;

use kareo_mock::{MockKareo, Settings};
use kareo_sdk::envelope;
use kareo_sdk::ids::{PracticeId, ServiceLocationId};
use kareo_sdk::operations::{CreateAppointment, UpdateAppointment};
use kareo_sdk::types::{
    AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType, ChargeFilter,
    CreateAppointmentReq, GetChargesReq, UpdateAppointmentResp,
};
use kareo_sdk::values::NaiveDate;
use kareo_sdk::xml::{DateTime, EncodeError, EncodeErrorKind, Nillable};
use kareo_sdk::{Error, KareoClient};

/// A mock without throttles: these tests call faster than the service allows.
async fn mock() -> MockKareo {
    MockKareo::builder()
        .settings(Settings::default().throttles(false))
        .start()
        .await
        .expect("mock starts on loopback")
}

fn client(mock: &MockKareo) -> KareoClient {
    KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .request_timeout(Duration::from_secs(20))
        .build()
        .expect("client builds")
}

fn at(text: &str) -> DateTime {
    text.parse().expect("an xs:dateTime")
}

fn appointment(start: &str, end: &str) -> CreateAppointmentReq {
    CreateAppointmentReq::from(AppointmentCreate::new(AppointmentCreateRequired {
        appointment_status: AppointmentStatus::Scheduled,
        appointment_type: AppointmentType::P,
        start_time: at(start),
        end_time: at(end),
        is_recurring: false,
        practice_id: PracticeId::new(1),
        service_location_id: ServiceLocationId::new(3),
    }))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a day")
}

fn charges(from: NaiveDate, to: NaiveDate) -> GetChargesReq {
    GetChargesReq::new().filter(ChargeFilter::new().from_posting_date(from).to_posting_date(to))
}

/// The refusal inside `err`, which must be the typed one.
fn refusal(err: &Error) -> &EncodeError {
    match err {
        Error::InvalidRange { error, .. } => error,
        other => panic!("expected a range refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_appointment_that_ends_before_it_starts_is_refused_unsent() {
    let mock = mock().await;
    let client = client(&mock);
    let err = client
        .create_appointment(appointment("2026-01-01T10:00:00", "2026-01-01T09:00:00"))
        .await
        .expect_err("the appointment ends before it starts");
    let refused = refusal(&err);
    assert_eq!(
        refused.kind,
        EncodeErrorKind::RangeEndsBeforeStart {
            start: "StartTime",
            end: "EndTime",
            start_text: "2026-01-01T10:00:00".into(),
            end_text: "2026-01-01T09:00:00".into(),
        }
    );
    assert_eq!(refused.path_string(), "CreateAppointment/request/Appointment");
    assert_eq!(
        err.to_string(),
        "CreateAppointment: invalid input: CreateAppointment/request/Appointment: `EndTime` (2026-01-01T09:00:00) is before `StartTime` (2026-01-01T10:00:00)"
    );
    assert_eq!(err.operation(), Some("CreateAppointment"));
    assert!(!err.may_have_reached_server());
    assert!(!err.is_retryable());
    assert_eq!(mock.requests(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_charge_filter_whose_posting_dates_run_backwards_is_refused_unsent() {
    let mock = mock().await;
    let client = client(&mock);
    let err = client
        .get_charges(charges(day(2026, 3, 10), day(2026, 3, 9)))
        .await
        .expect_err("the filter ends before it starts");
    let refused = refusal(&err);
    assert_eq!(
        refused.kind,
        EncodeErrorKind::RangeEndsBeforeStart {
            start: "FromPostingDate",
            end: "ToPostingDate",
            start_text: "3/10/2026".into(),
            end_text: "3/9/2026".into(),
        }
    );
    assert_eq!(refused.path_string(), "GetCharges/request/Filter");
    let text = err.to_string();
    assert!(
        text.contains("`ToPostingDate` (3/9/2026) is before `FromPostingDate` (3/10/2026)"),
        "{text}"
    );
    assert_eq!(mock.requests(), 0, "nothing was sent");
}

#[tokio::test]
async fn equal_and_forward_ranges_go_through() {
    let mock = mock().await;
    let client = client(&mock);

    // Equal: a zero-length appointment, and a one-day filter, are the service's to judge.
    client
        .create_appointment(appointment("2026-01-01T10:00:00", "2026-01-01T10:00:00"))
        .await
        .expect("an appointment that ends as it starts is sent");
    client
        .create_appointment(appointment("2026-01-01T10:00:00", "2026-01-01T10:30:00"))
        .await
        .expect("an appointment that ends after it starts is sent");
    client
        .get_charges(charges(day(2026, 3, 10), day(2026, 3, 10)))
        .await
        .expect("a one-day posting range is sent");
    client
        .get_charges(charges(day(2026, 3, 1), day(2026, 3, 10)))
        .await
        .expect("a forward posting range is sent");
    assert_eq!(mock.requests_for("CreateAppointment"), 2);
    assert_eq!(mock.requests_for("GetCharges"), 2);

    // Ends that cannot be ordered (an instant against a wall-clock time) or text that is no
    // date are left to the service too.
    client
        .create_appointment(appointment("2026-01-01T10:00:00Z", "2026-01-01T09:00:00"))
        .await
        .expect("a zoned start and an unzoned end are sent");
    let mut unreadable = charges(day(2026, 3, 10), day(2026, 3, 9));
    unreadable.filter.to_posting_date = "yesterday".to_owned().into();
    match client.get_charges(unreadable).await {
        // The mock may answer unreadable text with an error of its own: it was sent.
        Ok(_) | Err(Error::Service { .. } | Error::Fault { .. }) => {}
        Err(other) => panic!("unreadable text is sent: {other:?}"),
    }
    assert_eq!(mock.requests(), 6);
}

#[test]
fn only_requests_are_checked_a_response_holds_what_the_server_found() {
    let backwards = appointment("2026-01-01T10:00:00", "2026-01-01T09:00:00");
    let err = envelope::write_request::<CreateAppointment>(&backwards).expect_err("a request is checked");
    assert!(
        matches!(err.kind, EncodeErrorKind::RangeEndsBeforeStart { .. }),
        "{err}"
    );
    // UpdateAppointment answers with the stored appointment (the same type): a server writes it
    // as it is.
    let mut response = UpdateAppointmentResp::default();
    response.appointment = Nillable::Value(backwards.appointment.expect("an appointment"));
    let xml = envelope::write_response::<UpdateAppointment>(&response).expect("a response is not checked");
    assert!(xml.contains(">2026-01-01T09:00:00<"), "{xml}");
}

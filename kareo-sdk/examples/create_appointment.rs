//! Creates an appointment for a patient.
//!
//! ```sh
//! cargo run -p kareo-sdk --example create_appointment
//! ```
//!
//! Without `KAREO_*` variables it calls a local mock Kareo. Against the real service it only
//! prints the request unless `--create` is given, because it would book a real appointment:
//! `create_appointment -- --create PRACTICE_ID SERVICE_LOCATION_ID PATIENT_ID`.

mod common;

use kareo_sdk::ids::{PatientId, PracticeId, ServiceLocationId};
use kareo_sdk::types::{
    AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType, PatientSummary,
};
use kareo_sdk::values::NaiveDate;
use kareo_sdk::Error;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let create = args.first().is_some_and(|a| a == "--create");
    let number = |i: usize, default: i32| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let practice = PracticeId::new(number(1, 1));
    let location = ServiceLocationId::new(number(2, 3));
    let patient = PatientId::new(number(3, 100_000));

    let target = common::connect().await?;

    let day = NaiveDate::from_ymd_opt(2030, 1, 15).expect("a valid date");
    let start = day.and_hms_opt(9, 0, 0).expect("a valid time");
    let end = day.and_hms_opt(9, 30, 0).expect("a valid time");
    // The required members are named (one left out does not compile), and the identifiers are
    // typed: a service location's ID where the practice's goes does not compile either.
    let appointment = AppointmentCreate::new(AppointmentCreateRequired {
        appointment_status: AppointmentStatus::Scheduled,
        appointment_type: AppointmentType::P, // P: patient appointment
        start_time: start.and_utc().into(),   // Kareo reads appointment times as UTC
        end_time: end.and_utc().into(),
        is_recurring: false,
        practice_id: practice,
        service_location_id: location,
    })
    .notes("Created by the kareo-sdk example")
    .patient_summary(PatientSummary::new().patient_id(patient));

    if target.mock.is_none() && !create {
        println!("Would send (pass --create to book it for real):\n{appointment:#?}");
        return Ok(());
    }

    // A create is never retried once it may have reached Kareo: no duplicate bookings.
    let response = target.client.create_appointment(appointment).await?;
    println!("Created appointment {}", response.id()?);
    Ok(())
}

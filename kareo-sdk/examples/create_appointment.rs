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

use kareo_sdk::types::{AppointmentCreate, AppointmentStatus, AppointmentType, CreateAppointmentReq, PatientSummary};
use kareo_sdk::xml::{DateTime, Nillable};
use kareo_sdk::Error;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let create = args.first().is_some_and(|a| a == "--create");
    let number = |i: usize, default: i64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (practice_id, service_location_id, patient_id) = (number(1, 1), number(2, 3), number(3, 100_000));

    let target = common::connect().await?;

    let start = DateTime::new(2030, 1, 15, 9, 0, 0).expect("a valid date");
    let end = DateTime::new(2030, 1, 15, 9, 30, 0).expect("a valid date");
    // Required members in wire order: status, type, end, is-recurring, practice, service location, start.
    let mut appointment = AppointmentCreate::new(
        AppointmentStatus::Scheduled,
        AppointmentType::P, // P: patient appointment
        end,
        false,
        practice_id,
        service_location_id,
        start,
    );
    appointment.notes = Nillable::Value("Created by the kareo-sdk example".to_owned());
    appointment.patient_summary = Nillable::Value(PatientSummary {
        patient_id: Some(patient_id),
        ..PatientSummary::default()
    });
    let request = CreateAppointmentReq {
        appointment: Some(appointment),
        ..CreateAppointmentReq::default()
    };

    if target.mock.is_none() && !create {
        println!("Would send (pass --create to book it for real):\n{request:#?}");
        return Ok(());
    }

    // A create is never retried once it may have reached Kareo: no duplicate bookings.
    let response = target.client.create_appointment(request).await?;
    match response.appointment.value() {
        Some(a) => println!(
            "Created appointment {:?}: {} to {}, patient {:?}",
            a.appointment_id,
            a.start_time,
            a.end_time,
            a.patient_summary.value().and_then(|p| p.patient_id)
        ),
        None => println!("Kareo accepted the request but returned no appointment"),
    }
    Ok(())
}

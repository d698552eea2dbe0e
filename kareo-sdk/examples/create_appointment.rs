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
    let appointment = AppointmentCreate {
        appointment_id: None,
        appointment_name: Nillable::Absent,
        appointment_reason_id: None,
        appointment_status: AppointmentStatus::Scheduled,
        appointment_type: AppointmentType::P, // P: patient appointment
        appointment_uuid: Nillable::Absent,
        attendees_count: None,
        created_at: Nillable::Absent,
        created_by: None,
        customer_id: None,
        end_time: end,
        for_recare: None,
        insurance_policy_authorization_id: Nillable::Absent,
        is_deleted: None,
        is_group_appointment: None,
        is_recurring: false,
        max_attendees: None,
        notes: Nillable::Value("Created by the kareo-sdk example".to_owned()),
        occurrence_id: Nillable::Absent,
        patient_case_id: Nillable::Absent,
        patient_summaries: Nillable::Absent,
        patient_summary: Nillable::Value(PatientSummary {
            patient_id: Some(patient_id),
            ..PatientSummary::default()
        }),
        practice_id,
        provider_id: None,
        recurrence_rule: Nillable::Absent,
        resource_id: None,
        resource_ids: Nillable::Absent,
        service_location_id,
        start_time: start,
        updated_at: Nillable::Absent,
        updated_by: None,
        was_created_online: None,
    };
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

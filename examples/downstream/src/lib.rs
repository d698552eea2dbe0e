//! `practice-sync`: a small integration with a Kareo practice, as a downstream crate writes
//! one on top of `kareo-sdk`. Its tests run against `kareo-mock`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use kareo_sdk::ids::{AppointmentId, PatientId, PracticeId, ServiceLocationId};
use kareo_sdk::operations::GetAppointments;
use kareo_sdk::types::{
    AppointmentCreate, AppointmentCreateRequired, AppointmentData, AppointmentStatus, AppointmentType, ChargeData,
    ChargeFilter, GetAppointmentsReq, GetChargesReq, GetPatientsReq, PatientCreate, PatientData, PatientFilter,
    PatientSummary, PatientUpdate,
};
use kareo_sdk::{Error, KareoClient};

/// Where a practice sees its patients: the practice and one of its service locations. The
/// identifiers are typed, so the two cannot be swapped.
#[derive(Debug, Clone, Copy)]
pub struct Clinic {
    /// The practice.
    pub practice: PracticeId,
    /// The service location visits are booked at.
    pub location: ServiceLocationId,
}

/// Registers a new patient with the clinic's practice; returns the ID the service gave them.
pub async fn register_patient(
    client: &KareoClient,
    clinic: Clinic,
    first: &str,
    last: &str,
    born: NaiveDate,
) -> Result<PatientId, Error> {
    let patient = PatientCreate::new()
        .first_name(first)
        .last_name(last)
        .dateof_birth(born.and_time(NaiveTime::MIN))
        .practice(clinic.practice);
    Ok(client.create_patient(patient).await?.id()?)
}

/// A scheduled visit of `minutes` for `patient` at the clinic, starting at `start` (the
/// time in UTC, as Kareo reads appointment times).
pub fn visit(clinic: Clinic, patient: PatientId, start: NaiveDateTime, minutes: i64) -> AppointmentCreate {
    AppointmentCreate::new(AppointmentCreateRequired {
        appointment_status: AppointmentStatus::Scheduled,
        appointment_type: AppointmentType::P, // a patient's appointment
        start_time: start.and_utc().into(),   // Kareo reads appointment times as UTC
        end_time: (start + chrono::TimeDelta::minutes(minutes)).and_utc().into(),
        is_recurring: false,
        practice_id: clinic.practice,
        service_location_id: clinic.location,
    })
    .patient_summary(PatientSummary::new().patient_id(patient))
}

/// Books a visit; returns the appointment's ID.
pub async fn book_visit(
    client: &KareoClient,
    clinic: Clinic,
    patient: PatientId,
    start: NaiveDateTime,
    minutes: i64,
) -> Result<AppointmentId, Error> {
    let booked = client
        .create_appointment(visit(clinic, patient, start, minutes))
        .await?;
    Ok(booked.id()?)
}

/// The patients with this last name.
pub async fn find_patients(client: &KareoClient, last: &str) -> Result<Vec<PatientData>, Error> {
    let request = GetPatientsReq::new().filter(PatientFilter::new().last_name(last));
    let found = client.get_patients(request).await?;
    Ok(found.patients.into_value().unwrap_or_default())
}

/// Records a patient's move to another city.
pub async fn record_move(client: &KareoClient, patient: PatientId, city: &str) -> Result<(), Error> {
    client
        .update_patient(PatientUpdate::new().patient_id(patient).city(city))
        .await?;
    Ok(())
}

/// The charges posted from `from` to `to` (both included), in one call: the service holds such
/// a call to 60 days, and a range that ends before it starts is refused before it is sent
/// (`Error::InvalidRange`).
pub async fn charges_posted(client: &KareoClient, from: NaiveDate, to: NaiveDate) -> Result<Vec<ChargeData>, Error> {
    let filter = ChargeFilter::new().from_posting_date(from).to_posting_date(to); // `6/1/2026`
    let found = client.get_charges(GetChargesReq::new().filter(filter)).await?;
    Ok(found.charges.into_value().unwrap_or_default())
}

/// Every appointment from `from` to `to`, however long the range: read window by window, as
/// the service holds a call to its date window.
pub async fn appointments_between(
    client: &KareoClient,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AppointmentData>, Error> {
    client
        .export::<GetAppointments>(GetAppointmentsReq::new(), from..=to)?
        .collect()
        .await
}

/// A `CreatePatient` body written by hand, as an older part of this integration did: its
/// members are in the wrong order (`LastName` before `FirstName`), which the service reads
/// without complaint and loses the first name. Kept to show `kareo-mock` catching it.
pub fn hand_written_create_patient(customer_key: &str, user: &str, password: &str, first: &str, last: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
         <CreatePatient xmlns=\"http://www.kareo.com/api/schemas/\"><request>\
         <RequestHeader><CustomerKey>{customer_key}</CustomerKey><Password>{password}</Password><User>{user}</User></RequestHeader>\
         <Patient><LastName>{last}</LastName><FirstName>{first}</FirstName><Practice><PracticeID>1</PracticeID></Practice></Patient>\
         </request></CreatePatient></s:Body></s:Envelope>"
    )
}

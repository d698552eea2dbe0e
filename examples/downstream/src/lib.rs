//! `practice-sync`: a small integration with a Kareo practice, as a downstream crate writes
//! one on top of `kareo-sdk`. Its tests run against `kareo-mock`.

use chrono::NaiveDate;
use kareo_sdk::operations::GetAppointments;
use kareo_sdk::types::{
    AppointmentData, CreatePatientReq, GetPatientsReq, PatientCreate, PatientData, PatientUpdate, UpdatePatientReq,
};
use kareo_sdk::xml::{DateTime, Nillable};
use kareo_sdk::{Error, KareoClient};

fn text(v: &str) -> Nillable<String> {
    Nillable::Value(v.to_owned())
}

/// Registers a new patient; returns the ID the service gave it.
pub async fn register_patient(client: &KareoClient, first: &str, last: &str, born: DateTime) -> Result<i32, Error> {
    let created = client
        .create_patient(CreatePatientReq {
            patient: Some(PatientCreate {
                first_name: text(first),
                last_name: text(last),
                dateof_birth: Nillable::Value(born),
                ..PatientCreate::default()
            }),
            ..CreatePatientReq::default()
        })
        .await?;
    created.patient_id.value().copied().ok_or_else(|| Error::InvalidInput {
        operation: "CreatePatient",
        message: "the service answered without a patient ID".to_owned(),
    })
}

/// The patients with this last name.
pub async fn find_patients(client: &KareoClient, last: &str) -> Result<Vec<PatientData>, Error> {
    let mut request = GetPatientsReq::default();
    request.filter.last_name = text(last);
    let found = client.get_patients(request).await?;
    Ok(found.patients.into_value().unwrap_or_default())
}

/// Records a patient's move to another city.
pub async fn record_move(client: &KareoClient, patient_id: i32, city: &str) -> Result<(), Error> {
    client
        .update_patient(UpdatePatientReq {
            patient: Some(PatientUpdate {
                patient_id: Nillable::Value(patient_id),
                city: text(city),
                ..PatientUpdate::default()
            }),
            ..UpdatePatientReq::default()
        })
        .await?;
    Ok(())
}

/// Every appointment from `from` to `to`, however long the range: read window by window, as
/// the service holds a call to its date window.
pub async fn appointments_between(
    client: &KareoClient,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AppointmentData>, Error> {
    client
        .export::<GetAppointments>(Default::default(), from..=to)?
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

//! The operations the mock models: what each write changes and what each read returns.
//!
//! Requests and responses arrive as `dyn Any` from the generic dispatch, one handler per
//! operation; an operation without one answers its generated sample.

use std::any::Any;

use kareo_sdk::ids::{EncounterId, ExternalVendorId, PracticeId};
use kareo_sdk::types::*;
use kareo_sdk::xml::{DateTime, Nillable};

use crate::forms::{flag, money, parse_moment, parse_money, Moment};
use crate::settings::Settings;
use crate::store::{batch_of, full_name, s, text, Encounter, ExternalId, Store, MAX_RECORDS};

/// What a handler did.
pub(crate) enum Outcome {
    /// The response is filled.
    Done,
    /// The service reports a failure: HTTP 200, `IsError = true`, this message.
    Error(String),
    /// The operation is not modelled: answer its sample.
    NotModelled,
}

/// Context a handler reads besides the request.
pub(crate) struct Ctx<'a> {
    pub store: &'a mut Store,
    pub settings: &'a Settings,
    /// The throttle table, for `GetThrottles`.
    pub throttles: &'a std::collections::BTreeMap<&'static str, std::time::Duration>,
    /// Whether the request's credentials are the mock's (for `GetCustomerIdFromKey`).
    pub authorized: bool,
}

/// The operations with a handler, in the docs' order.
pub const MODELLED: &[&str] = &[
    "CreatePatient",
    "UpdatePatient",
    "GetPatient",
    "GetPatients",
    "GetAllPatients",
    "UpdatePatientsExternalID",
    "CreateAppointment",
    "UpdateAppointment",
    "DeleteAppointment",
    "GetAppointment",
    "GetAppointments",
    "CreateEncounter",
    "UpdateEncounterStatus",
    "GetCharges",
    "CreatePayment",
    "GetPayments",
    "CreateDocument",
    "DeleteDocument",
    "RegisterExternalVendor",
    "GetExternalVendors",
    "GetProviders",
    "GetPractices",
    "GetServiceLocations",
    "GetThrottles",
    "GetCustomerIdFromKey",
];

macro_rules! handlers {
    ($($req:ty => $resp:ty : $f:ident),* $(,)?) => {
        /// Runs the handler of the request's type, if there is one.
        pub(crate) fn answer(response: &mut dyn Any, request: &dyn Any, cx: &mut Ctx<'_>) -> Outcome {
            $(
                if let (Some(q), Some(r)) = (request.downcast_ref::<$req>(), response.downcast_mut::<$resp>()) {
                    return $f(q, r, cx);
                }
            )*
            Outcome::NotModelled
        }
    };
}

handlers! {
    CreatePatientReq => ModifyPatientResp: create_patient,
    UpdatePatientReq => ModifyPatientResp: update_patient,
    GetPatientReq => GetPatientResp: get_patient,
    GetPatientsReq => GetPatientsResp: get_patients,
    GetAllPatientsReq => GetAllPatientsResp: get_all_patients,
    UpdatePatientsExternalIdReq => UpdatePatientsExternalIdResp: update_external_ids,
    CreateAppointmentReq => CreateAppointmentResp: create_appointment,
    UpdateAppointmentReq => UpdateAppointmentResp: update_appointment,
    DeleteAppointmentReq => DeleteAppointmentResp: delete_appointment,
    GetAppointmentReq => GetAppointmentResp: get_appointment,
    GetAppointmentsReq => GetAppointmentsResp: get_appointments,
    CreateEncounterReq => CreateEncounterResp: create_encounter,
    UpdateEncounterStatusReq => CreateEncounterResp: update_encounter_status,
    GetChargesReq => GetChargesResp: get_charges,
    CreatePaymentRequest => CreatePaymentResp: create_payment,
    GetPaymentsReq => GetPaymentsResp: get_payments,
    CreateDocumentReq => CreateDocumentResp: create_document,
    DeleteDocumentReq => DeleteDocumentResp: delete_document,
    RegisterExternalVendorReq => RegisterExternalVendorResp: register_vendor,
    GetExternalVendorsReq => GetExternalVendorsResp: get_vendors,
    GetProvidersReq => GetProvidersResp: get_providers,
    GetPracticesReq => GetPracticesResp: get_practices,
    GetServiceLocationsReq => GetServiceLocationsResp: get_service_locations,
    GetThrottlesReq => GetThrottlesResp: get_throttles,
    GetCustomerIdFromKeyRequest => GetCustomerIdFromKeyResp: get_customer_id,
}

/// Records, or one empty placeholder record when there are none and placeholders are on.
fn list<T: Default>(items: Vec<T>, settings: &Settings) -> Nillable<Vec<T>> {
    if items.is_empty() && settings.placeholders {
        return Nillable::Value(vec![T::default()]);
    }
    Nillable::Value(items)
}

fn room<T>(records: &[T]) -> Result<(), String> {
    if records.len() >= MAX_RECORDS {
        return Err(format!(
            "the mock holds its maximum of {MAX_RECORDS} records of this kind"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Filters.

/// A text criterion: unset or empty matches everything; otherwise equal, ignoring case.
fn matches(filter: &Nillable<String>, value: &str) -> bool {
    match filter.value().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        None => true,
        Some(f) => value.eq_ignore_ascii_case(f),
    }
}

/// A date range criterion: `from` inclusive, `to` exclusive when `to_exclusive` (the service's
/// `ToDateOfBirth`), inclusive otherwise. A value that does not read as a date never matches
/// a set bound; a bound that does not read as a date is an error.
fn in_range(
    from: &Nillable<String>,
    to: &Nillable<String>,
    value: &str,
    to_exclusive: bool,
    (from_name, to_name): (&str, &str),
) -> Result<bool, String> {
    let bound = |v: &Nillable<String>, name: &str| -> Result<Option<Moment>, String> {
        match v.value().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => parse_moment(t)
                .map(Some)
                .ok_or_else(|| format!("{name} is not a valid date")),
        }
    };
    let (from, to) = (bound(from, from_name)?, bound(to, to_name)?);
    if from.is_none() && to.is_none() {
        return Ok(true);
    }
    let Some(at) = parse_moment(value) else {
        return Ok(false);
    };
    // An inclusive `to` that is a plain date covers that whole day.
    let to_ok = match to {
        None => true,
        Some(t) if to_exclusive => at < t,
        Some(t) if t.0 % crate::forms::DAY == 0 => at.0 < t.0 + crate::forms::DAY,
        Some(t) => at <= t,
    };
    Ok(from.is_none_or(|f| at >= f) && to_ok)
}

/// The validation error for a request whose date range is wider than its operation's window
/// ([`crate::windows`]), when windows are on.
pub(crate) fn window_error(request: &dyn Any, settings: &Settings) -> Option<String> {
    if !settings.date_window {
        return None;
    }
    let (window, from, to) = crate::windows::range_of(request)?;
    // Days the range spans, both ends counted (as the SDK's window splitting counts them).
    let days = parse_moment(from?)?.days_until(parse_moment(to?)?) + 1;
    (days > i64::from(window.max_days)).then(|| window.message())
}

// ---------------------------------------------------------------------------------------------
// Patients.

fn gender(g: &Nillable<GenderCode>) -> Nillable<String> {
    g.as_ref().map(|g| g.as_str().to_owned())
}

fn date_of(t: &Nillable<DateTime>) -> Nillable<String> {
    t.as_ref().map(|t| Moment::of(t).date_form())
}

/// Applies the members a create or update request sets (absent: kept; nil: cleared).
macro_rules! apply_patient {
    ($p:expr, $src:expr) => {{
        let (p, src) = ($p, $src);
        fn set(to: &mut Nillable<String>, from: &Nillable<String>) {
            if !from.is_absent() {
                *to = from.clone();
            }
        }
        set(&mut p.address_line1, &src.address_line1);
        set(&mut p.address_line2, &src.address_line2);
        set(&mut p.city, &src.city);
        set(&mut p.collection_category_name, &src.collection_category_name);
        set(&mut p.country, &src.country);
        set(&mut p.email_address, &src.email_address);
        set(&mut p.emergency_name, &src.emergency_name);
        set(&mut p.emergency_phone, &src.emergency_phone);
        set(&mut p.emergency_phone_ext, &src.emergency_phone_ext);
        set(&mut p.first_name, &src.first_name);
        set(&mut p.home_phone, &src.home_phone);
        set(&mut p.home_phone_ext, &src.home_phone_ext);
        set(&mut p.last_name, &src.last_name);
        set(&mut p.marital_status, &src.marital_status);
        set(&mut p.medical_record_number, &src.medical_record_number);
        set(&mut p.middle_name, &src.middle_name);
        set(&mut p.mobile_phone, &src.mobile_phone);
        set(&mut p.mobile_phone_ext, &src.mobile_phone_ext);
        set(&mut p.prefix, &src.prefix);
        set(&mut p.referral_source, &src.referral_source);
        set(&mut p.ssn, &src.social_security_number);
        set(&mut p.state, &src.state);
        set(&mut p.suffix, &src.suffix);
        set(&mut p.work_phone, &src.work_phone);
        set(&mut p.work_phone_ext, &src.work_phone_ext);
        set(&mut p.zip_code, &src.zip_code);
        if !src.gender.is_absent() {
            p.gender = gender(&src.gender);
        }
        if !src.dateof_birth.is_absent() {
            p.dob = date_of(&src.dateof_birth);
        }
        if let Some(practice) = &src.practice {
            if let Some(id) = practice.practice_id.value() {
                p.practice_id = s(id.to_string());
            }
            set(&mut p.practice_name, &practice.practice_name);
        }
        p.patient_full_name = s(full_name(&[
            text(&p.first_name),
            text(&p.middle_name),
            text(&p.last_name),
        ]));
        p.last_modified_date = s(Moment::now().date_time_form());
    }};
}

fn modified(r: &mut ModifyPatientResp, p: &PatientData) {
    r.patient_id = text(&p.id).parse().map_or(Nillable::Absent, Nillable::Value);
    r.practice_id = text(&p.practice_id).parse().map_or(Nillable::Absent, Nillable::Value);
    r.practice_name = p.practice_name.clone();
}

fn create_patient(q: &CreatePatientReq, r: &mut ModifyPatientResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(src) = &q.patient else {
        return Outcome::Error("Patient is required.".to_owned());
    };
    if let Err(e) = room(&cx.store.patients) {
        return Outcome::Error(e);
    }
    let mut p = PatientData::new()
        .practice_id(PracticeId::new(1))
        .practice_name("Mock Practice");
    apply_patient!(&mut p, src);
    p.created_date = p.last_modified_date.clone();
    let id = cx.store.add_patient(p).to_string();
    if let Some(p) = cx.store.patient(&id) {
        modified(r, p);
    }
    Outcome::Done
}

fn update_patient(q: &UpdatePatientReq, r: &mut ModifyPatientResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(src) = &q.patient else {
        return Outcome::Error("Patient is required.".to_owned());
    };
    let Some(id) = src.patient_id.value() else {
        return Outcome::Error("PatientID is required to update a patient.".to_owned());
    };
    let Some(p) = cx.store.patient_mut(&id.to_string()) else {
        return Outcome::Error(format!("Patient {id} was not found."));
    };
    apply_patient!(&mut *p, src);
    let p = p.clone();
    modified(r, &p);
    Outcome::Done
}

fn get_patient(q: &GetPatientReq, r: &mut GetPatientResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(f) = q.filter.value() else {
        r.patient = Nillable::Nil;
        return Outcome::Done;
    };
    let by_external = f.external_id.value().filter(|e| !e.is_empty()).and_then(|e| {
        let vendor = f.external_vendor_id.value().copied();
        cx.store
            .external_ids
            .iter()
            .find(|x| x.external_id == *e && (vendor.is_none() || x.vendor_id == vendor))
            .map(|x| x.patient_id)
    });
    let id = f.patient_id.value().copied().or(by_external);
    r.patient = match id.and_then(|id| cx.store.patient(&id.to_string())) {
        Some(p) => Nillable::Value(p.clone()),
        None => Nillable::Nil,
    };
    Outcome::Done
}

fn patient_matches(f: &PatientFilter, p: &PatientData) -> Result<bool, String> {
    Ok(matches(&f.first_name, text(&p.first_name))
        && matches(&f.last_name, text(&p.last_name))
        && matches(&f.middle_name, text(&p.middle_name))
        && matches(&f.full_name, text(&p.patient_full_name))
        && matches(&f.gender, text(&p.gender))
        && matches(&f.practice_id, text(&p.practice_id))
        && matches(&f.practice_name, text(&p.practice_name))
        && matches(&f.ssn, text(&p.ssn))
        && matches(&f.referral_source, text(&p.referral_source))
        && matches(&f.collection_category_name, text(&p.collection_category_name))
        && in_range(
            &f.from_date_of_birth,
            &f.to_date_of_birth,
            text(&p.dob),
            true,
            ("FromDateOfBirth", "ToDateOfBirth"),
        )?
        && in_range(
            &f.from_created_date,
            &f.to_created_date,
            text(&p.created_date),
            false,
            ("FromCreatedDate", "ToCreatedDate"),
        )?
        && in_range(
            &f.from_last_modified_date,
            &f.to_last_modified_date,
            text(&p.last_modified_date),
            false,
            ("FromLastModifiedDate", "ToLastModifiedDate"),
        )?)
}

fn get_patients(q: &GetPatientsReq, r: &mut GetPatientsResp, cx: &mut Ctx<'_>) -> Outcome {
    let mut found = Vec::new();
    for p in &cx.store.patients {
        match patient_matches(&q.filter, p) {
            Ok(true) => found.push(p.clone()),
            Ok(false) => {}
            Err(e) => return Outcome::Error(e),
        }
    }
    r.patients = list(found, cx.settings);
    Outcome::Done
}

/// Records per `GetAllPatients` batch when the request sets no `BatchSize` (and at most).
const MAX_BATCH: usize = 1000;

/// `GetAllPatients`, as the service pages: patients in ID order, the batch starting AT
/// `StartKey` (the first patient whose ID is `StartKey` or more; absent: the first), at most
/// `BatchSize` of them (absent: 1,000; more than 1,000: 1,000; less than 1: 1), and
/// `Key/nextStartKey` the ID of the first patient after the batch, nil when the batch holds
/// the last one. Reads the batch from the store's kept ID order: no sort or scan of every
/// patient per call.
fn get_all_patients(q: &GetAllPatientsReq, r: &mut GetAllPatientsResp, cx: &mut Ctx<'_>) -> Outcome {
    let f = &q.filter;
    let size = f
        .batch_size
        .value()
        .map_or(MAX_BATCH, |n| usize::try_from(*n).unwrap_or(1).clamp(1, MAX_BATCH));
    let start = f.start_key.value().copied().map(i64::from);
    let practice = f.practice_id.value().map(i32::to_string);
    let (order, patients) = cx.store.patients_by_id();
    let from = start.map_or(0, |key| order.partition_point(|(id, _)| *id < key));
    let mut batch = Vec::with_capacity(size.min(order.len()));
    // The ID of the first patient after the batch: where the next batch starts.
    let mut next = None;
    for &(id, i) in order.get(from..).unwrap_or_default() {
        let Some(p) = patients.get(i) else { continue };
        if practice.as_deref().is_some_and(|want| text(&p.practice_id) != want) {
            continue;
        }
        if batch.len() == size {
            next = Some(id);
            break;
        }
        batch.push(batch_of(p));
    }
    r.patients = list(batch, cx.settings);
    let mut key = PatientBatchKey::new();
    // Nil after the last batch, which a setter cannot write.
    key.next_start_key = next
        .and_then(|id| i32::try_from(id).ok())
        .map_or(Nillable::Nil, Nillable::Value);
    r.key = Nillable::Value(key);
    Outcome::Done
}

fn update_external_ids(
    q: &UpdatePatientsExternalIdReq,
    r: &mut UpdatePatientsExternalIdResp,
    cx: &mut Ctx<'_>,
) -> Outcome {
    let settings = q
        .updates
        .as_ref()
        .and_then(|u| u.update_batch.value())
        .cloned()
        .unwrap_or_default();
    let mut updated = Vec::new();
    for setting in settings {
        let (Some(patient_id), Some(external_id)) = (setting.patient_id, setting.external_id.value()) else {
            continue;
        };
        if cx.store.patient(&patient_id.to_string()).is_none() {
            continue;
        }
        // The service keeps 25 characters of an external ID.
        let external_id: String = external_id.chars().take(25).collect();
        let store = &mut *cx.store;
        store
            .external_ids
            .retain(|x| !(x.patient_id == patient_id && x.vendor_id == setting.external_vendor_id));
        if let Err(e) = room(&store.external_ids) {
            return Outcome::Error(e);
        }
        store.external_ids.push(ExternalId {
            patient_id,
            vendor_id: setting.external_vendor_id,
            external_id: external_id.clone(),
        });
        updated.push(setting.external_id(external_id));
    }
    r.items_updated = Nillable::Value(updated);
    Outcome::Done
}

// ---------------------------------------------------------------------------------------------
// Appointments.

fn create_appointment(q: &CreateAppointmentReq, r: &mut CreateAppointmentResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(a) = q.appointment.clone() else {
        return Outcome::Error("Appointment is required.".to_owned());
    };
    if let Err(e) = room(&cx.store.appointments) {
        return Outcome::Error(e);
    }
    if let Some(pid) = a.patient_summary.value().and_then(|p| p.patient_id) {
        if cx.store.patient(&pid.to_string()).is_none() {
            return Outcome::Error(format!("Patient {pid} was not found."));
        }
    }
    let id = cx.store.add_appointment(a);
    r.appointment = cx
        .store
        .appointments
        .iter()
        .find(|a| a.appointment_id == Some(i64::from(id)))
        .cloned()
        .map_or(Nillable::Nil, Nillable::Value);
    Outcome::Done
}

fn update_appointment(q: &UpdateAppointmentReq, r: &mut UpdateAppointmentResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(u) = &q.appointment else {
        return Outcome::Error("Appointment is required.".to_owned());
    };
    let Some(a) = cx
        .store
        .appointments
        .iter_mut()
        .find(|a| a.appointment_id == Some(u.appointment_id))
    else {
        return Outcome::Error(format!("Appointment {} was not found.", u.appointment_id));
    };
    if !u.appointment_mode.is_absent() {
        a.appointment_mode = u.appointment_mode.clone();
    }
    if !u.appointment_name.is_absent() {
        a.appointment_name = u.appointment_name.clone();
    }
    if !u.notes.is_absent() {
        a.notes = u.notes.clone();
    }
    if let Some(v) = u.appointment_reason_id {
        a.appointment_reason_id = Some(v);
    }
    if let Some(v) = &u.appointment_status {
        a.appointment_status = v.clone();
    }
    if let Some(t) = u.start_time.value() {
        a.start_time = *t;
    }
    if let Some(t) = u.end_time.value() {
        a.end_time = *t;
    }
    if !u.patient_case_id.is_absent() {
        a.patient_case_id = u.patient_case_id.clone();
    }
    if let Some(v) = u.provider_id {
        a.provider_id = Some(v);
    }
    if let Some(v) = u.resource_id {
        a.resource_id = Some(v);
    }
    if !u.resource_ids.is_absent() {
        a.resource_ids = u.resource_ids.clone();
    }
    a.service_location_id = u.service_location_id;
    if let Nillable::Value(p) = &mut a.patient_summary {
        p.patient_id = Some(u.patient_id);
    } else {
        let mut summary = PatientSummary::new();
        // The request's `long` as sent, which need not fit a `PatientId`.
        summary.patient_id = Some(u.patient_id);
        a.patient_summary = Nillable::Value(summary);
    }
    a.updated_at = Moment::now().date_time().map_or(Nillable::Absent, Nillable::Value);
    r.appointment = Nillable::Value(a.clone());
    Outcome::Done
}

fn delete_appointment(q: &DeleteAppointmentReq, r: &mut DeleteAppointmentResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(d) = &q.appointment else {
        return Outcome::Error("Appointment is required.".to_owned());
    };
    let before = cx.store.appointments.len();
    cx.store
        .appointments
        .retain(|a| a.appointment_id != Some(d.appointment_id));
    if cx.store.appointments.len() == before {
        return Outcome::Error(format!("Appointment {} was not found.", d.appointment_id));
    }
    r.appointment_id = Some(d.appointment_id);
    r.deleted = Some(true);
    Outcome::Done
}

fn get_appointment(q: &GetAppointmentReq, r: &mut GetAppointmentResp, cx: &mut Ctx<'_>) -> Outcome {
    // No appointment asked for, or none with that ID: a nil appointment, as for `GetPatient`.
    let found = q.appointment.as_ref().and_then(|read| {
        cx.store
            .appointments
            .iter()
            .find(|a| a.appointment_id == Some(read.appointment_id))
    });
    r.appointment = found.cloned().map_or(Nillable::Nil, Nillable::Value);
    Outcome::Done
}

fn patient_of(a: &AppointmentCreate) -> Option<i64> {
    a.patient_summary.value().and_then(|p| p.patient_id)
}

/// An appointment as `GetAppointments` lists it: strings in the service's forms. `patients`
/// finds a patient by ID (built once per call: no scan of every patient per appointment).
fn appointment_data(
    a: &AppointmentCreate,
    store: &Store,
    patients: &std::collections::HashMap<&str, &PatientData>,
) -> AppointmentData {
    let (start, end) = (Moment::of(&a.start_time), Moment::of(&a.end_time));
    let patient = patient_of(a).and_then(|id| patients.get(id.to_string().as_str()).copied());
    let location = store
        .service_locations
        .iter()
        .find(|l| text(&l.id) == a.service_location_id.to_string());
    let practice = store
        .practices
        .iter()
        .find(|p| text(&p.id) == a.practice_id.to_string());
    let mut d = AppointmentData::new()
        .appointment_duration(((end.0 - start.0) / 60).to_string())
        .confirmation_status(a.appointment_status.as_str())
        .r#type(a.appointment_type.as_str());
    // The appointment's `long` IDs as text (they need not fit the ID types), members absent
    // when there is nothing to copy, and dates and flags in the mock's forms (`forms`; the
    // service writes `True`, a `KareoFlag` from a bool `true`).
    d.id = s(a.appointment_id.unwrap_or_default().to_string());
    d.patient_id = patient_of(a).map_or(Nillable::Absent, |id| s(id.to_string()));
    d.patient_full_name = patient.map_or(Nillable::Absent, |p| p.patient_full_name.clone());
    d.practice_id = s(a.practice_id.to_string());
    d.practice_name = practice.map_or(Nillable::Absent, |p| p.practice_name.clone());
    d.service_location_id = s(a.service_location_id.to_string());
    d.service_location_name = location.map_or(Nillable::Absent, |l| l.name.clone());
    d.start_date = s(start.date_time_form());
    d.end_date = s(end.date_time_form());
    d.notes = a.notes.clone();
    d.recurring = s(flag(a.is_recurring));
    d.created_date = a
        .created_at
        .value()
        .map_or(Nillable::Absent, |t| s(Moment::of(t).date_time_form()));
    d.last_modified_date = a
        .updated_at
        .value()
        .or(a.created_at.value())
        .map_or(Nillable::Absent, |t| s(Moment::of(t).date_time_form()));
    d
}

fn get_appointments(q: &GetAppointmentsReq, r: &mut GetAppointmentsResp, cx: &mut Ctx<'_>) -> Outcome {
    let f = &q.filter;
    let mut found = Vec::new();
    // Patients by ID, the first of an ID as `Store::patient` finds it.
    let mut patients = std::collections::HashMap::new();
    if !cx.store.appointments.is_empty() {
        for p in &cx.store.patients {
            patients.entry(text(&p.id)).or_insert(p);
        }
    }
    for a in &cx.store.appointments {
        let d = appointment_data(a, cx.store, &patients);
        let ok = (|| -> Result<bool, String> {
            Ok(matches(&f.patient_id, text(&d.patient_id))
                && matches(&f.patient_full_name, text(&d.patient_full_name))
                && matches(&f.confirmation_status, text(&d.confirmation_status))
                && matches(&f.service_location_name, text(&d.service_location_name))
                && matches(&f.practice_name, text(&d.practice_name))
                && matches(&f.r#type, text(&d.r#type))
                && in_range(
                    &f.start_date,
                    &f.end_date,
                    text(&d.start_date),
                    false,
                    ("StartDate", "EndDate"),
                )?
                && in_range(
                    &f.from_created_date,
                    &f.to_created_date,
                    text(&d.created_date),
                    false,
                    ("FromCreatedDate", "ToCreatedDate"),
                )?
                && in_range(
                    &f.from_last_modified_date,
                    &f.to_last_modified_date,
                    text(&d.last_modified_date),
                    false,
                    ("FromLastModifiedDate", "ToLastModifiedDate"),
                )?)
        })();
        match ok {
            Ok(true) => found.push(d),
            Ok(false) => {}
            Err(e) => return Outcome::Error(e),
        }
    }
    found.sort_by_key(|d| parse_moment(text(&d.start_date)));
    r.appointments = list(found, cx.settings);
    Outcome::Done
}

// ---------------------------------------------------------------------------------------------
// Encounters and charges.

fn create_encounter(q: &CreateEncounterReq, r: &mut CreateEncounterResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(e) = &q.encounter else {
        return Outcome::Error("Encounter is required.".to_owned());
    };
    if let Err(err) = room(&cx.store.encounters).and(room(&cx.store.charges)) {
        return Outcome::Error(err);
    }
    let patient_id = e.patient.value().and_then(|p| p.patient_id.value().copied());
    let patient = match patient_id {
        Some(id) => match cx.store.patient(&id.to_string()) {
            Some(p) => Some(p.clone()),
            None => return Outcome::Error(format!("Patient {id} was not found.")),
        },
        None => None,
    };
    let id = cx.store.next_id32();
    let status = e.encounter_status.as_ref().map_or("Draft", |s| s.as_str()).to_owned();
    let posted = e.post_date.value().map_or_else(Moment::now, Moment::of);
    let mut lines = Vec::new();
    for line in e.service_lines.value().into_iter().flatten() {
        let cents = (line.unit_charge.unwrap_or(0.0) * line.units.unwrap_or(1.0) * 100.0).round() as i64;
        let service = line
            .service_start_date
            .value()
            .or(e.service_start_date.value())
            .map(Moment::of)
            .unwrap_or(posted);
        let mut charge = ChargeData::new()
            .encounter_id(EncounterId::new(id))
            .encounter_status(status.clone())
            .units(format!("{:.4}", line.units.unwrap_or(1.0)));
        // Members absent when the request has none, and dates and money in the mock's forms
        // (`forms`).
        charge.patient_id = patient_id.map_or(Nillable::Absent, |p| s(p.to_string()));
        charge.patient_name = patient
            .as_ref()
            .map_or(Nillable::Absent, |p| p.patient_full_name.clone());
        charge.procedure_code = line.procedure_code.clone();
        charge.posting_date = s(posted.date_form());
        charge.service_start_date = s(service.date_form());
        charge.created_date = s(Moment::now().date_time_form());
        charge.last_modified_date = s(Moment::now().date_time_form());
        charge.total_charges = s(money(cents));
        let charge_id = cx.store.add_charge(charge);
        let mut added = ServiceLineRes::new()
            .encounter_id(EncounterId::new(id))
            .service_line_id(charge_id);
        added.service_line_external_id = line.external_id.clone();
        lines.push(added);
    }
    cx.store.encounters.push(Encounter { id, patient_id, status });
    r.encounter_id = Some(id);
    r.patient_id = patient_id;
    r.practice_id = e
        .practice
        .value()
        .and_then(|p| p.practice_id.value().copied())
        .or(Some(1));
    r.service_lines_added = Nillable::Value(lines);
    Outcome::Done
}

fn update_encounter_status(q: &UpdateEncounterStatusReq, r: &mut CreateEncounterResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(u) = &q.encounter_update_status else {
        return Outcome::Error("EncounterUpdateStatus is required.".to_owned());
    };
    let Some(status) = u.encounter_status.clone().filter(|s| !s.is_empty()) else {
        return Outcome::Error("EncounterStatus is required.".to_owned());
    };
    let Some(e) = cx.store.encounters.iter_mut().find(|e| e.id == u.encounter_id) else {
        return Outcome::Error(format!("Encounter {} was not found.", u.encounter_id));
    };
    e.status = status.clone();
    let (id, patient_id) = (e.id, e.patient_id);
    for c in cx
        .store
        .charges
        .iter_mut()
        .filter(|c| text(&c.encounter_id) == id.to_string())
    {
        c.encounter_status = s(status.clone());
        c.last_modified_date = s(Moment::now().date_time_form());
    }
    r.encounter_id = Some(id);
    r.patient_id = patient_id;
    Outcome::Done
}

fn get_charges(q: &GetChargesReq, r: &mut GetChargesResp, cx: &mut Ctx<'_>) -> Outcome {
    let f = &q.filter;
    let mut found = Vec::new();
    for c in &cx.store.charges {
        let ok = (|| -> Result<bool, String> {
            Ok(matches(&f.patient_name, text(&c.patient_name))
                && matches(&f.procedure_code, text(&c.procedure_code))
                && matches(&f.encounter_status, text(&c.encounter_status))
                && matches(&f.status, text(&c.status))
                && matches(&f.practice_name, text(&c.practice_name))
                && matches(&f.batch_number, text(&c.batch_number))
                && in_range(
                    &f.from_posting_date,
                    &f.to_posting_date,
                    text(&c.posting_date),
                    false,
                    ("FromPostingDate", "ToPostingDate"),
                )?
                && in_range(
                    &f.from_service_date,
                    &f.to_service_date,
                    text(&c.service_start_date),
                    false,
                    ("FromServiceDate", "ToServiceDate"),
                )?
                && in_range(
                    &f.from_created_date,
                    &f.to_created_date,
                    text(&c.created_date),
                    false,
                    ("FromCreatedDate", "ToCreatedDate"),
                )?
                && in_range(
                    &f.from_last_modified_date,
                    &f.to_last_modified_date,
                    text(&c.last_modified_date),
                    false,
                    ("FromLastModifiedDate", "ToLastModifiedDate"),
                )?)
        })();
        match ok {
            Ok(true) => found.push(c.clone()),
            Ok(false) => {}
            Err(e) => return Outcome::Error(e),
        }
    }
    r.charges = list(found, cx.settings);
    Outcome::Done
}

// ---------------------------------------------------------------------------------------------
// Payments.

fn create_payment(q: &CreatePaymentRequest, r: &mut CreatePaymentResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(p) = &q.payment else {
        return Outcome::Error("Payment is required.".to_owned());
    };
    if let Err(e) = room(&cx.store.payments) {
        return Outcome::Error(e);
    }
    let Some(pay) = &p.payment else {
        return Outcome::Error("Payment.Payment is required.".to_owned());
    };
    let Some(cents) = pay.amount_paid.as_deref().and_then(parse_money) else {
        return Outcome::Error("AmountPaid is not a valid amount.".to_owned());
    };
    let patient = p.patient.value();
    let practice_id = p
        .practice
        .value()
        .and_then(|x| x.practice_id.value().cloned())
        .unwrap_or_else(|| "1".to_owned());
    let post = p
        .post_date
        .value()
        .and_then(|d| parse_moment(d))
        .unwrap_or_else(Moment::now);
    let now = Moment::now().date_time_form();
    let payer_name = patient.map(|x| full_name(&[text(&x.first_name), text(&x.last_name)]));
    let mut data = PaymentData::new().unapplied(money(cents));
    // Members copied from the request as sent (absent, nil or text, the IDs unchecked), and
    // dates and money in the mock's forms (`forms`).
    data.amount = s(money(cents));
    data.payment_method = pay.payment_method.clone().map_or(Nillable::Nil, Nillable::Value);
    data.reference_number = pay.reference_number.clone();
    data.payer_type = p.payer_type.clone().map_or(Nillable::Nil, Nillable::Value);
    data.payer_name = payer_name.map_or(Nillable::Absent, s);
    data.batch_number = p.batch_number.clone();
    data.appointment_id = p
        .appointment
        .value()
        .map_or(Nillable::Absent, |a| a.appointment_id.clone());
    data.practice_id = s(practice_id.clone());
    data.post_date = s(post.date_form());
    data.adjudication_date = p.ajudication_date.clone();
    data.created_date = s(now.clone());
    data.last_modified_date = s(now);
    data.applied = s(money(0));
    let id = cx.store.add_payment(data);
    r.payment_id = Some(id);
    r.practice_id = practice_id.parse().ok();
    r.practice_name = s("Mock Practice");
    Outcome::Done
}

fn get_payments(q: &GetPaymentsReq, r: &mut GetPaymentsResp, cx: &mut Ctx<'_>) -> Outcome {
    let f = &q.filter;
    let mut found = Vec::new();
    for p in &cx.store.payments {
        let ok = (|| -> Result<bool, String> {
            Ok(matches(&f.id, text(&p.id))
                && matches(&f.appointment_id, text(&p.appointment_id))
                && matches(&f.batch_number, text(&p.batch_number))
                && matches(&f.payer_name, text(&p.payer_name))
                && matches(&f.payer_type, text(&p.payer_type))
                && matches(&f.practice_id, text(&p.practice_id))
                && matches(&f.reference_number, text(&p.reference_number))
                && in_range(
                    &f.from_post_date,
                    &f.to_post_date,
                    text(&p.post_date),
                    false,
                    ("FromPostDate", "ToPostDate"),
                )?
                && in_range(
                    &f.from_created_date,
                    &f.to_created_date,
                    text(&p.created_date),
                    false,
                    ("FromCreatedDate", "ToCreatedDate"),
                )?
                && in_range(
                    &f.from_last_modified_date,
                    &f.to_last_modified_date,
                    text(&p.last_modified_date),
                    false,
                    ("FromLastModifiedDate", "ToLastModifiedDate"),
                )?)
        })();
        match ok {
            Ok(true) => found.push(p.clone()),
            Ok(false) => {}
            Err(e) => return Outcome::Error(e),
        }
    }
    r.payments = list(found, cx.settings);
    Outcome::Done
}

// ---------------------------------------------------------------------------------------------
// Documents and vendors.

fn create_document(q: &CreateDocumentReq, r: &mut CreateDocumentResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(d) = &q.document_to_create else {
        return Outcome::Error("DocumentToCreate is required.".to_owned());
    };
    if let Err(e) = room(&cx.store.documents) {
        return Outcome::Error(e);
    }
    if d.file_name.as_deref().is_none_or(str::is_empty) {
        return Outcome::Error("FileName is required.".to_owned());
    }
    let id = cx.store.next_id();
    // The `long` ID (no `DocumentId`), and members copied from the request as sent.
    let mut doc = Document::new();
    doc.document_id = Some(id);
    doc.name = d.name.clone().map_or(Nillable::Nil, Nillable::Value);
    doc.notes = d.document_notes.clone();
    doc.label = d.label.clone();
    doc.status = d.status.clone();
    doc.document_date = d.document_date;
    doc.created_date = Moment::now().date_time();
    cx.store.documents.push(doc.clone());
    r.document = Nillable::Value(doc);
    Outcome::Done
}

fn delete_document(q: &DeleteDocumentReq, r: &mut DeleteDocumentResp, cx: &mut Ctx<'_>) -> Outcome {
    let before = cx.store.documents.len();
    cx.store.documents.retain(|d| d.document_id != Some(q.document_id));
    r.document_id = Some(q.document_id);
    r.deleted = Some(cx.store.documents.len() < before);
    Outcome::Done
}

fn register_vendor(q: &RegisterExternalVendorReq, r: &mut RegisterExternalVendorResp, cx: &mut Ctx<'_>) -> Outcome {
    let Some(name) = q.external_vendor.value().and_then(|v| v.external_vendor_name.value()) else {
        return Outcome::Error("ExternalVendorName is required.".to_owned());
    };
    if let Err(e) = room(&cx.store.vendors) {
        return Outcome::Error(e);
    }
    let existing = cx
        .store
        .vendors
        .iter()
        .find(|v| text(&v.external_vendor_name) == name.as_str());
    let vendor = match existing {
        Some(v) => v.clone(),
        None => {
            let id = cx.store.next_id32();
            let v = ExternalVendorData::new()
                .external_vendor_id(ExternalVendorId::new(id))
                .external_vendor_name(name.clone());
            cx.store.vendors.push(v.clone());
            v
        }
    };
    r.external_vendor = Nillable::Value(vendor);
    Outcome::Done
}

fn get_vendors(_: &GetExternalVendorsReq, r: &mut GetExternalVendorsResp, cx: &mut Ctx<'_>) -> Outcome {
    r.external_vendors = list(cx.store.vendors.clone(), cx.settings);
    Outcome::Done
}

fn get_providers(_: &GetProvidersReq, r: &mut GetProvidersResp, cx: &mut Ctx<'_>) -> Outcome {
    r.providers = list(cx.store.providers.clone(), cx.settings);
    Outcome::Done
}

fn get_practices(_: &GetPracticesReq, r: &mut GetPracticesResp, cx: &mut Ctx<'_>) -> Outcome {
    r.practices = list(cx.store.practices.clone(), cx.settings);
    Outcome::Done
}

fn get_service_locations(_: &GetServiceLocationsReq, r: &mut GetServiceLocationsResp, cx: &mut Ctx<'_>) -> Outcome {
    r.service_locations = list(cx.store.service_locations.clone(), cx.settings);
    Outcome::Done
}

fn get_throttles(_: &GetThrottlesReq, r: &mut GetThrottlesResp, cx: &mut Ctx<'_>) -> Outcome {
    let details = cx
        .throttles
        .iter()
        .map(|(op, interval)| {
            ThrottleDetail::new()
                .endpoint(*op)
                .throttle_time_ms(interval.as_millis() as f64)
        })
        .collect();
    r.throttle_details = Nillable::Value(details);
    Outcome::Done
}

fn get_customer_id(_: &GetCustomerIdFromKeyRequest, r: &mut GetCustomerIdFromKeyResp, cx: &mut Ctx<'_>) -> Outcome {
    r.is_authorized = Some(cx.authorized);
    r.customer_id = cx.authorized.then_some(crate::server::CUSTOMER_ID);
    Outcome::Done
}

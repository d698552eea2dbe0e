//! What the mock holds: the records reads return and writes change.

use kareo_sdk::types::*;
use kareo_sdk::values::chrono::Datelike;
use kareo_sdk::values::NaiveDate;
use kareo_sdk::xml::Nillable;

use crate::forms::{money, Moment};

/// Most records of one kind the mock holds; a create beyond it is answered with an error.
pub const MAX_RECORDS: usize = 1_000_000;

/// An encounter the mock created (what `UpdateEncounterStatus` changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encounter {
    /// `EncounterID`.
    pub id: i32,
    /// The patient it is for, when the request named one.
    pub patient_id: Option<i32>,
    /// Its status (`Draft`, `Review`, `Approved`, ...).
    pub status: String,
}

/// An external ID a patient was given (`UpdatePatientsExternalID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExternalId {
    pub patient_id: i32,
    pub vendor_id: Option<i32>,
    pub external_id: String,
}

/// The mock's records.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub patients: Vec<PatientData>,
    pub external_ids: Vec<ExternalId>,
    pub appointments: Vec<AppointmentCreate>,
    pub charges: Vec<ChargeData>,
    pub payments: Vec<PaymentData>,
    pub encounters: Vec<Encounter>,
    pub documents: Vec<Document>,
    pub vendors: Vec<ExternalVendorData>,
    pub providers: Vec<ProviderData>,
    pub practices: Vec<PracticeData>,
    pub service_locations: Vec<ServiceLocationData>,
    next_id: i64,
    /// The patients with a numeric ID, as (ID, index in `patients`) sorted by ID, for
    /// `GetAllPatients`; `None` until needed again after a change that is not an append in
    /// ID order.
    patient_order: Option<Vec<(i64, usize)>>,
}

pub(crate) fn s(v: impl Into<String>) -> Nillable<String> {
    Nillable::Value(v.into())
}

/// The text of a string member, empty when unset.
pub(crate) fn text(v: &Nillable<String>) -> &str {
    v.value().map_or("", String::as_str)
}

impl Store {
    pub(crate) fn new() -> Self {
        Store {
            next_id: 50_000,
            ..Store::default()
        }
    }

    /// A new record ID.
    pub(crate) fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// An ID for a record that came without one, or the one it has.
    fn id_or_next(&mut self, id: &Nillable<String>) -> String {
        match id.value().filter(|v| !v.is_empty()) {
            Some(v) => v.clone(),
            None => self.next_id().to_string(),
        }
    }

    pub(crate) fn add_patient(&mut self, mut p: PatientData) -> String {
        let id = self.id_or_next(&p.id);
        p.id = s(id.clone());
        if p.patient_full_name.is_absent() {
            p.patient_full_name = s(full_name(&[
                text(&p.first_name),
                text(&p.middle_name),
                text(&p.last_name),
            ]));
        }
        let now = Moment::now().date_time_form();
        if p.created_date.is_absent() {
            p.created_date = s(now.clone());
        }
        if p.last_modified_date.is_absent() {
            p.last_modified_date = s(now);
        }
        let numeric = id.parse::<i64>().ok();
        match (&mut self.patient_order, numeric) {
            // Appended in ID order (as seeded patients are): the order stays valid.
            (Some(order), Some(n)) if order.last().is_none_or(|(last, _)| *last <= n) => {
                order.push((n, self.patients.len()))
            }
            (Some(_), Some(_)) => self.patient_order = None,
            _ => {}
        }
        self.patients.push(p);
        id
    }

    /// Drops every patient.
    pub(crate) fn clear_patients(&mut self) {
        self.patients.clear();
        self.patient_order = Some(Vec::new());
    }

    /// The patients with a numeric ID as (ID, index in the patients, also returned), sorted
    /// by ID (a stable sort: patients sharing an ID keep the order they were added in). Built
    /// once after a change, then kept: a call reads a batch without sorting every patient.
    pub(crate) fn patients_by_id(&mut self) -> (&[(i64, usize)], &[PatientData]) {
        let patients = &self.patients;
        let order = self.patient_order.get_or_insert_with(|| {
            let mut order: Vec<(i64, usize)> = patients
                .iter()
                .enumerate()
                .filter_map(|(i, p)| Some((text(&p.id).parse::<i64>().ok()?, i)))
                .collect();
            order.sort_by_key(|(id, _)| *id);
            order
        });
        (order, patients)
    }

    pub(crate) fn add_appointment(&mut self, mut a: AppointmentCreate) -> i64 {
        let id = match a.appointment_id {
            Some(id) if id > 0 => id,
            _ => self.next_id(),
        };
        a.appointment_id = Some(id);
        if a.created_at.is_absent() {
            a.created_at = Moment::now().date_time().map_or(Nillable::Absent, Nillable::Value);
        }
        self.appointments.push(a);
        id
    }

    pub(crate) fn add_charge(&mut self, mut c: ChargeData) -> String {
        let id = self.id_or_next(&c.id);
        c.id = s(id.clone());
        self.charges.push(c);
        id
    }

    pub(crate) fn add_payment(&mut self, mut p: PaymentData) -> String {
        let id = self.id_or_next(&p.id);
        p.id = s(id.clone());
        self.payments.push(p);
        id
    }

    pub(crate) fn patient(&self, id: &str) -> Option<&PatientData> {
        self.patients.iter().find(|p| text(&p.id) == id)
    }

    pub(crate) fn patient_mut(&mut self, id: &str) -> Option<&mut PatientData> {
        self.patients.iter_mut().find(|p| text(&p.id) == id)
    }

    /// The demo practice, provider and service location every mock starts with (invented).
    pub(crate) fn seed_directory(&mut self) {
        self.practices.push(PracticeData {
            id: s("1"),
            practice_name: s("Mock Practice"),
            active: s("True"),
            practice_city: s("Exampleville"),
            ..PracticeData::default()
        });
        self.providers.push(ProviderData {
            id: s("7"),
            first_name: s("Doctor"),
            last_name: s("Mockprovider"),
            full_name: s("Doctor Mockprovider, MD"),
            active: s("True"),
            practice_id: s("1"),
            practice_name: s("Mock Practice"),
            ..ProviderData::default()
        });
        self.service_locations.push(ServiceLocationData {
            id: s("3"),
            name: s("Mock Clinic"),
            practice_id: s("1"),
            practice_name: s("Mock Practice"),
            city: s("Exampleville"),
            ..ServiceLocationData::default()
        });
    }
}

/// Names joined by one space, empty parts left out.
pub(crate) fn full_name(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Demo data: invented, obviously fake records.

const FIRST_NAMES: [&str; 8] = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"];
const LAST_NAMES: [&str; 4] = ["Testpatient", "Mockperson", "Sampleton", "Fakerson"];

/// Demo patient number `i` (ID `100000 + i`): NATO-alphabet first names, `Testpatient`-like
/// last names, `example.invalid` addresses, 555-01xx phones.
pub fn fake_patient(i: usize) -> PatientData {
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()];
    PatientData {
        id: s((100_000 + i).to_string()),
        first_name: s(first),
        last_name: s(last),
        middle_name: s("Q"),
        patient_full_name: s(format!("{first} Q {last}")),
        dob: s(format!("{}/{}/1970", 1 + i % 12, 1 + i % 28)),
        gender: s(if i.is_multiple_of(2) { "Female" } else { "Male" }),
        address_line1: s(format!("{} Test Street", 100 + i)),
        city: s("Exampleville"),
        state: s("CA"),
        zip_code: s("00000"),
        country: s("USA"),
        home_phone: s(format!("555-01{:02}", i % 100)),
        mobile_phone: s("555-0199"),
        email_address: s(format!(
            "{}.{}{i}@example.invalid",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        medical_record_number: s(format!("MOCK-MRN-{i:06}")),
        practice_id: s("1"),
        practice_name: s("Mock Practice"),
        default_rendering_provider_full_name: s("Doctor Mockprovider"),
        default_rendering_provider_id: s("7"),
        default_service_location_id: s("3"),
        default_service_location_name: s("Mock Clinic"),
        created_date: s("1/2/2020 9:30:00 AM"),
        last_modified_date: s("3/4/2021 4:05:00 PM"),
        patient_balance: s("0.0000"),
        insurance_balance: s("12.5000"),
        total_balance: s("12.5000"),
        ..PatientData::default()
    }
}

/// Demo patient number `i` as `GetAllPatients` lists it.
pub fn fake_batch_patient(i: usize) -> PatientBatchData {
    batch_of(&fake_patient(i))
}

/// A patient as `GetAllPatients` lists it.
pub(crate) fn batch_of(p: &PatientData) -> PatientBatchData {
    let p = p.clone();
    PatientBatchData {
        id: p.id,
        first_name: p.first_name,
        last_name: p.last_name,
        middle_name: p.middle_name,
        dob: p.dob,
        gender: p.gender,
        address_line1: p.address_line1,
        city: p.city,
        state: p.state,
        zip_code: p.zip_code,
        home_phone: p.home_phone,
        email_address: p.email_address,
        medical_record_number: p.medical_record_number,
        ..PatientBatchData::default()
    }
}

/// Demo charge number `i`, posted on `posted`: for demo patient `i % 1000` (its name), one
/// unit of procedure `99213`, an amount from `50.0000` to `174.7500`, dates in the service's
/// forms (`6/2/2026`). Its `ID` is left empty: the mock gives each charge a new one when it is
/// added ([`MockKareo::add_charge`](crate::MockKareo::add_charge),
/// [`MockKareo::set_charge_count`](crate::MockKareo::set_charge_count)).
pub fn fake_charge(i: usize, posted: NaiveDate) -> ChargeData {
    let day = Moment::civil(posted.year(), posted.month() as u8, posted.day() as u8, 0, 0, 0);
    let patient = i % 1000;
    let first = FIRST_NAMES[patient % FIRST_NAMES.len()];
    let last = LAST_NAMES[(patient / FIRST_NAMES.len()) % LAST_NAMES.len()];
    let cents = 5_000 + (i % 100) as i64 * 125;
    let at_nine = Moment(day.0 + 9 * 3600).date_time_form();
    ChargeData {
        patient_id: s((100_000 + patient).to_string()),
        patient_first_name: s(first),
        patient_middle_name: s("Q"),
        patient_last_name: s(last),
        patient_name: s(format!("{first} Q {last}")),
        encounter_id: s((600_000 + i).to_string()),
        encounter_status: s("Approved"),
        status: s("Pending"),
        posting_date: s(day.date_form()),
        service_start_date: s(day.date_form()),
        service_end_date: s(day.date_form()),
        created_date: s(at_nine.clone()),
        last_modified_date: s(at_nine),
        procedure_code: s("99213"),
        procedure_name: s("Office visit (invented)"),
        units: s("1.0000"),
        unit_charge: s(money(cents)),
        total_charges: s(money(cents)),
        total_balance: s(money(cents)),
        practice_id: s("1"),
        practice_name: s("Mock Practice"),
        rendering_provider_id: s("7"),
        rendering_provider_name: s("Doctor Mockprovider"),
        service_location_id: s("3"),
        service_location_name: s("Mock Clinic"),
        ..ChargeData::default()
    }
}

/// Demo appointment number `i`, for demo patient `i`.
pub fn fake_appointment(i: usize) -> AppointmentCreate {
    let day = 1 + (i % 28) as u8;
    let at = |h| Moment::civil(2024, 5, day, h, 0, 0).date_time();
    AppointmentCreate {
        appointment_id: Some(700_000 + i as i64),
        appointment_name: s("Mock checkup"),
        appointment_status: AppointmentStatus::from("Scheduled"),
        appointment_type: AppointmentType::from("P"),
        start_time: at(9).unwrap_or_else(kareo_sdk::xml::Sample::sample),
        end_time: Moment::civil(2024, 5, day, 9, 30, 0)
            .date_time()
            .unwrap_or_else(kareo_sdk::xml::Sample::sample),
        is_recurring: false,
        practice_id: 1,
        provider_id: Some(7),
        service_location_id: 3,
        patient_summary: Nillable::Value(PatientSummary {
            patient_id: Some(100_000 + i as i64),
            ..PatientSummary::default()
        }),
        notes: s("Invented demo appointment"),
        // Required members sampled, optional ones unset.
        ..kareo_sdk::xml::Sample::sample_at(0)
    }
}

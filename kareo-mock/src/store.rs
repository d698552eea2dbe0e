//! What the mock holds: the records reads return and writes change.

use kareo_sdk::ids::*;
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

    /// A new identifier in Kareo's 32-bit range.
    pub(crate) fn next_id32(&mut self) -> i32 {
        i32::try_from(self.next_id()).unwrap_or(i32::MAX)
    }

    /// The record's ID when it has one Kareo could have issued (a positive 32-bit integer);
    /// otherwise (none, blank, or text no Kareo ID reads as) a new one.
    fn id_or_next(&mut self, id: &Nillable<String>) -> i32 {
        match id.value().and_then(|v| v.trim().parse::<i32>().ok()).filter(|v| *v > 0) {
            Some(v) => v,
            None => self.next_id32(),
        }
    }

    pub(crate) fn add_patient(&mut self, mut p: PatientData) -> i32 {
        let id = self.id_or_next(&p.id);
        p.id = s(id.to_string());
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
        let n = i64::from(id);
        match &mut self.patient_order {
            // Appended in ID order (as seeded patients are): the order stays valid.
            Some(order) if order.last().is_none_or(|(last, _)| *last <= n) => order.push((n, self.patients.len())),
            Some(_) => self.patient_order = None,
            None => {}
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

    pub(crate) fn add_appointment(&mut self, mut a: AppointmentCreate) -> i32 {
        let id = match a.appointment_id.and_then(|id| i32::try_from(id).ok()) {
            Some(id) if id > 0 => id,
            _ => self.next_id32(),
        };
        a.appointment_id = Some(i64::from(id));
        if a.created_at.is_absent() {
            a.created_at = Moment::now().date_time().map_or(Nillable::Absent, Nillable::Value);
        }
        self.appointments.push(a);
        id
    }

    pub(crate) fn add_charge(&mut self, mut c: ChargeData) -> i32 {
        let id = self.id_or_next(&c.id);
        c.id = s(id.to_string());
        self.charges.push(c);
        id
    }

    pub(crate) fn add_payment(&mut self, mut p: PaymentData) -> i32 {
        let id = self.id_or_next(&p.id);
        p.id = s(id.to_string());
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
        // `Active` as the service spells it: `True` (a `KareoFlag` from a bool writes `true`).
        let mut practice = PracticeData::new()
            .id(PracticeId::new(1))
            .practice_name("Mock Practice")
            .practice_city("Exampleville");
        practice.active = s("True");
        self.practices.push(practice);
        let mut provider = ProviderData::new()
            .id(ProviderId::new(7))
            .first_name("Doctor")
            .last_name("Mockprovider")
            .full_name("Doctor Mockprovider, MD")
            .practice_id(PracticeId::new(1))
            .practice_name("Mock Practice");
        provider.active = s("True");
        self.providers.push(provider);
        self.service_locations.push(
            ServiceLocationData::new()
                .id(ServiceLocationId::new(3))
                .name("Mock Clinic")
                .practice_id(PracticeId::new(1))
                .practice_name("Mock Practice")
                .city("Exampleville"),
        );
    }
}

/// Demo record `i`'s identifier: `base + i`, held at `i32::MAX` beyond Kareo's 32-bit range
/// (no demo data set comes near it).
fn demo_id(base: i32, i: usize) -> i32 {
    i32::try_from(i)
        .ok()
        .and_then(|i| base.checked_add(i))
        .unwrap_or(i32::MAX)
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
    let mut p = PatientData::new()
        .id(PatientId::new(demo_id(100_000, i)))
        .first_name(first)
        .last_name(last)
        .middle_name("Q")
        .patient_full_name(format!("{first} Q {last}"))
        .gender(if i.is_multiple_of(2) { "Female" } else { "Male" })
        .address_line1(format!("{} Test Street", 100 + i))
        .city("Exampleville")
        .state("CA")
        .zip_code("00000")
        .country("USA")
        .home_phone(format!("555-01{:02}", i % 100))
        .mobile_phone("555-0199")
        .email_address(format!(
            "{}.{}{i}@example.invalid",
            first.to_lowercase(),
            last.to_lowercase()
        ))
        .medical_record_number(format!("MOCK-MRN-{i:06}"))
        .practice_id(PracticeId::new(1))
        .practice_name("Mock Practice")
        .default_rendering_provider_full_name("Doctor Mockprovider")
        .default_rendering_provider_id(ProviderId::new(7))
        .default_service_location_id(ServiceLocationId::new(3))
        .default_service_location_name("Mock Clinic");
    // Dates and money as text in the service's forms: plainer here than chrono values and
    // scale-4 `Decimal`s, and the same on the wire.
    p.dob = s(format!("{}/{}/1970", 1 + i % 12, 1 + i % 28));
    p.created_date = s("1/2/2020 9:30:00 AM");
    p.last_modified_date = s("3/4/2021 4:05:00 PM");
    p.patient_balance = s("0.0000");
    p.insurance_balance = s("12.5000");
    p.total_balance = s("12.5000");
    p
}

/// Demo patient number `i` as `GetAllPatients` lists it.
pub fn fake_batch_patient(i: usize) -> PatientBatchData {
    batch_of(&fake_patient(i))
}

/// A patient as `GetAllPatients` lists it.
pub(crate) fn batch_of(p: &PatientData) -> PatientBatchData {
    let p = p.clone();
    // The members as they are: absent, nil or text.
    let mut b = PatientBatchData::new();
    b.id = p.id;
    b.first_name = p.first_name;
    b.last_name = p.last_name;
    b.middle_name = p.middle_name;
    b.dob = p.dob;
    b.gender = p.gender;
    b.address_line1 = p.address_line1;
    b.city = p.city;
    b.state = p.state;
    b.zip_code = p.zip_code;
    b.home_phone = p.home_phone;
    b.email_address = p.email_address;
    b.medical_record_number = p.medical_record_number;
    b
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
    let mut c = ChargeData::new()
        .patient_id(PatientId::new(demo_id(100_000, patient)))
        .patient_first_name(first)
        .patient_middle_name("Q")
        .patient_last_name(last)
        .patient_name(format!("{first} Q {last}"))
        .encounter_id(EncounterId::new(demo_id(600_000, i)))
        .encounter_status("Approved")
        .status("Pending")
        .procedure_code("99213")
        .procedure_name("Office visit (invented)")
        .units("1.0000")
        .practice_id(PracticeId::new(1))
        .practice_name("Mock Practice")
        .rendering_provider_id(ProviderId::new(7))
        .rendering_provider_name("Doctor Mockprovider")
        .service_location_id(ServiceLocationId::new(3))
        .service_location_name("Mock Clinic");
    // Dates and money in the mock's forms (`forms`).
    c.posting_date = s(day.date_form());
    c.service_start_date = s(day.date_form());
    c.service_end_date = s(day.date_form());
    c.created_date = s(at_nine.clone());
    c.last_modified_date = s(at_nine);
    c.unit_charge = s(money(cents));
    c.total_charges = s(money(cents));
    c.total_balance = s(money(cents));
    c
}

/// Demo appointment number `i`, for demo patient `i`.
pub fn fake_appointment(i: usize) -> AppointmentCreate {
    let day = 1 + (i % 28) as u8;
    let at = |h| Moment::civil(2024, 5, day, h, 0, 0).date_time();
    let start = at(9).unwrap_or_else(kareo_sdk::xml::Sample::sample);
    let end = Moment::civil(2024, 5, day, 9, 30, 0)
        .date_time()
        .unwrap_or_else(kareo_sdk::xml::Sample::sample);
    AppointmentCreate::new(AppointmentCreateRequired {
        appointment_status: AppointmentStatus::from("Scheduled"),
        appointment_type: AppointmentType::from("P"),
        start_time: start,
        end_time: end,
        is_recurring: false,
        practice_id: PracticeId::new(1),
        service_location_id: ServiceLocationId::new(3),
    })
    .appointment_id(AppointmentId::new(demo_id(700_000, i)))
    .appointment_name("Mock checkup")
    .provider_id(ProviderId::new(7))
    .patient_summary(PatientSummary::new().patient_id(PatientId::new(demo_id(100_000, i))))
    .notes("Invented demo appointment")
}

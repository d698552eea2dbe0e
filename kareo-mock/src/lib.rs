//! A faithful local Kareo (Tebra) SOAP service, for testing code that uses
//! [`kareo-sdk`](kareo_sdk) without an account.
//!
//! [`MockKareo::start`] binds loopback in one line; give a [`KareoClient`](kareo_sdk::KareoClient)
//! its [`endpoint`](MockKareo::endpoint) and [`credentials`](MockKareo::credentials), seed it
//! with your own invented records, and call it as you would call the service:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kareo_mock::{MockKareo, Settings};
//! use kareo_sdk::types::{GetPatientsReq, PatientCreate, PatientFilter};
//! use kareo_sdk::KareoClient;
//!
//! let mock = MockKareo::builder().settings(Settings::default().throttles(false)).empty().start().await?;
//! let client = KareoClient::builder(mock.credentials()).endpoint(mock.endpoint()).build()?;
//!
//! let created = client
//!     .create_patient(PatientCreate::new().first_name("Juliet").last_name("Inventedson"))
//!     .await?;
//! let patient_id = created.id()?; // a kareo_sdk::ids::PatientId
//!
//! let query = GetPatientsReq::new().filter(PatientFilter::new().last_name("Inventedson"));
//! let found = client.get_patients(query).await?;
//! assert_eq!(found.patients.value().map(Vec::len), Some(1));
//! let listed = &found.patients.value().expect("one patient")[0];
//! assert_eq!(listed.id_value()?, Some(patient_id));
//! assert_eq!(mock.ignored_members(), 0, "nothing the client sent was lost");
//! # Ok(())
//! # }
//! ```
//!
//! # Stateful
//!
//! Writes change what reads return. The mock models these operations:
//!
//! | operation | what it does |
//! | --- | --- |
//! | `CreatePatient`, `UpdatePatient` | adds / changes a patient (members left absent are kept, nil ones cleared) |
//! | `GetPatient` | by `PatientID`, or by the external ID `UpdatePatientsExternalID` set |
//! | `GetPatients` | names, gender, practice, SSN, date of birth (`ToDateOfBirth` exclusive), created and last-modified ranges |
//! | `GetAllPatients` | batches of `BatchSize` (at most 1,000) from `StartKey`, with the next key ([paging](#paging)) |
//! | `UpdatePatientsExternalID` | gives patients external IDs (kept to 25 characters, as the service does) |
//! | `CreateAppointment`, `UpdateAppointment`, `DeleteAppointment`, `GetAppointment` | the appointment store |
//! | `GetAppointments` | start/end date, patient, status, location, type, created and last-modified ranges |
//! | `CreateEncounter` | an encounter, and one charge per service line |
//! | `UpdateEncounterStatus` | the encounter's status, and its charges' |
//! | `GetCharges` | posting, service, created and last-modified ranges, patient name, procedure code, status |
//! | `CreatePayment`, `GetPayments` | the payment store |
//! | `CreateDocument`, `DeleteDocument` | the document store |
//! | `RegisterExternalVendor`, `GetExternalVendors` | the vendor store |
//! | `GetProviders`, `GetPractices`, `GetServiceLocations` | the seeded directory (filters not applied) |
//! | `GetThrottles` | the mock's throttle table ([`MockKareo::throttle_table`]) |
//! | `GetCustomerIdFromKey` | the account's customer ID when the credentials are right |
//!
//! Every other operation of the contract (`GetTransactions`, `GetProcedureCodes`,
//! `GetEncounterDetails`) answers a schema-valid sample with every member set, generated from
//! the schema ([`kareo_sdk::xml::Sample`]). [`MODELLED`] lists the modelled ones.
//!
//! Records read back in the service's forms: dates `6/2/2026`, date-times
//! `9/23/2026 1:00:00 PM`, money `1200.0000`, flags `True`.
//!
//! # Faithful where integrations break
//!
//! Each behaviour is on by default and switched off in [`Settings`]:
//!
//! - **throttles**: the vendor's published one-call-per-interval limits; a call too soon (a gap
//!   of exactly the interval included) gets HTTP 200 with `ErrorResponse.IsError = true` and the
//!   service's message (`429: GetPatients endpoint requested more than allowed over time interval
//!   1000 milliseconds. Please wait to try again.`);
//! - **date windows**: every windowed operation of the SDK's contract (today `GetCharges`,
//!   `Filter/FromPostingDate`..`Filter/ToPostingDate`, and `GetAppointments`,
//!   `Filter/StartDate`..`Filter/EndDate`, 60 days each) answers a range over its window with
//!   a validation error ([`windows`], [date windows](#date-windows));
//! - **placeholders**: a list read that matches nothing answers one empty record;
//! - **missing `Filter`**: the null-reference fault WCF gives (HTTP 500);
//! - **strict order**: members out of sequence order or in the wrong namespace are ignored, as
//!   WCF's `DataContractSerializer` ignores them, and counted ([`MockKareo::ignored_members`],
//!   [`MockKareo::requests_log`], the [`IGNORED_MEMBERS_HEADER`] of each answer);
//! - **`SOAPAction`**: one that names no operation gets WCF's `ActionNotSupported` fault (HTTP 500);
//! - **credentials**: wrong ones get HTTP 200 with a failed `SecurityResponse`.
//!
//! # Date windows
//!
//! The windows come from the SDK's contract data ([`kareo_sdk::xml::DateWindow`], one per
//! operation `kareo_sdk::for_each_date_window_operation!` lists), not from names in the mock:
//! [`windows::all`] lists them. A range spans its days with both ends counted (`1/1/2026` to
//! `3/1/2026` is 60 days and is answered; to `3/2/2026` is 61 and is not). Both ends are
//! inclusive days when filtering: a record on the last day of one window and the first day of
//! the next is in both answers, as the SDK's [`export`](kareo_sdk::KareoClient::export)
//! expects (it starts each window on the day the last one ended and delivers such a record once).
//! Filter dates are read in the forms clients send: `6/2/2026`, `6/2/2026 12:00:00 AM`,
//! `2026-06-02` and ISO 8601 date-times.
//!
//! # Paging
//!
//! `GetAllPatients` pages as the service does: patients in ID order; a batch starts *at*
//! `StartKey` (the first patient whose ID is `StartKey` or more); it holds at most `BatchSize`
//! patients (none given: 1,000; more than 1,000: 1,000); `Key/nextStartKey` is the ID of the
//! first patient after the batch (send it back as the next `StartKey`) and is nil on the last
//! batch, including a last batch that is exactly full. 2,500 patients are 3 calls of 1,000,
//! 1,000 and 500, each patient exactly once.
//!
//! # Bulk data and fast throttles
//!
//! [`MockKareo::set_patient_count`] and [`MockKareo::set_charge_count`] fill the mock with
//! invented records ([`fake_patient`], [`fake_charge`]) for exports and benchmarks: 100,000
//! patients or "a year of 50,000 charges" (spread evenly over the posting days). Reads stay
//! linear in what the mock holds (`GetAllPatients` reads its batch from a kept ID order), and
//! the default [`Bounds`] (1,000,000 requests, 100,000 connections, 30 minutes) do not stop a
//! long export: 200 or 2,000 requests in one mock are fine.
//!
//! The throttles stay the published ones unless changed: [`MockKareo::set_throttle_intervals`]
//! gives every limited operation one interval (50 ms for a benchmark whose client spaces its
//! calls a little more), [`MockKareo::scale_throttles`] multiplies the table (`0.01`: 5 s
//! becomes 50 ms), [`MockKareo::set_throttle`] sets one operation's.
//!
//! # Fault injection
//!
//! [`Rule`]s apply a [`Behavior`] (slow answers, HTML error pages, truncated bodies, resets,
//! faults, throttling, ...) to the next matching calls; [`MockKareo::script`] plays a sequence
//! for one operation ("the next 2 calls to `GetCharges` are throttled, then normal").
//!
//! [`MockKareo::serve_lists`] sends list answers generated while they are sent
//! ([`list_body::ListBody`]): any number of records, paced, or cut short. A cut is exact:
//! [`ListBody::cut_after`](list_body::ListBody::cut_after)`(n)` sends the head (its
//! `Content-Length` the whole answer's), every byte up to the end of record `n`, the first
//! half of record `n + 1`, and closes the connection, so a client reads exactly `n` whole
//! records and then a transport error, every time ([the contract](list_body#a-cut-body-exactly)).
//!
//! # Bounded
//!
//! The mock binds `127.0.0.1` only, and is bounded in requests, connections, body size and
//! lifetime ([`Bounds`]); it stops, with all its connections, when the [`MockKareo`] is dropped.
//! Its records are what you give it: keep them invented (no real patient data).

#![warn(missing_docs)]

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod faults;
mod forms;
pub mod list_body;
mod model;
mod server;
mod settings;
mod store;
mod throttle;
pub mod windows;

pub use faults::{Behavior, Rule, Step};
pub use model::MODELLED;
pub use server::{
    Builder, MockKareo, RequestRecord, CUSTOMER_ID, ENDPOINT_PATH, IGNORED_MEMBERS_HEADER, MOCK_CUSTOMER_KEY,
    MOCK_PASSWORD, MOCK_USER,
};
pub use settings::{Bounds, Settings};
pub use store::{fake_appointment, fake_batch_patient, fake_charge, fake_patient, Encounter, MAX_RECORDS};
pub use throttle::over_limit_message;

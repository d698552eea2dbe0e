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
//! use kareo_sdk::types::{CreatePatientReq, GetPatientsReq, PatientCreate};
//! use kareo_sdk::KareoClient;
//!
//! let mock = MockKareo::builder().settings(Settings::default().throttles(false)).empty().start().await?;
//! let client = KareoClient::builder(mock.credentials()).endpoint(mock.endpoint()).build()?;
//!
//! let created = client
//!     .create_patient(CreatePatientReq {
//!         patient: Some(PatientCreate {
//!             first_name: "Juliet".to_owned().into(),
//!             last_name: "Inventedson".to_owned().into(),
//!             ..PatientCreate::default()
//!         }),
//!         ..CreatePatientReq::default()
//!     })
//!     .await?;
//! assert!(created.patient_id.value().is_some());
//!
//! let mut query = GetPatientsReq::default();
//! query.filter.last_name = "Inventedson".to_owned().into();
//! let found = client.get_patients(query).await?;
//! assert_eq!(found.patients.value().map(Vec::len), Some(1));
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
//! | `GetAllPatients` | batches of `BatchSize` (at most 1,000) from `StartKey`, with the next key |
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
//! - **date windows**: a `GetCharges` posting-date range (or a `GetAppointments` range) over 60
//!   days is answered with a validation error ([`windows`]);
//! - **placeholders**: a list read that matches nothing answers one empty record;
//! - **missing `Filter`**: the null-reference fault WCF gives (HTTP 500);
//! - **strict order**: members out of sequence order or in the wrong namespace are ignored, as
//!   WCF's `DataContractSerializer` ignores them, and counted ([`MockKareo::ignored_members`],
//!   [`MockKareo::requests_log`], the [`IGNORED_MEMBERS_HEADER`] of each answer);
//! - **`SOAPAction`**: one that names no operation gets WCF's `ActionNotSupported` fault (HTTP 500);
//! - **credentials**: wrong ones get HTTP 200 with a failed `SecurityResponse`.
//!
//! # Fault injection
//!
//! [`Rule`]s apply a [`Behavior`] (slow answers, HTML error pages, truncated bodies, resets,
//! faults, throttling, ...) to the next matching calls; [`MockKareo::script`] plays a sequence
//! for one operation ("the next 2 calls to `GetCharges` are throttled, then normal").
//!
//! # Bounded
//!
//! The mock binds `127.0.0.1` only, and is bounded in requests, connections, body size and
//! lifetime ([`Bounds`]); it stops, with all its connections, when the [`MockKareo`] is dropped.
//! Its records are what you give it: keep them invented (no real patient data).

#![warn(missing_docs)]

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

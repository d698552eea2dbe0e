//! The `serde` feature on the real contract's types: JSON snapshots of representative records
//! (full, nil, absent, an unlisted enum value, bytes, floats, decimals and date-times), a
//! round trip through JSON of every operation's schema samples in both directions, and
//! property tests of the shapes JSON must keep apart.

use std::collections::HashMap;
use std::fmt::Debug;

use kareo_sdk::envelope::{self, Response};
use kareo_sdk::ids::PracticeId;
use kareo_sdk::operations::{CreatePatient, GetPatients};
use kareo_sdk::types::{
    CreatePatientReq, DocumentCreateRequest, GenderCode, PatientCreate, PatientData, RequestHeader, ServiceLineReq,
};
use kareo_sdk::xml::{
    Base64Binary, CredentialSource, Credentialed, DateTime, Decimal, Decode, DecodeErrorKind, Limits, MessageDecode,
    Nillable, Operation,
};
use kareo_tests::schema::{self, Direction, Fill};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| panic!("{e}"))
}

/// The first patient of the `GetPatients` response sample in `fill`.
fn sample_patient(fill: Fill) -> PatientData {
    let doc = schema::sample_envelope(schema::operation("GetPatients"), Direction::Response, fill);
    let (response, _) = envelope::read_response::<GetPatients>(doc.as_bytes(), Limits::default()).expect("sample");
    let Response::Result(r) = response else {
        panic!("the sample is a result")
    };
    r.patients
        .into_value()
        .and_then(|p| p.into_iter().next())
        .expect("a patient")
}

fn json_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(v: &T) -> String {
    let text = serde_json::to_string(v).unwrap_or_else(|e| panic!("{e}"));
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, v, "{text}");
    text
}

#[test]
fn a_full_record_has_every_member_under_its_schema_name() {
    let p = sample_patient(Fill::Full);
    json_round_trip(&p);
    insta::assert_snapshot!("patient_full", pretty(&p));
}

#[test]
fn a_nil_record_is_nulls_and_an_absent_one_is_empty() {
    // Every member of the full record, as null.
    let Value::Object(full) = serde_json::to_value(sample_patient(Fill::Full)).expect("json") else {
        panic!("a record is an object")
    };
    let nulls: serde_json::Map<String, Value> = full.keys().map(|k| (k.clone(), Value::Null)).collect();
    let nil: PatientData = serde_json::from_value(Value::Object(nulls.clone())).expect("read");
    assert_eq!(nil.first_name, Nillable::Nil);
    assert_eq!(nil.cases, Nillable::Nil);
    assert_eq!(serde_json::to_value(&nil).expect("json"), Value::Object(nulls));
    json_round_trip(&nil);
    insta::assert_snapshot!("patient_nil", pretty(&nil));
    // On the wire too: every member is sent as nil.
    let response = kareo_sdk::types::GetPatientsResp::new().patients(vec![nil.clone()]);
    let doc = envelope::write_response::<GetPatients>(&response).expect("write");
    assert_eq!(doc.matches("i:nil=\"true\"").count(), full.len(), "{doc}");

    let absent: PatientData = serde_json::from_str("{}").expect("every member of PatientData is optional");
    assert_eq!(absent, PatientData::default());
    assert_eq!(json_round_trip(&absent), "{}");
}

#[test]
fn unlisted_enum_values_bytes_floats_and_date_times_keep_their_values() {
    let mut patient = PatientCreate::new()
        .first_name("Alpha")
        .gender(GenderCode::Unlisted("Nonbinary".into()))
        .dateof_birth("1970-01-02T00:00:00".parse::<DateTime>().expect("dateTime"));
    patient.last_name = Nillable::Nil;
    let text = json_round_trip(&patient);
    assert!(text.contains(r#""Gender":"Nonbinary""#), "{text}");
    let read: PatientCreate = serde_json::from_str(&text).expect("read back");
    assert_eq!(read.gender, Nillable::Value(GenderCode::Unlisted("Nonbinary".into())));

    let document = DocumentCreateRequest::new(PracticeId::new(1))
        .document_date(
            "2026-06-02T09:30:00.1230000-05:00"
                .parse::<DateTime>()
                .expect("dateTime"),
        )
        .file_content(Base64Binary(b"%PDF-1.4\n\x00\xff invented".to_vec()))
        .file_name("letter.pdf");
    json_round_trip(&document);

    let line = ServiceLineReq::new().unit_charge(1200.5).units(f64::INFINITY);
    let text = serde_json::to_string(&line).expect("json");
    let back: ServiceLineReq = serde_json::from_str(&text).expect("read back");
    assert_eq!(
        (back.unit_charge, back.units),
        (Some(1200.5), Some(f64::INFINITY)),
        "{text}"
    );

    let decimals: Vec<Decimal> = ["1200.00", "1200.0000", "-0.5", "12345678901234567890.123456789"]
        .iter()
        .map(|s| s.parse().expect("decimal"))
        .collect();
    json_round_trip(&decimals);
    let times: Vec<DateTime> = [
        "2021-10-05T13:45:10Z",
        "2021-10-05T13:45:10+00:00",
        "2021-10-05T13:45:10",
    ]
    .iter()
    .map(|s| s.parse().expect("dateTime"))
    .collect();
    json_round_trip(&times);
    // Each as serialized (members in wire order), one after the other.
    let shown = [
        pretty(&patient),
        pretty(&document),
        pretty(&line),
        pretty(&decimals),
        pretty(&times),
    ];
    insta::assert_snapshot!("values", shown.join("\n"));
}

#[test]
fn credentials_are_written_masked_and_the_mask_is_refused() {
    let mut request = CreatePatientReq::new().request_header(
        RequestHeader::new()
            .client_version("invented-client 1.0")
            .customer_key("invented-customer-key")
            .password("invented-password")
            .user("invented-user@example.invalid"),
    );
    let text = serde_json::to_string(&request).expect("json");
    assert_eq!(
        text,
        r#"{"RequestHeader":{"ClientVersion":"invented-client 1.0","CustomerKey":"***","Password":"***","User":"***"},"Patient":null}"#
    );
    let e = serde_json::from_str::<CreatePatientReq>(&text).expect_err("the mask is not a credential");
    assert!(e.to_string().contains("masked credential"), "{e}");
    request.request_header = Some(RequestHeader::default());
    assert_eq!(json_round_trip(&request), r#"{"RequestHeader":{},"Patient":null}"#);
}

/// The credential values a message holds, as a source to fill them back from.
struct Held(HashMap<&'static str, String>);

impl CredentialSource for Held {
    fn credential(&self, role: &str) -> Option<&str> {
        self.0.get(role).map(String::as_str)
    }
}

/// Every string in a JSON value.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Object(map) => map.values().flat_map(strings).collect(),
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// JSON without the keys whose value is the mask.
fn without_masked(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| v.as_str() != Some("***"));
            map.values_mut().for_each(without_masked);
        }
        Value::Array(items) => items.iter_mut().for_each(without_masked),
        _ => {}
    }
}

/// `O`'s samples in every fill, both directions: read from XML, to JSON and back, equal (a
/// request's secrets, written masked, left out and filled back from what it held), and the same
/// XML when written again.
fn samples_round_trip<O: Operation>()
where
    O::Request: MessageDecode + Serialize + DeserializeOwned + PartialEq + Debug,
    O::Response: Decode + kareo_sdk::xml::Message + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let op = schema::operation(O::INFO.name);
    for fill in [Fill::Full, Fill::Nil, Fill::Absent] {
        let doc = schema::sample_envelope(op, Direction::Response, fill);
        let (response, _) = envelope::read_response::<O>(doc.as_bytes(), Limits::default()).expect("response sample");
        let Response::Result(response) = response else {
            panic!("{}: the sample is a result", O::INFO.name)
        };
        let text = serde_json::to_string(&response).expect("json");
        let back: O::Response = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, response, "{} response {fill:?}", O::INFO.name);
        assert_eq!(
            envelope::write_response::<O>(&back).expect("write"),
            envelope::write_response::<O>(&response).expect("write")
        );

        let doc = schema::sample_envelope(op, Direction::Request, fill);
        // The samples follow the schema alone: a nil `Fields` or `Filter`, which the SDK always
        // sends (an override), is not a request value.
        let request = match envelope::read_request::<O>(doc.as_bytes(), Limits::default()) {
            Ok(request) => request,
            Err(e) if fill != Fill::Full && matches!(e.kind, DecodeErrorKind::UnexpectedNil) => continue,
            Err(e) => panic!("{} request sample {fill:?}: {e}", O::INFO.name),
        };
        let mut held = HashMap::new();
        request.visit_credentials(&mut |role, secret, value| {
            if secret {
                held.insert(role, value.to_owned());
            }
        });
        let mut json = serde_json::to_value(&request).expect("json");
        let text = json.to_string();
        let written = strings(&json);
        for secret in held.values() {
            assert!(
                !written.contains(&secret.as_str()),
                "{} {fill:?}: a secret in {text}",
                O::INFO.name
            );
        }
        without_masked(&mut json);
        let mut back: O::Request = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}: {text}"));
        if !held.is_empty() {
            back.fill_credentials(&Held(held)); // (filling creates a header left unset)
        }
        assert_eq!(back, request, "{} request {fill:?}: {text}", O::INFO.name);
        assert_eq!(
            envelope::write_request::<O>(&back).expect("write"),
            envelope::write_request::<O>(&request).expect("write")
        );
    }
}

macro_rules! round_trip_tests {
    ($(($op:ident, $name:ident, $($types:tt)*)),* $(,)?) => {
        mod samples {
            $( #[test] fn $name() { super::samples_round_trip::<kareo_sdk::operations::$op>(); } )*
        }
    };
}

kareo_sdk::for_each_operation!(round_trip_tests);

/// A member in one of its three states.
fn nillable_text() -> impl Strategy<Value = Nillable<String>> {
    prop_oneof![
        Just(Nillable::Absent),
        Just(Nillable::Nil),
        any::<String>().prop_map(Nillable::Value),
        // Values that look like the other states must not become them.
        prop::sample::select(vec!["", "null", "***", "{}"]).prop_map(|s| Nillable::Value(s.to_owned())),
    ]
}

proptest! {
    #[test]
    fn absent_nil_and_values_round_trip_exactly(
        first in nillable_text(),
        last in nillable_text(),
        email in nillable_text(),
        gender in prop_oneof![
            Just(Nillable::Absent),
            Just(Nillable::Nil),
            any::<String>().prop_map(|s| Nillable::Value(GenderCode::from(s.as_str()))),
        ],
        day in 1u8..=28,
        hour in 0u8..24,
        fraction in 0u32..1_000_000_000,
        digits in 1u8..=9,
    ) {
        // Fractional seconds as written with `digits` digits.
        let step = 10u32.pow(9 - u32::from(digits));
        let born = DateTime::new(1990, 2, day, hour, 0, 0).and_then(|d| d.with_nanos(fraction / step * step, digits));
        // Each member as drawn: absent, nil or set.
        let mut patient = PatientCreate::new();
        patient.first_name = first;
        patient.last_name = last;
        patient.email_address = email;
        patient.gender = gender;
        patient.dateof_birth = born.map_or(Nillable::Nil, Nillable::Value);
        json_round_trip(&patient);
    }

    #[test]
    fn bytes_and_floats_round_trip_exactly(bytes in prop::collection::vec(any::<u8>(), 0..64), x in any::<f64>()) {
        // PracticeID 0, the value the test always sent: only the bytes matter here.
        let document = DocumentCreateRequest::new(PracticeId::new(0)).file_content(Base64Binary(bytes));
        json_round_trip(&document);
        let line = ServiceLineReq::new().unit_charge(x);
        let back: ServiceLineReq = serde_json::from_str(&serde_json::to_string(&line).expect("json")).expect("read back");
        let read = back.unit_charge.expect("set");
        prop_assert!(read.to_bits() == x.to_bits() || (x.is_nan() && read.is_nan()), "{x} read as {read}");
    }
}

#[test]
fn create_patient_requests_read_from_json_go_on_the_wire() {
    // JSON a user writes by hand: the schema's names; the client fills the header.
    let request: CreatePatientReq = serde_json::from_str(
        r#"{"Patient":{"FirstName":"Alpha","LastName":"Testpatient","DateofBirth":"1970-01-02T00:00:00"}}"#,
    )
    .expect("read");
    let doc = envelope::write_request::<CreatePatient>(&request).expect("write");
    assert!(
        doc.contains("<n0:DateofBirth>1970-01-02T00:00:00</n0:DateofBirth>"),
        "{doc}"
    );
    for misspelt in [
        r#"{"Patient":{"DateOfBirth":"1970-01-02T00:00:00"}}"#,
        r#"{"patient":{}}"#,
    ] {
        let e = serde_json::from_str::<CreatePatientReq>(misspelt).expect_err(misspelt);
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}

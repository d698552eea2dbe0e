//! Each behaviour of the kit, and its switch, through a real client or raw HTTP on loopback.
//! Every record is invented.

mod common;

use std::time::Duration;

use common::{client, mock_with, s, unthrottled};
use kareo_mock::{Behavior, Bounds, MockKareo, Rule, Settings, IGNORED_MEMBERS_HEADER};
use kareo_sdk::envelope;
use kareo_sdk::ids::*;
use kareo_sdk::operations::{CreatePatient, GetCharges, GetPatients};
use kareo_sdk::types::*;
use kareo_sdk::values::{KareoDate, NaiveDate};
use kareo_sdk::xml::{DateTime, ListOperation, Nillable, Operation};
use kareo_sdk::{Error, KareoClient, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn invented_patient(first: &str, last: &str) -> CreatePatientReq {
    PatientCreate::new()
        .first_name(first)
        .last_name(last)
        .email_address("juliet@example.invalid")
        .dateof_birth(DateTime::new(1980, 6, 2, 0, 0, 0).expect("date"))
        .gender(GenderCode::Female)
        .into()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
}

fn by_last_name(last: &str) -> GetPatientsReq {
    let mut q = GetPatientsReq::default();
    q.filter.last_name = s(last);
    q
}

/// One raw HTTP exchange: (status, headers as text, body).
async fn post(mock: &MockKareo, action: &str, body: &str) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.expect("connects");
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: {action}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        kareo_mock::ENDPOINT_PATH,
        mock.addr(),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    stream.write_all(body.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn action_of(info: &kareo_sdk::xml::OperationInfo) -> String {
    format!("\"{}\"", info.soap_action)
}

/// A request envelope with the mock's credentials.
fn envelope_of<O: kareo_sdk::xml::Operation>(mock: &MockKareo, mut request: O::Request) -> String {
    use kareo_sdk::xml::{CredentialSource, Credentialed};
    struct Source<'a>(&'a MockKareo);
    impl CredentialSource for Source<'_> {
        fn credential(&self, role: &str) -> Option<&str> {
            match role {
                "customer_key" => Some(kareo_mock::MOCK_CUSTOMER_KEY),
                "user" => Some(kareo_mock::MOCK_USER),
                "password" => Some(kareo_mock::MOCK_PASSWORD),
                _ => {
                    let _ = self.0;
                    None
                }
            }
        }
    }
    request.fill_credentials(&Source(mock));
    envelope::write_request::<O>(&request).expect("encodes")
}

/// `xml` with the element `<prefix:name ...>...</prefix:name>` (or self-closing) removed;
/// returns the element too.
fn cut(xml: &str, name: &str) -> (String, String) {
    let open = xml
        .find(&format!(":{name}>"))
        .or_else(|| xml.find(&format!(":{name} ")));
    let open = open
        .or_else(|| xml.find(&format!(":{name}/>")))
        .expect("element present");
    let start = xml[..open].rfind('<').expect("start tag");
    let prefix = &xml[start + 1..open];
    let close = format!("</{prefix}:{name}>");
    let end = match xml[start..].find('>') {
        Some(i) if xml.as_bytes()[start + i - 1] == b'/' => start + i + 1,
        _ => start + xml[start..].find(&close).expect("end tag") + close.len(),
    };
    (format!("{}{}", &xml[..start], &xml[end..]), xml[start..end].to_owned())
}

// ---------------------------------------------------------------------------------------------
// Stateful.

#[tokio::test]
async fn a_created_patient_is_found_updated_and_read_back() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    let created = client
        .create_patient(invented_patient("Juliet", "Inventedson"))
        .await
        .expect("created");
    let id = *created.patient_id.value().expect("an id");

    let found = client.get_patients(by_last_name("inventedson")).await.expect("found");
    let p = &found.patients.value().expect("patients")[0];
    assert_eq!(p.id, s(&id.to_string()));
    assert_eq!(p.patient_full_name, s("Juliet Inventedson"));
    assert_eq!(p.dob, s("6/2/1980"), "the service's date form");
    assert_eq!(p.gender, s("Female"));
    assert!(p
        .created_date
        .value()
        .is_some_and(|d| d.ends_with(" AM") || d.ends_with(" PM")));

    let mut update = PatientUpdate::new().patient_id(PatientId::new(id)).city("Exampleville");
    update.email_address = Nillable::Nil;
    client.update_patient(update).await.expect("updated");
    let one = client
        .get_patient(SinglePatientFilter::new().patient_id(PatientId::new(id)))
        .await
        .expect("read");
    let p = one.patient.value().expect("the patient");
    assert_eq!(p.city, s("Exampleville"), "set");
    assert_eq!(p.email_address, Nillable::Nil, "cleared by nil");
    assert_eq!(p.first_name, s("Juliet"), "kept when absent");

    let all = client
        .get_all_patients(GetAllPatientsReq::default())
        .await
        .expect("all");
    assert_eq!(all.patients.value().map(Vec::len), Some(1));
    assert_eq!(mock.patients().len(), 1);

    let missing = PatientUpdate::new().patient_id(PatientId::new(id + 1));
    let err = client.update_patient(missing).await.expect_err("no such patient");
    assert!(matches!(err, Error::Service { .. }), "{err}");
}

#[tokio::test]
async fn patient_filters_names_dates_and_the_exclusive_to_date_of_birth() {
    let mock = mock_with(unthrottled()).await;
    mock.add_patient(
        PatientData::new()
            .first_name("Kilo")
            .last_name("Fakerson")
            .dob(day(1980, 6, 2))
            .last_modified_date(day(2026, 3, 4).and_hms_opt(16, 5, 0).expect("a time")),
    );
    mock.add_patient(
        PatientData::new()
            .first_name("Lima")
            .last_name("Fakerson")
            .dob(day(1991, 7, 9))
            .last_modified_date(day(2020, 1, 1).and_hms_opt(9, 0, 0).expect("a time")),
    );
    let client = client(&mock);
    let find = |f: PatientFilter| {
        let client = client.clone();
        async move {
            let r = client
                .get_patients(GetPatientsReq::new().filter(f))
                .await
                .expect("answered");
            r.patients
                .value()
                .expect("list")
                .iter()
                .map(|p| p.first_name.value().cloned().unwrap_or_default())
                .collect::<Vec<_>>()
        }
    };
    // The dates as text: either form, or one that is not a date.
    let dob = |from: &str, to: &str| {
        let mut f = PatientFilter::new();
        f.from_date_of_birth = s(from);
        f.to_date_of_birth = s(to);
        f
    };
    assert_eq!(find(dob("6/2/1980", "6/3/1980")).await, ["Kilo"], "[DOB, DOB + 1 day)");
    assert_eq!(
        find(dob("1980-06-02", "1980-06-02")).await,
        [""],
        "From = To finds nothing: the placeholder"
    );
    assert_eq!(
        find(
            PatientFilter::new()
                .from_last_modified_date(KareoDate::iso(day(2026, 1, 1)))
                .to_last_modified_date(day(2026, 12, 31))
        )
        .await,
        ["Kilo"]
    );
    assert_eq!(find(PatientFilter::new().first_name("LIMA")).await, ["Lima"]);
    let bad = client
        .get_patients(GetPatientsReq::new().filter(dob("someday", "6/3/1980")))
        .await
        .expect_err("not a date");
    assert!(bad.to_string().contains("FromDateOfBirth"), "{bad}");
}

#[tokio::test]
async fn appointments_are_created_updated_listed_and_deleted() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    let pid = client
        .create_patient(invented_patient("Mike", "Sampleton"))
        .await
        .expect("patient")
        .patient_id
        .value()
        .copied()
        .expect("id");
    let mut a = kareo_mock::fake_appointment(0);
    a.appointment_id = None;
    a.start_time = DateTime::new(2026, 9, 23, 13, 0, 0).expect("t");
    a.end_time = DateTime::new(2026, 9, 23, 13, 30, 0).expect("t");
    a.patient_summary = Nillable::Value(PatientSummary::new().patient_id(PatientId::new(pid)));
    let created = client.create_appointment(a).await.expect("created");
    let id = created
        .appointment
        .value()
        .and_then(|a| a.appointment_id_value().expect("an appointment ID"))
        .expect("id");

    let mut q = GetAppointmentsReq::default();
    q.filter.start_date = s("9/1/2026");
    q.filter.end_date = s("9/30/2026");
    let listed = client.get_appointments(q.clone()).await.expect("listed");
    let d = &listed.appointments.value().expect("list")[0];
    assert_eq!(d.id, s(&id.to_string()));
    assert_eq!(d.start_date, s("9/23/2026 1:00:00 PM"), "the service's date-time form");
    assert_eq!(d.patient_full_name, s("Mike Sampleton"));
    assert_eq!(d.appointment_duration, s("30"));

    let sample: AppointmentUpdate = kareo_sdk::xml::Sample::sample_at(0);
    client
        .update_appointment(
            sample
                .appointment_id(id)
                .patient_id(PatientId::new(pid))
                .service_location_id(ServiceLocationId::new(3))
                .notes("moved")
                .start_time(DateTime::new(2026, 9, 24, 8, 0, 0).expect("t")),
        )
        .await
        .expect("updated");
    let one = client.get_appointment(AppointmentRead::new(id)).await.expect("read");
    let a = one.appointment.value().expect("found");
    assert_eq!(a.notes, s("moved"));
    assert_eq!(a.start_time, DateTime::new(2026, 9, 24, 8, 0, 0).expect("t"));

    let deleted = client
        .delete_appointment(AppointmentDelete::new(id))
        .await
        .expect("deleted");
    assert_eq!(deleted.deleted, Some(true));
    let after = client.get_appointments(q).await.expect("listed");
    assert_eq!(
        after.appointments.value().map(Vec::len),
        Some(1),
        "only the placeholder"
    );
    assert!(mock.appointments().is_empty());
    let again = client.delete_appointment(AppointmentDelete::new(id)).await;
    assert!(matches!(again, Err(Error::Service { .. })), "{again:?}");
}

#[tokio::test]
async fn encounters_post_charges_payments_documents_vendors_and_external_ids() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    let pid = client
        .create_patient(invented_patient("November", "Mockperson"))
        .await
        .expect("patient")
        .patient_id
        .value()
        .copied()
        .expect("id");

    let encounter = client
        .create_encounter(
            EncounterCreate::new()
                .patient(PatientId::new(pid))
                .post_date(DateTime::new(2026, 6, 2, 0, 0, 0).expect("t"))
                .service_lines(vec![ServiceLineReq::new()
                    .procedure_code("99213")
                    .unit_charge(1200.0)
                    .units(1.0)]),
        )
        .await
        .expect("encounter");
    let eid = encounter.encounter_id.expect("encounter id");
    assert_eq!(encounter.service_lines_added.value().map(Vec::len), Some(1));

    client
        .update_encounter_status(EncounterUpdateStatus::new(EncounterId::new(eid)).encounter_status("Approved"))
        .await
        .expect("status");
    assert_eq!(mock.encounters()[0].status, "Approved");

    let mut q = GetChargesReq::default();
    q.filter.from_posting_date = s("6/1/2026");
    q.filter.to_posting_date = s("6/30/2026");
    let charges = client.get_charges(q).await.expect("charges");
    let c = &charges.charges.value().expect("list")[0];
    assert_eq!(c.total_charges, s("1200.0000"), "the service's money form");
    assert_eq!(c.encounter_status, s("Approved"));
    assert_eq!(c.posting_date, s("6/2/2026"));
    assert_eq!(c.patient_name, s("November Mockperson"));

    let paid = client
        .create_payment(
            PaymentCreate::new()
                .payer_type("Patient")
                .post_date("2026-06-03")
                .payment(
                    PaymentPaymentCreate::new()
                        .amount_paid("25.5")
                        .payment_method("Cash")
                        .reference_number("INVENTED-REF-1"),
                ),
        )
        .await
        .expect("payment");
    let payment_id = paid.payment_id.expect("id");
    let mut q = GetPaymentsReq::default();
    q.filter.reference_number = s("INVENTED-REF-1");
    let payments = client.get_payments(q).await.expect("payments");
    let p = &payments.payments.value().expect("list")[0];
    assert_eq!(p.id, s(&payment_id.to_string()));
    assert_eq!(p.amount, s("25.5000"));
    assert_eq!(p.post_date, s("6/3/2026"));

    let doc = client
        .create_document(
            DocumentCreateRequest::new(PracticeId::new(1))
                .file_name("invented.pdf")
                .name("Invented")
                .file_content(b"%PDF-invented".to_vec())
                .patient_id(PatientId::new(pid)),
        )
        .await
        .expect("document");
    let doc_id = doc
        .document
        .value()
        .and_then(|d| d.document_id_value().expect("a document ID"))
        .expect("id");
    assert_eq!(mock.documents().len(), 1);
    let gone = client
        .delete_document(DeleteDocumentReq::new(doc_id))
        .await
        .expect("deleted");
    assert_eq!(gone.deleted, Some(true));
    assert!(mock.documents().is_empty());

    let vendor = client
        .register_external_vendor(ExternalVendorReq::new().external_vendor_name("Invented Vendor"))
        .await
        .expect("vendor");
    let vid = *vendor
        .external_vendor
        .value()
        .and_then(|v| v.external_vendor_id.value())
        .expect("id");
    let vendors = client
        .get_external_vendors(kareo_sdk::types::GetExternalVendorsReq::new())
        .await
        .expect("vendors");
    assert_eq!(vendors.external_vendors.value().map(Vec::len), Some(1));

    let long_id = "INVENTED-EXTERNAL-ID-0123456789";
    client
        .update_patients_external_id(PatientExternalIdSettingBatch::new().update_batch(vec![
            PatientExternalIdSetting::new()
                .external_id(long_id)
                .external_vendor_id(ExternalVendorId::new(vid))
                .patient_id(PatientId::new(pid))
                .practice_id(PracticeId::new(1)),
        ]))
        .await
        .expect("external id");
    let by_external = client
        .get_patient(
            SinglePatientFilter::new()
                .external_id(&long_id[..25])
                .external_vendor_id(ExternalVendorId::new(vid)),
        )
        .await
        .expect("by external id");
    assert_eq!(
        by_external.patient.value().map(|p| p.id.clone()),
        Some(s(&pid.to_string())),
        "kept to 25 characters"
    );
}

#[tokio::test]
async fn get_all_patients_pages_with_its_key() {
    let mock = mock_with(unthrottled()).await;
    mock.set_patient_count(5);
    let client = client(&mock);
    let mut seen = Vec::new();
    let mut key = None;
    for _ in 0..5 {
        let mut q = GetAllPatientsReq::default();
        q.filter.batch_size = Nillable::Value(2);
        if let Some(k) = key {
            q.filter.start_key = Nillable::Value(k);
        }
        let page = client.get_all_patients(q).await.expect("page");
        seen.extend(
            page.patients
                .value()
                .into_iter()
                .flatten()
                .filter_map(|p| p.id.value().cloned()),
        );
        key = page.key.value().and_then(|k| k.next_start_key.value().copied());
        if key.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["100000", "100001", "100002", "100003", "100004"]);
}

#[tokio::test]
async fn an_operation_not_modelled_answers_its_schema_sample() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    let r = client
        .get_transactions(kareo_sdk::types::GetTransactionsReq::new())
        .await
        .expect("sample");
    assert!(r.transactions.value().is_some_and(|t| t.len() == 1), "{r:?}");
    assert!(!kareo_mock::MODELLED.contains(&"GetTransactions"));
}

// ---------------------------------------------------------------------------------------------
// Faithful behaviours and their switches.

#[tokio::test]
async fn a_second_call_within_the_interval_is_throttled_with_the_services_message() {
    let mock = mock_with(Settings::default()).await;
    let client = client(&mock);
    client.get_patients(by_last_name("Nobody")).await.expect("first call");
    let err = client.get_patients(by_last_name("Nobody")).await.expect_err("too soon");
    match &err {
        Error::Throttled { message, status, .. } => {
            assert_eq!(
                message,
                "429: GetPatients endpoint requested more than allowed over time interval 1000 milliseconds. Please wait to try again."
            );
            assert_eq!(*status, None, "HTTP 200 with an ErrorResponse");
        }
        other => panic!("{other}"),
    }
    // Another operation has its own interval.
    client
        .get_providers(kareo_sdk::types::GetProvidersReq::new())
        .await
        .expect("another operation");

    mock.set_settings(Settings::default().throttles(false));
    client.get_patients(by_last_name("Nobody")).await.expect("switched off");
}

#[tokio::test]
async fn get_throttles_answers_the_table_in_force() {
    let mock = mock_with(Settings::default()).await;
    let client = client(&mock);
    mock.set_throttle("GetPatients", Some(Duration::from_millis(1500)));
    mock.set_throttle("GetThrottles", None);
    let r = client
        .get_throttles(kareo_sdk::types::GetThrottlesReq::new())
        .await
        .expect("table");
    let table: Vec<(String, f64)> = r
        .throttle_details
        .value()
        .expect("details")
        .iter()
        .filter_map(|d| Some((d.endpoint.value()?.clone(), d.throttle_time_ms?)))
        .collect();
    assert!(table.contains(&("GetPatients".to_owned(), 1500.0)), "{table:?}");
    assert!(table.contains(&("GetAllPatients".to_owned(), 5000.0)), "{table:?}");
    assert!(!table.iter().any(|(op, _)| op == "GetThrottles"));
    assert_eq!(table.len(), mock.throttle_table().len());
}

#[tokio::test]
async fn a_script_throttles_the_next_two_calls_then_answers() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    mock.script("GetCharges", [Some(Behavior::Throttle), Some(Behavior::Throttle)]);
    for _ in 0..2 {
        let err = client
            .get_charges(kareo_sdk::types::GetChargesReq::new())
            .await
            .expect_err("throttled");
        assert!(matches!(err, Error::Throttled { .. }), "{err}");
    }
    client
        .get_charges(kareo_sdk::types::GetChargesReq::new())
        .await
        .expect("then normal");
    mock.inject(Rule::new(Behavior::HtmlError(500)).only("GetCharges"));
    let err = client
        .get_charges(kareo_sdk::types::GetChargesReq::new())
        .await
        .expect_err("a rule");
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err}");
}

#[tokio::test]
async fn get_charges_over_sixty_days_is_a_validation_error() {
    let mock = mock_with(unthrottled()).await;
    let client = client(&mock);
    let range = |from: &str, to: &str| {
        let mut q = GetChargesReq::default();
        q.filter.from_posting_date = s(from);
        q.filter.to_posting_date = s(to);
        q
    };
    client
        .get_charges(range("1/1/2026", "3/1/2026"))
        .await
        .expect("60 days, both ends counted");
    let err = client
        .get_charges(range("1/1/2026", "3/2/2026"))
        .await
        .expect_err("61 days");
    match &err {
        Error::Service { message, .. } => {
            assert!(
                message.contains("FromPostingDate") && message.contains("60 days"),
                "{message}"
            )
        }
        other => panic!("{other}"),
    }
    mock.set_settings(unthrottled().date_window(false));
    client
        .get_charges(range("1/1/2026", "12/31/2026"))
        .await
        .expect("switched off");
}

#[tokio::test]
async fn no_match_answers_one_self_closing_placeholder() {
    let mock = mock_with(unthrottled()).await;
    let (status, _, body) = post(
        &mock,
        &action_of(&GetCharges::INFO),
        &envelope_of::<GetCharges>(&mock, GetChargesReq::default()),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains(":ChargeData/>"), "{body}");
    let client = client(&mock);
    let r = client
        .get_charges(kareo_sdk::types::GetChargesReq::new())
        .await
        .expect("answered");
    assert_eq!(r.charges.value().map(Vec::as_slice), Some(&[ChargeData::default()][..]));

    assert!(GetCharges::is_placeholder(&r.charges.value().expect("list")[0]));
    // The SDK's client drops it by default.
    let dropping = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .published_limits(false)
        .build()
        .expect("client");
    let r = dropping
        .get_charges(kareo_sdk::types::GetChargesReq::new())
        .await
        .expect("answered");
    assert_eq!(r.charges.value().map(Vec::len), Some(0));

    mock.set_settings(unthrottled().placeholders(false));
    let r = client
        .get_charges(kareo_sdk::types::GetChargesReq::new())
        .await
        .expect("answered");
    assert_eq!(r.charges.value().map(Vec::len), Some(0));
}

/// The placeholder the mock answers is one for every list operation with a placeholder rule.
fn placeholder_is_recognised<O: ListOperation>() -> bool
where
    O::Item: Default,
{
    !O::HAS_PLACEHOLDERS || O::is_placeholder(&O::Item::default())
}

macro_rules! every_list {
    ($(($op:ident, $method:ident, $stream:ident, $($types:tt)*)),* $(,)?) => {
        #[test]
        fn the_placeholder_is_a_placeholder_for_every_list_operation() {
            $( assert!(placeholder_is_recognised::<kareo_sdk::operations::$op>(), stringify!($op)); )*
        }
    };
}
kareo_sdk::for_each_list_operation!(every_list);

#[tokio::test]
async fn a_missing_filter_is_the_null_reference_fault() {
    let mock = mock_with(unthrottled()).await;
    let body = envelope_of::<GetPatients>(&mock, GetPatientsReq::default());
    let (without, _) = cut(&body, "Filter");
    let (status, _, answer) = post(&mock, &action_of(&GetPatients::INFO), &without).await;
    assert_eq!(status, 500);
    assert!(
        answer.contains("Object reference not set to an instance of an object."),
        "{answer}"
    );

    mock.set_settings(unthrottled().require_filter(false));
    mock.add_patient(kareo_mock::fake_patient(1));
    let (status, _, answer) = post(&mock, &action_of(&GetPatients::INFO), &without).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("Bravo"), "read as an empty filter: {answer}");
}

#[tokio::test]
async fn a_member_out_of_order_is_ignored_and_counted() {
    let mock = mock_with(unthrottled()).await;
    let body = envelope_of::<CreatePatient>(&mock, invented_patient("Oscar", "Fakerson"));
    // FirstName comes before LastName in the sequence: sent after it, WCF drops it.
    let (rest, first) = cut(&body, "FirstName");
    let at = rest.find("</n0:LastName>").expect("LastName") + "</n0:LastName>".len();
    let swapped = format!("{}{first}{}", &rest[..at], &rest[at..]);
    let (status, head, answer) = post(&mock, &action_of(&CreatePatient::INFO), &swapped).await;
    assert_eq!(status, 200, "{answer}");
    assert!(head.contains(&format!("{IGNORED_MEMBERS_HEADER}: 1")), "{head}");
    assert_eq!(mock.ignored_members(), 1);
    assert_eq!(mock.requests_log().last().map(|r| r.ignored_members), Some(1));
    let p = &mock.patients()[0];
    assert_eq!(p.first_name, Nillable::Absent, "lost, as the service loses it");
    assert_eq!(p.last_name, s("Fakerson"));

    // In a namespace the type does not declare (the schemas' namespace without its slash):
    // ignored too.
    let foreign = body
        .replace("<n0:LastName>", "<n6:LastName>")
        .replace("</n0:LastName>", "</n6:LastName>");
    let (status, _, _) = post(&mock, &action_of(&CreatePatient::INFO), &foreign).await;
    assert_eq!(status, 200);
    assert_eq!(mock.ignored_members(), 2);
    assert_eq!(mock.patients()[1].last_name, Nillable::Absent);

    mock.set_settings(unthrottled().strict_order(false));
    let (status, _, _) = post(&mock, &action_of(&CreatePatient::INFO), &swapped).await;
    assert_eq!(status, 200);
    assert_eq!(
        mock.patients().last().map(|p| p.first_name.clone()),
        Some(s("Oscar")),
        "read in any order"
    );

    // A client that writes in sequence order loses nothing.
    let fresh = mock_with(unthrottled()).await;
    client(&fresh)
        .create_patient(invented_patient("Papa", "Fakerson"))
        .await
        .expect("created");
    assert_eq!(fresh.ignored_members(), 0);
}

#[tokio::test]
async fn a_wrong_soap_action_is_the_action_not_supported_fault() {
    let mock = mock_with(unthrottled()).await;
    let body = envelope_of::<GetPatients>(&mock, GetPatientsReq::default());
    let (status, _, answer) = post(&mock, "\"http://www.kareo.com/api/schemas/GetPatients\"", &body).await;
    assert_eq!(status, 500);
    assert!(
        answer.contains("ActionNotSupported") && answer.contains("ContractFilter mismatch"),
        "{answer}"
    );

    mock.set_settings(unthrottled().check_action(false));
    let (status, _, answer) = post(&mock, "\"http://www.kareo.com/api/schemas/GetPatients\"", &body).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn wrong_credentials_get_a_failed_security_response() {
    let mock = mock_with(unthrottled()).await;
    let wrong = KareoClient::builder(kareo_sdk::Credentials::new(
        "INVENTED-WRONG-KEY",
        kareo_mock::MOCK_USER,
        kareo_mock::MOCK_PASSWORD,
    ))
    .endpoint(mock.endpoint())
    .retry(RetryPolicy::none())
    .build()
    .expect("client");
    let err = wrong
        .get_practices(kareo_sdk::types::GetPracticesReq::new())
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Security { .. }), "{err}");
    let (status, _, _) = post(
        &mock,
        &action_of(&GetPatients::INFO),
        &envelope::write_request::<GetPatients>(&GetPatientsReq::default()).expect("encodes"),
    )
    .await;
    assert_eq!(status, 200, "HTTP 200, as the service answers");

    mock.set_settings(unthrottled().check_credentials(false));
    wrong
        .get_practices(kareo_sdk::types::GetPracticesReq::new())
        .await
        .expect("switched off");
}

// ---------------------------------------------------------------------------------------------
// Bounds.

#[tokio::test]
async fn the_mock_is_bounded_and_stops_on_drop() {
    let mock = mock_with(unthrottled().bounds(Bounds::default().max_requests(2).max_body_bytes(4096))).await;
    assert!(mock.addr().ip().is_loopback());
    let client = client(&mock);
    let big = "x".repeat(5000);
    let (status, _, _) = post(&mock, &action_of(&GetPatients::INFO), &big).await;
    assert_eq!(status, 413, "body over the bound");
    client
        .get_practices(kareo_sdk::types::GetPracticesReq::new())
        .await
        .expect("second request");
    let err = client
        .get_practices(kareo_sdk::types::GetPracticesReq::new())
        .await
        .expect_err("over the request bound");
    assert!(matches!(err, Error::Throttled { status: Some(503), .. }), "{err}");

    let addr = mock.addr();
    drop(mock);
    tokio::task::yield_now().await;
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "stopped");
}

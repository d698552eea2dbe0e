//! Response parsing at the edges: tolerant where a server can evolve, strict where data would
//! be lost, and safe with hostile input (no panic, no entity expansion, bounded depth and size).

use kareo_sdk::envelope::{self, Fault, Response};
use kareo_sdk::operations::{GetAppointment, GetExternalVendors, GetPatients, GetProviders};
use kareo_sdk::xml::{DecodeErrorKind, Limits, Nillable};

const HEAD: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#;
const TAIL: &str = "</s:Body></s:Envelope>";

fn patients(result: &str) -> String {
    format!(
        r#"{HEAD}<GetPatientsResponse xmlns="http://www.kareo.com/api/schemas/"><GetPatientsResult xmlns:a="http://www.kareo.com/api/schemas/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">{result}</GetPatientsResult></GetPatientsResponse>{TAIL}"#
    )
}

fn parse_patients(xml: &str) -> Result<(kareo_sdk::types::GetPatientsResp, u64), kareo_sdk::xml::DecodeError> {
    let (r, stats) = envelope::read_response::<GetPatients>(xml.as_bytes(), Limits::default())?;
    match r {
        Response::Result(r) => Ok((r, stats.skipped)),
        Response::Fault(f) => panic!("unexpected fault {f}"),
    }
}

#[test]
fn unknown_elements_are_skipped_and_counted() {
    let xml = patients(
        "<a:Patients><a:PatientData><a:FirstName>Test</a:FirstName><a:NewField><a:Deep>x</a:Deep></a:NewField>\
         <a:ID>7</a:ID></a:PatientData></a:Patients><a:AddedLater/>",
    );
    let (resp, skipped) = parse_patients(&xml).expect("parses");
    assert_eq!(skipped, 2);
    let p = &resp.patients.value().expect("patients")[0];
    assert_eq!(p.first_name, Nillable::Value("Test".into()));
    assert_eq!(p.id, Nillable::Value("7".into()));
}

#[test]
fn elements_in_another_namespace_are_not_mistaken_for_known_ones() {
    let xml = patients(
        r#"<a:Patients><a:PatientData><b:FirstName xmlns:b="urn:other">X</b:FirstName></a:PatientData></a:Patients>"#,
    );
    let (resp, skipped) = parse_patients(&xml).expect("parses");
    assert_eq!(skipped, 1);
    assert!(resp.patients.value().expect("patients")[0].first_name.is_absent());
}

#[test]
fn prefixes_and_default_namespaces_do_not_matter() {
    let xml = patients(
        r#"<Patients xmlns="http://www.kareo.com/api/schemas/"><PatientData><FirstName>A</FirstName></PatientData></Patients>"#,
    );
    let (resp, _) = parse_patients(&xml).expect("parses");
    assert_eq!(
        resp.patients.value().expect("patients")[0].first_name,
        Nillable::Value("A".into())
    );
}

#[test]
fn nil_absent_and_value_are_told_apart() {
    let xml = patients(
        r#"<a:Patients><a:PatientData><a:FirstName i:nil="true"/><a:LastName>L</a:LastName></a:PatientData></a:Patients>"#,
    );
    let (resp, _) = parse_patients(&xml).expect("parses");
    let p = &resp.patients.value().expect("patients")[0];
    assert!(p.first_name.is_nil());
    assert_eq!(p.last_name, Nillable::Value("L".into()));
    assert!(p.middle_name.is_absent());
    assert!(resp.error_response.is_absent());
}

#[test]
fn whitespace_comments_cdata_and_references_are_read_as_xml_says() {
    let xml = patients(
        "<!-- c --><a:Patients>\n  <a:PatientData>\n    <a:FirstName><![CDATA[<b>]]> &amp; &#233;<!-- x --></a:FirstName>\n  </a:PatientData>\n</a:Patients>",
    );
    let (resp, skipped) = parse_patients(&xml).expect("parses");
    assert_eq!(skipped, 0);
    assert_eq!(
        resp.patients.value().expect("patients")[0].first_name,
        Nillable::Value("<b> & é".into())
    );
}

#[test]
fn unparseable_values_name_the_element_path() {
    let xml = format!(
        r#"{HEAD}<GetExternalVendorsResponse xmlns="http://www.kareo.com/api/schemas/"><GetExternalVendorsResult xmlns:a="http://www.kareo.com/api/schemas/"><a:ExternalVendors><a:ExternalVendorData><a:ExternalVendorID>1</a:ExternalVendorID></a:ExternalVendorData><a:ExternalVendorData><a:ExternalVendorID>twelve</a:ExternalVendorID></a:ExternalVendorData></a:ExternalVendors></GetExternalVendorsResult></GetExternalVendorsResponse>{TAIL}"#
    );
    let err = envelope::read_response::<GetExternalVendors>(xml.as_bytes(), Limits::default()).unwrap_err();
    assert_eq!(
        err.path_string(),
        "GetExternalVendorsResponse/GetExternalVendorsResult/ExternalVendors/ExternalVendorData[2]/ExternalVendorID"
    );
    assert!(matches!(err.kind, DecodeErrorKind::InvalidValue(_)), "{err}");
    assert!(
        !err.to_string().contains("twelve"),
        "values are not echoed (they may be patient data): {err}"
    );
}

#[test]
fn duplicates_are_errors_and_nil_is_accepted_wherever_it_loses_nothing() {
    let dup = patients("<a:Patients/><a:Patients/>");
    assert_eq!(parse_patients(&dup).unwrap_err().kind, DecodeErrorKind::Duplicate);
    // Optional but not nillable in this schema: a nil carries no value and reads as absent.
    let xml = patients(
        r#"<a:SecurityResponse><a:Authenticated i:nil="true"/><a:CustomerId>3</a:CustomerId></a:SecurityResponse>"#,
    );
    let (resp, _) = parse_patients(&xml).expect("parses");
    let security = resp.security_response.value().expect("security response");
    assert_eq!((security.authenticated, security.customer_id), (None, Some(3)));
    // Required and not nillable: nil leaves no value to give, an error naming the element.
    let xml = format!(
        r#"{HEAD}<GetAppointmentResponse xmlns="http://www.kareo.com/api/schemas/"><GetAppointmentResult xmlns:a="http://www.kareo.com/api/schemas/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><a:Appointment><a:StartTime i:nil="true"/></a:Appointment></GetAppointmentResult></GetAppointmentResponse>{TAIL}"#
    );
    let err = envelope::read_response::<GetAppointment>(xml.as_bytes(), Limits::default()).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::UnexpectedNil);
    assert_eq!(
        err.path_string(),
        "GetAppointmentResponse/GetAppointmentResult/Appointment/StartTime"
    );
}

#[test]
fn nil_collection_items_are_skipped_and_counted() {
    let xml = patients(
        r#"<a:Patients><a:PatientData i:nil="true"/><a:PatientData><a:ID>1</a:ID></a:PatientData></a:Patients>"#,
    );
    let (resp, skipped) = parse_patients(&xml).expect("parses");
    assert_eq!(resp.patients.value().expect("patients").len(), 1);
    assert_eq!(skipped, 1);
}

#[test]
fn soap_faults_are_typed() {
    let xml = format!(
        r#"{HEAD}<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:ActionNotSupported</faultcode><faultstring xml:lang="en-US">The message with Action '' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher.</faultstring><faultactor>urn:test</faultactor><detail><ExceptionDetail><Message>inner &amp; more</Message></ExceptionDetail></detail></s:Fault>{TAIL}"#
    );
    let (r, _) = envelope::read_response::<GetPatients>(xml.as_bytes(), Limits::default()).expect("parses");
    let Response::Fault(f) = r else { panic!("not a fault") };
    assert_eq!(f.code, "a:ActionNotSupported");
    assert!(f.string.contains("ContractFilter mismatch"));
    assert_eq!(f.actor.as_deref(), Some("urn:test"));
    assert_eq!(f.detail.as_deref(), Some("inner & more"));
    let written = envelope::write_fault(&Fault {
        detail: None,
        actor: None,
        ..f.clone()
    })
    .expect("writes");
    let (again, _) = envelope::read_response::<GetPatients>(written.as_bytes(), Limits::default()).expect("parses");
    assert!(matches!(again, Response::Fault(g) if g.code == f.code && g.string == f.string));
}

#[test]
fn unknown_enum_values_are_kept() {
    use kareo_sdk::types::GenderCode;
    assert_eq!(GenderCode::from("Female"), GenderCode::Female);
    let other = GenderCode::from("NonBinary");
    assert_eq!(other, GenderCode::Unlisted("NonBinary".into()));
    assert_eq!(other.as_str(), "NonBinary");
}

#[test]
fn entities_are_never_expanded() {
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>{}"#,
        patients("<a:Patients><a:PatientData><a:FirstName>&lol2;</a:FirstName></a:PatientData></a:Patients>")
    );
    let err = parse_patients(&xml).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::Malformed(_)), "{err}");
    let undefined =
        patients("<a:Patients><a:PatientData><a:FirstName>&lol;</a:FirstName></a:PatientData></a:Patients>");
    assert!(matches!(
        parse_patients(&undefined).unwrap_err().kind,
        DecodeErrorKind::Malformed(_)
    ));
}

#[test]
fn deep_nesting_is_bounded_without_recursion() {
    let depth = 200_000;
    let inner = "<a:X>".repeat(depth) + &"</a:X>".repeat(depth);
    // Inside an unknown element: the depth limit holds while skipping too.
    let err = parse_patients(&patients(&inner)).expect_err("too deep, even unknown");
    assert_eq!(err.kind, DecodeErrorKind::TooDeep(128), "{err}");
    // An unknown subtree within the limit is skipped, and counted once.
    let shallow = "<a:X>".repeat(100) + &"</a:X>".repeat(100);
    let (_, skipped) = parse_patients(&patients(&shallow)).expect("an unknown subtree is skipped");
    assert_eq!(skipped, 1);
    // Inside a text value: rejected.
    let in_text = patients(&format!(
        "<a:Patients><a:PatientData><a:FirstName>{inner}</a:FirstName></a:PatientData></a:Patients>"
    ));
    assert_eq!(
        parse_patients(&in_text).unwrap_err().kind,
        DecodeErrorKind::UnexpectedElement
    );
    // Inside known elements: the depth limit.
    let tight = Limits {
        max_depth: 6,
        ..Limits::default()
    };
    let xml =
        patients("<a:Patients><a:PatientData><a:Cases><a:PatientCaseData/></a:Cases></a:PatientData></a:Patients>");
    let err = envelope::read_response::<GetPatients>(xml.as_bytes(), tight).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::TooDeep(6));
}

#[test]
fn size_limit_is_enforced() {
    let xml = patients("");
    let small = Limits {
        max_bytes: xml.len() - 1,
        ..Limits::default()
    };
    let err = envelope::read_response::<GetPatients>(xml.as_bytes(), small).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::TooLarge(_)));
}

#[test]
fn truncated_and_malformed_documents_are_errors_not_panics() {
    let full = patients("<a:Patients><a:PatientData><a:FirstName>A</a:FirstName></a:PatientData></a:Patients>");
    for cut in 0..full.len() {
        if !full.is_char_boundary(cut) {
            continue;
        }
        assert!(
            envelope::read_response::<GetPatients>(&full.as_bytes()[..cut], Limits::default()).is_err(),
            "cut at {cut}"
        );
    }
    for bad in [
        "",
        "not xml",
        "<html><body>Service Unavailable</body></html>",
        r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body/></s:Envelope>"#,
        &patients("<x:Patients/>"),
        &full.replace("</a:FirstName>", "</a:LastName>"),
    ] {
        assert!(
            envelope::read_response::<GetPatients>(bad.as_bytes(), Limits::default()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn missing_result_and_wrong_operation_are_envelope_errors() {
    let empty = format!(r#"{HEAD}<GetPatientsResponse xmlns="http://www.kareo.com/api/schemas/"/>{TAIL}"#);
    let err = envelope::read_response::<GetPatients>(empty.as_bytes(), Limits::default()).unwrap_err();
    assert_eq!(err.kind, DecodeErrorKind::Missing("GetPatientsResult"));
    let other = patients("");
    let err = envelope::read_response::<GetProviders>(other.as_bytes(), Limits::default()).unwrap_err();
    assert!(matches!(err.kind, DecodeErrorKind::Envelope(_)), "{err}");
}

#[test]
fn namespace_declarations_are_scoped_to_their_element() {
    // `a` is rebound inside the first PatientData only; the second is back in Kareo's namespace.
    let xml = patients(
        r#"<a:Patients><a:PatientData xmlns:a="urn:other"><a:FirstName>X</a:FirstName></a:PatientData><a:PatientData><a:FirstName>Y</a:FirstName></a:PatientData></a:Patients>"#,
    );
    let (resp, skipped) = parse_patients(&xml).expect("parses");
    let list = resp.patients.value().expect("patients");
    assert_eq!(skipped, 1);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].first_name, Nillable::Value("Y".into()));
    // An empty element's own declaration applies to itself only.
    let xml = patients(
        r#"<a:Patients><x:PatientData xmlns:x="http://www.kareo.com/api/schemas/"/><x:PatientData/></a:Patients>"#,
    );
    assert!(
        matches!(parse_patients(&xml).unwrap_err().kind, DecodeErrorKind::Malformed(_)),
        "x is out of scope"
    );
}

#[test]
fn members_out_of_sequence_order_are_still_read() {
    let xml = patients("<a:Patients><a:PatientData><a:ZipCode>Z</a:ZipCode><a:FirstName>F</a:FirstName><a:Age>A</a:Age></a:PatientData></a:Patients>");
    let (resp, skipped) = parse_patients(&xml).expect("parses");
    let p = &resp.patients.value().expect("patients")[0];
    assert_eq!(skipped, 0);
    assert_eq!(
        (p.zip_code.value(), p.first_name.value(), p.age.value()),
        (Some(&"Z".into()), Some(&"F".into()), Some(&"A".into()))
    );
}

#[test]
fn namespace_declarations_and_attributes_are_bounded() {
    // 2,000 declarations on nested unknown elements: refused, not scanned at every lookup.
    let decls: String = (0..2000).map(|i| format!("<x xmlns:p{i}=\"urn:x{i}\">")).collect();
    let closes = "</x>".repeat(2000);
    let limits = Limits {
        max_depth: 4096,
        ..Limits::default()
    };
    let err = envelope::read_response::<GetPatients>(patients(&format!("{decls}{closes}")).as_bytes(), limits)
        .expect_err("too many declarations");
    assert!(
        err.to_string().contains("more than 1024 namespace declarations"),
        "{err}"
    );
    // 300 attributes on one element.
    let attrs: String = (0..300).map(|i| format!(" a{i}=\"1\"")).collect();
    let err = parse_patients(&patients(&format!("<x{attrs}/>"))).expect_err("too many attributes");
    assert!(err.to_string().contains("more than 256 attributes"), "{err}");
    // A few of each are fine.
    parse_patients(&patients("<x xmlns:q=\"urn:q\" a=\"1\" b=\"2\"><q:y/></x>")).expect("a few");
}

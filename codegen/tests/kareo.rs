//! The real Kareo contract that `wsdl/manifest.toml` pins (read from `../shared/wsdl/`), generated
//! with the Config of `wsdl/overrides.toml`: snapshots of a representative slice of the output, and the facts of
//! KAREO-NOTES.md the output must reflect. (That the committed module equals this output is
//! checked by xtask's tests, as `cargo xtask regen --check` does.)

mod common;

use std::sync::OnceLock;

use codegen::Output;
use common::{check_generated_rust, kareo_config, pick_items, pinned_contract};

const SLASH: &str = "http://www.kareo.com/api/schemas/";
const NO_SLASH: &str = "http://www.kareo.com/api/schemas";

/// The generated files, computed once for all tests of this file.
fn output() -> &'static Output {
    static OUTPUT: OnceLock<Output> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let (contract, name) = pinned_contract();
        codegen::generate_contract(&contract, &name, &kareo_config()).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn file(path: &str) -> &'static str {
    output().file(path).unwrap_or_else(|| panic!("{path} is generated"))
}

/// A type's items from types.rs, then its impls from operations.rs (RequestContext), if any.
fn slice(name: &str) -> String {
    let mut out = pick_items(file("types.rs"), &[name]);
    let ops = pick_items(file("operations.rs"), &[name]);
    if !ops.trim().is_empty() {
        out.push_str("\n// ---- operations.rs ----\n\n");
        out.push_str(&ops);
    }
    assert!(
        out.contains(&format!(" {name} ")),
        "{name} was not found in the generated code"
    );
    out
}

macro_rules! snapshot_type {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), slice($name));
        }
    };
}

snapshot_type!(request_header, "RequestHeader");
snapshot_type!(get_patients_req, "GetPatientsReq");
snapshot_type!(patient_filter, "PatientFilter");
snapshot_type!(get_service_locations_req, "GetServiceLocationsReq");
snapshot_type!(get_patients_resp, "GetPatientsResp");
snapshot_type!(relationship_enum, "Relationship");

#[test]
fn operation_table() {
    let ops = file("operations.rs");
    let body = ops.split_once("\n\n").map(|(_, rest)| rest).expect("header then code");
    // The per-type service glue is pinned with each type's snapshot above.
    let glue = [
        "impl crate::xml::Credentialed ",
        "impl crate::xml::ServiceStatus ",
        "impl crate::xml::Inherits<",
    ];
    let table: Vec<&str> = body
        .split("\n\n")
        .filter(|item| !glue.iter().any(|g| item.starts_with(g)))
        .collect();
    insta::assert_snapshot!("operation_table", table.join("\n\n"));
}

#[test]
fn namespace_table_and_endpoint() {
    let module = file("mod.rs");
    let body = module
        .split_once("\n\n")
        .map(|(_, rest)| rest)
        .expect("header then code");
    insta::assert_snapshot!("namespace_table", body);
}

#[test]
fn the_generated_rust_is_consistent() {
    check_generated_rust(output());
}

#[test]
fn operations_carry_the_binding_soap_action_and_the_wsdl_child_names() {
    let model = {
        let (contract, name) = pinned_contract();
        codegen::model::Model::build(&name, &contract.definitions, &kareo_config()).unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(!model.operations.is_empty());
    for op in &model.operations {
        assert_eq!(
            op.soap_action,
            format!("http://www.kareo.com/api/schemas/KareoServices/{}", op.name),
            "SOAPAction of {}",
            op.name
        );
        assert_eq!(op.input.wrapper.ns, SLASH, "{}", op.name);
        assert_eq!(op.output.wrapper.local, format!("{}Response", op.name));
        assert_eq!(op.output.child.as_ref().unwrap().name, format!("{}Result", op.name));
        let expected_child = if op.name == "UpdatePatient" {
            "UpdatePatientReq"
        } else {
            "request"
        };
        let child = op
            .input
            .child
            .as_ref()
            .expect("Kareo requests keep their child element");
        assert_eq!(child.name, expected_child, "{}", op.name);
        // Every request carries the credentials: in the RequestHeader context member, or (2025's
        // GetCustomerIdFromKey) as its own members.
        let req = &op.input.body;
        let Some(codegen::model::TypeDef {
            kind: codegen::model::TypeKind::Struct(s),
            ..
        }) = model.get(req)
        else {
            panic!("{req} is a struct")
        };
        let roles: Vec<&str> = s.members.iter().filter_map(|m| m.credential.as_deref()).collect();
        assert!(
            op.context.is_some() || ["customer_key", "password", "user"].iter().all(|r| roles.contains(r)),
            "{} carries the credentials",
            op.name
        );
    }
    let locations = model
        .operations
        .iter()
        .find(|o| o.name == "GetServiceLocations")
        .unwrap();
    assert_eq!(locations.input.body.ns, NO_SLASH);
}

#[test]
fn inherited_members_keep_their_namespace() {
    // GetServiceLocationsReq is in the no-slash schema; the RequestHeader it inherits from
    // RequestBase is in the slash one.
    let req = slice("GetServiceLocationsReq");
    let ns = |uri: &str| {
        let module = file("mod.rs");
        let line = module
            .lines()
            .position(|l| l == format!("/// `{uri}`"))
            .unwrap_or_else(|| panic!("{uri} in the namespace table"));
        module
            .lines()
            .nth(line + 1)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .trim_start_matches("pub const ")
            .to_owned()
    };
    let (slash, bare) = (ns(SLASH), ns(NO_SLASH));
    assert_ne!(slash, bare);
    assert!(
        req.contains(&format!(
            "xw.req_nil(super::{slash}, \"RequestHeader\", &self.request_header)?;"
        )),
        "{req}"
    );
    assert!(
        req.contains(&format!("xw.req(super::{bare}, \"Fields\", &self.fields)?;")),
        "{req}"
    );
    assert!(
        req.contains(&format!("xw.req(super::{bare}, \"Filter\", &self.filter)?;")),
        "{req}"
    );
}

#[test]
fn credentials_never_reach_debug_output() {
    let header = slice("RequestHeader");
    assert!(!header.contains("#[derive(Debug"), "{header}");
    for secret in ["customer_key", "password", "user"] {
        assert!(
            header.contains(&format!(".field(\"{secret}\", &crate::xml::Masked(&self.{secret}))")),
            "{secret} is not masked:\n{header}"
        );
    }
    assert!(header.contains(".field(\"client_version\", &self.client_version)"));
}

/// The Kareo layer (placeholders, throttles, date windows) on contracts that lack what it
/// names: the April 2021 `?singleWsdl` has no GetThrottles, and a newer contract may drop a
/// member. Generation succeeds, the feature is left out, and the summary says so.
#[test]
fn service_rules_are_left_out_where_the_contract_lacks_them() {
    let april = common::kareo_wsdl();
    let out = common::generate_text("KareoServices.wsdl", &april, &kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    let warnings = out.warnings.join("\n");
    assert!(
        warnings.contains("override throttles.report names operation GetThrottles, which this contract lacks: limits refresh left out"),
        "{warnings}"
    );
    assert!(out.notes.contains(&"limits report: none".to_owned()), "{:?}", out.notes);
    assert!(
        out.notes
            .iter()
            .any(|n| n == "date windows: GetAppointments (60 days), GetCharges (60 days)"),
        "{:?}",
        out.notes
    );
    let ops = out.file("operations.rs").unwrap_or_default();
    assert!(!ops.contains("impl crate::xml::ThrottleReport"));
    assert!(ops.contains("impl crate::xml::DateWindow for GetCharges"));

    // A newer contract without ChargeFilter's posting dates, and without ChargeData's ID.
    let mut newer = april.replace(
        r#"<xs:element minOccurs="0" name="FromPostingDate" nillable="true" type="xs:string" />"#,
        "",
    );
    let record = newer.find(r#"name="ChargeData""#).expect("ChargeData");
    let id = record
        + newer[record..]
            .find(r#"<xs:element minOccurs="0" name="ID""#)
            .expect("its ID");
    let end = id + newer[id..].find("</xs:element>").expect("its end") + "</xs:element>".len();
    newer.replace_range(id..end, "");
    assert!(!newer.contains(r#"name="FromPostingDate""#), "the edits apply");
    let out = common::generate_text("KareoServices.wsdl", &newer, &kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    let warnings = out.warnings.join("\n");
    assert!(
        warnings.contains("override date_windows of GetCharges: Filter/FromPostingDate or Filter/ToPostingDate leads to no string member of the request: date-window helper left out"),
        "{warnings}"
    );
    assert!(
        warnings.contains("override placeholders names {http://www.kareo.com/api/schemas/}ChargeData/ID, which this contract lacks: placeholders of {http://www.kareo.com/api/schemas/}ChargeData are kept"),
        "{warnings}"
    );
    let ops = out.file("operations.rs").unwrap_or_default();
    assert!(!ops.contains("impl crate::xml::DateWindow for GetCharges"));
    assert!(ops.contains("impl crate::xml::DateWindow for GetAppointments"));
    check_generated_rust(&out);
}

#[test]
fn service_rules_reach_the_generated_code() {
    let ops = file("operations.rs");
    for needle in [
        "impl crate::xml::DateWindow for GetCharges",
        "const FROM: &'static str = \"Filter/FromPostingDate\";",
        "impl crate::xml::DateWindow for GetAppointments",
        "impl crate::xml::ThrottleReport for GetThrottles",
        "over_limit_text: Some(\"endpoint requested more than allowed\")",
        "margin: core::time::Duration::from_millis(250u64)",
    ] {
        assert!(ops.contains(needle), "{needle}");
    }
    // Every list operation whose records have an ID drops placeholders.
    let placeholders = ops.matches("const HAS_PLACEHOLDERS: bool = true;").count();
    assert_eq!(placeholders, 12);
    assert_eq!(ops.matches("fn remove_placeholders(").count(), placeholders);
}

/// Paging, declared in the overrides: generated on the operation that has it, reported, and a
/// declaration naming members the operation lacks (or an operation that is no list) refused,
/// since a paged list read as one page would look complete and not be.
#[test]
fn paging_is_generated_reported_and_refused_where_it_names_what_is_not_there() {
    let ops = file("operations.rs");
    for needle in [
        "start_key: \"Filter/StartKey\"",
        "page_size: Some(\"Filter/BatchSize\")",
        "next_key: \"Key/nextStartKey\"",
        "max_page_size: 1000u32",
        "Some(k) => Some(k.parse::<i32>().map_err(|e| e.to_string())?)",
    ] {
        assert!(ops.contains(needle), "{needle}");
    }
    assert_eq!(ops.matches("const PAGING").count(), 1, "GetAllPatients only");
    assert!(
        output()
            .notes
            .iter()
            .any(|n| n == "paged lists: GetAllPatients (up to 1000 a page)"),
        "{:?}",
        output().notes
    );

    let april = common::kareo_wsdl();
    let with = |edit: &dyn Fn(&mut codegen::config::Paging)| {
        let mut config = kareo_config();
        config.paging.iter_mut().for_each(edit);
        common::generate_text("KareoServices.wsdl", &april, &config)
    };
    // A member the request lacks.
    let err = with(&|p| p.start_key = vec!["Filter".into(), "Start".into()])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("override paging of GetAllPatients: start_key `Filter/Start` leads to no string or integer member of the request"),
        "{err}"
    );
    // A member of the response that is no key.
    let err = with(&|p| p.next_key = vec!["Patients".into()]).unwrap_err().to_string();
    assert!(
        err.contains("next_key `Patients` leads to no string or integer member of the response"),
        "{err}"
    );
    // A page size that is no integer.
    let err = with(&|p| p.page_size = Some(vec!["Fields".into()]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("page_size `Fields` leads to no integer member"), "{err}");
    // An operation that is no list (a write).
    let err = with(&|p| {
        p.operation = "CreatePatient".into();
        p.start_key = vec!["RequestHeader".into(), "User".into()];
        p.page_size = None;
        p.next_key = vec!["ErrorResponse".into(), "ErrorMessage".into()];
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("override paging names CreatePatient, which is not a list operation"),
        "{err}"
    );
    // An operation the contract lacks: a warning, and nothing generated.
    let out = with(&|p| p.operation = "GetEveryPatient".into()).unwrap_or_else(|e| panic!("{e}"));
    assert!(out
        .warnings
        .contains(&"override paging names operation GetEveryPatient, which this contract lacks: skipped".to_owned()));
    assert!(!out.file("operations.rs").unwrap_or_default().contains("const PAGING"));
}

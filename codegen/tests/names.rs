//! Rust names for XML names (part of the emit stage): casing, keywords, prelude names, names
//! with nothing usable left, and deterministic collision numbering.

use codegen::names::{dedupe, field_name, field_names, type_name, variant_name, RESERVED_LOCALS};

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn field_names_are_snake_case_with_keywords_escaped() {
    assert_eq!(field_name("DocumentID"), "document_id");
    assert_eq!(field_name("type"), "r#type");
    assert_eq!(field_name("match"), "r#match");
    assert_eq!(field_name("Self"), "self_");
    assert_eq!(field_name("super"), "super_");
    assert_eq!(field_name("3rdParty"), "n3rd_party");
    assert_eq!(field_name("PatientID"), "patient_id");
    assert_eq!(field_name("CLIANumber"), "clia_number");
    assert_eq!(field_name("externalID"), "external_id");
    assert_eq!(field_name("a.b-c"), "a_b_c");
    assert_eq!(field_name("ü"), "empty");
    assert_eq!(field_name(""), "empty");
}

#[test]
fn type_and_variant_names_are_upper_camel_case() {
    assert_eq!(type_name("ArrayOfstring"), "ArrayOfstring");
    assert_eq!(type_name("EPSDTReasonCode"), "EpsdtReasonCode");
    assert_eq!(type_name("guid"), "Guid");
    assert_eq!(type_name("String"), "StringType");
    assert_eq!(type_name("Option"), "OptionType");
    assert_eq!(type_name("Self"), "SelfType");
    assert_eq!(type_name("日本"), "Empty");
    assert_eq!(variant_name("NO_SHOW"), "NoShow");
    assert_eq!(variant_name("10"), "V10");
    assert_eq!(variant_name("2"), "V2");
    assert_eq!(variant_name(""), "Empty");
    assert_eq!(variant_name("Self"), "SelfValue");
    assert_eq!(variant_name("é"), "Empty");
}

#[test]
fn only_the_decoders_own_locals_are_reserved_for_fields() {
    assert_eq!(RESERVED_LOCALS, ["xw", "xr", "xe", "xc", "xi", "xo"]);
    assert_eq!(
        field_names(["Name", "ns", "xr", "xc", "xi", "xo"]),
        ["name", "ns", "xr_2", "xc_2", "xi_2", "xo_2"]
    );
}

#[test]
fn collisions_are_numbered_in_input_order() {
    assert_eq!(
        field_names(["DocumentId", "DocumentID", "documentId", "xr"]),
        ["document_id", "document_id_2", "document_id_3", "xr_2"]
    );
    assert_eq!(dedupe(strings(&["r#type", "r#type"]), &[], "_"), ["r#type", "type_2"]);
    assert_eq!(dedupe(strings(&["Get", "Get"]), &["GetOp2"], "Op"), ["Get", "GetOp3"]);
}

#[test]
fn a_numbered_name_never_takes_a_name_declared_later() {
    // Two `Item`s and an `Item2`: the second `Item` becomes Item3, `Item2` keeps its name.
    assert_eq!(
        dedupe(strings(&["Item", "Item", "Item2"]), &[], ""),
        ["Item", "Item3", "Item2"]
    );
    assert_eq!(
        dedupe(strings(&["a", "a_2", "a", "a"]), &[], "_"),
        ["a", "a_2", "a_3", "a_4"]
    );
}

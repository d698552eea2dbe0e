//! The XSD value constructs beyond the plain built-ins, at the model stage: `xs:base64Binary`
//! and the other XSD 1.0 built-ins WCF emits, `xs:list` simple types and `xs:element ref=`.
//! Each has a fixture (`tests/fixtures/<name>.wsdl`), a snapshot of its generated code
//! (`snapshots_fixtures.rs`) and a compiled copy of that code tested against the runtime
//! (`runtime_fixtures.rs`).

mod common;

use codegen::model::{Builtin, Member, Model, TypeDef, TypeKind, TypeRef};
use codegen::read::MaxOccurs;
use codegen::{Config, QName};
use common::model_fixture;

fn def<'m>(model: &'m Model, ns: &str, local: &str) -> &'m TypeDef {
    model
        .get(&QName::new(ns, local))
        .unwrap_or_else(|| panic!("{{{ns}}}{local} is not in the model"))
}

fn members(t: &TypeDef) -> &[Member] {
    match &t.kind {
        TypeKind::Struct(s) => &s.members,
        other => panic!("{} is not a struct: {other:?}", t.name),
    }
}

/// `(name, type, minOccurs, maxOccurs, nillable)` of each member.
fn shapes(t: &TypeDef) -> Vec<(&str, &TypeRef, u32, MaxOccurs, bool)> {
    members(t)
        .iter()
        .map(|m| (m.name.as_str(), &m.ty, m.min_occurs, m.max_occurs, m.nillable))
        .collect()
}

const FILES: &str = "http://example.com/files/";

#[test]
fn base64_binary_is_a_builtin_with_its_occurrence() {
    let model = model_fixture("binary.wsdl", &Config::default());
    let b64 = TypeRef::Builtin(Builtin::Base64Binary);
    let one = MaxOccurs::Bounded(1);
    assert_eq!(
        shapes(def(&model, FILES, "Upload")),
        [
            ("Name", &TypeRef::Builtin(Builtin::String), 0, one, true),
            ("Content", &b64, 1, one, true),
            ("Thumbnail", &b64, 0, one, false),
            ("Page", &b64, 0, MaxOccurs::Unbounded, false),
        ]
    );
    assert!(matches!(&def(&model, FILES, "Blob").kind, TypeKind::Alias(r) if *r == b64));
    assert_eq!(Builtin::Base64Binary.schema_name(), "base64Binary");
}

const VALUES: &str = "http://example.com/values/";

#[test]
fn every_xsd_1_0_builtin_wcf_emits_maps_to_its_own_builtin() {
    let model = model_fixture("builtins.wsdl", &Config::default());
    let got: Vec<(&str, &str)> = members(def(&model, VALUES, "Values"))
        .iter()
        .map(|m| match &m.ty {
            TypeRef::Builtin(b) => (m.name.as_str(), b.schema_name()),
            other => panic!("{}: {other:?}", m.name),
        })
        .collect();
    let names: Vec<&str> = got.iter().map(|(_, b)| *b).collect();
    assert_eq!(
        names,
        [
            "date",
            "integer",
            "hexBinary",
            "time",
            "gYear",
            "gYearMonth",
            "gMonth",
            "gDay",
            "gMonthDay",
            "nonNegativeInteger",
            "positiveInteger",
            "nonPositiveInteger",
            "negativeInteger",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "ID",
            "IDREF",
            "ENTITY",
            "anySimpleType",
            "NMTOKENS",
            "IDREFS",
            "ENTITIES",
            "anyURI"
        ]
    );
    assert!(matches!(
        &def(&model, VALUES, "BigCount").kind,
        TypeKind::Alias(TypeRef::Builtin(Builtin::PositiveInteger))
    ));
}

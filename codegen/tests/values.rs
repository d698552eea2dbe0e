//! The XSD value constructs beyond the plain built-ins, at the model stage: `xs:base64Binary`
//! and the other XSD 1.0 built-ins WCF emits, `xs:list` simple types (of an anonymous enumeration
//! too: WCF's `[Flags]` enums) and `xs:element ref=`.
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

const LISTS: &str = "http://example.com/lists/";

#[test]
fn list_types_are_lists_of_their_item_type() {
    let model = model_fixture("lists.wsdl", &Config::default());
    let list = |local: &str| match &def(&model, LISTS, local).kind {
        TypeKind::List(item) => item.clone(),
        other => panic!("{local}: {other:?}"),
    };
    assert_eq!(list("IntList"), TypeRef::Builtin(Builtin::Int));
    assert_eq!(list("ColorList"), TypeRef::Named(QName::new(LISTS, "Color")));
    assert_eq!(list("PriceList"), TypeRef::Builtin(Builtin::Decimal));
    assert_eq!(list("CodeList"), TypeRef::Named(QName::new(LISTS, "Code")));
    assert!(matches!(
        &def(&model, LISTS, "ShortIntList").kind,
        TypeKind::Alias(TypeRef::Named(q)) if q.local == "IntList"
    ));
    let row = &members(def(&model, LISTS, "Grid"))[3];
    assert_eq!((row.name.as_str(), row.max_occurs), ("Row", MaxOccurs::Unbounded));
}

/// A WSDL whose one schema holds `types`.
fn schema(types: &str) -> String {
    format!(
        r#"<wsdl:definitions targetNamespace="urn:t" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:t">
  <wsdl:types>
    <xs:schema elementFormDefault="qualified" targetNamespace="urn:t">
{types}
    </xs:schema>
  </wsdl:types>
</wsdl:definitions>"#
    )
}

fn refused(types: &str) -> codegen::Error {
    match common::generate_text("bad.wsdl", &schema(types), &Config::default()) {
        Ok(_) => panic!("generated:\n{types}"),
        Err(e) => e,
    }
}

#[test]
fn lists_of_lists_and_complex_or_qname_items_are_refused_by_name() {
    let cases = [
        (
            r#"<xs:simpleType name="L"><xs:list itemType="xs:int" /></xs:simpleType>
               <xs:simpleType name="LL"><xs:list itemType="tns:L" /></xs:simpleType>"#,
            "list type {urn:t}LL: a list of lists",
            "definitions/types/schema/simpleType[@name='LL']",
        ),
        (
            r#"<xs:simpleType name="LL"><xs:list itemType="xs:NMTOKENS" /></xs:simpleType>"#,
            "list type {urn:t}LL: a list of lists",
            "definitions/types/schema/simpleType[@name='LL']",
        ),
        (
            r#"<xs:simpleType name="LL"><xs:list><xs:simpleType><xs:list itemType="xs:int" /></xs:simpleType></xs:list></xs:simpleType>"#,
            "list type {urn:t}LL: a list of lists",
            "definitions/types/schema/simpleType[@name='LL']",
        ),
        (
            r#"<xs:complexType name="C"><xs:sequence /></xs:complexType>
               <xs:simpleType name="L"><xs:list itemType="tns:C" /></xs:simpleType>"#,
            "list type {urn:t}L: item type {urn:t}C is a complex type, not a simple one",
            "definitions/types/schema/simpleType[@name='L']",
        ),
        (
            r#"<xs:simpleType name="LL"><xs:list><xs:simpleType><xs:restriction base="xs:NMTOKENS"><xs:enumeration value="a" /></xs:restriction></xs:simpleType></xs:list></xs:simpleType>"#,
            "list type {urn:t}LL: a list of lists",
            "definitions/types/schema/simpleType[@name='LL']",
        ),
        (
            r#"<xs:simpleType name="L"><xs:list itemType="xs:int" /></xs:simpleType>
               <xs:simpleType name="LL"><xs:list><xs:simpleType><xs:restriction base="tns:L"><xs:enumeration value="1" /></xs:restriction></xs:simpleType></xs:list></xs:simpleType>"#,
            "list type {urn:t}LL: a list of lists",
            "definitions/types/schema/simpleType[@name='LL']",
        ),
        (
            r#"<xs:simpleType name="L"><xs:list><xs:simpleType><xs:restriction base="xs:QName"><xs:enumeration value="a" /></xs:restriction></xs:simpleType></xs:list></xs:simpleType>"#,
            "list type {urn:t}L: xs:QName items (a list of names, each resolved against the element's namespace declarations)",
            "definitions/types/schema/simpleType[@name='L']",
        ),
    ];
    for (types, message, path) in cases {
        let e = refused(types);
        assert_eq!(e.kind, codegen::ErrorKind::Unsupported(message.into()), "{e}");
        assert_eq!(e.path, path, "{e}");
    }
    let e = refused(r#"<xs:simpleType name="L"><xs:list itemType="tns:Nothing" /></xs:simpleType>"#);
    assert!(
        matches!(e.kind, codegen::ErrorKind::Unresolved { what: "type", .. }),
        "{e}"
    );
}

const LOCKERS: &str = "http://example.com/lockers/";

#[test]
fn a_list_of_an_anonymous_enumeration_is_a_list_of_an_enumeration_named_after_it() {
    let model = model_fixture("flags.wsdl", &Config::default());
    let item = |local: &str| TypeRef::Named(QName::new(LOCKERS, local));
    // `{List}Item`; `AlertsItem` is a declared type, so the Alerts items are `AlertsItem2`.
    for (list, item_name, values) in [
        ("Access", "AccessItem", &["Read", "Write", "Lend"][..]),
        ("Alerts", "AlertsItem2", &["Opened", "Forced", "low-battery"][..]),
    ] {
        let l = def(&model, LOCKERS, list);
        assert!(matches!(&l.kind, TypeKind::List(r) if *r == item(item_name)), "{l:?}");
        assert_eq!(l.list, None);
        let e = def(&model, LOCKERS, item_name);
        match &e.kind {
            TypeKind::Enum(en) => assert_eq!(en.values, values),
            other => panic!("{item_name}: {other:?}"),
        }
        assert_eq!(e.list.as_ref(), Some(&l.name));
        // Declared in the imported schema, at the anonymous type.
        assert_eq!(e.loc.file, "flags.xsd");
        assert_eq!(e.loc.path, format!("schema/simpleType[@name='{list}']/list/simpleType"));
        // Reached by the messages through the list.
        assert_eq!((e.usage.request, e.usage.response), (true, true), "{item_name}");
        // Right after its list type.
        let at = |q: &QName| model.types.iter().position(|t| t.name == *q).unwrap();
        assert_eq!(at(&e.name), at(&l.name) + 1);
    }
    assert!(matches!(def(&model, LOCKERS, "AlertsItem").kind, TypeKind::Struct(_)));
    assert_eq!(
        def(&model, LOCKERS, "Access").doc.as_deref(),
        Some("What a key holder may do with a locker.")
    );
    assert_eq!(def(&model, LOCKERS, "AccessItem").doc, None);
    let one = MaxOccurs::Bounded(1);
    assert_eq!(
        shapes(def(&model, LOCKERS, "Locker")),
        [
            ("Number", &TypeRef::Builtin(Builtin::Int), 1, one, false),
            ("Access", &item("Access"), 1, one, false),
            ("Notify", &item("Alerts"), 0, one, true),
            ("Past", &item("Access"), 0, MaxOccurs::Unbounded, false),
        ]
    );
}

#[test]
fn the_names_of_anonymous_list_items_avoid_every_declared_type_name() {
    let types = r#"<xs:simpleType name="F"><xs:list><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="a" /></xs:restriction></xs:simpleType></xs:list></xs:simpleType>
        <xs:simpleType name="FItem"><xs:list><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="b" /></xs:restriction></xs:simpleType></xs:list></xs:simpleType>
        <xs:simpleType name="FItem2"><xs:restriction base="xs:string" /></xs:simpleType>"#;
    let text = schema(types);
    let defs = codegen::read::read("t.wsdl", &text).unwrap_or_else(|e| panic!("{e}"));
    let model = codegen::model::Model::build("t.wsdl", &defs, &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = model.types.iter().map(|t| t.name.local.as_str()).collect();
    assert_eq!(names, ["F", "FItem3", "FItem", "FItemItem", "FItem2"]);
    let out = common::generate_text("t.wsdl", &text, &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    let types = out.file("types.rs").unwrap();
    assert!(types.contains("pub type F = Vec<FItem3>;"), "{types}");
    assert!(types.contains("pub type FItem = Vec<FItemItem>;"), "{types}");
    assert!(types.contains("pub type FItem2 = String;"), "{types}");
}

const CODES: &str = "http://example.com/codes/";

#[test]
fn qnames_are_a_builtin_with_their_occurrence_and_restrictions_alias_it() {
    let model = model_fixture("qnames.wsdl", &Config::default());
    let qn = TypeRef::Builtin(Builtin::QName);
    let one = MaxOccurs::Bounded(1);
    let reason = TypeRef::Named(QName::new(CODES, "ReasonCode"));
    assert_eq!(
        shapes(def(&model, CODES, "Outcome")),
        [
            ("Code", &qn, 1, one, false),
            ("Subcode", &qn, 0, one, false),
            ("Cause", &qn, 1, one, true),
            ("Origin", &qn, 0, one, true),
            ("Seen", &qn, 0, MaxOccurs::Unbounded, false),
            ("Reason", &reason, 0, one, false),
        ]
    );
    assert!(matches!(&def(&model, CODES, "ReasonCode").kind, TypeKind::Alias(r) if *r == qn));
    assert_eq!(Builtin::QName.schema_name(), "QName");
}

const BAG: &str = "http://example.com/bag/";

#[test]
fn any_type_and_untyped_elements_are_the_any_type_builtin() {
    let model = model_fixture("anys.wsdl", &Config::default());
    let any = TypeRef::Builtin(Builtin::AnyType);
    let one = MaxOccurs::Bounded(1);
    assert_eq!(
        shapes(def(&model, BAG, "Bag")),
        [
            ("Label", &TypeRef::Builtin(Builtin::String), 1, one, false),
            ("Value", &any, 1, one, false),
            ("Extra", &any, 0, one, true),
            ("Item", &any, 0, MaxOccurs::Unbounded, false),
            ("Untyped", &any, 0, one, false),
        ]
    );
    assert_eq!(Builtin::AnyType.schema_name(), "anyType");
}

#[test]
fn lists_and_enumerations_of_qnames_are_refused_by_name() {
    for (decl, start) in [
        (
            r#"<xs:simpleType name="S"><xs:list itemType="xs:QName" /></xs:simpleType>"#,
            "list type {urn:t}S: xs:QName items (",
        ),
        (
            r#"<xs:simpleType name="Q"><xs:restriction base="xs:QName" /></xs:simpleType>
               <xs:simpleType name="S"><xs:list itemType="tns:Q" /></xs:simpleType>"#,
            "list type {urn:t}S: xs:QName items (",
        ),
        (
            r#"<xs:simpleType name="S"><xs:restriction base="xs:QName"><xs:enumeration value="tns:A" /></xs:restriction></xs:simpleType>"#,
            "enumeration {urn:t}S of xs:QName values (",
        ),
    ] {
        let e = refused(decl);
        match &e.kind {
            codegen::ErrorKind::Unsupported(m) => assert!(m.starts_with(start), "{e}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn notation_and_lists_of_any_type_are_refused_by_name() {
    let e = refused(r#"<xs:simpleType name="S"><xs:list itemType="xs:anyType" /></xs:simpleType>"#);
    assert_eq!(
        e.kind,
        codegen::ErrorKind::Unsupported("list type {urn:t}S: xs:anyType items (not a simple type)".into()),
        "{e}"
    );
    let e = refused(
        r#"<xs:complexType name="C"><xs:sequence><xs:element name="V" type="xs:NOTATION" /></xs:sequence></xs:complexType>"#,
    );
    assert_eq!(
        e.kind,
        codegen::ErrorKind::Unsupported("built-in type xs:NOTATION".into()),
        "{e}"
    );
    assert_eq!(
        e.path,
        "definitions/types/schema/complexType[@name='C']/sequence/element[@name='V']"
    );
    let e = refused(r#"<xs:simpleType name="U"><xs:union memberTypes="xs:QName xs:int" /></xs:simpleType>"#);
    assert_eq!(
        e.kind,
        codegen::ErrorKind::Unsupported("xs:union simple type".into()),
        "{e}"
    );
}

#[test]
fn element_refs_take_the_global_declaration_and_the_particle_occurrence() {
    let model = model_fixture("element_ref.wsdl", &Config::default());
    let letter = def(&model, "http://example.com/refs/", "Letter");
    let got: Vec<(&str, &str, u32, MaxOccurs, bool)> = members(letter)
        .iter()
        .map(|m| (m.name.as_str(), m.ns.as_str(), m.min_occurs, m.max_occurs, m.nillable))
        .collect();
    let one = MaxOccurs::Bounded(1);
    assert_eq!(
        got,
        [
            ("Note", "http://example.com/common/", 1, one, true),
            ("Stamp", "http://example.com/common/", 0, one, false),
            ("Tag", "http://example.com/refs/", 0, MaxOccurs::Unbounded, false),
            ("Body", "http://example.com/refs/", 1, one, false),
        ]
    );
    assert_eq!(members(letter)[1].ty, TypeRef::Builtin(Builtin::DateTime));
    assert_eq!(
        members(letter)[2].ty,
        TypeRef::Named(QName::new("http://example.com/refs/", "Tag"))
    );
}

#[test]
fn unresolved_and_anonymous_element_refs_are_errors() {
    let e = refused(
        r#"<xs:complexType name="C"><xs:sequence><xs:element ref="tns:Missing" /></xs:sequence></xs:complexType>"#,
    );
    assert_eq!(
        e.kind,
        codegen::ErrorKind::Unresolved {
            what: "element",
            name: "{urn:t}Missing".into()
        },
        "{e}"
    );
    assert_eq!(
        e.path,
        "definitions/types/schema/complexType[@name='C']/sequence/element"
    );
    let e = refused(
        r#"<xs:element name="G"><xs:complexType><xs:sequence /></xs:complexType></xs:element>
           <xs:complexType name="C"><xs:sequence><xs:element ref="tns:G" /></xs:sequence></xs:complexType>"#,
    );
    assert_eq!(
        e.kind,
        codegen::ErrorKind::Unsupported("anonymous complex type on a member element (name the type)".into()),
        "{e}"
    );
}

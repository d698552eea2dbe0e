//! Stage 1 (read): WSDL text → syntax tree. Every prefix is resolved to a namespace URI here,
//! and every declaration keeps its element path and source line.

mod common;

use codegen::read::{MaxOccurs, SERIALIZATION_NS, XSD_NS};
use codegen::QName;
use common::{fixture, line_of, read_fixture};

const SHOP: &str = "http://example.com/shop/";

fn xs(local: &str) -> Option<QName> {
    Some(QName::new(XSD_NS, local))
}

#[test]
fn wsdl_messages_port_types_bindings_and_services() {
    let defs = read_fixture("service.wsdl");
    assert_eq!(defs.target_ns, SHOP);
    assert_eq!(defs.schemas.len(), 1);

    let names: Vec<&QName> = defs.messages.iter().map(|m| &m.name).collect();
    assert_eq!(
        names,
        [
            &QName::new(SHOP, "Shop_Ping_InputMessage"),
            &QName::new(SHOP, "Shop_Ping_OutputMessage")
        ]
    );
    let part = &defs.messages[0].parts[0];
    assert_eq!(part.name, "parameters");
    assert_eq!(part.element, Some(QName::new(SHOP, "Ping")));

    let [port_type] = defs.port_types.as_slice() else {
        panic!("one portType")
    };
    assert_eq!(port_type.name, QName::new(SHOP, "Shop"));
    let op = &port_type.operations[0];
    assert_eq!(op.name, "Ping");
    assert_eq!(op.input, Some(QName::new(SHOP, "Shop_Ping_InputMessage")));
    assert_eq!(op.output, Some(QName::new(SHOP, "Shop_Ping_OutputMessage")));
    assert_eq!(op.doc.as_deref(), Some("Answers with the message it was sent."));

    // The SOAP 1.2 binding is skipped; the SOAP 1.1 one keeps its soapAction.
    let [binding] = defs.bindings.as_slice() else {
        panic!("one SOAP 1.1 binding")
    };
    assert_eq!(binding.name, QName::new(SHOP, "BasicHttpBinding_Shop"));
    assert_eq!(binding.port_type, QName::new(SHOP, "Shop"));
    assert_eq!(binding.operations[0].name, "Ping");
    assert_eq!(binding.operations[0].soap_action, "http://example.com/shop/Shop/Ping");

    let [service] = defs.services.as_slice() else {
        panic!("one service")
    };
    assert_eq!(service.name, "ShopService");
    let ports: Vec<(&str, &QName, Option<&str>)> = service
        .ports
        .iter()
        .map(|p| (p.name.as_str(), &p.binding, p.address.as_deref()))
        .collect();
    assert_eq!(
        ports,
        [
            ("WSHttpBinding_Shop", &QName::new(SHOP, "WSHttpBinding_Shop"), None),
            (
                "BasicHttpBinding_Shop",
                &QName::new(SHOP, "BasicHttpBinding_Shop"),
                Some("https://example.com/shop.svc")
            ),
        ]
    );
}

#[test]
fn declarations_carry_their_element_path_and_line() {
    let text = fixture("service.wsdl");
    let defs = read_fixture("service.wsdl");
    let schema = &defs.schemas[0];
    assert_eq!(schema.loc.path, "definitions/types/schema");
    assert_eq!(schema.loc.line, Some(line_of(&text, "<xs:schema")));

    let ping_req = schema
        .complex_types
        .iter()
        .find(|t| t.name.as_deref() == Some("PingReq"))
        .unwrap();
    assert_eq!(
        ping_req.loc.path,
        "definitions/types/schema/complexType[@name='PingReq']"
    );
    assert_eq!(ping_req.loc.line, Some(line_of(&text, "name=\"PingReq\"")));
    assert_eq!(ping_req.loc.line, Some(29));
    let message = &ping_req.sequence[0];
    assert_eq!(
        message.loc.path,
        "definitions/types/schema/complexType[@name='PingReq']/sequence/element[@name='Message']"
    );
    assert_eq!(message.loc.line, Some(line_of(&text, "name=\"Message\"")));

    let op = &defs.port_types[0].operations[0];
    assert_eq!(
        op.loc.path,
        "definitions/portType[@name='Shop']/operation[@name='Ping']"
    );
    let bop = &defs.bindings[0].operations[0];
    assert_eq!(
        bop.loc.path,
        "definitions/binding[@name='BasicHttpBinding_Shop']/operation[@name='Ping']"
    );
    assert_eq!(bop.loc.line, Some(line_of(&text, "Shop/Ping\" style") - 1));
}

#[test]
fn unnamed_siblings_are_numbered_in_paths() {
    let defs = read_fixture("imports.wsdl");
    let paths: Vec<&str> = defs.schemas.iter().map(|s| s.loc.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "definitions/types/schema[1]",
            "definitions/types/schema[2]",
            "definitions/types/schema[3]"
        ]
    );
    assert_eq!(
        defs.schemas[1].complex_types[1].loc.path,
        "definitions/types/schema[2]/complexType[@name='Party']"
    );
}

#[test]
fn sequence_members_keep_document_order_types_and_docs() {
    let defs = read_fixture("sequence.wsdl");
    let product = &defs.schemas[0].complex_types[0];
    assert_eq!(product.name.as_deref(), Some("Product"));
    assert_eq!(product.doc.as_deref(), Some("A thing for sale."));
    assert_eq!(product.base, None);
    let members: Vec<(&str, Option<QName>)> = product
        .sequence
        .iter()
        .map(|e| (e.name.as_str(), e.type_ref.clone()))
        .collect();
    assert_eq!(
        members,
        [
            ("Sku", xs("string")),
            ("Name", xs("string")),
            ("InStock", xs("boolean")),
            ("Quantity", xs("int")),
            ("Weight", xs("double")),
            ("Price", xs("decimal")),
            ("Added", xs("dateTime")),
            ("Rank", xs("long")),
            ("Shelf", xs("unsignedByte")),
            ("Homepage", xs("anyURI")),
        ]
    );
    assert_eq!(product.sequence[0].doc.as_deref(), Some("Stock keeping unit."));
    assert_eq!(product.sequence[1].doc, None);
    assert!(
        defs.schemas[0].complex_types[1].sequence.is_empty(),
        "Empty has no members"
    );
}

#[test]
fn extension_records_the_base_and_only_own_members() {
    let defs = read_fixture("extension.wsdl");
    let types = &defs.schemas[0].complex_types;
    let car = &types[0];
    assert_eq!(car.base, Some(QName::new(SHOP, "Vehicle")));
    let own: Vec<&str> = car.sequence.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(own, ["Doors"]);
    let vehicle = &types[1];
    assert_eq!(vehicle.base, Some(QName::new(SHOP, "Thing")));
    assert_eq!(vehicle.sequence.len(), 2);
    let marker = &types[3];
    assert_eq!(marker.base, Some(QName::new(SHOP, "Thing")));
    assert!(marker.sequence.is_empty());
    assert_eq!(marker.doc.as_deref(), Some("Extends without adding members."));
}

#[test]
fn global_elements_are_read_with_their_type_or_inline_type() {
    let defs = read_fixture("elements.wsdl");
    let schema = &defs.schemas[0];
    let [order, place_order] = schema.elements.as_slice() else {
        panic!("two global elements")
    };
    assert_eq!(order.name, "Order");
    assert_eq!(order.type_ref, Some(QName::new(SHOP, "Order")));
    assert!(order.nillable);
    assert!(order.inline_type.is_none());

    assert_eq!(place_order.name, "PlaceOrder");
    assert_eq!(place_order.type_ref, None);
    assert_eq!(place_order.doc.as_deref(), Some("Operation wrapper."));
    let inline = place_order.inline_type.as_ref().expect("anonymous complex type");
    assert_eq!(inline.name, None);
    let child = &inline.sequence[0];
    assert_eq!(
        (
            child.name.as_str(),
            child.type_ref.clone(),
            child.min_occurs,
            child.nillable
        ),
        ("order", Some(QName::new(SHOP, "Order")), 0, true)
    );
    assert_eq!(
        child.loc.path,
        "definitions/types/schema/element[@name='PlaceOrder']/complexType/sequence/element[@name='order']"
    );
}

#[test]
fn simple_types_keep_their_enumerations_and_ignore_lexical_facets() {
    let defs = read_fixture("enums.wsdl");
    let simple = &defs.schemas[0].simple_types;
    let summary: Vec<(&str, &QName, Vec<&str>)> = simple
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                &s.base,
                s.enumerations.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Color", &QName::new(XSD_NS, "string"), vec!["Red", "Green", "Blue"]),
            ("ZipCode", &QName::new(XSD_NS, "string"), vec![]),
            ("Percent", &QName::new(XSD_NS, "int"), vec![]),
        ]
    );
    assert_eq!(simple[0].doc.as_deref(), Some("Paint colors."));
}

#[test]
fn occurrence_and_nillable_attributes() {
    let defs = read_fixture("occurs.wsdl");
    let occurrences = &defs.schemas[0].complex_types[1];
    let got: Vec<(&str, u32, MaxOccurs, bool)> = occurrences
        .sequence
        .iter()
        .map(|e| (e.name.as_str(), e.min_occurs, e.max_occurs, e.nillable))
        .collect();
    use MaxOccurs::{Bounded, Unbounded};
    assert_eq!(
        got,
        [
            ("Required", 1, Bounded(1), false),
            ("RequiredExplicit", 1, Bounded(1), false),
            ("RequiredNil", 1, Bounded(1), true),
            ("Optional", 0, Bounded(1), false),
            ("OptionalNil", 0, Bounded(1), true),
            ("Many", 0, Unbounded, false),
            ("Some", 1, Bounded(3), false),
            ("ManyNil", 0, Unbounded, true),
            ("OptionalTag", 0, Bounded(1), false),
            ("OptionalNilTag", 0, Bounded(1), true),
        ]
    );
}

#[test]
fn emit_default_value_annotation() {
    let defs = read_fixture("emit_default_value.wsdl");
    let members = &defs.schemas[0].complex_types[0].sequence;
    let got: Vec<(&str, Option<bool>, Option<&str>)> = members
        .iter()
        .map(|e| (e.name.as_str(), e.emit_default_value, e.doc.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("Line1", Some(false), None),
            ("Line2", Some(true), Some("Second address line.")),
            ("City", None, None),
        ]
    );
}

#[test]
fn cross_schema_imports_and_prefixes_declared_on_the_element() {
    let defs = read_fixture("imports.wsdl");
    let [shop, common_ns, legacy] = defs.schemas.as_slice() else {
        panic!("three schemas")
    };
    let imports: Vec<&str> = shop.imports.iter().map(|(ns, _)| ns.as_str()).collect();
    assert_eq!(imports, ["http://example.com/common", "http://example.com/legacy"]);
    assert_eq!(
        shop.imports[1].1.path, "definitions/types/schema[1]/import[2]",
        "imports keep their location"
    );
    assert!(shop.qualified && common_ns.qualified && !legacy.qualified);
    assert_eq!(legacy.target_ns, "http://example.com/legacy");

    let invoice = &shop.complex_types[0];
    assert_eq!(invoice.base, Some(QName::new("http://example.com/common", "Document")));
    let refs: Vec<Option<QName>> = invoice.sequence.iter().map(|e| e.type_ref.clone()).collect();
    assert_eq!(
        refs,
        [
            Some(QName::new("http://example.com/common", "Party")),
            Some(QName::new("http://example.com/legacy", "Code")),
        ]
    );
}

#[test]
fn namespaces_that_differ_by_a_trailing_slash_stay_distinct() {
    let defs = read_fixture("trailing_slash.wsdl");
    let namespaces: Vec<&str> = defs.schemas.iter().map(|s| s.target_ns.as_str()).collect();
    assert_eq!(namespaces, ["http://example.com/api/", "http://example.com/api"]);
    let wrapper = &defs.schemas[0].elements[0];
    let child = &wrapper.inline_type.as_ref().unwrap().sequence[0];
    assert_eq!(
        child.type_ref,
        Some(QName::new("http://example.com/api", "GetLocationsReq"))
    );
    let req = &defs.schemas[1].complex_types[0];
    assert_eq!(req.base, Some(QName::new("http://example.com/api/", "RequestBase")));
    assert_eq!(
        req.sequence[0].type_ref,
        Some(QName::new("http://example.com/api", "Filter"))
    );
}

#[test]
fn wcf_serialization_schema_is_read_like_any_other() {
    let defs = read_fixture("wcf.wsdl");
    let ser = &defs.schemas[1];
    assert_eq!(ser.target_ns, SERIALIZATION_NS);
    let simple: Vec<(&str, &str)> = ser
        .simple_types
        .iter()
        .map(|s| (s.name.as_str(), s.base.local.as_str()))
        .collect();
    assert_eq!(simple, [("guid", "string"), ("char", "int"), ("duration", "duration")]);
    let visit = &defs.schemas[0].complex_types[0];
    assert_eq!(visit.sequence[0].type_ref, Some(QName::new(SERIALIZATION_NS, "guid")));
    // Global elements are kept (unused ones do no harm), global attributes are skipped.
    assert_eq!(ser.elements.len(), 4);
}

#[test]
fn operations_without_style_default_to_document() {
    let defs = read_fixture("operations.wsdl");
    let actions: Vec<(&str, &str)> = defs.bindings[0]
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o.soap_action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("UpdateThing", "http://example.com/ops/Things/UpdateThing"),
            ("RemoveThing", "urn:example:things:remove"),
            ("GetThings", "http://example.com/ops/Things/GetThings"),
        ]
    );
}

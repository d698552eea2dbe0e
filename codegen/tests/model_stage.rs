//! Stage 2 (model): every reference resolved, base members flattened in wire order, element
//! namespaces decided, collections detected, recursion boxed, overrides applied.

mod common;

use codegen::model::{Builtin, Model, TypeDef, TypeKind, TypeRef, Usage};
use codegen::read::MaxOccurs;
use codegen::{Config, QName};
use common::model_fixture;

const SHOP: &str = "http://example.com/shop/";

fn def<'m>(model: &'m Model, ns: &str, local: &str) -> &'m TypeDef {
    model
        .get(&QName::new(ns, local))
        .unwrap_or_else(|| panic!("{{{ns}}}{local} is not in the model"))
}

fn members(t: &TypeDef) -> &[codegen::model::Member] {
    match &t.kind {
        TypeKind::Struct(s) => &s.members,
        other => panic!("{} is not a struct: {other:?}", t.name),
    }
}

fn named(ns: &str, local: &str) -> TypeRef {
    TypeRef::Named(QName::new(ns, local))
}

#[test]
fn base_members_come_first_whatever_the_declaration_order() {
    let model = model_fixture("extension.wsdl", &Config::default());
    let car = def(&model, SHOP, "Car");
    let got: Vec<(&str, &str)> = members(car)
        .iter()
        .map(|m| (m.name.as_str(), m.declared_in.local.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Id", "Thing"),
            ("Wheels", "Vehicle"),
            ("Make", "Vehicle"),
            ("Doors", "Car")
        ]
    );
    let TypeKind::Struct(s) = &car.kind else { unreachable!() };
    assert_eq!(s.base, Some(QName::new(SHOP, "Vehicle")));
    let bases: Vec<&str> = model.bases(&car.name).iter().map(|q| q.local.as_str()).collect();
    assert_eq!(bases, ["Vehicle", "Thing"]);
    assert!(model.bases(&QName::new(SHOP, "Thing")).is_empty());
    let marker: Vec<&str> = members(def(&model, SHOP, "Marker"))
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(marker, ["Id"]);
}

#[test]
fn types_keep_document_order_complex_before_simple_per_schema() {
    let model = model_fixture("enums.wsdl", &Config::default());
    let order: Vec<&str> = model.types.iter().map(|t| t.name.local.as_str()).collect();
    assert_eq!(order, ["Paint", "Color", "ZipCode", "Percent"]);
    match &def(&model, SHOP, "Color").kind {
        TypeKind::Enum(e) => assert_eq!(e.values, ["Red", "Green", "Blue"]),
        other => panic!("Color: {other:?}"),
    }
    assert!(matches!(
        def(&model, SHOP, "ZipCode").kind,
        TypeKind::Alias(TypeRef::Builtin(Builtin::String))
    ));
    assert!(matches!(
        def(&model, SHOP, "Percent").kind,
        TypeKind::Alias(TypeRef::Builtin(Builtin::Int))
    ));
}

#[test]
fn every_element_is_in_the_namespace_of_the_schema_that_declares_it() {
    let model = model_fixture("imports.wsdl", &Config::default());
    assert_eq!(
        model.namespaces,
        [SHOP, "http://example.com/common", "http://example.com/legacy"]
    );
    let invoice = def(&model, SHOP, "Invoice");
    let got: Vec<(&str, &str, &TypeRef)> = members(invoice)
        .iter()
        .map(|m| (m.name.as_str(), m.ns.as_str(), &m.ty))
        .collect();
    assert_eq!(
        got,
        [
            ("Id", "http://example.com/common", &TypeRef::Builtin(Builtin::Int)),
            ("Customer", SHOP, &named("http://example.com/common", "Party")),
            ("Code", SHOP, &named("http://example.com/legacy", "Code")),
        ]
    );
    // The unqualified schema's local elements are in no namespace.
    assert_eq!(members(def(&model, "http://example.com/legacy", "Code"))[0].ns, "");
}

#[test]
fn trailing_slash_namespaces_are_different_namespaces() {
    let model = model_fixture("trailing_slash.wsdl", &Config::default());
    let (slash, bare) = ("http://example.com/api/", "http://example.com/api");
    assert_eq!(model.namespaces, [slash, bare]);
    let req = def(&model, bare, "GetLocationsReq");
    let got: Vec<(&str, &str, &TypeRef)> = members(req)
        .iter()
        .map(|m| (m.name.as_str(), m.ns.as_str(), &m.ty))
        .collect();
    assert_eq!(
        got,
        [
            ("Header", slash, &named(slash, "Header")),
            ("Filter", bare, &named(bare, "Filter")),
        ]
    );
    assert!(model.get(&QName::new(slash, "Filter")).is_some());

    let [op] = model.operations.as_slice() else {
        panic!("one operation")
    };
    assert_eq!(op.input.wrapper, QName::new(slash, "GetLocations"));
    assert_eq!(
        (
            op.input.child.as_ref().unwrap().name.as_str(),
            op.input.child.as_ref().unwrap().ns.as_str()
        ),
        ("request", slash)
    );
    assert_eq!(op.input.child.as_ref().unwrap().ty, named(bare, "GetLocationsReq"));
    assert_eq!(op.output.wrapper, QName::new(slash, "GetLocationsResponse"));
    assert_eq!(op.output.child.as_ref().unwrap().name, "GetLocationsResult");
    assert_eq!(op.output.child.as_ref().unwrap().ty, named(bare, "GetLocationsResp"));
}

#[test]
fn operations_follow_the_binding_with_names_from_the_wsdl() {
    let config = Config {
        read_only_operations: vec!["GetThings".into()],
        ..Config::default()
    };
    let model = model_fixture("operations.wsdl", &config);
    let ops: Vec<(&str, &str, &str, &str, &str, &str, bool)> = model
        .operations
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.soap_action.as_str(),
                o.input.wrapper.local.as_str(),
                o.input.child.as_ref().unwrap().name.as_str(),
                o.output.wrapper.local.as_str(),
                o.output.child.as_ref().unwrap().name.as_str(),
                o.read_only,
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            (
                "UpdateThing",
                "http://example.com/ops/Things/UpdateThing",
                "UpdateThing",
                "UpdateThingReq",
                "UpdateThingResponse",
                "UpdateThingResult",
                false
            ),
            (
                "RemoveThing",
                "urn:example:things:remove",
                "RemoveThing",
                "thing",
                "RemoveThingResponse",
                "RemoveThingResult",
                false
            ),
            (
                "GetThings",
                "http://example.com/ops/Things/GetThings",
                "GetThings",
                "request",
                "GetThingsResponse",
                "GetThingsResult",
                true
            ),
        ]
    );
    let remove = &model.operations[1];
    assert_eq!(
        remove.input.child.as_ref().unwrap().ty,
        named("http://example.com/ops/", "ThingRef")
    );
    assert_eq!(
        (
            remove.input.child.as_ref().unwrap().min_occurs,
            remove.input.child.as_ref().unwrap().nillable
        ),
        (1, false)
    );
    assert!(model.service.is_none(), "operations.wsdl declares no service");
}

#[test]
fn the_service_endpoint_is_the_soap_11_port_of_the_binding() {
    let model = model_fixture("service.wsdl", &Config::default());
    let service = model.service.as_ref().expect("service");
    assert_eq!(
        (service.name.as_str(), service.port.as_str(), service.address.as_str()),
        ("ShopService", "BasicHttpBinding_Shop", "https://example.com/shop.svc")
    );
    assert_eq!(model.operations[0].soap_action, "http://example.com/shop/Shop/Ping");
    assert_eq!(
        model.operations[0].doc.as_deref(),
        Some("Answers with the message it was sent.")
    );
}

#[test]
fn collections_are_detected_by_structure() {
    let model = model_fixture("arrays.wsdl", &Config::default());
    let arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    let item = |ns: &str, local: &str| match &def(&model, ns, local).kind {
        TypeKind::Array(a) => Some((
            a.item.name.clone(),
            a.item.ty.clone(),
            a.item.nillable,
            a.item.ns.clone(),
        )),
        _ => None,
    };
    assert_eq!(
        item(SHOP, "ArrayOfTag"),
        Some(("Tag".into(), named(SHOP, "Tag"), true, SHOP.into()))
    );
    assert_eq!(
        item(SHOP, "TagList"),
        Some(("Entry".into(), named(SHOP, "Tag"), false, SHOP.into()))
    );
    assert_eq!(
        item(arrays, "ArrayOfstring"),
        Some(("string".into(), TypeRef::Builtin(Builtin::String), true, arrays.into()))
    );
    assert_eq!(
        item(arrays, "ArrayOfint"),
        Some(("int".into(), TypeRef::Builtin(Builtin::Int), false, arrays.into()))
    );
    assert_eq!(item(SHOP, "Single"), None, "one member that does not repeat");
    assert_eq!(item(SHOP, "Page"), None, "a repeated member and another one");
    assert_eq!(item(SHOP, "Tag"), None);
}

#[test]
fn wcf_serialization_types_map_to_builtins() {
    let model = model_fixture("wcf.wsdl", &Config::default());
    let ser = codegen::read::SERIALIZATION_NS;
    for (local, builtin) in [
        ("guid", Builtin::Guid),
        ("char", Builtin::Char),
        ("duration", Builtin::Duration),
    ] {
        match &def(&model, ser, local).kind {
            TypeKind::Alias(TypeRef::Builtin(b)) => assert_eq!(*b, builtin, "ser:{local}"),
            other => panic!("ser:{local}: {other:?}"),
        }
    }
    let visit: Vec<&TypeRef> = members(def(&model, SHOP, "Visit")).iter().map(|m| &m.ty).collect();
    assert_eq!(
        visit,
        [
            &named(ser, "guid"),
            &named(ser, "char"),
            &named(ser, "duration"),
            &TypeRef::Builtin(Builtin::Duration)
        ]
    );
}

#[test]
fn occurrences_pass_through() {
    let model = model_fixture("occurs.wsdl", &Config::default());
    let got: Vec<(&str, u32, MaxOccurs, bool, bool)> = members(def(&model, SHOP, "Occurrences"))
        .iter()
        .map(|m| (m.name.as_str(), m.min_occurs, m.max_occurs, m.nillable, m.repeated()))
        .collect();
    assert_eq!(got[0], ("Required", 1, MaxOccurs::Bounded(1), false, false));
    assert_eq!(got[4], ("OptionalNil", 0, MaxOccurs::Bounded(1), true, false));
    assert_eq!(got[6], ("Some", 1, MaxOccurs::Bounded(3), false, true));
    assert_eq!(got[7], ("ManyNil", 0, MaxOccurs::Unbounded, true, true));
    let ann = model_fixture("emit_default_value.wsdl", &Config::default());
    let edv: Vec<Option<bool>> = members(def(&ann, SHOP, "Address"))
        .iter()
        .map(|m| m.emit_default_value)
        .collect();
    assert_eq!(edv, [Some(false), Some(true), None]);
}

#[test]
fn recursive_members_are_boxed_and_inherited_members_keep_the_box() {
    let tree = "http://example.com/tree/";
    let model = model_fixture("recursive.wsdl", &Config::default());
    let boxed = |local: &str| -> Vec<(String, bool)> {
        members(def(&model, tree, local))
            .iter()
            .map(|m| (m.name.clone(), m.boxed))
            .collect()
    };
    let pairs = |v: &[(&str, bool)]| -> Vec<(String, bool)> { v.iter().map(|(n, b)| (n.to_string(), *b)).collect() };
    assert_eq!(
        boxed("Node"),
        pairs(&[("Name", false), ("Parent", true), ("Children", false), ("Next", true)])
    );
    assert_eq!(boxed("Left"), pairs(&[("Right", true)]));
    assert_eq!(boxed("Right"), pairs(&[("Left", true)]));
    assert_eq!(boxed("Link"), pairs(&[("Label", false), ("Next", true)]));
    // WeightedLink's Next (inherited from Link) cannot lead back to WeightedLink, but it is boxed
    // as in Link, so the base part of a WeightedLink has Link's field types.
    assert_eq!(
        boxed("WeightedLink"),
        pairs(&[("Label", false), ("Next", true), ("Weight", false)])
    );
}

fn store_config() -> Config {
    common::fixture_config::config_for("overrides.wsdl")
}

#[test]
fn overrides_are_applied_in_the_model() {
    let store = "http://example.com/store/";
    let model = model_fixture("overrides.wsdl", &store_config());

    let filter = &members(def(&model, store, "ListReq"))[1];
    assert_eq!(filter.name, "Filter");
    assert!(filter.always_sent);
    assert_eq!(
        (filter.min_occurs, filter.nillable),
        (1, false),
        "schema says minOccurs=0 nillable"
    );

    let secrets: Vec<(&str, bool)> = members(def(&model, store, "Header"))
        .iter()
        .map(|m| (m.name.as_str(), m.secret))
        .collect();
    assert_eq!(secrets, [("ClientVersion", false), ("Key", true), ("Password", true)]);

    let ops: Vec<(&str, bool, Option<&str>)> = model
        .operations
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.read_only,
                o.context.as_ref().map(|c| c.name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("List", true, Some("Header")),
            ("Save", false, Some("Header")),
            ("Version", false, None)
        ]
    );
}

#[test]
fn usage_marks_the_directions_that_reach_a_type() {
    let store = "http://example.com/store/";
    let model = model_fixture("overrides.wsdl", &store_config());
    let usage = |local: &str| def(&model, store, local).usage;
    let request = Usage {
        request: true,
        response: false,
    };
    let response = Usage {
        request: false,
        response: true,
    };
    assert_eq!(usage("ListReq"), request);
    assert_eq!(usage("ListFilter"), request);
    assert_eq!(usage("Header"), request);
    assert_eq!(usage("ListResp"), response);
    // Base types are only reached through their derived types' flattened members.
    assert_eq!(usage("RequestBase"), Usage::default());
    assert_eq!(usage("ResponseBase"), Usage::default());
}

#[test]
fn wrappers_that_are_not_one_record_child_are_bare_bodies_of_their_own_type() {
    const MSG: &str = "http://example.com/msg/";
    let model = model_fixture("messages.wsdl", &Config::default());
    type Shape<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>);
    let shapes: Vec<Shape<'_>> = model
        .operations
        .iter()
        .flat_map(|o| [&o.input, &o.output])
        .map(|w| {
            let body = model.get(&w.body).expect("the body type is in the model");
            (
                w.wrapper.local.as_str(),
                w.body.local.as_str(),
                w.child.as_ref().map(|c| c.name.as_str()),
                body.name.ns.as_str(),
                body.element.as_ref().map(|e| e.local.as_str()),
            )
        })
        .collect();
    assert_eq!(
        shapes,
        [
            // A named type `Ping` exists: the wrapper's body type is numbered.
            ("Ping", "Ping2", None, MSG, Some("Ping")),
            ("PingResponse", "PingResponse", None, MSG, Some("PingResponse")),
            ("Count", "Count", None, MSG, Some("Count")),
            ("CountResponse", "CountResponse", None, MSG, Some("CountResponse")),
            ("ListItems", "ListReq", Some("request"), MSG, None),
            (
                "ListItemsResponse",
                "ListItemsResponse",
                None,
                MSG,
                Some("ListItemsResponse")
            ),
            ("TransferRequest", "TransferRequest", None, MSG, Some("TransferRequest")),
            ("TransferReceipt", "Receipt", None, MSG, None),
        ]
    );
    let members = |local: &str| match &model.get(&QName::new(MSG, local)).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => s
            .members
            .iter()
            .map(|m| (m.name.clone(), m.ns.clone(), m.ty.clone(), m.min_occurs, m.nillable))
            .collect::<Vec<_>>(),
        other => panic!("{local}: {other:?}"),
    };
    assert!(members("Ping2").is_empty() && members("PingResponse").is_empty() && members("Count").is_empty());
    assert_eq!(
        members("CountResponse"),
        [(
            "CountResult".into(),
            MSG.into(),
            TypeRef::Builtin(Builtin::Int),
            0,
            false
        )]
    );
    assert_eq!(
        members("ListItemsResponse"),
        [("ListItemsResult".into(), MSG.into(), named(MSG, "ArrayOfItem"), 0, true)]
    );
    let names: Vec<String> = members("TransferRequest").into_iter().map(|m| m.0).collect();
    assert_eq!(names, ["From", "To", "Amount", "Memo"]);
    // The wrapper types are message types like the others.
    let usage = |local: &str| model.get(&QName::new(MSG, local)).map(|t| t.usage);
    assert_eq!(
        usage("TransferRequest"),
        Some(Usage {
            request: true,
            response: false
        })
    );
    assert_eq!(
        usage("CountResponse"),
        Some(Usage {
            request: false,
            response: true
        })
    );
    assert_eq!(
        usage("Ping"),
        Some(Usage::default()),
        "the named type Ping is no message type"
    );
    assert_eq!(usage("Item").map(|u| (u.request, u.response)), Some((true, true)));
}

#[test]
fn declared_faults_name_their_detail_element_and_type() {
    const NS: &str = "http://example.com/faults/";
    let model = model_fixture("faults.wsdl", &Config::default());
    type Declared<'a> = Vec<(&'a str, &'a str, &'a str)>;
    let faults: Vec<(&str, Declared<'_>)> = model
        .operations
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.faults
                    .iter()
                    .map(|f| (f.name.as_str(), f.element.local.as_str(), f.detail.local.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        faults,
        [
            (
                "Lookup",
                vec![
                    ("NotFound", "NotFoundFault", "NotFoundFault"),
                    ("Denied", "Denied", "Denied")
                ]
            ),
            ("Delete", vec![("NotFound", "NotFoundFault", "NotFoundFault")]),
        ]
    );
    let denied = model.get(&QName::new(NS, "Denied")).expect("the anonymous detail type");
    assert_eq!(denied.element, Some(QName::new(NS, "Denied")));
    // Fault details are read from responses.
    for t in ["Denied", "NotFoundFault"] {
        let usage = model.get(&QName::new(NS, t)).map(|t| t.usage);
        assert_eq!(
            usage,
            Some(Usage {
                request: false,
                response: true
            }),
            "{t}"
        );
    }
}

#[test]
fn soap_header_parts_are_optional_members_of_their_message_named_after_their_element() {
    let model = model_fixture("headers.wsdl", &common::fixture_config::config_for("headers.wsdl"));
    let lookup = model.operations.iter().find(|o| o.name == "Lookup").expect("Lookup");
    let entries: Vec<(&str, &str, u32, bool, &str)> = lookup
        .input
        .headers
        .iter()
        .map(|h| {
            (
                h.name.as_str(),
                h.ns.as_str(),
                h.min_occurs,
                h.nillable,
                h.declared_in.local.as_str(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("ApiKey", "http://example.com/hdr/", 0, true, "Lookup_Headers"),
            ("Locale", "http://example.com/ctx/", 0, false, "Lookup_Headers"),
        ]
    );
    // The declared credential is found on the header member, and it is secret.
    assert_eq!(lookup.input.headers[0].credential.as_deref(), Some("api_key"));
    assert!(lookup.input.headers[0].secret);
    assert_eq!(
        lookup.input.headers[1].ty,
        codegen::model::TypeRef::Named(codegen::QName::new("http://example.com/ctx/", "Locale"))
    );
    let out: Vec<&str> = lookup.output.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(out, ["TraceId"]);
    // Header types are reached by the direction that carries them.
    let locale = model
        .get(&codegen::QName::new("http://example.com/ctx/", "Locale"))
        .expect("Locale");
    assert!(locale.usage.request && !locale.usage.response);
    let status = model.operations.iter().find(|o| o.name == "Status").expect("Status");
    assert!(status.input.headers.is_empty() && status.output.headers.is_empty());
}

//! The loader: contracts of several documents (`wsdl:import`, `xs:import@schemaLocation`,
//! `xs:include`), fetched through a callback, merged into one set of definitions.

mod common;

use std::cell::RefCell;
use std::collections::HashMap;

use codegen::load::{self, contract_digest, sha256_hex, Contract};
use codegen::model::{Model, TypeKind, TypeRef};
use codegen::{Config, ErrorKind, QName};
use common::line_of;

const SHOP: &str = "http://example.com/shop/";
const COMMON: &str = "http://example.com/common";
const ROOT: &str = "https://svc.example/shop/Shop.svc?wsdl";

const ROOT_WSDL: &str = r#"<wsdl:definitions targetNamespace="http://example.com/shop/"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="http://example.com/shop/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:import namespace="http://example.com/bind/" location="?wsdl=wsdl0" />
  <wsdl:types>
    <xs:schema targetNamespace="http://example.com/shop/Imports">
      <xs:import namespace="http://example.com/shop/" schemaLocation="?xsd=xsd0" />
      <xs:import namespace="http://example.com/common" schemaLocation="https://cdn.example/common.xsd" />
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="In"><wsdl:part name="parameters" element="tns:Ping" /></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="parameters" element="tns:PingResponse" /></wsdl:message>
  <wsdl:portType name="Shop">
    <wsdl:operation name="Ping">
      <wsdl:input message="tns:In" />
      <wsdl:output message="tns:Out" />
    </wsdl:operation>
  </wsdl:portType>
</wsdl:definitions>
"#;

/// Binding and service; imports the root back (a cycle).
const WSDL0: &str = r#"<wsdl:definitions targetNamespace="http://example.com/bind/"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:i0="http://example.com/shop/" xmlns:tns="http://example.com/bind/">
  <wsdl:import namespace="http://example.com/shop/" location="https://svc.example/shop/Shop.svc?wsdl" />
  <wsdl:binding name="B" type="i0:Shop">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Ping">
      <soap:operation soapAction="urn:ping" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="ShopService">
    <wsdl:port name="P" binding="tns:B"><soap:address location="https://svc.example/shop/Shop.svc" /></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"#;

/// The wrapper elements; includes two schemas (one of its own namespace, one chameleon) and
/// imports `common` by absolute URL.
const XSD0: &str = r#"<xs:schema elementFormDefault="qualified" targetNamespace="http://example.com/shop/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://example.com/shop/">
  <xs:include schemaLocation="parts/more.xsd" />
  <xs:include schemaLocation="parts/chameleon.xsd" />
  <xs:import namespace="http://example.com/common" schemaLocation="https://cdn.example/common.xsd" />
  <xs:element name="Ping">
    <xs:complexType><xs:sequence>
      <xs:element minOccurs="0" name="request" nillable="true" type="tns:PingReq" />
    </xs:sequence></xs:complexType>
  </xs:element>
  <xs:element name="PingResponse">
    <xs:complexType><xs:sequence>
      <xs:element minOccurs="0" name="PingResult" nillable="true" type="tns:PingResp" />
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
"#;

const MORE: &str = r#"<xs:schema elementFormDefault="qualified" targetNamespace="http://example.com/shop/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://example.com/shop/"
    xmlns:c="http://example.com/common">
  <xs:complexType name="PingReq"><xs:sequence>
    <xs:element name="Note" type="tns:Note" />
  </xs:sequence></xs:complexType>
  <xs:complexType name="PingResp"><xs:sequence>
    <xs:element name="Total" type="c:Money" />
  </xs:sequence></xs:complexType>
</xs:schema>
"#;

/// No targetNamespace: takes the includer's, unqualified references included.
const CHAMELEON: &str = r#"<xs:schema elementFormDefault="qualified" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="Note"><xs:sequence>
    <xs:element name="Text" type="Text" />
  </xs:sequence></xs:complexType>
  <xs:simpleType name="Text"><xs:restriction base="xs:string" /></xs:simpleType>
</xs:schema>
"#;

/// Imports the shop schema back (a schema cycle).
const COMMON_XSD: &str = r#"<xs:schema elementFormDefault="qualified" targetNamespace="http://example.com/common"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://example.com/shop/" schemaLocation="https://svc.example/shop/Shop.svc?xsd=xsd0" />
  <xs:simpleType name="Money"><xs:restriction base="xs:decimal" /></xs:simpleType>
</xs:schema>
"#;

fn shop() -> HashMap<String, String> {
    [
        (ROOT, ROOT_WSDL),
        ("https://svc.example/shop/Shop.svc?wsdl=wsdl0", WSDL0),
        ("https://svc.example/shop/Shop.svc?xsd=xsd0", XSD0),
        ("https://svc.example/shop/parts/more.xsd", MORE),
        ("https://svc.example/shop/parts/chameleon.xsd", CHAMELEON),
        ("https://cdn.example/common.xsd", COMMON_XSD),
    ]
    .into_iter()
    .map(|(u, t)| (u.to_owned(), t.to_owned()))
    .collect()
}

/// Loads `root` from `docs`, returning the result and every URL fetched, in order.
fn load_from(root: &str, docs: &HashMap<String, String>) -> (codegen::Result<Contract>, Vec<String>) {
    let fetched = RefCell::new(Vec::new());
    let mut fetch = |url: &str| {
        fetched.borrow_mut().push(url.to_owned());
        docs.get(url).cloned().ok_or_else(|| "no such document".to_owned())
    };
    let result = load::load(root, &mut fetch);
    (result, fetched.into_inner())
}

fn loaded(docs: &HashMap<String, String>) -> Contract {
    load_from(ROOT, docs).0.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn imports_and_includes_are_followed_once_each_and_cycles_end() {
    let (contract, fetched) = load_from(ROOT, &shop());
    let contract = contract.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        fetched,
        [
            ROOT,
            "https://svc.example/shop/Shop.svc?wsdl=wsdl0",
            "https://svc.example/shop/Shop.svc?xsd=xsd0",
            "https://cdn.example/common.xsd",
            "https://svc.example/shop/parts/more.xsd",
            "https://svc.example/shop/parts/chameleon.xsd",
        ],
        "each document once, breadth first, though wsdl0 and common.xsd import back"
    );
    let urls: Vec<&str> = contract.documents.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(urls, fetched);
    assert_eq!(contract.documents[0].sha256, sha256_hex(ROOT_WSDL.as_bytes()));
    let defs = &contract.definitions;
    assert_eq!(defs.target_ns, SHOP);
    assert_eq!((defs.port_types.len(), defs.messages.len()), (1, 2));
    assert_eq!(defs.bindings.len(), 1, "the binding comes from wsdl0");
    assert_eq!(defs.services.len(), 1);
    let schemas: Vec<&str> = defs.schemas.iter().map(|s| s.target_ns.as_str()).collect();
    assert_eq!(schemas, ["http://example.com/shop/Imports", SHOP, COMMON, SHOP, SHOP]);
}

#[test]
fn a_merged_contract_generates_with_included_and_imported_types_in_their_namespaces() {
    let contract = loaded(&shop());
    let model =
        Model::build(&contract.root, &contract.definitions, &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.operations.len(), 1);
    assert_eq!(model.operations[0].soap_action, "urn:ping");
    // The chameleon schema's `Note` and its unqualified reference to `Text` are in the shop's namespace.
    let note = model
        .get(&QName::new(SHOP, "Note"))
        .expect("Note joins the includer's namespace");
    let TypeKind::Struct(s) = &note.kind else {
        panic!("{note:?}")
    };
    assert_eq!(s.members[0].ty, TypeRef::Named(QName::new(SHOP, "Text")));
    assert!(model.get(&QName::new("", "Note")).is_none());
    assert!(model.get(&QName::new(COMMON, "Money")).is_some());

    let output = codegen::generate_contract(&contract, "Shop, test edition", &Config::default())
        .unwrap_or_else(|e| panic!("{e}"));
    common::check_generated_rust(&output);
    // No overrides classify the operation: it is reported as new, and treated as a write.
    let new_op = format!(
        "new operation {}: treated as a write, never retried",
        model.operations[0].name
    );
    assert_eq!(output.warnings, [new_op]);
    for f in &output.files {
        let c = if f.path.ends_with(".rs") { "//" } else { "#" };
        let expected = format!(
            "{c} @generated by kareo-codegen {} from Shop, test edition\n{c} Contract sha256: {} (6 documents)\n",
            env!("CARGO_PKG_VERSION"),
            contract.digest()
        );
        assert!(f.contents.starts_with(&expected), "{}:\n{}", f.path, f.contents);
    }
}

#[test]
fn the_contract_digest_is_the_sha256_of_sorted_sha_url_lines() {
    let contract = loaded(&shop());
    let mut lines: Vec<String> = contract
        .documents
        .iter()
        .map(|d| format!("{} {}\n", d.sha256, d.url))
        .collect();
    lines.sort_by(|a, b| a.split_once(' ').map(|x| x.1).cmp(&b.split_once(' ').map(|x| x.1)));
    assert_eq!(contract.digest(), sha256_hex(lines.concat().as_bytes()));
    // Order of the parts does not matter, contents do.
    let forward = contract_digest([("b", "2"), ("a", "1")]);
    assert_eq!(forward, contract_digest([("a", "1"), ("b", "2")]));
    assert_eq!(forward, sha256_hex(b"1 a\n2 b\n"));
    assert_ne!(forward, contract_digest([("a", "1"), ("b", "3")]));
}

#[test]
fn relative_schema_locations_resolve_against_the_importing_document() {
    let mut docs = shop();
    // More.xsd, now included from a nested path relative to another relative one.
    let xsd0 = XSD0.replace("parts/more.xsd", "./deep/../parts/sub/../more.xsd#frag");
    docs.insert("https://svc.example/shop/Shop.svc?xsd=xsd0".into(), xsd0);
    let (contract, fetched) = load_from(ROOT, &docs);
    contract.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        fetched.contains(&"https://svc.example/shop/parts/more.xsd".to_owned()),
        "{fetched:?}"
    );

    // File paths: the same contract under a directory, all references relative.
    let files: HashMap<String, String> = [
        (
            "contract/root.wsdl",
            ROOT_WSDL
                .replace("?wsdl=wsdl0", "bind.wsdl")
                .replace("?xsd=xsd0", "xsd/shop.xsd")
                .replace("https://cdn.example/common.xsd", "../common/common.xsd"),
        ),
        (
            "contract/bind.wsdl",
            WSDL0.replace("https://svc.example/shop/Shop.svc?wsdl", "root.wsdl"),
        ),
        (
            "contract/xsd/shop.xsd",
            XSD0.replace("https://cdn.example/common.xsd", "../../common/common.xsd"),
        ),
        ("contract/xsd/parts/more.xsd", MORE.to_owned()),
        ("contract/xsd/parts/chameleon.xsd", CHAMELEON.to_owned()),
        (
            "common/common.xsd",
            COMMON_XSD.replace("https://svc.example/shop/Shop.svc?xsd=xsd0", "../contract/xsd/shop.xsd"),
        ),
    ]
    .into_iter()
    .map(|(u, t)| (u.to_owned(), t))
    .collect();
    let (contract, fetched) = load_from("contract/root.wsdl", &files);
    let contract = contract.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(contract.documents.len(), 6, "{fetched:?}");
}

#[test]
fn an_include_of_another_namespace_is_refused_naming_the_including_document() {
    let mut docs = shop();
    docs.insert(
        "https://svc.example/shop/parts/chameleon.xsd".into(),
        CHAMELEON.replace(
            "<xs:schema ",
            "<xs:schema targetNamespace=\"http://example.com/other\" ",
        ),
    );
    let e = load_from(ROOT, &docs).0.expect_err("include of another namespace");
    assert_eq!(e.file, "https://svc.example/shop/Shop.svc?xsd=xsd0", "{e}");
    assert_eq!(e.path, "schema/include[2]", "{e}");
    assert_eq!(e.line, Some(line_of(XSD0, "parts/chameleon.xsd")), "{e}");
    assert_eq!(
        e.kind,
        ErrorKind::Invalid(
            "xs:include of https://svc.example/shop/parts/chameleon.xsd, a schema of namespace \
             `http://example.com/other`, into a schema of namespace `http://example.com/shop/`"
                .into()
        )
    );
}

#[test]
fn an_import_whose_document_declares_another_namespace_or_is_a_wsdl_is_refused() {
    let mut docs = shop();
    docs.insert(
        "https://cdn.example/common.xsd".into(),
        COMMON_XSD.replace(COMMON, "http://example.com/wrong"),
    );
    let e = load_from(ROOT, &docs).0.expect_err("namespace mismatch");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid(m) if m.contains("`http://example.com/wrong`")),
        "{e}"
    );
    assert_eq!(
        (e.file.as_str(), e.path.as_str()),
        (ROOT, "definitions/types/schema/import[2]"),
        "{e}"
    );

    let mut docs = shop();
    docs.insert("https://cdn.example/common.xsd".into(), WSDL0.to_owned());
    let e = load_from(ROOT, &docs).0.expect_err("a WSDL where a schema is expected");
    assert_eq!(
        e.kind,
        ErrorKind::Invalid("https://cdn.example/common.xsd is a WSDL document, not an xs:schema".into())
    );
}

#[test]
fn a_missing_document_is_reported_with_the_importing_document_path_and_line() {
    let mut docs = shop();
    docs.remove("https://svc.example/shop/parts/more.xsd");
    let e = load_from(ROOT, &docs).0.expect_err("missing document");
    assert_eq!(
        e.kind,
        ErrorKind::Load("https://svc.example/shop/parts/more.xsd: no such document".into())
    );
    assert_eq!(e.file, "https://svc.example/shop/Shop.svc?xsd=xsd0");
    assert_eq!(e.path, "schema/include[1]");
    assert_eq!(e.line, Some(line_of(XSD0, "parts/more.xsd")));
    assert_eq!(
        e.to_string(),
        format!(
            "https://svc.example/shop/Shop.svc?xsd=xsd0:{}: cannot load document \
             https://svc.example/shop/parts/more.xsd: no such document (at schema/include[1])",
            line_of(XSD0, "parts/more.xsd")
        )
    );

    let e = load_from("https://nowhere.example/x.wsdl", &docs)
        .0
        .expect_err("missing root");
    assert_eq!((e.file.as_str(), e.line), ("https://nowhere.example/x.wsdl", None));
}

#[test]
fn the_document_count_is_capped() {
    // A chain of schemas, each importing the next: one more than the cap.
    let chain = |n: usize| -> HashMap<String, String> {
        let mut docs = HashMap::new();
        docs.insert(
            "c/root.wsdl".to_owned(),
            r#"<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema"><wsdl:types><xs:schema targetNamespace="urn:root"><xs:import namespace="urn:1" schemaLocation="1.xsd"/></xs:schema></wsdl:types></wsdl:definitions>"#
                .to_owned(),
        );
        for i in 1..n {
            docs.insert(
                format!("c/{i}.xsd"),
                format!(
                    r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:{i}"><xs:import namespace="urn:{}" schemaLocation="{}.xsd"/></xs:schema>"#,
                    i + 1,
                    i + 1
                ),
            );
        }
        docs.insert(
            format!("c/{n}.xsd"),
            format!(r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:{n}"/>"#),
        );
        docs
    };
    let max = load::MAX_DOCUMENTS;
    let (ok, _) = load_from("c/root.wsdl", &chain(max - 1));
    assert_eq!(ok.unwrap_or_else(|e| panic!("{e}")).documents.len(), max);

    let (e, fetched) = load_from("c/root.wsdl", &chain(max));
    let e = e.expect_err("one document over the cap");
    assert_eq!(fetched.len(), max, "nothing is fetched past the cap");
    assert_eq!(
        e.kind,
        ErrorKind::Load(format!("c/{max}.xsd: the contract has more than {max} documents"))
    );
    assert_eq!(
        (e.file, e.path),
        (format!("c/{}.xsd", max - 1), "schema/import".to_owned())
    );
}

#[test]
fn a_model_error_names_the_document_that_holds_the_declaration() {
    let mut docs = shop();
    let broken = MORE.replace("type=\"c:Money\"", "type=\"c:Nothing\"");
    docs.insert("https://svc.example/shop/parts/more.xsd".into(), broken.clone());
    let contract = loaded(&docs);
    let e = codegen::generate_contract(&contract, "Shop", &Config::default()).expect_err("unresolved type");
    assert_eq!(e.file, "https://svc.example/shop/parts/more.xsd", "{e}");
    assert_eq!(e.line, Some(line_of(&broken, "c:Nothing")), "{e}");
    assert_eq!(
        e.path, "schema/complexType[@name='PingResp']/sequence/element[@name='Total']",
        "{e}"
    );
    assert!(matches!(e.kind, ErrorKind::Unresolved { what: "type", .. }), "{e}");
}

#[test]
fn a_schema_is_not_a_root_document() {
    let e = load_from("https://cdn.example/common.xsd", &shop())
        .0
        .expect_err("schema root");
    assert_eq!(
        e.kind,
        ErrorKind::Invalid("the root element is not wsdl:definitions (WSDL 1.1)".into())
    );
    assert_eq!(e.file, "https://cdn.example/common.xsd");
}

/// The June 2025 contract as `../shared/wsdl/kareo-2025-06/` holds it: the file for each URL.
fn kareo_2025_file(url: &str) -> Option<String> {
    let query = url.strip_prefix("https://webservice.kareo.com/services/soap/2.1/KareoServices.svc?")?;
    Some(match query {
        "wsdl" => "KareoServices.wsdl".to_owned(),
        "wsdl=wsdl0" => "KareoServices.svc-wsdl0.wsdl".to_owned(),
        q => format!("KareoServices.svc-{}.xsd", q.strip_prefix("xsd=")?),
    })
}

#[test]
fn the_kareo_2025_contract_loads_from_its_nine_documents() {
    let dir = common::workspace_root().join("../shared/wsdl/kareo-2025-06");
    let mut fetch = |url: &str| {
        let file = kareo_2025_file(url).ok_or_else(|| format!("{url} is not a Kareo 2025 document"))?;
        std::fs::read_to_string(dir.join(&file)).map_err(|e| format!("{}: {e}", dir.join(file).display()))
    };
    let contract = load::load(
        "https://webservice.kareo.com/services/soap/2.1/KareoServices.svc?wsdl",
        &mut fetch,
    )
    .unwrap_or_else(|e| panic!("{e} (CI runs with ../shared beside the checkout)"));
    assert_eq!(contract.documents.len(), 9);
    let defs = &contract.definitions;
    let operations: usize = defs.port_types.iter().map(|p| p.operations.len()).sum();
    assert_eq!(operations, 28);
    let mut namespaces: Vec<&str> = defs
        .schemas
        .iter()
        .filter(|s| !s.complex_types.is_empty() || !s.simple_types.is_empty() || !s.elements.is_empty())
        .map(|s| s.target_ns.as_str())
        .collect();
    namespaces.sort();
    namespaces.dedup();
    assert_eq!(namespaces.len(), 7, "{namespaces:?}");
    assert_eq!(defs.bindings.len(), 1);
    assert_eq!(
        defs.bindings[0].name,
        QName::new("http://tempuri.org/", "BasicHttpBinding_KareoServices")
    );
    assert_eq!(defs.bindings[0].operations.len(), 28);
    assert_eq!(
        defs.bindings[0].loc.file,
        "https://webservice.kareo.com/services/soap/2.1/KareoServices.svc?wsdl=wsdl0"
    );
}

#[test]
fn the_pinned_kareo_contract_generates_the_committed_module_through_the_loader() {
    let (contract, name) = common::pinned_contract();
    let output =
        codegen::generate_contract(&contract, &name, &common::kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    let dir = common::workspace_root().join("kareo-sdk/src/generated");
    for f in &output.files {
        let committed = std::fs::read_to_string(dir.join(&f.path)).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        assert!(committed == f.contents, "{} differs from the committed file", f.path);
    }
}

//! Bad input: every failure is an `Err` (never a panic, never partial output) naming the file,
//! the element path and, where the element is known, its line.

mod common;

use codegen::{Config, Error, ErrorKind, MemberRef, QName};
use common::{generate_text, line_of};

const NS: &str = "http://example.com/err/";

/// Schema content of the valid base document.
const TYPES: &str = r#"      <xs:element name="Op">
        <xs:complexType>
          <xs:sequence>
            <xs:element minOccurs="0" name="request" nillable="true" type="tns:Req" />
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="OpResponse">
        <xs:complexType>
          <xs:sequence>
            <xs:element minOccurs="0" name="OpResult" nillable="true" type="tns:Resp" />
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:complexType name="Req">
        <xs:sequence>
          <xs:element minOccurs="0" name="Query" type="xs:string" />
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="Resp">
        <xs:sequence>
          <xs:element minOccurs="0" maxOccurs="unbounded" name="Hit" type="xs:string" />
          <xs:element name="Total" type="xs:int" />
        </xs:sequence>
      </xs:complexType>"#;

/// Messages, portType and binding of the valid base document.
const SERVICE: &str = r#"  <wsdl:message name="In">
    <wsdl:part name="parameters" element="tns:Op" />
  </wsdl:message>
  <wsdl:message name="Out">
    <wsdl:part name="parameters" element="tns:OpResponse" />
  </wsdl:message>
  <wsdl:portType name="Port">
    <wsdl:operation name="Op">
      <wsdl:input message="tns:In" />
      <wsdl:output message="tns:Out" />
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="Binding" type="tns:Port">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Op">
      <soap:operation soapAction="urn:op" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>"#;

/// A WSDL with one qualified schema holding `types`, followed by `service`.
fn doc(types: &str, service: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions targetNamespace="http://example.com/err/"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:tns="http://example.com/err/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xs:schema elementFormDefault="qualified" targetNamespace="http://example.com/err/">
{types}
    </xs:schema>
  </wsdl:types>
{service}
</wsdl:definitions>
"#
    )
}

/// The valid base document with `from` replaced by `to` (which must occur exactly once).
fn mutated(from: &str, to: &str) -> String {
    let base = doc(TYPES, SERVICE);
    assert_eq!(
        base.matches(from).count(),
        1,
        "`{from}` must occur once in the base document"
    );
    base.replace(from, to)
}

/// Generates `text` as `bad.wsdl`, which must fail.
fn fail(text: &str) -> Error {
    fail_with(text, &Config::default())
}

fn fail_with(text: &str, config: &Config) -> Error {
    match generate_text("bad.wsdl", text, config) {
        Ok(_) => panic!("generation succeeded on:\n{text}"),
        Err(e) => {
            assert_eq!(e.file, "bad.wsdl", "{e}");
            e
        }
    }
}

/// Asserts kind, path and the line of the (only) line of `text` containing `marker`.
fn assert_error(e: &Error, text: &str, kind: ErrorKind, path: &str, marker: &str) {
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.path, path, "{e}");
    assert_eq!(e.line, Some(line_of(text, marker)), "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("bad.wsdl:{}: ", line_of(text, marker))),
        "{shown}"
    );
    assert!(shown.ends_with(&format!(" (at {path})")), "{shown}");
}

fn unsupported(m: &str) -> ErrorKind {
    ErrorKind::Unsupported(m.into())
}

fn invalid(m: &str) -> ErrorKind {
    ErrorKind::Invalid(m.into())
}

fn unresolved(what: &'static str, local: &str) -> ErrorKind {
    ErrorKind::Unresolved {
        what,
        name: format!("{{{NS}}}{local}"),
    }
}

const SCHEMA: &str = "definitions/types/schema";

/// 1-based line where `marker` (which may span lines, and must occur once) starts.
fn line_at(text: &str, marker: &str) -> u32 {
    assert_eq!(text.matches(marker).count(), 1, "`{marker}` must occur once");
    let at = text.find(marker).expect("marker in text");
    text[..at].matches('\n').count() as u32 + 1
}

#[test]
fn the_base_document_is_valid() {
    let text = doc(TYPES, SERVICE);
    let output = generate_text("ok.wsdl", &text, &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(output
        .file("operations.rs")
        .unwrap()
        .contains("soap_action: \"urn:op\""));
}

// ---- malformed input ----

#[test]
fn malformed_xml_names_the_line() {
    let text = mutated(
        "          <xs:element name=\"Total\" type=\"xs:int\" />\n        </xs:sequence>",
        "          <xs:element name=\"Total\" type=\"xs:int\" />\n        </xs:sequense>",
    );
    let e = fail(&text);
    assert!(matches!(e.kind, ErrorKind::Malformed(_)), "{e}");
    assert_eq!(e.line, Some(line_of(&text, "</xs:sequense>")), "{e}");
    assert_eq!(e.path, "");
}

#[test]
fn text_that_is_not_xml_or_is_empty_is_malformed() {
    for text in ["", "not xml at all", "<a>", "<a></b>", "<?xml version=\"1.0\"?>"] {
        let e = fail(text);
        assert!(matches!(e.kind, ErrorKind::Malformed(_)), "{text:?}: {e}");
        assert!(e.line.is_some(), "{text:?}: {e}");
    }
}

#[test]
fn a_document_that_is_not_wsdl_11_is_invalid() {
    let text = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" />";
    let e = fail(text);
    assert_eq!(e.kind, invalid("the root element is not wsdl:definitions (WSDL 1.1)"));
    assert_eq!((e.path.as_str(), e.line), ("schema", Some(1)));
}

#[test]
fn deeply_nested_xml_is_rejected_without_recursion() {
    // 100 000 nested elements inside an annotation: a recursive reader would overflow the stack.
    let depth = 100_000;
    let mut text =
        String::from("<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\">\n<wsdl:documentation>\n");
    for _ in 0..depth {
        text.push_str("<a>\n");
    }
    for _ in 0..depth {
        text.push_str("</a>");
    }
    text.push_str("</wsdl:documentation></wsdl:definitions>\n");
    let e = fail(&text);
    assert_eq!(
        e.kind,
        ErrorKind::Malformed(format!("elements nested deeper than {}", codegen::read::MAX_DEPTH))
    );
    // definitions and documentation are on lines 1 and 2; the element past the limit is on the
    // line after the (MAX_DEPTH - 2)th <a>.
    assert_eq!(e.line, Some(codegen::read::MAX_DEPTH as u32 + 1));
}

#[test]
fn unclosed_deep_nesting_is_malformed_too() {
    let text = format!(
        "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\">{}",
        "<a>".repeat(200)
    );
    assert!(matches!(fail(&text).kind, ErrorKind::Malformed(_)));
}

// ---- constructs the generator does not support ----

#[test]
fn choice_in_a_complex_type_is_unsupported() {
    let text = mutated(
        "<xs:complexType name=\"Req\">\n        <xs:sequence>\n          <xs:element minOccurs=\"0\" name=\"Query\" type=\"xs:string\" />\n        </xs:sequence>",
        "<xs:complexType name=\"Req\">\n        <xs:choice>\n          <xs:element minOccurs=\"0\" name=\"Query\" type=\"xs:string\" />\n        </xs:choice>",
    );
    let e = fail(&text);
    assert_error(
        &e,
        &text,
        unsupported("xs:choice in xs:complexType"),
        &format!("{SCHEMA}/complexType[@name='Req']/choice"),
        "<xs:choice>",
    );
}

#[test]
fn choice_inside_a_sequence_is_unsupported() {
    let text = mutated(
        "<xs:element name=\"Total\" type=\"xs:int\" />",
        "<xs:choice><xs:element name=\"Total\" type=\"xs:int\" /></xs:choice>",
    );
    assert_error(
        &fail(&text),
        &text,
        unsupported("xs:choice in xs:sequence"),
        &format!("{SCHEMA}/complexType[@name='Resp']/sequence/choice"),
        "<xs:choice>",
    );
}

#[test]
fn attributes_on_complex_types_are_unsupported() {
    let text = mutated(
        "        </xs:sequence>\n      </xs:complexType>\n      <xs:complexType name=\"Resp\">",
        "        </xs:sequence>\n        <xs:attribute name=\"Version\" type=\"xs:int\" />\n      </xs:complexType>\n      <xs:complexType name=\"Resp\">",
    );
    assert_error(
        &fail(&text),
        &text,
        unsupported("xs:attribute in xs:complexType"),
        &format!("{SCHEMA}/complexType[@name='Req']/attribute[@name='Version']"),
        "name=\"Version\"",
    );
}

#[test]
fn attributes_in_an_extension_are_unsupported() {
    let types = format!(
        "{TYPES}\n      <xs:complexType name=\"Sub\">\n        <xs:complexContent mixed=\"false\">\n          <xs:extension base=\"tns:Req\">\n            <xs:attribute name=\"Extra\" type=\"xs:int\" />\n          </xs:extension>\n        </xs:complexContent>\n      </xs:complexType>"
    );
    let text = doc(&types, SERVICE);
    assert_error(
        &fail(&text),
        &text,
        unsupported("xs:attribute in xs:extension"),
        &format!("{SCHEMA}/complexType[@name='Sub']/complexContent/extension/attribute[@name='Extra']"),
        "name=\"Extra\"",
    );
}

/// What `generate` (one document, no loader) says of a reference to another document.
fn single_document(location: &str) -> ErrorKind {
    ErrorKind::Load(format!(
        "{location}: generate() reads a single document; load the contract with codegen::load"
    ))
}

#[test]
fn wsdl_import_in_a_single_document_cannot_be_loaded() {
    let text = mutated(
        "  <wsdl:types>",
        "  <wsdl:import namespace=\"http://example.com/other\" location=\"other.wsdl\" />\n  <wsdl:types>",
    );
    assert_error(
        &fail(&text),
        &text,
        single_document("other.wsdl"),
        "definitions/import",
        "<wsdl:import",
    );
}

#[test]
fn schema_level_unsupported_constructs() {
    let cases: &[(&str, &str, ErrorKind, &str, &str)] = &[
        (
            "      <xs:complexType name=\"Req\">",
            "      <xs:import namespace=\"http://example.com/x\" schemaLocation=\"x.xsd\" />\n      <xs:complexType name=\"Req\">",
            single_document("x.xsd"),
            "definitions/types/schema/import",
            "schemaLocation",
        ),
        (
            "<xs:element name=\"Total\" type=\"xs:int\" />",
            "<xs:element ref=\"tns:Op\" />",
            unsupported("anonymous complex type on a member element (name the type)"),
            "definitions/types/schema/complexType[@name='Resp']/sequence/element[2]",
            "ref=\"tns:Op\"",
        ),
        (
            "<xs:element name=\"Total\" type=\"xs:int\" />",
            "<xs:any minOccurs=\"0\" />",
            unsupported("xs:any in xs:sequence"),
            "definitions/types/schema/complexType[@name='Resp']/sequence/any",
            "<xs:any",
        ),
        (
            "      <xs:complexType name=\"Req\">",
            "      <xs:complexType name=\"Text\"><xs:simpleContent><xs:extension base=\"xs:string\" /></xs:simpleContent></xs:complexType>\n      <xs:complexType name=\"Req\">",
            unsupported("xs:simpleContent in xs:complexType"),
            "definitions/types/schema/complexType[@name='Text']/simpleContent",
            "<xs:simpleContent>",
        ),
        (
            "      <xs:complexType name=\"Req\">",
            "      <xs:complexType mixed=\"true\" name=\"Mixed\"><xs:sequence /></xs:complexType>\n      <xs:complexType name=\"Req\">",
            unsupported("mixed content"),
            "definitions/types/schema/complexType[@name='Mixed']",
            "name=\"Mixed\"",
        ),
        (
            "      <xs:complexType name=\"Req\">",
            "      <xs:simpleType name=\"Codes\"><xs:union memberTypes=\"xs:int\" /></xs:simpleType>\n      <xs:complexType name=\"Req\">",
            unsupported("xs:union simple type"),
            "definitions/types/schema/simpleType[@name='Codes']/union",
            "name=\"Codes\"",
        ),
        (
            "      <xs:complexType name=\"Req\">",
            "      <xs:group name=\"G\"><xs:sequence /></xs:group>\n      <xs:complexType name=\"Req\">",
            unsupported("xs:group at schema level"),
            "definitions/types/schema/group[@name='G']",
            "<xs:group",
        ),
        (
            "        <xs:sequence>\n          <xs:element minOccurs=\"0\" name=\"Query\"",
            "        <xs:sequence maxOccurs=\"unbounded\">\n          <xs:element minOccurs=\"0\" name=\"Query\"",
            unsupported("occurrence constraints on xs:sequence"),
            "definitions/types/schema/complexType[@name='Req']/sequence",
            "maxOccurs=\"unbounded\">",
        ),
        (
            "<xs:element minOccurs=\"0\" name=\"Query\" type=\"xs:string\" />",
            "<xs:element minOccurs=\"0\" name=\"Query\" type=\"xs:NOTATION\" />",
            unsupported("built-in type xs:NOTATION"),
            "definitions/types/schema/complexType[@name='Req']/sequence/element[@name='Query']",
            "name=\"Query\"",
        ),
        (
            "<xs:element minOccurs=\"0\" name=\"Query\" type=\"xs:string\" />",
            "<xs:element minOccurs=\"0\" name=\"Query\"><xs:complexType><xs:sequence /></xs:complexType></xs:element>",
            unsupported("anonymous complex type on a member element (name the type)"),
            "definitions/types/schema/complexType[@name='Req']/sequence/element[@name='Query']",
            "name=\"Query\"",
        ),
    ];
    for (from, to, kind, path, marker) in cases {
        let text = mutated(from, to);
        assert_error(&fail(&text), &text, kind.clone(), path, marker);
    }
}

#[test]
fn service_level_unsupported_constructs() {
    let cases: &[(&str, &str, ErrorKind, &str, &str)] = &[
        (
            "style=\"document\"",
            "style=\"rpc\"",
            unsupported("rpc style operations"),
            "definitions/binding[@name='Binding']/operation[@name='Op']",
            "<wsdl:operation name=\"Op\">\n      <soap:operation",
        ),
        (
            "<wsdl:input><soap:body use=\"literal\" /></wsdl:input>",
            "<wsdl:input><soap:body use=\"encoded\" /></wsdl:input>",
            unsupported("SOAP encoding (use=\"encoded\")"),
            "definitions/binding[@name='Binding']/operation[@name='Op']/input/body",
            "use=\"encoded\"",
        ),
        (
            "      <wsdl:output message=\"tns:Out\" />\n    </wsdl:operation>\n  </wsdl:portType>",
            "      <wsdl:output message=\"tns:Out\" />\n      <wsdl:fault name=\"Oops\" message=\"tns:Out\" />\n    </wsdl:operation>\n  </wsdl:portType>",
            ErrorKind::Unresolved {
                what: "binding fault",
                name: "Oops".into(),
            },
            "definitions/binding[@name='Binding']/operation[@name='Op']",
            "<wsdl:operation name=\"Op\">\n      <soap:operation",
        ),
        (
            "<wsdl:input><soap:body use=\"literal\" /></wsdl:input>",
            "<wsdl:input><soap:body use=\"literal\" /><soap:header message=\"tns:In\" part=\"parameters\" use=\"literal\"><soap:headerfault message=\"tns:In\" part=\"parameters\" use=\"literal\" /></soap:header></wsdl:input>",
            unsupported("soap:headerfault"),
            "definitions/binding[@name='Binding']/operation[@name='Op']/input/header/headerfault",
            "<soap:headerfault",
        ),
        (
            "<wsdl:input><soap:body use=\"literal\" /></wsdl:input>",
            "<wsdl:input><soap:body use=\"literal\" /><soap:header message=\"tns:In\" part=\"token\" use=\"literal\" /></wsdl:input>",
            ErrorKind::Unresolved {
                what: "message part",
                name: "{http://example.com/err/}In/token".into(),
            },
            "definitions/binding[@name='Binding']/operation[@name='Op']/input/header",
            "<soap:header",
        ),
        (
            "<wsdl:output><soap:body use=\"literal\" /></wsdl:output>",
            "<wsdl:output><soap:body use=\"literal\" /></wsdl:output>\n      <wsdl:fault name=\"Oops\"><soap:fault name=\"Oops\" use=\"encoded\" /></wsdl:fault>",
            unsupported("SOAP encoding (use=\"encoded\")"),
            "definitions/binding[@name='Binding']/operation[@name='Op']/fault[@name='Oops']/fault[@name='Oops']",
            "<soap:fault name=\"Oops\"",
        ),
        (
            "      <wsdl:output message=\"tns:Out\" />\n    </wsdl:operation>\n  </wsdl:portType>",
            "    </wsdl:operation>\n  </wsdl:portType>",
            unsupported("one-way or notification operation"),
            "definitions/portType[@name='Port']/operation[@name='Op']",
            "<wsdl:operation name=\"Op\">\n      <wsdl:input",
        ),
        (
            "    <wsdl:part name=\"parameters\" element=\"tns:Op\" />",
            "    <wsdl:part name=\"parameters\" element=\"tns:Op\" />\n    <wsdl:part name=\"extra\" element=\"tns:Op\" />",
            unsupported("message with 2 parts (document/literal wrapped has one)"),
            "definitions/message[@name='In']",
            "<wsdl:message name=\"In\">",
        ),
        (
            "    <wsdl:part name=\"parameters\" element=\"tns:Op\" />",
            "    <wsdl:part name=\"parameters\" type=\"tns:Req\" />",
            unsupported("message part without element= (rpc style)"),
            "definitions/message[@name='In']/part[@name='parameters']",
            "<wsdl:part name=\"parameters\" type=\"tns:Req\" />",
        ),
        (
            "<xs:element minOccurs=\"0\" name=\"request\" nillable=\"true\" type=\"tns:Req\" />",
            "<xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"request\" nillable=\"true\" type=\"tns:Req\" />",
            unsupported("repeated wrapper child request (a message body member that repeats)"),
            "definitions/types/schema/element[@name='Op']/complexType/sequence/element[@name='request']",
            "maxOccurs=\"unbounded\" name=\"request\"",
        ),
        (
            "<xs:element minOccurs=\"0\" name=\"OpResult\" nillable=\"true\" type=\"tns:Resp\" />",
            "<xs:element minOccurs=\"0\" name=\"OpResult\" nillable=\"true\" type=\"tns:Resp\" />\n            <xs:element name=\"More\" maxOccurs=\"2\" type=\"xs:int\" />",
            unsupported("repeated wrapper child More (a message body member that repeats)"),
            "definitions/types/schema/element[@name='OpResponse']/complexType/sequence/element[@name='More']",
            "<xs:element name=\"More\"",
        ),
        (
            "    <wsdl:part name=\"parameters\" element=\"tns:Op\" />",
            "    <wsdl:part name=\"parameters\" element=\"tns:Plain\" />",
            unsupported("message element Plain of type {http://www.w3.org/2001/XMLSchema}string, which is not a record (complex type with a sequence)"),
            "definitions/types/schema/element[@name='Plain']",
            "<xs:element name=\"Plain\"",
        ),
        (
            "      <soap:operation soapAction=\"urn:op\" style=\"document\" />\n      <wsdl:input><soap:body use=\"literal\" /></wsdl:input>\n      <wsdl:output><soap:body use=\"literal\" /></wsdl:output>\n    </wsdl:operation>",
            "      <soap:operation soapAction=\"urn:op\" style=\"document\" />\n      <wsdl:input><soap:body use=\"literal\" /></wsdl:input>\n      <wsdl:output><soap:body use=\"literal\" /></wsdl:output>\n    </wsdl:operation>\n    <wsdl:operation name=\"Op\"><soap:operation soapAction=\"urn:op2\" /></wsdl:operation>",
            unsupported("overloaded operation Op"),
            "definitions/binding[@name='Binding']/operation[@name='Op'][2]",
            "urn:op2",
        ),
    ];
    let hits = "\n      <xs:element name=\"Plain\" type=\"xs:string\" />\n      <xs:complexType name=\"Hits\">\n        <xs:sequence>\n          <xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Hit\" type=\"xs:string\" />\n        </xs:sequence>\n      </xs:complexType>";
    for (from, to, kind, path, marker) in cases {
        let text = mutated(from, to).replace("    </xs:schema>", &format!("{hits}\n    </xs:schema>"));
        let e = fail(&text);
        assert_eq!(e.kind, *kind, "{e}");
        assert_eq!(e.path, *path, "{e}");
        assert_eq!(e.line, Some(line_at(&text, marker)), "{e}");
    }
}

#[test]
fn a_collection_of_collections_names_the_member() {
    let types = format!(
        "{TYPES}\n      <xs:complexType name=\"Grid\">\n        <xs:sequence>\n          <xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Row\" type=\"tns:Hits\" />\n        </xs:sequence>\n      </xs:complexType>\n      <xs:complexType name=\"Table\">\n        <xs:sequence>\n          <xs:element name=\"Cells\" type=\"tns:Grid\" />\n        </xs:sequence>\n      </xs:complexType>\n      <xs:complexType name=\"Hits\">\n        <xs:sequence>\n          <xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Hit\" type=\"xs:string\" />\n        </xs:sequence>\n      </xs:complexType>"
    );
    let text = doc(&types, SERVICE);
    assert_error(
        &fail(&text),
        &text,
        unsupported("member `cells`: a collection of collections"),
        &format!("{SCHEMA}/complexType[@name='Table']/sequence/element[@name='Cells']"),
        "name=\"Cells\"",
    );
}

// ---- references that name nothing ----

#[test]
fn an_unresolved_member_type() {
    let text = mutated(
        "name=\"Query\" type=\"xs:string\"",
        "name=\"Query\" type=\"tns:Missing\"",
    );
    assert_error(
        &fail(&text),
        &text,
        unresolved("type", "Missing"),
        &format!("{SCHEMA}/complexType[@name='Req']/sequence/element[@name='Query']"),
        "name=\"Query\"",
    );
}

#[test]
fn an_undeclared_prefix() {
    let text = mutated(
        "name=\"Query\" type=\"xs:string\"",
        "name=\"Query\" type=\"nope:Missing\"",
    );
    assert_error(
        &fail(&text),
        &text,
        invalid("namespace prefix `nope` of `nope:Missing` is not declared"),
        &format!("{SCHEMA}/complexType[@name='Req']/sequence/element[@name='Query']"),
        "name=\"Query\"",
    );
}

#[test]
fn an_unresolved_base_type() {
    let types = format!(
        "{TYPES}\n      <xs:complexType name=\"Sub\">\n        <xs:complexContent mixed=\"false\">\n          <xs:extension base=\"tns:Missing\">\n            <xs:sequence />\n          </xs:extension>\n        </xs:complexContent>\n      </xs:complexType>"
    );
    let text = doc(&types, SERVICE);
    assert_error(
        &fail(&text),
        &text,
        unresolved("base type", "Missing"),
        &format!("{SCHEMA}/complexType[@name='Sub']"),
        "name=\"Sub\"",
    );
}

#[test]
fn unresolved_service_references() {
    let cases: &[(&str, &str, ErrorKind, &str, &str)] = &[
        (
            "<wsdl:input message=\"tns:In\" />",
            "<wsdl:input message=\"tns:Missing\" />",
            unresolved("message", "Missing"),
            "definitions/portType[@name='Port']/operation[@name='Op']",
            "<wsdl:operation name=\"Op\">\n      <wsdl:input",
        ),
        (
            "<wsdl:part name=\"parameters\" element=\"tns:OpResponse\" />",
            "<wsdl:part name=\"parameters\" element=\"tns:Missing\" />",
            unresolved("element", "Missing"),
            "definitions/message[@name='Out']/part[@name='parameters']",
            "element=\"tns:Missing\"",
        ),
        (
            "<wsdl:binding name=\"Binding\" type=\"tns:Port\">",
            "<wsdl:binding name=\"Binding\" type=\"tns:Missing\">",
            unresolved("portType", "Missing"),
            "definitions/binding[@name='Binding']",
            "<wsdl:binding",
        ),
        (
            "<wsdl:operation name=\"Op\">\n      <soap:operation",
            "<wsdl:operation name=\"Other\">\n      <soap:operation",
            ErrorKind::Unresolved {
                what: "portType operation",
                name: "Other".into(),
            },
            "definitions/binding[@name='Binding']/operation[@name='Other']",
            "<wsdl:operation name=\"Other\">",
        ),
        (
            "    <xs:schema elementFormDefault=\"qualified\" targetNamespace=\"http://example.com/err/\">",
            "    <xs:schema elementFormDefault=\"qualified\" targetNamespace=\"http://example.com/err/\">\n      <xs:import namespace=\"http://example.com/nowhere\" />",
            ErrorKind::Unresolved {
                what: "schema import",
                name: "{http://example.com/nowhere}".into(),
            },
            "definitions/types/schema/import",
            "<xs:import",
        ),
    ];
    for (from, to, kind, path, marker) in cases {
        let text = mutated(from, to);
        let e = fail(&text);
        assert_eq!(e.kind, *kind, "{e}");
        assert_eq!(e.path, *path, "{e}");
        assert_eq!(e.line, Some(line_at(&text, marker)), "{e}");
    }
}

#[test]
fn overrides_naming_what_the_contract_lacks_are_warnings_not_errors() {
    let member = |owner: &str, member: &str| MemberRef {
        owner: QName::new(NS, owner),
        member: member.into(),
    };
    let text = doc(TYPES, SERVICE);
    let config = Config {
        always_send: vec![member("Gone", "Filter")],
        credentials: vec![codegen::config::Credential {
            role: "password".into(),
            secret: true,
            members: vec![member("Req", "Password")],
        }],
        context_member: Some(member("Nothing", "Header")),
        base_views: vec![QName::new(NS, "ResponseBase")],
        read_only_operations: vec!["Op".into(), "GetNothing".into()],
        write_operations: vec!["DeleteNothing".into()],
        status: codegen::config::StatusPaths {
            error_flag: Some(vec!["Status".into(), "Failed".into()]),
            ..Default::default()
        },
        ..Config::default()
    };
    let defs = codegen::read::read("err.wsdl", &text).unwrap_or_else(|e| panic!("{e}"));
    let model = codegen::model::Model::build("err.wsdl", &defs, &config).unwrap_or_else(|e| panic!("{e}"));
    let expected = [
        format!("override base_views names {{{NS}}}ResponseBase, which this contract lacks: skipped"),
        format!("override always_send names {{{NS}}}Gone/Filter, which this contract lacks: skipped"),
        format!("override credentials.password names {{{NS}}}Req/Password, which this contract lacks: skipped"),
        format!("override context_member names {{{NS}}}Nothing/Header, which this contract lacks: skipped"),
        "override read_only_operations names operation GetNothing, which this contract lacks".to_owned(),
        "override write_operations names operation DeleteNothing, which this contract lacks".to_owned(),
        "override status.error_flag path Status/Failed leads to no value of its kind in any response: skipped"
            .to_owned(),
    ];
    assert_eq!(model.warnings, expected);
    // The same overrides with the operation unclassified: it is reported as new.
    let config = Config {
        read_only_operations: Vec::new(),
        ..config
    };
    let model = codegen::model::Model::build("err.wsdl", &defs, &config).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        model
            .warnings
            .contains(&"new operation Op: treated as a write, never retried".to_owned()),
        "{:?}",
        model.warnings
    );
}

#[test]
fn overrides_that_cannot_mean_what_they_say_are_errors() {
    let member = |owner: &str, member: &str| MemberRef {
        owner: QName::new(NS, owner),
        member: member.into(),
    };
    let text = doc(TYPES, SERVICE);
    let cases = [
        (
            Config {
                always_send: vec![member("Resp", "Hit")],
                ..Config::default()
            },
            invalid(&format!("always_send member {{{NS}}}Resp/Hit is repeated")),
            "overrides/always_send",
        ),
        (
            // Optional, not nillable, and a string: the runtime could not create it to fill it.
            Config {
                context_member: Some(member("Req", "Query")),
                ..Config::default()
            },
            invalid(&format!(
                "context_member {{{NS}}}Req/Query must be a single member of a complex type that may be left unset or nil"
            )),
            "overrides/context_member",
        ),
        (
            Config {
                read_only_operations: vec!["Op".into()],
                write_operations: vec!["Op".into()],
                ..Config::default()
            },
            invalid("operation Op is declared both read-only and a write"),
            "overrides/read_only_operations",
        ),
    ];
    for (config, kind, path) in cases {
        let e = fail_with(&text, &config);
        assert_eq!((&e.kind, e.path.as_str(), e.line), (&kind, path, None), "{e}");
    }
}

// ---- cycles ----

fn extension(name: &str, base: &str) -> String {
    format!(
        "      <xs:complexType name=\"{name}\">\n        <xs:complexContent mixed=\"false\">\n          <xs:extension base=\"tns:{base}\">\n            <xs:sequence />\n          </xs:extension>\n        </xs:complexContent>\n      </xs:complexType>"
    )
}

#[test]
fn a_type_extending_itself_is_a_cycle() {
    let text = doc(&format!("{TYPES}\n{}", extension("Loop", "Loop")), SERVICE);
    assert_error(
        &fail(&text),
        &text,
        ErrorKind::Cycle(format!("{{{NS}}}Loop extends itself: Loop → Loop")),
        &format!("{SCHEMA}/complexType[@name='Loop']"),
        "name=\"Loop\"",
    );
}

#[test]
fn a_base_type_cycle_is_reported_at_its_first_type_even_when_reached_from_outside() {
    // Outer (declared first) extends A, which starts the loop A → B → A.
    let types = format!(
        "{TYPES}\n{}\n{}\n{}",
        extension("Outer", "A"),
        extension("A", "B"),
        extension("B", "A")
    );
    let text = doc(&types, SERVICE);
    assert_error(
        &fail(&text),
        &text,
        ErrorKind::Cycle(format!("{{{NS}}}A extends itself: A → B → A")),
        &format!("{SCHEMA}/complexType[@name='A']"),
        "name=\"A\"",
    );
}

#[test]
fn simple_types_restricting_each_other_are_a_cycle_not_a_stack_overflow() {
    let simple = |name: &str, base: &str| {
        format!("      <xs:simpleType name=\"{name}\">\n        <xs:restriction base=\"tns:{base}\" />\n      </xs:simpleType>")
    };
    // Used as a required member, so the emitter would also have to look through the aliases.
    let types = format!(
        "{}\n{}\n{}",
        TYPES.replace("name=\"Total\" type=\"xs:int\"", "name=\"Total\" type=\"tns:X\""),
        simple("X", "Y"),
        simple("Y", "X")
    );
    let text = doc(&types, SERVICE);
    assert_error(
        &fail(&text),
        &text,
        ErrorKind::Cycle(format!("{{{NS}}}X restricts itself: X → Y → X")),
        &format!("{SCHEMA}/simpleType[@name='X']"),
        "name=\"X\"",
    );
    let text = doc(&format!("{TYPES}\n{}", simple("Z", "Z")), SERVICE);
    assert_error(
        &fail(&text),
        &text,
        ErrorKind::Cycle(format!("{{{NS}}}Z restricts itself: Z → Z")),
        &format!("{SCHEMA}/simpleType[@name='Z']"),
        "name=\"Z\"",
    );
}

// ---- invalid declarations ----

#[test]
fn invalid_declarations() {
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "<xs:element name=\"Total\" type=\"xs:int\" />",
            "<xs:element minOccurs=\"2\" maxOccurs=\"1\" name=\"Total\" type=\"xs:int\" />",
            "maxOccurs 1 is below minOccurs 2 or zero",
            "definitions/types/schema/complexType[@name='Resp']/sequence/element[@name='Total']",
            "name=\"Total\"",
        ),
        (
            "<xs:element name=\"Total\" type=\"xs:int\" />",
            "<xs:element minOccurs=\"some\" name=\"Total\" type=\"xs:int\" />",
            "minOccurs `some` is not a count",
            "definitions/types/schema/complexType[@name='Resp']/sequence/element[@name='Total']",
            "name=\"Total\"",
        ),
        (
            "<xs:element name=\"Total\" type=\"xs:int\" />",
            "<xs:element name=\"Total\" nillable=\"maybe\" type=\"xs:int\" />",
            "nillable `maybe` is not a boolean",
            "definitions/types/schema/complexType[@name='Resp']/sequence/element[@name='Total']",
            "name=\"Total\"",
        ),
        (
            "<xs:element name=\"Total\" type=\"xs:int\" />",
            "<xs:element type=\"xs:int\" />",
            "<element> lacks the `name` attribute",
            "definitions/types/schema/complexType[@name='Resp']/sequence/element[2]",
            "<xs:element type=\"xs:int\" />",
        ),
        (
            "      <xs:complexType name=\"Resp\">",
            "      <xs:complexType name=\"Req\"><xs:sequence /></xs:complexType>\n      <xs:complexType name=\"Resp\">",
            "type {http://example.com/err/}Req is declared twice",
            "definitions/types/schema/complexType[@name='Req'][2]",
            "<xs:complexType name=\"Req\"><xs:sequence />",
        ),
        (
            "      <xs:complexType name=\"Resp\">",
            "      <xs:simpleType name=\"Bare\" />\n      <xs:complexType name=\"Resp\">",
            "xs:simpleType without xs:restriction",
            "definitions/types/schema/simpleType[@name='Bare']",
            "name=\"Bare\"",
        ),
        (
            "      <xs:complexType name=\"Resp\">",
            "      <xs:simpleType name=\"Odd\"><xs:restriction base=\"tns:Req\" /></xs:simpleType>\n      <xs:complexType name=\"Resp\">",
            "simple type {http://example.com/err/}Odd restricts complex type {http://example.com/err/}Req",
            "definitions/types/schema/simpleType[@name='Odd']",
            "name=\"Odd\"",
        ),
    ];
    for (from, to, message, path, marker) in cases {
        let text = mutated(from, to);
        assert_error(&fail(&text), &text, invalid(message), path, marker);
    }
}

#[test]
fn a_member_named_like_a_secret_without_a_declaration_stops_generation() {
    let member = |owner: &str, member: &str| MemberRef {
        owner: QName::new(NS, owner),
        member: member.into(),
    };
    let text = doc(TYPES, SERVICE);
    // `Query` is declared a secret of another type (one this contract lacks): `Req/Query` may
    // hold the same credential, and nothing says it does not.
    let config = Config {
        credentials: vec![codegen::config::Credential {
            role: "token".into(),
            secret: true,
            members: vec![member("OldReq", "Query")],
        }],
        ..Config::default()
    };
    let e = fail_with(&text, &config);
    let ErrorKind::Invalid(message) = &e.kind else {
        panic!("{e}")
    };
    assert!(
        message.contains(&format!(
            "type {{{NS}}}Req has a member `Query` named like a declared secret"
        )),
        "{e}"
    );
    assert_eq!(
        e.path,
        "definitions/types/schema/complexType[@name='Req']/sequence/element[@name='Query']"
    );
    assert!(e.line.is_some(), "{e}");
    // Declared as not a secret, or as a credential, it generates; as a credential it is masked.
    let acknowledged = Config {
        not_secret: vec![member("Req", "Query")],
        ..config.clone()
    };
    assert!(generate_text("ok.wsdl", &text, &acknowledged).is_ok());
    let mut declared = config;
    declared.credentials[0].members.push(member("Req", "Query"));
    let output = generate_text("ok.wsdl", &text, &declared).unwrap_or_else(|e| panic!("{e}"));
    assert!(output
        .file("types.rs")
        .is_some_and(|t| t.contains("&crate::xml::Masked(&self.query)")));
}

#[test]
fn a_header_entry_named_like_a_secret_without_a_declaration_stops_generation() {
    let path = common::workspace_root().join("codegen/tests/fixtures/headers.wsdl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // `ApiKey` is a declared secret of another type: the header entry may hold one too.
    let config = Config {
        credentials: vec![codegen::config::Credential {
            role: "api_key".into(),
            secret: true,
            members: vec![MemberRef {
                owner: QName::new("http://example.com/hdr/", "Session"),
                member: "ApiKey".into(),
            }],
        }],
        ..Config::default()
    };
    let e = fail_with(&text, &config);
    assert!(
        e.to_string().contains(
            "type {http://example.com/hdr/}Lookup_Headers has a member `ApiKey` named like a declared secret"
        ),
        "{e}"
    );
    assert_eq!(e.path, "definitions/types/schema[1]/element[@name='ApiKey']");
}

#[test]
fn bindings_of_several_port_types_are_refused_and_unbound_operations_reported() {
    let second = format!(
        "{SERVICE}\n  <wsdl:portType name=\"Port2\">\n    <wsdl:operation name=\"Op2\">\n      <wsdl:input message=\"tns:In\" />\n      <wsdl:output message=\"tns:Out\" />\n    </wsdl:operation>\n  </wsdl:portType>\n  <wsdl:binding name=\"Binding2\" type=\"tns:Port2\">\n    <soap:binding transport=\"http://schemas.xmlsoap.org/soap/http\" />\n  </wsdl:binding>"
    );
    let e = fail(&doc(TYPES, &second));
    assert_eq!(
        e.kind,
        ErrorKind::Unsupported(
            "SOAP 1.1 bindings of several port types (Port and Port2): generate from a contract of one".into()
        ),
        "{e}"
    );
    assert_eq!(e.path, "definitions/binding[@name='Binding2']");

    // A portType operation the binding does not bind is not generated, and regen says so.
    let unbound = mutated(
        "    </wsdl:operation>\n  </wsdl:portType>",
        "    </wsdl:operation>\n    <wsdl:operation name=\"Extra\">\n      <wsdl:input message=\"tns:In\" />\n      <wsdl:output message=\"tns:Out\" />\n    </wsdl:operation>\n  </wsdl:portType>",
    );
    let output = generate_text("ok.wsdl", &unbound, &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output
            .warnings
            .contains(&"portType operation Extra has no SOAP 1.1 binding operation: not generated".to_owned()),
        "{:?}",
        output.warnings
    );
}

#[test]
fn more_schema_namespaces_than_the_runtime_indexes_are_refused() {
    let schemas: String = (0..=codegen::emit::MAX_NAMESPACES)
        .map(|i| format!("    <xs:schema targetNamespace=\"urn:s{i}\"><xs:element name=\"E\" type=\"xs:string\" /></xs:schema>\n"))
        .collect();
    let text = doc(TYPES, SERVICE).replace("  </wsdl:types>", &format!("{schemas}  </wsdl:types>"));
    let e = fail(&text);
    assert_eq!(
        e.kind,
        ErrorKind::Unsupported(format!(
            "{} schema namespaces (the runtime indexes at most {})",
            codegen::emit::MAX_NAMESPACES + 2,
            codegen::emit::MAX_NAMESPACES
        )),
        "{e}"
    );
}

// ---- contracts of several documents: the document that holds the construct ----

/// The `flags.wsdl` fixture contract with its imported schema `flags.xsd` edited (`from`, which
/// must occur once, replaced by `to`): the generation error, and the schema's text.
fn fail_in_imported_schema(from: &str, to: &str) -> (Error, String) {
    let xsd = common::fixture("flags.xsd");
    assert_eq!(xsd.matches(from).count(), 1, "`{from}` must occur once in flags.xsd");
    let broken = xsd.replace(from, to);
    let root = common::fixture("flags.wsdl");
    let config = common::fixture_config::config_for("flags.wsdl");
    match common::generate_fixture_with("flags.wsdl", &root, &[("flags.xsd", &broken)], &config) {
        Ok(_) => panic!("generation succeeded on:\n{broken}"),
        Err(e) => (e, broken),
    }
}

/// Asserts that `e` names `flags.xsd` at the line of `marker` (which must occur once there),
/// with `path`, and not the root document.
fn assert_in_schema(e: &Error, xsd: &str, kind: ErrorKind, path: &str, marker: &str) {
    let line = line_at(xsd, marker);
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!((e.file.as_str(), e.line), ("flags.xsd", Some(line)), "{e}");
    assert_eq!(e.path, path, "{e}");
    assert!(e.to_string().starts_with(&format!("flags.xsd:{line}: ")), "{e}");
}

const LOCKER: &str = "schema/complexType[@name='Locker']/sequence";

#[test]
fn the_flags_fixture_generates_as_two_documents() {
    let contract = common::load_fixture("flags.wsdl", &common::fixture("flags.wsdl")).unwrap_or_else(|e| panic!("{e}"));
    let urls: Vec<&str> = contract.documents.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(urls, ["flags.wsdl", "flags.xsd"]);
    // Read alone, the root refuses its reference (it is not self-contained).
    let e = generate_text("flags.wsdl", &common::fixture("flags.wsdl"), &Config::default()).unwrap_err();
    assert_eq!(e.file, "flags.wsdl", "{e}");
}

#[test]
fn a_read_error_in_an_imported_schema_names_that_schema_and_its_line() {
    let (e, xsd) = fail_in_imported_schema(
        "<xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Past\" type=\"tns:Access\" />",
        "<xs:choice><xs:element name=\"Past\" type=\"tns:Access\" /></xs:choice>",
    );
    assert_in_schema(
        &e,
        &xsd,
        unsupported("xs:choice in xs:sequence"),
        &format!("{LOCKER}/choice"),
        "<xs:choice>",
    );
}

#[test]
fn a_model_error_in_an_imported_schema_names_that_schema_and_its_line() {
    // A list of the flags list: a list of lists.
    let (e, xsd) = fail_in_imported_schema(
        "<xs:simpleType name=\"Alerts\">",
        "<xs:simpleType name=\"Accesses\">\n    <xs:list itemType=\"tns:Access\" />\n  </xs:simpleType>\n  <xs:simpleType name=\"Alerts\">",
    );
    assert_in_schema(
        &e,
        &xsd,
        unsupported("list type {http://example.com/lockers/}Accesses: a list of lists"),
        "schema/simpleType[@name='Accesses']",
        "name=\"Accesses\"",
    );
    // A flags list whose anonymous enumeration restricts xs:QName: its items are refused.
    let (e, xsd) = fail_in_imported_schema(
        "<xs:enumeration value=\"Opened\" />",
        "<xs:enumeration value=\"Opened\" />\n        </xs:restriction>\n      </xs:simpleType>\n    </xs:list>\n  </xs:simpleType>\n  <xs:simpleType name=\"Names\">\n    <xs:list>\n      <xs:simpleType>\n        <xs:restriction base=\"xs:QName\">\n          <xs:enumeration value=\"a:b\" />",
    );
    assert_eq!(e.file, "flags.xsd", "{e}");
    assert_eq!(e.line, Some(line_at(&xsd, "name=\"Names\"")), "{e}");
    assert!(
        matches!(&e.kind, ErrorKind::Unsupported(m) if m.starts_with("list type {http://example.com/lockers/}Names: xs:QName items")),
        "{e}"
    );
}

#[test]
fn an_emit_error_in_an_imported_schema_names_that_schema_and_its_line() {
    // Found while emitting the types, not while reading or modelling them.
    let (e, xsd) = fail_in_imported_schema(
        "<xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Past\" type=\"tns:Access\" />",
        "<xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Past\" type=\"tns:Access\" />\n      \
         <xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Log\" type=\"tns:ArrayOfLine\" />\n    \
         </xs:sequence>\n  </xs:complexType>\n  <xs:complexType name=\"ArrayOfLine\">\n    <xs:sequence>\n      \
         <xs:element minOccurs=\"0\" maxOccurs=\"unbounded\" name=\"Line\" type=\"xs:string\" />",
    );
    assert_in_schema(
        &e,
        &xsd,
        unsupported("member `log`: a collection of collections"),
        &format!("{LOCKER}/element[@name='Log']"),
        "name=\"Log\"",
    );
}

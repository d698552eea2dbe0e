//! The overrides' `[ranges]` pairs: a start member and an end member of a request type, which
//! its `Encode` impl checks before it writes anything (an end before the start is refused at
//! run time). Pairs are data, checked against the contract: a pattern or type the contract
//! lacks is a warning; an exact type that lacks a member, is in no request, or whose members
//! cannot be compared is an error naming the pair.

mod common;

use codegen::{Config, Output};
use common::{generate_text, kareo_config, kareo_wsdl, pinned_contract};

/// One operation, `Book`, whose request holds a slot (typed dates), filters (string dates) and
/// whose response holds a type with the same members as the slot.
const WSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions name="Booking" targetNamespace="http://example.com/book/"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:tns="http://example.com/book/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xs:schema elementFormDefault="qualified" targetNamespace="http://example.com/book/">
      <xs:element name="Book">
        <xs:complexType><xs:sequence>
          <xs:element minOccurs="0" name="request" nillable="true" type="tns:BookReq" />
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:element name="BookResponse">
        <xs:complexType><xs:sequence>
          <xs:element minOccurs="0" name="BookResult" nillable="true" type="tns:Booked" />
        </xs:sequence></xs:complexType>
      </xs:element>
      <xs:complexType name="BookReq">
        <xs:sequence>
          <xs:element name="Slot" type="tns:Slot" />
          <xs:element minOccurs="0" name="Filter" nillable="true" type="tns:SlotFilter" />
          <xs:element minOccurs="0" name="Other" nillable="true" type="tns:OtherFilter" />
          <xs:element minOccurs="0" name="Half" nillable="true" type="tns:HalfFilter" />
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="Slot">
        <xs:sequence>
          <xs:element name="StartTime" type="xs:dateTime" />
          <xs:element minOccurs="0" name="EndTime" nillable="true" type="xs:dateTime" />
          <xs:element minOccurs="0" name="Opens" type="xs:date" />
          <xs:element minOccurs="0" name="Closes" type="tns:Day" />
          <xs:element minOccurs="0" name="Label" nillable="true" type="xs:string" />
          <xs:element minOccurs="0" maxOccurs="unbounded" name="Ends" type="xs:dateTime" />
        </xs:sequence>
      </xs:complexType>
      <xs:simpleType name="Day">
        <xs:restriction base="xs:date" />
      </xs:simpleType>
      <xs:complexType name="SlotFilter">
        <xs:sequence>
          <xs:element minOccurs="0" name="FromDay" nillable="true" type="xs:string" />
          <xs:element name="ToDay" type="xs:string" />
          <xs:element minOccurs="0" name="FromStamp" nillable="true" type="xs:string" />
          <xs:element minOccurs="0" name="ToStamp" nillable="true" type="xs:string" />
          <xs:element minOccurs="0" name="FromCount" nillable="true" type="xs:string" />
          <xs:element minOccurs="0" name="ToCount" nillable="true" type="xs:string" />
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="OtherFilter">
        <xs:sequence>
          <xs:element minOccurs="0" name="FromDay" nillable="true" type="xs:string" />
          <xs:element minOccurs="0" name="ToDay" nillable="true" type="xs:string" />
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="HalfFilter">
        <xs:sequence>
          <xs:element minOccurs="0" name="FromDay" nillable="true" type="xs:string" />
        </xs:sequence>
      </xs:complexType>
      <xs:complexType name="Booked">
        <xs:sequence>
          <xs:element name="StartTime" type="xs:dateTime" />
          <xs:element name="EndTime" type="xs:dateTime" />
        </xs:sequence>
      </xs:complexType>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="BookIn"><wsdl:part name="parameters" element="tns:Book" /></wsdl:message>
  <wsdl:message name="BookOut"><wsdl:part name="parameters" element="tns:BookResponse" /></wsdl:message>
  <wsdl:portType name="Booking">
    <wsdl:operation name="Book">
      <wsdl:input message="tns:BookIn" />
      <wsdl:output message="tns:BookOut" />
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="BasicHttpBinding_Booking" type="tns:Booking">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Book">
      <soap:operation soapAction="urn:book:Book" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>
"#;

const VALUES: &str = r#"runtime_path = "crate::xml"

[values]
runtime_path = "crate::values"
records = ["{http://example.com/book/}*Filter"]
[values.kinds]
date = "crate::values::KareoDate"
date_time = "crate::values::KareoDateTime"
integer = "i64"

[[values.rules]]
kind = "date_time"
members = ["FromStamp"]

[[values.rules]]
kind = "date"
members = ["*Day", "ToStamp"]

[[values.rules]]
kind = "integer"
members = ["*Count"]
"#;

fn config(ranges: &str) -> Config {
    Config::from_toml("test.toml", &format!("{VALUES}\n[ranges]\n{ranges}")).unwrap_or_else(|e| panic!("{e}"))
}

fn generate(ranges: &str) -> codegen::Result<Output> {
    generate_text("booking.wsdl", WSDL, &config(ranges))
}

/// The `Encode` impl of `ty` in types.rs, whitespace removed.
fn encode_impl(out: &Output, ty: &str) -> String {
    let types = out.file("types.rs").expect("types.rs");
    let start = types
        .find(&format!("impl crate::xml::Encode for {ty} {{"))
        .unwrap_or_else(|| panic!("no Encode impl of {ty}"));
    let rest = &types[start..];
    let end = rest.find("\n}\n").expect("impl ends");
    rest[..end].split_whitespace().collect()
}

fn range_warnings(out: &Output) -> Vec<&str> {
    out.warnings
        .iter()
        .map(String::as_str)
        .filter(|w| w.contains("ranges"))
        .collect()
}

const NS: &str = "{http://example.com/book/}";

#[test]
fn each_pair_is_checked_before_its_element_is_written() {
    let out = generate(&format!(
        r#"kinds = ["date", "date_time"]
pairs = [
  {{ types = ["{NS}Slot"], start = "StartTime", end = "EndTime" }},
  {{ types = ["{NS}Slot"], start = "Opens", end = "Closes" }},
  {{ types = ["{NS}*Filter"], start = "FromDay", end = "ToDay" }},
  # The same pair again: checked once.
  {{ types = ["{NS}SlotFilter"], start = "FromDay", end = "ToDay" }},
]
"#
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let slot = encode_impl(&out, "Slot");
    assert!(
        slot.contains(
            r#"crate::xml::check_range("StartTime","EndTime",Some(&self.start_time),self.end_time.value(),)?;"#
        ),
        "{slot}"
    );
    // A simple type with xs:date's values compares as xs:date.
    assert!(
        slot.contains(r#"crate::xml::check_range("Opens","Closes",self.opens.as_ref(),self.closes.as_ref(),)?;"#),
        "{slot}"
    );
    assert!(
        slot.contains("ifxw.checks_ranges(){crate::xml::check_range("),
        "only where the writer checks ranges (requests): {slot}"
    );
    let first_check = slot.find("check_range").expect("a check");
    assert!(
        first_check < slot.find("xw.start(ns,name)").expect("start"),
        "checks come first: {slot}"
    );

    let filter = encode_impl(&out, "SlotFilter");
    assert!(
        filter.contains(r#"crate::values::check_text_range::<crate::values::KareoDate,>("FromDay","ToDay",self.from_day.value().map(|v|v.as_str()),Some(self.to_day.as_str()),)?;"#),
        "{filter}"
    );
    assert_eq!(filter.matches("check_text_range").count(), 1, "{filter}");
    assert!(encode_impl(&out, "OtherFilter").contains("check_text_range"));
    // A type the pattern matches that lacks a member, and types of no pair: unchanged.
    for ty in ["HalfFilter", "BookReq", "Booked"] {
        assert!(!encode_impl(&out, ty).contains("check_"), "{ty}");
    }
    assert_eq!(range_warnings(&out), Vec::<&str>::new());
    assert!(
        out.notes.iter().any(|n| n.starts_with("range pairs: 4 in 3 types")),
        "{:?}",
        out.notes
    );
}

#[test]
fn what_the_contract_lacks_is_a_warning() {
    let out = generate(&format!(
        r#"pairs = [
  {{ types = ["{NS}Gone", "{NS}Slot"], start = "StartTime", end = "EndTime" }},
  {{ types = ["{NS}*Nothing"], start = "StartTime", end = "EndTime" }},
  {{ types = ["{NS}*Filter"], start = "FromNever", end = "ToNever" }},
  # Booked has both members but is in no request: a pattern skips it.
  {{ types = ["{NS}Book*"], start = "StartTime", end = "EndTime" }},
]
"#
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        range_warnings(&out),
        [
            "override ranges.pairs[0] (StartTime..EndTime): type {http://example.com/book/}Gone is not in this contract: skipped",
            "override ranges.pairs[1] (StartTime..EndTime): {http://example.com/book/}*Nothing matches no request type with both members in this contract: skipped",
            "override ranges.pairs[2] (FromNever..ToNever): {http://example.com/book/}*Filter matches no request type with both members in this contract: skipped",
            "override ranges.pairs[3] (StartTime..EndTime): {http://example.com/book/}Book* matches no request type with both members in this contract: skipped",
        ]
    );
    assert!(encode_impl(&out, "Slot").contains("check_range"));
    assert!(!encode_impl(&out, "Booked").contains("check_range"));
}

#[test]
fn a_pair_that_cannot_be_checked_is_an_error_naming_it() {
    for (pair, expected) in [
        (
            format!(r#"{{ types = ["{NS}Slot"], start = "StartTime", end = "Finish" }}"#),
            "override ranges.pairs[0] (StartTime..Finish): {http://example.com/book/}Slot has no member Finish",
        ),
        (
            format!(r#"{{ types = ["{NS}Booked"], start = "StartTime", end = "EndTime" }}"#),
            "{http://example.com/book/}Booked is in no request",
        ),
        (
            format!(r#"{{ types = ["{NS}Day"], start = "StartTime", end = "EndTime" }}"#),
            "{http://example.com/book/}Day is not a complex type",
        ),
        (
            format!(r#"{{ types = ["{NS}Slot"], start = "StartTime", end = "Label" }}"#),
            "in {http://example.com/book/}Slot, StartTime is an xs:dateTime and Label is an xs:string: a range needs",
        ),
        (
            format!(r#"{{ types = ["{NS}Slot"], start = "StartTime", end = "Opens" }}"#),
            "StartTime is an xs:dateTime and Opens is an xs:date",
        ),
        (
            format!(r#"{{ types = ["{NS}Slot"], start = "StartTime", end = "Ends" }}"#),
            "in {http://example.com/book/}Slot, Ends is repeated",
        ),
        // Kinds differ.
        (
            format!(r#"{{ types = ["{NS}SlotFilter"], start = "FromStamp", end = "ToStamp" }}"#),
            "FromStamp is a string of kind date_time and ToStamp is a string of kind date",
        ),
        // A kind that is not in ranges.kinds, even through a pattern.
        (
            format!(r#"{{ types = ["{NS}*Filter"], start = "FromCount", end = "ToCount" }}"#),
            "FromCount is a string of kind integer and ToCount is a string of kind integer: a range needs two xs:dateTime or two xs:date members, or two strings of one kind of ranges.kinds (date, date_time)",
        ),
    ] {
        let err = generate(&format!("kinds = [\"date\", \"date_time\"]\npairs = [{pair}]\n"))
            .expect_err(&pair)
            .to_string();
        assert!(err.contains(expected), "{pair}: {err}");
    }
}

#[test]
fn bad_pairs_are_refused_when_read() {
    for (section, expected) in [
        (
            "pairs = [{ types = [\"{x}T\"], start = \"A\", end = \"B\", inclusive = true }]",
            "unknown field `inclusive`",
        ),
        (
            "pairs = [{ types = [\"{x}T\"], begin = \"A\", end = \"B\" }]",
            "unknown field `begin`",
        ),
        ("pair = []", "unknown field `pair`"),
        (
            "pairs = [{ types = [\"T\"], start = \"A\", end = \"B\" }]",
            "ranges.pairs[0] (A..B): `T` is not of the form {namespace}Type",
        ),
        (
            "pairs = [{ types = [], start = \"A\", end = \"B\" }]",
            "ranges.pairs[0] (A..B): names no type",
        ),
        (
            "pairs = [{ types = [\"{x}T\"], start = \"From*\", end = \"To*\" }]",
            "`From*` is not a member name",
        ),
        (
            "pairs = [{ types = [\"{x}T\"], start = \"A/B\", end = \"C\" }]",
            "`A/B` is not a member name",
        ),
        (
            "pairs = [{ types = [\"{x}T\"], start = \"A\", end = \"A\" }]",
            "start and end are the same member",
        ),
        (
            "kinds = [\"money\"]",
            "ranges.kinds: kind `money` is not in [values.kinds]",
        ),
    ] {
        let err = Config::from_toml("test.toml", &format!("{VALUES}\n[ranges]\n{section}\n")).expect_err(section);
        assert!(err.contains(expected), "{section}: {err}");
    }
    // Kinds need a [values] section that declares them.
    let err = Config::from_toml(
        "test.toml",
        "runtime_path = \"crate::xml\"\n[ranges]\nkinds = [\"date\"]\n",
    )
    .expect_err("no values");
    assert!(err.contains("kind `date` is not in [values.kinds]"), "{err}");
}

#[test]
fn kareo_pairs_all_match_the_pinned_contract() {
    let (contract, name) = pinned_contract();
    let out = codegen::generate_contract(&contract, &name, &kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(range_warnings(&out), Vec::<&str>::new(), "every pair names something");
    assert!(
        out.notes.iter().any(|n| n.starts_with("range pairs: 42 in 21 types")),
        "{:?}",
        out.notes
    );
    let types = out.file("types.rs").expect("types.rs");
    for check in [
        r#"crate::xml::check_range("StartTime","EndTime",Some(&self.start_time),Some(&self.end_time),)?;"#,
        r#"crate::values::check_text_range::<crate::values::KareoDate,>("FromPostingDate","ToPostingDate","#,
        r#"crate::values::check_text_range::<crate::values::KareoDateTime,>("StartDate","EndDate","#,
        r#"crate::values::check_text_range::<crate::values::KareoDate,>("FromDateOfBirth","ToDateOfBirth","#,
    ] {
        let squeezed: String = types.split_whitespace().collect();
        assert!(squeezed.contains(check), "{check}");
    }
}

#[test]
fn the_april_2021_contract_lacks_only_the_2025_health_codes() {
    let out = generate_text("KareoServices.wsdl", &kareo_wsdl(), &kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        range_warnings(&out),
        ["override ranges.pairs[15] (DateFrom..DateTo): type {http://www.kareo.com/api/schemas/}HealthCodeReq is not in this contract: skipped"]
    );
}

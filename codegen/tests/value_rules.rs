//! The overrides' `[values]` rules: string members declared to hold dates, money, ... get
//! typed accessors and setters in `values.rs`; rules are data, checked against the contract,
//! and what they name that a contract lacks is a warning, never an error.

mod common;

use codegen::{Config, Output};
use common::{generate_fixture, generate_text, kareo_config, kareo_wsdl, pinned_contract};

const HEAD: &str = "runtime_path = \"crate::xml\"\n";

const KINDS: &str = r#"
[values]
runtime_path = "crate::values"
records = ["{http://example.com/shop/}Occ*"]
[values.kinds]
date = "crate::values::KareoDate"
flag = "crate::values::KareoFlag"
"#;

fn config(rules: &str) -> Config {
    Config::from_toml("test.toml", &format!("{HEAD}{KINDS}{rules}")).unwrap_or_else(|e| panic!("{e}"))
}

fn values_rs(out: &Output) -> &str {
    out.file("values.rs").expect("values.rs is generated")
}

fn value_warnings(out: &Output) -> Vec<&str> {
    out.warnings
        .iter()
        .map(String::as_str)
        .filter(|w| w.contains("values"))
        .collect()
}

#[test]
fn matched_string_members_get_an_accessor_and_a_setter_per_shape() {
    let out = generate_fixture(
        "occurs.wsdl",
        &config(
            r#"
[[values.rules]]
kind = "date"
members = ["Required*", "Many", "Optional"]
"#,
        ),
    );
    let code = values_rs(&out);
    // Required xs:string: always there; required and nillable: Option.
    assert!(code.contains("pub fn required_value("), "{code}");
    assert!(code.contains("Some(self.required.as_str())"), "{code}");
    assert!(code.contains("pub fn required_nil_value("), "{code}");
    assert!(code.contains("self.required_nil.as_deref()"), "{code}");
    assert!(
        code.contains("\"Occurrences/RequiredNil\""),
        "the member is named in errors: {code}"
    );
    // The setter is the builder's: named like the member, taking the kind's type.
    let builders = out.file("builders.rs").expect("builders.rs");
    assert!(!code.contains("pub fn set_required_value("), "{code}");
    assert!(
        builders.contains("pub fn required(mut self, value: impl Into<crate::values::KareoDate>) -> Self"),
        "{builders}"
    );
    assert!(
        builders.contains("self.required = value.into().to_string();"),
        "{builders}"
    );
    // Repeated strings and members the schema types itself get nothing, and no warning
    // (`Optional` is an xs:int: typed already).
    assert!(!code.contains("many_value"), "{code}");
    assert!(!code.contains("optional_value"), "{code}");
    // `RequiredExplicit` is an xs:int that `Required*` matches: skipped too.
    assert!(!code.contains("required_explicit_value"), "{code}");
    assert_eq!(value_warnings(&out), Vec::<&str>::new());
    assert!(out.file("mod.rs").expect("mod.rs").contains("pub mod values;"));
}

#[test]
fn the_first_rule_that_names_a_member_decides() {
    let out = generate_fixture(
        "occurs.wsdl",
        &config(
            r#"
[[values.rules]]
kind = "flag"
types = ["{http://example.com/shop/}Tag"]
members = ["Label"]

[[values.rules]]
kind = "date"
types = ["{http://example.com/shop/}*"]
members = ["*"]
"#,
        ),
    );
    let code = values_rs(&out);
    assert!(
        code.contains("pub fn label_value(\n        &self,\n    ) -> Result<Option<crate::values::KareoFlag>"),
        "{code}"
    );
    assert!(!code.contains("Option<crate::values::KareoDate>, crate::values::InvalidValue> {\n        crate::values::parse_member(\n            \"Tag/Label\""));
    assert!(code.contains("\"Occurrences/Required\""), "{code}");
}

#[test]
fn what_a_contract_lacks_is_a_warning_and_left_out() {
    let out = generate_fixture(
        "occurs.wsdl",
        &config(
            r#"
[[values.rules]]
kind = "date"
types = ["{http://example.com/shop/}Occurrences", "{http://example.com/shop/}Gone*"]
members = ["Required", "NotThere"]

[[values.day_ranges]]
type = "{http://example.com/shop/}Filter"
from = "FromDay"
to = "ToDay"
method = "set_day"
finds = "the things of that day"
"#,
        ),
    );
    let warnings = value_warnings(&out);
    assert_eq!(
        warnings,
        [
            "override values rule 1 (date): type {http://example.com/shop/}Gone* matches no type of this contract: skipped",
            "override values rule 1 (date): member NotThere matches no string member of its types in this contract: skipped",
            "override values.day_ranges {http://example.com/shop/}Filter/FromDay and ToDay: not single xs:string members of this contract: helper set_day left out",
        ]
    );
    let code = values_rs(&out);
    assert!(code.contains("pub fn required_value("));
    assert!(!code.contains("set_day"));
}

#[test]
fn a_day_range_helper_sets_both_ends() {
    let out = generate_fixture(
        "occurs.wsdl",
        &config(
            r#"
[[values.day_ranges]]
type = "{http://example.com/shop/}Occurrences"
from = "Required"
to = "RequiredNil"
method = "set_required_on"
finds = "the things of `day`"
"#,
        ),
    );
    let code = values_rs(&out);
    assert!(code.contains("pub fn set_required_on("), "{code}");
    assert!(code.contains("crate::values::exclusive_day_range(day)?"), "{code}");
    assert!(code.contains("self.required = from.to_string();"), "{code}");
    assert!(code.contains("self.required_nil = Some(to.to_string());"), "{code}");
}

#[test]
fn bad_rules_are_refused_when_read() {
    for (rules, expected) in [
        ("[[values.rules]]\nkind = \"money\"\nmembers = [\"X\"]\n", "kind `money` is not in [values.kinds]"),
        ("[[values.rules]]\nkind = \"date\"\ntypes = [\"Occ\"]\nmembers = [\"X\"]\n", "`Occ` is not of the form {namespace}Type"),
        ("[[values.rules]]\nkind = \"date\"\nmembers = [\"A/B\"]\n", "`A/B` is not a member name"),
        (
            "[[values.day_ranges]]\ntype = \"{x}T\"\nfrom = \"A\"\nto = \"B\"\nmethod = \"not an ident\"\nfinds = \"x\"\n",
            "`not an ident` is not a Rust identifier",
        ),
        ("[[values.rules]]\nkind = \"date\"\nmember = [\"X\"]\n", "unknown field `member`"),
    ] {
        let err = Config::from_toml("test.toml", &format!("{HEAD}{KINDS}{rules}")).expect_err(rules);
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn credentials_never_get_an_accessor() {
    let text = format!(
        "{HEAD}secret_roles = [\"user\"]\n{KINDS}[[values.rules]]\nkind = \"date\"\ntypes = [\"{{http://example.com/shop/}}*\"]\nmembers = [\"*\"]\n\n[credentials]\nuser = [\"{{http://example.com/shop/}}Tag/Label\"]\n"
    );
    let config = Config::from_toml("test.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    let out = generate_fixture("occurs.wsdl", &config);
    let code = values_rs(&out);
    assert!(!code.contains("label_value"), "{code}");
    assert!(code.contains("pub fn required_value("), "{code}");
}

#[test]
fn without_a_values_section_there_is_no_values_module() {
    let out = generate_fixture("occurs.wsdl", &Config::default());
    assert!(out.file("values.rs").is_none());
    assert!(!out.file("mod.rs").expect("mod.rs").contains("mod values"));
}

#[test]
fn kareo_rules_all_match_the_pinned_contract() {
    let (contract, name) = pinned_contract();
    let out = codegen::generate_contract(&contract, &name, &kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(value_warnings(&out), Vec::<&str>::new(), "every rule names something");
    let code = values_rs(&out);
    for accessor in [
        "impl super::types::ChargeData",
        "pub fn posting_date_value(",
        "pub fn total_charges_value(",
        "pub fn set_date_of_birth_on(",
    ] {
        assert!(code.contains(accessor), "{accessor}");
    }
    let builders = out.file("builders.rs").expect("builders.rs");
    assert!(builders
        .contains("pub fn from_posting_date(\n        mut self,\n        value: impl Into<crate::values::KareoDate>,"));
}

#[test]
fn the_april_2021_contract_generates_with_the_same_rules() {
    let out = generate_text("KareoServices.wsdl", &kareo_wsdl(), &kareo_config()).unwrap_or_else(|e| panic!("{e}"));
    assert!(values_rs(&out).contains("pub fn posting_date_value("));
}

//! No input makes the generator panic: every document of every fixture contract (the root
//! WSDL and the schemas it imports) with each single line removed, and cut short after each
//! line, either generates or fails with an error naming the document that holds the problem
//! and a line that exists in it.

mod common;

use codegen::Config;
use common::{fixture, fixture_config::config_for, fixture_names, generate_fixture_with, generate_text, load_fixture};

/// Generates the contract rooted at fixture `root` with document `doc` replaced by `text`.
fn check(root: &str, doc: &str, text: &str, config: &Config, what: &str) {
    let result = std::panic::catch_unwind(|| {
        if doc == root {
            generate_fixture_with(root, text, &[], config)
        } else {
            generate_fixture_with(root, &fixture(root), &[(doc, text)], config)
        }
    });
    match result {
        Err(_) => panic!("{doc} {what}: the generator panicked"),
        Ok(Ok(output)) => common::check_generated_rust(&output),
        Ok(Err(e)) => {
            // The error names the broken document, or (for a reference it breaks) the one
            // that refers to it: the root here.
            assert!(e.file == doc || e.file == root, "{doc} {what}: {e}");
            let named = if e.file == doc { text.to_owned() } else { fixture(root) };
            let lines = named.lines().count().max(1) as u32;
            if let Some(line) = e.line {
                assert!(
                    (1..=lines + 1).contains(&line),
                    "{doc} {what}: line {line} of {lines}: {e}"
                );
            }
        }
    }
}

/// Every document of each fixture contract: `(root, document)`, the root first.
fn documents() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for root in fixture_names() {
        let contract = load_fixture(&root, &fixture(&root)).unwrap_or_else(|e| panic!("{e}"));
        for d in &contract.documents {
            out.push((root.clone(), d.url.clone()));
        }
    }
    out
}

#[test]
fn every_fixture_document_is_checked() {
    let docs = documents();
    assert!(
        docs.contains(&("flags.wsdl".to_owned(), "flags.xsd".to_owned())),
        "{docs:?}"
    );
    assert_eq!(docs.len(), fixture_names().len() + 1, "{docs:?}");
}

#[test]
fn removing_any_one_line_of_a_fixture_never_panics() {
    for (root, doc) in documents() {
        let text = fixture(&doc);
        let config = config_for(&root);
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let mutated: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            check(
                &root,
                &doc,
                &mutated.join("\n"),
                &config,
                &format!("without line {}", skip + 1),
            );
        }
    }
}

#[test]
fn cutting_a_fixture_short_never_panics() {
    for (root, doc) in documents() {
        let text = fixture(&doc);
        let config = config_for(&root);
        for (at, _) in text.match_indices('\n') {
            check(&root, &doc, &text[..at], &config, &format!("cut at byte {at}"));
        }
    }
}

#[test]
fn names_without_ascii_letters_still_make_identifiers() {
    let text = fixture("collisions.wsdl")
        .replace("<xs:complexType name=\"Item2\">", "<xs:complexType name=\"日本\">")
        .replace(
            "<xs:enumeration value=\"in-progress\" />",
            "<xs:enumeration value=\"é\" />\n          <xs:enumeration value=\"-\" />",
        )
        .replace(
            "<xs:element name=\"match\" type=\"xs:string\" />",
            "<xs:element name=\"ü\" type=\"xs:string\" />",
        );
    let output = generate_text("collisions.wsdl", &text, &Config::default()).unwrap_or_else(|e| panic!("{e}"));
    common::check_generated_rust(&output);
    let types = output.file("types.rs").unwrap();
    assert!(types.contains("pub struct Empty {"), "the type named 日本");
    assert!(types.contains("    Empty2,\n"), "the value é");
    assert!(types.contains("    Empty3,\n"), "the value -");
    assert!(types.contains("pub empty: String,"), "the member ü");
}

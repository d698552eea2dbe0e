//! No input makes the generator panic: every fixture with each single line removed, and cut
//! short after each line, either generates or fails with an error naming the file and a line
//! that exists.

mod common;

use codegen::Config;
use common::{fixture, fixture_config::config_for, fixture_names, generate_text};

fn check(name: &str, text: &str, config: &Config, what: &str) {
    let result = std::panic::catch_unwind(|| generate_text(name, text, config));
    match result {
        Err(_) => panic!("{name} {what}: the generator panicked"),
        Ok(Ok(output)) => common::check_generated_rust(&output),
        Ok(Err(e)) => {
            assert_eq!(e.file, name, "{name} {what}: {e}");
            let lines = text.lines().count().max(1) as u32;
            if let Some(line) = e.line {
                assert!(
                    (1..=lines + 1).contains(&line),
                    "{name} {what}: line {line} of {lines}: {e}"
                );
            }
        }
    }
}

#[test]
fn removing_any_one_line_of_a_fixture_never_panics() {
    for name in fixture_names() {
        let text = fixture(&name);
        let config = config_for(&name);
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let mutated: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            check(
                &name,
                &mutated.join("\n"),
                &config,
                &format!("without line {}", skip + 1),
            );
        }
    }
}

#[test]
fn cutting_a_fixture_short_never_panics() {
    for name in fixture_names() {
        let text = fixture(&name);
        let config = config_for(&name);
        for (at, _) in text.match_indices('\n') {
            check(&name, &text[..at], &config, &format!("cut at byte {at}"));
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

//! The code generated from the value fixtures is compiled and run against the real runtime:
//! `kareo-sdk/src/xml/fixtures/<fixture>/` holds each fixture's generated `types.rs`, `builders.rs` and its
//! namespace table (`mod.rs`), built into `kareo-sdk`'s unit tests, which round-trip the values
//! through the generated codecs. This test keeps those copies current: it fails when they differ
//! from what the generator writes now, and rewrites them when `UPDATE_RUNTIME_FIXTURES=1` (or
//! `INSTA_UPDATE=always`) is set. Read the diff before committing it.

mod common;

use common::fixture_config::config_for;
use common::{generate_fixture, pick_items, workspace_root};

/// Fixtures compiled into `kareo-sdk`'s tests.
const FIXTURES: &[&str] = &[
    "binary",
    "builtins",
    "lists",
    "element_ref",
    "messages",
    "faults",
    "headers",
    "qnames",
    "anys",
    "flags",
];

/// Fixtures whose operations are compiled too (`operations.rs`, without the exported
/// `for_each_operation!` macro, which would clash with the SDK's own): their messages go
/// through the real envelope reader and writer.
const WITH_OPERATIONS: &[&str] = &["messages", "faults", "headers"];

/// `code` without its `macro_rules!` items.
fn without_macros(code: &str) -> String {
    let mut file: syn::File = syn::parse_str(code).expect("generated code parses");
    file.items.retain(|item| !matches!(item, syn::Item::Macro(_)));
    let text = prettyplease::unparse(&file);
    let header: String = code
        .lines()
        .take_while(|l| l.starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("{header}\n{text}")
}

fn update() -> bool {
    std::env::var("UPDATE_RUNTIME_FIXTURES").is_ok_and(|v| v == "1")
        || std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always")
}

#[test]
fn compiled_copies_of_the_fixture_code_are_current() {
    let mut stale = Vec::new();
    for name in FIXTURES {
        let file = format!("{name}.wsdl");
        let output = generate_fixture(&file, &config_for(&file));
        let root = output.file("mod.rs").expect("mod.rs is generated");
        let consts: Vec<String> = (0..16).map(|i| format!("NS{i}")).collect();
        let mut wanted: Vec<&str> = consts.iter().map(String::as_str).collect();
        wanted.push("NAMESPACES");
        let ops = WITH_OPERATIONS.contains(name);
        if ops {
            wanted.push("MESSAGE_NAMESPACES");
        }
        let module = format!(
            "// @generated from codegen/tests/fixtures/{file} by codegen/tests/runtime_fixtures.rs.\n\
             // Do not edit by hand: run that test with UPDATE_RUNTIME_FIXTURES=1.\n\n\
             //! The `{file}` fixture's generated types, with its namespace table.\n\n\
             {}\nmod builders;\n{}pub mod types;\n",
            pick_items(root, &wanted),
            if ops { "pub mod operations;\n" } else { "" }
        );
        let dir = workspace_root().join("kareo-sdk/src/xml/fixtures").join(name);
        let mut files = vec![
            (dir.join("mod.rs"), module),
            (
                dir.join("types.rs"),
                output.file("types.rs").expect("types.rs").to_owned(),
            ),
            (
                dir.join("builders.rs"),
                output.file("builders.rs").expect("builders.rs").to_owned(),
            ),
        ];
        if ops {
            let code = output.file("operations.rs").expect("operations.rs");
            files.push((dir.join("operations.rs"), without_macros(code)));
        }
        for (path, contents) in files {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != contents {
                if update() {
                    std::fs::create_dir_all(&dir).expect("create the fixture directory");
                    std::fs::write(&path, contents).expect("write the fixture code");
                } else {
                    stale.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated fixture code (rerun with UPDATE_RUNTIME_FIXTURES=1): {stale:?}"
    );
}

//! Compiles the workspace README's Rust code blocks, exactly as written, into the tests: each
//! ```` ```rust ```` block becomes a module named after the first function it defines, so the
//! README's examples cannot drift from the code, and tests can run them (`tests/export.rs` includes them).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    println!("cargo:rerun-if-changed={}", readme.display());
    let text = std::fs::read_to_string(&readme).unwrap_or_else(|e| panic!("cannot read {}: {e}", readme.display()));
    let mut out = String::new();
    let mut names: Vec<String> = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &mut block {
            None if trimmed == "```rust" => block = Some(Vec::new()),
            None => {}
            Some(lines) if trimmed == "```" => {
                // Top-level functions are made visible to the tests; nothing else changes.
                let code: Vec<String> = lines
                    .iter()
                    .map(|l| {
                        let l = l.strip_prefix("  ").unwrap_or(l);
                        if l.starts_with("fn ") || l.starts_with("async fn ") {
                            format!("pub(crate) {l}")
                        } else {
                            l.to_owned()
                        }
                    })
                    .collect();
                let code = code.join("\n");
                let first_fn = code
                    .split("fn ")
                    .nth(1)
                    .and_then(|rest| rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next())
                    .unwrap_or("block")
                    .to_owned();
                let mut name = first_fn.clone();
                let mut n = 1;
                while names.contains(&name) {
                    n += 1;
                    name = format!("{first_fn}_{n}");
                }
                names.push(name.clone());
                let _ = writeln!(
                    out,
                    "pub mod {name} {{\n#![allow(dead_code, clippy::all)]\n{code}\n}}\n"
                );
                block = None;
            }
            Some(lines) => lines.push(line),
        }
    }
    assert!(block.is_none(), "README.md: a ```rust block is not closed");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"))).join("readme.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

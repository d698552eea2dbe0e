//! Tests of `regen`: the committed generated module is what the generator writes today (what
//! `cargo xtask regen --check` checks in CI), generation is deterministic, and a failure never
//! leaves the generated directory half-written.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// The codegen tests' reader of `wsdl/overrides.toml`, checked here against xtask's own.
#[path = "../../codegen/tests/common/overrides.rs"]
mod codegen_test_overrides;

/// A scratch workspace root in the temp directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kareo-xtask-test-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("wsdl")).expect("scratch dir");
        Scratch(dir)
    }

    /// A workspace whose manifest pins `wsdl_text` (as `wsdl/<file>`), with default overrides and
    /// a generated directory holding `existing` files.
    fn workspace(tag: &str, file: &str, wsdl_text: &str, existing: &[(&str, &str)]) -> Scratch {
        let url = format!("https://example.invalid/{file}");
        Scratch::contract(tag, "", &url, &[(&url, file, wsdl_text)], existing)
    }

    /// A workspace whose manifest pins `parts` (url, file, text) as files of `wsdl/<dir>/`.
    fn contract(tag: &str, dir: &str, root: &str, parts: &[(&str, &str, &str)], existing: &[(&str, &str)]) -> Scratch {
        let s = Scratch::new(tag);
        fs::create_dir_all(s.0.join("wsdl").join(dir)).expect("wsdl dir");
        let manifest = Manifest {
            contract: ContractPin {
                name: "Test contract".into(),
                root: root.into(),
                dir: dir.into(),
                parts: parts
                    .iter()
                    .map(|(url, file, text)| Part {
                        url: (*url).into(),
                        file: (*file).into(),
                        sha256: hex(&Sha256::digest(text.as_bytes())),
                    })
                    .collect(),
            },
        };
        s.write(MANIFEST, &manifest.render());
        s.write("wsdl/overrides.toml", "runtime_path = \"crate::xml\"\n");
        for (_, file, text) in parts {
            s.write(&format!("wsdl/{dir}/{file}"), text);
        }
        fs::create_dir_all(s.generated()).expect("generated dir");
        for (name, contents) in existing {
            s.write(&format!("{GENERATED_DIR}/{name}"), contents);
        }
        s
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.0.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn write(&self, rel: &str, contents: &str) {
        fs::write(self.0.join(rel), contents).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }

    fn generated(&self) -> PathBuf {
        self.0.join(GENERATED_DIR)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every file of a directory (name → contents), sorted.
fn listing(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.expect("dir entry");
            let contents = fs::read_to_string(e.path()).unwrap_or_else(|e| format!("<unreadable: {e}>"));
            (e.file_name().to_string_lossy().into_owned(), contents)
        })
        .collect();
    out.sort();
    out
}

/// Leftovers of `write_atomically` beside the generated directory.
fn leftovers(dir: &Path) -> Vec<String> {
    let parent = dir.parent().expect("generated dir has a parent");
    fs::read_dir(parent)
        .expect("parent dir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".generated."))
        .collect()
}

fn fixture(name: &str) -> String {
    let path = workspace_root().join("codegen/tests/fixtures").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The real WSDL, where `regen` looks for it locally. Panics when missing (CI has `../shared`).
fn kareo_wsdl() -> String {
    let root = workspace_root();
    [
        root.join("wsdl/KareoServices.wsdl"),
        root.join("../shared/wsdl/KareoServices.wsdl"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .expect("KareoServices.wsdl not found in wsdl/ or ../shared/wsdl/ (CI runs with ../shared beside the checkout)")
    .display()
    .to_string()
}

fn args(wsdl: Option<String>, check: bool) -> Args {
    Args {
        check,
        wsdl,
        update_pin: false,
        limits: LIMITS,
    }
}

fn update_pin(wsdl: Option<String>) -> Args {
    Args {
        update_pin: true,
        ..args(wsdl, false)
    }
}

#[test]
fn committed_generated_code_is_current() {
    let root = workspace_root();
    let generated = generate_in(&root, &args(Some(kareo_wsdl()), true)).unwrap_or_else(|e| panic!("{e}"));
    let stale = stale_files(&root.join(GENERATED_DIR), &generated.output).expect("compare");
    assert!(
        stale.is_empty(),
        "{GENERATED_DIR} differs from the generator's output in {stale:?}: run `cargo xtask regen`"
    );
    assert_eq!(regen_in(&root, &args(Some(kareo_wsdl()), true)), Ok(ExitCode::SUCCESS));
}

#[test]
fn generation_is_deterministic_and_every_file_names_the_pinned_sha() {
    let root = workspace_root();
    let first = generate_in(&root, &args(Some(kareo_wsdl()), true)).unwrap_or_else(|e| panic!("{e}"));
    let second = generate_in(&root, &args(Some(kareo_wsdl()), true)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.output, second.output, "two runs on the same input differ");

    let manifest =
        Manifest::parse(&fs::read_to_string(root.join(MANIFEST)).expect("manifest")).expect("manifest parses");
    let digest = codegen::load::contract_digest(
        manifest
            .contract
            .parts
            .iter()
            .map(|p| (p.url.as_str(), p.sha256.as_str())),
    );
    assert_eq!(first.digest, digest);
    let names: Vec<&str> = first.output.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(names, ["mod.rs", "types.rs", "operations.rs", "api-surface.txt"]);
    for f in &first.output.files {
        let c = if f.path.ends_with(".rs") { "//" } else { "#" };
        let mut lines = f.contents.lines();
        let (first, second) = (lines.next().unwrap_or_default(), lines.next().unwrap_or_default());
        assert!(
            first.starts_with(&format!("{c} @generated by kareo-codegen "))
                && first.ends_with(&format!(" from {}", manifest.contract.name)),
            "{}: {first}",
            f.path
        );
        assert_eq!(
            second,
            format!(
                "{c} Contract sha256: {digest} ({})",
                codegen::documents(manifest.contract.parts.len())
            ),
            "{}",
            f.path
        );
    }
}

#[test]
fn check_names_stale_and_extra_files_and_regen_then_makes_them_current() {
    let s = Scratch::workspace(
        "check",
        "service.wsdl",
        &fixture("service.wsdl"),
        &[("types.rs", "// old\n"), ("notes.txt", "stray\n")],
    );
    let before = listing(&s.generated());
    let generated = generate_in(&s.0, &args(None, true)).unwrap_or_else(|e| panic!("{e}"));
    let stale = stale_files(&s.generated(), &generated.output).expect("compare");
    assert_eq!(
        stale,
        ["mod.rs", "types.rs", "operations.rs", "api-surface.txt", "notes.txt"]
    );
    assert_eq!(regen_in(&s.0, &args(None, true)), Ok(ExitCode::FAILURE));
    assert_eq!(
        listing(&s.generated()),
        before,
        "--check wrote to the generated directory"
    );

    assert_eq!(regen_in(&s.0, &args(None, false)), Ok(ExitCode::SUCCESS));
    let expected: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = generated
            .output
            .files
            .iter()
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(listing(&s.generated()), expected);
    assert!(leftovers(&s.generated()).is_empty(), "{:?}", leftovers(&s.generated()));
    assert_eq!(regen_in(&s.0, &args(None, true)), Ok(ExitCode::SUCCESS));
}

#[test]
fn a_generation_error_leaves_the_generated_directory_untouched() {
    let broken = fixture("service.wsdl").replace(
        "<xs:complexType name=\"PingResp\">\n        <xs:sequence>",
        "<xs:complexType name=\"PingResp\">\n        <xs:choice>",
    );
    let broken = broken.replacen(
        "<xs:element name=\"Echo\" type=\"xs:string\" />\n        </xs:sequence>",
        "<xs:element name=\"Echo\" type=\"xs:string\" />\n        </xs:choice>",
        1,
    );
    assert!(broken.contains("<xs:choice>"), "the fixture changed: update this test");
    let line = broken
        .lines()
        .position(|l| l.contains("<xs:choice>"))
        .expect("choice line")
        + 1;
    let s = Scratch::workspace(
        "broken",
        "broken.wsdl",
        &broken,
        &[("mod.rs", "// committed mod\n"), ("types.rs", "// committed types\n")],
    );
    let before = listing(&s.generated());
    let err = regen_in(&s.0, &args(None, false)).expect_err("generation must fail");
    assert!(
        err.starts_with(&format!("broken.wsdl:{line}: unsupported construct: xs:choice")),
        "{err}"
    );
    assert!(
        err.contains("(at definitions/types/schema/complexType[@name='PingResp']/choice)"),
        "{err}"
    );
    assert_eq!(listing(&s.generated()), before);
    assert!(leftovers(&s.generated()).is_empty());
}

#[test]
fn a_wsdl_that_does_not_match_the_pin_is_refused_before_anything_is_written() {
    let s = Scratch::workspace(
        "pin",
        "service.wsdl",
        &fixture("service.wsdl"),
        &[("mod.rs", "// old\n")],
    );
    s.write("wsdl/service.wsdl", &fixture("operations.wsdl"));
    let before = listing(&s.generated());
    let manifest_before = fs::read_to_string(s.0.join("wsdl/manifest.toml")).expect("manifest");
    let err = regen_in(&s.0, &args(None, false)).expect_err("sha mismatch");
    assert!(err.contains("--update-pin"), "{err}");
    let err = regen_in(&s.0, &args(None, true)).expect_err("sha mismatch under --check");
    assert!(err.contains("but wsdl/manifest.toml pins"), "{err}");
    assert_eq!(listing(&s.generated()), before);
    assert_eq!(
        fs::read_to_string(s.0.join("wsdl/manifest.toml")).expect("manifest"),
        manifest_before
    );
}

#[test]
fn a_failed_write_keeps_the_old_module_and_leaves_nothing_behind() {
    let s = Scratch::workspace(
        "write",
        "service.wsdl",
        &fixture("service.wsdl"),
        &[("mod.rs", "// old\n")],
    );
    let before = listing(&s.generated());
    let output = codegen::Output {
        warnings: Vec::new(),
        files: vec![
            codegen::GeneratedFile {
                path: "mod.rs".into(),
                contents: "// new\n".into(),
            },
            codegen::GeneratedFile {
                path: "missing-dir/types.rs".into(),
                contents: "// cannot be written\n".into(),
            },
        ],
    };
    let err = write_atomically(&s.generated(), &output).expect_err("writing into a missing directory fails");
    assert!(err.contains("missing-dir/types.rs"), "{err}");
    assert_eq!(listing(&s.generated()), before);
    assert!(leftovers(&s.generated()).is_empty(), "{:?}", leftovers(&s.generated()));
}

#[test]
fn the_codegen_tests_read_overrides_as_xtask_does() {
    let path = workspace_root().join("wsdl/overrides.toml");
    let ours = overrides::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let theirs = codegen_test_overrides::parse(&fs::read_to_string(&path).expect("overrides.toml"));
    assert_eq!(format!("{ours:#?}"), format!("{theirs:#?}"));
    assert!(!ours.always_send.is_empty() && ours.context_member.is_some());
}

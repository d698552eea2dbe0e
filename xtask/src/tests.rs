//! Tests of `regen`: the committed generated module is what the generator writes today (what
//! `cargo xtask regen --check` checks in CI), generation is deterministic, and a failure never
//! leaves the generated directory half-written.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

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
            contract: codegen::pins::Pins {
                name: "Test contract".into(),
                root: root.into(),
                dir: dir.into(),
                parts: parts
                    .iter()
                    .map(|(url, file, text)| Part {
                        url: (*url).into(),
                        file: (*file).into(),
                        sha256: codegen::load::sha256_hex(text.as_bytes()),
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
        name: None,
        all_changes: false,
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
    let generated = generate_in(&root, &args(None, true)).unwrap_or_else(|e| panic!("{e}"));
    let stale = stale_files(&root.join(GENERATED_DIR), &generated.output).expect("compare");
    assert!(
        stale.is_empty(),
        "{GENERATED_DIR} differs from the generator's output in {stale:?}: run `cargo xtask regen`"
    );
    assert_eq!(regen_in(&root, &args(None, true)), Ok(ExitCode::SUCCESS));
}

#[test]
fn generation_is_deterministic_and_every_file_names_the_pinned_sha() {
    let root = workspace_root();
    let first = generate_in(&root, &args(None, true)).unwrap_or_else(|e| panic!("{e}"));
    let second = generate_in(&root, &args(None, true)).unwrap_or_else(|e| panic!("{e}"));
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
    assert_eq!(
        names,
        [
            "mod.rs",
            "types.rs",
            "builders.rs",
            "operations.rs",
            "samples.rs",
            "api-surface.txt",
            "ids.rs",
            "values.rs"
        ]
    );
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
        [
            "mod.rs",
            "types.rs",
            "builders.rs",
            "operations.rs",
            "samples.rs",
            "api-surface.txt",
            "notes.txt"
        ]
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
        notes: Vec::new(),
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
fn the_overrides_file_reads_into_the_generator_config() {
    let path = workspace_root().join("wsdl/overrides.toml");
    let config = codegen::Config::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(!config.always_send.is_empty() && config.context_member.is_some());
    let secret_roles: Vec<&str> = config
        .credentials
        .iter()
        .filter(|c| c.secret)
        .map(|c| c.role.as_str())
        .collect();
    assert_eq!(secret_roles, ["customer_key", "password", "user"]);
    assert!(config.status.error_flag.is_some() && config.status.access_checks.len() == 4);
}

#[test]
fn overrides_with_unknown_keys_or_bad_names_are_refused() {
    for (text, wanted) in [
        ("runtime_path = \"x\"\nsecret = []\n", "unknown field `secret`"),
        (
            "runtime_path = \"x\"\nalways_send = [\"Foo/Bar\"]\n",
            "`Foo/Bar` is not of the form",
        ),
        (
            "runtime_path = \"x\"\nsecret_roles = [\"pin\"]\n",
            "secret role `pin` has no [credentials] entry",
        ),
        (
            "runtime_path = \"x\"\n[status]\nerror_flag = \"A//B\"\n",
            "member path `A//B`",
        ),
        (
            "runtime_path = \"x\"\n[throttles]\nsource = \"s\"\ninterval_pattern = \"every {s} seconds\"\n",
            "must hold `{ms}` once",
        ),
        (
            "runtime_path = \"x\"\n[throttles]\nsource = \"s\"\n[throttles.intervals_ms]\nGetThings = 0\n",
            "throttles.intervals_ms.GetThings must be at least 1 ms",
        ),
        (
            "runtime_path = \"x\"\ndate_windows = [{ operation = \"List\", from = \"F/A\", to = \"F/B\", max_days = 0 }]\n",
            "date window of List must allow at least 1 day",
        ),
        (
            "runtime_path = \"x\"\npaging = [{ operation = \"List\", start_key = \"F/K\", next_key = \"N\", max_page_size = 0 }]\n",
            "paging of List must allow pages of at least 1 record",
        ),
        (
            "runtime_path = \"x\"\npaging = [{ operation = \"List\", start_key = \"F//K\", next_key = \"N\", max_page_size = 10 }]\n",
            "member path `F//K`",
        ),
        (
            "runtime_path = \"x\"\nplaceholders = [{ record = \"Thing\", id = \"ID\" }]\n",
            "`Thing` is not of the form {namespace}Type",
        ),
    ] {
        let err = codegen::Config::from_toml("overrides.toml", text).expect_err(text);
        assert!(err.contains(wanted), "{text}: {err}");
    }
}

#[test]
fn member_docs_file_reaches_the_generated_code_and_what_the_contract_lacks_is_a_warning() {
    let s = Scratch::workspace("member-docs", "service.wsdl", &fixture("service.wsdl"), &[]);
    s.write(
        "wsdl/overrides.toml",
        "runtime_path = \"crate::xml\"\nread_only_operations = [\"Ping\"]\n",
    );
    // No member-docs file: nothing added, nothing to warn about.
    let plain = generate_in(&s.0, &args(None, true)).unwrap_or_else(|e| panic!("{e}"));
    assert!(plain.output.warnings.is_empty(), "{:?}", plain.output.warnings);

    s.write(
        MEMBER_DOCS,
        "[PingResp]\nEcho = \"The message, sent back unchanged.\"\nLatency = \"How long it took.\"\n",
    );
    let generated = generate_in(&s.0, &args(None, true)).unwrap_or_else(|e| panic!("{e}"));
    let types = generated.output.file("types.rs").expect("types.rs");
    assert!(
        types.contains("    /// `Echo` (string): required.\n    ///\n    /// The message, sent back unchanged.\n"),
        "{types}"
    );
    assert_eq!(
        generated.output.warnings,
        ["override member_docs names PingResp.Latency, which this contract lacks: skipped"]
    );
    assert_eq!(regen_in(&s.0, &args(None, false)), Ok(ExitCode::SUCCESS));
    assert!(s
        .read(&format!("{GENERATED_DIR}/types.rs"))
        .contains("The message, sent back unchanged."));

    // A malformed file, or a meaning that is not a string, stops regen naming the file.
    for text in ["[PingResp\nEcho = \"x\"\n", "[PingResp]\nEcho = 1\n"] {
        s.write(MEMBER_DOCS, text);
        let err = regen_in(&s.0, &args(None, false)).expect_err(text);
        assert!(err.contains("member-docs.toml: "), "{text}: {err}");
    }
}

#[test]
fn the_workspace_member_docs_cover_the_amounts_of_charges_payments_and_transactions() {
    let docs = codegen::MemberDocs::from_file(&workspace_root().join(MEMBER_DOCS)).unwrap_or_else(|e| panic!("{e}"));
    for (ty, members) in [
        (
            "ChargeData",
            &[
                "Units",
                "UnitCharge",
                "TotalCharges",
                "AdjustedCharges",
                "Receipts",
                "PatientBalance",
                "InsuranceBalance",
                "TotalBalance",
                "AllowedAmount",
                "ExpectedAmount",
                "CopayAmount",
            ][..],
        ),
        (
            "PaymentData",
            &["Amount", "Applied", "Unapplied", "Adjustments", "Refunds"][..],
        ),
        ("TransactionData", &["Amount", "Type"][..]),
    ] {
        for m in members {
            assert!(
                docs.lookup(ty, ty, m).is_some(),
                "{ty}.{m} has no meaning in {MEMBER_DOCS}"
            );
        }
    }
}

// ---- contracts of several documents ----

/// The tiny two-document contract's root, importing its schema from `{base}?xsd=xsd0`.
fn two_doc_root(base: &str) -> String {
    format!(
        r#"<wsdl:definitions targetNamespace="http://example.com/t/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="http://example.com/t/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xs:schema targetNamespace="http://example.com/t/Imports">
      <xs:import namespace="http://example.com/t/" schemaLocation="{base}?xsd=xsd0" />
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="In"><wsdl:part name="parameters" element="tns:Ping" /></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="parameters" element="tns:PingResponse" /></wsdl:message>
  <wsdl:portType name="T">
    <wsdl:operation name="Ping"><wsdl:input message="tns:In" /><wsdl:output message="tns:Out" /></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="B" type="tns:T">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Ping">
      <soap:operation soapAction="urn:ping" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
</wsdl:definitions>
"#
    )
}

const TWO_DOC_XSD: &str = r#"<xs:schema elementFormDefault="qualified" targetNamespace="http://example.com/t/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://example.com/t/">
  <xs:element name="Ping">
    <xs:complexType><xs:sequence><xs:element minOccurs="0" name="request" type="tns:PingReq" /></xs:sequence></xs:complexType>
  </xs:element>
  <xs:element name="PingResponse">
    <xs:complexType><xs:sequence><xs:element minOccurs="0" name="PingResult" type="tns:PingResp" /></xs:sequence></xs:complexType>
  </xs:element>
  <xs:complexType name="PingReq"><xs:sequence><xs:element minOccurs="0" name="Text" type="xs:string" /></xs:sequence></xs:complexType>
  <xs:complexType name="PingResp"><xs:sequence><xs:element minOccurs="0" name="Echo" type="xs:string" /></xs:sequence></xs:complexType>
</xs:schema>
"#;

const SVC: &str = "https://svc.example/t/T.svc";

/// A workspace pinning the two-document contract under `wsdl/t/`, generated from `xsd` (the
/// pinned schema text) and `root` (the pinned root).
fn two_doc_workspace(tag: &str) -> Scratch {
    two_doc_workspace_at(tag, SVC)
}

/// [`two_doc_workspace`] with the service at `svc`.
fn two_doc_workspace_at(tag: &str, svc: &str) -> Scratch {
    let root = two_doc_root(svc);
    Scratch::contract(
        tag,
        "t",
        &format!("{svc}?wsdl"),
        &[
            (&format!("{svc}?wsdl"), "T.wsdl", &root),
            (&format!("{svc}?xsd=xsd0"), "T-xsd0.xsd", TWO_DOC_XSD),
        ],
        &[],
    )
}

#[test]
fn the_manifest_renders_back_to_the_committed_text() {
    let text = fs::read_to_string(workspace_root().join(MANIFEST)).expect("manifest");
    let manifest = Manifest::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(manifest.render(), text);
    assert!(!manifest.contract.parts.is_empty());
    assert!(manifest.contract.parts.iter().any(|p| p.url == manifest.contract.root));
    let odd = Manifest {
        contract: codegen::pins::Pins {
            name: "quote \" backslash \\ tab \t".into(),
            ..manifest.contract.clone()
        },
    };
    assert_eq!(Manifest::parse(&odd.render()), Ok(odd));
}

#[test]
fn offline_every_url_resolves_to_its_pinned_part_in_the_contract_folder() {
    let s = two_doc_workspace("offline");
    assert_eq!(regen_in(&s.0, &args(None, false)), Ok(ExitCode::SUCCESS));
    let manifest = Manifest::parse(&s.read(MANIFEST)).expect("manifest");
    let digest = codegen::load::contract_digest(
        manifest
            .contract
            .parts
            .iter()
            .map(|p| (p.url.as_str(), p.sha256.as_str())),
    );
    let types = s.read(&format!("{GENERATED_DIR}/types.rs"));
    assert!(
        types.contains(&format!("// Contract sha256: {digest} (2 documents)\n")),
        "{types}"
    );
    assert!(types.contains("pub struct PingResp {"), "{types}");
    assert_eq!(regen_in(&s.0, &args(None, true)), Ok(ExitCode::SUCCESS));
}

#[test]
fn a_part_whose_sha_differs_from_its_pin_is_refused_naming_url_and_file() {
    let s = two_doc_workspace("sha");
    s.write("wsdl/t/T-xsd0.xsd", &TWO_DOC_XSD.replace("Echo", "Echo2"));
    let manifest_before = s.read(MANIFEST);
    let err = regen_in(&s.0, &args(None, false)).expect_err("sha mismatch");
    assert!(err.contains(&format!("cannot load document {SVC}?xsd=xsd0: ")), "{err}");
    assert!(err.contains("wsdl/t/T-xsd0.xsd (T-xsd0.xsd) has sha256 "), "{err}");
    assert!(err.contains("but wsdl/manifest.toml pins"), "{err}");
    assert!(err.starts_with("T.wsdl:"), "the importing document is named: {err}");
    assert_eq!(s.read(MANIFEST), manifest_before);
    assert!(listing(&s.generated()).is_empty());
}

#[test]
fn a_url_that_is_not_pinned_is_refused() {
    let s = two_doc_workspace("unpinned");
    let root = two_doc_root(SVC).replace("?xsd=xsd0", "?xsd=xsd9");
    // Repin the root (so only the import is new).
    let mut manifest = Manifest::parse(&s.read(MANIFEST)).expect("manifest");
    manifest.contract.parts[0].sha256 = codegen::load::sha256_hex(root.as_bytes());
    s.write(MANIFEST, &manifest.render());
    s.write("wsdl/t/T.wsdl", &root);
    let err = regen_in(&s.0, &args(None, false)).expect_err("unpinned import");
    assert!(
        err.contains(&format!("{SVC}?xsd=xsd9 is not pinned in wsdl/manifest.toml")),
        "{err}"
    );
    assert!(listing(&s.generated()).is_empty());
}

#[test]
fn wsdl_path_reads_the_root_there_and_pinned_imports_beside_it_and_update_pin_repins() {
    let s = two_doc_workspace("path");
    let elsewhere = s.0.join("elsewhere");
    fs::create_dir_all(&elsewhere).expect("dir");
    let changed = TWO_DOC_XSD.replace("Echo", "Answer");
    fs::write(elsewhere.join("root.wsdl"), two_doc_root(SVC)).expect("root");
    fs::write(elsewhere.join("T-xsd0.xsd"), &changed).expect("xsd");
    let path = Some(elsewhere.join("root.wsdl").display().to_string());
    let err = regen_in(&s.0, &args(path.clone(), false)).expect_err("the schema beside the root changed");
    assert!(err.contains("elsewhere/T-xsd0.xsd (T-xsd0.xsd) has sha256"), "{err}");

    assert_eq!(regen_in(&s.0, &update_pin(path.clone())), Ok(ExitCode::SUCCESS));
    let manifest = Manifest::parse(&s.read(MANIFEST)).expect("manifest");
    let xsd = manifest.part(&format!("{SVC}?xsd=xsd0")).expect("still pinned");
    assert_eq!(
        (xsd.file.as_str(), xsd.sha256.clone()),
        ("T-xsd0.xsd", codegen::load::sha256_hex(changed.as_bytes()))
    );
    assert!(s.read(&format!("{GENERATED_DIR}/types.rs")).contains("answer"));
    assert_eq!(regen_in(&s.0, &args(path, true)), Ok(ExitCode::SUCCESS));
}

#[test]
fn an_error_in_a_root_read_from_wsdl_path_names_that_file_not_the_pinned_root() {
    // Another contract's root, given with --wsdl PATH in a workspace pinning `T.wsdl`.
    let s = two_doc_workspace("named");
    let elsewhere = s.0.join("elsewhere");
    fs::create_dir_all(&elsewhere).expect("dir");
    let root = two_doc_root(SVC).replace(
        "<wsdl:output><soap:body use=\"literal\" /></wsdl:output>",
        "<wsdl:output><soap:body use=\"encoded\" /></wsdl:output>",
    );
    let line = root
        .lines()
        .position(|l| l.contains("use=\"encoded\""))
        .expect("edited")
        + 1;
    fs::write(elsewhere.join("CustomerBilling.wsdl"), &root).expect("root");
    fs::write(elsewhere.join("T-xsd0.xsd"), TWO_DOC_XSD).expect("xsd");
    let path = elsewhere.join("CustomerBilling.wsdl").display().to_string();
    let err = regen_in(&s.0, &update_pin(Some(path.clone()))).expect_err("SOAP encoding");
    assert!(
        err.starts_with(&format!(
            "CustomerBilling.wsdl:{line}: unsupported construct: SOAP encoding"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("read from {path}")), "{err}");
    assert!(!err.contains("T.wsdl"), "{err}");

    // Fixed, it repins the root as the file that was read.
    fs::write(elsewhere.join("CustomerBilling.wsdl"), two_doc_root(SVC)).expect("root");
    assert_eq!(regen_in(&s.0, &update_pin(Some(path))), Ok(ExitCode::SUCCESS));
    let manifest = Manifest::parse(&s.read(MANIFEST)).expect("manifest");
    let pinned = manifest.part(&format!("{SVC}?wsdl")).expect("root pinned");
    assert_eq!(pinned.file, "CustomerBilling.wsdl");
}

#[test]
fn a_repin_from_wsdl_path_reads_imports_beside_it_never_from_the_pinned_contract() {
    // Another contract's root whose import resolves to a URL the current pins name: without its
    // own copy beside it, the repin stops; it never reads the pinned contract's document.
    let s = two_doc_workspace("beside");
    let elsewhere = s.0.join("elsewhere");
    fs::create_dir_all(&elsewhere).expect("dir");
    fs::write(elsewhere.join("Other.wsdl"), two_doc_root(SVC)).expect("root");
    let path = elsewhere.join("Other.wsdl").display().to_string();
    let err = regen_in(&s.0, &update_pin(Some(path.clone()))).expect_err("no import beside it");
    assert!(err.contains(&elsewhere.display().to_string()), "{err}");
    // With its own copy beside it, that copy is read and pinned.
    fs::write(elsewhere.join("T-xsd0.xsd"), TWO_DOC_XSD).expect("xsd");
    assert_eq!(regen_in(&s.0, &update_pin(Some(path))), Ok(ExitCode::SUCCESS));
}

#[test]
fn a_failing_generation_with_update_pin_changes_neither_manifest_nor_generated_files() {
    let s = two_doc_workspace("atomic");
    assert_eq!(regen_in(&s.0, &args(None, false)), Ok(ExitCode::SUCCESS));
    let (manifest_before, generated_before) = (s.read(MANIFEST), listing(&s.generated()));
    // A new schema that reads (so the pin would change) but does not generate.
    let broken = TWO_DOC_XSD.replace("name=\"Echo\" type=\"xs:string\"", "name=\"Echo\" type=\"Missing\"");
    assert_ne!(broken, TWO_DOC_XSD);
    s.write("wsdl/t/T-xsd0.xsd", &broken);
    let err = regen_in(&s.0, &update_pin(None)).expect_err("generation fails");
    assert!(err.starts_with("T-xsd0.xsd:"), "the failing document is named: {err}");
    assert!(err.contains("unresolved type reference {}Missing"), "{err}");
    assert_eq!(s.read(MANIFEST), manifest_before);
    assert_eq!(listing(&s.generated()), generated_before);
    assert!(leftovers(&s.generated()).is_empty());
    let wsdl_dir: Vec<String> = fs::read_dir(s.0.join("wsdl"))
        .expect("wsdl")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(wsdl_dir.is_empty(), "temporary manifest left behind: {wsdl_dir:?}");
}

#[test]
fn the_kareo_2025_contract_loads_through_its_pins() {
    let shared = workspace_root().join("../shared/wsdl/kareo-2025-06");
    assert!(
        shared.is_dir(),
        "{} is missing (CI runs with ../shared beside the checkout)",
        shared.display()
    );
    // The committed manifest pins the June 2025 contract (nine parts, SOURCES.md's sha256s).
    let pins = fs::read_to_string(workspace_root().join(MANIFEST)).expect("manifest");
    let manifest = Manifest::parse(&pins).expect("pins parse");
    assert_eq!(manifest.contract.name, "Kareo SOAP API 2.1, June 2025");
    assert_eq!(manifest.contract.parts.len(), 9);
    let s = Scratch::new("kareo2025");
    s.write(MANIFEST, &pins);
    // Through --wsdl PATH: the root there, every import (absolute URLs) mapped to a file beside it.
    let path = shared.join("KareoServices.wsdl").display().to_string();
    let loaded = load_in(&s.0, &args(Some(path), false)).unwrap_or_else(|e| panic!("{e}"));
    let defs = &loaded.contract.definitions;
    assert_eq!(loaded.read.len(), 9);
    assert!(loaded.repin.is_none());
    let operations: usize = defs.port_types.iter().map(|p| p.operations.len()).sum();
    assert_eq!(operations, 28);
    let mut namespaces: Vec<&str> = defs
        .schemas
        .iter()
        .filter(|s| !(s.complex_types.is_empty() && s.simple_types.is_empty() && s.elements.is_empty()))
        .map(|s| s.target_ns.as_str())
        .collect();
    namespaces.sort();
    namespaces.dedup();
    assert_eq!(namespaces.len(), 7, "{namespaces:?}");
    assert_eq!(defs.bindings.len(), 1);
    assert!(
        defs.bindings[0].loc.file.ends_with("?wsdl=wsdl0"),
        "{:?}",
        defs.bindings[0].loc
    );
    // The digest is that of the manifest's parts, wherever the files were read from.
    assert_eq!(
        loaded.contract.digest(),
        codegen::load::contract_digest(
            manifest
                .contract
                .parts
                .iter()
                .map(|p| (p.url.as_str(), p.sha256.as_str()))
        )
    );

    // Offline with the default folders: `wsdl/kareo-2025-06/` of the scratch workspace.
    fs::create_dir_all(s.0.join("wsdl/kareo-2025-06")).expect("dir");
    for p in &manifest.contract.parts {
        fs::copy(shared.join(&p.file), s.0.join("wsdl/kareo-2025-06").join(&p.file)).expect("copy into scratch");
    }
    let loaded = load_in(&s.0, &args(None, false)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.contract.documents.len(), 9);
}

#[test]
fn wsdl_path_to_another_contract_is_refused_without_update_pin() {
    // The 2021 single file is not the pinned (2025) root document: its sha256 differs.
    let root = workspace_root();
    let err = match load_in(&root, &args(Some(kareo_wsdl()), true)) {
        Ok(_) => panic!("the 2021 file is accepted as the pinned root"),
        Err(e) => e,
    };
    assert!(err.contains("sha256") && err.contains("--update-pin"), "{err}");
}

// ---- downloads, against a loopback server ----

/// What the loopback server answers for a path.
#[derive(Clone)]
enum Reply {
    Body(String),
    Redirect(String),
}

/// A tiny HTTP/1.1 server on 127.0.0.1 for one test: answers `GET`s from a fixed table, one
/// connection at a time, and stops when dropped, after `MAX_CONNECTIONS` or after 30 s.
struct Server {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<Vec<String>>>,
}

impl Server {
    const MAX_CONNECTIONS: usize = 32;

    /// Binds a port, then serves the routes `routes(port)` gives (path and query → reply).
    fn start(routes: impl FnOnce(u16) -> Vec<(String, Reply)>) -> Server {
        use std::io::{Read, Write};
        use std::sync::atomic::AtomicBool;
        use std::time::{Duration, Instant};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let routes: std::collections::HashMap<String, Reply> = routes(port).into_iter().collect();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut requested = Vec::new();
            while requested.len() < Server::MAX_CONNECTIONS
                && Instant::now() < deadline
                && !stop_flag.load(Ordering::Relaxed)
            {
                let mut stream = match listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    Err(_) => break,
                };
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
                let response = match routes.get(&target) {
                    Some(Reply::Body(body)) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    Some(Reply::Redirect(to)) => format!(
                        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    ),
                    None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
                };
                let _ = stream.write_all(response.as_bytes());
                requested.push(target);
            }
            requested
        });
        Server {
            port,
            stop,
            handle: Some(handle),
        }
    }

    /// Stops the server and returns every path requested, in order.
    fn requested(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle
            .take()
            .map(|h| h.join().expect("server thread"))
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The two-document contract served at `http://127.0.0.1:<port>/t/T.svc`, the xsd behind
/// `xsd_reply` (the document itself by default).
fn two_doc_server(xsd_reply: impl FnOnce(u16) -> Vec<(String, Reply)>) -> Server {
    Server::start(|port| {
        let svc = format!("http://127.0.0.1:{port}/t/T.svc");
        let mut routes = vec![("/t/T.svc?wsdl".to_owned(), Reply::Body(two_doc_root(&svc)))];
        let extra = xsd_reply(port);
        if !extra.iter().any(|(p, _)| p == "/t/T.svc?xsd=xsd0") {
            routes.push(("/t/T.svc?xsd=xsd0".to_owned(), Reply::Body(TWO_DOC_XSD.to_owned())));
        }
        routes.extend(extra);
        routes
    })
}

fn online(server: &Server, limits: Limits) -> (Scratch, Args) {
    let svc = format!("http://127.0.0.1:{}/t/T.svc", server.port);
    let s = two_doc_workspace_at("online", &svc);
    // Only the manifest: the documents come from the server.
    let _ = fs::remove_dir_all(s.0.join("wsdl/t"));
    let a = Args {
        limits,
        ..args(Some(format!("{svc}?wsdl")), false)
    };
    (s, a)
}

#[test]
fn online_the_root_and_every_import_are_downloaded_and_checked_against_the_pins() {
    let server = two_doc_server(|_| Vec::new());
    let (s, a) = online(&server, LIMITS);
    assert_eq!(regen_in(&s.0, &a), Ok(ExitCode::SUCCESS));
    assert!(s
        .read(&format!("{GENERATED_DIR}/types.rs"))
        .contains("pub struct PingResp {"));
    assert_eq!(server.requested(), ["/t/T.svc?wsdl", "/t/T.svc?xsd=xsd0"]);
}

#[test]
fn online_a_changed_document_is_refused_unless_update_pin() {
    let server = two_doc_server(|_| {
        vec![(
            "/t/T.svc?xsd=xsd0".to_owned(),
            Reply::Body(TWO_DOC_XSD.replace("Echo", "Reply")),
        )]
    });
    let (s, a) = online(&server, LIMITS);
    let manifest_before = s.read(MANIFEST);
    let err = regen_in(&s.0, &a).expect_err("changed document");
    assert!(err.contains("T.svc?xsd=xsd0 (T-xsd0.xsd) has sha256"), "{err}");
    assert_eq!(s.read(MANIFEST), manifest_before);
    let a = Args { update_pin: true, ..a };
    assert_eq!(regen_in(&s.0, &a), Ok(ExitCode::SUCCESS));
    let manifest = Manifest::parse(&s.read(MANIFEST)).expect("manifest");
    assert_ne!(manifest, Manifest::parse(&manifest_before).expect("manifest"));
    assert_eq!(manifest.contract.parts.len(), 2);
    assert!(s.read(&format!("{GENERATED_DIR}/types.rs")).contains("reply"));
}

#[test]
fn online_a_document_over_the_size_limit_is_refused() {
    let server = two_doc_server(|_| Vec::new());
    let limits = Limits {
        per_document: 300,
        ..LIMITS
    };
    let (s, a) = online(&server, limits);
    let err = regen_in(&s.0, &a).expect_err("root over 300 bytes");
    assert!(err.contains("/t/T.svc?wsdl: larger than 300 bytes"), "{err}");
    assert!(listing(&s.generated()).is_empty());
}

#[test]
fn online_the_total_size_is_bounded() {
    let root_len = two_doc_root("http://127.0.0.1:65535/t/T.svc").len() as u64;
    let server = two_doc_server(|_| Vec::new());
    let limits = Limits {
        total: root_len + 100,
        ..LIMITS
    };
    let (s, a) = online(&server, limits);
    let err = regen_in(&s.0, &a).expect_err("two documents over the total");
    assert!(err.contains("?xsd=xsd0: the downloads exceed"), "{err}");
}

#[test]
fn online_the_number_of_documents_is_bounded() {
    let server = two_doc_server(|_| Vec::new());
    let limits = Limits { documents: 1, ..LIMITS };
    let (s, a) = online(&server, limits);
    let err = regen_in(&s.0, &a).expect_err("two documents, one allowed");
    assert!(err.contains("?xsd=xsd0: more than 1 documents to download"), "{err}");
    assert_eq!(server.requested(), ["/t/T.svc?wsdl"], "nothing fetched past the count");
}

#[test]
fn online_a_redirect_to_another_host_is_refused_naming_both_urls() {
    let server = two_doc_server(|port| {
        vec![(
            "/t/T.svc?xsd=xsd0".to_owned(),
            Reply::Redirect(format!("http://localhost:{port}/t/T.svc?xsd=xsd0")),
        )]
    });
    let port = server.port;
    let (s, a) = online(&server, LIMITS);
    let err = regen_in(&s.0, &a).expect_err("cross-host redirect");
    assert!(
        err.contains(&format!(
            "GET http://127.0.0.1:{port}/t/T.svc?xsd=xsd0: redirected to http://localhost:{port}/t/T.svc?xsd=xsd0, another host or scheme (not followed)"
        )),
        "{err}"
    );
    assert_eq!(server.requested(), ["/t/T.svc?wsdl", "/t/T.svc?xsd=xsd0"]);
}

#[test]
fn online_a_redirect_on_the_same_host_is_followed_a_few_times() {
    let server = two_doc_server(|_| {
        vec![
            (
                "/t/T.svc?xsd=xsd0".to_owned(),
                Reply::Redirect("../real/xsd0.xsd".to_owned()),
            ),
            ("/real/xsd0.xsd".to_owned(), Reply::Body(TWO_DOC_XSD.to_owned())),
        ]
    });
    let (s, a) = online(&server, LIMITS);
    assert_eq!(regen_in(&s.0, &a), Ok(ExitCode::SUCCESS));
    assert_eq!(
        server.requested(),
        ["/t/T.svc?wsdl", "/t/T.svc?xsd=xsd0", "/real/xsd0.xsd"]
    );

    let looping = two_doc_server(|_| vec![("/t/T.svc?xsd=xsd0".to_owned(), Reply::Redirect("?xsd=xsd0".to_owned()))]);
    let (s, a) = online(&looping, LIMITS);
    let err = regen_in(&s.0, &a).expect_err("redirect loop");
    assert!(
        err.contains(&format!("more than {} redirects", LIMITS.redirects)),
        "{err}"
    );
    assert_eq!(looping.requested().len(), 2 + LIMITS.redirects as usize);
}

// ---- API change classification between real contracts ----

/// The `api-surface.txt` the generator writes, with the workspace's overrides, for the contract
/// rooted at `root` whose documents `read` returns by URL.
fn surface_of(root: &str, read: &dyn Fn(&str) -> Result<String, String>) -> String {
    let config =
        codegen::Config::from_file(&workspace_root().join("wsdl/overrides.toml")).unwrap_or_else(|e| panic!("{e}"));
    let contract = codegen::load::load(root, &mut |url| read(url)).unwrap_or_else(|e| panic!("{e}"));
    let output = codegen::generate_contract(&contract, "test", &config).unwrap_or_else(|e| panic!("{e}"));
    output
        .file("api-surface.txt")
        .expect("api-surface.txt generated")
        .to_owned()
}

/// The April 2021 single-document contract's surface.
fn surface_2021() -> String {
    let path = kareo_wsdl();
    surface_of(&path, &|url| fs::read_to_string(url).map_err(|e| format!("{url}: {e}")))
}

/// The pinned June 2025 contract's surface, each document's text passed through `edit` (by file
/// name) first.
fn surface_2025(edit: &dyn Fn(&str, String) -> String) -> String {
    let root = workspace_root();
    let manifest =
        Manifest::parse(&fs::read_to_string(root.join(MANIFEST)).expect("manifest")).expect("manifest parses");
    let dir = root.join("../shared/wsdl").join(&manifest.contract.dir);
    surface_of(&manifest.contract.root, &|url| {
        let part = manifest.part(url).ok_or_else(|| format!("{url} is not pinned"))?;
        let text = fs::read_to_string(dir.join(&part.file)).map_err(|e| format!("{}: {e}", part.file))?;
        Ok(edit(&part.file, text))
    })
}

/// `text` with its single occurrence of `from` replaced by `to` (panics unless exactly one).
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "expected one `{from}`");
    text.replacen(from, to, 1)
}

/// The major items' text.
fn majors(r: &surface::Report) -> Vec<&str> {
    r.changes
        .iter()
        .filter(|c| c.level == surface::Level::Major)
        .map(|c| c.what.as_str())
        .collect()
}

#[test]
fn from_the_2021_contract_to_the_2025_one_is_major_naming_every_breaking_change() {
    let r = surface::classify(&surface_2021(), &surface_2025(&|_, t| t));
    let text = r.render(true);
    assert_eq!(r.level(), surface::Level::Major, "{text}");
    // The one breaking change: June 2025 dropped IsGroupAppointment from AppointmentUpdate (it
    // kept it on AppointmentCreate). No member of a type both contracts have became required or
    // changed type or shape; the required members that appear belong to the new types
    // (CreateDocumentReq, DeleteDocumentReq, …), which are additions.
    assert_eq!(majors(&r), ["AppointmentUpdate.IsGroupAppointment removed"], "{text}");
    assert!(
        !r.changes
            .iter()
            .any(|c| c.what.contains("required") || c.what.contains("changed")),
        "{text}"
    );
    for added in [
        "operation CreateDocument added",
        "operation DeleteDocument added",
        "operation GetCustomerIdFromKey added",
        "operation GetThrottles added",
        "type DeleteDocumentReq added",
        "type AppointmentMode added",
        "AppointmentUpdate.AppointmentMode added (optional)",
    ] {
        assert!(
            r.changes
                .iter()
                .any(|c| c.level == surface::Level::Minor && c.what == added),
            "{added} not a minor item:\n{text}"
        );
    }
    assert!(
        !text.contains("DeleteDocumentReq.DocumentId"),
        "members of a new type are listed:\n{text}"
    );
    assert!(
        text.contains("  major: AppointmentUpdate.IsGroupAppointment removed\n"),
        "{text}"
    );
    assert!(text.ends_with("API change: major (1 major, 126 minor)\n"), "{text}");
}

/// The 2025 schema file holding `AppointmentUpdate` and `AppointmentStatus`.
const XSD0: &str = "KareoServices.svc-xsd0.xsd";
const APPOINTMENT_UPDATE: &str = "<xs:complexType name=\"AppointmentUpdate\">\n    <xs:sequence>\n";

#[test]
fn a_2025_contract_that_only_adds_is_minor_and_an_identical_one_is_patch() {
    let pinned = surface_2025(&|_, t| t);
    let same = surface::classify(&pinned, &surface_2025(&|_, t| t));
    assert_eq!(same.level(), surface::Level::Patch);
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    assert!(same
        .render(false)
        .ends_with("API change: patch (no API surface change)\n"));

    let added = surface_2025(&|file, text| {
        if file != XSD0 {
            return text;
        }
        let text = replace_once(
            &text,
            APPOINTMENT_UPDATE,
            &format!("{APPOINTMENT_UPDATE}      <xs:element minOccurs=\"0\" name=\"Color\" nillable=\"true\" type=\"xs:string\"/>\n"),
        );
        let status = "<xs:simpleType name=\"AppointmentStatus\">\n    <xs:restriction base=\"xs:string\">\n";
        let text = replace_once(
            &text,
            status,
            &format!("{status}      <xs:enumeration value=\"Waitlisted\"/>\n"),
        );
        replace_once(
            &text,
            "<xs:complexType name=\"AppointmentUpdate\">",
            "<xs:complexType name=\"Extra\"><xs:sequence><xs:element name=\"Id\" type=\"xs:int\"/></xs:sequence></xs:complexType>\n  <xs:complexType name=\"AppointmentUpdate\">",
        )
    });
    let r = surface::classify(&pinned, &added);
    let text = r.render(false);
    assert_eq!(r.level(), surface::Level::Minor, "{text}");
    let items: Vec<String> = r.changes.iter().map(|c| format!("{}: {}", c.level, c.what)).collect();
    assert_eq!(
        items,
        [
            "minor: type Extra added",
            "minor: AppointmentUpdate.Color added (optional)",
            "minor: enum value AppointmentStatus.Waitlisted added",
        ],
        "{text}"
    );
    assert!(text.ends_with("API change: minor (0 major, 3 minor)\n"), "{text}");
}

#[test]
fn a_2025_contract_whose_request_member_became_required_is_major_naming_it() {
    let pinned = surface_2025(&|_, t| t);
    let stricter = surface_2025(&|file, text| {
        if file != XSD0 {
            return text;
        }
        let text = replace_once(
            &text,
            &format!("{APPOINTMENT_UPDATE}      <xs:element name=\"AppointmentId\" type=\"xs:long\"/>\n      <xs:element minOccurs=\"0\" name=\"AppointmentMode\""),
            &format!("{APPOINTMENT_UPDATE}      <xs:element name=\"AppointmentId\" type=\"xs:long\"/>\n      <xs:element name=\"AppointmentMode\""),
        );
        replace_once(
            &text,
            APPOINTMENT_UPDATE,
            &format!("{APPOINTMENT_UPDATE}      <xs:element name=\"RoomId\" type=\"xs:int\"/>\n"),
        )
    });
    let r = surface::classify(&pinned, &stricter);
    let text = r.render(false);
    assert_eq!(r.level(), surface::Level::Major, "{text}");
    assert_eq!(
        majors(&r),
        [
            "AppointmentUpdate.AppointmentMode: became required (minOccurs 0 -> 1): Nillable<T> (optional, nillable) -> Option<T> (required, nillable)",
            "AppointmentUpdate.RoomId added, required in a request type (callers must set it)",
        ],
        "{text}"
    );
    assert!(text.ends_with("API change: major (2 major, 0 minor)\n"), "{text}");
}

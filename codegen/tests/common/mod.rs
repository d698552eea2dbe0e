//! Helpers shared by the codegen integration tests: fixtures, the real Kareo WSDL and its
//! overrides, and picking items out of generated code.

#![allow(dead_code)] // each test crate uses a different subset

pub mod fixture_config;

use std::path::{Path, PathBuf};

use codegen::{Config, Output, Source};

/// The sha256 the fixture tests put in generated headers (fixtures are not pinned).
pub const FIXTURE_SHA: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The codegen crate's directory.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    crate_dir()
        .parent()
        .expect("codegen sits in the workspace")
        .to_path_buf()
}

/// Text of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    let path = crate_dir().join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Names of every fixture contract's root document (`*.wsdl`; the schemas they import are
/// `*.xsd`), sorted.
pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crate_dir().join("tests/fixtures"))
        .expect("tests/fixtures")
        .map(|e| e.expect("fixture entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wsdl"))
        .collect();
    names.sort();
    names
}

/// Stage 1 on a fixture.
pub fn read_fixture(name: &str) -> codegen::read::Definitions {
    codegen::read::read(name, &fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// Stages 1 and 2 on a fixture (and the documents it imports).
pub fn model_fixture(name: &str, config: &Config) -> codegen::model::Model {
    let contract = load_fixture(name, &fixture(name)).unwrap_or_else(|e| panic!("{e}"));
    codegen::model::Model::build(name, &contract.definitions, config).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads the fixture contract whose root document is `name` with text `text`; the documents it
/// imports are the files of `tests/fixtures/` (by their paths relative to the root, as
/// `flags.wsdl` imports `flags.xsd`), each with the text `docs` gives it, else the file's.
pub fn load_fixture_with(name: &str, text: &str, docs: &[(&str, &str)]) -> codegen::Result<codegen::load::Contract> {
    let mut fetch = |url: &str| -> Result<String, String> {
        if url == name {
            return Ok(text.to_owned());
        }
        if let Some((_, t)) = docs.iter().find(|(u, _)| *u == url) {
            return Ok((*t).to_owned());
        }
        let path = crate_dir().join("tests/fixtures").join(url);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    codegen::load::load(name, &mut fetch)
}

/// [`load_fixture_with`] without replaced documents.
pub fn load_fixture(name: &str, text: &str) -> codegen::Result<codegen::load::Contract> {
    load_fixture_with(name, text, &[])
}

/// All stages on a fixture contract ([`load_fixture_with`]), with the headers a one-document
/// fixture gets from [`generate_text`] (named after the root, [`FIXTURE_SHA`]): for a fixture
/// without imports, the same output.
pub fn generate_fixture_with(
    name: &str,
    text: &str,
    docs: &[(&str, &str)],
    config: &Config,
) -> codegen::Result<Output> {
    let contract = load_fixture_with(name, text, docs)?;
    let model = codegen::model::Model::build(name, &contract.definitions, config)?;
    codegen::emit::emit_from(
        &model,
        &codegen::Provenance {
            name,
            root: name,
            sha256_line: &format!("WSDL sha256: {FIXTURE_SHA}"),
        },
        config,
    )
}

/// All stages on WSDL text.
pub fn generate_text(name: &str, text: &str, config: &Config) -> codegen::Result<Output> {
    codegen::generate(
        &Source {
            name,
            text,
            sha256: FIXTURE_SHA,
        },
        config,
    )
}

/// All stages on a fixture and the documents it imports, which must succeed.
pub fn generate_fixture(name: &str, config: &Config) -> Output {
    generate_fixture_with(name, &fixture(name), &[], config).unwrap_or_else(|e| panic!("{e}"))
}

/// Where the real Kareo WSDL is found: `wsdl/KareoServices.wsdl` in the workspace, else
/// `../shared/wsdl/KareoServices.wsdl` beside it (the places `cargo xtask regen` looks).
pub fn kareo_wsdl_path() -> Option<PathBuf> {
    let root = workspace_root();
    [
        root.join("wsdl/KareoServices.wsdl"),
        root.join("../shared/wsdl/KareoServices.wsdl"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// The real Kareo WSDL. Panics when it is missing: CI runs with `../shared` beside the checkout.
pub fn kareo_wsdl() -> String {
    let path = kareo_wsdl_path().expect(
        "KareoServices.wsdl not found in wsdl/ or ../shared/wsdl/: these tests need the real WSDL \
         (CI runs with ../shared beside the checkout)",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The contract `wsdl/manifest.toml` pins, loaded from local files checked against the pins, and
/// its name. Panics when a file is missing: CI runs with `../shared` beside the checkout.
pub fn pinned_contract() -> (codegen::load::Contract, String) {
    let root = workspace_root();
    let manifest = codegen::pins::Manifest::of_workspace(&root).unwrap_or_else(|e| panic!("{e}"));
    let pins = manifest.contract;
    let contract = pins.load_local(&pins.search_dirs(&root)).unwrap_or_else(|e| {
        panic!("these tests read the pinned contract (CI runs with ../shared beside the checkout): {e}")
    });
    (contract, pins.name)
}

/// The Config `cargo xtask regen` builds from `wsdl/overrides.toml` and `wsdl/member-docs.toml`.
pub fn kareo_config() -> Config {
    let root = workspace_root();
    let mut config = Config::from_file(&root.join("wsdl/overrides.toml")).unwrap_or_else(|e| panic!("{e}"));
    config.member_docs =
        codegen::MemberDocs::from_file(&root.join("wsdl/member-docs.toml")).unwrap_or_else(|e| panic!("{e}"));
    config
}

/// The generated files of `output` joined into one text, each under a `==> path <==` line.
pub fn all_files(output: &Output) -> String {
    output
        .files
        .iter()
        .map(|f| format!("==> {} <==\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The items of `code` (a generated Rust file) that define or implement one of `names`: the
/// struct, enum, type alias or const itself and every `impl` block whose self type it is,
/// in file order, pretty-printed.
pub fn pick_items(code: &str, names: &[&str]) -> String {
    let mut file: syn::File = syn::parse_str(code).expect("generated code parses");
    file.attrs.clear();
    file.items.retain(|item| {
        let ident = match item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Type(t) => t.ident.to_string(),
            syn::Item::Const(c) => c.ident.to_string(),
            syn::Item::Fn(f) => f.sig.ident.to_string(),
            syn::Item::Impl(i) => match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        names.contains(&ident.as_str())
    });
    prettyplease::unparse(&file)
}

/// 1-based line of the only line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> u32 {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "`{needle}` should occur on exactly one line, found {hits:?}"
    );
    hits[0] as u32
}

/// Checks, on the parsed generated code, what rustc would reject or what would silently change
/// meaning: duplicate names (fields, variants, items of a file, operation markers shadowing the
/// glob-imported types), operation message types that are not schema types, and `Inherits`
/// impls whose base part does not have the base struct's field types. Panics naming the problem.
pub fn check_generated_rust(output: &Output) {
    use std::collections::{HashMap, HashSet};
    let parse = |path: &str| -> syn::File {
        let text = output.file(path).unwrap_or_else(|| panic!("{path} is generated"));
        syn::parse_str(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
    };
    let types = parse("types.rs");
    let operations = parse("operations.rs");
    parse("mod.rs");

    let ident_of = |item: &syn::Item| -> Option<String> {
        match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            syn::Item::Const(c) => Some(c.ident.to_string()),
            _ => None,
        }
    };
    let type_names: Vec<String> = types.items.iter().filter_map(ident_of).collect();
    let unique: HashSet<&String> = type_names.iter().collect();
    assert_eq!(unique.len(), type_names.len(), "duplicate type names in types.rs");
    let markers: Vec<String> = operations
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    for m in &markers {
        assert!(!unique.contains(m), "operation marker {m} shadows the schema type {m}");
    }

    let path_name = |ty: &syn::Type| -> String {
        match ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let mut structs: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for item in &types.items {
        match item {
            syn::Item::Struct(s) => {
                let fields: Vec<(String, String)> = s
                    .fields
                    .iter()
                    .map(|f| {
                        let ty = &f.ty;
                        (
                            f.ident.as_ref().map(ToString::to_string).unwrap_or_default(),
                            quote::quote!(#ty).to_string(),
                        )
                    })
                    .collect();
                let names: HashSet<&String> = fields.iter().map(|(n, _)| n).collect();
                assert_eq!(names.len(), fields.len(), "duplicate field names in struct {}", s.ident);
                structs.insert(s.ident.to_string(), fields);
            }
            syn::Item::Enum(e) => {
                let names: HashSet<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
                assert_eq!(names.len(), e.variants.len(), "duplicate variants in enum {}", e.ident);
            }
            _ => {}
        }
    }
    for item in &operations.items {
        let syn::Item::Impl(i) = item else { continue };
        let Some((trait_path, _)) = &i.trait_ else { continue };
        let last = trait_path.segments.last().expect("trait path");
        if last.ident != "Inherits" {
            continue;
        }
        // A response type that does not extend the base has no base part (`base_view` is `None`).
        let body = quote::quote!(#i).to_string();
        if body.contains("-> Option") && !body.contains("Some (") {
            continue;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            panic!("Inherits without a base")
        };
        let Some(syn::GenericArgument::Type(base_ty)) = args.args.first() else {
            panic!("Inherits without a base")
        };
        let (base, derived) = (path_name(base_ty), path_name(&i.self_ty));
        let base_fields = &structs[&base];
        let derived_fields = &structs[&derived];
        assert!(
            derived_fields.starts_with(base_fields),
            "Inherits<{base}> for {derived}: the base part {:?} differs from {base}'s fields {base_fields:?}",
            &derived_fields[..base_fields.len().min(derived_fields.len())]
        );
    }
    for item in &operations.items {
        let syn::Item::Impl(i) = item else { continue };
        let is_operation = i
            .trait_
            .as_ref()
            .and_then(|(t, _)| t.segments.last())
            .is_some_and(|s| s.ident == "Operation");
        if !is_operation {
            continue;
        }
        for ii in &i.items {
            if let syn::ImplItem::Type(t) = ii {
                let name = path_name(&t.ty);
                if t.ident == "Fault" {
                    // The contract's fault detail enum, declared beside the markers.
                    let declared = operations
                        .items
                        .iter()
                        .any(|x| matches!(x, syn::Item::Enum(e) if e.ident == name));
                    assert!(
                        declared,
                        "Fault of {} is `{name}`, not the operations' enum",
                        path_name(&i.self_ty)
                    );
                    continue;
                }
                // A message type with SOAP header entries is declared beside the markers.
                let message = operations
                    .items
                    .iter()
                    .any(|x| matches!(x, syn::Item::Struct(m) if m.ident == name));
                assert!(
                    structs.contains_key(&name) || message,
                    "{} of {} is `{name}`, which is neither a schema struct nor a message type",
                    t.ident,
                    path_name(&i.self_ty)
                );
            }
        }
    }
}

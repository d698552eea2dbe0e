//! The pinned contract of a workspace (`wsdl/manifest.toml`): its name, root URL and every
//! document it is made of, each with the file that holds it and its sha256. Reading it, and
//! loading the contract from local files checked against the pins, is what `cargo xtask regen`
//! does offline and what tests of the generated code use to read the contract it came from.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::load::{self, Contract};

/// Where a workspace keeps its manifest, relative to its root.
pub const MANIFEST: &str = "wsdl/manifest.toml";

/// The comment at the top of `wsdl/manifest.toml`, kept when [`Manifest::render`] rewrites it.
pub const MANIFEST_HEADER: &str = "\
# The service contract the SDK is generated from: its root document's URL and every document it
# imports (`parts`), each pinned by sha256. The documents are third-party and not committed:
# `cargo xtask regen` reads each part's `file` from wsdl/<dir>/ or ../shared/wsdl/<dir>/ (or the
# directory of --wsdl PATH), or downloads the parts with --wsdl URL, and refuses a document that
# is not pinned or whose sha256 differs, unless run with --update-pin. The generated files name
# the contract digest: sha256 over the lines \"<sha256> <url>\\n\" of the parts, sorted by URL.
";

/// `wsdl/manifest.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// The pinned contract.
    pub contract: Pins,
}

/// `[contract]` of the manifest.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Pins {
    /// What the contract is (e.g. `Kareo SOAP API 2.1, June 2025`), as the generated headers
    /// and the README name it.
    pub name: String,
    /// URL of the root document.
    pub root: String,
    /// Folder under the search roots that holds the files (empty: the roots themselves).
    #[serde(default)]
    pub dir: String,
    /// Every document of the contract.
    pub parts: Vec<Pin>,
}

/// One pinned document.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pin {
    /// The URL it is imported by.
    pub url: String,
    /// The file holding it: a plain relative name.
    pub file: String,
    /// Its lower-case hex sha256.
    pub sha256: String,
}

impl Manifest {
    /// Parses manifest text. A part whose `file` is not a plain relative name is refused.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| format!("{MANIFEST}: {e}"))?;
        for p in &m.contract.parts {
            if p.file.is_empty() || p.file.contains("..") || p.file.starts_with('/') || p.file.contains('\\') {
                return Err(format!(
                    "{MANIFEST}: part {} has file `{}`, not a plain relative name",
                    p.url, p.file
                ));
            }
        }
        Ok(m)
    }

    /// Reads the manifest of the workspace at `root`.
    pub fn of_workspace(root: &Path) -> Result<Manifest, String> {
        let path = root.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Manifest::parse(&text)
    }

    /// The pin of `url`, if any.
    pub fn part(&self, url: &str) -> Option<&Pin> {
        self.contract.parts.iter().find(|p| p.url == url)
    }

    /// The manifest as `cargo xtask regen --update-pin` writes it (parts sorted by URL).
    pub fn render(&self) -> String {
        let c = &self.contract;
        let mut out = format!(
            "{MANIFEST_HEADER}\n[contract]\nname = {}\nroot = {}\ndir = {}\n",
            toml_str(&c.name),
            toml_str(&c.root),
            toml_str(&c.dir)
        );
        let mut parts = c.parts.clone();
        parts.sort();
        for p in &parts {
            out.push_str(&format!(
                "\n[[contract.parts]]\nurl = {}\nfile = {}\nsha256 = {}\n",
                toml_str(&p.url),
                toml_str(&p.file),
                toml_str(&p.sha256)
            ));
        }
        out
    }
}

impl Pins {
    /// The folders under which a workspace at `root` keeps contracts: `wsdl/`, then
    /// `../shared/wsdl/`, then `$KAREO_SHARED/wsdl/` when that variable is set (for a copy of
    /// the workspace away from `../shared`).
    pub fn search_roots(root: &Path) -> Vec<PathBuf> {
        let mut roots = vec![root.join("wsdl"), root.join("../shared/wsdl")];
        roots.extend(std::env::var_os("KAREO_SHARED").map(|s| PathBuf::from(s).join("wsdl")));
        roots
    }

    /// The folders a workspace at `root` finds this contract's files in: `<dir>` under each of
    /// [`search_roots`](Self::search_roots).
    pub fn search_dirs(&self, root: &Path) -> Vec<PathBuf> {
        Pins::search_roots(root)
            .into_iter()
            .map(|r| r.join(&self.dir))
            .collect()
    }

    /// Loads the contract from the first of `dirs` that holds each part's file, checking every
    /// document against its pin. A document the contract imports that is not pinned, a missing
    /// file and a sha256 mismatch are errors naming the URL and the file.
    pub fn load_local(&self, dirs: &[PathBuf]) -> Result<Contract, String> {
        let mut fetch = |url: &str| -> Result<String, String> {
            let pin = self
                .parts
                .iter()
                .find(|p| p.url == url)
                .ok_or_else(|| format!("{url} is not pinned in {MANIFEST}"))?;
            let path = dirs
                .iter()
                .map(|d| d.join(&pin.file))
                .find(|p| p.is_file())
                .ok_or_else(|| format!("{} ({url}) not found in {dirs:?}", pin.file))?;
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let sha = load::sha256_hex(&bytes);
            if sha != pin.sha256 {
                return Err(format!(
                    "{} has sha256 {sha}, but {MANIFEST} pins {} for {url}",
                    path.display(),
                    pin.sha256
                ));
            }
            String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))
        };
        load::load(&self.root, &mut fetch).map_err(|e| e.to_string())
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

//! The pinned contract of a workspace (`wsdl/manifest.toml`): its name, root URL and every
//! document it is made of, each with the file that holds it and its sha256. Reading it, and
//! loading the contract from local files checked against the pins, is what `cargo xtask regen`
//! does offline and what tests of the generated code use to read the contract it came from.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::load::{self, Contract};

/// `wsdl/manifest.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// The pinned contract.
    pub contract: Pins,
}

/// `[contract]` of the manifest.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Pins {
    /// What the contract is (e.g. `Kareo SOAP API 2.1, June 2025`).
    pub name: String,
    /// URL of the root document.
    pub root: String,
    /// Folder under the search directories that holds the files (empty: the directories).
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
    /// The file holding it.
    pub file: String,
    /// Its lower-case hex sha256.
    pub sha256: String,
}

impl Manifest {
    /// Parses manifest text; `origin` names it in errors.
    pub fn from_toml(origin: &str, text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| format!("{origin}: {e}"))
    }

    /// Reads `wsdl/manifest.toml` of the workspace at `root`.
    pub fn of_workspace(root: &Path) -> Result<Manifest, String> {
        let path = root.join("wsdl/manifest.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Manifest::from_toml(&path.display().to_string(), &text)
    }
}

impl Pins {
    /// The folders a workspace at `root` finds the contract's files in: `wsdl/<dir>/`, then
    /// `../shared/wsdl/<dir>/` (and `$KAREO_SHARED/wsdl/<dir>/` first, when that variable is set,
    /// for a workspace copied away from `../shared`).
    pub fn search_dirs(&self, root: &Path) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(shared) = std::env::var_os("KAREO_SHARED") {
            dirs.push(PathBuf::from(shared).join("wsdl").join(&self.dir));
        }
        dirs.push(root.join("wsdl").join(&self.dir));
        dirs.push(root.join("../shared/wsdl").join(&self.dir));
        dirs
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
                .ok_or_else(|| format!("{url} is not pinned in wsdl/manifest.toml"))?;
            let path = dirs
                .iter()
                .map(|d| d.join(&pin.file))
                .find(|p| p.is_file())
                .ok_or_else(|| format!("{} ({url}) not found in {dirs:?}", pin.file))?;
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let sha = load::sha256_hex(&bytes);
            if sha != pin.sha256 {
                return Err(format!(
                    "{} has sha256 {sha}, but wsdl/manifest.toml pins {} for {url}",
                    path.display(),
                    pin.sha256
                ));
            }
            String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))
        };
        load::load(&self.root, &mut fetch).map_err(|e| e.to_string())
    }
}

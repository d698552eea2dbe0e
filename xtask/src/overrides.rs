//! `wsdl/overrides.toml` → [`codegen::Config`] (the format is the generator's: see
//! [`codegen::Config::from_toml`]).

use std::path::Path;

use codegen::Config;

/// Reads the overrides file.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Config::from_toml(&path.display().to_string(), &text)
}

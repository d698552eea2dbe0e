//! `cargo xtask regen [--check] [--wsdl PATH|URL] [--update-pin]`: regenerates `kareo-sdk`'s
//! generated module from the WSDL pinned in `wsdl/manifest.toml`.

mod overrides;
mod surface;
#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Where the generated module lives, relative to the workspace root.
const GENERATED_DIR: &str = "kareo-sdk/src/generated";
/// Largest WSDL accepted from a download.
const MAX_DOWNLOAD: u64 = 32 * 1024 * 1024;

const USAGE: &str = "usage: cargo xtask regen [--check] [--wsdl PATH|URL] [--update-pin]

  --check        exit non-zero, naming the stale files, when the committed code differs
                 from what the generator would write (writes nothing)
  --wsdl X       read the WSDL from a path or http(s) URL instead of the default places
                 (wsdl/<file>, ../shared/wsdl/<file>, then the manifest's URL)
  --update-pin   accept a WSDL whose sha256 differs from wsdl/manifest.toml and repin it";

#[derive(Debug, Deserialize)]
struct Manifest {
    wsdl: ManifestWsdl,
}

#[derive(Debug, Deserialize)]
struct ManifestWsdl {
    file: String,
    url: String,
    sha256: String,
}

struct Args {
    check: bool,
    wsdl: Option<String>,
    update_pin: bool,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("regen") => {}
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    let mut parsed = Args {
        check: false,
        wsdl: None,
        update_pin: false,
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => parsed.check = true,
            "--update-pin" => parsed.update_pin = true,
            "--wsdl" => match args.next() {
                Some(v) => parsed.wsdl = Some(v),
                None => {
                    eprintln!("--wsdl needs a path or URL\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match regen(&parsed) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn regen(args: &Args) -> Result<ExitCode, String> {
    regen_in(&workspace_root(), args)
}

/// The generator's output for the workspace at `root`, and where its WSDL came from.
struct Generated {
    output: codegen::Output,
    /// Path or URL the WSDL was read from.
    origin: String,
    /// The WSDL's sha256.
    sha: String,
    /// The WSDL's file name, per the manifest.
    file: String,
}

/// `regen` for the workspace at `root`.
fn regen_in(root: &Path, args: &Args) -> Result<ExitCode, String> {
    let Generated {
        output,
        origin,
        sha,
        file,
    } = generate_in(root, args)?;
    let dir = root.join(GENERATED_DIR);
    let stale = stale_files(&dir, &output)?;
    if args.check {
        if stale.is_empty() {
            println!("{GENERATED_DIR} is up to date with {file} (sha256 {sha})");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{GENERATED_DIR} is stale; run `cargo xtask regen`. Files that differ:");
        for f in &stale {
            eprintln!("  {GENERATED_DIR}/{f}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let old_surface = fs::read_to_string(dir.join("api-surface.txt")).unwrap_or_default();
    if !stale.is_empty() {
        write_atomically(&dir, &output)?;
    }
    println!("generated {} from {origin} (sha256 {sha})", GENERATED_DIR);
    for f in &stale {
        println!("  wrote {GENERATED_DIR}/{f}");
    }
    let new_surface = output.file("api-surface.txt").unwrap_or_default();
    print!("{}", surface::summarize(&old_surface, new_surface));
    for w in &output.warnings {
        println!("note: {w}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the manifest and overrides of the workspace at `root`, resolves and verifies the WSDL,
/// and runs the generator. Writes nothing (except the manifest, with `--update-pin`).
fn generate_in(root: &Path, args: &Args) -> Result<Generated, String> {
    let manifest_path = root.join("wsdl/manifest.toml");
    let manifest_text = fs::read_to_string(&manifest_path).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest: Manifest = toml::from_str(&manifest_text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let config = overrides::load(&root.join("wsdl/overrides.toml"))?;

    let (origin, bytes) = resolve_wsdl(root, &manifest.wsdl, args.wsdl.as_deref())?;
    let sha = hex(&Sha256::digest(&bytes));
    if sha != manifest.wsdl.sha256 {
        if !args.update_pin || args.check {
            return Err(format!(
                "{origin} has sha256 {sha}, but wsdl/manifest.toml pins {}.\n\
                 If Kareo published a new WSDL, run `cargo xtask regen --update-pin` (with --wsdl if needed) and review the API changes it reports.",
                manifest.wsdl.sha256
            ));
        }
        let repinned = manifest_text.replace(&manifest.wsdl.sha256, &sha);
        fs::write(&manifest_path, repinned).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
        println!("repinned wsdl/manifest.toml to sha256 {sha}");
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{origin}: not UTF-8: {e}"))?;
    let source = codegen::Source {
        name: &manifest.wsdl.file,
        text,
        sha256: &sha,
    };
    let output = codegen::generate(&source, &config).map_err(|e| format!("{e} [read from {origin}]"))?;
    Ok(Generated {
        output,
        origin,
        sha,
        file: manifest.wsdl.file,
    })
}

/// Finds the WSDL: explicit argument, `wsdl/<file>`, `../shared/wsdl/<file>`, then the manifest URL.
fn resolve_wsdl(root: &Path, manifest: &ManifestWsdl, explicit: Option<&str>) -> Result<(String, Vec<u8>), String> {
    if let Some(x) = explicit {
        if x.starts_with("http://") || x.starts_with("https://") {
            return download(x).map(|b| (x.to_owned(), b));
        }
        return fs::read(x).map(|b| (x.to_owned(), b)).map_err(|e| format!("{x}: {e}"));
    }
    let candidates = [
        root.join("wsdl").join(&manifest.file),
        root.join("..").join("shared/wsdl").join(&manifest.file),
    ];
    for c in &candidates {
        if c.is_file() {
            return fs::read(c)
                .map(|b| (c.display().to_string(), b))
                .map_err(|e| format!("{}: {e}", c.display()));
        }
    }
    eprintln!("{} not found locally; downloading {}", manifest.file, manifest.url);
    download(&manifest.url).map(|b| (manifest.url.clone(), b))
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    let mut response = ureq::get(url).call().map_err(|e| format!("GET {url}: {e}"))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| format!("GET {url}: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Generated files whose committed contents differ (or that are missing), and committed files
/// the generator no longer writes.
fn stale_files(dir: &Path, output: &codegen::Output) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for f in &output.files {
        if fs::read_to_string(dir.join(&f.path)).ok().as_deref() != Some(f.contents.as_str()) {
            stale.push(f.path.clone());
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !output.files.iter().any(|f| &f.path == name))
            .collect();
        extra.sort();
        stale.extend(extra);
    }
    Ok(stale)
}

/// Writes every file into a fresh sibling directory, then swaps it into place: a failure leaves
/// the committed module untouched.
fn write_atomically(dir: &Path, output: &codegen::Output) -> Result<(), String> {
    let parent = dir.parent().ok_or("generated directory has no parent")?;
    let tmp = parent.join(format!(".generated.tmp-{}", std::process::id()));
    let old = parent.join(format!(".generated.old-{}", std::process::id()));
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    for f in &output.files {
        let path = tmp.join(&f.path);
        if let Err(e) = fs::write(&path, &f.contents) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(io(&path, e));
        }
    }
    if dir.exists() {
        if let Err(e) = fs::rename(dir, &old) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(io(dir, e));
        }
    }
    if let Err(e) = fs::rename(&tmp, dir) {
        let _ = fs::rename(&old, dir);
        let _ = fs::remove_dir_all(&tmp);
        return Err(io(dir, e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

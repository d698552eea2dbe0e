//! `cargo xtask regen [--check] [--wsdl PATH|URL] [--update-pin]`: regenerates `kareo-sdk`'s
//! generated module from the service contract pinned in `wsdl/manifest.toml` (a root WSDL and
//! every document it imports, each with its sha256).

mod surface;
#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::pins::{Manifest, Pin as Part};

/// Where the generated module lives, relative to the workspace root.
const GENERATED_DIR: &str = "kareo-sdk/src/generated";
/// The manifest, relative to the workspace root.
const MANIFEST: &str = codegen::pins::MANIFEST;
/// What record members mean (one line each, by type and member), relative to the workspace root.
const MEMBER_DOCS: &str = "wsdl/member-docs.toml";

/// Bounds on what `--wsdl URL` downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limits {
    /// Largest document.
    per_document: u64,
    /// Largest sum of all documents.
    total: u64,
    /// Most documents.
    documents: usize,
    /// Most redirects followed per document (same host and scheme only).
    redirects: u32,
}

const LIMITS: Limits = Limits {
    per_document: 32 * 1024 * 1024,
    total: 64 * 1024 * 1024,
    documents: 64,
    redirects: 5,
};

const USAGE: &str = "usage: cargo xtask regen [--check] [--all-changes] [--wsdl PATH|URL] [--update-pin [--name NAME]]

  --check        exit non-zero, naming the stale files, when the committed code differs
                 from what the generator would write (writes nothing)
  --wsdl X       read the contract's root document from a local path (its imports are found
                 beside it, then in wsdl/<dir>/ and ../shared/wsdl/<dir>/) or download the root
                 and every import from an http(s) URL
  --name NAME    with --update-pin: the contract's name for the manifest and the generated
                 headers (e.g. \"Kareo SOAP API 2.1, April 2021\")
  --update-pin   accept new or changed documents and rewrite the parts of wsdl/manifest.toml
  --all-changes  list every API change; by default at most 25 per level (major, minor, patch)
                 are printed, then a count of the rest

Both modes classify each API change (against the committed api-surface.txt) as patch, minor or
major for downstream crates, one `<level>: <item and reason>` line each, and end with the
release level: `API change: major (N major, M minor)`.";

struct Args {
    check: bool,
    wsdl: Option<String>,
    update_pin: bool,
    /// With `--update-pin`: the contract's new name (e.g. its publication date).
    name: Option<String>,
    /// `--all-changes`: print every classified API change, not the first few per level.
    all_changes: bool,
    limits: Limits,
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
        name: None,
        all_changes: false,
        limits: LIMITS,
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => parsed.check = true,
            "--update-pin" => parsed.update_pin = true,
            "--all-changes" => parsed.all_changes = true,
            "--name" => match args.next() {
                Some(v) => parsed.name = Some(v),
                None => {
                    eprintln!("--name needs the contract's name\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
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

/// The workspace `regen` writes into: the parent of xtask's package directory as `cargo run`
/// gives it at run time (`CARGO_MANIFEST_DIR` in the environment), else as it was at build time.
/// The run-time value matters: a build shared by two copies of the workspace (one target
/// directory) reuses one binary, whose compiled-in path names the other copy.
fn workspace_root() -> PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    package
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn regen(args: &Args) -> Result<ExitCode, String> {
    regen_in(&workspace_root(), args)
}

/// The generator's output for the workspace at `root`, and the contract it came from.
struct Generated {
    output: codegen::Output,
    /// Where the root document was read from (path or URL).
    origin: String,
    /// The contract digest.
    digest: String,
    /// The contract's name, per the manifest.
    name: String,
    /// Number of documents.
    documents: usize,
    /// The manifest to write when the pins changed (`--update-pin` only).
    repin: Option<Manifest>,
}

/// `regen` for the workspace at `root`. Nothing is written unless generation succeeded; the
/// manifest is written last.
fn regen_in(root: &Path, args: &Args) -> Result<ExitCode, String> {
    let Generated {
        output,
        origin,
        digest,
        name,
        documents,
        repin,
    } = generate_in(root, args)?;
    let dir = root.join(GENERATED_DIR);
    let stale = stale_files(&dir, &output)?;
    let old_surface = fs::read_to_string(dir.join("api-surface.txt")).unwrap_or_default();
    let new_surface = output.file("api-surface.txt").unwrap_or_default();
    let changes = surface::classify(&old_surface, new_surface).render(args.all_changes);
    if args.check {
        // The classification goes with the verdict: to stderr when stale, else to stdout.
        let code = if stale.is_empty() {
            println!(
                "{GENERATED_DIR} is up to date with {name} (contract sha256 {digest}, {})",
                codegen::documents(documents)
            );
            print!("{changes}");
            ExitCode::SUCCESS
        } else {
            eprintln!("{GENERATED_DIR} is stale; run `cargo xtask regen`. Files that differ:");
            for f in &stale {
                eprintln!("  {GENERATED_DIR}/{f}");
            }
            eprint!("{changes}");
            ExitCode::FAILURE
        };
        print_warnings(&output);
        return Ok(code);
    }
    if !stale.is_empty() {
        write_atomically(&dir, &output)?;
    }
    if let Some(m) = &repin {
        write_file_atomically(&root.join(MANIFEST), &m.render())?;
        println!(
            "repinned {MANIFEST}: {} ({} parts)",
            m.contract.root,
            m.contract.parts.len()
        );
    }
    println!(
        "generated {GENERATED_DIR} from {origin} (contract sha256 {digest}, {})",
        codegen::documents(documents)
    );
    for f in &stale {
        println!("  wrote {GENERATED_DIR}/{f}");
    }
    print!("{changes}");
    print_warnings(&output);
    Ok(ExitCode::SUCCESS)
}

fn print_warnings(output: &codegen::Output) {
    for n in &output.notes {
        println!("note: {n}");
    }
    for w in &output.warnings {
        println!("warning: {w}");
    }
}

/// A contract loaded and verified against the pins.
struct Loaded {
    manifest: Manifest,
    contract: codegen::load::Contract,
    /// Every document read, in load order.
    read: Vec<ReadPart>,
    /// Where the root document was read from.
    origin: String,
    /// The manifest to write when the pins changed (`--update-pin` only).
    repin: Option<Manifest>,
}

/// The manifest's `dir` that finds the files of `--wsdl PATH` offline: PATH's folder relative to
/// one of the workspace's [search roots](codegen::pins::Pins::search_roots), when it lies in one.
fn local_dir(root: &Path, wsdl: Option<&str>) -> Option<String> {
    let path = wsdl.filter(|w| !is_url(w))?;
    let folder = fs::canonicalize(Path::new(path).parent()?).ok()?;
    codegen::pins::Pins::search_roots(root).iter().find_map(|base| {
        let base = fs::canonicalize(base).ok()?;
        let rel = folder.strip_prefix(&base).ok()?;
        rel.to_str().map(|s| s.replace('\\', "/"))
    })
}

/// Reads the manifest of the workspace at `root`, then loads the contract and verifies every
/// document against the pins. Writes nothing.
fn load_in(root: &Path, args: &Args) -> Result<Loaded, String> {
    let manifest_path = root.join(MANIFEST);
    let manifest_text = fs::read_to_string(&manifest_path).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let manifest = Manifest::parse(&manifest_text)?;
    let update_pin = args.update_pin && !args.check;

    let (source, root_url) = match args.wsdl.as_deref() {
        Some(x) if is_url(x) => {
            if x != manifest.contract.root && !update_pin {
                return Err(format!(
                    "{x} is not the contract root pinned in {MANIFEST} ({}); run with --update-pin to switch",
                    manifest.contract.root
                ));
            }
            (Source::Online(Downloader::new(args.limits)), x.to_owned())
        }
        Some(x) => (Source::Local(Some(PathBuf::from(x))), manifest.contract.root.clone()),
        None => (Source::Local(None), manifest.contract.root.clone()),
    };
    let mut resolver = Resolver {
        workspace: root.to_path_buf(),
        manifest: &manifest,
        root_url: root_url.clone(),
        source,
        update_pin,
        read: Vec::new(),
    };
    let loaded = codegen::load::load(&root_url, &mut |url| resolver.fetch(url));
    let read = resolver.read;
    let contract = loaded.map_err(|e| describe(&read, e))?;
    let origin = read
        .first()
        .map(|r| r.origin.clone())
        .unwrap_or_else(|| root_url.clone());

    let mut pinned = manifest.contract.parts.clone();
    pinned.sort();
    let mut parts: Vec<Part> = read.iter().map(|r| r.part.clone()).collect();
    parts.sort();
    let renamed = args.name.as_ref().is_some_and(|n| *n != manifest.contract.name);
    let moved = local_dir(root, args.wsdl.as_deref()).filter(|d| *d != manifest.contract.dir);
    let repin = if update_pin && (parts != pinned || root_url != manifest.contract.root || renamed || moved.is_some()) {
        let mut m = manifest.clone();
        m.contract.root = root_url;
        m.contract.parts = parts;
        if let Some(name) = &args.name {
            m.contract.name = name.clone();
        }
        if let Some(dir) = moved {
            m.contract.dir = dir;
        }
        Some(m)
    } else {
        for p in pinned.iter().filter(|p| !parts.iter().any(|l| l.url == p.url)) {
            eprintln!(
                "note: {MANIFEST} pins {} ({}), which the contract does not import",
                p.url, p.file
            );
        }
        None
    };
    Ok(Loaded {
        manifest,
        contract,
        read,
        origin,
        repin,
    })
}

/// Loads the contract of the workspace at `root` (see [`load_in`]) and runs the generator with
/// its overrides. Writes nothing.
fn generate_in(root: &Path, args: &Args) -> Result<Generated, String> {
    let config = read_config(root)?;
    let Loaded {
        manifest,
        contract,
        read,
        origin,
        repin,
    } = load_in(root, args)?;
    // The name the manifest will carry: a repin may rename the contract.
    let name = repin
        .as_ref()
        .map_or(manifest.contract.name, |m| m.contract.name.clone());
    let output = codegen::generate_contract(&contract, &name, &config).map_err(|e| describe(&read, e))?;
    Ok(Generated {
        output,
        origin,
        digest: contract.digest(),
        name,
        documents: contract.documents.len(),
        repin,
    })
}

/// The generator's settings for the workspace at `root`: `wsdl/overrides.toml`, and the members'
/// meanings from `wsdl/member-docs.toml` when the workspace has that file.
fn read_config(root: &Path) -> Result<codegen::Config, String> {
    let mut config = codegen::Config::from_file(&root.join("wsdl/overrides.toml"))?;
    let docs = root.join(MEMBER_DOCS);
    if docs.exists() {
        config.member_docs = codegen::MemberDocs::from_file(&docs)?;
    }
    Ok(config)
}

/// A generator error, with the document named by its file and where it was read from.
fn describe(read: &[ReadPart], mut e: codegen::Error) -> String {
    match read.iter().find(|r| r.part.url == e.file) {
        Some(r) => {
            let url = std::mem::replace(&mut e.file, r.part.file.clone());
            if url == r.origin {
                format!("{e} [{url}]")
            } else {
                format!("{e} [{url}, read from {}]", r.origin)
            }
        }
        None => e.to_string(),
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Where documents come from.
enum Source {
    /// Local files; the root document from this path when given.
    Local(Option<PathBuf>),
    /// Downloads.
    Online(Downloader),
}

/// One document read for the loader.
struct ReadPart {
    part: Part,
    /// Path or URL it was read from.
    origin: String,
}

/// The loader's fetch callback: maps each URL to its pinned part, reads or downloads it and
/// verifies its sha256.
struct Resolver<'m> {
    workspace: PathBuf,
    manifest: &'m Manifest,
    root_url: String,
    source: Source,
    update_pin: bool,
    read: Vec<ReadPart>,
}

impl Resolver<'_> {
    fn fetch(&mut self, url: &str) -> Result<String, String> {
        let pin = self.manifest.part(url).cloned();
        let (origin, bytes, file) = match &mut self.source {
            Source::Online(d) => {
                let bytes = d.get(url)?;
                let file = pin
                    .as_ref()
                    .map_or_else(|| file_name_for(url, &bytes), |p| p.file.clone());
                (url.to_owned(), bytes, file)
            }
            Source::Local(explicit) => {
                let explicit = explicit.clone();
                let (path, file) = match (&explicit, &pin) {
                    // The root read from `--wsdl PATH` is named by the file read, not by the
                    // pinned root's file: errors in it name the document that holds the
                    // construct, and a repin records the file that was read.
                    (Some(path), _) if url == self.root_url => (path.clone(), file_name_of(path)),
                    // Repinning from `--wsdl PATH`: every document is read beside PATH, never
                    // from the pinned contract's folders. Another contract whose relative import
                    // resolves to a URL the current pins name would otherwise load the pinned
                    // contract's document in its place, unchecked.
                    (Some(path), Some(p)) if self.update_pin => {
                        let dir = path.parent().unwrap_or(Path::new(""));
                        match relative_to_root(&self.root_url, url) {
                            Some(rel) if !dir.join(&p.file).is_file() => (dir.join(&rel), rel),
                            _ => (dir.join(&p.file), p.file.clone()),
                        }
                    }
                    (_, Some(p)) => (self.find_local(explicit.as_deref(), &p.file)?, p.file.clone()),
                    (Some(path), None) if self.update_pin => {
                        // A new document beside the given root: its path relative to the root's.
                        let rel = relative_to_root(&self.root_url, url)
                            .ok_or_else(|| format!("{url} is not pinned in {MANIFEST}, and is not beside the root document"))?;
                        let dir = path.parent().unwrap_or(Path::new(""));
                        (dir.join(&rel), rel)
                    }
                    _ => {
                        return Err(format!(
                            "{url} is not pinned in {MANIFEST}; if the contract changed, run `cargo xtask regen --update-pin` with --wsdl"
                        ))
                    }
                };
                let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                (path.display().to_string(), bytes, file)
            }
        };
        let sha = codegen::load::sha256_hex(&bytes);
        match &pin {
            Some(p) if p.sha256 != sha && !self.update_pin => {
                return Err(format!(
                    "{origin} ({}) has sha256 {sha}, but {MANIFEST} pins {}.\n\
                     If the service published a new contract, run `cargo xtask regen --update-pin` (with --wsdl if needed) and review the API changes it reports.",
                    p.file, p.sha256
                ))
            }
            None if !self.update_pin => {
                return Err(format!(
                    "{url} (read from {origin}) is not pinned in {MANIFEST}; run `cargo xtask regen --update-pin` to accept it"
                ))
            }
            _ => {}
        }
        let text = String::from_utf8(bytes).map_err(|e| format!("{origin}: not UTF-8: {e}"))?;
        self.read.push(ReadPart {
            part: Part {
                url: url.to_owned(),
                file,
                sha256: sha,
            },
            origin,
        });
        Ok(text)
    }

    /// A pinned file: beside `--wsdl PATH`, then in the contract's search folders
    /// ([`Pins::search_dirs`](codegen::pins::Pins::search_dirs)).
    fn find_local(&self, explicit: Option<&Path>, file: &str) -> Result<PathBuf, String> {
        let mut candidates = Vec::new();
        if let Some(p) = explicit {
            candidates.push(p.parent().unwrap_or(Path::new("")).join(file));
        }
        let dirs = self.manifest.contract.search_dirs(&self.workspace);
        candidates.extend(dirs.iter().map(|d| d.join(file)));
        candidates.iter().find(|c| c.is_file()).cloned().ok_or_else(|| {
            let tried: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
            format!(
                "{file} not found (looked in {}); use --wsdl URL to download the contract",
                tried.join(", ")
            )
        })
    }
}

/// `url` relative to the root URL's directory, when it is below it (`a/b.xsd`).
fn relative_to_root(root: &str, url: &str) -> Option<String> {
    let base = root.split(['?', '#']).next()?;
    let dir = &base[..=base.rfind('/')?];
    let rel = url.strip_prefix(dir)?;
    (!rel.is_empty() && !rel.contains(['?', '#']) && !rel.split('/').any(|s| s == ".." || s.is_empty()))
        .then(|| rel.to_owned())
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A file name for a downloaded document not pinned yet: the URL's last path segment, with its
/// query (WCF's `?xsd=xsd0`) folded in, and `.xsd` or `.wsdl` by the document's root element.
fn file_name_for(url: &str, bytes: &[u8]) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let last = path.rsplit('/').next().unwrap_or_default();
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let mut name = if last.is_empty() {
        "document".to_owned()
    } else {
        clean(last)
    };
    if !query.is_empty() {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        let is_schema = head
            .split('<')
            .find(|t| !t.starts_with('?') && !t.starts_with('!'))
            .is_some_and(|t| {
                t.split([' ', '>', '/', '\n', '\t', '\r'])
                    .next()
                    .is_some_and(|n| n == "schema" || n.ends_with(":schema"))
            });
        let q = query.split_once('=').map_or(query, |(_, v)| v);
        name = format!("{name}-{}.{}", clean(q), if is_schema { "xsd" } else { "wsdl" });
    }
    name
}

/// Bounded downloads: per document, in total and in count; redirects followed only to the
/// same scheme and host.
struct Downloader {
    agent: ureq::Agent,
    limits: Limits,
    total: u64,
    count: usize,
}

impl Downloader {
    fn new(limits: Limits) -> Downloader {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(120)))
            .build();
        Downloader {
            agent: ureq::Agent::new_with_config(config),
            limits,
            total: 0,
            count: 0,
        }
    }

    fn get(&mut self, url: &str) -> Result<Vec<u8>, String> {
        if self.count >= self.limits.documents {
            return Err(format!(
                "GET {url}: more than {} documents to download",
                self.limits.documents
            ));
        }
        self.count += 1;
        let mut current = url.to_owned();
        for _ in 0..=self.limits.redirects {
            let mut response = self
                .agent
                .get(&current)
                .call()
                .map_err(|e| format!("GET {current}: {e}"))?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| format!("GET {current}: {status} without a Location"))?;
                let next = codegen::load::resolve(&current, location);
                if origin_of(&next) != origin_of(&current) {
                    return Err(format!(
                        "GET {current}: redirected to {next}, another host or scheme (not followed)"
                    ));
                }
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(format!("GET {current}: HTTP {status}"));
            }
            let remaining = self.limits.total.saturating_sub(self.total);
            let limit = self.limits.per_document.min(remaining);
            let body = response
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|e| {
                    if limit < self.limits.per_document {
                        format!(
                            "GET {current}: the downloads exceed {} bytes in total ({e})",
                            self.limits.total
                        )
                    } else {
                        format!("GET {current}: larger than {} bytes ({e})", self.limits.per_document)
                    }
                })?;
            self.total += body.len() as u64;
            return Ok(body);
        }
        Err(format!("GET {url}: more than {} redirects", self.limits.redirects))
    }
}

/// `scheme://authority` of a URL, lower-cased.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase())
}

/// Writes `path` through a temporary sibling renamed over it.
fn write_file_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, contents).map_err(|e| format!("{}: {e}", tmp.display()))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
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

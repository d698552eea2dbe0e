//! Loading a contract made of several documents: a root WSDL and everything it imports.
//!
//! [`load`] reads the root document and follows `wsdl:import@location`,
//! `xs:import@schemaLocation` and `xs:include@schemaLocation`. Relative locations are resolved
//! against the URL of the document that makes the reference ([`resolve`], RFC 3986 section 5.2
//! for URLs with a scheme, plain joining for file paths); absolute ones are used as they are.
//! Each document is fetched and read once (by resolved URL, fragment dropped), so import cycles
//! end, and at most [`MAX_DOCUMENTS`] documents are read. The generator does no I/O: the caller
//! passes a fetch callback that returns a document's text for a URL.
//!
//! Every document's declarations are merged into one [`Definitions`]: messages, port types,
//! bindings and services of every WSDL document, and every schema. An included schema joins the
//! including schema's target namespace: one without a `targetNamespace` takes the includer's
//! ("chameleon" include, its unqualified references too), one with another namespace is an
//! error. Two schemas of one namespace from different documents are kept side by side; the
//! model stage reports declarations that clash.
//!
//! # The contract digest
//!
//! A contract is identified by [`contract_digest`]: the lower-case hex sha256 of the lines
//! `"<sha256> <url>\n"`, one per document (the document's own lower-case hex sha256 and the URL
//! it was requested by), sorted by URL. A one-document contract has a digest too, which differs
//! from its document's sha256.

use std::collections::{HashMap, HashSet, VecDeque};

use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::read::{self, ComplexTypeDecl, Definitions, DocumentKind, ElementDecl, Loc, ReferenceKind, Schema};
use crate::QName;

/// Most documents one contract may consist of.
pub const MAX_DOCUMENTS: usize = 256;

/// The fetch callback: the text of the document at a resolved URL (or path), or why it could
/// not be had.
pub type Fetch<'a> = dyn FnMut(&str) -> std::result::Result<String, String> + 'a;

/// One document of a loaded contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedDocument {
    /// The resolved URL (or path) it was fetched by; also its name in errors.
    pub url: String,
    /// Lower-case hex sha256 of its text.
    pub sha256: String,
}

/// A contract: its documents and their merged declarations.
#[derive(Debug, Clone)]
pub struct Contract {
    /// The root document's URL, as given.
    pub root: String,
    /// Every document read, root first, then in the order they were reached (breadth first).
    pub documents: Vec<LoadedDocument>,
    /// Everything declared, merged; `target_ns` is the root's.
    pub definitions: Definitions,
}

impl Contract {
    /// The contract's digest (see the [module docs](self)).
    pub fn digest(&self) -> String {
        contract_digest(self.documents.iter().map(|d| (d.url.as_str(), d.sha256.as_str())))
    }
}

/// The contract digest over `(url, sha256)` pairs: sha256 of the lines `"<sha256> <url>\n"`
/// sorted by URL, as lower-case hex.
pub fn contract_digest<'a>(parts: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut parts: Vec<(&str, &str)> = parts.into_iter().collect();
    parts.sort();
    let mut hasher = Sha256::new();
    for (url, sha) in parts {
        hasher.update(format!("{sha} {url}\n").as_bytes());
    }
    hex(&hasher.finalize())
}

/// Lower-case hex sha256 of `text`.
pub fn sha256_hex(text: &[u8]) -> String {
    hex(&Sha256::digest(text))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads the contract rooted at `root` (a URL or path), reading at most [`MAX_DOCUMENTS`].
pub fn load(root: &str, fetch: &mut Fetch<'_>) -> Result<Contract> {
    load_with_limit(root, fetch, MAX_DOCUMENTS)
}

/// Why a document is being read.
struct Wanted {
    url: String,
    kind: Option<ReferenceKind>,
    /// Namespace the reference expects (`xs:import@namespace`, or the includer's for an include).
    namespace: Option<String>,
    /// The referencing element (its `file` names the referencing document).
    from: Loc,
}

/// [`load`] with another document cap.
pub fn load_with_limit(root: &str, fetch: &mut Fetch<'_>, max_documents: usize) -> Result<Contract> {
    let mut parsed: HashMap<String, read::Document> = HashMap::new();
    let mut contract = Contract {
        root: root.to_owned(),
        documents: Vec::new(),
        definitions: Definitions::default(),
    };
    // (url, namespace a chameleon schema is included into): what has been merged already.
    let mut merged: HashSet<(String, Option<String>)> = HashSet::new();
    let mut queue = VecDeque::from([Wanted {
        url: strip_fragment(root).to_owned(),
        kind: None,
        namespace: None,
        from: Loc::default(),
    }]);
    while let Some(w) = queue.pop_front() {
        let from_err = |kind: ErrorKind| Error {
            file: if w.from.file.is_empty() {
                w.url.clone()
            } else {
                w.from.file.clone()
            },
            line: w.from.line,
            path: w.from.path.clone(),
            kind,
        };
        if !parsed.contains_key(&w.url) {
            if parsed.len() >= max_documents {
                return Err(from_err(ErrorKind::Load(format!(
                    "{}: the contract has more than {max_documents} documents",
                    w.url
                ))));
            }
            let text = fetch(&w.url).map_err(|e| from_err(ErrorKind::Load(format!("{}: {e}", w.url))))?;
            let doc = read::read_document(&w.url, &text)?;
            contract.documents.push(LoadedDocument {
                url: w.url.clone(),
                sha256: sha256_hex(text.as_bytes()),
            });
            parsed.insert(w.url.clone(), doc);
        }
        let Some(doc) = parsed.get(&w.url) else { continue };
        let doc_ns = doc.definitions.target_ns.as_str();
        // The namespace this use of the document puts its schema in, when it differs.
        let mut chameleon = None;
        match (w.kind, doc.kind) {
            (None, DocumentKind::Schema) => {
                return Err(Error {
                    file: w.url.clone(),
                    line: doc.definitions.schemas.first().and_then(|s| s.loc.line),
                    path: "schema".into(),
                    kind: ErrorKind::Invalid("the root element is not wsdl:definitions (WSDL 1.1)".into()),
                })
            }
            (Some(ReferenceKind::SchemaImport | ReferenceKind::SchemaInclude), DocumentKind::Wsdl) => {
                return Err(from_err(ErrorKind::Invalid(format!(
                    "{} is a WSDL document, not an xs:schema",
                    w.url
                ))))
            }
            (Some(ReferenceKind::SchemaImport), DocumentKind::Schema) => {
                if let Some(ns) = w.namespace.as_deref().filter(|ns| *ns != doc_ns) {
                    return Err(from_err(ErrorKind::Invalid(format!(
                        "xs:import of namespace `{ns}` loads {}, a schema of namespace `{doc_ns}`",
                        w.url
                    ))));
                }
            }
            (Some(ReferenceKind::SchemaInclude), DocumentKind::Schema) => {
                let into = w.namespace.clone().unwrap_or_default();
                if doc_ns.is_empty() && !into.is_empty() {
                    chameleon = Some(into);
                } else if doc_ns != into {
                    return Err(from_err(ErrorKind::Invalid(format!(
                        "xs:include of {}, a schema of namespace `{doc_ns}`, into a schema of namespace `{into}`",
                        w.url
                    ))));
                }
            }
            (Some(ReferenceKind::WsdlImport), _) | (None, DocumentKind::Wsdl) => {}
        }
        if !merged.insert((w.url.clone(), chameleon.clone())) {
            continue;
        }
        let defs = &doc.definitions;
        let mut schemas = defs.schemas.clone();
        if let Some(ns) = &chameleon {
            for s in &mut schemas {
                adopt_namespace(s, ns);
            }
        }
        for r in &doc.references {
            let namespace = match r.kind {
                ReferenceKind::SchemaInclude => r.schema.and_then(|i| schemas.get(i)).map(|s| s.target_ns.clone()),
                ReferenceKind::SchemaImport | ReferenceKind::WsdlImport => r.namespace.clone(),
            };
            queue.push_back(Wanted {
                url: strip_fragment(&resolve(&w.url, &r.location)).to_owned(),
                kind: Some(r.kind),
                namespace,
                from: r.loc.clone(),
            });
        }
        let out = &mut contract.definitions;
        if w.kind.is_none() {
            out.target_ns = defs.target_ns.clone();
        }
        out.schemas.extend(schemas);
        out.messages.extend(defs.messages.iter().cloned());
        out.port_types.extend(defs.port_types.iter().cloned());
        out.bindings.extend(defs.bindings.iter().cloned());
        out.services.extend(defs.services.iter().cloned());
    }
    Ok(contract)
}

/// Puts a namespace-less (chameleon) schema into `ns`: its target namespace, and every
/// reference to a name in no namespace.
fn adopt_namespace(schema: &mut Schema, ns: &str) {
    fn q(name: &mut QName, ns: &str) {
        if name.ns.is_empty() {
            name.ns = ns.to_owned();
        }
    }
    fn element(e: &mut ElementDecl, ns: &str) {
        if let Some(t) = &mut e.type_ref {
            q(t, ns);
        }
        if let Some(t) = &mut e.inline_type {
            complex(t, ns);
        }
    }
    fn complex(t: &mut ComplexTypeDecl, ns: &str) {
        if let Some(b) = &mut t.base {
            q(b, ns);
        }
        for e in &mut t.sequence {
            element(e, ns);
        }
    }
    schema.target_ns = ns.to_owned();
    for t in &mut schema.complex_types {
        complex(t, ns);
    }
    for t in &mut schema.simple_types {
        q(&mut t.base, ns);
    }
    for e in &mut schema.elements {
        element(e, ns);
    }
}

fn strip_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(u, _)| u)
}

/// Whether `s` starts with a URI scheme (`scheme ":"`, RFC 3986 section 3.1).
fn scheme_of(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then_some(scheme)
}

/// Resolves `reference` against `base`.
///
/// A base with a scheme (`https://host/a/b?x`) is resolved per RFC 3986 section 5.2 (the
/// reference's fragment is kept). A base without one is a file path: an absolute reference (with
/// a scheme, or starting with `/`) is returned as is, a relative one is joined to the base's
/// directory, with `.` and `dir/..` segments removed (leading `..` are kept).
pub fn resolve(base: &str, reference: &str) -> String {
    if scheme_of(reference).is_some() {
        let (scheme, rest) = reference.split_at(reference.find(':').unwrap_or(0));
        return format!("{}{}", scheme.to_ascii_lowercase(), with_dots_removed(rest));
    }
    if scheme_of(base).is_none() {
        return resolve_path(base, reference);
    }
    let b = Parts::parse(base);
    let r = Parts::parse(reference);
    let (authority, path, query) = if r.authority.is_some() {
        (r.authority, remove_dot_segments(r.path), r.query)
    } else if r.path.is_empty() {
        (b.authority, b.path.to_owned(), r.query.or(b.query))
    } else if r.path.starts_with('/') {
        (b.authority, remove_dot_segments(r.path), r.query)
    } else {
        (b.authority, remove_dot_segments(&merge(&b, r.path)), r.query)
    };
    let mut out = String::new();
    if let Some(s) = b.scheme {
        out.push_str(&s.to_ascii_lowercase());
        out.push(':');
    }
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = r.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// An absolute reference's path with dot segments removed (`rest` is what follows the scheme).
fn with_dots_removed(rest: &str) -> String {
    let dummy = format!("x{rest}");
    let p = Parts::parse(&dummy);
    let mut out = String::from(":");
    if let Some(a) = p.authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&remove_dot_segments(p.path));
    if let Some(q) = p.query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = p.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The components of a URI reference (RFC 3986 appendix B).
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn parse(s: &'a str) -> Parts<'a> {
        let (s, fragment) = match s.split_once('#') {
            Some((a, f)) => (a, Some(f)),
            None => (s, None),
        };
        let (s, query) = match s.split_once('?') {
            Some((a, q)) => (a, Some(q)),
            None => (s, None),
        };
        let (scheme, s) = match scheme_of(s) {
            Some(scheme) => (Some(scheme), &s[scheme.len() + 1..]),
            None => (None, s),
        };
        let (authority, path) = match s.strip_prefix("//") {
            Some(rest) => {
                let end = rest.find('/').unwrap_or(rest.len());
                (Some(&rest[..end]), &rest[end..])
            }
            None => (None, s),
        };
        Parts {
            scheme,
            authority,
            path,
            query,
            fragment,
        }
    }
}

/// RFC 3986 section 5.2.3.
fn merge(base: &Parts<'_>, path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        format!("/{path}")
    } else {
        match base.path.rfind('/') {
            Some(i) => format!("{}{path}", &base.path[..=i]),
            None => path.to_owned(),
        }
    }
}

/// RFC 3986 section 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut output = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            match output.rfind('/') {
                Some(i) => output.truncate(i),
                None => output.clear(),
            }
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    output
}

/// A relative reference joined to a file path's directory.
fn resolve_path(base: &str, reference: &str) -> String {
    if reference.starts_with('/') {
        return reference.to_owned();
    }
    let dir = base.rfind('/').map_or("", |i| &base[..=i]);
    let joined = format!("{dir}{reference}");
    let absolute = joined.starts_with('/');
    let mut segments: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." if segments.last().is_some_and(|s| *s != "..") => {
                segments.pop();
            }
            ".." if absolute => {}
            s => segments.push(s),
        }
    }
    let body = segments.join("/");
    if absolute {
        format!("/{body}")
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::resolve;

    /// RFC 3986 section 5.4, normal and abnormal examples.
    #[test]
    fn rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g#s/./x"),
            ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http:g"),
        ];
        for (reference, expected) in cases {
            assert_eq!(resolve(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn wcf_style_query_references_and_host_without_path() {
        let svc = "https://h.example/s/Svc.svc?wsdl";
        assert_eq!(resolve(svc, "?xsd=xsd0"), "https://h.example/s/Svc.svc?xsd=xsd0");
        assert_eq!(resolve("https://h.example", "x.xsd"), "https://h.example/x.xsd");
        assert_eq!(resolve("HTTPS://h.example/a/b", "../c"), "https://h.example/c");
    }

    #[test]
    fn file_paths() {
        assert_eq!(resolve("dir/root.wsdl", "x.xsd"), "dir/x.xsd");
        assert_eq!(resolve("dir/root.wsdl", "./sub/../x.xsd"), "dir/x.xsd");
        assert_eq!(resolve("../shared/root.wsdl", "../x.xsd"), "../x.xsd");
        assert_eq!(resolve("root.wsdl", "../x.xsd"), "../x.xsd");
        assert_eq!(resolve("/a/b/root.wsdl", "../../../x.xsd"), "/x.xsd");
        assert_eq!(resolve("/a/root.wsdl", "/etc/x.xsd"), "/etc/x.xsd");
        assert_eq!(resolve("/a/root.wsdl", "https://h/x.xsd"), "https://h/x.xsd");
    }
}

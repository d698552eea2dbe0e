//! Rust names for XML names: cased by `heck`, keywords escaped, collisions resolved
//! deterministically (first come keeps the name, later ones get `2`, `3`, ... in input order).

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::model::{Model, TypeKind};
use crate::QName;

/// Identifiers the generated code itself binds inside `decode` bodies, where fields may also
/// get locals of their own names. (`encode` reads fields through `self`, so its parameters, such
/// as `ns` and `name`, cannot clash with a field.)
pub const RESERVED_LOCALS: &[&str] = &["xw", "xr", "xe", "xc", "xi", "xo"];

/// Type names that would shadow the prelude or the generated code's own vocabulary.
const RESERVED_TYPES: &[&str] = &[
    "Box",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Self",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "From",
    "Into",
    "Drop",
    "Fn",
];

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Makes `s` a valid identifier body: ASCII alphanumerics and `_`, not starting with a digit.
fn sanitize(s: &str, digit_prefix: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    if out.chars().all(|c| c == '_') {
        out = "empty".into(); // nothing left of the name (empty, or no ASCII letter or digit)
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, digit_prefix);
    }
    out
}

/// Rust field name (snake_case) for an element name. Keywords become raw identifiers when possible.
pub fn field_name(xml: &str) -> String {
    let s = sanitize(&xml.to_snake_case(), "n");
    escape_keyword(s)
}

fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Rust type or variant name (UpperCamelCase) for an XML name.
pub fn type_name(xml: &str) -> String {
    let s = sanitize(&xml.to_upper_camel_case(), "T");
    if s == "empty" {
        "Empty".into() // nothing usable was left of the name
    } else if RESERVED_TYPES.contains(&s.as_str()) {
        format!("{s}Type")
    } else {
        s
    }
}

/// Enum variant name for an enumeration value.
pub fn variant_name(value: &str) -> String {
    let s = sanitize(&value.to_upper_camel_case(), "V");
    if s == "Self" {
        "SelfValue".into()
    } else if s == "empty" {
        "Empty".into()
    } else {
        s
    }
}

/// Makes each name in `wanted` unique, keeping order: later duplicates get `2`, `3`, ...
/// (with `sep` between name and number) and names in `taken` are avoided. A numbered name never
/// takes a name that another entry of `wanted` has of its own.
pub fn dedupe(wanted: impl IntoIterator<Item = String>, taken: &[&str], sep: &str) -> Vec<String> {
    let wanted: Vec<String> = wanted.into_iter().collect();
    let natural: HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let mut used: HashSet<String> = taken.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for name in &wanted {
        let mut candidate = name.clone();
        let mut n = 2;
        while used.contains(&candidate) || (&candidate != name && natural.contains(candidate.as_str())) {
            candidate = match name.strip_prefix("r#") {
                Some(bare) => format!("{bare}{sep}{n}"),
                None => format!("{name}{sep}{n}"),
            };
            n += 1;
        }
        used.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

/// The Rust name of every named type in a model, unique across namespaces.
#[derive(Debug, Clone, Default)]
pub struct TypeNames {
    by_qname: HashMap<QName, String>,
}

impl TypeNames {
    /// Names all types of `model`, in document order.
    pub fn new(model: &Model) -> TypeNames {
        let wanted = model.types.iter().map(|t| type_name(&t.name.local));
        let names = dedupe(wanted, &[], "");
        TypeNames {
            by_qname: model.types.iter().map(|t| t.name.clone()).zip(names).collect(),
        }
    }

    /// The Rust name of a named type. Panics on a name not in the model, which the model stage
    /// rules out (every reference is resolved there).
    pub fn get(&self, q: &QName) -> &str {
        self.by_qname.get(q).map(String::as_str).unwrap_or("UnresolvedType")
    }
}

/// Field names of a struct's members, unique within the struct.
pub fn field_names<'a>(members: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    dedupe(members.into_iter().map(field_name), RESERVED_LOCALS, "_")
}

/// Variant names of an enumeration, unique, plus the name of the catch-all variant that holds
/// values the schema did not list.
pub fn variant_names(kind: &TypeKind) -> (Vec<String>, String) {
    let TypeKind::Enum(e) = kind else {
        return (Vec::new(), "Unlisted".into());
    };
    let variants = dedupe(e.values.iter().map(|v| variant_name(v)), &[], "");
    let catch_all = dedupe(
        ["Unlisted".to_string()],
        &variants.iter().map(String::as_str).collect::<Vec<_>>(),
        "",
    )
    .pop()
    .unwrap_or_else(|| "Unlisted".into());
    (variants, catch_all)
}

//! What members mean, as data: one line of text per member, keyed by the local name of the
//! record type that has it and the member's name, appended to the member's documentation.
//!
//! Schemas seldom say what a member holds (which of a record's amounts is the charge, which is
//! the balance); a service's published guide often does. The caller supplies those meanings
//! (see [`Config::member_docs`](crate::Config::member_docs)); the generator knows nothing of
//! any service. Entries are checked against the contract: one naming a type or member the
//! contract lacks is a warning, never an error, so one file serves every version.

use std::collections::BTreeMap;

use crate::value_rules::glob;

/// Member meanings: `(type, member name)` to one line of text. The type is a local name, or a
/// pattern with `*` wildcards (`*Data`, or `*` for every type). An entry naming the type exactly
/// wins over patterns; among patterns that match, the one with the most literal characters wins
/// (then the first in name order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberDocs {
    /// The entries, in name order.
    pub entries: BTreeMap<(String, String), String>,
}

/// Whether a type name of an entry is a pattern.
pub fn is_pattern(ty: &str) -> bool {
    ty.contains('*')
}

impl MemberDocs {
    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds (or replaces) the meaning of `member` in the type named `ty` (a local name or a
    /// pattern).
    pub fn insert(&mut self, ty: &str, member: &str, text: &str) {
        self.entries.insert((ty.to_owned(), member.to_owned()), text.to_owned());
    }

    /// The meaning of `member` in a record whose type has the local name `owner`, and which is
    /// declared in the type named `declared_in` (the same, or a base type for an inherited
    /// member): the owner's entry, else the declaring type's, else the best pattern's.
    pub fn lookup(&self, owner: &str, declared_in: &str, member: &str) -> Option<&str> {
        let exact = |ty: &str| self.entries.get(&(ty.to_owned(), member.to_owned()));
        if let Some(text) = exact(owner).or_else(|| exact(declared_in)) {
            return Some(text);
        }
        let mut best: Option<(usize, &str)> = None;
        for ((ty, m), text) in &self.entries {
            if m == member && is_pattern(ty) && glob(ty, owner) {
                let literal = ty.len() - ty.matches('*').count();
                if best.is_none_or(|(b, _)| literal > b) {
                    best = Some((literal, text));
                }
            }
        }
        best.map(|(_, text)| text)
    }
}

/// `text` made safe to append to rustdoc as plain prose: the characters Markdown or rustdoc
/// would read as links or HTML (`[`, `]`, `<`, `>`) and backslashes are escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(feature = "toml")]
mod file {
    use std::collections::BTreeMap;

    use super::MemberDocs;

    impl MemberDocs {
        /// Reads a member-docs file at `path` (see [`from_toml`](Self::from_toml)).
        pub fn from_file(path: &std::path::Path) -> Result<MemberDocs, String> {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            MemberDocs::from_toml(&path.display().to_string(), &text)
        }

        /// Reads a member-docs file: a TOML table per record type (its local name, or a pattern
        /// with `*` wildcards), each mapping member names to one line of text. `origin` names
        /// the file in errors.
        ///
        /// ```toml
        /// [Invoice]
        /// Total = "The amount due, tax included."
        ///
        /// ["*Record"]
        /// CreatedDate = "When the record was created."
        /// ```
        pub fn from_toml(origin: &str, text: &str) -> Result<MemberDocs, String> {
            let tables: BTreeMap<String, BTreeMap<String, String>> =
                toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
            let mut docs = MemberDocs::default();
            for (ty, members) in &tables {
                if ty.is_empty() || ty.contains(['{', '}', '/']) {
                    return Err(format!("{origin}: `[{ty}]` is not a type's local name or pattern"));
                }
                for (member, meaning) in members {
                    let meaning = meaning.trim();
                    if meaning.is_empty() || meaning.contains(['\n', '\r']) {
                        return Err(format!("{origin}: {ty}.{member} must be one line of text"));
                    }
                    docs.insert(ty, member, meaning);
                }
            }
            Ok(docs)
        }
    }
}

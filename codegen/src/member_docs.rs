//! What members mean, as data: one line of text per member, keyed by the local name of the
//! record type that has it and the member's name, appended to the member's documentation.
//!
//! Schemas seldom say what a member holds (which of a record's amounts is the charge, which is
//! the balance); a service's published guide often does. The caller supplies those meanings
//! (see [`Config::member_docs`](crate::Config::member_docs)); the generator knows nothing of
//! any service. Entries are checked against the contract: one naming a type or member the
//! contract lacks is a warning, never an error, so one file serves every version.

use std::collections::BTreeMap;

/// The type name of an entry that applies to the member in every record type that has it.
pub const ANY_TYPE: &str = "*";

/// Member meanings: `(type local name, member name)` to one line of text. The type may be
/// [`ANY_TYPE`]; an entry naming the type exactly wins over it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberDocs {
    /// The entries, in name order.
    pub entries: BTreeMap<(String, String), String>,
}

impl MemberDocs {
    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds (or replaces) the meaning of `member` in the type named `ty` (a local name, or
    /// [`ANY_TYPE`]).
    pub fn insert(&mut self, ty: &str, member: &str, text: &str) {
        self.entries.insert((ty.to_owned(), member.to_owned()), text.to_owned());
    }

    /// The meaning of `member` in a record whose type has the local name `owner`, and which is
    /// declared in the type named `declared_in` (the same, or a base type for an inherited
    /// member): the owner's entry, else the declaring type's, else the [`ANY_TYPE`] entry.
    pub fn lookup(&self, owner: &str, declared_in: &str, member: &str) -> Option<&str> {
        [owner, declared_in, ANY_TYPE]
            .into_iter()
            .find_map(|ty| self.entries.get(&(ty.to_owned(), member.to_owned())))
            .map(String::as_str)
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

        /// Reads a member-docs file: a TOML table per record type (its local name, or `"*"`),
        /// each mapping member names to one line of text. `origin` names the file in errors.
        ///
        /// ```toml
        /// [Invoice]
        /// Total = "The amount due, tax included."
        ///
        /// ["*"]
        /// CreatedDate = "When the record was created."
        /// ```
        pub fn from_toml(origin: &str, text: &str) -> Result<MemberDocs, String> {
            let tables: BTreeMap<String, BTreeMap<String, String>> =
                toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
            let mut docs = MemberDocs::default();
            for (ty, members) in &tables {
                if ty.is_empty() || ty.contains(['{', '}', '/']) {
                    return Err(format!("{origin}: `[{ty}]` is not a type's local name (nor \"*\")"));
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

//! Which string members hold typed values, as data: the overrides' `[values]` section.
//!
//! Services that type nothing in their schema (every scalar an `xs:string`) still write dates,
//! money, counts and flags in fixed forms. Rules name record types and members (exactly, or
//! with `*` wildcards) and the kind of value they hold; the emitter writes, for each matched
//! member, an accessor that parses the text with the runtime's parser for that kind, and a
//! setter that writes a typed value as text. Rules are checked against the contract: what
//! matches nothing is a warning, never an error, so one rules file serves every version.

use crate::QName;

/// The `[values]` section: the runtime, the kinds, and the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueRules {
    /// Rust path of the runtime module the accessors call (`parse_member`, `InvalidValue`,
    /// `TextValue`, `NaiveDate`, `exclusive_day_range`), e.g. `crate::values`.
    pub runtime_path: String,
    /// Each kind's name (as rules use it) and the Rust type its values parse into (a path that
    /// implements the runtime's `TextValue`), in declaration order.
    pub kinds: Vec<(String, String)>,
    /// The rules, in order: the first that matches a member decides its kind.
    pub rules: Vec<ValueRule>,
    /// Filter ranges whose end is exclusive, each with a helper that finds one day.
    pub day_ranges: Vec<DayRange>,
}

impl ValueRules {
    /// The kind the rules give member `member` of type `owner`: that of the first rule whose
    /// types match the owner and whose members match the name (as the accessors are decided;
    /// whether the member is a string is the caller's question).
    pub fn kind_of(&self, owner: &QName, member: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|r| r.types.iter().any(|p| p.matches(owner)) && r.members.iter().any(|p| glob(p, member)))
            .map(|r| r.kind.as_str())
    }

    /// The Rust type of `kind`'s values, as declared.
    pub fn kind_type(&self, kind: &str) -> Option<&str> {
        self.kinds.iter().find(|(k, _)| k == kind).map(|(_, t)| t.as_str())
    }
}

/// Members of some types that hold values of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRule {
    /// The kind (a key of [`ValueRules::kinds`]).
    pub kind: String,
    /// Type patterns, `{namespace}Local`, where the local name may hold `*` wildcards (the
    /// section's `records` when the rule names none).
    pub types: Vec<TypePattern>,
    /// Member name patterns (local names, `*` wildcards allowed).
    pub members: Vec<String>,
}

/// A type name pattern: a namespace and a local name with `*` wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypePattern {
    /// The namespace, matched exactly.
    pub ns: String,
    /// The local name pattern.
    pub local: String,
}

impl TypePattern {
    /// Whether `q` matches.
    pub fn matches(&self, q: &QName) -> bool {
        q.ns == self.ns && glob(&self.local, &q.local)
    }
}

impl std::fmt::Display for TypePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{}}}{}", self.ns, self.local)
    }
}

/// A filter range (two string members of one type) whose `to` end is exclusive: the emitter
/// writes a helper `method(day)` that sets `[day, day + 1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRange {
    /// The filter type.
    pub owner: QName,
    /// The member holding the start (inclusive).
    pub from: String,
    /// The member holding the end (exclusive).
    pub to: String,
    /// The helper's name, a Rust identifier.
    pub method: String,
    /// What the helper finds, for its documentation (e.g. `the patients born on that day`).
    pub finds: String,
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters.
pub fn glob(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return false };
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty(); // no `*`: the whole name
    };
    for p in middle {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(feature = "toml")]
pub(crate) mod file {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::{DayRange, TypePattern, ValueRule, ValueRules};
    use crate::QName;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(crate) struct Values {
        runtime_path: String,
        #[serde(default)]
        records: Vec<String>,
        kinds: BTreeMap<String, String>,
        #[serde(default)]
        rules: Vec<Rule>,
        #[serde(default)]
        day_ranges: Vec<Range>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Rule {
        kind: String,
        types: Option<Vec<String>>,
        members: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Range {
        #[serde(rename = "type")]
        owner: String,
        from: String,
        to: String,
        method: String,
        finds: String,
    }

    impl Values {
        pub(crate) fn into_rules(self, origin: &str) -> Result<ValueRules, String> {
            let mut rules = Vec::new();
            for (i, r) in self.rules.into_iter().enumerate() {
                if !self.kinds.contains_key(&r.kind) {
                    return Err(format!(
                        "{origin}: values.rules[{i}]: kind `{}` is not in [values.kinds]",
                        r.kind
                    ));
                }
                let types = r
                    .types
                    .as_ref()
                    .unwrap_or(&self.records)
                    .iter()
                    .map(|t| {
                        QName::parse_clark(t)
                            .map(|q| TypePattern {
                                ns: q.ns,
                                local: q.local,
                            })
                            .ok_or_else(|| {
                                format!("{origin}: values.rules[{i}]: `{t}` is not of the form {{namespace}}Type")
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(m) = r.members.iter().find(|m| m.is_empty() || m.contains(['{', '}', '/'])) {
                    return Err(format!("{origin}: values.rules[{i}]: `{m}` is not a member name"));
                }
                rules.push(ValueRule {
                    kind: r.kind,
                    types,
                    members: r.members,
                });
            }
            let day_ranges = self
                .day_ranges
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    let owner = QName::parse_clark(&r.owner).ok_or_else(|| {
                        format!(
                            "{origin}: values.day_ranges[{i}]: `{}` is not of the form {{namespace}}Type",
                            r.owner
                        )
                    })?;
                    if syn::parse_str::<syn::Ident>(&r.method).is_err() {
                        return Err(format!(
                            "{origin}: values.day_ranges[{i}]: `{}` is not a Rust identifier",
                            r.method
                        ));
                    }
                    Ok(DayRange {
                        owner,
                        from: r.from,
                        to: r.to,
                        method: r.method,
                        finds: r.finds,
                    })
                })
                .collect::<Result<_, String>>()?;
            Ok(ValueRules {
                runtime_path: self.runtime_path,
                kinds: self.kinds.into_iter().collect(),
                rules,
                day_ranges,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("*Date", "PostingDate"));
        assert!(glob("*Date", "Date"));
        assert!(!glob("*Date", "DateOfBirth"));
        assert!(glob("ID", "ID"));
        assert!(!glob("ID", "IDs"));
        assert!(glob("Alert*", "AlertShowWhenPostingPayments"));
        assert!(glob("*Condition*Abuse", "DefaultCaseConditionRelatedToAbuse"));
        assert!(!glob("*Condition*Abuse", "ConditionRelatedToAbuseState"));
        assert!(glob("*", "Anything"));
        assert!(!glob("A*A", "A"));
    }
}

//! What the caller tells the generator beyond the WSDL: where the runtime lives, and the
//! service-specific overrides (declared as data, never hard-coded in the emitter).
//!
//! Overrides name schema declarations (`{namespace}Type/Member`, operation names, member paths).
//! A contract is allowed to lack what they name: services add and remove operations and members
//! between versions, and one overrides file serves them all. What a contract lacks is reported
//! in [`Output::warnings`](crate::Output::warnings), never fatal. What is fatal is a contract
//! that adds a member named like a declared secret that no declaration covers: it could carry
//! a credential in clear text.

use crate::QName;

/// A member of a complex type, named by the type that declares it and the element's local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRef {
    /// The declaring type.
    pub owner: QName,
    /// The member element's local name.
    pub member: String,
}

impl MemberRef {
    /// Parses `{namespace}Type/Member`.
    pub fn parse(s: &str) -> Option<MemberRef> {
        let (owner, member) = s.rsplit_once('/')?;
        let owner = QName::parse_clark(owner)?;
        (!member.is_empty() && !member.contains('}')).then(|| MemberRef {
            owner,
            member: member.to_owned(),
        })
    }

    pub(crate) fn matches(&self, owner: &QName, member: &str) -> bool {
        &self.owner == owner && self.member == member
    }
}

impl std::fmt::Display for MemberRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.member)
    }
}

/// A value the runtime fills into requests on every call (a credential, a client version),
/// and the members that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The runtime's name for the value (e.g. `customer_key`), passed to its credential source.
    pub role: String,
    /// Whether it is a secret: masked in `Debug`, logs and errors wherever it is held.
    pub secret: bool,
    /// Every member that holds it, in any type.
    pub members: Vec<MemberRef>,
}

/// A path of member names from a response type's root, e.g. `ErrorResponse/IsError`.
pub type MemberPath = Vec<String>;

/// Where a response reports a service-level outcome, by role. Each path is tried on every
/// operation's response type; a response type where a path does not lead to a value of the
/// role's kind simply has no value for that role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusPaths {
    /// A boolean that is `true` when the service reports a failure.
    pub error_flag: Option<MemberPath>,
    /// The failure's message (a string).
    pub error_message: Option<MemberPath>,
    /// More detail on the failure (a string), e.g. a stack trace.
    pub error_detail: Option<MemberPath>,
    /// The access check's message (a string).
    pub access_message: Option<MemberPath>,
    /// Permissions the caller lacks (strings, repeated or a collection).
    pub missing_permissions: Option<MemberPath>,
    /// Access checks in order: a boolean that is explicitly `false` means the call was denied
    /// for the named reason (a name the runtime knows, e.g. `not_authenticated`).
    pub access_checks: Vec<(MemberPath, String)>,
}

impl StatusPaths {
    /// Every declared path: its role, the reason an access check names (checks only), and the
    /// kind of value it must lead to.
    pub fn declared(&self) -> Vec<(&'static str, Option<&str>, &MemberPath, StatusValue)> {
        let singles = [
            ("error_flag", &self.error_flag, StatusValue::Flag),
            ("error_message", &self.error_message, StatusValue::Text),
            ("error_detail", &self.error_detail, StatusValue::Text),
            ("access_message", &self.access_message, StatusValue::Text),
            ("missing_permissions", &self.missing_permissions, StatusValue::TextList),
        ];
        let singles = singles
            .into_iter()
            .filter_map(|(role, path, kind)| path.as_ref().map(|p| (role, None, p, kind)));
        let checks = self
            .access_checks
            .iter()
            .map(|(path, denied)| ("access_checks", Some(denied.as_str()), path, StatusValue::Flag));
        singles.chain(checks).collect()
    }
}

/// The kind of value a status path must lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusValue {
    /// `xs:boolean`.
    Flag,
    /// `xs:string`.
    Text,
    /// Repeated `xs:string`, or a collection of them.
    TextList,
    /// A page key: `xs:string` or an integer type.
    Key,
    /// An integer type (a count).
    Count,
}

/// A record type the service sends as a placeholder in place of data (for example one empty
/// record for "no match"), and the member that identifies a real record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The record type (a list's item type).
    pub record: QName,
    /// The identifier member: a single `xs:string` or integer member. A record whose identifier
    /// is absent, nil or blank is a placeholder (a record with no members at all has none).
    pub id: String,
}

/// A service's published per-operation call limits: one call per interval.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Throttles {
    /// Where the table comes from (a document and its revision), carried into the output.
    pub source: String,
    /// Added to every interval by the client: a gap of exactly the interval may still be over.
    pub margin_ms: u32,
    /// Text the service's over-limit messages contain.
    pub over_limit_text: Option<String>,
    /// How those messages state the interval: a pattern with one `{ms}` placeholder.
    pub interval_pattern: Option<String>,
    /// Operation name and interval in milliseconds, in name order.
    pub intervals_ms: Vec<(String, u32)>,
    /// An operation that reports the account's current limits.
    pub report: Option<ThrottleReport>,
}

/// An operation whose list result reports one limit per record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleReport {
    /// The operation (it must be a list operation).
    pub operation: String,
    /// The record member naming the limited operation (a string).
    pub endpoint: String,
    /// The record member holding the interval in milliseconds (a number).
    pub interval_ms: String,
}

/// An operation whose request's date range the service holds to a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateWindow {
    /// The operation.
    pub operation: String,
    /// The range's first day: a path of members from the request body to a string member.
    pub from: MemberPath,
    /// The range's last day, the same way.
    pub to: MemberPath,
    /// The widest range the service accepts, in days.
    pub max_days: u32,
    /// The record member holding the day the range selects by (a string), if declared: records
    /// of the day two windows share are then told apart by it, and only those are remembered.
    pub record_date: Option<String>,
}

/// A list operation whose results come in pages: each answer names the key of the next page,
/// which the next request sends back, until the answer holds no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The operation (it must be a list operation).
    pub operation: String,
    /// The request member that names the page to read: a path from the request body to a
    /// string or integer member.
    pub start_key: MemberPath,
    /// The request member holding the page size, if the request has one (an integer).
    pub page_size: Option<MemberPath>,
    /// The response member naming the next page's key (the same type as `start_key`); absent
    /// or nil on the last page.
    pub next_key: MemberPath,
    /// The largest page the service answers.
    pub max_page_size: u32,
}

/// One identifier type per entity, and the members that hold that entity's identifiers.
///
/// The emitter declares the type (`{name} = Id<kinds::{Entity}>` of the values runtime) and
/// types every claimed member's setter and `{member}_value()` accessor with it, whatever the
/// member's wire form (`int`, `long` or text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdType {
    /// The Rust type's name, e.g. `PatientId`.
    pub name: String,
    /// The entity in words, e.g. `patient`, for docs.
    pub entity: String,
    /// The members, as (type local-name pattern with `*` wildcards, exact member name). A
    /// pattern that matches a member of another form (a flag, a collection) claims nothing.
    pub members: Vec<(String, String)>,
    /// Identifier records (a complex type whose members identify one record, such as
    /// `PracticeIdentifierReq { PracticeID, ... }`): each gets `From<{name}>`, so that a member
    /// of that type is set from the identifier.
    pub records: Vec<QName>,
}

/// A response member that names the record the response is about (the one created, read or
/// changed): the response type gets `id()`, which returns it typed or an error naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordId {
    /// The response type.
    pub owner: QName,
    /// The path of members from it to a member an [`IdType`] claims.
    pub path: MemberPath,
}

/// Ranges requests declare: pairs of a start member and an end member of one type. A request
/// whose range ends before it starts is refused before it is sent: each type's `Encode` impl
/// checks its pairs before it writes anything of the element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranges {
    /// Kinds of the [`values`](Config::values) rules whose string members can bound a range:
    /// their runtime types order on a timeline (they implement the runtime's `RangeBound`).
    pub kinds: Vec<String>,
    /// The pairs, in declaration order.
    pub pairs: Vec<RangePair>,
}

/// One range: its start and end members, in the types named.
///
/// An exact type name the contract lacks is a warning; an exact type that lacks a member, is no
/// request type, or holds members that cannot be compared is an error. A pattern with `*`
/// applies to the request types that have both members: one that matches none is a warning.
/// Members compare when both are `xs:dateTime` (or both `xs:date`), or both single strings
/// that the `values` rules give one of [`Ranges::kinds`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangePair {
    /// Type patterns, `{namespace}Local`, where the local name may hold `*` wildcards.
    pub types: Vec<crate::value_rules::TypePattern>,
    /// The start member's local name.
    pub start: String,
    /// The end member's local name.
    pub end: String,
}

impl std::fmt::Display for RangePair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Generator settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Rust path of the runtime module the generated code calls (`Writer`, `Reader`, `Nillable`,
    /// `Encode`, `Decode`, `Operation`, ...), e.g. `crate::xml`.
    pub runtime_path: String,
    /// Members that must be sent even when the caller leaves them unset: the server needs the
    /// element although the schema marks it optional. The generated field is then a plain value
    /// (with `Default`), always written.
    pub always_send: Vec<MemberRef>,
    /// Values the runtime fills into every request that has a member for them.
    pub credentials: Vec<Credential>,
    /// Members named like a secret member that are known not to hold one (so a contract that
    /// has them is not refused).
    pub not_secret: Vec<MemberRef>,
    /// A request member of complex type that holds credential members (for example a
    /// credentials header): created with its default value when unset, then filled.
    pub context_member: Option<MemberRef>,
    /// Where responses report service-level failures.
    pub status: StatusPaths,
    /// Base types of responses: every operation's response type gets an `Inherits<Base>` impl
    /// (for servers and tests that read or set the base part whatever the operation).
    pub base_views: Vec<QName>,
    /// Operations that only read data (and so may be retried).
    pub read_only_operations: Vec<String>,
    /// Operations known to create, change or delete data. Operations in neither list are
    /// treated as writes too, and reported as new.
    pub write_operations: Vec<String>,
    /// Cargo feature that enables the opposite direction of each type's codec (encoding of
    /// response-only types, decoding of request-only types), for mock servers and round-trip
    /// tests. `None` emits both directions unconditionally.
    pub other_direction_feature: Option<String>,
    /// List record types the service sends as placeholders.
    pub placeholders: Vec<Placeholder>,
    /// The published per-operation call limits, if the service publishes them.
    pub throttles: Option<Throttles>,
    /// Operations whose date range the service holds to a window.
    pub date_windows: Vec<DateWindow>,
    /// Paged list operations. An operation the contract lacks is a warning; a declaration
    /// whose members the operation lacks is an error.
    pub paging: Vec<Paging>,
    /// Identifier types, one per entity (they need [`values`](Self::values) for the runtime).
    pub ids: Vec<IdType>,
    /// Response members naming the record a response is about.
    pub record_ids: Vec<RecordId>,
    /// String members that hold typed values (dates, money, ...): accessors and setters
    /// (see [`value_rules`](crate::value_rules)). `None` generates none.
    pub values: Option<crate::value_rules::ValueRules>,
    /// Ranges (start and end members) that a request must not declare ending before they start.
    pub ranges: Ranges,
    /// Cargo feature under which every generated type implements `serde::Serialize` and
    /// `serde::Deserialize` (field names as the schema spells them; the JSON of serde's derive,
    /// generated as calls into the runtime's `serde_struct` module, which is cheaper to compile).
    /// The crate must then depend on `serde` (the derive is not needed), and its runtime provide
    /// `serde_struct`, the two field codecs and the serde impls of its value types. `None` emits
    /// no serde code.
    pub serde_feature: Option<String>,
    /// What members mean, appended to their documentation. An entry naming a type or member
    /// the contract lacks is a warning.
    pub member_docs: crate::MemberDocs,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            runtime_path: "crate::xml".into(),
            always_send: Vec::new(),
            credentials: Vec::new(),
            not_secret: Vec::new(),
            context_member: None,
            status: StatusPaths::default(),
            base_views: Vec::new(),
            read_only_operations: Vec::new(),
            write_operations: Vec::new(),
            other_direction_feature: None,
            placeholders: Vec::new(),
            throttles: None,
            date_windows: Vec::new(),
            paging: Vec::new(),
            ids: Vec::new(),
            record_ids: Vec::new(),
            values: None,
            ranges: Ranges::default(),
            serde_feature: None,
            member_docs: crate::MemberDocs::default(),
        }
    }
}

impl Config {
    /// The credential role a member holds, if any.
    pub fn credential_of(&self, owner: &QName, member: &str) -> Option<&Credential> {
        self.credentials
            .iter()
            .find(|c| c.members.iter().any(|r| r.matches(owner, member)))
    }
}

#[cfg(feature = "toml")]
mod file {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::{
        Config, Credential, DateWindow, IdType, MemberPath, MemberRef, Paging, Placeholder, RangePair, Ranges,
        RecordId, StatusPaths, ThrottleReport, Throttles,
    };
    use crate::QName;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Overrides {
        runtime_path: String,
        other_direction_feature: Option<String>,
        serde_feature: Option<String>,
        context_member: Option<String>,
        #[serde(default)]
        secret_roles: Vec<String>,
        #[serde(default)]
        not_secret: Vec<String>,
        #[serde(default)]
        always_send: Vec<String>,
        #[serde(default)]
        read_only_operations: Vec<String>,
        #[serde(default)]
        write_operations: Vec<String>,
        #[serde(default)]
        credentials: BTreeMap<String, Vec<String>>,
        #[serde(default)]
        status: Status,
        #[serde(default)]
        base_views: Vec<String>,
        #[serde(default)]
        placeholders: Vec<PlaceholderEntry>,
        throttles: Option<ThrottleTable>,
        #[serde(default)]
        date_windows: Vec<WindowEntry>,
        #[serde(default)]
        paging: Vec<PagingEntry>,
        #[serde(default)]
        ids: Vec<IdEntry>,
        #[serde(default)]
        record_ids: Vec<RecordIdEntry>,
        values: Option<crate::value_rules::file::Values>,
        #[serde(default)]
        ranges: RangesSection,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RangesSection {
        #[serde(default)]
        kinds: Vec<String>,
        #[serde(default)]
        pairs: Vec<PairEntry>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PairEntry {
        types: Vec<String>,
        start: String,
        end: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PlaceholderEntry {
        record: String,
        id: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ThrottleTable {
        source: String,
        #[serde(default)]
        margin_ms: u32,
        over_limit_text: Option<String>,
        interval_pattern: Option<String>,
        #[serde(default)]
        intervals_ms: BTreeMap<String, u32>,
        report: Option<ReportEntry>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReportEntry {
        operation: String,
        endpoint: String,
        interval_ms: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct WindowEntry {
        operation: String,
        from: String,
        to: String,
        max_days: u32,
        record_date: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PagingEntry {
        operation: String,
        start_key: String,
        page_size: Option<String>,
        next_key: String,
        max_page_size: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct IdEntry {
        name: String,
        entity: String,
        members: Vec<String>,
        #[serde(default)]
        records: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RecordIdEntry {
        #[serde(rename = "type")]
        owner: String,
        member: String,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Status {
        error_flag: Option<String>,
        error_message: Option<String>,
        error_detail: Option<String>,
        access_message: Option<String>,
        missing_permissions: Option<String>,
        #[serde(default)]
        access_checks: Vec<Check>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Check {
        flag: String,
        denied: String,
    }

    /// `Some(())` when `s` is an ASCII identifier starting with an upper-case letter.
    fn syn_ident_like(s: &str) -> Option<()> {
        let mut chars = s.chars();
        let first = chars.next()?;
        (first.is_ascii_uppercase() && chars.all(|c| c.is_ascii_alphanumeric())).then_some(())
    }

    impl Config {
        /// Reads the overrides file at `path` (see [`from_toml`](Self::from_toml)).
        pub fn from_file(path: &std::path::Path) -> Result<Config, String> {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Config::from_toml(&path.display().to_string(), &text)
        }

        /// Reads an overrides file (TOML; see `wsdl/overrides.toml` for the keys). `origin`
        /// names the file in errors.
        pub fn from_toml(origin: &str, text: &str) -> Result<Config, String> {
            let o: Overrides = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
            let member = |s: &String| {
                MemberRef::parse(s)
                    .ok_or_else(|| format!("{origin}: `{s}` is not of the form {{namespace}}Type/Member"))
            };
            let members = |l: &[String]| l.iter().map(member).collect::<Result<Vec<_>, _>>();
            let path = |s: &String| -> Result<MemberPath, String> {
                let p: MemberPath = s.split('/').map(str::to_owned).collect();
                if p.iter().any(|step| step.is_empty() || step.contains(['{', '}'])) {
                    return Err(format!(
                        "{origin}: member path `{s}` is not of the form Member/Member/..."
                    ));
                }
                Ok(p)
            };
            let values = o.values.map(|v| v.into_rules(origin)).transpose()?;
            let ranges = ranges(origin, o.ranges, values.as_ref())?;
            for role in &o.secret_roles {
                if !o.credentials.contains_key(role) {
                    return Err(format!("{origin}: secret role `{role}` has no [credentials] entry"));
                }
            }
            let credentials = o
                .credentials
                .iter()
                .map(|(role, list)| {
                    Ok(Credential {
                        role: role.clone(),
                        secret: o.secret_roles.contains(role),
                        members: members(list)?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let status = StatusPaths {
                error_flag: o.status.error_flag.as_ref().map(path).transpose()?,
                error_message: o.status.error_message.as_ref().map(path).transpose()?,
                error_detail: o.status.error_detail.as_ref().map(path).transpose()?,
                access_message: o.status.access_message.as_ref().map(path).transpose()?,
                missing_permissions: o.status.missing_permissions.as_ref().map(path).transpose()?,
                access_checks: o
                    .status
                    .access_checks
                    .iter()
                    .map(|c| Ok((path(&c.flag)?, c.denied.clone())))
                    .collect::<Result<_, String>>()?,
            };
            Ok(Config {
                runtime_path: o.runtime_path,
                other_direction_feature: o.other_direction_feature,
                serde_feature: o.serde_feature,
                context_member: o.context_member.as_ref().map(member).transpose()?,
                credentials,
                not_secret: members(&o.not_secret)?,
                always_send: members(&o.always_send)?,
                status,
                base_views: o
                    .base_views
                    .iter()
                    .map(|b| {
                        crate::QName::parse_clark(b)
                            .ok_or_else(|| format!("{origin}: `{b}` is not of the form {{namespace}}Type"))
                    })
                    .collect::<Result<_, _>>()?,
                read_only_operations: o.read_only_operations,
                write_operations: o.write_operations,
                placeholders: o
                    .placeholders
                    .iter()
                    .map(|p| {
                        let record = crate::QName::parse_clark(&p.record)
                            .ok_or_else(|| format!("{origin}: `{}` is not of the form {{namespace}}Type", p.record))?;
                        Ok(Placeholder {
                            record,
                            id: p.id.clone(),
                        })
                    })
                    .collect::<Result<_, String>>()?,
                throttles: o
                    .throttles
                    .map(|t| -> Result<Throttles, String> {
                        if let Some(p) = &t.interval_pattern {
                            if p.matches("{ms}").count() != 1 {
                                return Err(format!(
                                    "{origin}: throttles.interval_pattern `{p}` must hold `{{ms}}` once"
                                ));
                            }
                        }
                        if let Some((op, _)) = t.intervals_ms.iter().find(|(_, ms)| **ms == 0) {
                            return Err(format!("{origin}: throttles.intervals_ms.{op} must be at least 1 ms"));
                        }
                        Ok(Throttles {
                            source: t.source,
                            margin_ms: t.margin_ms,
                            over_limit_text: t.over_limit_text,
                            interval_pattern: t.interval_pattern,
                            intervals_ms: t.intervals_ms.into_iter().collect(),
                            report: t.report.map(|r| ThrottleReport {
                                operation: r.operation,
                                endpoint: r.endpoint,
                                interval_ms: r.interval_ms,
                            }),
                        })
                    })
                    .transpose()?,
                date_windows: o
                    .date_windows
                    .iter()
                    .map(|w| {
                        if w.max_days == 0 {
                            return Err(format!(
                                "{origin}: date window of {} must allow at least 1 day",
                                w.operation
                            ));
                        }
                        Ok(DateWindow {
                            operation: w.operation.clone(),
                            from: path(&w.from)?,
                            to: path(&w.to)?,
                            max_days: w.max_days,
                            record_date: w.record_date.clone(),
                        })
                    })
                    .collect::<Result<_, String>>()?,
                paging: o
                    .paging
                    .iter()
                    .map(|p| {
                        if p.max_page_size == 0 {
                            return Err(format!(
                                "{origin}: paging of {} must allow pages of at least 1 record",
                                p.operation
                            ));
                        }
                        Ok(Paging {
                            operation: p.operation.clone(),
                            start_key: path(&p.start_key)?,
                            page_size: p.page_size.as_ref().map(path).transpose()?,
                            next_key: path(&p.next_key)?,
                            max_page_size: p.max_page_size,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                ids: o
                    .ids
                    .iter()
                    .map(|e| {
                        if syn_ident_like(&e.name).is_none() {
                            return Err(format!("{origin}: ids: `{}` is not a Rust type name", e.name));
                        }
                        let members = e
                            .members
                            .iter()
                            .map(|m| match m.split_once('/') {
                                Some((t, m)) if !t.is_empty() && !m.is_empty() && !m.contains(['/', '*']) => {
                                    Ok((t.to_owned(), m.to_owned()))
                                }
                                _ => Err(format!(
                                    "{origin}: ids of {}: `{m}` is not of the form TypePattern/Member",
                                    e.name
                                )),
                            })
                            .collect::<Result<_, String>>()?;
                        let records = e
                            .records
                            .iter()
                            .map(|r| {
                                QName::parse_clark(r).ok_or_else(|| {
                                    format!("{origin}: ids of {}: `{r}` is not {{namespace}}Type", e.name)
                                })
                            })
                            .collect::<Result<_, String>>()?;
                        Ok(IdType {
                            name: e.name.clone(),
                            entity: e.entity.clone(),
                            members,
                            records,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                record_ids: o
                    .record_ids
                    .iter()
                    .map(|r| {
                        let owner = QName::parse_clark(&r.owner)
                            .ok_or_else(|| format!("{origin}: record_ids: `{}` is not {{namespace}}Type", r.owner))?;
                        Ok(RecordId {
                            owner,
                            path: path(&r.member)?,
                        })
                    })
                    .collect::<Result<_, String>>()?,
                member_docs: crate::MemberDocs::default(),
                values,
                ranges,
            })
        }
    }

    /// The `[ranges]` section, checked: its kinds are `values` kinds, each pair names types and
    /// two distinct members.
    fn ranges(
        origin: &str,
        section: RangesSection,
        values: Option<&crate::value_rules::ValueRules>,
    ) -> Result<Ranges, String> {
        for kind in &section.kinds {
            if !values.is_some_and(|v| v.kinds.iter().any(|(k, _)| k == kind)) {
                return Err(format!(
                    "{origin}: ranges.kinds: kind `{kind}` is not in [values.kinds]"
                ));
            }
        }
        let pairs = section
            .pairs
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let entry = format!("ranges.pairs[{i}] ({}..{})", p.start, p.end);
                if p.types.is_empty() {
                    return Err(format!("{origin}: {entry}: names no type"));
                }
                let types = p
                    .types
                    .iter()
                    .map(|t| {
                        crate::QName::parse_clark(t)
                            .map(|q| crate::value_rules::TypePattern {
                                ns: q.ns,
                                local: q.local,
                            })
                            .ok_or_else(|| format!("{origin}: {entry}: `{t}` is not of the form {{namespace}}Type"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                for m in [&p.start, &p.end] {
                    if m.is_empty() || m.contains(['{', '}', '/', '*']) {
                        return Err(format!("{origin}: {entry}: `{m}` is not a member name"));
                    }
                }
                if p.start == p.end {
                    return Err(format!("{origin}: {entry}: start and end are the same member"));
                }
                Ok(RangePair {
                    types,
                    start: p.start,
                    end: p.end,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Ranges {
            kinds: section.kinds,
            pairs,
        })
    }
}

//! Classifies what changed in the API between two `api-surface.txt` listings, as semver levels
//! for the crates that depend on the generated `kareo-sdk`.
//!
//! The rules are written for generated structs and enums that are `#[non_exhaustive]`: adding a
//! field or an enum variant then breaks no downstream code (no struct literal or exhaustive
//! `match` can name them all), so additions are **minor**. Per item:
//!
//! | change | level |
//! |---|---|
//! | operation, type, optional member (`minOccurs=0` or nillable), enum value added | minor |
//! | required member added to a type used only in responses (or not used) | minor |
//! | required member added to a type reachable from a request (callers must set it) | major |
//! | operation, type, member or enum value removed | major |
//! | member type or shape changed (`Option<T>` → `T`, `Nillable<T>` → `Option<T>`, …) | major |
//! | member became required (`minOccurs` 0 → 1 or more) | major |
//! | operation's request or response type, or its header entries, changed | major |
//! | type's kind, base type, array item, list item or alias target changed | major |
//! | wire-only change (soapAction, element or type namespace, occurrence bounds with the same Rust type) | patch |
//! | nothing in the listing changed (documentation or generator-only changes) | patch |
//!
//! The release level is the highest item's. A listing entry this module does not recognise
//! counts as a major change (a conservative default for a newer listing format).

use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// A semver level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No change to the Rust API.
    Patch,
    /// Backwards-compatible additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        })
    }
}

/// One classified change: its level and what changed, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its semver level.
    pub level: Level,
    /// What changed and why it has this level, e.g. `AppointmentUpdate.IsGroupAppointment removed`.
    pub what: String,
}

/// Every classified change between two listings, and the counts of the newer one.
#[derive(Debug, Clone)]
pub struct Report {
    /// The changes, most severe first, then by kind (operations, types, fields, values) and name.
    pub changes: Vec<Change>,
    /// The older listing was empty (first generation): nothing to compare.
    pub first: bool,
    operations: usize,
    types: usize,
    fields: usize,
    added: usize,
    removed: usize,
    changed: usize,
}

/// How many items of one level [`Report::render`] prints unless told to print all.
pub const SHOWN_PER_LEVEL: usize = 25;

impl Report {
    /// The release level: the highest item's, `patch` when nothing changed.
    pub fn level(&self) -> Level {
        self.changes.iter().map(|c| c.level).max().unwrap_or(Level::Patch)
    }

    /// The number of items of `level`.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    /// The counts line, the items grouped by level (at most [`SHOWN_PER_LEVEL`] per level
    /// unless `all`), and the summary line `API change: <level> (N major, M minor[, P patch])`.
    pub fn render(&self, all: bool) -> String {
        let mut out = format!(
            "API: {} operations, {} types, {} fields; {} added, {} removed, {} changed since the committed code\n",
            self.operations, self.types, self.fields, self.added, self.removed, self.changed
        );
        if self.first {
            out.push_str("API change: not classified (no committed api-surface.txt to compare with)\n");
            return out;
        }
        for level in [Level::Major, Level::Minor, Level::Patch] {
            let items: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            let shown = if all {
                items.len()
            } else {
                items.len().min(SHOWN_PER_LEVEL)
            };
            for c in &items[..shown] {
                let _ = writeln!(out, "  {}: {}", c.level, c.what);
            }
            if shown < items.len() {
                let _ = writeln!(
                    out,
                    "  … and {} more {level} changes (run with --all-changes to list every change)",
                    items.len() - shown
                );
            }
        }
        if self.changes.is_empty() {
            out.push_str("API change: patch (no API surface change)\n");
        } else {
            let _ = write!(
                out,
                "API change: {} ({} major, {} minor",
                self.level(),
                self.count(Level::Major),
                self.count(Level::Minor)
            );
            match self.count(Level::Patch) {
                0 => out.push_str(")\n"),
                n => {
                    let _ = writeln!(out, ", {n} patch)");
                }
            }
        }
        out
    }
}

/// A listing key that is part of the API surface (`usage` lines only describe reachability).
fn surface(key: &str) -> bool {
    !key.starts_with("usage ")
}

fn entries(listing: &str) -> BTreeMap<&str, &str> {
    listing
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(" = "))
        .collect()
}

/// A member's occurrence: `{ns}Element Type [min..max]` and an optional ` nillable`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Occurs<'a> {
    element: &'a str,
    ty: &'a str,
    min: u32,
    /// `None` is unbounded.
    max: Option<u32>,
    nillable: bool,
}

impl<'a> Occurs<'a> {
    fn parse(s: &'a str) -> Option<Occurs<'a>> {
        let mut t = s.split_whitespace();
        let element = t.next()?;
        let ty = t.next()?;
        let (min, max) = t.next()?.strip_prefix('[')?.strip_suffix(']')?.split_once("..")?;
        let nillable = match t.next() {
            None => false,
            Some("nillable") => true,
            Some(_) => return None,
        };
        if t.next().is_some() {
            return None;
        }
        let max = if max == "*" { None } else { Some(max.parse().ok()?) };
        Some(Occurs {
            element,
            ty,
            min: min.parse().ok()?,
            max,
            nillable,
        })
    }

    fn repeated(&self) -> bool {
        self.max != Some(1)
    }

    /// Required in the Rust API: the caller must supply a value (not `Option`, not `Nillable`).
    fn required(&self) -> bool {
        self.min >= 1 && (self.repeated() || !self.nillable)
    }

    /// The member's Rust shape, as the generator chooses it.
    fn shape(&self) -> &'static str {
        match (self.repeated(), self.min >= 1, self.nillable) {
            (true, _, true) => "Vec<T> (nillable items)",
            (true, _, false) => "Vec<T>",
            (false, true, false) => "T (required)",
            (false, true, true) => "Option<T> (required, nillable)",
            (false, false, false) => "Option<T> (optional)",
            (false, false, true) => "Nillable<T> (optional, nillable)",
        }
    }

    fn bounds(&self) -> String {
        let max = self.max.map_or_else(|| "*".to_owned(), |m| m.to_string());
        format!("[{}..{max}]", self.min)
    }
}

/// Why a member's (or array item's) change has its level: every reason, the highest level.
fn member_change(old: &str, new: &str) -> (Level, String) {
    let (Some(o), Some(n)) = (Occurs::parse(old), Occurs::parse(new)) else {
        return (Level::Major, format!("changed from `{old}` to `{new}`"));
    };
    let mut reasons: Vec<(Level, String)> = Vec::new();
    if o.ty != n.ty {
        reasons.push((Level::Major, format!("type changed from {} to {}", o.ty, n.ty)));
    }
    if o.min == 0 && n.min >= 1 {
        reasons.push((
            Level::Major,
            format!(
                "became required (minOccurs 0 -> {}): {} -> {}",
                n.min,
                o.shape(),
                n.shape()
            ),
        ));
    } else if o.shape() != n.shape() {
        reasons.push((
            Level::Major,
            format!("shape changed from {} to {}", o.shape(), n.shape()),
        ));
    } else if o.bounds() != n.bounds() {
        reasons.push((
            Level::Patch,
            format!("occurrence {} -> {} (same Rust type)", o.bounds(), n.bounds()),
        ));
    }
    if o.element != n.element {
        reasons.push((
            Level::Patch,
            format!("wire element {} -> {} (same Rust field)", o.element, n.element),
        ));
    }
    if reasons.is_empty() {
        return (Level::Patch, format!("listing changed from `{old}` to `{new}`"));
    }
    let level = reasons.iter().map(|r| r.0).max().unwrap_or(Level::Patch);
    let text: Vec<String> = reasons.into_iter().map(|r| r.1).collect();
    (level, text.join("; "))
}

/// `kind {ns}Name rest` of a `type` entry.
fn type_parts(v: &str) -> (&str, &str, &str) {
    let (kind, rest) = v.split_once(' ').unwrap_or((v, ""));
    let (wire, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    (kind, wire, rest)
}

fn type_change(old: &str, new: &str) -> (Level, String) {
    let (ok, ow, orest) = type_parts(old);
    let (nk, nw, nrest) = type_parts(new);
    if ok != nk {
        return (Level::Major, format!("changed from {ok} to {nk}"));
    }
    let mut reasons: Vec<(Level, String)> = Vec::new();
    if orest != nrest {
        reasons.push(match ok {
            "array" => {
                let item = |r: &'static str, s: &str| s.strip_prefix(r).map(str::to_owned).unwrap_or_default();
                let (level, why) = member_change(&item("of ", orest), &item("of ", nrest));
                (level, format!("item {why}"))
            }
            "struct" => {
                let base = |s: &str| s.strip_prefix("extends ").unwrap_or("(none)").to_owned();
                (
                    Level::Major,
                    format!("base type changed from {} to {}", base(orest), base(nrest)),
                )
            }
            _ => (Level::Major, format!("changed from `{orest}` to `{nrest}`")),
        });
    }
    if ow != nw {
        reasons.push((Level::Patch, format!("wire name {ow} -> {nw} (same Rust type)")));
    }
    let level = reasons.iter().map(|r| r.0).max().unwrap_or(Level::Patch);
    let text: Vec<String> = reasons.into_iter().map(|r| r.1).collect();
    (level, text.join("; "))
}

/// An operation entry: soapAction, then per message its wire path, body type and headers.
struct Operation<'a> {
    action: &'a str,
    input: Message<'a>,
    output: Message<'a>,
}

struct Message<'a> {
    path: &'a str,
    /// `None` in listings written before operations named their body types.
    body: Option<&'a str>,
    headers: &'a str,
}

impl<'a> Message<'a> {
    fn parse(s: &'a str) -> Message<'a> {
        let (s, headers) = s.split_once(" headers ").unwrap_or((s, ""));
        let (path, body) = match s.split_once(" as ") {
            Some((p, b)) => (p, Some(b)),
            None => (s, None),
        };
        Message { path, body, headers }
    }
}

impl<'a> Operation<'a> {
    fn parse(v: &'a str) -> Option<Operation<'a>> {
        let rest = v.strip_prefix("soapAction ")?;
        let (action, rest) = rest.split_once(" input ")?;
        let (input, output) = rest.split_once(" output ")?;
        Some(Operation {
            action,
            input: Message::parse(input),
            output: Message::parse(output),
        })
    }
}

fn operation_change(old: &str, new: &str) -> (Level, String) {
    let (Some(o), Some(n)) = (Operation::parse(old), Operation::parse(new)) else {
        return (Level::Major, format!("changed from `{old}` to `{new}`"));
    };
    let mut reasons: Vec<(Level, String)> = Vec::new();
    for (dir, om, nm) in [("request", &o.input, &n.input), ("response", &o.output, &n.output)] {
        if let (Some(ob), Some(nb)) = (om.body, nm.body) {
            if ob != nb {
                reasons.push((Level::Major, format!("{dir} type changed from {ob} to {nb}")));
            }
        }
        if om.headers != nm.headers {
            reasons.push((
                Level::Major,
                format!("{dir} header entries changed from [{}] to [{}]", om.headers, nm.headers),
            ));
        }
        if om.path != nm.path {
            reasons.push((Level::Patch, format!("{dir} wire message {} -> {}", om.path, nm.path)));
        }
    }
    if o.action != n.action {
        reasons.push((Level::Patch, format!("soapAction {} -> {}", o.action, n.action)));
    }
    if reasons.is_empty() {
        // Only what one listing's format lacks differs (e.g. body types before they were listed).
        reasons.push((Level::Patch, "listing format changed (no API change)".to_owned()));
    }
    let level = reasons.iter().map(|r| r.0).max().unwrap_or(Level::Patch);
    let text: Vec<String> = reasons.into_iter().map(|r| r.1).collect();
    (level, text.join("; "))
}

/// Classifies every difference between the `old` and `new` listings (see the module docs).
pub fn classify(old: &str, new: &str) -> Report {
    let (old, new) = (entries(old), entries(new));
    let count = |prefix: &str| new.keys().filter(|k| k.starts_with(prefix)).count();
    let mut report = Report {
        changes: Vec::new(),
        first: old.is_empty(),
        operations: count("operation "),
        types: count("type "),
        fields: count("field "),
        added: new.keys().filter(|k| surface(k) && !old.contains_key(*k)).count(),
        removed: old.keys().filter(|k| surface(k) && !new.contains_key(*k)).count(),
        changed: new
            .iter()
            .filter(|(k, v)| surface(k) && old.get(*k).is_some_and(|o| o != *v))
            .count(),
    };
    // Members and values of an added or removed type are that type's change, not items.
    let owner = |key: &str| -> Option<String> {
        let name = key.split_once(' ')?.1;
        Some(format!("type {}", name.split_once('.')?.0))
    };
    let type_came_or_went =
        |key: &str| owner(key).is_some_and(|t| old.contains_key(t.as_str()) != new.contains_key(t.as_str()));
    let usage_of = |key: &str| -> &str {
        owner(key)
            .and_then(|t| new.get(format!("usage {}", &t["type ".len()..]).as_str()).copied())
            .unwrap_or("request")
    };
    let mut items: Vec<(Level, u8, String, String)> = Vec::new();
    let mut push = |level: Level, key: &str, what: String| {
        let order = match key.split_once(' ').map(|k| k.0) {
            Some("operation") => 0,
            Some("type") => 1,
            Some("field") => 2,
            Some("value") => 3,
            _ => 4,
        };
        items.push((level, order, key.to_owned(), what));
    };
    for (key, value) in new.iter().filter(|(k, _)| surface(k)) {
        let (kind, name) = key.split_once(' ').unwrap_or(("", key));
        match (kind, old.get(key)) {
            ("field" | "value", None) if type_came_or_went(key) => {}
            ("operation" | "type", None) => push(Level::Minor, key, format!("{kind} {name} added")),
            ("value", None) => push(Level::Minor, key, format!("enum value {name} added")),
            ("field", None) => match Occurs::parse(value) {
                Some(o) if !o.required() => push(Level::Minor, key, format!("{name} added (optional)")),
                Some(_) if usage_of(key).contains("request") => push(
                    Level::Major,
                    key,
                    format!("{name} added, required in a request type (callers must set it)"),
                ),
                Some(_) => push(
                    Level::Minor,
                    key,
                    format!("{name} added, required in a type only responses use"),
                ),
                None => push(Level::Major, key, format!("{name} added as `{value}` (unrecognised)")),
            },
            (_, None) => push(Level::Major, key, format!("{key} added (unrecognised entry)")),
            (_, Some(before)) if before == value => {}
            ("operation", Some(before)) => {
                let (level, why) = operation_change(before, value);
                push(level, key, format!("operation {name}: {why}"));
            }
            ("type", Some(before)) => {
                let (level, why) = type_change(before, value);
                push(level, key, format!("type {name}: {why}"));
            }
            ("field", Some(before)) => {
                let (level, why) = member_change(before, value);
                push(level, key, format!("{name}: {why}"));
            }
            (_, Some(before)) => push(
                if kind == "value" { Level::Patch } else { Level::Major },
                key,
                format!("{key} changed from `{before}` to `{value}`"),
            ),
        }
    }
    for key in old.keys().filter(|k| surface(k) && !new.contains_key(*k)) {
        let (kind, name) = key.split_once(' ').unwrap_or(("", key));
        match kind {
            "field" | "value" if type_came_or_went(key) => {}
            "operation" | "type" => push(Level::Major, key, format!("{kind} {name} removed")),
            "field" => push(Level::Major, key, format!("{name} removed")),
            "value" => push(Level::Major, key, format!("enum value {name} removed")),
            _ => push(Level::Major, key, format!("{key} removed (unrecognised entry)")),
        }
    }
    items.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    report.changes = items
        .into_iter()
        .map(|(level, _, _, what)| Change { level, what })
        .collect();
    report
}

#[cfg(test)]
mod tests {
    use super::{classify, Level};

    const OLD: &str = "\
operation A = soapAction a input A/request as AReq output AResponse/AResult as AResp
operation Gone = soapAction g input G/request as GReq output GResponse/GResult as GResp
type AReq = struct {ns}AReq
usage AReq = request
field AReq.Opt = {ns}Opt string [0..1] nillable
field AReq.Kept = {ns}Kept int [0..1]
field AReq.Dropped = {ns}Dropped int [1..1]
type AResp = struct {ns}AResp
usage AResp = response
field AResp.Value = {ns}Value string [0..1] nillable
type Status = enum {ns}Status
usage Status = response
value Status.On = listed
value Status.Off = listed
";

    fn what(level: Level, report: &super::Report) -> Vec<String> {
        report
            .changes
            .iter()
            .filter(|c| c.level == level)
            .map(|c| c.what.clone())
            .collect()
    }

    #[test]
    fn an_identical_listing_is_a_patch_with_no_items() {
        let r = classify(OLD, OLD);
        assert_eq!(r.level(), Level::Patch);
        assert!(r.changes.is_empty());
        let text = r.render(false);
        assert!(text.contains("0 added, 0 removed, 0 changed"), "{text}");
        assert!(text.ends_with("API change: patch (no API surface change)\n"), "{text}");
    }

    #[test]
    fn additions_are_minor_and_a_required_member_of_a_request_is_major() {
        let new = format!(
            "{OLD}operation B = soapAction b input B/request as AReq output BResponse/BResult as AResp
field AReq.New = {{ns}}New string [0..1]
field AResp.Count = {{ns}}Count int [1..1]
value Status.Maybe = listed
type Extra = struct {{ns}}Extra
usage Extra = unused
field Extra.X = {{ns}}X int [1..1]
"
        );
        let r = classify(OLD, &new);
        assert_eq!(
            what(Level::Minor, &r),
            [
                "operation B added",
                "type Extra added",
                "AReq.New added (optional)",
                "AResp.Count added, required in a type only responses use",
                "enum value Status.Maybe added",
            ]
        );
        assert_eq!(r.level(), Level::Minor);
        assert!(r.render(false).ends_with("API change: minor (0 major, 5 minor)\n"));

        let required = format!("{OLD}field AReq.Must = {{ns}}Must string [1..1]\n");
        let r = classify(OLD, &required);
        assert_eq!(
            what(Level::Major, &r),
            ["AReq.Must added, required in a request type (callers must set it)"]
        );
    }

    #[test]
    fn removals_type_and_shape_changes_and_new_requirements_are_major_with_reasons() {
        let new = OLD
            .replace(
                "operation Gone = soapAction g input G/request as GReq output GResponse/GResult as GResp\n",
                "",
            )
            .replace("field AReq.Dropped = {ns}Dropped int [1..1]\n", "")
            .replace("value Status.Off = listed\n", "")
            .replace("{ns}Opt string [0..1] nillable", "{ns}Opt string [1..1]")
            .replace("{ns}Kept int [0..1]", "{ns}Kept long [0..1]")
            .replace("{ns}Value string [0..1] nillable", "{ns}Value string [0..1]")
            .replace("soapAction a input", "soapAction a2 input");
        let r = classify(OLD, &new);
        assert_eq!(
            what(Level::Major, &r),
            [
                "operation Gone removed",
                "AReq.Dropped removed",
                "AReq.Kept: type changed from int to long",
                "AReq.Opt: became required (minOccurs 0 -> 1): Nillable<T> (optional, nillable) -> T (required)",
                "AResp.Value: shape changed from Nillable<T> (optional, nillable) to Option<T> (optional)",
                "enum value Status.Off removed",
            ]
        );
        assert_eq!(what(Level::Patch, &r), ["operation A: soapAction a -> a2"]);
        let text = r.render(false);
        assert!(text.contains("  major: AReq.Dropped removed\n"), "{text}");
        assert!(
            text.ends_with("API change: major (6 major, 0 minor, 1 patch)\n"),
            "{text}"
        );
    }

    #[test]
    fn members_of_a_removed_type_are_not_listed_and_long_lists_are_capped() {
        let mut new = OLD.replace("type AResp = struct {ns}AResp\n", "");
        for i in 0..40 {
            new.push_str(&format!("type T{i:02} = struct {{ns}}T{i:02}\n"));
        }
        let r = classify(OLD, &new);
        assert_eq!(what(Level::Major, &r), ["type AResp removed"]);
        let text = r.render(false);
        assert!(text.contains("  minor: type T24 added\n"), "{text}");
        assert!(!text.contains("type T25 added"), "{text}");
        assert!(
            text.contains("… and 15 more minor changes (run with --all-changes"),
            "{text}"
        );
        assert!(r.render(true).contains("  minor: type T39 added\n"));
    }

    #[test]
    fn a_first_generation_is_not_classified() {
        let r = classify("", OLD);
        assert!(r
            .render(false)
            .ends_with("API change: not classified (no committed api-surface.txt to compare with)\n"));
    }
}

//! Schema-driven test oracle, independent of the SDK's generated code: it reads the contract
//! `wsdl/manifest.toml` pins (from `../shared/wsdl/`) with the generator's model and
//!
//! - writes sample documents for any operation's request or response ([`sample_envelope`]),
//!   with every member set, or every member nil/absent;
//! - compares two documents element by element after namespace resolution ([`canonical`]);
//! - checks that a document's elements are declared by the schema at their position, in
//!   order and in the right namespace ([`validate_body`]).
//!
//! Sample values are invented; nothing here is patient data.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use codegen::model::{Builtin, Member, Model, Operation, TypeKind, TypeRef};
use codegen::read::MaxOccurs;
use xmltree::{Element, XMLNode};

/// SOAP 1.1 envelope namespace.
pub const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// XML Schema instance namespace.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The contract `wsdl/manifest.toml` pins: the one the SDK's code was generated from.
pub fn contract() -> &'static (codegen::load::Contract, String) {
    static CONTRACT: OnceLock<(codegen::load::Contract, String)> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let pins = codegen::pins::Manifest::of_workspace(&root)
            .unwrap_or_else(|e| panic!("{e}"))
            .contract;
        let contract = pins.load_local(&pins.search_dirs(&root)).unwrap_or_else(|e| {
            panic!("the tests read the pinned contract (CI runs with ../shared beside the checkout): {e}")
        });
        (contract, pins.name)
    })
}

/// The model of the pinned contract (read once per test process).
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let (contract, name) = contract();
        Model::build(name, &contract.definitions, &codegen::Config::default()).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The model's entry for an operation.
pub fn operation(name: &str) -> &'static Operation {
    model()
        .operations
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

/// Which members a sample sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Every member present with a value; repeated members twice.
    Full,
    /// Nillable members nil; optional non-nillable members absent; required ones filled.
    Nil,
    /// Optional members absent; required nillable members nil; required ones filled.
    Absent,
}

/// Which message of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The request.
    Request,
    /// The response.
    Response,
}

/// A complete SOAP envelope for an operation's request or response, with prefixes chosen
/// unlike the SDK's (`p0`, `p1`, ... and a default namespace on the wrapper) so that matching
/// by namespace URI, not prefix, is exercised.
pub fn sample_envelope(op: &Operation, direction: Direction, fill: Fill) -> String {
    envelope_with(op, direction, fill, false)
}

/// Like [`sample_envelope`], with plain strings (no characters that need escaping), as most
/// real data is: for benchmarks.
pub fn plain_sample_envelope(op: &Operation, direction: Direction, fill: Fill) -> String {
    envelope_with(op, direction, fill, true)
}

fn envelope_with(op: &Operation, direction: Direction, fill: Fill, plain: bool) -> String {
    let mut s = Sampler { fill, depth: 0, plain };
    let model = model();
    let wrapped = match direction {
        Direction::Request => &op.input,
        Direction::Response => &op.output,
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"{SOAP}\">"
    );
    out.push_str("<soap:Body>");
    let decls: String = model
        .namespaces
        .iter()
        .enumerate()
        .map(|(i, ns)| format!(" xmlns:p{i}=\"{ns}\""))
        .chain([format!(" xmlns:xsi=\"{XSI}\"")])
        .collect();
    let members = |out: &mut String, s: &mut Sampler| {
        if let Some(TypeKind::Struct(st)) = model.get(&wrapped.body).map(|t| &t.kind) {
            for m in &st.members {
                s.member(out, m);
            }
        }
    };
    match &wrapped.child {
        Some(child) => {
            let _ = write!(
                out,
                "<{w} xmlns=\"{ns}\">",
                w = wrapped.wrapper.local,
                ns = wrapped.wrapper.ns
            );
            let prefix = prefix(&child.ns);
            let _ = write!(out, "<{prefix}{}{decls}>", child.name);
            members(&mut out, &mut s);
            let _ = write!(out, "</{prefix}{}></{}>", child.name, wrapped.wrapper.local);
        }
        None => {
            let prefix = prefix(&wrapped.wrapper.ns);
            let _ = write!(out, "<{prefix}{}{decls}>", wrapped.wrapper.local);
            members(&mut out, &mut s);
            let _ = write!(out, "</{prefix}{}>", wrapped.wrapper.local);
        }
    }
    out.push_str("</soap:Body></soap:Envelope>");
    out
}

fn prefix(ns: &str) -> String {
    match model().namespaces.iter().position(|n| n == ns) {
        Some(i) => format!("p{i}:"),
        None => String::new(),
    }
}

struct Sampler {
    fill: Fill,
    depth: usize,
    plain: bool,
}

impl Sampler {
    fn member(&mut self, out: &mut String, m: &Member) {
        let optional = m.min_occurs == 0;
        match self.fill {
            Fill::Full => {}
            Fill::Nil if m.nillable => return nil(out, m),
            Fill::Nil | Fill::Absent if optional => return,
            Fill::Absent if m.nillable => return nil(out, m),
            Fill::Nil | Fill::Absent => {}
        }
        if self.depth > 12 && optional {
            return; // only recursive types get this deep
        }
        let count = if m.max_occurs == MaxOccurs::Bounded(1) || self.fill != Fill::Full {
            1
        } else {
            2
        };
        for i in 0..count {
            self.element(out, m, i);
        }
    }

    fn element(&mut self, out: &mut String, m: &Member, index: usize) {
        let p = prefix(&m.ns);
        let _ = write!(out, "<{p}{}>", m.name);
        self.value(out, &m.ty, &m.name, index);
        let _ = write!(out, "</{p}{}>", m.name);
    }

    fn value(&mut self, out: &mut String, ty: &TypeRef, name: &str, index: usize) {
        let model = model();
        match ty {
            TypeRef::Builtin(Builtin::String) if self.plain => {
                let _ = write!(out, "{name} value {index}");
            }
            TypeRef::Builtin(b) => out.push_str(&escape(&builtin_sample(*b, name, index))),
            TypeRef::Named(q) => match model.get(q).map(|t| &t.kind) {
                Some(TypeKind::Struct(st)) => {
                    self.depth += 1;
                    for m in &st.members {
                        self.member(out, m);
                    }
                    self.depth -= 1;
                }
                Some(TypeKind::Array(a)) => {
                    let items = if self.fill == Fill::Full { 2 } else { 1 };
                    self.depth += 1;
                    for i in 0..items {
                        self.element(out, &a.item, i);
                    }
                    self.depth -= 1;
                }
                Some(TypeKind::Enum(e)) => out.push_str(&escape(&e.values[index % e.values.len()])),
                Some(TypeKind::Alias(inner)) => {
                    let inner = inner.clone();
                    self.value(out, &inner, name, index)
                }
                Some(TypeKind::List(inner)) => {
                    // Two items, each without whitespace (which would split it).
                    let inner = inner.clone();
                    for i in 0..2 {
                        let mut item = String::new();
                        self.value(&mut item, &inner, name, index + i);
                        let item: String = item.split_whitespace().collect::<Vec<_>>().join("_");
                        if i > 0 {
                            out.push(' ');
                        }
                        out.push_str(if item.is_empty() { "_" } else { &item });
                    }
                }
                None => panic!("unresolved {q}"),
            },
        }
    }
}

fn nil(out: &mut String, m: &Member) {
    let _ = write!(out, "<{}{} xsi:nil=\"true\"/>", prefix(&m.ns), m.name);
}

/// An invented value of a built-in type, in the lexical form the SDK writes back unchanged.
pub fn builtin_sample(b: Builtin, name: &str, index: usize) -> String {
    match b {
        Builtin::String | Builtin::AnyUri => format!("{name} #{index} <Test & \"Sample\"> 'ü'"),
        Builtin::Boolean => ["true", "false"][index % 2].into(),
        Builtin::Byte => "-5".into(),
        Builtin::Short => "-300".into(),
        Builtin::Int => format!("{}", 42 + index),
        Builtin::Long => format!("{}", 9_000_000_001u64 + index as u64),
        Builtin::UnsignedByte => "7".into(),
        Builtin::UnsignedShort => "65000".into(),
        Builtin::UnsignedInt => "4000000000".into(),
        Builtin::UnsignedLong => "18000000000000000000".into(),
        Builtin::Float => "2.5".into(),
        Builtin::Double => "1234.5".into(),
        Builtin::Decimal => "12.50".into(),
        Builtin::DateTime => ["2021-10-05T13:45:10.1234567-05:00", "2021-10-06T00:00:00"][index % 2].into(),
        Builtin::Duration => "P1DT2H3M4.5S".into(),
        Builtin::Guid => "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
        Builtin::Char => "65".into(),
        Builtin::Base64Binary => ["SGVsbG8sIHfDtnJsZCE=", ""][index % 2].into(),
        Builtin::HexBinary => "00FF1AB0".into(),
        Builtin::Date => ["2021-10-05", "2021-10-05-05:00"][index % 2].into(),
        Builtin::Time => ["13:45:10.5", "00:00:00Z"][index % 2].into(),
        Builtin::GYear => "2021".into(),
        Builtin::GYearMonth => "2021-10".into(),
        Builtin::GMonth => "--10".into(),
        Builtin::GDay => "---05".into(),
        Builtin::GMonthDay => "--02-29".into(),
        Builtin::Integer => "-123456789012345678901234567890".into(),
        Builtin::NonNegativeInteger => "0".into(),
        Builtin::PositiveInteger => "+007".into(),
        Builtin::NonPositiveInteger => "-0".into(),
        Builtin::NegativeInteger => "-1".into(),
        Builtin::NormalizedString => "normalized text".into(),
        Builtin::Token => "a token".into(),
        Builtin::Language => "en-US".into(),
        Builtin::Name => "a:Name".into(),
        Builtin::NcName => "NCName_1".into(),
        Builtin::NmToken => "1.0-x".into(),
        Builtin::Id => "id1".into(),
        Builtin::IdRef => "id1".into(),
        Builtin::Entity => "logo".into(),
        Builtin::AnySimpleType => "anything at all".into(),
        Builtin::NmTokens => "a b c".into(),
        Builtin::IdRefs => "id1 id2".into(),
        Builtin::Entities => "logo banner".into(),
        // Resolved against the sample's `p0` declaration (Kareo's contract has no QName).
        Builtin::QName => "p0:Sample".into(),
        Builtin::AnyType => "any content".into(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A namespace-resolved element tree: what a document means, whatever its prefixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Namespace URI.
    pub ns: String,
    /// Local name.
    pub name: String,
    /// Carries `xsi:nil="true"`.
    pub nil: bool,
    /// Text content (leaf elements).
    pub text: String,
    /// Child elements.
    pub children: Vec<Node>,
}

/// Parses a document into its [`Node`] tree.
pub fn canonical(xml: &str) -> Node {
    let root = Element::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    node(&root)
}

fn node(el: &Element) -> Node {
    let mut text = String::new();
    let mut children = Vec::new();
    for c in &el.children {
        match c {
            XMLNode::Element(e) => children.push(node(e)),
            XMLNode::Text(t) | XMLNode::CData(t) => text.push_str(t),
            _ => {}
        }
    }
    if !children.is_empty() {
        text.clear();
    }
    Node {
        ns: el.namespace.clone().unwrap_or_default(),
        name: el.name.clone(),
        nil: el.attributes.get("nil").is_some_and(|v| v == "true" || v == "1"),
        text,
        children,
    }
}

/// The body's single child (the wrapper element) of an envelope tree.
pub fn body_wrapper(envelope: &Node) -> &Node {
    let body = envelope.children.iter().find(|c| c.name == "Body").expect("a Body");
    body.children.first().expect("a wrapper element")
}

/// The first difference between two trees, as a path and a description.
pub fn diff(a: &Node, b: &Node) -> Option<String> {
    fn walk(a: &Node, b: &Node, path: &str, out: &mut Option<String>) {
        let here = format!("{path}/{}", a.name);
        if (a.ns.as_str(), a.name.as_str()) != (b.ns.as_str(), b.name.as_str()) {
            *out = Some(format!(
                "{here}: element {{{}}}{} vs {{{}}}{}",
                a.ns, a.name, b.ns, b.name
            ));
        } else if a.nil != b.nil {
            *out = Some(format!("{here}: nil {} vs {}", a.nil, b.nil));
        } else if a.text != b.text {
            *out = Some(format!("{here}: text {:?} vs {:?}", a.text, b.text));
        } else if a.children.len() != b.children.len() {
            let names = |n: &Node| n.children.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(",");
            *out = Some(format!("{here}: children [{}] vs [{}]", names(a), names(b)));
        } else {
            for (x, y) in a.children.iter().zip(&b.children) {
                walk(x, y, &here, out);
                if out.is_some() {
                    return;
                }
            }
        }
    }
    let mut out = None;
    walk(a, b, "", &mut out);
    out
}

/// Counts of elements by local name in a tree (to show a sample really sets everything).
pub fn element_count(n: &Node) -> usize {
    1 + n.children.iter().map(element_count).sum::<usize>()
}

/// Checks a message body (the wrapper element) against the schema: every element is declared
/// at its position, in sequence order, in its namespace; required members are present; nil only
/// where nillable. Returns the problems found, each with its element path.
pub fn validate_body(op: &Operation, direction: Direction, wrapper: &Node) -> Vec<String> {
    let wrapped = match direction {
        Direction::Request => &op.input,
        Direction::Response => &op.output,
    };
    let mut problems = Vec::new();
    if (wrapper.ns.as_str(), wrapper.name.as_str()) != (wrapped.wrapper.ns.as_str(), wrapped.wrapper.local.as_str()) {
        problems.push(format!("/{}: expected wrapper {}", wrapper.name, wrapped.wrapper));
        return problems;
    }
    let path = format!("/{}", wrapper.name);
    match &wrapped.child {
        Some(child) => check_sequence(std::slice::from_ref(child), &wrapper.children, &path, &mut problems),
        None => {
            if let Some(TypeKind::Struct(st)) = model().get(&wrapped.body).map(|t| &t.kind) {
                check_sequence(&st.members, &wrapper.children, &path, &mut problems);
            }
        }
    }
    problems
}

fn check_sequence(members: &[Member], children: &[Node], path: &str, problems: &mut Vec<String>) {
    let mut next = 0usize;
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for child in children {
        let here = format!("{path}/{}", child.name);
        let found = members[next.min(members.len())..]
            .iter()
            .position(|m| m.name == child.name && m.ns == child.ns)
            .map(|p| p + next);
        let Some(j) = found else {
            let declared = members.iter().any(|m| m.name == child.name);
            problems.push(if declared {
                format!(
                    "{here}: out of sequence order or in the wrong namespace ({{{}}})",
                    child.ns
                )
            } else {
                format!("{here}: not declared here")
            });
            continue;
        };
        for (k, m) in members.iter().enumerate().take(j).skip(next) {
            if m.min_occurs > 0 && seen.get(&k).copied().unwrap_or(0) == 0 {
                problems.push(format!("{path}: required {} missing before {}", m.name, child.name));
            }
        }
        let m = &members[j];
        *seen.entry(j).or_default() += 1;
        next = if m.max_occurs == MaxOccurs::Bounded(1) {
            j + 1
        } else {
            j
        };
        if child.nil {
            if !m.nillable {
                problems.push(format!("{here}: xsi:nil on a member that is not nillable"));
            }
            continue;
        }
        check_value(&m.ty, child, &here, problems);
    }
    for (k, m) in members.iter().enumerate().skip(next) {
        if m.min_occurs > 0 && seen.get(&k).copied().unwrap_or(0) == 0 {
            problems.push(format!("{path}: required {} missing", m.name));
        }
    }
}

fn check_value(ty: &TypeRef, node: &Node, path: &str, problems: &mut Vec<String>) {
    match ty {
        TypeRef::Builtin(_) => {
            if !node.children.is_empty() {
                problems.push(format!("{path}: child elements in a simple value"));
            }
        }
        TypeRef::Named(q) => match model().get(q).map(|t| &t.kind) {
            Some(TypeKind::Struct(st)) => check_sequence(&st.members, &node.children, path, problems),
            Some(TypeKind::Array(a)) => check_sequence(std::slice::from_ref(&a.item), &node.children, path, problems),
            Some(TypeKind::Enum(_)) | Some(TypeKind::Alias(_)) | Some(TypeKind::List(_)) => {
                if !node.children.is_empty() {
                    problems.push(format!("{path}: child elements in a simple value"));
                }
            }
            None => problems.push(format!("{path}: unresolved type {q}")),
        },
    }
}

/// Indents a document for review in snapshots: one element per line, text kept on its
/// element's line exactly as written (escapes included).
pub fn pretty(xml: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    let mut depth = 0usize;
    // Whitespace is layout between elements, content inside text: hold it until we know.
    let mut pending = String::new();
    let mut just_opened = false;
    let newline = |out: &mut String, depth: usize| {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&"  ".repeat(depth));
    };
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(e) => e,
            Err(e) => panic!("not XML: {e}"),
        };
        match event {
            Event::Start(e) => {
                pending.clear();
                newline(&mut out, depth);
                let _ = write!(out, "<{}>", &*e);
                depth += 1;
                just_opened = true;
            }
            Event::Empty(e) => {
                pending.clear();
                newline(&mut out, depth);
                let _ = write!(out, "<{}/>", &*e);
                just_opened = false;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if just_opened {
                    out.push_str(&pending);
                } else {
                    newline(&mut out, depth);
                }
                pending.clear();
                let _ = write!(out, "</{}>", &*e);
                just_opened = false;
            }
            Event::Text(t) if t.trim().is_empty() => pending.push_str(&t),
            Event::Text(t) => {
                out.push_str(&std::mem::take(&mut pending));
                out.push_str(&t);
            }
            Event::GeneralRef(r) => {
                out.push_str(&std::mem::take(&mut pending));
                let _ = write!(out, "&{};", &*r);
            }
            Event::CData(c) => {
                out.push_str(&std::mem::take(&mut pending));
                let _ = write!(out, "<![CDATA[{}]]>", &*c);
            }
            _ => {}
        }
    }
    out.push('\n');
    out
}

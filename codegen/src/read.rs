//! Stage 1, read: WSDL 1.1 / XML Schema text → [`Definitions`], a syntax tree of the parts the
//! generator uses.
//!
//! [`read_document`] reads one document, either a `wsdl:definitions` or a standalone `xs:schema`,
//! and lists the other documents it refers to ([`Reference`]: `wsdl:import@location`,
//! `xs:import@schemaLocation`, `xs:include@schemaLocation`) without following them: fetching
//! and merging documents is [`crate::load`]'s job, and this stage does no I/O. [`read`] reads a
//! self-contained WSDL (such as WCF's `?singleWsdl`) and refuses references to other documents.
//! Every [`Loc`] names the document it comes from, so later stages' errors do too.
//!
//! Prefixes are resolved here, with the namespace bindings in scope at each element, so every
//! reference leaves this stage as a [`QName`] (namespace URI + local name). Nothing is looked up
//! across declarations yet: that is the model stage's job.
//!
//! Constructs that would change the wire format but are not handled (`xs:choice`, attributes on
//! complex types, `ref=` elements, ...) are errors here, never silently dropped.

use std::collections::HashMap;

use xml::common::Position;
use xmltree::{Element, XMLNode};

use crate::error::{Error, ErrorKind, Result};
use crate::QName;

/// XML Schema namespace.
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// WSDL 1.1 namespace.
pub const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
/// WSDL 1.1 SOAP 1.1 binding namespace.
pub const WSDL_SOAP_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// WCF DataContract serialization namespace (annotations, `guid`, `char`, `duration`).
pub const SERIALIZATION_NS: &str = "http://schemas.microsoft.com/2003/10/Serialization/";

/// Deepest element nesting the reader accepts. Real WSDLs stay below 30.
pub const MAX_DEPTH: usize = 256;

/// Where a declaration stands in the input: document, element path and line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    /// The document's name (file name or URL) as given to the reader; empty when the location
    /// is not in a document (for example an override), in which case errors name the file given
    /// to the model stage.
    pub file: String,
    /// Element path from the root, e.g. `definitions/types/schema[2]/complexType[@name='A']`.
    pub path: String,
    /// 1-based source line, where known.
    pub line: Option<u32>,
}

/// A WSDL 1.1 document: its schemas and service description.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    /// `targetNamespace` of `wsdl:definitions`.
    pub target_ns: String,
    /// Inline `xs:schema` elements of `wsdl:types`, in document order.
    pub schemas: Vec<Schema>,
    /// `wsdl:message` declarations.
    pub messages: Vec<Message>,
    /// `wsdl:portType` declarations.
    pub port_types: Vec<PortType>,
    /// `wsdl:binding` declarations (SOAP 1.1 ones; others are skipped).
    pub bindings: Vec<Binding>,
    /// `wsdl:service` declarations.
    pub services: Vec<Service>,
}

/// One inline `xs:schema`.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// `targetNamespace` (empty for a schema without one).
    pub target_ns: String,
    /// `elementFormDefault="qualified"`: local elements are in `target_ns`.
    pub qualified: bool,
    /// Namespaces named by `xs:import`.
    pub imports: Vec<(String, Loc)>,
    /// Named complex types.
    pub complex_types: Vec<ComplexTypeDecl>,
    /// Named simple types.
    pub simple_types: Vec<SimpleTypeDecl>,
    /// Global element declarations.
    pub elements: Vec<ElementDecl>,
    /// Location of the `xs:schema` element.
    pub loc: Loc,
}

/// `xs:complexType`, named or anonymous.
#[derive(Debug, Clone, Default)]
pub struct ComplexTypeDecl {
    /// Name, for named types.
    pub name: Option<String>,
    /// `complexContent/extension/@base`.
    pub base: Option<QName>,
    /// The `xs:sequence` members (own members only, base members not included).
    pub sequence: Vec<ElementDecl>,
    /// `xs:documentation` text.
    pub doc: Option<String>,
    /// Location.
    pub loc: Loc,
}

/// Maximum occurrence of a particle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MaxOccurs {
    /// A bounded count.
    Bounded(u32),
    /// `unbounded`.
    Unbounded,
}

/// `xs:element`, global or local.
#[derive(Debug, Clone)]
pub struct ElementDecl {
    /// Local name (for `ref=`, the referenced element's).
    pub name: String,
    /// `ref=`: the global element this particle stands for (name, namespace, type and
    /// nillability are the global declaration's; occurrence is the particle's).
    pub element_ref: Option<QName>,
    /// `type=` reference.
    pub type_ref: Option<QName>,
    /// An anonymous `xs:complexType` child.
    pub inline_type: Option<Box<ComplexTypeDecl>>,
    /// `minOccurs` (default 1).
    pub min_occurs: u32,
    /// `maxOccurs` (default 1).
    pub max_occurs: MaxOccurs,
    /// `nillable="true"`.
    pub nillable: bool,
    /// The DataContract `EmitDefaultValue` annotation, where present.
    pub emit_default_value: Option<bool>,
    /// `xs:documentation` text.
    pub doc: Option<String>,
    /// Location.
    pub loc: Loc,
}

/// `xs:simpleType` with an `xs:restriction` or an `xs:list`.
#[derive(Debug, Clone)]
pub struct SimpleTypeDecl {
    /// Name (empty for an anonymous simple type).
    pub name: String,
    /// `restriction/@base`; `xs:anySimpleType` for a list.
    pub base: QName,
    /// `xs:enumeration` values, in order.
    pub enumerations: Vec<String>,
    /// The item type, when the simple type is an `xs:list`.
    pub list: Option<ListItemDecl>,
    /// `xs:documentation` text.
    pub doc: Option<String>,
    /// Location.
    pub loc: Loc,
}

/// The item type of an `xs:list`.
#[derive(Debug, Clone)]
pub enum ListItemDecl {
    /// `itemType=`.
    Named(QName),
    /// An anonymous `xs:simpleType` child.
    Anonymous(Box<SimpleTypeDecl>),
}

/// `wsdl:message`.
#[derive(Debug, Clone)]
pub struct Message {
    /// Qualified name (in the definitions' target namespace).
    pub name: QName,
    /// Parts.
    pub parts: Vec<Part>,
    /// Location.
    pub loc: Loc,
}

/// `wsdl:part`.
#[derive(Debug, Clone)]
pub struct Part {
    /// Part name.
    pub name: String,
    /// `element=` reference (document/literal).
    pub element: Option<QName>,
    /// Location.
    pub loc: Loc,
}

/// `wsdl:portType`.
#[derive(Debug, Clone)]
pub struct PortType {
    /// Qualified name.
    pub name: QName,
    /// Operations.
    pub operations: Vec<PortOperation>,
    /// Location.
    pub loc: Loc,
}

/// `wsdl:portType/wsdl:operation`.
#[derive(Debug, Clone)]
pub struct PortOperation {
    /// Operation name.
    pub name: String,
    /// Input message.
    pub input: Option<QName>,
    /// Output message.
    pub output: Option<QName>,
    /// `wsdl:documentation`.
    pub doc: Option<String>,
    /// `wsdl:fault` messages, in document order.
    pub faults: Vec<PortFault>,
    /// Location.
    pub loc: Loc,
}

/// A portType operation's `wsdl:fault`.
#[derive(Debug, Clone)]
pub struct PortFault {
    /// `@name`.
    pub name: String,
    /// `@message`.
    pub message: QName,
    /// Location.
    pub loc: Loc,
}

/// A SOAP 1.1 `wsdl:binding`.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Qualified name.
    pub name: QName,
    /// The port type it binds.
    pub port_type: QName,
    /// Operations with their SOAPAction.
    pub operations: Vec<BindingOperation>,
    /// Location.
    pub loc: Loc,
}

/// `wsdl:binding/wsdl:operation`.
#[derive(Debug, Clone)]
pub struct BindingOperation {
    /// Operation name.
    pub name: String,
    /// `soap:operation/@soapAction`.
    pub soap_action: String,
    /// The names of the operation's `wsdl:fault`s (each with a literal `soap:fault`).
    pub faults: Vec<String>,
    /// The input's `soap:header` parts, in binding order.
    pub input_headers: Vec<HeaderPart>,
    /// The output's `soap:header` parts, in binding order.
    pub output_headers: Vec<HeaderPart>,
    /// Location.
    pub loc: Loc,
}

/// `soap:header message="…" part="…"`: a message part sent as a SOAP header entry.
#[derive(Debug, Clone)]
pub struct HeaderPart {
    /// The message holding the part.
    pub message: QName,
    /// The part's name.
    pub part: String,
    /// Location of the `soap:header` element.
    pub loc: Loc,
}

/// `wsdl:service`.
#[derive(Debug, Clone)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// Its ports.
    pub ports: Vec<Port>,
}

/// `wsdl:port` with a `soap:address`.
#[derive(Debug, Clone)]
pub struct Port {
    /// Port name.
    pub name: String,
    /// Binding it exposes.
    pub binding: QName,
    /// `soap:address/@location`, if the port is a SOAP 1.1 one.
    pub address: Option<String>,
}

/// What kind of reference one document makes to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// `wsdl:import@location`: another WSDL document (or a schema).
    WsdlImport,
    /// `xs:import@schemaLocation`: a schema of another namespace.
    SchemaImport,
    /// `xs:include@schemaLocation`: more declarations of the including schema's namespace.
    SchemaInclude,
}

/// A reference to another document, as written (the location is not resolved here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Import or include.
    pub kind: ReferenceKind,
    /// `location` / `schemaLocation`, as written (relative or absolute).
    pub location: String,
    /// The `namespace` attribute, where present.
    pub namespace: Option<String>,
    /// For schema references, the index in [`Definitions::schemas`] of the referencing schema.
    pub schema: Option<usize>,
    /// The referencing element.
    pub loc: Loc,
}

/// The shape of a document's root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// `wsdl:definitions`.
    Wsdl,
    /// A standalone `xs:schema` (its one schema is `definitions.schemas[0]`).
    Schema,
}

/// One document as read: its declarations and the documents it refers to.
#[derive(Debug, Clone)]
pub struct Document {
    /// WSDL or standalone schema.
    pub kind: DocumentKind,
    /// Its declarations (a standalone schema gives one schema and nothing else).
    pub definitions: Definitions,
    /// References to other documents, in document order.
    pub references: Vec<Reference>,
}

/// Parses one self-contained WSDL document. `file` names the input in errors. A reference to
/// another document (`wsdl:import`, `xs:import@schemaLocation`, `xs:include`) is an error: use
/// [`crate::load`] to read a contract made of several documents.
pub fn read(file: &str, text: &str) -> Result<Definitions> {
    let doc = read_document(file, text)?;
    if doc.kind != DocumentKind::Wsdl {
        return Err(Error {
            file: file.to_owned(),
            line: Some(1),
            path: "schema".into(),
            kind: ErrorKind::Invalid("the root element is not wsdl:definitions (WSDL 1.1)".into()),
        });
    }
    if let Some(r) = doc.references.first() {
        return Err(Error {
            file: file.to_owned(),
            line: r.loc.line,
            path: r.loc.path.clone(),
            kind: ErrorKind::Unsupported(format!(
                "a reference to another document (`{}`) in a single-document read: load the contract with codegen::load",
                r.location
            )),
        });
    }
    Ok(doc.definitions)
}

/// Parses one document, a `wsdl:definitions` or a standalone `xs:schema`, without following its
/// references. `file` names the document in errors and in every [`Loc`].
pub fn read_document(file: &str, text: &str) -> Result<Document> {
    let lines = scan_lines(file, text)?;
    let root = Element::parse(text.as_bytes()).map_err(|e| Error {
        file: file.to_owned(),
        line: None,
        path: String::new(),
        kind: ErrorKind::Malformed(e.to_string()),
    })?;
    let doc = Doc {
        file,
        lines: number_elements(&root, &lines),
    };
    let mut references = Vec::new();
    if is_xsd(&root, "schema") {
        let schema = doc.schema(&root, "schema", 0, &mut references)?;
        return Ok(Document {
            kind: DocumentKind::Schema,
            definitions: Definitions {
                target_ns: schema.target_ns.clone(),
                schemas: vec![schema],
                ..Definitions::default()
            },
            references,
        });
    }
    let definitions = doc.definitions(&root, &mut references)?;
    Ok(Document {
        kind: DocumentKind::Wsdl,
        definitions,
        references,
    })
}

/// Checks well-formedness and depth with a streaming pass (so a hostile document cannot
/// overflow the stack of the tree builder), and records each element's line in document order.
fn scan_lines(file: &str, text: &str) -> Result<Vec<u32>> {
    use xmltree::ParserConfig;
    let malformed = |line: Option<u32>, msg: String| Error {
        file: file.to_owned(),
        line,
        path: String::new(),
        kind: ErrorKind::Malformed(msg),
    };
    let config = ParserConfig::new().trim_whitespace(true);
    let mut reader = config.create_reader(text.as_bytes());
    let mut lines = Vec::new();
    let mut depth = 0usize;
    loop {
        match reader.next() {
            Ok(xml::reader::XmlEvent::StartElement { .. }) => {
                let line = u32::try_from(reader.position().row + 1).ok();
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(malformed(line, format!("elements nested deeper than {MAX_DEPTH}")));
                }
                lines.push(line.unwrap_or(0));
            }
            Ok(xml::reader::XmlEvent::EndElement { .. }) => depth = depth.saturating_sub(1),
            Ok(xml::reader::XmlEvent::EndDocument) => return Ok(lines),
            Ok(_) => {}
            Err(e) => {
                let line = u32::try_from(e.position().row + 1).ok();
                return Err(malformed(line, e.msg().to_owned()));
            }
        }
    }
}

/// Maps each element (by address, stable for the tree's lifetime) to its line.
fn number_elements(root: &Element, lines: &[u32]) -> HashMap<*const Element, u32> {
    let mut out = HashMap::with_capacity(lines.len());
    let mut stack = vec![root];
    let mut ordinal = 0usize;
    while let Some(el) = stack.pop() {
        if let Some(&line) = lines.get(ordinal) {
            out.insert(el as *const Element, line);
        }
        ordinal += 1;
        for child in el.children.iter().rev() {
            if let XMLNode::Element(c) = child {
                stack.push(c);
            }
        }
    }
    out
}

struct Doc<'a> {
    file: &'a str,
    lines: HashMap<*const Element, u32>,
}

impl Doc<'_> {
    fn loc(&self, el: &Element, path: &str) -> Loc {
        Loc {
            file: self.file.to_owned(),
            path: path.to_owned(),
            line: self.lines.get(&(el as *const Element)).copied(),
        }
    }

    fn err(&self, el: &Element, path: &str, kind: ErrorKind) -> Error {
        Error {
            file: self.file.to_owned(),
            line: self.loc(el, path).line,
            path: path.to_owned(),
            kind,
        }
    }

    fn invalid(&self, el: &Element, path: &str, msg: impl Into<String>) -> Error {
        self.err(el, path, ErrorKind::Invalid(msg.into()))
    }

    fn attr<'e>(&self, el: &'e Element, path: &str, name: &str) -> Result<&'e str> {
        el.attributes
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| self.invalid(el, path, format!("<{}> lacks the `{name}` attribute", el.name)))
    }

    /// Resolves a `prefix:local` attribute value with the bindings in scope at `el`.
    fn qname(&self, el: &Element, path: &str, value: &str) -> Result<QName> {
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", value),
        };
        let ns = el.namespaces.as_ref().and_then(|n| n.get(prefix));
        match ns {
            Some(ns) => Ok(QName::new(ns, local)),
            None if prefix.is_empty() => Ok(QName::new("", local)),
            None => Err(self.invalid(
                el,
                path,
                format!("namespace prefix `{prefix}` of `{value}` is not declared"),
            )),
        }
    }

    fn definitions(&self, root: &Element, references: &mut Vec<Reference>) -> Result<Definitions> {
        let path = "definitions";
        if root.name != "definitions" || root.namespace.as_deref() != Some(WSDL_NS) {
            return Err(self.invalid(
                root,
                &root.name,
                "the root element is neither wsdl:definitions (WSDL 1.1) nor xs:schema",
            ));
        }
        let target_ns = root.attributes.get("targetNamespace").cloned().unwrap_or_default();
        let mut defs = Definitions {
            target_ns: target_ns.clone(),
            ..Definitions::default()
        };
        for (el, p) in children(root, path) {
            if el.namespace.as_deref() != Some(WSDL_NS) {
                continue; // policies and other extensions do not shape the messages
            }
            match el.name.as_str() {
                "types" => {
                    for (s, sp) in children(el, &p) {
                        if is_xsd(s, "schema") {
                            let index = defs.schemas.len();
                            defs.schemas.push(self.schema(s, &sp, index, references)?);
                        }
                    }
                }
                "message" => defs.messages.push(self.message(el, &p, &target_ns)?),
                "portType" => defs.port_types.push(self.port_type(el, &p, &target_ns)?),
                "binding" => {
                    if let Some(b) = self.binding(el, &p, &target_ns)? {
                        defs.bindings.push(b);
                    }
                }
                "service" => defs.services.push(self.service(el, &p)?),
                "import" => references.push(Reference {
                    kind: ReferenceKind::WsdlImport,
                    location: self.attr(el, &p, "location")?.to_owned(),
                    namespace: el.attributes.get("namespace").cloned(),
                    schema: None,
                    loc: self.loc(el, &p),
                }),
                _ => {}
            }
        }
        Ok(defs)
    }

    /// One `xs:schema`; `index` is its position in [`Definitions::schemas`], recorded in the
    /// references it makes.
    fn schema(&self, el: &Element, path: &str, index: usize, references: &mut Vec<Reference>) -> Result<Schema> {
        let mut schema = Schema {
            target_ns: el.attributes.get("targetNamespace").cloned().unwrap_or_default(),
            qualified: el.attributes.get("elementFormDefault").map(String::as_str) == Some("qualified"),
            loc: self.loc(el, path),
            ..Schema::default()
        };
        for (c, p) in children(el, path) {
            if c.namespace.as_deref() != Some(XSD_NS) {
                return Err(self.err(
                    c,
                    &p,
                    ErrorKind::Unsupported(format!("<{}> outside the XML Schema namespace", c.name)),
                ));
            }
            match c.name.as_str() {
                "import" => {
                    let ns = c.attributes.get("namespace").cloned().unwrap_or_default();
                    if let Some(location) = c.attributes.get("schemaLocation") {
                        references.push(Reference {
                            kind: ReferenceKind::SchemaImport,
                            location: location.clone(),
                            namespace: Some(ns.clone()),
                            schema: Some(index),
                            loc: self.loc(c, &p),
                        });
                    }
                    schema.imports.push((ns, self.loc(c, &p)));
                }
                "include" => references.push(Reference {
                    kind: ReferenceKind::SchemaInclude,
                    location: self.attr(c, &p, "schemaLocation")?.to_owned(),
                    namespace: None,
                    schema: Some(index),
                    loc: self.loc(c, &p),
                }),
                "complexType" => schema.complex_types.push(self.complex_type(c, &p)?),
                "simpleType" => schema.simple_types.push(self.simple_type(c, &p)?),
                "element" => schema.elements.push(self.element(c, &p)?),
                // Global attribute declarations (WCF's FactoryType, Id, Ref) are only used by
                // reference from attributes, which no supported type has.
                "attribute" | "annotation" => {}
                other => return Err(self.err(c, &p, ErrorKind::Unsupported(format!("xs:{other} at schema level")))),
            }
        }
        Ok(schema)
    }

    fn complex_type(&self, el: &Element, path: &str) -> Result<ComplexTypeDecl> {
        let mut ty = ComplexTypeDecl {
            name: el.attributes.get("name").cloned(),
            loc: self.loc(el, path),
            ..ComplexTypeDecl::default()
        };
        if el.attributes.get("mixed").map(String::as_str) == Some("true") {
            return Err(self.err(el, path, ErrorKind::Unsupported("mixed content".into())));
        }
        for (c, p) in xsd_children(self, el, path)? {
            match c.name.as_str() {
                "annotation" => ty.doc = documentation(c),
                "sequence" => ty.sequence = self.sequence(c, &p)?,
                "complexContent" => {
                    if c.attributes.get("mixed").map(String::as_str) == Some("true") {
                        return Err(self.err(c, &p, ErrorKind::Unsupported("mixed content".into())));
                    }
                    for (x, xp) in xsd_children(self, c, &p)? {
                        match x.name.as_str() {
                            "annotation" => {}
                            "extension" => {
                                let base = self.attr(x, &xp, "base")?;
                                ty.base = Some(self.qname(x, &xp, base)?);
                                for (s, sp) in xsd_children(self, x, &xp)? {
                                    match s.name.as_str() {
                                        "sequence" => ty.sequence = self.sequence(s, &sp)?,
                                        "annotation" => {}
                                        other => {
                                            return Err(self.err(
                                                s,
                                                &sp,
                                                ErrorKind::Unsupported(format!("xs:{other} in xs:extension")),
                                            ))
                                        }
                                    }
                                }
                            }
                            other => {
                                return Err(self.err(
                                    x,
                                    &xp,
                                    ErrorKind::Unsupported(format!("xs:{other} in xs:complexContent")),
                                ))
                            }
                        }
                    }
                }
                other => return Err(self.err(c, &p, ErrorKind::Unsupported(format!("xs:{other} in xs:complexType")))),
            }
        }
        Ok(ty)
    }

    fn sequence(&self, el: &Element, path: &str) -> Result<Vec<ElementDecl>> {
        if el.attributes.contains_key("minOccurs") || el.attributes.contains_key("maxOccurs") {
            return Err(self.err(
                el,
                path,
                ErrorKind::Unsupported("occurrence constraints on xs:sequence".into()),
            ));
        }
        let mut out = Vec::new();
        for (c, p) in xsd_children(self, el, path)? {
            match c.name.as_str() {
                "element" => out.push(self.element(c, &p)?),
                "annotation" => {}
                other => return Err(self.err(c, &p, ErrorKind::Unsupported(format!("xs:{other} in xs:sequence")))),
            }
        }
        Ok(out)
    }

    fn element(&self, el: &Element, path: &str) -> Result<ElementDecl> {
        let element_ref = match el.attributes.get("ref") {
            Some(r) => Some(self.qname(el, path, r)?),
            None => None,
        };
        let name = match &element_ref {
            Some(r) => {
                if ["name", "type", "nillable"]
                    .iter()
                    .any(|a| el.attributes.contains_key(*a))
                {
                    return Err(self.invalid(el, path, "xs:element ref= with name, type or nillable"));
                }
                r.local.clone()
            }
            None => self.attr(el, path, "name")?.to_owned(),
        };
        let type_ref = match el.attributes.get("type") {
            Some(t) => Some(self.qname(el, path, t)?),
            None => None,
        };
        let min_occurs = match el.attributes.get("minOccurs") {
            None => 1,
            Some(v) => v
                .parse()
                .map_err(|_| self.invalid(el, path, format!("minOccurs `{v}` is not a count")))?,
        };
        let max_occurs = match el.attributes.get("maxOccurs").map(String::as_str) {
            None => MaxOccurs::Bounded(1),
            Some("unbounded") => MaxOccurs::Unbounded,
            Some(v) => MaxOccurs::Bounded(
                v.parse()
                    .map_err(|_| self.invalid(el, path, format!("maxOccurs `{v}` is not a count")))?,
            ),
        };
        if let MaxOccurs::Bounded(max) = max_occurs {
            if max < min_occurs || max == 0 {
                return Err(self.invalid(
                    el,
                    path,
                    format!("maxOccurs {max} is below minOccurs {min_occurs} or zero"),
                ));
            }
        }
        let nillable = match el.attributes.get("nillable").map(String::as_str) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(v) => return Err(self.invalid(el, path, format!("nillable `{v}` is not a boolean"))),
        };
        let mut decl = ElementDecl {
            name,
            element_ref,
            type_ref,
            inline_type: None,
            min_occurs,
            max_occurs,
            nillable,
            emit_default_value: None,
            doc: None,
            loc: self.loc(el, path),
        };
        for (c, p) in xsd_children(self, el, path)? {
            match c.name.as_str() {
                "annotation" => {
                    decl.doc = documentation(c);
                    decl.emit_default_value = emit_default_value(c);
                }
                "complexType" => decl.inline_type = Some(Box::new(self.complex_type(c, &p)?)),
                other => return Err(self.err(c, &p, ErrorKind::Unsupported(format!("xs:{other} in xs:element")))),
            }
        }
        if decl.type_ref.is_some() && decl.inline_type.is_some() {
            return Err(self.invalid(el, path, "element has both a type attribute and an inline type"));
        }
        Ok(decl)
    }

    fn simple_type(&self, el: &Element, path: &str) -> Result<SimpleTypeDecl> {
        let name = self.attr(el, path, "name")?.to_owned();
        self.simple_type_body(el, path, name)
    }

    /// A named or anonymous `xs:simpleType`: a restriction or a list.
    fn simple_type_body(&self, el: &Element, path: &str, name: String) -> Result<SimpleTypeDecl> {
        let mut doc = None;
        let mut restriction = None;
        let mut list = None;
        for (c, p) in xsd_children(self, el, path)? {
            match c.name.as_str() {
                "annotation" => doc = documentation(c),
                "restriction" => restriction = Some((c, p)),
                "list" => list = Some(self.list(c, &p)?),
                other => return Err(self.err(c, &p, ErrorKind::Unsupported(format!("xs:{other} simple type")))),
            }
        }
        if let Some(item) = list {
            if restriction.is_some() {
                return Err(self.invalid(el, path, "xs:simpleType with both xs:list and xs:restriction"));
            }
            return Ok(SimpleTypeDecl {
                name,
                base: QName::new(XSD_NS, "anySimpleType"),
                enumerations: Vec::new(),
                list: Some(item),
                doc,
                loc: self.loc(el, path),
            });
        }
        let Some((r, rp)) = restriction else {
            return Err(self.invalid(el, path, "xs:simpleType without xs:restriction"));
        };
        let base = self.qname(r, &rp, self.attr(r, &rp, "base")?)?;
        let mut enumerations = Vec::new();
        for (f, fp) in xsd_children(self, r, &rp)? {
            match f.name.as_str() {
                "enumeration" => enumerations.push(self.attr(f, &fp, "value")?.to_owned()),
                // Lexical facets constrain values but do not change their Rust type or wire form.
                "pattern" | "minInclusive" | "maxInclusive" | "minExclusive" | "maxExclusive" | "length"
                | "minLength" | "maxLength" | "totalDigits" | "fractionDigits" | "whiteSpace" | "annotation" => {}
                other => return Err(self.err(f, &fp, ErrorKind::Unsupported(format!("xs:{other} facet")))),
            }
        }
        Ok(SimpleTypeDecl {
            name,
            base,
            enumerations,
            list: None,
            doc,
            loc: self.loc(el, path),
        })
    }

    /// `xs:list`: `itemType=` or an anonymous `xs:simpleType` child, exactly one of them.
    fn list(&self, el: &Element, path: &str) -> Result<ListItemDecl> {
        let mut anonymous = None;
        for (c, p) in xsd_children(self, el, path)? {
            match c.name.as_str() {
                "annotation" => {}
                "simpleType" => anonymous = Some(self.simple_type_body(c, &p, String::new())?),
                other => return Err(self.err(c, &p, ErrorKind::Unsupported(format!("xs:{other} in xs:list")))),
            }
        }
        match (el.attributes.get("itemType"), anonymous) {
            (Some(t), None) => Ok(ListItemDecl::Named(self.qname(el, path, t)?)),
            (None, Some(st)) => Ok(ListItemDecl::Anonymous(Box::new(st))),
            _ => Err(self.invalid(el, path, "xs:list needs exactly one of itemType and an xs:simpleType")),
        }
    }

    fn message(&self, el: &Element, path: &str, tns: &str) -> Result<Message> {
        let name = QName::new(tns, self.attr(el, path, "name")?);
        let mut parts = Vec::new();
        for (c, p) in children(el, path) {
            if c.name == "part" {
                let element = match c.attributes.get("element") {
                    Some(v) => Some(self.qname(c, &p, v)?),
                    None => None,
                };
                parts.push(Part {
                    name: self.attr(c, &p, "name")?.to_owned(),
                    element,
                    loc: self.loc(c, &p),
                });
            }
        }
        Ok(Message {
            name,
            parts,
            loc: self.loc(el, path),
        })
    }

    fn port_type(&self, el: &Element, path: &str, tns: &str) -> Result<PortType> {
        let name = QName::new(tns, self.attr(el, path, "name")?);
        let mut operations = Vec::new();
        for (op, p) in children(el, path) {
            if op.name != "operation" {
                continue;
            }
            let mut o = PortOperation {
                name: self.attr(op, &p, "name")?.to_owned(),
                input: None,
                output: None,
                doc: None,
                faults: Vec::new(),
                loc: self.loc(op, &p),
            };
            for (io, iop) in children(op, &p) {
                match io.name.as_str() {
                    "input" => o.input = Some(self.qname(io, &iop, self.attr(io, &iop, "message")?)?),
                    "output" => o.output = Some(self.qname(io, &iop, self.attr(io, &iop, "message")?)?),
                    "documentation" => o.doc = io.get_text().map(|t| t.trim().to_owned()),
                    "fault" => o.faults.push(PortFault {
                        name: self.attr(io, &iop, "name")?.to_owned(),
                        message: self.qname(io, &iop, self.attr(io, &iop, "message")?)?,
                        loc: self.loc(io, &iop),
                    }),
                    _ => {}
                }
            }
            operations.push(o);
        }
        Ok(PortType {
            name,
            operations,
            loc: self.loc(el, path),
        })
    }

    fn binding(&self, el: &Element, path: &str, tns: &str) -> Result<Option<Binding>> {
        let is_soap11 = el
            .children
            .iter()
            .filter_map(XMLNode::as_element)
            .any(|c| c.name == "binding" && c.namespace.as_deref() == Some(WSDL_SOAP_NS));
        if !is_soap11 {
            return Ok(None); // SOAP 1.2 or HTTP bindings: the SDK speaks SOAP 1.1
        }
        let name = QName::new(tns, self.attr(el, path, "name")?);
        let port_type = self.qname(el, path, self.attr(el, path, "type")?)?;
        let mut operations = Vec::new();
        for (op, p) in children(el, path) {
            if op.name != "operation" || op.namespace.as_deref() != Some(WSDL_NS) {
                continue;
            }
            let soap_op = op
                .children
                .iter()
                .filter_map(XMLNode::as_element)
                .find(|c| c.name == "operation" && c.namespace.as_deref() == Some(WSDL_SOAP_NS));
            let soap_action = soap_op
                .and_then(|s| s.attributes.get("soapAction"))
                .cloned()
                .unwrap_or_default();
            if let Some(style) = soap_op.and_then(|s| s.attributes.get("style")) {
                if style != "document" {
                    return Err(self.err(op, &p, ErrorKind::Unsupported(format!("{style} style operations"))));
                }
            }
            let mut faults = Vec::new();
            let (mut input_headers, mut output_headers) = (Vec::new(), Vec::new());
            for (io, iop) in children(op, &p) {
                if io.namespace.as_deref() != Some(WSDL_NS) {
                    continue;
                }
                if io.name == "fault" {
                    faults.push(self.attr(io, &iop, "name")?.to_owned());
                }
                for (body, bp) in children(io, &iop) {
                    if body.namespace.as_deref() != Some(WSDL_SOAP_NS) {
                        continue;
                    }
                    if matches!(body.name.as_str(), "body" | "fault" | "header")
                        && body.attributes.get("use").map(String::as_str) == Some("encoded")
                    {
                        return Err(self.err(
                            body,
                            &bp,
                            ErrorKind::Unsupported("SOAP encoding (use=\"encoded\")".into()),
                        ));
                    }
                    if body.name == "header" {
                        if let Some((hf, hfp)) = children(body, &bp).into_iter().find(|(c, _)| c.name == "headerfault")
                        {
                            return Err(self.err(hf, &hfp, ErrorKind::Unsupported("soap:headerfault".into())));
                        }
                        let header = HeaderPart {
                            message: self.qname(body, &bp, self.attr(body, &bp, "message")?)?,
                            part: self.attr(body, &bp, "part")?.to_owned(),
                            loc: self.loc(body, &bp),
                        };
                        match io.name.as_str() {
                            "input" => input_headers.push(header),
                            "output" => output_headers.push(header),
                            _ => {
                                return Err(self.err(
                                    body,
                                    &bp,
                                    ErrorKind::Unsupported("soap:header in a wsdl:fault".into()),
                                ))
                            }
                        }
                    }
                }
            }
            operations.push(BindingOperation {
                name: self.attr(op, &p, "name")?.to_owned(),
                soap_action,
                faults,
                input_headers,
                output_headers,
                loc: self.loc(op, &p),
            });
        }
        Ok(Some(Binding {
            name,
            port_type,
            operations,
            loc: self.loc(el, path),
        }))
    }

    fn service(&self, el: &Element, path: &str) -> Result<Service> {
        let mut ports = Vec::new();
        for (port, p) in children(el, path) {
            if port.name != "port" {
                continue;
            }
            let address = port
                .children
                .iter()
                .filter_map(XMLNode::as_element)
                .find(|c| c.name == "address" && c.namespace.as_deref() == Some(WSDL_SOAP_NS))
                .and_then(|a| a.attributes.get("location").cloned());
            ports.push(Port {
                name: self.attr(port, &p, "name")?.to_owned(),
                binding: self.qname(port, &p, self.attr(port, &p, "binding")?)?,
                address,
            });
        }
        Ok(Service {
            name: self.attr(el, path, "name")?.to_owned(),
            ports,
        })
    }
}

fn is_xsd(el: &Element, name: &str) -> bool {
    el.name == name && el.namespace.as_deref() == Some(XSD_NS)
}

/// Child elements with their paths: `name[@name='x']` when named, else `name[i]` (1-based among
/// same-named siblings) when there are several, else `name`.
fn children<'e>(el: &'e Element, path: &str) -> Vec<(&'e Element, String)> {
    let elements: Vec<&Element> = el.children.iter().filter_map(XMLNode::as_element).collect();
    // Steps select as XPath does: a named child by element name and name (`element[@name='A']`),
    // another by element name alone (`element`), which selects its named siblings too. `[n]`
    // is appended when the step selects more than one sibling.
    let selector = |c: &'e Element| (c.name.as_str(), c.attributes.get("name").map(String::as_str));
    let mut totals: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    for c in &elements {
        let (element, name) = selector(c);
        *totals.entry((element, None)).or_insert(0) += 1;
        if name.is_some() {
            *totals.entry((element, name)).or_insert(0) += 1;
        }
    }
    let mut seen: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    elements
        .iter()
        .map(|c| {
            let (element, name) = selector(c);
            let mut count = |k| {
                let n = seen.entry(k).or_insert(0);
                *n += 1;
                *n
            };
            let nth_of_element = count((element, None));
            let (mut step, nth, total) = match name {
                Some(name) => (
                    format!("{element}[@name='{name}']"),
                    count((element, Some(name))),
                    totals[&(element, Some(name))],
                ),
                None => (element.to_owned(), nth_of_element, totals[&(element, None)]),
            };
            if total > 1 {
                step.push_str(&format!("[{nth}]"));
            }
            (*c, format!("{path}/{step}"))
        })
        .collect()
}

/// Children that must all be XML Schema elements.
fn xsd_children<'e>(doc: &Doc<'_>, el: &'e Element, path: &str) -> Result<Vec<(&'e Element, String)>> {
    let kids = children(el, path);
    for (c, p) in &kids {
        if c.namespace.as_deref() != Some(XSD_NS) {
            return Err(doc.err(
                c,
                p,
                ErrorKind::Unsupported(format!("<{}> inside an XML Schema declaration", c.name)),
            ));
        }
    }
    Ok(kids)
}

fn documentation(annotation: &Element) -> Option<String> {
    let text: Vec<String> = annotation
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .filter(|c| c.name == "documentation")
        .filter_map(|c| c.get_text().map(|t| t.trim().to_owned()))
        .filter(|t| !t.is_empty())
        .collect();
    (!text.is_empty()).then(|| text.join("\n"))
}

/// `xs:appinfo/ser:DefaultValue/@EmitDefaultValue` (WCF DataContract annotation).
fn emit_default_value(annotation: &Element) -> Option<bool> {
    annotation
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .filter(|c| c.name == "appinfo")
        .flat_map(|a| a.children.iter().filter_map(XMLNode::as_element))
        .find(|d| d.name == "DefaultValue" && d.namespace.as_deref() == Some(SERIALIZATION_NS))
        .and_then(|d| d.attributes.get("EmitDefaultValue"))
        .map(|v| v == "true")
}

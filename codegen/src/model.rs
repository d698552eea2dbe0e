//! Stage 2, model: [`Definitions`] → [`Model`], every reference resolved.
//!
//! The model is what the emitter needs and nothing else: named types with their members in wire
//! order (base members first), the namespace each member element is in, occurrence and
//! nillability, and one entry per operation with its SOAPAction, the wrapper (and child, in the
//! wrapped shape) elements and body types of its input and output, and its declared faults.
//! Message bodies without a named type (a wrapper element's anonymous type) become named
//! types of the model ([`TypeDef::element`]), and so do the anonymous enumerations that are list
//! types' item types ([`TypeKind::Enum`]). Overrides from [`Config`] are applied here, so the emitter never has to
//! know about them.

use std::collections::{HashMap, HashSet};

use crate::config::{Config, MemberRef, StatusValue};
use crate::error::{Error, ErrorKind, Result};
use crate::read::{
    self, ComplexTypeDecl, Definitions, ElementDecl, ListItemDecl, Loc, MaxOccurs, SERIALIZATION_NS, XSD_NS,
};
use crate::QName;

/// The resolved schema and service model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Target namespaces of all schemas, in document order, without duplicates.
    pub namespaces: Vec<String>,
    /// Named types, in document order.
    pub types: Vec<TypeDef>,
    /// Operations of the SOAP 1.1 binding, in binding order.
    pub operations: Vec<Operation>,
    /// The service endpoint, when the WSDL declares one.
    pub service: Option<ServiceInfo>,
    /// What the overrides name that this contract lacks, and operations they do not classify:
    /// reported by the caller, never fatal.
    pub warnings: Vec<String>,
    index: HashMap<QName, usize>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Qualified name.
    pub name: QName,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Which directions reach it.
    pub usage: Usage,
    /// Where it is declared.
    pub loc: Loc,
    /// For a message body type the model makes of a wrapper element's anonymous type: that
    /// element (the type itself has no name in the schema; [`name`](Self::name) is the
    /// element's, made unique among the type names). `None` for the schema's named types.
    pub element: Option<QName>,
    /// For the enumeration the model makes of a list type's anonymous item type: that list
    /// type (the enumeration has no name in the schema; [`name`](Self::name) is the list's
    /// with `Item` appended, made unique among the type names). `None` otherwise.
    pub list: Option<QName>,
}

/// Which messages a type appears in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from an operation's input.
    pub request: bool,
    /// Reachable from an operation's output.
    pub response: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A complex type with a sequence of members.
    Struct(StructType),
    /// A complex type whose only content is one repeated element (a DataContract collection).
    Array(ArrayType),
    /// A simple type restricted to an enumeration. Also the anonymous enumeration that is a
    /// list type's item type (WCF's `[Flags]` enums), which the model names `{List}Item` (with
    /// `2`, `3`, ... appended when a declared type has that name) and lists right after the
    /// list type.
    Enum(EnumType),
    /// A simple type without enumeration: its values are those of the base type.
    Alias(TypeRef),
    /// An `xs:list` simple type: items of a simple type, space-separated on the wire. An
    /// anonymous enumeration as the item type is referred to by the name the model gives it.
    List(TypeRef),
}

/// A complex type.
#[derive(Debug, Clone)]
pub struct StructType {
    /// `complexContent/extension/@base`.
    pub base: Option<QName>,
    /// All members in wire order: the base chain's first, then its own.
    pub members: Vec<Member>,
}

/// A collection type: a wrapper element holding zero or more items.
#[derive(Debug, Clone)]
pub struct ArrayType {
    /// The repeated item element.
    pub item: Member,
}

/// An enumeration.
#[derive(Debug, Clone)]
pub struct EnumType {
    /// Listed values, in schema order.
    pub values: Vec<String>,
}

/// An element in a sequence.
#[derive(Debug, Clone)]
pub struct Member {
    /// Element local name.
    pub name: String,
    /// Element namespace (the declaring schema's for qualified schemas, else empty).
    pub ns: String,
    /// Its type.
    pub ty: TypeRef,
    /// `minOccurs`.
    pub min_occurs: u32,
    /// `maxOccurs`.
    pub max_occurs: MaxOccurs,
    /// `nillable`.
    pub nillable: bool,
    /// DataContract `EmitDefaultValue`, where annotated.
    pub emit_default_value: Option<bool>,
    /// Documentation.
    pub doc: Option<String>,
    /// The type that declares the member (differs from the owner for inherited members).
    pub declared_in: QName,
    /// The value must be boxed: the member's type contains the owner.
    pub boxed: bool,
    /// Sent even when the caller left it unset (an override).
    pub always_sent: bool,
    /// Holds a secret that `Debug` must mask (an override).
    pub secret: bool,
    /// The credential role the runtime fills into this member (an override).
    pub credential: Option<String>,
    /// Where the member element is declared (in the base type's declaration for inherited members).
    pub loc: Loc,
}

impl Member {
    /// More than one occurrence allowed.
    pub fn repeated(&self) -> bool {
        self.max_occurs != MaxOccurs::Bounded(1)
    }
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// An XML Schema or WCF built-in.
    Builtin(Builtin),
    /// A named type of the model.
    Named(QName),
}

/// Built-in value types the generator maps directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Builtin {
    String,
    Boolean,
    Byte,
    Short,
    Int,
    Long,
    UnsignedByte,
    UnsignedShort,
    UnsignedInt,
    UnsignedLong,
    Float,
    Double,
    Decimal,
    DateTime,
    Duration,
    AnyUri,
    /// `xs:base64Binary`: bytes, base64 on the wire.
    Base64Binary,
    /// `xs:hexBinary`: bytes, hexadecimal on the wire.
    HexBinary,
    Date,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GDay,
    GMonthDay,
    Integer,
    NonNegativeInteger,
    PositiveInteger,
    NonPositiveInteger,
    NegativeInteger,
    NormalizedString,
    Token,
    Language,
    Name,
    NcName,
    NmToken,
    Id,
    IdRef,
    Entity,
    AnySimpleType,
    /// `xs:NMTOKENS`: a list of `NMTOKEN`s, space-separated on the wire.
    NmTokens,
    /// `xs:IDREFS`: a list of `IDREF`s.
    IdRefs,
    /// `xs:ENTITIES`: a list of `ENTITY` names.
    Entities,
    /// `xs:QName`: a namespace URI and a local name; `prefix:local` on the wire, resolved
    /// against the declarations in scope at the element holding it.
    QName,
    /// `xs:anyType`, and elements declared without a type (WCF's `object` members): the
    /// element's attributes and content as an XML fragment.
    AnyType,
    /// WCF `ser:guid`.
    Guid,
    /// WCF `ser:char` (a UTF-16 code unit as an integer).
    Char,
}

impl Builtin {
    /// A number held in a Rust primitive (the fixed-size integers, `float` and `double`).
    pub fn is_number(self) -> bool {
        use Builtin::*;
        matches!(
            self,
            Byte | Short | Int | Long | UnsignedByte | UnsignedShort | UnsignedInt | UnsignedLong | Float | Double
        )
    }

    fn from_xsd(local: &str) -> Option<Builtin> {
        Some(match local {
            "string" => Builtin::String,
            "boolean" => Builtin::Boolean,
            "byte" => Builtin::Byte,
            "short" => Builtin::Short,
            "int" => Builtin::Int,
            "long" => Builtin::Long,
            "unsignedByte" => Builtin::UnsignedByte,
            "unsignedShort" => Builtin::UnsignedShort,
            "unsignedInt" => Builtin::UnsignedInt,
            "unsignedLong" => Builtin::UnsignedLong,
            "float" => Builtin::Float,
            "double" => Builtin::Double,
            "decimal" => Builtin::Decimal,
            "dateTime" => Builtin::DateTime,
            "duration" => Builtin::Duration,
            "anyURI" => Builtin::AnyUri,
            "base64Binary" => Builtin::Base64Binary,
            "hexBinary" => Builtin::HexBinary,
            "date" => Builtin::Date,
            "time" => Builtin::Time,
            "gYear" => Builtin::GYear,
            "gYearMonth" => Builtin::GYearMonth,
            "gMonth" => Builtin::GMonth,
            "gDay" => Builtin::GDay,
            "gMonthDay" => Builtin::GMonthDay,
            "integer" => Builtin::Integer,
            "nonNegativeInteger" => Builtin::NonNegativeInteger,
            "positiveInteger" => Builtin::PositiveInteger,
            "nonPositiveInteger" => Builtin::NonPositiveInteger,
            "negativeInteger" => Builtin::NegativeInteger,
            "normalizedString" => Builtin::NormalizedString,
            "token" => Builtin::Token,
            "language" => Builtin::Language,
            "Name" => Builtin::Name,
            "NCName" => Builtin::NcName,
            "NMTOKEN" => Builtin::NmToken,
            "ID" => Builtin::Id,
            "IDREF" => Builtin::IdRef,
            "ENTITY" => Builtin::Entity,
            "anySimpleType" => Builtin::AnySimpleType,
            "QName" => Builtin::QName,
            "anyType" => Builtin::AnyType,
            "NMTOKENS" => Builtin::NmTokens,
            "IDREFS" => Builtin::IdRefs,
            "ENTITIES" => Builtin::Entities,
            _ => return None,
        })
    }

    /// The type's local name as schemas write it (`dateTime`, `unsignedByte`, WCF's `guid`).
    pub fn schema_name(self) -> &'static str {
        match self {
            Builtin::String => "string",
            Builtin::Boolean => "boolean",
            Builtin::Byte => "byte",
            Builtin::Short => "short",
            Builtin::Int => "int",
            Builtin::Long => "long",
            Builtin::UnsignedByte => "unsignedByte",
            Builtin::UnsignedShort => "unsignedShort",
            Builtin::UnsignedInt => "unsignedInt",
            Builtin::UnsignedLong => "unsignedLong",
            Builtin::Float => "float",
            Builtin::Double => "double",
            Builtin::Decimal => "decimal",
            Builtin::DateTime => "dateTime",
            Builtin::Duration => "duration",
            Builtin::AnyUri => "anyURI",
            Builtin::Base64Binary => "base64Binary",
            Builtin::HexBinary => "hexBinary",
            Builtin::Date => "date",
            Builtin::Time => "time",
            Builtin::GYear => "gYear",
            Builtin::GYearMonth => "gYearMonth",
            Builtin::GMonth => "gMonth",
            Builtin::GDay => "gDay",
            Builtin::GMonthDay => "gMonthDay",
            Builtin::Integer => "integer",
            Builtin::NonNegativeInteger => "nonNegativeInteger",
            Builtin::PositiveInteger => "positiveInteger",
            Builtin::NonPositiveInteger => "nonPositiveInteger",
            Builtin::NegativeInteger => "negativeInteger",
            Builtin::NormalizedString => "normalizedString",
            Builtin::Token => "token",
            Builtin::Language => "language",
            Builtin::Name => "Name",
            Builtin::NcName => "NCName",
            Builtin::NmToken => "NMTOKEN",
            Builtin::Id => "ID",
            Builtin::IdRef => "IDREF",
            Builtin::Entity => "ENTITY",
            Builtin::AnySimpleType => "anySimpleType",
            Builtin::QName => "QName",
            Builtin::AnyType => "anyType",
            Builtin::NmTokens => "NMTOKENS",
            Builtin::IdRefs => "IDREFS",
            Builtin::Entities => "ENTITIES",
            Builtin::Guid => "guid",
            Builtin::Char => "char",
        }
    }

    /// WCF's well-known simple types in the Serialization namespace.
    fn from_wcf(local: &str) -> Option<Builtin> {
        Some(match local {
            "guid" => Builtin::Guid,
            "char" => Builtin::Char,
            "duration" => Builtin::Duration,
            _ => return None,
        })
    }
}

/// Why a list of QNames is refused: each item's prefix would need resolving at the element.
const QNAME_ITEMS: &str =
    "xs:QName items (a list of names, each resolved against the element's namespace declarations)";

/// Why an XML Schema built-in the generator does not map is refused.
fn unsupported_builtin(local: &str) -> String {
    format!("built-in type xs:{local}")
}

/// A document/literal message body: the message part's element and the type of what it carries.
///
/// Two shapes: the wrapped one, `<wrapper><child>…body…</child></wrapper>`, when the wrapper's
/// anonymous type has exactly one (non-repeated) child of a named record type (the body is that
/// child's type, [`child`](Self::child) names the child); and the bare one, `<wrapper>…body…</wrapper>`,
/// for every other wrapper (no children: a `void` operation; several: a message contract; a
/// child of simple or collection type), whose anonymous type the model turns into a named body
/// type ([`TypeDef::element`]), and for a part element declared with `type=` a record type.
#[derive(Debug, Clone)]
pub struct Wrapped {
    /// The wrapper element (the message part's element).
    pub wrapper: QName,
    /// The body type: a record type of the model.
    pub body: QName,
    /// The single child of the wrapper carrying the body, in the wrapped shape; `None` when the
    /// wrapper element's own content is the body.
    pub child: Option<Member>,
    /// The message's SOAP header entries (`soap:header` parts), in binding order: each an
    /// optional member named and typed after the part's global element, declared in the
    /// header's message (so overrides name it `{ns}HeaderMessage/Element`).
    pub headers: Vec<Member>,
}

/// An operation of the SOAP binding.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Operation name.
    pub name: String,
    /// The binding's `soapAction`.
    pub soap_action: String,
    /// `wsdl:documentation`.
    pub doc: Option<String>,
    /// Input message.
    pub input: Wrapped,
    /// Output message.
    pub output: Wrapped,
    /// The faults the operation declares (`wsdl:fault`), in portType order.
    pub faults: Vec<FaultInfo>,
    /// Declared read-only in [`Config::read_only_operations`].
    pub read_only: bool,
    /// The request member the runtime creates per call (see [`Config::context_member`]), if
    /// the request type has it.
    pub context: Option<Member>,
    /// Where the response reports service-level failures ([`Config::status`]), for the roles
    /// its type has.
    pub status: Vec<StatusField>,
    /// The published interval between two calls, in milliseconds ([`Config::throttles`]).
    pub published_interval_ms: Option<u32>,
    /// The request's date range the service holds to a window ([`Config::date_windows`]).
    pub date_window: Option<DateWindowField>,
    /// For the operation that reports the account's limits: the record members naming the
    /// operation and holding its interval.
    pub throttle_report: Option<ThrottleReportFields>,
    /// The request and response members that page the operation's list ([`Config::paging`]).
    pub paging: Option<PagingFields>,
}

/// A paged list operation's members, resolved: from the request body type down to the start
/// key and the page size, and from the response body type down to the next page's key.
#[derive(Debug, Clone)]
pub struct PagingFields {
    /// Members down to the request's start key.
    pub start_key: Vec<Member>,
    /// Members down to the request's page size, if declared.
    pub page_size: Option<Vec<Member>>,
    /// Members down to the response's next key.
    pub next_key: Vec<Member>,
    /// The largest page the service answers.
    pub max_page_size: u32,
}

/// A date range in an operation's request, resolved: the members from the request body type
/// down to each end's string value.
#[derive(Debug, Clone)]
pub struct DateWindowField {
    /// Members down to the first day.
    pub from: Vec<Member>,
    /// Members down to the last day.
    pub to: Vec<Member>,
    /// The widest range the service accepts, in days.
    pub max_days: u32,
    /// The record member holding the day the range selects by, if declared.
    pub record_date: Option<String>,
}

/// The record members of a limits report.
#[derive(Debug, Clone)]
pub struct ThrottleReportFields {
    /// The record type.
    pub record: QName,
    /// The string member naming the limited operation.
    pub endpoint: Member,
    /// The numeric member holding its interval in milliseconds.
    pub interval_ms: Member,
}

/// A fault an operation declares: a SOAP fault whose `detail` holds the fault element.
#[derive(Debug, Clone)]
pub struct FaultInfo {
    /// The fault's name (`wsdl:fault/@name`).
    pub name: String,
    /// The detail element (the fault message part's element).
    pub element: QName,
    /// The detail element's record type.
    pub detail: QName,
    /// Where the portType declares it.
    pub loc: Loc,
}

/// One status role resolved on a response type: the members leading to its value.
#[derive(Debug, Clone)]
pub struct StatusField {
    /// The role (`error_flag`, `error_message`, ..., `access_checks`).
    pub role: &'static str,
    /// For access checks, the reason a `false` flag names.
    pub denied: Option<String>,
    /// The members from the response type down to the value, outermost first.
    pub steps: Vec<Member>,
    /// The kind of value at the end.
    pub value: StatusValue,
}

/// The service's SOAP 1.1 endpoint.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    /// Service name.
    pub name: String,
    /// Port name.
    pub port: String,
    /// `soap:address/@location`.
    pub address: String,
}

impl Model {
    /// The base chain of a type, nearest first (empty for types without a base).
    pub fn bases(&self, name: &QName) -> Vec<&QName> {
        let mut out = Vec::new();
        let mut cur = self.get(name);
        while let Some(TypeDef {
            kind: TypeKind::Struct(StructType { base: Some(b), .. }),
            ..
        }) = cur
        {
            if out.contains(&b) {
                break;
            }
            out.push(b);
            cur = self.get(b);
        }
        out
    }

    /// Looks a named type up.
    pub fn get(&self, name: &QName) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.types[i])
    }

    /// Builds the model. Errors name the document of the offending declaration (its
    /// [`Loc::file`]), or `file` when it has none.
    pub fn build(file: &str, defs: &Definitions, config: &Config) -> Result<Model> {
        Builder::new(file, defs, config)?.build()
    }
}

struct Builder<'a> {
    file: &'a str,
    defs: &'a Definitions,
    config: &'a Config,
    /// Named complex types by name, with their schema's element namespace.
    complex: HashMap<QName, (&'a ComplexTypeDecl, String)>,
    simple: HashMap<QName, &'a read::SimpleTypeDecl>,
    elements: HashMap<QName, (&'a ElementDecl, String)>,
    /// For each list type whose item type is an anonymous enumeration: the name the model
    /// gives that enumeration (see [`Builder::list_item_names`]).
    list_items: HashMap<QName, QName>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a str, defs: &'a Definitions, config: &'a Config) -> Result<Self> {
        let mut b = Builder {
            file,
            defs,
            config,
            complex: HashMap::new(),
            simple: HashMap::new(),
            elements: HashMap::new(),
            list_items: HashMap::new(),
        };
        for schema in &defs.schemas {
            let element_ns = if schema.qualified {
                schema.target_ns.clone()
            } else {
                String::new()
            };
            for ct in &schema.complex_types {
                let Some(name) = &ct.name else {
                    return Err(b.err(&ct.loc, ErrorKind::Invalid("a global complexType has no name".into())));
                };
                let q = QName::new(&schema.target_ns, name);
                if b.complex.insert(q.clone(), (ct, element_ns.clone())).is_some() || b.simple.contains_key(&q) {
                    return Err(b.err(&ct.loc, ErrorKind::Invalid(format!("type {q} is declared twice"))));
                }
            }
            for st in &schema.simple_types {
                let q = QName::new(&schema.target_ns, &st.name);
                if b.simple.insert(q.clone(), st).is_some() || b.complex.contains_key(&q) {
                    return Err(b.err(&st.loc, ErrorKind::Invalid(format!("type {q} is declared twice"))));
                }
            }
            for el in &schema.elements {
                // Global elements are always in the target namespace.
                let q = QName::new(&schema.target_ns, &el.name);
                if b.elements.insert(q.clone(), (el, schema.target_ns.clone())).is_some() {
                    return Err(b.err(&el.loc, ErrorKind::Invalid(format!("element {q} is declared twice"))));
                }
            }
        }
        let known: HashSet<&str> = defs.schemas.iter().map(|s| s.target_ns.as_str()).collect();
        for schema in &defs.schemas {
            for (ns, loc) in &schema.imports {
                if !known.contains(ns.as_str()) && ns != XSD_NS {
                    return Err(b.err(
                        loc,
                        ErrorKind::Unresolved {
                            what: "schema import",
                            name: format!("{{{ns}}}"),
                        },
                    ));
                }
            }
        }
        b.list_items = b.list_item_names();
        Ok(b)
    }

    /// Names the anonymous enumerations that are the item types of list types (WCF writes a
    /// `[Flags]` enum so: an `xs:list` of an anonymous `xs:enumeration`): `{List}Item` in the
    /// list's namespace, with `2`, `3`, ... appended while the name is taken by a declared type
    /// or another such enumeration. Schema order, so the names are stable.
    fn list_item_names(&self) -> HashMap<QName, QName> {
        let mut out: HashMap<QName, QName> = HashMap::new();
        let mut taken: HashSet<QName> = HashSet::new();
        for schema in &self.defs.schemas {
            for st in &schema.simple_types {
                let Some(ListItemDecl::Anonymous(item)) = &st.list else {
                    continue;
                };
                if item.enumerations.is_empty() || item.list.is_some() {
                    continue;
                }
                let list = QName::new(&schema.target_ns, &st.name);
                let wanted = format!("{}Item", st.name);
                let mut name = QName::new(&schema.target_ns, &wanted);
                let mut n = 1;
                while self.complex.contains_key(&name) || self.simple.contains_key(&name) || taken.contains(&name) {
                    n += 1;
                    name = QName::new(&schema.target_ns, &format!("{wanted}{n}"));
                }
                taken.insert(name.clone());
                out.insert(list, name);
            }
        }
        out
    }

    fn err(&self, loc: &Loc, kind: ErrorKind) -> Error {
        // A declaration names its own document; a location outside any document (an override)
        // falls back to the file the model was built for.
        let file = if loc.file.is_empty() { self.file } else { &loc.file };
        Error {
            file: file.to_owned(),
            line: loc.line,
            path: loc.path.clone(),
            kind,
        }
    }

    fn build(self) -> Result<Model> {
        let mut namespaces = Vec::new();
        for s in &self.defs.schemas {
            // A schema that only imports others (a multi-document `?wsdl`'s `…/Imports`) declares
            // no element and no type: its namespace never appears on the wire.
            let declares = !(s.complex_types.is_empty() && s.simple_types.is_empty() && s.elements.is_empty());
            if declares && !namespaces.contains(&s.target_ns) {
                namespaces.push(s.target_ns.clone());
            }
        }
        let mut types = Vec::new();
        for schema in &self.defs.schemas {
            let element_ns = if schema.qualified {
                schema.target_ns.clone()
            } else {
                String::new()
            };
            for ct in &schema.complex_types {
                let name = QName::new(&schema.target_ns, ct.name.as_deref().unwrap_or_default());
                let kind = self.complex_kind(&name, ct, &element_ns)?;
                types.push(TypeDef {
                    name,
                    doc: ct.doc.clone(),
                    kind,
                    usage: Usage::default(),
                    loc: ct.loc.clone(),
                    element: None,
                    list: None,
                });
            }
            for st in &schema.simple_types {
                let name = QName::new(&schema.target_ns, &st.name);
                let kind = self.simple_kind(&name, st)?;
                let item = self.anonymous_item_enum(&name, st);
                types.push(TypeDef {
                    name,
                    doc: st.doc.clone(),
                    kind,
                    usage: Usage::default(),
                    loc: st.loc.clone(),
                    element: None,
                    list: None,
                });
                types.extend(item);
            }
        }
        let index = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
        let mut model = Model {
            namespaces,
            types,
            operations: Vec::new(),
            service: None,
            warnings: Vec::new(),
            index,
        };
        let mut warnings = self.check_overrides(&model)?;
        mark_boxed(&mut model);
        model.operations = self.operations(&mut model, &mut warnings)?;
        self.check_secret_names(&model)?;
        model.warnings = warnings;
        model.service = self.service();
        mark_usage(&mut model);
        Ok(model)
    }

    fn type_ref(&self, q: &QName, loc: &Loc) -> Result<TypeRef> {
        if q.ns == XSD_NS {
            return match Builtin::from_xsd(&q.local) {
                Some(b) => Ok(TypeRef::Builtin(b)),
                None => Err(self.err(loc, ErrorKind::Unsupported(unsupported_builtin(&q.local)))),
            };
        }
        if self.complex.contains_key(q) || self.simple.contains_key(q) {
            return Ok(TypeRef::Named(q.clone()));
        }
        Err(self.err(
            loc,
            ErrorKind::Unresolved {
                what: "type",
                name: q.to_string(),
            },
        ))
    }

    fn member(&self, decl: &ElementDecl, ns: &str, declared_in: &QName) -> Result<Member> {
        if let Some(r) = &decl.element_ref {
            // `ref=`: the global element's name, namespace (its schema's target namespace,
            // whatever elementFormDefault says), type and nillability; the particle's occurrence.
            let Some((global, target_ns)) = self.elements.get(r) else {
                return Err(self.err(
                    &decl.loc,
                    ErrorKind::Unresolved {
                        what: "element",
                        name: r.to_string(),
                    },
                ));
            };
            if global.element_ref.is_some() {
                return Err(self.err(&global.loc, ErrorKind::Invalid("a global element with ref=".into())));
            }
            let resolved = ElementDecl {
                name: global.name.clone(),
                element_ref: None,
                type_ref: global.type_ref.clone(),
                inline_type: global.inline_type.clone(),
                min_occurs: decl.min_occurs,
                max_occurs: decl.max_occurs,
                nillable: global.nillable,
                emit_default_value: decl.emit_default_value.or(global.emit_default_value),
                doc: decl.doc.clone().or_else(|| global.doc.clone()),
                loc: decl.loc.clone(),
            };
            return self.member(&resolved, target_ns, declared_in);
        }
        let ty = match (&decl.type_ref, &decl.inline_type) {
            (Some(q), _) => self.type_ref(q, &decl.loc)?,
            (None, Some(_)) => {
                return Err(self.err(
                    &decl.loc,
                    ErrorKind::Unsupported("anonymous complex type on a member element (name the type)".into()),
                ))
            }
            // No type at all: the ur-type, content of any shape.
            (None, None) => TypeRef::Builtin(Builtin::AnyType),
        };
        let always_sent = self
            .config
            .always_send
            .iter()
            .any(|r| r.matches(declared_in, &decl.name));
        let credential = self.config.credential_of(declared_in, &decl.name);
        let secret = credential.is_some_and(|c| c.secret);
        let credential = credential.map(|c| c.role.clone());
        let (min_occurs, nillable) = if always_sent {
            (decl.min_occurs.max(1), false)
        } else {
            (decl.min_occurs, decl.nillable)
        };
        Ok(Member {
            name: decl.name.clone(),
            ns: ns.to_owned(),
            ty,
            min_occurs,
            max_occurs: decl.max_occurs,
            nillable,
            emit_default_value: decl.emit_default_value,
            doc: decl.doc.clone(),
            declared_in: declared_in.clone(),
            boxed: false,
            always_sent,
            secret,
            credential,
            loc: decl.loc.clone(),
        })
    }

    fn complex_kind(&self, name: &QName, ct: &ComplexTypeDecl, element_ns: &str) -> Result<TypeKind> {
        // Base chain, nearest first; detect loops.
        let mut chain: Vec<(QName, &ComplexTypeDecl, String)> = vec![(name.clone(), ct, element_ns.to_owned())];
        let mut cur = ct;
        while let Some(base) = &cur.base {
            if let Some(start) = chain.iter().position(|(n, _, _)| n == base) {
                // Report the loop itself, at its first type (`name` may only lead into it).
                let names: Vec<&str> = chain[start..].iter().map(|(n, _, _)| n.local.as_str()).collect();
                return Err(self.err(
                    &chain[start].1.loc,
                    ErrorKind::Cycle(format!("{base} extends itself: {} → {}", names.join(" → "), base.local)),
                ));
            }
            let Some((decl, ns)) = self.complex.get(base) else {
                return Err(self.err(
                    &cur.loc,
                    ErrorKind::Unresolved {
                        what: "base type",
                        name: base.to_string(),
                    },
                ));
            };
            chain.push((base.clone(), decl, ns.clone()));
            cur = decl;
        }
        let mut members = Vec::new();
        for (owner, decl, ns) in chain.iter().rev() {
            for el in &decl.sequence {
                members.push(self.member(el, ns, owner)?);
            }
        }
        if ct.base.is_none() && members.len() == 1 && members[0].repeated() {
            let item = members.remove(0);
            return Ok(TypeKind::Array(ArrayType { item }));
        }
        Ok(TypeKind::Struct(StructType {
            base: ct.base.clone(),
            members,
        }))
    }

    fn simple_kind(&self, name: &QName, st: &read::SimpleTypeDecl) -> Result<TypeKind> {
        if let Some(item) = &st.list {
            return self.list_item(name, st, item).map(TypeKind::List);
        }
        if !st.enumerations.is_empty() && st.base.ns == XSD_NS && st.base.local == "QName" {
            return Err(self.err(
                &st.loc,
                ErrorKind::Unsupported(format!(
                    "enumeration {name} of xs:QName values (the listed names are prefix-dependent text)"
                )),
            ));
        }
        if !st.enumerations.is_empty() {
            return Ok(TypeKind::Enum(EnumType {
                values: st.enumerations.clone(),
            }));
        }
        if name.ns == SERIALIZATION_NS {
            if let Some(b) = Builtin::from_wcf(&name.local) {
                return Ok(TypeKind::Alias(TypeRef::Builtin(b)));
            }
        }
        let base = self.type_ref(&st.base, &st.loc)?;
        // Follow the chain of restricted simple types (down to an enumeration, a WCF built-in or an
        // XML Schema type): a loop would make the aliases refer to each other forever.
        let mut chain: Vec<(&QName, &read::SimpleTypeDecl)> = vec![(name, st)];
        let mut cur = &st.base;
        while let Some(next) = self.simple.get(cur) {
            if let Some(start) = chain.iter().position(|(n, _)| *n == cur) {
                let names: Vec<&str> = chain[start..].iter().map(|(n, _)| n.local.as_str()).collect();
                return Err(self.err(
                    &chain[start].1.loc,
                    ErrorKind::Cycle(format!("{cur} restricts itself: {} → {}", names.join(" → "), cur.local)),
                ));
            }
            chain.push((cur, next));
            let builtin = cur.ns == SERIALIZATION_NS && Builtin::from_wcf(&cur.local).is_some();
            if !next.enumerations.is_empty() || builtin {
                break;
            }
            cur = &next.base;
        }
        if let TypeRef::Named(b) = &base {
            if self.complex.contains_key(b) {
                return Err(self.err(
                    &st.loc,
                    ErrorKind::Invalid(format!("simple type {name} restricts complex type {b}")),
                ));
            }
        }
        Ok(TypeKind::Alias(base))
    }

    /// The item type of list type `name`: a built-in, an enumeration (named, or anonymous: then
    /// the enumeration [`Builder::anonymous_item_enum`] makes of it) or a restriction. A list of
    /// lists and a complex item are refused.
    fn list_item(&self, name: &QName, st: &read::SimpleTypeDecl, item: &ListItemDecl) -> Result<TypeRef> {
        let refuse = |what: &str| Err(self.err(&st.loc, ErrorKind::Unsupported(format!("list type {name}: {what}"))));
        let r = match item {
            ListItemDecl::Named(q) => self.type_ref(q, &st.loc)?,
            ListItemDecl::Anonymous(d) if d.list.is_some() => return refuse("a list of lists"),
            ListItemDecl::Anonymous(d) => self.type_ref(&d.base, &d.loc)?,
        };
        // An anonymous enumeration is an enumeration of the model, named after the list: what
        // it restricts must be a simple type that is not itself a list (checked below).
        let anonymous_enum = match item {
            ListItemDecl::Anonymous(d) if !d.enumerations.is_empty() => self.list_items.get(name).cloned(),
            _ => None,
        };
        match &r {
            TypeRef::Builtin(Builtin::NmTokens | Builtin::IdRefs | Builtin::Entities) => {
                return refuse("a list of lists")
            }
            TypeRef::Builtin(Builtin::QName) => return refuse(QNAME_ITEMS),
            TypeRef::Builtin(Builtin::AnyType) => return refuse("xs:anyType items (not a simple type)"),
            TypeRef::Named(q) if self.complex.contains_key(q) => {
                return refuse(&format!("item type {q} is a complex type, not a simple one"))
            }
            TypeRef::Named(q) => {
                // Follow restrictions down to what they restrict: a list there is a list of lists.
                let mut cur = q;
                for _ in 0..=self.simple.len() {
                    match self.simple.get(cur) {
                        Some(d) if d.list.is_some() => return refuse("a list of lists"),
                        Some(d) if d.enumerations.is_empty() => cur = &d.base,
                        _ => break,
                    }
                }
                if cur.ns == XSD_NS && matches!(cur.local.as_str(), "NMTOKENS" | "IDREFS" | "ENTITIES") {
                    return refuse("a list of lists");
                }
                if cur.ns == XSD_NS && cur.local == "QName" {
                    return refuse(QNAME_ITEMS);
                }
            }
            TypeRef::Builtin(_) => {}
        }
        Ok(anonymous_enum.map_or(r, TypeRef::Named))
    }

    /// The enumeration of the model that list type `list` has as its item type, when that is
    /// an anonymous enumeration: named per [`Builder::list_item_names`], with the listed
    /// values and the anonymous type's location; `None` for any other simple type.
    fn anonymous_item_enum(&self, list: &QName, st: &read::SimpleTypeDecl) -> Option<TypeDef> {
        let Some(ListItemDecl::Anonymous(item)) = &st.list else {
            return None;
        };
        let name = self.list_items.get(list)?;
        Some(TypeDef {
            name: name.clone(),
            doc: item.doc.clone(),
            kind: TypeKind::Enum(EnumType {
                values: item.enumerations.clone(),
            }),
            usage: Usage::default(),
            loc: item.loc.clone(),
            element: None,
            list: Some(list.clone()),
        })
    }

    /// Checks the overrides against the contract. What they name that the contract lacks is
    /// returned as warnings; a declaration that cannot mean what it says is an error.
    fn check_overrides(&self, model: &Model) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        let struct_member = |r: &MemberRef| match model.get(&r.owner).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s.members.iter().find(|m| r.matches(&m.declared_in, &m.name)),
            _ => None,
        };
        let credentials = self
            .config
            .credentials
            .iter()
            .flat_map(|c| c.members.iter().map(move |m| (format!("credentials.{}", c.role), m)));
        let named = self
            .config
            .always_send
            .iter()
            .map(|m| ("always_send".to_owned(), m))
            .chain(credentials)
            .chain(self.config.not_secret.iter().map(|m| ("not_secret".to_owned(), m)))
            .chain(
                self.config
                    .context_member
                    .iter()
                    .map(|m| ("context_member".to_owned(), m)),
            );
        for b in &self.config.base_views {
            if !matches!(model.get(b).map(|t| &t.kind), Some(TypeKind::Struct(_))) {
                warnings.push(format!(
                    "override base_views names {b}, which this contract lacks: skipped"
                ));
            }
        }
        for (what, r) in named {
            if struct_member(r).is_none() {
                warnings.push(format!("override {what} names {r}, which this contract lacks: skipped"));
            }
        }
        warnings.extend(member_docs_warnings(model, &self.config.member_docs));
        let invalid = |what: &str, msg: String| {
            self.err(
                &Loc {
                    path: format!("overrides/{what}"),
                    line: None,
                    file: String::new(),
                },
                ErrorKind::Invalid(msg),
            )
        };
        for r in &self.config.always_send {
            if struct_member(r).is_some_and(Member::repeated) {
                return Err(invalid("always_send", format!("always_send member {r} is repeated")));
            }
        }
        for c in &self.config.credentials {
            for r in &c.members {
                if let Some(m) = struct_member(r) {
                    if m.repeated() || m.ty != TypeRef::Builtin(Builtin::String) {
                        return Err(invalid(
                            "credentials",
                            format!("credential member {r} must be a single xs:string member"),
                        ));
                    }
                }
            }
        }
        if let Some(r) = &self.config.context_member {
            // The runtime creates the member when unset: only a single member of a complex type
            // that can start from an empty value qualifies.
            if let Some(m) = struct_member(r) {
                let is_struct = matches!(&m.ty, TypeRef::Named(q) if matches!(model.get(q).map(|t| &t.kind), Some(TypeKind::Struct(_))));
                if m.repeated() || !is_struct || m.min_occurs >= 1 && !m.nillable {
                    return Err(invalid(
                        "context_member",
                        format!("context_member {r} must be a single member of a complex type that may be left unset or nil"),
                    ));
                }
            }
        }
        let ops: HashSet<&str> = self
            .defs
            .port_types
            .iter()
            .flat_map(|p| p.operations.iter().map(|o| o.name.as_str()))
            .collect();
        for (what, list) in [
            ("read_only_operations", &self.config.read_only_operations),
            ("write_operations", &self.config.write_operations),
        ] {
            for name in list {
                if !ops.contains(name.as_str()) {
                    warnings.push(format!(
                        "override {what} names operation {name}, which this contract lacks"
                    ));
                }
            }
        }
        if let Some(t) = &self.config.throttles {
            for (name, _) in &t.intervals_ms {
                if !ops.contains(name.as_str()) {
                    warnings.push(format!(
                        "override throttles.intervals_ms names operation {name}, which this contract lacks: skipped"
                    ));
                }
            }
            if let Some(r) = t.report.as_ref().filter(|r| !ops.contains(r.operation.as_str())) {
                warnings.push(format!(
                    "override throttles.report names operation {}, which this contract lacks: limits refresh left out",
                    r.operation
                ));
            }
        }
        for p in &self.config.paging {
            if !ops.contains(p.operation.as_str()) {
                warnings.push(format!(
                    "override paging names operation {}, which this contract lacks: skipped",
                    p.operation
                ));
            }
        }
        for w in &self.config.date_windows {
            if !ops.contains(w.operation.as_str()) {
                warnings.push(format!(
                    "override date_windows names operation {}, which this contract lacks: date-window helper left out",
                    w.operation
                ));
            }
        }
        for p in &self.config.placeholders {
            let id = match model.get(&p.record).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => s.members.iter().find(|m| m.name == p.id),
                _ => {
                    warnings.push(format!(
                        "override placeholders names record {}, which this contract lacks: skipped",
                        p.record
                    ));
                    continue;
                }
            };
            match id {
                None => warnings.push(format!(
                    "override placeholders names {}/{}, which this contract lacks: placeholders of {} are kept",
                    p.record, p.id, p.record
                )),
                Some(m) => {
                    let fits = !m.repeated()
                        && matches!(&m.ty, TypeRef::Builtin(b) if *b == Builtin::String || (b.is_number() && !matches!(b, Builtin::Float | Builtin::Double)));
                    if !fits {
                        return Err(invalid(
                            "placeholders",
                            format!(
                                "placeholder identifier {}/{} must be a single xs:string or integer member",
                                p.record, p.id
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(both) = self
            .config
            .read_only_operations
            .iter()
            .find(|n| self.config.write_operations.contains(n))
        {
            return Err(invalid(
                "read_only_operations",
                format!("operation {both} is declared both read-only and a write"),
            ));
        }
        Ok(warnings)
    }

    /// Refuses a contract with a member named like a declared secret that no declaration
    /// covers: it may hold a credential, and would be printed by `Debug` in clear text.
    fn check_secret_names(&self, model: &Model) -> Result<()> {
        for t in &model.types {
            let TypeKind::Struct(s) = &t.kind else { continue };
            for m in s.members.iter().filter(|m| m.declared_in == t.name) {
                self.check_secret_name(m)?;
            }
        }
        Ok(())
    }

    /// The check of [`check_secret_names`](Self::check_secret_names) for one member.
    fn check_secret_name(&self, m: &Member) -> Result<()> {
        let named_like_a_secret = self
            .config
            .credentials
            .iter()
            .filter(|c| c.secret)
            .flat_map(|c| &c.members)
            .any(|r| r.member == m.name);
        let acknowledged = m.credential.is_some()
            || self
                .config
                .not_secret
                .iter()
                .any(|r| r.matches(&m.declared_in, &m.name));
        if !named_like_a_secret || acknowledged {
            return Ok(());
        }
        Err(self.err(
            &m.loc,
            ErrorKind::Invalid(format!(
                "type {} has a member `{}` named like a declared secret, and no override declares it: \
                 add {}/{} to a [credentials] role (masked) or to not_secret",
                m.declared_in, m.name, m.declared_in, m.name
            )),
        ))
    }

    /// Resolves the declared status paths on a response type.
    /// The declared date window of operation `op`, resolved on its request body type; a path
    /// that leads to no string member is a warning and no window.
    fn date_window(
        &self,
        model: &Model,
        op: &str,
        request: &QName,
        warnings: &mut Vec<String>,
    ) -> Option<DateWindowField> {
        let w = self.config.date_windows.iter().find(|w| w.operation == op)?;
        let root = TypeRef::Named(request.clone());
        let from = resolve_path(model, &root, &w.from, StatusValue::Text);
        let to = resolve_path(model, &root, &w.to, StatusValue::Text);
        match (from, to) {
            (Some(from), Some(to)) => Some(DateWindowField {
                from,
                to,
                max_days: w.max_days,
                record_date: w.record_date.clone(),
            }),
            _ => {
                warnings.push(format!(
                    "override date_windows of {op}: {} or {} leads to no string member of the request: date-window helper left out",
                    w.from.join("/"),
                    w.to.join("/")
                ));
                None
            }
        }
    }

    /// The declared paging of operation `op`, resolved on its request and response body types.
    /// The operation is in the contract, so a member it lacks (or of the wrong type) is an
    /// error: a paged list read as one page would look complete and not be.
    fn paging(&self, model: &Model, op: &str, request: &QName, response: &QName) -> Result<Option<PagingFields>> {
        let Some(p) = self.config.paging.iter().find(|p| p.operation == op) else {
            return Ok(None);
        };
        let refuse = |what: &str, path: &[String], side: &str| {
            self.err(
                &Loc::default(),
                ErrorKind::Invalid(format!(
                    "override paging of {op}: {what} `{}` leads to no {side}",
                    path.join("/")
                )),
            )
        };
        let req = TypeRef::Named(request.clone());
        let start_key = resolve_path(model, &req, &p.start_key, StatusValue::Key)
            .ok_or_else(|| refuse("start_key", &p.start_key, "string or integer member of the request"))?;
        let page_size = match &p.page_size {
            Some(path) => Some(
                resolve_path(model, &req, path, StatusValue::Count)
                    .ok_or_else(|| refuse("page_size", path, "integer member of the request"))?,
            ),
            None => None,
        };
        let next_key = resolve_path(model, &TypeRef::Named(response.clone()), &p.next_key, StatusValue::Key)
            .ok_or_else(|| refuse("next_key", &p.next_key, "string or integer member of the response"))?;
        let (Some(a), Some(b)) = (start_key.last(), next_key.last()) else {
            return Err(refuse("start_key", &p.start_key, "member"));
        };
        if a.ty != b.ty {
            return Err(self.err(
                &Loc::default(),
                ErrorKind::Invalid(format!(
                    "override paging of {op}: start_key `{}` and next_key `{}` have different types",
                    p.start_key.join("/"),
                    p.next_key.join("/")
                )),
            ));
        }
        Ok(Some(PagingFields {
            start_key,
            page_size,
            next_key,
            max_page_size: p.max_page_size,
        }))
    }

    /// The limits report's record members, when `op` is the declared report operation and its
    /// response's one collection holds records with both members.
    fn throttle_report(
        &self,
        model: &Model,
        op: &str,
        response: &QName,
        warnings: &mut Vec<String>,
    ) -> Option<ThrottleReportFields> {
        let r = self.config.throttles.as_ref()?.report.as_ref()?;
        if r.operation != op {
            return None;
        }
        let found = (|| {
            let TypeKind::Struct(s) = &model.get(response)?.kind else {
                return None;
            };
            let mut items = s.members.iter().filter_map(|m| match &m.ty {
                TypeRef::Named(q) if !m.repeated() => match &model.get(q)?.kind {
                    TypeKind::Array(a) => Some(a.item.clone()),
                    _ => None,
                },
                _ => None,
            });
            let (Some(item), None) = (items.next(), items.next()) else {
                return None;
            };
            let TypeRef::Named(record) = &item.ty else { return None };
            let TypeKind::Struct(rs) = &model.get(record)?.kind else {
                return None;
            };
            let member = |name: &str| rs.members.iter().find(|m| m.name == name && !m.repeated()).cloned();
            let endpoint = member(&r.endpoint).filter(|m| m.ty == TypeRef::Builtin(Builtin::String))?;
            let interval_ms =
                member(&r.interval_ms).filter(|m| matches!(&m.ty, TypeRef::Builtin(b) if b.is_number()))?;
            Some(ThrottleReportFields {
                record: record.clone(),
                endpoint,
                interval_ms,
            })
        })();
        if found.is_none() {
            warnings.push(format!(
                "override throttles.report: {op}'s result has no single collection of records with {} (string) and {} (number): limits refresh left out",
                r.endpoint, r.interval_ms
            ));
        }
        found
    }

    fn status_fields(&self, model: &Model, response: &TypeRef) -> Vec<StatusField> {
        self.config
            .status
            .declared()
            .into_iter()
            .filter_map(|(role, denied, path, value)| {
                let steps = resolve_path(model, response, path, value)?;
                Some(StatusField {
                    role,
                    denied: denied.map(str::to_owned),
                    steps,
                    value,
                })
            })
            .collect()
    }

    /// The message (or fault) part element of `message`: its name and declaration.
    fn part_element(&self, message: &QName, loc: &Loc) -> Result<(&'a QName, &'a ElementDecl)> {
        let defs: &'a Definitions = self.defs;
        let msg = defs.messages.iter().find(|m| &m.name == message).ok_or_else(|| {
            self.err(
                loc,
                ErrorKind::Unresolved {
                    what: "message",
                    name: message.to_string(),
                },
            )
        })?;
        let [part] = msg.parts.as_slice() else {
            return Err(self.err(
                &msg.loc,
                ErrorKind::Unsupported(format!(
                    "message with {} parts (document/literal wrapped has one)",
                    msg.parts.len()
                )),
            ));
        };
        let Some(element) = &part.element else {
            return Err(self.err(
                &part.loc,
                ErrorKind::Unsupported("message part without element= (rpc style)".into()),
            ));
        };
        let Some((decl, _)) = self.elements.get(element) else {
            return Err(self.err(
                &part.loc,
                ErrorKind::Unresolved {
                    what: "element",
                    name: element.to_string(),
                },
            ));
        };
        if let Some(r) = &decl.element_ref {
            return Err(self.err(
                &decl.loc,
                ErrorKind::Invalid(format!("global element {} with ref={r}", element.local)),
            ));
        }
        Ok((element, *decl))
    }

    /// The element namespace of members declared in the schema of `element`.
    fn schema_element_ns(&self, element: &QName) -> String {
        self.defs
            .schemas
            .iter()
            .find(|s| s.target_ns == element.ns)
            .map(|s| {
                if s.qualified {
                    s.target_ns.clone()
                } else {
                    String::new()
                }
            })
            .unwrap_or_default()
    }

    fn wrapped(
        &self,
        model: &mut Model,
        bodies: &mut HashMap<QName, QName>,
        message: &QName,
        loc: &Loc,
    ) -> Result<Wrapped> {
        let (element, decl) = self.part_element(message, loc)?;
        if let Some(inline) = decl.inline_type.as_deref() {
            if let (None, [child]) = (&inline.base, inline.sequence.as_slice()) {
                let child = self.member(child, &self.schema_element_ns(element), element)?;
                let record = match &child.ty {
                    TypeRef::Named(q) if matches!(model.get(q).map(|t| &t.kind), Some(TypeKind::Struct(_))) => Some(q),
                    _ => None,
                };
                if let (Some(q), false) = (record, child.repeated()) {
                    return Ok(Wrapped {
                        wrapper: element.clone(),
                        body: q.clone(),
                        child: Some(child),
                        headers: Vec::new(),
                    });
                }
            }
        }
        Ok(Wrapped {
            wrapper: element.clone(),
            body: self.element_body(model, bodies, element, decl)?,
            child: None,
            headers: Vec::new(),
        })
    }

    /// The members of a message's `soap:header` parts.
    fn header_members(&self, parts: &[read::HeaderPart]) -> Result<Vec<Member>> {
        let mut out: Vec<Member> = Vec::new();
        for h in parts {
            let msg = self.defs.messages.iter().find(|m| m.name == h.message).ok_or_else(|| {
                self.err(
                    &h.loc,
                    ErrorKind::Unresolved {
                        what: "message",
                        name: h.message.to_string(),
                    },
                )
            })?;
            let part = msg.parts.iter().find(|p| p.name == h.part).ok_or_else(|| {
                self.err(
                    &h.loc,
                    ErrorKind::Unresolved {
                        what: "message part",
                        name: format!("{}/{}", h.message, h.part),
                    },
                )
            })?;
            let Some(element) = &part.element else {
                return Err(self.err(
                    &part.loc,
                    ErrorKind::Unsupported("header part without element= (rpc style)".into()),
                ));
            };
            let Some((decl, _)) = self.elements.get(element) else {
                return Err(self.err(
                    &part.loc,
                    ErrorKind::Unresolved {
                        what: "element",
                        name: element.to_string(),
                    },
                ));
            };
            // A global element is in its schema's target namespace; a header entry is sent
            // only when set.
            let mut m = self.member(decl, &element.ns, &h.message)?;
            m.min_occurs = 0;
            if m.repeated() {
                return Err(self.err(&decl.loc, ErrorKind::Unsupported("repeated header element".into())));
            }
            if out.iter().any(|o| o.name == m.name && o.ns == m.ns) {
                return Err(self.err(
                    &h.loc,
                    ErrorKind::Invalid(format!("header element {element} appears twice in one message")),
                ));
            }
            out.push(m);
        }
        Ok(out)
    }

    /// The record type of what global element `element` holds: its named type, or its
    /// anonymous type made a named body type of the model (once per element).
    fn element_body(
        &self,
        model: &mut Model,
        bodies: &mut HashMap<QName, QName>,
        element: &QName,
        decl: &ElementDecl,
    ) -> Result<QName> {
        let Some(inline) = &decl.inline_type else {
            // `<xs:element name="X" type="tns:XType"/>`: the body is XType, a record.
            let Some(q) = &decl.type_ref else {
                return Err(self.err(
                    &decl.loc,
                    ErrorKind::Unsupported("message element without a type (xs:anyType)".into()),
                ));
            };
            return match self.type_ref(q, &decl.loc)? {
                TypeRef::Named(n) if matches!(model.get(&n).map(|t| &t.kind), Some(TypeKind::Struct(_))) => Ok(n),
                _ => Err(self.err(
                    &decl.loc,
                    ErrorKind::Unsupported(format!(
                        "message element {} of type {q}, which is not a record (complex type with a sequence)",
                        element.local
                    )),
                )),
            };
        };
        if inline.base.is_some() {
            return Err(self.err(
                &inline.loc,
                ErrorKind::Unsupported("wrapper element type with a base type".into()),
            ));
        }
        if let Some(done) = bodies.get(element) {
            return Ok(done.clone());
        }
        // The element's own content is the body: a record type named after the element.
        let mut name = element.clone();
        let mut n = 1;
        while model.get(&name).is_some() || self.simple.contains_key(&name) {
            n += 1;
            name = QName::new(&element.ns, &format!("{}{n}", element.local));
        }
        let schema_ns = self.schema_element_ns(element);
        let mut members = Vec::new();
        for c in &inline.sequence {
            let m = self.member(c, &schema_ns, &name)?;
            if m.repeated() {
                return Err(self.err(
                    &c.loc,
                    ErrorKind::Unsupported(format!(
                        "repeated wrapper child {} (a message body member that repeats)",
                        m.name
                    )),
                ));
            }
            members.push(m);
        }
        let doc = Some(format!(
            "The content of message element `{}`.{}",
            element.local,
            decl.doc.as_deref().map(|d| format!("\n\n{d}")).unwrap_or_default()
        ));
        model.index.insert(name.clone(), model.types.len());
        model.types.push(TypeDef {
            name: name.clone(),
            doc,
            kind: TypeKind::Struct(StructType { base: None, members }),
            usage: Usage::default(),
            loc: inline.loc.clone(),
            element: Some(element.clone()),
            list: None,
        });
        bodies.insert(element.clone(), name.clone());
        Ok(name)
    }

    /// The operation's declared faults, each checked against the binding's.
    fn faults(
        &self,
        model: &mut Model,
        bodies: &mut HashMap<QName, QName>,
        pop: &read::PortOperation,
        bop: &read::BindingOperation,
    ) -> Result<Vec<FaultInfo>> {
        let mut out: Vec<FaultInfo> = Vec::new();
        for f in &pop.faults {
            if !bop.faults.contains(&f.name) {
                return Err(self.err(
                    &bop.loc,
                    ErrorKind::Unresolved {
                        what: "binding fault",
                        name: f.name.clone(),
                    },
                ));
            }
            if out.iter().any(|o| o.name == f.name) {
                return Err(self.err(
                    &f.loc,
                    ErrorKind::Invalid(format!("fault {} is declared twice", f.name)),
                ));
            }
            let (element, decl) = self.part_element(&f.message, &f.loc)?;
            let detail = self.element_body(model, bodies, element, decl)?;
            out.push(FaultInfo {
                name: f.name.clone(),
                element: element.clone(),
                detail,
                loc: f.loc.clone(),
            });
        }
        Ok(out)
    }

    fn operations(&self, model: &mut Model, warnings: &mut Vec<String>) -> Result<Vec<Operation>> {
        let Some(binding) = self.defs.bindings.first() else {
            return Ok(Vec::new());
        };
        // Several SOAP 1.1 bindings of one port type are endpoints of the same operations; of
        // several port types, several services, which one client would call at one address.
        if let Some(other) = self.defs.bindings.iter().find(|b| b.port_type != binding.port_type) {
            return Err(self.err(
                &other.loc,
                ErrorKind::Unsupported(format!(
                    "SOAP 1.1 bindings of several port types ({} and {}): generate from a contract of one",
                    binding.port_type.local, other.port_type.local
                )),
            ));
        }
        let port_type = self
            .defs
            .port_types
            .iter()
            .find(|p| p.name == binding.port_type)
            .ok_or_else(|| {
                self.err(
                    &binding.loc,
                    ErrorKind::Unresolved {
                        what: "portType",
                        name: binding.port_type.to_string(),
                    },
                )
            })?;
        let mut seen = HashSet::new();
        let mut ops = Vec::new();
        let mut bodies = HashMap::new();
        for bop in &binding.operations {
            if !seen.insert(bop.name.as_str()) {
                return Err(self.err(
                    &bop.loc,
                    ErrorKind::Unsupported(format!("overloaded operation {}", bop.name)),
                ));
            }
            let pop = port_type
                .operations
                .iter()
                .find(|o| o.name == bop.name)
                .ok_or_else(|| {
                    self.err(
                        &bop.loc,
                        ErrorKind::Unresolved {
                            what: "portType operation",
                            name: bop.name.clone(),
                        },
                    )
                })?;
            let (Some(input), Some(output)) = (&pop.input, &pop.output) else {
                return Err(self.err(
                    &pop.loc,
                    ErrorKind::Unsupported("one-way or notification operation".into()),
                ));
            };
            let mut input = self.wrapped(model, &mut bodies, input, &pop.loc)?;
            let mut output = self.wrapped(model, &mut bodies, output, &pop.loc)?;
            input.headers = self.header_members(&bop.input_headers)?;
            output.headers = self.header_members(&bop.output_headers)?;
            for h in input.headers.iter().chain(&output.headers) {
                self.check_secret_name(h)?;
            }
            let faults = self.faults(model, &mut bodies, pop, bop)?;
            let context = self
                .config
                .context_member
                .as_ref()
                .and_then(|c| match &model.get(&input.body)?.kind {
                    TypeKind::Struct(s) => s.members.iter().find(|m| c.matches(&m.declared_in, &m.name)).cloned(),
                    _ => None,
                });
            let read_only = self.config.read_only_operations.iter().any(|n| n == &bop.name);
            if !read_only && !self.config.write_operations.iter().any(|n| n == &bop.name) {
                warnings.push(format!("new operation {}: treated as a write, never retried", bop.name));
            }
            let status = self.status_fields(model, &TypeRef::Named(output.body.clone()));
            let published_interval_ms = self
                .config
                .throttles
                .as_ref()
                .and_then(|t| t.intervals_ms.iter().find(|(n, _)| n == &bop.name).map(|(_, ms)| *ms));
            let date_window = self.date_window(model, &bop.name, &input.body, warnings);
            let throttle_report = self.throttle_report(model, &bop.name, &output.body, warnings);
            let paging = self.paging(model, &bop.name, &input.body, &output.body)?;
            ops.push(Operation {
                name: bop.name.clone(),
                soap_action: bop.soap_action.clone(),
                doc: pop.doc.clone(),
                input,
                output,
                faults,
                read_only,
                context,
                status,
                published_interval_ms,
                date_window,
                throttle_report,
                paging,
            });
        }
        for pop in &port_type.operations {
            if !ops.iter().any(|o: &Operation| o.name == pop.name) {
                warnings.push(format!(
                    "portType operation {} has no SOAP 1.1 binding operation: not generated",
                    pop.name
                ));
            }
        }
        let declared = self.config.status.declared();
        for (role, _, path, _) in declared {
            if !ops
                .iter()
                .any(|o| o.status.iter().any(|f| f.role == role && names_of(&f.steps) == *path))
            {
                warnings.push(format!(
                    "override status.{role} path {} leads to no value of its kind in any response: skipped",
                    path.join("/")
                ));
            }
        }
        Ok(ops)
    }

    fn service(&self) -> Option<ServiceInfo> {
        let binding = self.defs.bindings.first()?;
        self.defs.services.iter().find_map(|s| {
            s.ports.iter().find(|p| p.binding == binding.name).and_then(|p| {
                Some(ServiceInfo {
                    name: s.name.clone(),
                    port: p.name.clone(),
                    address: p.address.clone()?,
                })
            })
        })
    }
}

fn names_of(steps: &[Member]) -> Vec<String> {
    steps.iter().map(|m| m.name.clone()).collect()
}

/// Follows a path of member names from `root`: every step but the last is a single member of a
/// complex type; the last must hold a value of kind `value`.
fn resolve_path(model: &Model, root: &TypeRef, path: &[String], value: StatusValue) -> Option<Vec<Member>> {
    let mut steps = Vec::new();
    let mut cur = root.clone();
    for (i, name) in path.iter().enumerate() {
        let TypeRef::Named(q) = &cur else { return None };
        let TypeKind::Struct(s) = &model.get(q)?.kind else {
            return None;
        };
        let m = s.members.iter().find(|m| &m.name == name)?;
        let last = i + 1 == path.len();
        if !last && m.repeated() {
            return None;
        }
        cur = m.ty.clone();
        steps.push(m.clone());
    }
    let last = steps.last()?;
    let is_string = |t: &TypeRef| match t {
        TypeRef::Builtin(b) => *b == Builtin::String,
        TypeRef::Named(q) => matches!(
            model.get(q).map(|t| &t.kind),
            Some(TypeKind::Alias(TypeRef::Builtin(Builtin::String)))
        ),
    };
    let is_integer = |t: &TypeRef| matches!(t, TypeRef::Builtin(b) if b.is_number() && !matches!(b, Builtin::Float | Builtin::Double));
    let fits = match value {
        StatusValue::Flag => !last.repeated() && last.ty == TypeRef::Builtin(Builtin::Boolean),
        StatusValue::Text => !last.repeated() && is_string(&last.ty),
        StatusValue::Key => !last.repeated() && (is_string(&last.ty) || is_integer(&last.ty)),
        StatusValue::Count => !last.repeated() && is_integer(&last.ty),
        StatusValue::TextList => match &last.ty {
            t if last.repeated() => is_string(t),
            TypeRef::Named(q) => match model.get(q).map(|t| &t.kind) {
                Some(TypeKind::Array(a)) => is_string(&a.item.ty),
                _ => false,
            },
            TypeRef::Builtin(_) => false,
        },
    };
    fits.then_some(steps)
}

/// Members whose (non-repeated) type contains the owner again must be boxed.
fn mark_boxed(model: &mut Model) {
    fn direct_struct_edges(model: &Model, t: &TypeDef) -> Vec<QName> {
        match &t.kind {
            TypeKind::Struct(s) => s
                .members
                .iter()
                .filter(|m| !m.repeated())
                .filter_map(|m| match &m.ty {
                    TypeRef::Named(q) if matches!(model.get(q).map(|t| &t.kind), Some(TypeKind::Struct(_))) => {
                        Some(q.clone())
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    let reaches = |model: &Model, from: &QName, target: &QName| {
        let mut stack = vec![from.clone()];
        let mut seen = HashSet::new();
        while let Some(q) = stack.pop() {
            if &q == target {
                return true;
            }
            if seen.insert(q.clone()) {
                if let Some(t) = model.get(&q) {
                    stack.extend(direct_struct_edges(model, t));
                }
            }
        }
        false
    };
    let mut boxes = Vec::new();
    for (ti, t) in model.types.iter().enumerate() {
        if let TypeKind::Struct(s) = &t.kind {
            for (mi, m) in s.members.iter().enumerate() {
                if let TypeRef::Named(q) = &m.ty {
                    if !m.repeated()
                        && matches!(model.get(q).map(|t| &t.kind), Some(TypeKind::Struct(_)))
                        && reaches(model, q, &t.name)
                    {
                        boxes.push((ti, mi));
                    }
                }
            }
        }
    }
    // A member is boxed in every type that has it (the declaring type and all types inheriting
    // it), so a derived struct's base part has exactly the base struct's field types.
    let mut boxed_decls: HashSet<(QName, String)> = HashSet::new();
    for (ti, mi) in boxes {
        if let TypeKind::Struct(s) = &model.types[ti].kind {
            let m = &s.members[mi];
            boxed_decls.insert((m.declared_in.clone(), m.name.clone()));
        }
    }
    for t in &mut model.types {
        if let TypeKind::Struct(s) = &mut t.kind {
            for m in &mut s.members {
                if boxed_decls.contains(&(m.declared_in.clone(), m.name.clone())) {
                    m.boxed = true;
                }
            }
        }
    }
}

/// Marks each type with the directions (request, response) that reach it.
/// The named types of a message's header entries.
fn header_types(w: &Wrapped) -> impl Iterator<Item = &QName> {
    w.headers.iter().filter_map(|m| match &m.ty {
        TypeRef::Named(q) => Some(q),
        TypeRef::Builtin(_) => None,
    })
}

fn mark_usage(model: &mut Model) {
    let mut marks: HashMap<QName, Usage> = HashMap::new();
    for (is_request, roots) in [
        (
            true,
            model
                .operations
                .iter()
                .flat_map(|o| std::iter::once(&o.input.body).chain(header_types(&o.input)))
                .collect::<Vec<_>>(),
        ),
        (
            false,
            model
                .operations
                .iter()
                .flat_map(|o| {
                    std::iter::once(&o.output.body)
                        .chain(o.faults.iter().map(|f| &f.detail))
                        .chain(header_types(&o.output))
                })
                .collect::<Vec<_>>(),
        ),
    ] {
        let mut stack: Vec<QName> = roots.into_iter().cloned().collect();
        let mut seen = HashSet::new();
        while let Some(q) = stack.pop() {
            if !seen.insert(q.clone()) {
                continue;
            }
            let usage = marks.entry(q.clone()).or_default();
            if is_request {
                usage.request = true;
            } else {
                usage.response = true;
            }
            let Some(t) = model.get(&q) else { continue };
            let refs: Vec<&TypeRef> = match &t.kind {
                TypeKind::Struct(s) => s.members.iter().map(|m| &m.ty).collect(),
                TypeKind::Array(a) => vec![&a.item.ty],
                TypeKind::Alias(r) | TypeKind::List(r) => vec![r],
                TypeKind::Enum(_) => vec![],
            };
            stack.extend(refs.into_iter().filter_map(|r| {
                if let TypeRef::Named(q) = r {
                    Some(q.clone())
                } else {
                    None
                }
            }));
        }
    }
    for t in &mut model.types {
        if let Some(u) = marks.get(&t.name) {
            t.usage = *u;
        }
    }
}

/// What the member docs name that the contract lacks: a type (one warning listing its entries),
/// a member of a type that is there, or a pattern's member that no matching type has (one each).
fn member_docs_warnings(model: &Model, docs: &crate::MemberDocs) -> Vec<String> {
    use crate::member_docs::is_pattern;
    use crate::value_rules::glob;
    let structs: Vec<(&str, &StructType)> = model
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some((t.name.local.as_str(), s)),
            _ => None,
        })
        .collect();
    let has = |s: &StructType, member: &str| s.members.iter().any(|m| m.name == member);
    let mut warnings = Vec::new();
    let mut missing_types: Vec<(&str, Vec<&str>)> = Vec::new();
    for (ty, member) in docs.entries.keys() {
        let pattern = is_pattern(ty);
        let owners: Vec<&StructType> = structs
            .iter()
            .filter(|(local, _)| if pattern { glob(ty, local) } else { local == ty })
            .map(|(_, s)| *s)
            .collect();
        if pattern {
            if !owners.iter().any(|s| has(s, member)) {
                warnings.push(format!(
                    "override member_docs names {ty}.{member}, a member no type of this contract matching {ty} has: skipped"
                ));
            }
        } else if owners.is_empty() {
            match missing_types.last_mut() {
                Some((t, list)) if *t == ty.as_str() => list.push(member),
                _ => missing_types.push((ty, vec![member])),
            }
        } else if !owners.iter().any(|s| has(s, member)) {
            warnings.push(format!(
                "override member_docs names {ty}.{member}, which this contract lacks: skipped"
            ));
        }
    }
    for (ty, members) in missing_types {
        warnings.push(format!(
            "override member_docs names type {ty} ({}), which this contract lacks: skipped",
            members.join(", ")
        ));
    }
    warnings
}

//! What the caller tells the generator beyond the WSDL: where the runtime lives, and the
//! service-specific overrides (declared as data, never hard-coded in the emitter).

use crate::QName;

/// A member of a complex type, named by the type that declares it and the element's local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRef {
    /// The declaring type.
    pub owner: QName,
    /// The member element's local name.
    pub member: String,
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
    /// Members holding secrets: the generated `Debug` masks them.
    pub secret: Vec<MemberRef>,
    /// A request member the runtime fills on every call (for example a credentials header); each
    /// request type that has it gets a `RequestContext` impl giving access to it.
    pub context_member: Option<MemberRef>,
    /// Base types whose members the runtime reads from every derived type (for example a
    /// response status header): each derived struct gets an `Inherits<Base>` impl returning a
    /// copy of its base part.
    pub base_views: Vec<QName>,
    /// Operations that only read data (and so may be retried); every other operation is treated
    /// as one that writes.
    pub read_only_operations: Vec<String>,
    /// Cargo feature that enables the opposite direction of each type's codec (encoding of
    /// response-only types, decoding of request-only types), for mock servers and round-trip
    /// tests. `None` emits both directions unconditionally.
    pub other_direction_feature: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            runtime_path: "crate::xml".into(),
            always_send: Vec::new(),
            secret: Vec::new(),
            context_member: None,
            read_only_operations: Vec::new(),
            base_views: Vec::new(),
            other_direction_feature: None,
        }
    }
}

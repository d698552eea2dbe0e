//! The hand-written runtime the generated code calls: value types, the writer and reader, and
//! the traits that tie a generated type or operation to them.
//!
//! Nothing here knows Kareo's schema; the generated module supplies the namespace table and
//! the per-type code.
//!
//! # Dates and times
//!
//! An `xs:dateTime` member is a [`DateTime`], which writes back exactly as it was read (the
//! zone as written, `Z`, an offset or none, and the number of fractional digits). Build one
//! from [`chrono`](crate::values::chrono::NaiveDateTime) values with `.into()` and read it back with
//! [`DateTime::to_naive`], [`DateTime::to_chrono`] or [`DateTime::to_utc`]; [`Date`] and
//! [`Time`] convert to and from chrono's `NaiveDate` and `NaiveTime` the same way:
//!
//! ```
//! use kareo_sdk::ids::{PracticeId, ServiceLocationId};
//! use kareo_sdk::types::{AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType};
//! use kareo_sdk::values::{chrono::TimeDelta, NaiveDate};
//! use kareo_sdk::xml::Zone;
//!
//! let start = NaiveDate::from_ymd_opt(2026, 9, 23).and_then(|d| d.and_hms_opt(13, 0, 0)).ok_or("day")?;
//! let end = start + TimeDelta::minutes(30);
//! let appointment = AppointmentCreate::new(AppointmentCreateRequired {
//!     appointment_status: AppointmentStatus::Scheduled,
//!     appointment_type: AppointmentType::P,
//!     start_time: start.into(), // 2026-09-23T13:00:00, no zone: a wall-clock time
//!     end_time: end.into(),
//!     is_recurring: false,
//!     practice_id: PracticeId::new(1),
//!     service_location_id: ServiceLocationId::new(1),
//! });
//! assert_eq!(appointment.start_time.to_string(), "2026-09-23T13:00:00");
//! assert_eq!(appointment.start_time.zone(), Zone::Unspecified);
//! assert_eq!(appointment.start_time.to_naive()?, start);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Most of Kareo's dates are not `xs:dateTime` but strings in the service's own forms
//! (`6/2/2026`); those are [`values::KareoDate`](crate::values::KareoDate) and
//! [`KareoDateTime`](crate::values::KareoDateTime). The [`values`](crate::values) module's
//! table says which member is which.
//!
//! With the `serde` feature the value types are `Serialize` and `Deserialize`, each in a JSON
//! form that reads back as exactly what was written:
//!
//! | type | JSON |
//! | --- | --- |
//! | [`Nillable`] (a struct member) | absent: the key is left out; nil: `null`; a value: the value |
//! | [`Decimal`], [`Integer`] and its kin | the lexical form as a string (`"1200.0000"`), never a number |
//! | [`DateTime`], [`Date`], [`Time`], `G…`, [`Duration`] | the lexical form as a string, zone form and fraction digits kept |
//! | [`Base64Binary`], [`HexBinary`] | the bytes as a base64 string (standard alphabet, padded) |
//! | [`QNameValue`] | `"{namespace}local"` (Clark notation); `"local"` without a namespace |
//! | [`WcfChar`] | the UTF-16 code unit as a number, as on the wire |
//! | [`Uuid`] | the hyphenated string |
//! | [`AnyXml`] | `{"namespaces": [[prefix, uri], …], "attributes": [[name, value], …], "content": "…"}` |
//! | `f32`/`f64` members | numbers; `NaN`, `INF` and `-INF` as those strings (JSON numbers cannot hold them) |
//! | credential members | `"***"` when set, never the secret (`serde_secret`) |
//! | generated enumerations | the wire text, unlisted values included |
//!
//! Reading is as strict as the XML reader: a text outside the type's lexical space is an
//! error naming the expected type, never quoting the text, and generated structs refuse
//! unknown keys.

mod any;
mod binary;
#[cfg(test)]
pub(crate) mod fixtures;
mod lexical;
mod qname;
mod range;
mod read;
#[cfg(feature = "server-codec")]
mod sample;
#[cfg(feature = "serde")]
mod serde_impls;
mod stream;
mod values;
mod write;

use std::fmt;

pub use any::AnyXml;
pub use binary::{Base64Binary, HexBinary};
pub use lexical::{
    Date, GDay, GMonth, GMonthDay, GYear, GYearMonth, Integer, NegativeInteger, NonNegativeInteger, NonPositiveInteger,
    PositiveInteger, Time,
};
pub use qname::QNameValue;
pub(crate) use range::timeline_cmp;
pub use range::{check_range, RangeBound};
pub use read::{Decode, DecodeError, DecodeErrorKind, Element, Limits, Reader};
#[cfg(feature = "server-codec")]
pub use sample::Sample;
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use serde_impls::serde_struct;
#[cfg(feature = "serde")]
pub use serde_impls::{serde_float, serde_secret};
pub use stream::{ListPath, ListSplitter, Record, Step, StreamLimits};
pub use uuid::Uuid;
pub use values::{DateTime, Decimal, Duration, Nillable, SimpleValue, ValueError, WcfChar, Zone};
pub use write::{Encode, EncodeError, EncodeErrorKind, Writer};

/// XML Schema instance namespace (`xsi:nil`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The XML namespace, bound to the prefix `xml` in every document.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The namespace of namespace declarations (`xmlns`), which no prefix may be bound to.
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// An element namespace: an index into the generated namespace table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ns(pub u8);

impl Ns {
    /// No namespace (an unqualified element).
    pub const NONE: Ns = Ns(u8::MAX);
    /// A namespace that is not in the table (read side only).
    pub const OTHER: Ns = Ns(u8::MAX - 1);
}

/// Wire names of one message: `<element><child>…</child></element>` (wrapped), or
/// `<element>…</element>` (bare: the element's own content is the body, as for `void`
/// operations, message contracts and results of simple or collection type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wrapper {
    /// Namespace of the wrapper element.
    pub ns: Ns,
    /// The wrapper element's local name (the operation name, or `…Response`).
    pub element: &'static str,
    /// The single child carrying the body; `None` when the wrapper element is the body.
    pub child: Option<Child>,
}

/// The child element of a wrapped message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    /// Namespace of the child element.
    pub ns: Ns,
    /// The child element's local name (`request`, `UpdatePatientReq`, `…Result`).
    pub name: &'static str,
}

/// Everything the runtime needs to know about an operation, from the WSDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Operation name.
    pub name: &'static str,
    /// SOAPAction (sent double-quoted).
    pub soap_action: &'static str,
    /// Request message names.
    pub input: Wrapper,
    /// Response message names.
    pub output: Wrapper,
    /// Declared read-only (safe to retry). Every other operation may create, change or delete
    /// data and is never retried once its request may have reached the server.
    pub read_only: bool,
    /// The namespace table of the operation's contract: the schemas' namespaces, which [`Ns`]
    /// indexes, then the SOAP 1.1 envelope's (the generated `MESSAGE_NAMESPACES`).
    pub namespaces: &'static [&'static str],
    /// The service's published limit for this operation: at most one call per this interval
    /// (per account), as the [`ThrottleTable`] states it, without the client's margin.
    pub published_interval: Option<core::time::Duration>,
}

/// What the service publishes about its call limits, from the generator's overrides (the
/// per-operation intervals are in [`OperationInfo::published_interval`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleTable {
    /// Where the table comes from (document and revision); empty when none is declared.
    pub source: &'static str,
    /// Added to every published interval by the client's default limits: a gap of exactly
    /// the interval has been seen to be over the limit.
    pub margin: core::time::Duration,
    /// Text the service's over-limit messages contain (they come as ordinary error answers).
    pub over_limit_text: Option<&'static str>,
    /// How those messages state the interval, with `{ms}` standing for the milliseconds.
    pub interval_pattern: Option<&'static str>,
}

impl ThrottleTable {
    /// No published table.
    pub const NONE: ThrottleTable = ThrottleTable {
        source: "",
        margin: core::time::Duration::ZERO,
        over_limit_text: None,
        interval_pattern: None,
    };

    /// Whether `message` is an over-limit message (it contains
    /// [`over_limit_text`](Self::over_limit_text), ignoring ASCII case).
    pub fn is_over_limit(&self, message: &str) -> bool {
        self.over_limit_text
            .is_some_and(|t| !t.is_empty() && message.to_ascii_lowercase().contains(&t.to_ascii_lowercase()))
    }

    /// How long to wait before calling operation `info` again after an over-limit answer
    /// `message`: the server's `Retry-After` if it sent one, else the interval the message
    /// states, else the published one; plus the [`margin`](Self::margin). `None` when none is
    /// known.
    pub fn wait_after(
        &self,
        info: &OperationInfo,
        message: &str,
        retry_after: Option<core::time::Duration>,
    ) -> Option<core::time::Duration> {
        let base = retry_after
            .or_else(|| self.stated_interval(message))
            .or(info.published_interval)?;
        Some(base.saturating_add(self.margin))
    }

    /// The interval an over-limit message states, if it follows
    /// [`interval_pattern`](Self::interval_pattern).
    pub fn stated_interval(&self, message: &str) -> Option<core::time::Duration> {
        let (before, after) = self.interval_pattern?.split_once("{ms}")?;
        let at = message.find(before)? + before.len();
        let rest = &message[at..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !rest[digits..].starts_with(after) {
            return None;
        }
        rest[..digits].parse().ok().map(core::time::Duration::from_millis)
    }
}

impl OperationInfo {
    /// The schemas' namespaces (declared on every envelope).
    pub fn schema_namespaces(&self) -> &'static [&'static str] {
        let n = self.namespaces.len().saturating_sub(1);
        &self.namespaces[..n]
    }

    /// The [`Ns`] of the SOAP envelope namespace in [`namespaces`](Self::namespaces).
    pub fn soap_ns(&self) -> Ns {
        Ns(self.namespaces.len().saturating_sub(1) as u8)
    }
}

/// A generated operation marker type.
pub trait Operation {
    /// The request: its body type, or a generated message type holding SOAP header entries and
    /// the body.
    type Request: Message + Credentialed + Clone;
    /// The response: its body type, or a generated message type with header entries.
    type Response: MessageDecode + ServiceStatus;
    /// The typed fault details of the operation's contract (the generated `FaultDetail`).
    type Fault: FaultDetails;
    /// Wire names and SOAPAction.
    const INFO: OperationInfo;
    /// Removes placeholder records from a whole response (list operations with a declared
    /// placeholder rule; see [`ListOperation::is_placeholder`]); returns how many it removed.
    fn remove_placeholders(_response: &mut Self::Response) -> usize {
        0
    }
}

/// An operation whose result holds a list that can be read record by record while the
/// response arrives ([`KareoClient::stream`](crate::client::KareoClient::stream)). The
/// generator implements it for every operation whose result type has exactly one collection
/// member (an `ArrayOf…` or a repeated element).
pub trait ListOperation: Operation {
    /// The record type: what the whole response's collection holds.
    type Item: Decode + Send + 'static;
    /// Where the records are in the response.
    const LIST: ListPath;
    /// Takes the records out of a whole response, leaving its collection empty (present and
    /// empty when it was present).
    fn take_items(response: &mut Self::Response) -> Vec<Self::Item>;
    /// The records of a whole response, if its collection is present.
    fn items_mut(response: &mut Self::Response) -> Option<&mut Vec<Self::Item>>;
    /// Whether the record type has a declared placeholder rule (see
    /// [`is_placeholder`](Self::is_placeholder)).
    const HAS_PLACEHOLDERS: bool = false;
    /// The record's identifier, where the overrides declare one for the record type: `None`
    /// when it is absent, nil or blank.
    fn record_id(_item: &Self::Item) -> Option<std::borrow::Cow<'_, str>> {
        None
    }
    /// Whether the record is a placeholder the service sends in place of data (one empty
    /// record for "no match", or one before real rows): for a record type with a declared
    /// identifier, a record without one. Records of other types never are.
    fn is_placeholder(item: &Self::Item) -> bool {
        Self::HAS_PLACEHOLDERS && Self::record_id(item).is_none()
    }

    /// How the operation's results come in pages, where the overrides declare it: each answer
    /// names the next page's key, which the next request sends back. `None`: one answer holds
    /// the whole result.
    const PAGING: Option<Paging> = None;
    /// The key of the page `request` asks for ([`Paging::start_key`]), as text.
    fn page_key(_request: &Self::Request) -> Option<String> {
        None
    }
    /// Sets the page `request` asks for (`None`: the first); an error when `key` is not of the
    /// key member's type.
    fn set_page_key(_request: &mut Self::Request, _key: Option<&str>) -> Result<(), String> {
        Ok(())
    }
    /// The page size `request` asks for ([`Paging::page_size`]), if set.
    fn page_size(_request: &Self::Request) -> Option<i64> {
        None
    }
    /// The key of the page after `response`'s ([`Paging::next_key`]); `None` (absent, nil or
    /// blank) on the last page.
    fn next_page_key(_response: &Self::Response) -> Option<String> {
        None
    }

    /// The request's date range the service holds to a window, where the overrides declare
    /// one ([`DateWindow`]).
    const DATE_WINDOW: Option<DateRange> = None;
    /// Sets the range's ends ([`DateWindow::set_range`]); nothing for other operations.
    fn set_date_range(_request: &mut Self::Request, _from: String, _to: String) {}
    /// The record's day in the range's terms, as text ([`DateWindow::record_date`]).
    fn record_date(_item: &Self::Item) -> Option<&str> {
        None
    }
}

/// How a list operation pages its results ([`ListOperation::PAGING`]): member paths, for
/// messages and docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The request member naming the page to read (`Filter/StartKey`).
    pub start_key: &'static str,
    /// The request member holding the page size (`Filter/BatchSize`), if there is one.
    pub page_size: Option<&'static str>,
    /// The response member naming the next page's key (`Key/nextStartKey`).
    pub next_key: &'static str,
    /// The largest page the service answers.
    pub max_page_size: u32,
}

/// A list operation's date window ([`ListOperation::DATE_WINDOW`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// The member path of the first day.
    pub from: &'static str,
    /// The member path of the last day.
    pub to: &'static str,
    /// The widest range the service accepts, in days.
    pub max_days: u32,
}

/// Removes the placeholder records from a whole response of `O`; returns how many it removed.
pub fn remove_placeholders<O: ListOperation>(response: &mut O::Response) -> usize {
    if !O::HAS_PLACEHOLDERS {
        return 0;
    }
    match O::items_mut(response) {
        Some(items) => {
            let before = items.len();
            items.retain(|item| !O::is_placeholder(item));
            before - items.len()
        }
        None => 0,
    }
}

/// An operation whose request carries a date range that the service holds to a window of
/// [`MAX_DAYS`](Self::MAX_DAYS) days (longer ranges fail or come back empty). The range's ends
/// are strings in the request, as the schema declares them.
pub trait DateWindow: ListOperation {
    /// The widest range the service accepts, in days.
    const MAX_DAYS: u32;
    /// The member path of the first day (`Filter/FromPostingDate`), for messages.
    const FROM: &'static str;
    /// The member path of the last day.
    const TO: &'static str;
    /// The range's ends as set in `request`.
    fn range(request: &Self::Request) -> (Option<&str>, Option<&str>);
    /// Sets the range's ends, creating the members that hold them.
    fn set_range(request: &mut Self::Request, from: String, to: String);
    /// The record's day in the range's terms (the member the overrides name as
    /// `record_date`), as text. Records of the day two windows share are told apart by it;
    /// `None` when undeclared, and then every record of a window is remembered.
    fn record_date(_item: &Self::Item) -> Option<&str> {
        None
    }
}

/// An operation whose list result reports the account's current call limits, one record per
/// limited operation.
pub trait ThrottleReport: ListOperation {
    /// The operation a record limits and its interval, when the record holds both.
    fn limit(item: &Self::Item) -> Option<(&str, core::time::Duration)>;
}

/// What a SOAP message carries: header entries (`soap:header` parts) and a body. Every body
/// type is a message without header entries; the generator writes an impl for the messages of
/// operations whose binding declares header parts.
pub trait Message {
    /// The body's type.
    type Body: Encode;
    /// Whether the message has header entries (a `soap:Header` is written only then).
    const HAS_HEADERS: bool;
    /// The body.
    fn body(&self) -> &Self::Body;
    /// Writes the header entries that are set, in their order.
    fn encode_headers(&self, xw: &mut Writer) -> Result<(), EncodeError>;
}

impl<T: Encode> Message for T {
    type Body = T;
    const HAS_HEADERS: bool = false;
    fn body(&self) -> &T {
        self
    }
    fn encode_headers(&self, _: &mut Writer) -> Result<(), EncodeError> {
        Ok(())
    }
}

/// Reading a message: header entries, then the body. See [`Message`].
pub trait MessageDecode: Sized {
    /// The body's type.
    type Body: Decode;
    /// The header entries read so far (a tuple of member slots; `()` without headers).
    type Headers: Default;
    /// Reads `el`, a child of `soap:Header`, into `headers` if it is one of the message's
    /// header entries; `false` (nothing read) otherwise.
    fn decode_header<'i>(
        headers: &mut Self::Headers,
        xr: &mut Reader<'i>,
        el: &Element<'i>,
    ) -> Result<bool, DecodeError>;
    /// The message from its header entries and body.
    fn assemble(headers: Self::Headers, body: Self::Body) -> Self;
}

impl<T: Decode> MessageDecode for T {
    type Body = T;
    type Headers = ();
    fn decode_header<'i>(_: &mut (), _: &mut Reader<'i>, _: &Element<'i>) -> Result<bool, DecodeError> {
        Ok(false)
    }
    fn assemble(_: (), body: T) -> T {
        body
    }
}

/// The typed details of the SOAP faults a contract declares (`wsdl:fault`): the generated
/// `FaultDetail` enum, one variant per fault element (none when the contract declares none).
pub trait FaultDetails: Sized + fmt::Debug + Clone + PartialEq + Send + Sync + 'static {
    /// Decodes `el`, a child of a fault's `detail`, when it is a declared fault element;
    /// `Ok(None)`, with `el` left unread, when it is not.
    fn decode_detail<'i>(r: &mut Reader<'i>, el: &Element<'i>) -> Result<Option<Self>, DecodeError>;
}

/// Where the values of credential roles come from (a client's settings). Roles are the names
/// the generator's overrides give them (`customer_key`, `user`, ...).
pub trait CredentialSource {
    /// The value for `role`, if there is one.
    fn credential(&self, role: &str) -> Option<&str>;
}

/// A request type (or a member type of one) with the credential members the overrides declare.
/// Generated for every operation's request type; empty where it has none.
pub trait Credentialed {
    /// Fills every credential member the caller left unset from `source` (creating the member
    /// that holds them, such as a credentials header, when it is unset).
    fn fill_credentials(&mut self, source: &dyn CredentialSource);
    /// Calls `visit(role, is_secret, value)` for every credential value held.
    fn visit_credentials(&self, visit: &mut dyn FnMut(&'static str, bool, &str));
    /// Replaces every secret value held with `***` (for logging a copy).
    fn mask_secrets(&mut self);
}

/// A member that may hold a credential value, whatever its shape: `String` (unset when empty),
/// `Option<String>`, `Nillable<String>`.
pub trait CredentialSlot {
    /// Sets `value` if the member is unset (an explicit `Nil` is kept).
    fn fill(&mut self, value: Option<&str>);
    /// The value held, if any.
    fn value(&self) -> Option<&str>;
    /// Replaces the value held, if any, with `***`.
    fn mask(&mut self);
}

impl CredentialSlot for String {
    fn fill(&mut self, value: Option<&str>) {
        if let (true, Some(v)) = (self.is_empty(), value) {
            *self = v.to_owned();
        }
    }
    fn value(&self) -> Option<&str> {
        (!self.is_empty()).then_some(self.as_str())
    }
    fn mask(&mut self) {
        if !self.is_empty() {
            *self = "***".to_owned();
        }
    }
}

impl CredentialSlot for Option<String> {
    fn fill(&mut self, value: Option<&str>) {
        if self.is_none() {
            *self = value.map(str::to_owned);
        }
    }
    fn value(&self) -> Option<&str> {
        self.as_deref()
    }
    fn mask(&mut self) {
        if let Some(v) = self {
            *v = "***".to_owned();
        }
    }
}

impl CredentialSlot for Nillable<String> {
    fn fill(&mut self, value: Option<&str>) {
        if let (true, Some(v)) = (self.is_absent(), value) {
            *self = Nillable::Value(v.to_owned());
        }
    }
    fn value(&self) -> Option<&str> {
        Nillable::value(self).map(String::as_str)
    }
    fn mask(&mut self) {
        if let Nillable::Value(v) = self {
            *v = "***".to_owned();
        }
    }
}

/// A context member left unset is created empty, then filled.
impl<T: Credentialed + Default> Credentialed for Option<T> {
    fn fill_credentials(&mut self, source: &dyn CredentialSource) {
        self.get_or_insert_with(T::default).fill_credentials(source);
    }
    fn visit_credentials(&self, visit: &mut dyn FnMut(&'static str, bool, &str)) {
        if let Some(v) = self {
            v.visit_credentials(visit);
        }
    }
    fn mask_secrets(&mut self) {
        if let Some(v) = self {
            v.mask_secrets();
        }
    }
}

/// A context member left absent is created empty, then filled; an explicit `Nil` is kept.
impl<T: Credentialed + Default> Credentialed for Nillable<T> {
    fn fill_credentials(&mut self, source: &dyn CredentialSource) {
        if self.is_absent() {
            *self = Nillable::Value(T::default());
        }
        if let Nillable::Value(v) = self {
            v.fill_credentials(source);
        }
    }
    fn visit_credentials(&self, visit: &mut dyn FnMut(&'static str, bool, &str)) {
        if let Nillable::Value(v) = self {
            v.visit_credentials(visit);
        }
    }
    fn mask_secrets(&mut self) {
        if let Nillable::Value(v) = self {
            v.mask_secrets();
        }
    }
}

/// A response type, with where it reports service-level failures (declared in the overrides).
/// Generated for every operation's response type; [`Status::default`] where it has none.
pub trait ServiceStatus {
    /// The service-level outcome the response reports.
    fn status(&self) -> Status<'_>;
}

/// What a response says of its own success, by role. `None` and empty lists mean the response
/// does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status<'a> {
    /// `true` when the service reports a failure.
    pub error_flag: Option<bool>,
    /// The failure's message.
    pub error_message: Option<&'a str>,
    /// More detail on the failure.
    pub error_detail: Option<&'a str>,
    /// The access check's message.
    pub access_message: Option<&'a str>,
    /// Permissions the caller lacks.
    pub missing_permissions: Vec<&'a str>,
    /// Access checks in order, by the reason a `false` flag names (`not_authenticated`, ...).
    pub access_checks: Vec<(&'static str, Option<bool>)>,
}

impl Status<'_> {
    /// The reason of the first access check that is explicitly `false`.
    pub fn denied(&self) -> Option<&'static str> {
        self.access_checks
            .iter()
            .find(|(_, v)| *v == Some(false))
            .map(|(r, _)| *r)
    }
}

/// A message type that may extend base type `B` (declared as a base view in the overrides):
/// its base part, read or replaced whatever the operation. Generated for every operation's
/// response type.
pub trait Inherits<B> {
    /// A copy of the members inherited from `B`; `None` if the type does not extend `B`.
    fn base_view(&self) -> Option<B>;
    /// Replaces the members inherited from `B`; `false` (and nothing changed) if the type does
    /// not extend `B`.
    fn set_base(&mut self, base: B) -> bool;
}

/// Strings of a repeated or collection member, for [`Status::missing_permissions`].
pub trait TextItems {
    /// The strings held (nil items left out).
    fn text_items(&self) -> Vec<&str>;
}

impl TextItems for Vec<String> {
    fn text_items(&self) -> Vec<&str> {
        self.iter().map(String::as_str).collect()
    }
}

impl TextItems for Vec<Option<String>> {
    fn text_items(&self) -> Vec<&str> {
        self.iter().flatten().map(String::as_str).collect()
    }
}

/// `Debug` wrapper for secret members: shows whether a value is set, never the value.
pub struct Masked<'a, T>(pub &'a T);

impl fmt::Debug for Masked<'_, Option<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f.write_str("Some(\"***\")"),
            None => f.write_str("None"),
        }
    }
}

impl fmt::Debug for Masked<'_, Nillable<String>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Nillable::Value(_) => f.write_str("Value(\"***\")"),
            Nillable::Nil => f.write_str("Nil"),
            Nillable::Absent => f.write_str("Absent"),
        }
    }
}

impl fmt::Debug for Masked<'_, String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context type with one secret and one plain credential member.
    #[derive(Debug, Default, Clone, PartialEq)]
    struct Header {
        key: Nillable<String>,
        version: Option<String>,
    }

    impl Credentialed for Header {
        fn fill_credentials(&mut self, source: &dyn CredentialSource) {
            CredentialSlot::fill(&mut self.key, source.credential("key"));
            CredentialSlot::fill(&mut self.version, source.credential("version"));
        }
        fn visit_credentials(&self, visit: &mut dyn FnMut(&'static str, bool, &str)) {
            if let Some(v) = CredentialSlot::value(&self.key) {
                visit("key", true, v);
            }
            if let Some(v) = CredentialSlot::value(&self.version) {
                visit("version", false, v);
            }
        }
        fn mask_secrets(&mut self) {
            CredentialSlot::mask(&mut self.key);
        }
    }

    struct Source;

    impl CredentialSource for Source {
        fn credential(&self, role: &str) -> Option<&str> {
            match role {
                "key" => Some("invented-key"),
                "version" => Some("1.0"),
                _ => None,
            }
        }
    }

    #[test]
    fn an_unset_context_member_is_created_then_filled_and_set_values_are_kept() {
        let mut header: Option<Header> = None;
        header.fill_credentials(&Source);
        let filled = header.clone().expect("created");
        assert_eq!(filled.key, Nillable::Value("invented-key".to_owned()));
        assert_eq!(filled.version.as_deref(), Some("1.0"));

        let mut set = Some(Header {
            key: Nillable::Value("callers-key".to_owned()),
            ..Header::default()
        });
        set.fill_credentials(&Source);
        let set = set.expect("kept");
        assert_eq!(set.key, Nillable::Value("callers-key".to_owned()));
        assert_eq!(set.version.as_deref(), Some("1.0"), "unset members are still filled");

        // Absent is created; an explicit nil is the caller's choice and stays nil.
        let mut absent: Nillable<Header> = Nillable::Absent;
        absent.fill_credentials(&Source);
        assert!(absent.value().is_some());
        let mut nil: Nillable<Header> = Nillable::Nil;
        nil.fill_credentials(&Source);
        assert!(nil.is_nil());
        let mut nil_key: Nillable<String> = Nillable::Nil;
        CredentialSlot::fill(&mut nil_key, Some("x"));
        assert!(nil_key.is_nil());
    }

    #[test]
    fn secrets_are_visited_and_masked_plain_values_are_not() {
        let mut header = Some(Header::default());
        header.fill_credentials(&Source);
        let mut seen = Vec::new();
        header.visit_credentials(&mut |role, secret, value| seen.push((role, secret, value.to_owned())));
        assert_eq!(
            seen,
            [
                ("key", true, "invented-key".to_owned()),
                ("version", false, "1.0".to_owned())
            ]
        );
        header.mask_secrets();
        let masked = header.expect("set");
        assert_eq!(masked.key, Nillable::Value("***".to_owned()));
        assert_eq!(masked.version.as_deref(), Some("1.0"));

        let mut empty = String::new();
        CredentialSlot::fill(&mut empty, Some("v"));
        assert_eq!(empty, "v");
        CredentialSlot::mask(&mut empty);
        assert_eq!(empty, "***");
    }
}

//! [`Id`]: an entity's identifier, typed by the entity, whatever form each member sends it in.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use super::InvalidValue;

/// An entity whose records are identified by an [`Id`]: a marker type, never a value.
///
/// The generated `ids` module declares one per entity of the overrides' `[[ids]]` list
/// (`kinds::Patient`, `kinds::Practice`, …) and names each identifier type after it
/// (`PatientId = Id<kinds::Patient>`).
pub trait IdKind: 'static {
    /// The identifier type's name, as users write it (`PatientId`): in `Debug` and errors.
    const TYPE: &'static str;
    /// The entity, in words (`patient`).
    const ENTITY: &'static str;
}

/// The identifier of one record of entity `K`: a patient's, a practice's, an appointment's.
///
/// One type per entity, the same in requests, responses, filters and the mock, so that a
/// practice's ID passed where a service location's is expected does not compile. Members hold
/// identifiers as `int`, `long` or text, as the contract types them; the generated setters
/// write an `Id` in the member's form and the `{member}_value()` accessors read it back from
/// any of them. Kareo's identifiers are 32-bit (`int` wherever the contract first typed them):
/// a `long` member or a text holding a value beyond that is an [`InvalidValue`] naming the
/// member, never a wrapped number.
///
/// An appointment names its practice and its service location, each by its own type, among
/// the members [`AppointmentCreateRequired`](crate::types::AppointmentCreateRequired) names:
///
/// ```
/// use kareo_sdk::ids::{PatientId, PracticeId, ServiceLocationId};
/// use kareo_sdk::types::{AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType};
/// use kareo_sdk::types::PatientSummary;
/// use kareo_sdk::values::NaiveDate;
///
/// let nine = NaiveDate::from_ymd_opt(2030, 1, 15).and_then(|day| day.and_hms_opt(9, 0, 0)).unwrap();
/// let (practice, location) = (PracticeId::new(1), ServiceLocationId::new(3));
/// let visit = AppointmentCreate::new(AppointmentCreateRequired {
///     appointment_status: AppointmentStatus::Scheduled,
///     appointment_type: AppointmentType::P,
///     start_time: nine.into(),
///     end_time: nine.into(),
///     is_recurring: false,
///     practice_id: practice,
///     service_location_id: location,
/// })
/// .patient_summary(PatientSummary::new().patient_id(PatientId::new(4711)));
/// assert_eq!(visit.practice_id_value()?, Some(practice));
/// assert_eq!(visit.service_location_id_value()?, Some(location));
/// assert_eq!(format!("{location:?} {location}"), "ServiceLocationId(3) 3");
/// # Ok::<(), kareo_sdk::values::InvalidValue>(())
/// ```
///
/// A practice's ID where the service location's goes does not compile:
///
/// ```compile_fail,E0308
/// # use kareo_sdk::ids::PracticeId;
/// # use kareo_sdk::types::{AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType};
/// # use kareo_sdk::values::NaiveDate;
/// # let nine = NaiveDate::from_ymd_opt(2030, 1, 15).and_then(|day| day.and_hms_opt(9, 0, 0)).unwrap();
/// let practice = PracticeId::new(1);
/// let visit = AppointmentCreate::new(AppointmentCreateRequired {
///     appointment_status: AppointmentStatus::Scheduled,
///     appointment_type: AppointmentType::P,
///     start_time: nine.into(),
///     end_time: nine.into(),
///     is_recurring: false,
///     practice_id: practice,
///     service_location_id: practice, // expected `Id<ServiceLocation>`, found `Id<Practice>`
/// });
/// ```
///
/// and neither does a required member left out:
///
/// ```compile_fail,E0063
/// # use kareo_sdk::ids::PracticeId;
/// # use kareo_sdk::types::{AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType};
/// # use kareo_sdk::values::NaiveDate;
/// # let nine = NaiveDate::from_ymd_opt(2030, 1, 15).and_then(|day| day.and_hms_opt(9, 0, 0)).unwrap();
/// let visit = AppointmentCreate::new(AppointmentCreateRequired {
///     appointment_status: AppointmentStatus::Scheduled,
///     appointment_type: AppointmentType::P,
///     start_time: nine.into(),
///     end_time: nine.into(),
///     is_recurring: false,
///     practice_id: PracticeId::new(1),
/// }); // missing field `service_location_id`
/// ```
pub struct Id<K> {
    value: i32,
    kind: PhantomData<fn() -> K>,
}

impl<K: IdKind> Id<K> {
    /// The identifier `value`.
    pub const fn new(value: i32) -> Self {
        Id {
            value,
            kind: PhantomData,
        }
    }

    /// The number.
    pub const fn get(self) -> i32 {
        self.value
    }

    /// Reads a `long` member's value: an [`InvalidValue`] naming `member` when it does not fit.
    pub fn from_long(member: &'static str, value: i64) -> Result<Self, InvalidValue> {
        from_i64(Some(member), value)
    }

    /// Reads a text member's value: `Ok(None)` when absent, nil or blank (a placeholder record
    /// has no identifier); an [`InvalidValue`] naming `member` when it is not a 32-bit integer.
    pub fn parse_member(member: &'static str, text: Option<&str>) -> Result<Option<Self>, InvalidValue> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => parse(text)
                .map(Some)
                .map_err(|reason| InvalidValue::new(Some(member), "identifier", ID_FORMS, text, reason)),
        }
    }

    /// The identifier of the `int` member `member` of a response, which must be present.
    ///
    /// `None` (absent or nil) is an [`InvalidValue`] naming `member`: a response that should
    /// name a record and does not.
    pub fn required(member: &'static str, value: Option<Self>) -> Result<Self, InvalidValue> {
        value.ok_or_else(|| InvalidValue::new(Some(member), "identifier", ID_FORMS, "", "absent or nil"))
    }
}

const ID_FORMS: &str = "a 32-bit integer, e.g. 4711";
const OUT_OF_RANGE: &str = "out of the 32-bit range of Kareo's identifiers";

/// `value` as an identifier, or an [`InvalidValue`] (naming `member`) beyond 32 bits.
fn from_i64<K: IdKind>(member: Option<&'static str>, value: i64) -> Result<Id<K>, InvalidValue> {
    i32::try_from(value)
        .map(Id::new)
        .map_err(|_| InvalidValue::new(member, "identifier", ID_FORMS, &value.to_string(), OUT_OF_RANGE))
}

fn parse<K: IdKind>(text: &str) -> Result<Id<K>, &'static str> {
    match text.parse::<i64>() {
        Ok(v) => i32::try_from(v).map(Id::new).map_err(|_| OUT_OF_RANGE),
        Err(_) => Err("not an integer"),
    }
}

impl<K: IdKind> FromStr for Id<K> {
    type Err = InvalidValue;

    /// Reads the decimal number (surrounding whitespace allowed).
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        parse(s.trim()).map_err(|reason| InvalidValue::new(None, "identifier", ID_FORMS, s, reason))
    }
}

impl<K: IdKind> From<i32> for Id<K> {
    fn from(value: i32) -> Self {
        Id::new(value)
    }
}

impl<K: IdKind> From<Id<K>> for i32 {
    fn from(id: Id<K>) -> i32 {
        id.value
    }
}

impl<K: IdKind> From<Id<K>> for i64 {
    fn from(id: Id<K>) -> i64 {
        i64::from(id.value)
    }
}

impl<K: IdKind> TryFrom<i64> for Id<K> {
    type Error = InvalidValue;

    fn try_from(value: i64) -> Result<Self, InvalidValue> {
        from_i64(None, value)
    }
}

// Written by hand: derives would require `K: Clone` (and so on) of a marker that is never a value.
impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<K> Eq for Id<K> {}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}
impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

/// `PatientId(4711)`.
impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", K::TYPE, self.value)
    }
}

/// The number, as the service writes it: `4711`.
impl<K: IdKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

/// A JSON number.
#[cfg(feature = "serde")]
impl<K: IdKind> serde::Serialize for Id<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.value)
    }
}

/// A JSON number (32-bit).
#[cfg(feature = "serde")]
impl<'de, K: IdKind> serde::Deserialize<'de> for Id<K> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i32::deserialize(deserializer).map(Id::new)
    }
}

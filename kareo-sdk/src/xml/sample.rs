//! [`Sample`]: a value of a type with every member set, for servers and tests that must answer
//! a schema-valid message (a mock service answering an operation it does not model). The
//! generator implements it for every schema struct and enumeration (`generated::samples`);
//! this module covers the built-ins and the wrappers members are held in.

use super::{
    AnyXml, Base64Binary, Date, DateTime, Decimal, Duration, GDay, GMonth, GMonthDay, GYear, GYearMonth, HexBinary,
    Integer, NegativeInteger, Nillable, NonNegativeInteger, NonPositiveInteger, PositiveInteger, QNameValue,
    SimpleValue, Time, WcfChar,
};

/// A sample value: every member set (collections hold one item), with invented values.
///
/// ```
/// use kareo_sdk::types::PatientData;
/// use kareo_sdk::xml::Sample;
///
/// let patient = PatientData::sample();
/// assert!(patient.first_name.value().is_some());
/// ```
pub trait Sample: Sized {
    /// Nesting of optional members [`sample`](Sample::sample) fills.
    const DEPTH: u32 = 8;

    /// A sample whose optional members are set `depth` levels down and left unset below
    /// (so that recursive types end); required members are always set.
    fn sample_at(depth: u32) -> Self;

    /// A sample with optional members set [`DEPTH`](Sample::DEPTH) levels down.
    fn sample() -> Self {
        Self::sample_at(Self::DEPTH)
    }

    /// The sample of an optional member of a value sampled at `depth`: unset (its default)
    /// at depth 0, a sample one level down otherwise.
    fn optional_at(depth: u32) -> Self
    where
        Self: Default,
    {
        match depth.checked_sub(1) {
            Some(below) => Self::sample_at(below),
            None => Self::default(),
        }
    }
}

impl Sample for String {
    fn sample_at(_: u32) -> Self {
        "sample".to_owned()
    }
}

impl<T: Sample> Sample for Option<T> {
    fn sample_at(depth: u32) -> Self {
        Some(T::sample_at(depth))
    }
}

impl<T: Sample> Sample for Nillable<T> {
    fn sample_at(depth: u32) -> Self {
        Nillable::Value(T::sample_at(depth))
    }
}

impl<T: Sample> Sample for Vec<T> {
    fn sample_at(depth: u32) -> Self {
        vec![T::sample_at(depth)]
    }
}

impl<T: Sample> Sample for Box<T> {
    fn sample_at(depth: u32) -> Self {
        Box::new(T::sample_at(depth))
    }
}

impl Sample for bool {
    fn sample_at(_: u32) -> Self {
        true
    }
}

macro_rules! number_samples {
    ($($t:ty = $v:expr),*) => {$(
        impl Sample for $t {
            fn sample_at(_: u32) -> Self {
                $v
            }
        }
    )*};
}
number_samples!(
    i8 = 1,
    i16 = 1,
    i32 = 1,
    i64 = 1,
    u8 = 1,
    u16 = 1,
    u32 = 1,
    u64 = 1,
    f32 = 1.5,
    f64 = 1.5
);

impl Sample for uuid::Uuid {
    fn sample_at(_: u32) -> Self {
        uuid::Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0001)
    }
}

impl Sample for WcfChar {
    fn sample_at(_: u32) -> Self {
        WcfChar(u16::from(b'A'))
    }
}

impl Sample for Base64Binary {
    fn sample_at(_: u32) -> Self {
        Base64Binary(b"sample".to_vec())
    }
}

impl Sample for HexBinary {
    fn sample_at(_: u32) -> Self {
        HexBinary(b"sample".to_vec())
    }
}

impl Sample for QNameValue {
    fn sample_at(_: u32) -> Self {
        QNameValue::new("urn:sample", "sample")
    }
}

impl Sample for AnyXml {
    fn sample_at(_: u32) -> Self {
        AnyXml::default()
    }
}

/// Values kept in their lexical form: a constant text of each type's lexical space.
macro_rules! lexical_samples {
    ($($t:ty = $text:literal),*) => {$(
        impl Sample for $t {
            fn sample_at(_: u32) -> Self {
                // A constant of the type's lexical space (every one is parsed by a test).
                <$t as SimpleValue>::parse_text($text).expect("a sample text is valid")
            }
        }
    )*};
}
lexical_samples!(
    Decimal = "12.50",
    Duration = "PT1H30M",
    DateTime = "2026-06-02T13:00:00",
    Date = "2026-06-02",
    Time = "13:00:00",
    GYear = "2026",
    GYearMonth = "2026-06",
    GMonth = "--06",
    GDay = "---02",
    GMonthDay = "--06-02",
    Integer = "1",
    NonNegativeInteger = "1",
    PositiveInteger = "1",
    NonPositiveInteger = "0",
    NegativeInteger = "-1"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lexical_sample_is_a_value_of_its_type() {
        assert_eq!(Decimal::sample().as_str(), "12.50");
        assert_eq!(DateTime::sample().to_string(), "2026-06-02T13:00:00");
        assert_eq!(Duration::sample().as_str(), "PT1H30M");
        assert_eq!(Date::sample().as_str(), "2026-06-02");
        assert_eq!(Time::sample().as_str(), "13:00:00");
        assert_eq!(GYear::sample().as_str(), "2026");
        assert_eq!(GYearMonth::sample().as_str(), "2026-06");
        assert_eq!(GMonth::sample().as_str(), "--06");
        assert_eq!(GDay::sample().as_str(), "---02");
        assert_eq!(GMonthDay::sample().as_str(), "--06-02");
        assert_eq!(Integer::sample().as_str(), "1");
        assert_eq!(NonNegativeInteger::sample().as_str(), "1");
        assert_eq!(PositiveInteger::sample().as_str(), "1");
        assert_eq!(NonPositiveInteger::sample().as_str(), "0");
        assert_eq!(NegativeInteger::sample().as_str(), "-1");
    }

    #[test]
    fn wrappers_hold_a_value_and_collections_one_item() {
        assert_eq!(Option::<i32>::sample(), Some(1));
        assert_eq!(Nillable::<String>::sample(), Nillable::Value("sample".to_owned()));
        assert_eq!(Vec::<bool>::sample(), vec![true]);
    }
}

//! Kareo's string-typed values, typed.
//!
//! # Which date-time type
//!
//! Two kinds of member hold dates and times, and each has its type:
//!
//! | the member is | its Rust type | build it from chrono | read it as chrono |
//! | --- | --- | --- | --- |
//! | an `xs:dateTime` in the contract (`StartTime`, `DocumentDate`, `DateofBirth` in requests) | [`xml::DateTime`](crate::xml::DateTime) | `member = at.into()` from a [`NaiveDateTime`] (no zone), [`chrono::DateTime<Utc>`](chrono::DateTime) (`Z`) or [`chrono::DateTime<FixedOffset>`](chrono::DateTime) (its offset) | [`to_naive`](crate::xml::DateTime::to_naive), [`to_chrono`](crate::xml::DateTime::to_chrono), [`to_utc`](crate::xml::DateTime::to_utc) |
//! | an `xs:date` | [`xml::Date`](crate::xml::Date) | `member = day.into()` from a [`NaiveDate`] | [`to_naive`](crate::xml::Date::to_naive) |
//! | an `xs:string` holding a date or date-time, in Kareo's own forms (`6/2/2026`, `9/23/2026 1:00:00 PM`): most of the records' members and the filters | the string; typed through the generated accessors and setters as [`KareoDate`] and [`KareoDateTime`] (below) | [`KareoDate::new`], [`KareoDateTime::new`], or `From` | [`KareoDate::date`], [`KareoDateTime::naive`], [`fixed`](KareoDateTime::fixed), [`utc`](KareoDateTime::utc) |
//!
//! The chrono types themselves are re-exported from here ([`NaiveDate`], [`NaiveDateTime`],
//! [`NaiveTime`], [`FixedOffset`], [`Utc`], and the whole crate as [`chrono`]): chrono's
//! zoned date-time is `values::chrono::DateTime`, never re-exported under the bare name, so
//! that `DateTime` in this crate means one thing, the wire's [`xml::DateTime`](crate::xml::DateTime).
//! A Kareo value and an `xs:dateTime` meet through chrono:
//! `xml::DateTime::from(kareo_value.naive())`.
//!
//! Nearly every scalar member of Kareo's records (`PatientData`, `AppointmentData`,
//! `ChargeData`, ...) is an `xs:string` in the contract, even when it holds a date, an amount
//! of money, a count or a flag. The service writes them in its own forms:
//!
//! | kind | Rust type | forms read |
//! | --- | --- | --- |
//! | date | [`KareoDate`] | `6/2/2026`, `06/02/2026`, `2026-06-02`; a date-time at midnight (`6/2/2026 12:00:00 AM`) |
//! | date-time | [`KareoDateTime`] | `9/23/2026 1:00:00 PM`, `2026-09-23T13:00:00`, with `.fff…`, `Z` or `±hh:mm`; a date alone |
//! | money | [`Decimal`] | `1200.00`, `1200.0000`, `-12.5` (the scale is kept; up to 28 fractional digits) |
//! | integer | [`i64`] | `42`, `-7` |
//! | flag | [`KareoFlag`] | `True`, `False`, `true`, `false`, `1`, `0` |
//!
//! The generated records have an accessor for each member that the overrides
//! (`wsdl/overrides.toml`, section `[values]`) declare to hold one of these kinds, e.g.
//! [`ChargeData::posting_date_value`](crate::types::ChargeData::posting_date_value), and request
//! types (filters) a builder setter that takes the typed value and writes the form the service
//! accepts, e.g. [`ChargeFilter::from_posting_date`](crate::types::ChargeFilter::from_posting_date)
//! (`ChargeFilter::new().from_posting_date(day)` writes `6/2/2026`).
//! The generated file lists them all: `kareo-sdk/src/generated/values.rs`.
//!
//! # Nothing is lost
//!
//! - The record keeps the string as received: an accessor parses on demand and never changes it.
//! - A parsed value writes back exactly the text it was read from ([`Display`](fmt::Display)):
//!   a date or date-time keeps its form (US or ISO, zero padding, seconds, the number of
//!   fractional digits, the zone as written: `Z`, an offset, or none), money its scale, a flag
//!   its spelling. Text that could only be written back differently (an integer with a leading
//!   zero, `+5`, `-0`) is refused, not normalised.
//! - Two values are equal when they write the same text; compare [`KareoDate::date`],
//!   [`KareoDateTime::naive`] or [`KareoFlag::get`] to compare what they mean.
//!
//! # Errors
//!
//! Text that does not parse is an [`InvalidValue`] naming the member (`ChargeData/PostingDate`),
//! the kind, the forms accepted and the text itself (these are data members, never
//! credentials; at most [`InvalidValue::MAX_TEXT`] characters of it). An empty string, an absent
//! member and `xsi:nil` are all `Ok(None)`: the service sends empty elements for unset values.
//!
//! # Filters
//!
//! Filter members are strings too. The vendor guide shows `YYYY-MM-DD`; integrators' code that
//! works against the live service sends `M/D/YYYY` (and `M/D/YYYY h:mm:ss AM` for date-times),
//! the form the service itself writes, so values built from chrono types write that:
//! [`KareoDate::new`] gives `6/2/2026`, [`KareoDateTime::new`] `6/2/2026 1:00:00 PM`. Use
//! [`KareoDate::iso`] or [`KareoDateTime::iso`] for the ISO forms.
//!
//! Date filters come in pairs (`From…`/`To…`), and the service wants both ends. `ToDateOfBirth`
//! is exclusive: `From = To = the date of birth` finds nothing. The generated
//! [`PatientFilter::set_date_of_birth_on`](crate::types::PatientFilter::set_date_of_birth_on)
//! sets `[day, day + 1)`, which finds the patients born on that day. A pair whose end reads as
//! earlier than its start is refused before the request is sent ([`check_text_range`],
//! [`Error::InvalidRange`](crate::Error::InvalidRange)); an end equal to its start is sent.
//!
//! # Crates
//!
//! - [`chrono`], with no features: its civil types ([`NaiveDate`], [`NaiveDateTime`],
//!   [`FixedOffset`], [`chrono::DateTime`]) are what the ecosystem exchanges, and without its default
//!   features it brings no clock, no time-zone database and no formatting machinery (the forms
//!   here are parsed and written by this module, which is the only way to keep the padding and
//!   digits as received). `time` would do as well; `chrono` is the one more integrations use.
//! - [`rust_decimal`], with no features: a 96-bit exact decimal that keeps the scale it was
//!   written with (`1200.0000` stays four digits) and is `Copy`; money must never be a float.
//!   `bigdecimal` is unbounded (and pulls in a big-integer crate) where amounts need 28 digits.
//!
//! Both are re-exported ([`chrono`], [`rust_decimal`]) so callers use the same versions.
//!
//! Compile cost, measured on the project's 2-core machine with one job (`-j1`, no incremental):
//! the two crates and what they bring (`num-traits`, `arrayvec`) take 5.1 s of CPU in a dev
//! build (chrono alone 1.4 s) and 10.2 s in a release build. The ~700 generated accessors are
//! `#[inline]`, so they are compiled only where called: the SDK's own build took the same CPU
//! time with and without them (13.1 s in both).

mod date_time;
mod id;
mod number;

use std::fmt;

pub use chrono;
// Not chrono's `DateTime`: in this crate that name is the wire's `xml::DateTime` (see the
// module docs); chrono's is `values::chrono::DateTime`.
pub use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
pub use rust_decimal;
pub use rust_decimal::Decimal;

pub use date_time::{KareoDate, KareoDateTime, Zone};
pub use id::{Id, IdKind};
pub use number::KareoFlag;

/// A kind of value Kareo writes as text: how to read it, and (through
/// [`Display`](fmt::Display)) how to write it back.
///
/// Implemented by [`KareoDate`], [`KareoDateTime`], [`Decimal`] (money), [`i64`] and
/// [`KareoFlag`]. The generated accessors call [`parse_member`] with one of them.
pub trait TextValue: Sized + fmt::Display {
    /// What the value is, for errors (`date`, `money`, ...).
    const KIND: &'static str;
    /// The forms read, for errors.
    const FORMS: &'static str;

    /// Reads the text; the error is the reason, without the text.
    ///
    /// Whatever this accepts, [`Display`](fmt::Display) writes back unchanged.
    fn parse_text(text: &str) -> Result<Self, &'static str>;

    /// Reads the text, as [`parse_text`](Self::parse_text), with an error that holds the text.
    fn parse_value(text: &str) -> Result<Self, InvalidValue> {
        Self::parse_text(text).map_err(|reason| InvalidValue::new(None, Self::KIND, Self::FORMS, text, reason))
    }
}

/// Reads a string member's text as a `T`: `Ok(None)` when the member is absent, nil or empty.
///
/// `member` names it in errors (`ChargeData/PostingDate`). This is what the generated
/// accessors call.
pub fn parse_member<T: TextValue>(member: &'static str, text: Option<&str>) -> Result<Option<T>, InvalidValue> {
    match text {
        None | Some("") => Ok(None),
        Some(text) => T::parse_text(text)
            .map(Some)
            .map_err(|reason| InvalidValue::new(Some(member), T::KIND, T::FORMS, text, reason)),
    }
}

/// Refuses a range of two string members whose end is before its start, as
/// [`xml::check_range`](crate::xml::check_range) does for typed members: both texts are read
/// as a `T` (a [`KareoDate`] or [`KareoDateTime`]), and only when both read and the end is
/// earlier is the range refused. Absent, empty or unreadable text passes: the service judges
/// it.
///
/// The generated `Encode` impls call this for the ranges the overrides declare on string
/// members (filters' `From…`/`To…` pairs), before they write anything of the element.
pub fn check_text_range<T: TextValue + crate::xml::RangeBound>(
    start_name: &'static str,
    end_name: &'static str,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(), crate::xml::EncodeError> {
    let read = |text: Option<&str>| text.filter(|t| !t.is_empty()).and_then(|t| T::parse_text(t).ok());
    crate::xml::check_range(start_name, end_name, read(start).as_ref(), read(end).as_ref())
}

/// The two ends of a filter range that finds one day when its end is exclusive:
/// `[day, day + 1)`, both written `M/D/YYYY`.
///
/// Kareo's `ToDateOfBirth` is exclusive (`From = To = the day` finds nothing). Fails only for
/// the last day chrono can represent.
pub fn exclusive_day_range(day: NaiveDate) -> Result<(KareoDate, KareoDate), InvalidValue> {
    let next = day.succ_opt().ok_or_else(|| {
        InvalidValue::new(
            None,
            KareoDate::KIND,
            KareoDate::FORMS,
            &day.to_string(),
            "the day after it is out of range",
        )
    })?;
    Ok((KareoDate::new(day), KareoDate::new(next)))
}

/// A string member's text that is not a value of the kind the overrides declare for it.
///
/// It names the member, the kind and the forms read, and holds the text (at most
/// [`MAX_TEXT`](Self::MAX_TEXT) characters of it: the record still has all of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    member: Option<&'static str>,
    kind: &'static str,
    forms: &'static str,
    text: String,
    truncated: bool,
    reason: &'static str,
}

impl InvalidValue {
    /// The most characters of the text an error keeps.
    pub const MAX_TEXT: usize = 64;

    fn new(
        member: Option<&'static str>,
        kind: &'static str,
        forms: &'static str,
        text: &str,
        reason: &'static str,
    ) -> Self {
        let end = text.char_indices().nth(Self::MAX_TEXT).map_or(text.len(), |(i, _)| i);
        InvalidValue {
            member,
            kind,
            forms,
            text: text[..end].to_owned(),
            truncated: end < text.len(),
            reason,
        }
    }

    /// The member, as `Type/Member` (`None` when the text was parsed directly, e.g. with
    /// [`str::parse`]).
    pub fn member(&self) -> Option<&'static str> {
        self.member
    }

    /// The kind of value expected (`date`, `date-time`, `money`, `integer`, `flag`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The text, or its first [`MAX_TEXT`](Self::MAX_TEXT) characters.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether [`text`](Self::text) is only the start of the text.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// What is wrong with the text.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(member) = self.member {
            write!(f, "{member}: ")?;
        }
        let more = if self.truncated { "…" } else { "" };
        write!(
            f,
            "\"{}{more}\" is not {} {} ({}): {}",
            self.text.escape_debug(),
            if self.kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            },
            self.kind,
            self.forms,
            self.reason
        )
    }
}

impl std::error::Error for InvalidValue {}

/// Whether `value` writes exactly `text`, without allocating.
pub(crate) fn writes_as(value: &impl fmt::Display, text: &str) -> bool {
    struct Compare<'a>(&'a str);
    impl fmt::Write for Compare<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            match self.0.strip_prefix(s) {
                Some(rest) => {
                    self.0 = rest;
                    Ok(())
                }
                None => Err(fmt::Error),
            }
        }
    }
    let mut cmp = Compare(text);
    fmt::write(&mut cmp, format_args!("{value}")).is_ok() && cmp.0.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_absent_and_nil_are_none() {
        assert_eq!(parse_member::<KareoDate>("T/M", None), Ok(None));
        assert_eq!(parse_member::<KareoDate>("T/M", Some("")), Ok(None));
    }

    #[test]
    fn errors_name_member_kind_and_text() {
        let e = parse_member::<KareoDate>("ChargeData/PostingDate", Some("13/1/2026")).unwrap_err();
        assert_eq!(e.member(), Some("ChargeData/PostingDate"));
        assert_eq!(e.kind(), "date");
        assert_eq!(e.text(), "13/1/2026");
        assert_eq!(e.reason(), "no such day");
        assert_eq!(
            e.to_string(),
            "ChargeData/PostingDate: \"13/1/2026\" is not a date (M/D/YYYY or YYYY-MM-DD, or either at midnight): no such day"
        );
    }

    #[test]
    fn long_texts_are_cut_in_errors() {
        let long = "é".repeat(100);
        let e = parse_member::<i64>("T/M", Some(&long)).unwrap_err();
        assert_eq!(e.text().chars().count(), InvalidValue::MAX_TEXT);
        assert!(e.is_truncated());
        assert_eq!(
            e.to_string(),
            format!(
                "T/M: \"{}…\" is not an integer (digits with an optional '-'): expected digits with an optional '-'",
                "é".repeat(64)
            )
        );
    }

    #[test]
    fn writes_as_compares_whole_text() {
        assert!(writes_as(&12, "12"));
        assert!(!writes_as(&12, "1"));
        assert!(!writes_as(&12, "123"));
    }

    #[test]
    fn text_ranges_are_read_with_the_kind_and_refused_only_when_they_run_backwards() {
        use crate::xml::EncodeErrorKind;
        let check = |from: &str, to: &str| check_text_range::<KareoDate>("FromDay", "ToDay", Some(from), Some(to));
        let e = check("6/2/2026", "2026-06-01").unwrap_err();
        assert_eq!(
            e.kind,
            EncodeErrorKind::RangeEndsBeforeStart {
                start: "FromDay",
                end: "ToDay",
                start_text: "6/2/2026".into(),
                end_text: "2026-06-01".into(),
            }
        );
        assert_eq!(e.to_string(), "`ToDay` (2026-06-01) is before `FromDay` (6/2/2026)");
        assert!(
            check("6/2/2026", "6/2/2026").is_ok(),
            "an equal end is the service's question"
        );
        assert!(check("6/2/2026", "06/03/2026").is_ok());
        // Unreadable, empty or absent ends pass: the service judges them.
        assert!(check("6/2/2026", "yesterday").is_ok());
        assert!(check("6/2/2026", "").is_ok());
        assert!(check_text_range::<KareoDate>("F", "T", None, Some("6/1/2026")).is_ok());

        let times = |from: &str, to: &str| check_text_range::<KareoDateTime>("From", "To", Some(from), Some(to));
        assert!(times("6/2/2026 1:00:00 PM", "6/2/2026 12:59:00 PM").is_err());
        assert!(times("6/2/2026 1:00:00 PM", "2026-06-02T13:00:00").is_ok());
        // A date alone is ordered by day against a date-time: it may mean the whole day.
        assert!(times("6/2/2026 1:00:00 PM", "6/2/2026").is_ok());
        assert!(times("6/2/2026 1:00:00 PM", "6/1/2026").is_err());
        // Instants against each other; an instant and a wall-clock time are not ordered.
        assert!(times("2026-06-02T13:00:00Z", "2026-06-02T14:00:00+02:00").is_err());
        assert!(times("2026-06-02T13:00:00Z", "2026-06-02T12:00:00").is_ok());
    }

    #[test]
    fn exclusive_day_range_spans_one_day() {
        let day = NaiveDate::from_ymd_opt(1980, 12, 31).unwrap();
        let (from, to) = exclusive_day_range(day).unwrap();
        assert_eq!(from.to_string(), "12/31/1980");
        assert_eq!(to.to_string(), "1/1/1981");
        assert!(exclusive_day_range(NaiveDate::MAX).is_err());
    }
}

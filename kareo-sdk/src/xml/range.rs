//! Ranges a request declares: a start member and an end member of one type. One whose end is
//! before its start is refused ([`check_range`]) before any of its element is written.
//!
//! Only a range that provably ends before it starts is refused: an end equal to the start is
//! not (a service may read the end as exclusive), nor are two values that cannot be ordered
//! (one with a zone, the other a wall-clock time without one). The service decides those.

use std::cmp::Ordering;
use std::fmt;

use super::lexical::Date;
use super::values::{DateTime, Zone};
use super::write::{EncodeError, EncodeErrorKind};

/// A value that can bound a range: placed on a timeline, where two values can be ordered, and
/// written (with [`Display`](fmt::Display)) as the text an error quotes.
pub trait RangeBound: fmt::Display {
    /// How `self` is ordered against `other` on the timeline; `None` when they cannot be
    /// ordered (a zone written on one and not on the other, or a value out of range).
    fn range_cmp(&self, other: &Self) -> Option<Ordering>;
}

/// Orders two moments on the timeline: wall-clock times (no zone) against each other, zoned
/// ones as instants; a wall-clock time and an instant cannot be ordered.
pub(crate) fn timeline_cmp(
    a: chrono::NaiveDateTime,
    a_offset: Option<chrono::FixedOffset>,
    b: chrono::NaiveDateTime,
    b_offset: Option<chrono::FixedOffset>,
) -> Option<Ordering> {
    match (a_offset, b_offset) {
        (None, None) => Some(a.cmp(&b)),
        (Some(x), Some(y)) => Some(a.checked_sub_offset(x)?.cmp(&b.checked_sub_offset(y)?)),
        _ => None,
    }
}

fn offset_of(zone: Zone) -> Option<Option<chrono::FixedOffset>> {
    match zone {
        Zone::Unspecified => Some(None),
        Zone::Utc => chrono::FixedOffset::east_opt(0).map(Some),
        Zone::Offset(minutes) => chrono::FixedOffset::east_opt(i32::from(minutes) * 60).map(Some),
    }
}

/// `xs:dateTime`: wall-clock times (no zone) are ordered against each other, zoned values as
/// instants (`10:00:00Z` and `12:00:00+02:00` are the same moment).
impl RangeBound for DateTime {
    fn range_cmp(&self, other: &Self) -> Option<Ordering> {
        timeline_cmp(
            self.to_naive().ok()?,
            self.offset(),
            other.to_naive().ok()?,
            other.offset(),
        )
    }
}

/// `xs:date`: as the start of the day (in its zone, if one is written).
impl RangeBound for Date {
    fn range_cmp(&self, other: &Self) -> Option<Ordering> {
        let start = |d: &Date| d.to_naive().ok().map(|d| d.and_time(chrono::NaiveTime::MIN));
        timeline_cmp(
            start(self)?,
            offset_of(self.zone())?,
            start(other)?,
            offset_of(other.zone())?,
        )
    }
}

/// Refuses a range whose `end` is before its `start`: an
/// [`EncodeErrorKind::RangeEndsBeforeStart`] naming both members (`start_name`, `end_name`)
/// and quoting both values. A range with an end unset, equal to its start, or that cannot be
/// ordered against it ([`RangeBound::range_cmp`]) passes.
///
/// The generated `Encode` impls call this for each range the generator's overrides declare,
/// before they write anything of the element, when the writer
/// [checks ranges](super::Writer::checks_ranges): it does for requests, not for responses.
pub fn check_range<T: RangeBound + ?Sized>(
    start_name: &'static str,
    end_name: &'static str,
    start: Option<&T>,
    end: Option<&T>,
) -> Result<(), EncodeError> {
    let (Some(start), Some(end)) = (start, end) else {
        return Ok(());
    };
    if end.range_cmp(start) != Some(Ordering::Less) {
        return Ok(());
    }
    Err(EncodeError {
        path: Vec::new(),
        kind: EncodeErrorKind::RangeEndsBeforeStart {
            start: start_name,
            end: end_name,
            start_text: start.to_string(),
            end_text: end.to_string(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        s.parse().unwrap()
    }

    fn check(start: &str, end: &str) -> Result<(), EncodeError> {
        check_range("StartTime", "EndTime", Some(&dt(start)), Some(&dt(end)))
    }

    #[test]
    fn an_end_before_the_start_is_refused_naming_both() {
        let e = check("2026-01-01T10:00:00", "2026-01-01T09:00:00").unwrap_err();
        assert_eq!(
            e.kind,
            EncodeErrorKind::RangeEndsBeforeStart {
                start: "StartTime",
                end: "EndTime",
                start_text: "2026-01-01T10:00:00".into(),
                end_text: "2026-01-01T09:00:00".into(),
            }
        );
        assert_eq!(
            e.within("Appointment").within("request").to_string(),
            "request/Appointment: `EndTime` (2026-01-01T09:00:00) is before `StartTime` (2026-01-01T10:00:00)"
        );
    }

    #[test]
    fn equal_later_unset_and_unordered_ends_pass() {
        assert!(check("2026-01-01T10:00:00", "2026-01-01T10:00:00").is_ok());
        assert!(check("2026-01-01T10:00:00", "2026-01-01T10:00:00.5").is_ok());
        assert!(check_range::<DateTime>("S", "E", None, Some(&dt("2026-01-01T10:00:00"))).is_ok());
        assert!(check_range::<DateTime>("S", "E", Some(&dt("2026-01-01T10:00:00")), None).is_ok());
        // A wall-clock time and an instant cannot be ordered: the service decides.
        assert!(check("2026-01-01T10:00:00Z", "2026-01-01T09:00:00").is_ok());
    }

    #[test]
    fn zoned_values_are_ordered_as_instants() {
        // 11:00+02:00 is 09:00Z: before 10:00Z.
        assert!(check("2026-01-01T10:00:00Z", "2026-01-01T11:00:00+02:00").is_err());
        // 09:00-05:00 is 14:00Z: after 10:00Z, though its wall clock reads earlier.
        assert!(check("2026-01-01T10:00:00Z", "2026-01-01T09:00:00-05:00").is_ok());
        // 24:00:00 is the next midnight.
        assert!(check("2026-01-01T23:00:00", "2026-01-01T24:00:00").is_ok());
    }

    #[test]
    fn dates_are_ordered_by_day() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let refused = check_range("From", "To", Some(&d("2026-01-02")), Some(&d("2026-01-01"))).unwrap_err();
        assert!(matches!(refused.kind, EncodeErrorKind::RangeEndsBeforeStart { .. }));
        assert!(check_range("From", "To", Some(&d("2026-01-01")), Some(&d("2026-01-01"))).is_ok());
        assert!(check_range("From", "To", Some(&d("2026-01-01Z")), Some(&d("2026-01-01"))).is_ok());
        // Midnight at +14:00 is 10:00Z the day before.
        assert!(check_range("From", "To", Some(&d("2026-01-01Z")), Some(&d("2026-01-01+14:00"))).is_err());
    }
}

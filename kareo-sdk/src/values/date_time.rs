//! Dates and date-times in the forms Kareo writes: `6/2/2026`, `9/23/2026 1:00:00 PM`, ISO 8601.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

use super::{InvalidValue, TextValue};
use crate::xml::RangeBound;

/// The zone of a [`KareoDateTime`], as written.
///
/// WCF writes a `DateTime` of kind `Unspecified` with no zone, `Utc` with `Z` and `Local` with
/// an offset: which one a value had matters (an unspecified time is not UTC), so it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// No zone written: a wall-clock time (WCF's `DateTimeKind.Unspecified`). The US forms
    /// (`9/23/2026 1:00:00 PM`) and dates alone always have it.
    Unspecified,
    /// `Z`.
    Utc,
    /// `+hh:mm` or `-hh:mm` (`+00:00` is kept apart from `Z`).
    Offset(FixedOffset),
}

/// How the date part is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DateForm {
    /// `M/D/YYYY`; a padded month or day (`06/02/2026`) is kept.
    Us { pad_month: bool, pad_day: bool },
    /// `YYYY-MM-DD`.
    Iso,
}

/// How the time part is written, after the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TimeForm {
    /// `T` between date and time (else a space).
    t: bool,
    /// `h:mm:ss AM`/`PM` (else 24-hour).
    clock12: bool,
    /// A two-digit hour below 10 (`09:05`).
    pad_hour: bool,
    /// Seconds written.
    seconds: bool,
    /// Fractional-second digits written, 0 to 9.
    fraction: u8,
}

/// A date-time Kareo wrote as text, and how it was written: `9/23/2026 1:00:00 PM`,
/// `2026-09-23T13:00:00.1234567Z`, `2026-09-23T13:00:00-05:00`, or a date alone (`6/2/2026`,
/// at midnight).
///
/// [`Display`](fmt::Display) writes exactly the text it was read from: the form (US or ISO,
/// `T` or a space), zero padding, whether seconds were written, the number of fractional
/// digits, and the [`Zone`] as written. Two values are equal when they write the same text;
/// compare [`naive`](Self::naive) (and [`zone`](Self::zone)) for the moment they mean.
///
/// Forms read:
/// - `M/D/YYYY h:mm[:ss] AM|PM` (.NET's en-US form, which Kareo's string members hold; month,
///   day and hour with or without a leading zero), no zone;
/// - `YYYY-MM-DD[T| ]hh:mm[:ss[.f…]]` (1 to 9 fractional digits) followed by nothing, `Z` or
///   `±hh:mm`; the US date with a 24-hour time (`6/2/2026 13:00:00`) too;
/// - a date alone in either form: midnight, [`has_time`](Self::has_time) is `false`.
///
/// Years have four digits (0000 to 9999). Values built from chrono types outside that range
/// write a year this parser does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KareoDateTime {
    at: NaiveDateTime,
    zone: Zone,
    date_form: DateForm,
    time_form: Option<TimeForm>,
}

impl KareoDateTime {
    /// `at` in the form Kareo writes and integrators send: `M/D/YYYY h:mm:ss AM`, no zone
    /// (`9/23/2026 1:00:00 PM`). Fractional seconds are not written in this form (and dropped).
    pub fn new(at: NaiveDateTime) -> KareoDateTime {
        let at = at.with_nanosecond(0).unwrap_or(at);
        KareoDateTime {
            at,
            zone: Zone::Unspecified,
            date_form: DateForm::Us {
                pad_month: false,
                pad_day: false,
            },
            time_form: Some(TimeForm {
                t: false,
                clock12: true,
                pad_hour: false,
                seconds: true,
                fraction: 0,
            }),
        }
    }

    /// `at` in ISO 8601 with `zone`: `YYYY-MM-DDThh:mm:ss`, then seven fractional digits (.NET's
    /// `fffffff`) when there are fractional seconds, or nine when they are finer than 100 ns.
    pub fn iso(at: NaiveDateTime, zone: Zone) -> KareoDateTime {
        let nanos = at.nanosecond() % 1_000_000_000;
        let at = at.with_nanosecond(nanos).unwrap_or(at);
        let fraction = match nanos {
            0 => 0,
            n if n % 100 == 0 => 7,
            _ => 9,
        };
        KareoDateTime {
            at,
            zone,
            date_form: DateForm::Iso,
            time_form: Some(TimeForm {
                t: true,
                clock12: false,
                pad_hour: at.hour() < 10,
                seconds: true,
                fraction,
            }),
        }
    }

    /// The date and wall-clock time as written (in the written zone, if any).
    pub fn naive(&self) -> NaiveDateTime {
        self.at
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.at.date()
    }

    /// The zone as written.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Whether a time was written (`false` for a date alone, which means midnight).
    pub fn has_time(&self) -> bool {
        self.time_form.is_some()
    }

    /// Whether it was written in a US form (`M/D/YYYY`, with or without a time).
    pub fn is_us_form(&self) -> bool {
        matches!(self.date_form, DateForm::Us { .. })
    }

    /// The instant, when a zone was written (`Z` is offset zero); `None` for a wall-clock time.
    pub fn fixed(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let offset = match self.zone {
            Zone::Unspecified => return None,
            Zone::Utc => FixedOffset::east_opt(0)?,
            Zone::Offset(o) => o,
        };
        offset.from_local_datetime(&self.at).single()
    }

    /// The instant in UTC, when a zone was written; `None` for a wall-clock time.
    pub fn utc(&self) -> Option<chrono::DateTime<Utc>> {
        self.fixed().map(|d| d.with_timezone(&Utc))
    }
}

impl From<NaiveDateTime> for KareoDateTime {
    /// As [`KareoDateTime::new`]: `M/D/YYYY h:mm:ss AM`.
    fn from(at: NaiveDateTime) -> Self {
        KareoDateTime::new(at)
    }
}

impl From<NaiveDate> for KareoDateTime {
    /// The date alone, `M/D/YYYY` (midnight).
    fn from(day: NaiveDate) -> Self {
        KareoDate::new(day).into()
    }
}

impl From<KareoDate> for KareoDateTime {
    /// The same text, as a date-time.
    fn from(d: KareoDate) -> Self {
        d.0
    }
}

impl fmt::Display for KareoDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.at.date();
        match self.date_form {
            DateForm::Us { pad_month, pad_day } => {
                write_padded(f, d.month(), pad_month)?;
                f.write_str("/")?;
                write_padded(f, d.day(), pad_day)?;
                write!(f, "/{:04}", d.year())?;
            }
            DateForm::Iso => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())?,
        }
        let Some(t) = self.time_form else {
            return Ok(());
        };
        let time = self.at.time();
        f.write_str(if t.t { "T" } else { " " })?;
        let hour = if t.clock12 {
            match time.hour() % 12 {
                0 => 12,
                h => h,
            }
        } else {
            time.hour()
        };
        write_padded(f, hour, t.pad_hour)?;
        write!(f, ":{:02}", time.minute())?;
        if t.seconds {
            write!(f, ":{:02}", time.second())?;
        }
        if t.fraction > 0 {
            let digits = u32::from(t.fraction);
            let scaled = (time.nanosecond() % 1_000_000_000) / 10u32.pow(9 - digits);
            write!(f, ".{:0width$}", scaled, width = usize::from(t.fraction))?;
        }
        if t.clock12 {
            f.write_str(if time.hour() < 12 { " AM" } else { " PM" })?;
        }
        match self.zone {
            Zone::Unspecified => Ok(()),
            Zone::Utc => f.write_str("Z"),
            Zone::Offset(o) => {
                let secs = o.local_minus_utc();
                let sign = if secs < 0 { '-' } else { '+' };
                let minutes = secs.unsigned_abs() / 60;
                write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
            }
        }
    }
}

fn write_padded(f: &mut fmt::Formatter<'_>, v: u32, pad: bool) -> fmt::Result {
    if pad {
        write!(f, "{v:02}")
    } else {
        write!(f, "{v}")
    }
}

/// A cursor over ASCII text.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// A run of `min..=max` digits: its value and length.
    fn digits(&mut self, min: usize, max: usize, what: &'static str) -> Result<(u32, usize), &'static str> {
        let run = self.b[self.i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run < min || run > max {
            return Err(what);
        }
        let v = self.b[self.i..self.i + run]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        self.i += run;
        Ok((v, run))
    }

    fn eat(&mut self, s: &[u8]) -> bool {
        if self.b[self.i..].starts_with(s) {
            self.i += s.len();
            true
        } else {
            false
        }
    }

    fn rest(&self) -> &[u8] {
        &self.b[self.i..]
    }
}

/// A value padded when written with two digits below 10 (`06`), so that `12` is one form.
fn padded(v: u32, len: usize) -> bool {
    len == 2 && v < 10
}

fn parse(text: &str) -> Result<KareoDateTime, &'static str> {
    const DATE: &str = "expected M/D/YYYY or YYYY-MM-DD";
    let mut c = Cursor {
        b: text.as_bytes(),
        i: 0,
    };
    let (first, first_len) = c.digits(1, 4, DATE)?;
    let (date, date_form) = if first_len <= 2 && c.eat(b"/") {
        let (day, day_len) = c.digits(1, 2, DATE)?;
        if !c.eat(b"/") {
            return Err(DATE);
        }
        let (year, _) = c.digits(4, 4, "expected a four-digit year")?;
        let date = NaiveDate::from_ymd_opt(year as i32, first, day).ok_or("no such day")?;
        let form = DateForm::Us {
            pad_month: padded(first, first_len),
            pad_day: padded(day, day_len),
        };
        (date, form)
    } else if first_len == 4 && c.eat(b"-") {
        let (month, _) = c.digits(2, 2, DATE)?;
        if !c.eat(b"-") {
            return Err(DATE);
        }
        let (day, _) = c.digits(2, 2, DATE)?;
        let date = NaiveDate::from_ymd_opt(first as i32, month, day).ok_or("no such day")?;
        (date, DateForm::Iso)
    } else {
        return Err(DATE);
    };
    if c.rest().is_empty() {
        return Ok(KareoDateTime {
            at: date.and_time(NaiveTime::MIN),
            zone: Zone::Unspecified,
            date_form,
            time_form: None,
        });
    }
    let t = match c.rest()[0] {
        b'T' if date_form == DateForm::Iso => true,
        b' ' => false,
        _ => return Err("expected a space or T and a time after the date"),
    };
    c.i += 1;
    const TIME: &str = "expected a time h:mm[:ss] AM/PM or hh:mm[:ss[.f]]";
    let (hour, hour_len) = c.digits(1, 2, TIME)?;
    if !c.eat(b":") {
        return Err(TIME);
    }
    let (minute, _) = c.digits(2, 2, TIME)?;
    let (second, seconds) = if c.eat(b":") {
        (c.digits(2, 2, TIME)?.0, true)
    } else {
        (0, false)
    };
    let (mut nanos, mut fraction) = (0, 0);
    if seconds && c.eat(b".") {
        let (v, len) = c.digits(1, 9, "expected 1 to 9 fractional-second digits")?;
        nanos = v * 10u32.pow(9 - len as u32);
        fraction = len as u8;
    }
    let clock12 = !t && fraction == 0 && (c.rest() == b" AM" || c.rest() == b" PM");
    let hour24 = if clock12 {
        if !(1..=12).contains(&hour) {
            return Err("the hour of a 12-hour time is 1 to 12");
        }
        let pm = c.rest() == b" PM";
        c.i += 3;
        hour % 12 + if pm { 12 } else { 0 }
    } else {
        hour
    };
    let time = NaiveTime::from_hms_nano_opt(hour24, minute, second, nanos).ok_or("no such time of day")?;
    let zone = if clock12 {
        Zone::Unspecified
    } else {
        parse_zone(c.rest())?
    };
    Ok(KareoDateTime {
        at: date.and_time(time),
        zone,
        date_form,
        time_form: Some(TimeForm {
            t,
            clock12,
            pad_hour: padded(hour, hour_len),
            seconds,
            fraction,
        }),
    })
}

fn parse_zone(b: &[u8]) -> Result<Zone, &'static str> {
    const ZONE: &str = "expected nothing, Z, +hh:mm or -hh:mm after the time";
    match b {
        [] => Ok(Zone::Unspecified),
        b"Z" => Ok(Zone::Utc),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| match (a, b) {
                (b'0'..=b'9', b'0'..=b'9') => Ok(i32::from(a - b'0') * 10 + i32::from(b - b'0')),
                _ => Err(ZONE),
            };
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 23 || m > 59 {
                return Err("zone offset out of range");
            }
            if h == 0 && m == 0 && *sign == b'-' {
                return Err("-00:00 (an unknown offset) is not read; Z or +00:00 is");
            }
            let secs = (h * 60 + m) * 60;
            let secs = if *sign == b'-' { -secs } else { secs };
            FixedOffset::east_opt(secs)
                .map(Zone::Offset)
                .ok_or("zone offset out of range")
        }
        _ => Err(ZONE),
    }
}

impl TextValue for KareoDateTime {
    const KIND: &'static str = "date-time";
    const FORMS: &'static str = "M/D/YYYY h:mm:ss AM, YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm], or a date";

    fn parse_text(text: &str) -> Result<Self, &'static str> {
        parse(text)
    }
}

/// Wall-clock times (no zone) are ordered against each other, zoned values as instants; one of
/// each cannot be ordered. A date alone is ordered against a date-time by day only (the
/// service may read it as the whole day), so `6/2/2026` does not end before `6/2/2026 10:00 AM`.
impl RangeBound for KareoDateTime {
    fn range_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        if self.has_time() != other.has_time() {
            return Some(self.date().cmp(&other.date()));
        }
        let offset = |zone: Zone| match zone {
            Zone::Unspecified => Some(None),
            Zone::Utc => FixedOffset::east_opt(0).map(Some),
            Zone::Offset(o) => Some(Some(o)),
        };
        crate::xml::timeline_cmp(self.at, offset(self.zone)?, other.at, offset(other.zone)?)
    }
}

impl FromStr for KareoDateTime {
    type Err = InvalidValue;

    /// As [`TextValue::parse_value`].
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        Self::parse_value(s)
    }
}

/// A date Kareo wrote as text, and how it was written: `6/2/2026`, `06/02/2026`, `2026-06-02`,
/// or a date-time at midnight (`6/2/2026 12:00:00 AM`, `2026-06-02T00:00:00`), which .NET writes
/// for a date held in a `DateTime`.
///
/// [`Display`](fmt::Display) writes exactly the text it was read from (the midnight time too).
/// Two values are equal when they write the same text; compare [`date`](Self::date) for the day
/// they mean. A time other than midnight is an error: the member holds a date-time, and its
/// text is still in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KareoDate(KareoDateTime);

impl KareoDate {
    /// `day` as `M/D/YYYY` (`6/2/2026`): the form the service writes, and the one integrators'
    /// filters use successfully.
    pub fn new(day: NaiveDate) -> KareoDate {
        KareoDate(KareoDateTime {
            at: day.and_time(NaiveTime::MIN),
            zone: Zone::Unspecified,
            date_form: DateForm::Us {
                pad_month: false,
                pad_day: false,
            },
            time_form: None,
        })
    }

    /// `day` as `YYYY-MM-DD` (the form the vendor guide shows).
    pub fn iso(day: NaiveDate) -> KareoDate {
        KareoDate(KareoDateTime {
            date_form: DateForm::Iso,
            ..KareoDate::new(day).0
        })
    }

    /// The day.
    pub fn date(&self) -> NaiveDate {
        self.0.at.date()
    }

    /// The same text as a date-time (midnight, with the time form and zone as written).
    pub fn as_date_time(&self) -> &KareoDateTime {
        &self.0
    }
}

impl From<NaiveDate> for KareoDate {
    /// As [`KareoDate::new`]: `M/D/YYYY`.
    fn from(day: NaiveDate) -> Self {
        KareoDate::new(day)
    }
}

impl fmt::Display for KareoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TextValue for KareoDate {
    const KIND: &'static str = "date";
    const FORMS: &'static str = "M/D/YYYY or YYYY-MM-DD, or either at midnight";

    fn parse_text(text: &str) -> Result<Self, &'static str> {
        let dt = parse(text)?;
        if dt.at.time() != NaiveTime::MIN {
            return Err("has a time of day other than midnight");
        }
        Ok(KareoDate(dt))
    }
}

/// As the date-times they are read as (midnight, in the zone written, if any).
impl RangeBound for KareoDate {
    fn range_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.0.range_cmp(&other.0)
    }
}

impl FromStr for KareoDate {
    type Err = InvalidValue;

    /// As [`TextValue::parse_value`].
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        Self::parse_value(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_service_forms_read_and_write_back() {
        for s in [
            "9/23/2026 1:00:00 PM",
            "9/23/2026 12:00:00 AM",
            "9/23/2026 12:30:00 PM",
            "09/03/2026 01:05 AM",
            "6/2/2026",
            "2026-06-02",
            "2026-09-23T13:00:00",
            "2026-09-23T13:00:00Z",
            "2026-09-23T13:00:00.000Z",
            "2026-09-23T13:00:00.1234567-05:00",
            "2026-09-23T13:00:00+00:00",
            "2026-09-23 13:00",
            "6/2/2026 13:00:00",
        ] {
            let v: KareoDateTime = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(v.to_string(), s);
        }
    }

    #[test]
    fn meaning_is_read() {
        let v: KareoDateTime = "9/23/2026 1:00:00 PM".parse().unwrap();
        assert_eq!(v.naive(), ymd(2026, 9, 23).and_hms_opt(13, 0, 0).unwrap());
        assert_eq!(v.zone(), Zone::Unspecified);
        assert!(v.fixed().is_none());
        let midnight: KareoDateTime = "9/23/2026 12:00:00 AM".parse().unwrap();
        assert_eq!(midnight.naive().time(), NaiveTime::MIN);
        let z: KareoDateTime = "2026-09-23T13:00:00-05:00".parse().unwrap();
        assert_eq!(
            z.utc().unwrap().naive_utc(),
            ymd(2026, 9, 23).and_hms_opt(18, 0, 0).unwrap()
        );
        let u: KareoDateTime = "2026-09-23T13:00:00Z".parse().unwrap();
        let o: KareoDateTime = "2026-09-23T13:00:00+00:00".parse().unwrap();
        assert_eq!(u.zone(), Zone::Utc);
        assert_ne!(u, o);
        assert_eq!(u.utc(), o.utc());
    }

    #[test]
    fn dates_accept_midnight_only() {
        let d: KareoDate = "6/2/2026 12:00:00 AM".parse().unwrap();
        assert_eq!(d.date(), ymd(2026, 6, 2));
        assert_eq!(d.to_string(), "6/2/2026 12:00:00 AM");
        let e = "6/2/2026 1:00:00 PM".parse::<KareoDate>().unwrap_err();
        assert_eq!(e.reason(), "has a time of day other than midnight");
    }

    #[test]
    fn bad_texts_are_refused() {
        for s in [
            "2/30/2026",
            "13/1/2026",
            "6/2/26",
            "6-2-2026",
            "2026-6-2",
            "2026/06/02",
            " 6/2/2026",
            "6/2/2026 ",
            "6/2/2026 13:00:00 PM",
            "6/2/2026 0:00:00 AM",
            "6/2/2026T1:00:00 PM",
            "2026-06-02T24:00:00",
            "2026-06-02T13:00:00.1234567890",
            "2026-06-02T13:00:00-00:00",
            "2026-06-02T13:00:00+24:00",
            "2026-06-02T13:00:00 PM",
            "2026-06-02T13:00:00ZZ",
            "2026-06-02T13:00.5",
            "6/2/2026 1:00:00 pm",
            "",
            "True",
        ] {
            assert!(s.parse::<KareoDateTime>().is_err(), "{s:?} parsed");
        }
    }

    #[test]
    fn built_values_write_the_service_forms() {
        let at = ymd(2026, 6, 2).and_hms_nano_opt(9, 5, 7, 120_000_000).unwrap();
        assert_eq!(KareoDateTime::new(at).to_string(), "6/2/2026 9:05:07 AM");
        assert_eq!(
            KareoDateTime::iso(at, Zone::Utc).to_string(),
            "2026-06-02T09:05:07.1200000Z"
        );
        let east = Zone::Offset(FixedOffset::east_opt(5 * 3600 + 1800).unwrap());
        assert_eq!(
            KareoDateTime::iso(at.with_nanosecond(0).unwrap(), east).to_string(),
            "2026-06-02T09:05:07+05:30"
        );
        assert_eq!(KareoDate::new(ymd(2026, 6, 2)).to_string(), "6/2/2026");
        assert_eq!(KareoDate::iso(ymd(2026, 6, 2)).to_string(), "2026-06-02");
        assert_eq!(KareoDateTime::from(ymd(2026, 12, 31)).to_string(), "12/31/2026");
    }
}

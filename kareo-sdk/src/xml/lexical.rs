//! XSD 1.0 built-ins kept in their lexical form: the date and time parts ([`Date`], [`Time`],
//! [`GYear`], [`GYearMonth`], [`GMonth`], [`GDay`], [`GMonthDay`]) and the unbounded integers
//! ([`Integer`], [`NonNegativeInteger`], [`PositiveInteger`], [`NonPositiveInteger`],
//! [`NegativeInteger`]).
//!
//! Each is a validated string: parsing checks the lexical space (leading and trailing
//! whitespace is collapsed away, as the schema's `whiteSpace="collapse"` says) and keeps the
//! text exactly, so a value writes back as it was read (`+007`, `2021-10-05-05:00`). Nothing
//! is truncated or converted; an invalid text is a [`ValueError`] that never quotes it.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::values::{days_in_month, invalid, SimpleValue, ValueError, Zone};

macro_rules! lexical_types {
    ($($(#[$doc:meta])* $name:ident => $xsd:literal, $check:ident, $reason:literal;)*) => {$(
        $(#[$doc])*
        ///
        /// Equality is on the lexical form, as written on the wire.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The lexical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
                if $check(t.as_bytes()) {
                    Ok($name(t.to_owned()))
                } else {
                    Err(invalid($xsd, $reason))
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl SimpleValue for $name {
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Borrowed(&self.0)
            }
            fn parse_text(text: &str) -> Result<Self, ValueError> {
                text.parse()
            }
        }
    )*};
}

lexical_types! {
    /// An `xs:date` (`[-]YYYY-MM-DD` with an optional zone), kept as written.
    Date => "xs:date", is_date, "expected [-]YYYY-MM-DD with an optional Z or ±hh:mm";
    /// An `xs:time` (`hh:mm:ss[.s+]` with an optional zone), kept as written.
    Time => "xs:time", is_time, "expected hh:mm:ss[.s] with an optional Z or ±hh:mm";
    /// An `xs:gYear` (`[-]YYYY` with an optional zone), kept as written.
    GYear => "xs:gYear", is_g_year, "expected [-]YYYY with an optional Z or ±hh:mm";
    /// An `xs:gYearMonth` (`[-]YYYY-MM` with an optional zone), kept as written.
    GYearMonth => "xs:gYearMonth", is_g_year_month, "expected [-]YYYY-MM with an optional Z or ±hh:mm";
    /// An `xs:gMonth` (`--MM`, or `--MM--` as XSD 1.0's first edition wrote it, with an optional
    /// zone), kept as written.
    GMonth => "xs:gMonth", is_g_month, "expected --MM with an optional Z or ±hh:mm";
    /// An `xs:gDay` (`---DD` with an optional zone), kept as written.
    GDay => "xs:gDay", is_g_day, "expected ---DD with an optional Z or ±hh:mm";
    /// An `xs:gMonthDay` (`--MM-DD` with an optional zone), kept as written.
    GMonthDay => "xs:gMonthDay", is_g_month_day, "expected --MM-DD with an optional Z or ±hh:mm";
    /// An `xs:integer` of any size (`[+-]digits`), kept as written.
    Integer => "xs:integer", is_integer, "expected decimal digits with an optional sign";
    /// An `xs:nonNegativeInteger` of any size, kept as written.
    NonNegativeInteger => "xs:nonNegativeInteger", is_non_negative, "expected an integer of 0 or more";
    /// An `xs:positiveInteger` of any size, kept as written.
    PositiveInteger => "xs:positiveInteger", is_positive, "expected an integer of 1 or more";
    /// An `xs:nonPositiveInteger` of any size, kept as written.
    NonPositiveInteger => "xs:nonPositiveInteger", is_non_positive, "expected an integer of 0 or less";
    /// An `xs:negativeInteger` of any size, kept as written.
    NegativeInteger => "xs:negativeInteger", is_negative, "expected an integer of -1 or less";
}

macro_rules! from_primitive {
    ($($name:ident: $($t:ty),*;)*) => {$($(
        impl TryFrom<$t> for $name {
            type Error = ValueError;
            /// The value in its canonical form, when it is in the type's range.
            fn try_from(v: $t) -> Result<Self, ValueError> {
                v.to_string().parse()
            }
        }
    )*)*};
}
from_primitive! {
    Integer: i64, u64, i128;
    NonNegativeInteger: u64, i64;
    PositiveInteger: u64, i64;
    NonPositiveInteger: i64;
    NegativeInteger: i64;
}

macro_rules! to_i128 {
    ($($name:ident),*) => {$(
        impl $name {
            /// The value as an `i128`, or `None` when it does not fit (it is never truncated).
            pub fn to_i128(&self) -> Option<i128> {
                self.0.parse().ok()
            }
        }
    )*};
}
to_i128!(
    Integer,
    NonNegativeInteger,
    PositiveInteger,
    NonPositiveInteger,
    NegativeInteger
);

/// `[-]YYYY`, four digits at least, as xs:date and its kin write a year.
fn write_year(out: &mut String, year: i32) {
    use std::fmt::Write as _;
    let sign = if year < 0 { "-" } else { "" };
    // Writing to a String cannot fail.
    let _ = write!(out, "{sign}{:04}", year.unsigned_abs());
}

impl Date {
    /// The date as written, without its zone (a [`chrono::NaiveDate`] has none; see
    /// [`zone`](Self::zone)).
    ///
    /// An error for a year chrono does not represent (xs:date allows nine digits; chrono's
    /// years run from -262143 to 262142).
    pub fn to_naive(&self) -> Result<chrono::NaiveDate, ValueError> {
        let err = || invalid("chrono::NaiveDate", "the year is out of chrono's range");
        let b = self.0.as_bytes();
        let (y, rest) = year(b).ok_or_else(err)?;
        let (Some(m), Some(d)) = (rest.get(1..3).and_then(two_digits), rest.get(4..6).and_then(two_digits)) else {
            return Err(err());
        };
        i32::try_from(y)
            .ok()
            .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, u32::from(m), u32::from(d)))
            .ok_or_else(err)
    }

    /// The zone written after the date, if any.
    pub fn zone(&self) -> Zone {
        let b = self.0.as_bytes();
        year(b)
            .and_then(|(_, rest)| rest.get(6..))
            .and_then(|zone| super::values::parse_zone(zone).ok())
            .unwrap_or(Zone::Unspecified)
    }
}

impl From<chrono::NaiveDate> for Date {
    /// `YYYY-MM-DD` with no zone (`-YYYY` before year 0, five or six digits after 9999).
    fn from(day: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        let mut text = String::with_capacity(10);
        write_year(&mut text, day.year());
        text.push_str(&format!("-{:02}-{:02}", day.month(), day.day()));
        Date(text)
    }
}

impl TryFrom<Date> for chrono::NaiveDate {
    type Error = ValueError;
    /// As [`Date::to_naive`]: the date as written, without its zone.
    fn try_from(v: Date) -> Result<Self, ValueError> {
        v.to_naive()
    }
}

impl TryFrom<&Date> for chrono::NaiveDate {
    type Error = ValueError;
    /// As [`Date::to_naive`]: the date as written, without its zone.
    fn try_from(v: &Date) -> Result<Self, ValueError> {
        v.to_naive()
    }
}

impl Time {
    /// The time of day as written, without its zone (see [`zone`](Self::zone)).
    ///
    /// An error when it holds more precision than chrono keeps (non-zero digits after the
    /// ninth fractional one) and for `24:00:00`, the end of a day, which chrono's time of day
    /// has no value for.
    pub fn to_naive(&self) -> Result<chrono::NaiveTime, ValueError> {
        const EXPECTED: &str = "chrono::NaiveTime";
        let b = self.0.as_bytes();
        let part = |i: usize| b.get(i..i + 2).and_then(two_digits).map(u32::from);
        let (Some(h), Some(m), Some(s)) = (part(0), part(3), part(6)) else {
            return Err(invalid(EXPECTED, "expected hh:mm:ss"));
        };
        let mut nanos = 0u32;
        if let Some(frac) = b.get(8..).and_then(|r| r.strip_prefix(b".")) {
            let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            let (kept, rest) = frac[..digits].split_at(digits.min(9));
            if rest.iter().any(|&c| c != b'0') {
                return Err(invalid(
                    EXPECTED,
                    "more fractional digits than chrono keeps (nanoseconds)",
                ));
            }
            nanos = kept.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')) * 10u32.pow(9 - kept.len() as u32);
        }
        if h == 24 {
            return Err(invalid(
                EXPECTED,
                "24:00:00 (the end of a day) is not a chrono time of day",
            ));
        }
        chrono::NaiveTime::from_hms_nano_opt(h, m, s, nanos).ok_or_else(|| invalid(EXPECTED, "out of range"))
    }

    /// The zone written after the time, if any.
    pub fn zone(&self) -> Zone {
        let b = self.0.as_bytes();
        let mut rest = b.get(8..).unwrap_or_default();
        if let Some(frac) = rest.strip_prefix(b".") {
            let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            rest = &frac[digits..];
        }
        super::values::parse_zone(rest).unwrap_or(Zone::Unspecified)
    }
}

impl From<chrono::NaiveTime> for Time {
    /// `hh:mm:ss` with no zone, then seven fractional digits when there are fractional seconds
    /// (nine when finer than 100 ns), as [`DateTime`](super::DateTime) writes them. A leap
    /// second (`23:59:60.x`) is written `23:59:59.999999999`.
    fn from(t: chrono::NaiveTime) -> Self {
        use chrono::Timelike;
        let nanos = t.nanosecond().min(999_999_999);
        let mut text = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
        match nanos {
            0 => {}
            n if n % 100 == 0 => text.push_str(&format!(".{:07}", n / 100)),
            n => text.push_str(&format!(".{n:09}")),
        }
        Time(text)
    }
}

impl TryFrom<Time> for chrono::NaiveTime {
    type Error = ValueError;
    /// As [`Time::to_naive`].
    fn try_from(v: Time) -> Result<Self, ValueError> {
        v.to_naive()
    }
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

/// An optional zone at the end of a date or time (as `xs:dateTime` reads it).
fn is_zone(b: &[u8]) -> bool {
    super::values::parse_zone(b).is_ok()
}

/// `[-]YYYY…` at the start of `b`: four or more digits (no leading zero beyond four), as a
/// number and the rest of the text. At most nine digits are accepted, as for `xs:dateTime`.
fn year(b: &[u8]) -> Option<(i64, &[u8])> {
    let (neg, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(4..=9).contains(&n) || (n > 4 && digits[0] == b'0') {
        return None;
    }
    let v = digits[..n].iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
    Some((if neg { -v } else { v }, &digits[n..]))
}

fn month(b: &[u8]) -> Option<u8> {
    two_digits(b).filter(|m| (1..=12).contains(m))
}

fn is_date(b: &[u8]) -> bool {
    match year(b) {
        Some((y, rest)) if rest.len() >= 6 && rest[0] == b'-' && rest[3] == b'-' => {
            is_date_part(y, &rest[1..3], &rest[4..6]) && is_zone(&rest[6..])
        }
        _ => false,
    }
}

fn is_date_part(y: i64, m: &[u8], d: &[u8]) -> bool {
    let y = i32::try_from(y).unwrap_or(0);
    match (month(m), two_digits(d)) {
        (Some(m), Some(d)) => d >= 1 && d <= days_in_month(y, m),
        _ => false,
    }
}

fn is_time(b: &[u8]) -> bool {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(s)) = (two_digits(&b[0..2]), two_digits(&b[3..5]), two_digits(&b[6..8])) else {
        return false;
    };
    let mut rest = &b[8..];
    let mut frac_zero = true;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        frac_zero = frac[..n].iter().all(|&c| c == b'0');
        rest = &frac[n..];
    }
    let in_day = h < 24 && m < 60 && s < 60;
    let end_of_day = h == 24 && m == 0 && s == 0 && frac_zero;
    (in_day || end_of_day) && is_zone(rest)
}

fn is_g_year(b: &[u8]) -> bool {
    year(b).is_some_and(|(_, rest)| is_zone(rest))
}

fn is_g_year_month(b: &[u8]) -> bool {
    match year(b) {
        Some((_, [b'-', m1, m2, zone @ ..])) => month(&[*m1, *m2]).is_some() && is_zone(zone),
        _ => false,
    }
}

fn is_g_month(b: &[u8]) -> bool {
    match b {
        [b'-', b'-', m1, m2, rest @ ..] => {
            let zone = rest.strip_prefix(b"--").unwrap_or(rest);
            month(&[*m1, *m2]).is_some() && is_zone(zone)
        }
        _ => false,
    }
}

fn is_g_day(b: &[u8]) -> bool {
    match b {
        [b'-', b'-', b'-', d1, d2, zone @ ..] => {
            two_digits(&[*d1, *d2]).is_some_and(|d| (1..=31).contains(&d)) && is_zone(zone)
        }
        _ => false,
    }
}

fn is_g_month_day(b: &[u8]) -> bool {
    match b {
        // A leap year, so that --02-29 is allowed.
        [b'-', b'-', m1, m2, b'-', d1, d2, zone @ ..] => is_date_part(2000, &[*m1, *m2], &[*d1, *d2]) && is_zone(zone),
        _ => false,
    }
}

/// `[+-]digits`: the sign (if any) and whether the value is zero, or `None`.
fn integer(b: &[u8]) -> Option<(u8, bool)> {
    let (sign, digits) = match b.split_first() {
        Some((s @ (b'+' | b'-'), rest)) => (*s, rest),
        _ => (b'+', b),
    };
    (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit)).then(|| (sign, digits.iter().all(|&d| d == b'0')))
}

fn is_integer(b: &[u8]) -> bool {
    integer(b).is_some()
}

fn is_non_negative(b: &[u8]) -> bool {
    integer(b).is_some_and(|(sign, zero)| sign == b'+' || zero)
}

fn is_positive(b: &[u8]) -> bool {
    integer(b).is_some_and(|(sign, zero)| sign == b'+' && !zero)
}

fn is_non_positive(b: &[u8]) -> bool {
    integer(b).is_some_and(|(sign, zero)| sign == b'-' || zero)
}

fn is_negative(b: &[u8]) -> bool {
    integer(b).is_some_and(|(sign, zero)| sign == b'-' && !zero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok<T: SimpleValue>(good: &[&str], bad: &[&str]) {
        for s in good {
            let v = T::parse_text(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(v.to_text(), s.trim(), "{s}");
        }
        for s in bad {
            assert!(T::parse_text(s).is_err(), "{s} parsed");
        }
    }

    #[test]
    fn dates_and_times() {
        ok::<Date>(
            &[
                "2021-10-05",
                "2020-02-29Z",
                "2021-10-05-05:00",
                "-0044-03-15",
                "12021-01-01+14:00",
                " 2021-10-05\n",
            ],
            &[
                "2021-02-29",
                "2021-13-01",
                "2021-10-5",
                "21-10-05",
                "2021-10-05T00:00:00",
                "2021-10-05+15:00",
                "02021-01-01",
                "10/5/2021",
                "",
            ],
        );
        ok::<Time>(
            &[
                "13:45:10",
                "00:00:00Z",
                "23:59:59.9999999-05:00",
                "24:00:00",
                "24:00:00.000",
            ],
            &[
                "24:00:01",
                "12:60:00",
                "12:00:60",
                "1:00:00",
                "12:00",
                "12:00:00.",
                "12:00:00+1:00",
                "24:00:00.1",
            ],
        );
        ok::<GYear>(&["2021", "-0001", "2021Z", "2021+05:30"], &["21", "2021-01", "02021"]);
        ok::<GYearMonth>(&["2021-10", "2021-02Z"], &["2021-13", "2021-1", "2021"]);
        ok::<GMonth>(
            &["--10", "--12Z", "--01--", "--05--+02:00"],
            &["--13", "-10", "--1", "--00"],
        );
        ok::<GDay>(&["---05", "---31Z"], &["---32", "---00", "--05", "---5"]);
        ok::<GMonthDay>(
            &["--02-29", "--12-31-05:00"],
            &["--02-30", "--04-31", "--13-01", "--1-01"],
        );
    }

    #[test]
    fn dates_and_times_convert_to_and_from_chrono() {
        use chrono::{NaiveDate, NaiveTime, Timelike};
        let day = NaiveDate::from_ymd_opt(2026, 6, 2).unwrap();
        assert_eq!(Date::from(day).as_str(), "2026-06-02");
        assert_eq!(
            Date::from(NaiveDate::from_ymd_opt(-44, 3, 15).unwrap()).as_str(),
            "-0044-03-15"
        );
        assert_eq!(Date::from(NaiveDate::MAX).as_str(), "262142-12-31");
        for d in [NaiveDate::MIN, NaiveDate::MAX, day] {
            let v = Date::from(d);
            assert_eq!(v.as_str().parse::<Date>().as_ref(), Ok(&v), "{v}");
            assert_eq!(v.to_naive(), Ok(d));
        }
        let zoned: Date = "2021-10-05-05:00".parse().unwrap();
        assert_eq!(zoned.to_naive().unwrap().to_string(), "2021-10-05");
        assert_eq!(zoned.zone(), Zone::Offset(-300));
        assert_eq!(Date::from(day).zone(), Zone::Unspecified);
        assert!(
            "123456789-01-01".parse::<Date>().unwrap().to_naive().is_err(),
            "beyond chrono's years"
        );

        let t = NaiveTime::from_hms_nano_opt(9, 5, 7, 500_000_000).unwrap();
        assert_eq!(Time::from(t).as_str(), "09:05:07.5000000");
        assert_eq!(Time::from(t).to_naive(), Ok(t));
        let written: Time = "23:59:59.1234567890000Z".parse().unwrap();
        assert_eq!(
            written.to_naive().unwrap().nanosecond(),
            123_456_789,
            "trailing zeros lose nothing"
        );
        assert_eq!(written.zone(), Zone::Utc);
        assert!(
            "23:59:59.1234567891".parse::<Time>().unwrap().to_naive().is_err(),
            "finer than chrono"
        );
        assert!("24:00:00".parse::<Time>().unwrap().to_naive().is_err());
    }

    #[test]
    fn integers_stay_exact_and_keep_their_sign_rules() {
        ok::<Integer>(
            &[
                "0",
                "-0",
                "+007",
                "-123456789012345678901234567890123456789012345678901234567890",
            ],
            &["", "+", "1.0", "1e3", "0x10", "--1", "1 2"],
        );
        ok::<NonNegativeInteger>(
            &["0", "-0", "+0", "5", "99999999999999999999999999999999999999999"],
            &["-1", "x"],
        );
        ok::<PositiveInteger>(&["1", "+0001"], &["0", "-0", "+0", "-1"]);
        ok::<NonPositiveInteger>(&["0", "+0", "-7"], &["1", "+1"]);
        ok::<NegativeInteger>(&["-1", "-0001"], &["0", "-0", "1"]);
        let big: Integer = "170141183460469231731687303715884105728".parse().unwrap();
        assert_eq!(big.to_i128(), None, "i128::MAX + 1 does not fit and is not truncated");
        assert_eq!(Integer::try_from(-5i64).unwrap().as_str(), "-5");
        assert!(PositiveInteger::try_from(0u64).is_err());
    }
}

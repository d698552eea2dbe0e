//! Value types of the wire format: [`Nillable`], [`DateTime`], [`Decimal`], [`Duration`],
//! [`WcfChar`], and the [`SimpleValue`] text forms of every built-in.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// A text value that could not be read as the schema type it should have.
///
/// It never holds the offending text (which may be patient data), only what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// The schema type that was expected, e.g. `xs:dateTime`.
    pub expected: &'static str,
    /// What is wrong with the text, without quoting it.
    pub reason: &'static str,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid {}: {}", self.expected, self.reason)
    }
}

impl std::error::Error for ValueError {}

pub(crate) fn invalid(expected: &'static str, reason: &'static str) -> ValueError {
    ValueError { expected, reason }
}

/// Calls macro `$m` with every built-in value type that is read and written through
/// [`SimpleValue`] (`String` has its own, copy-free paths), so the codec impls list them once.
macro_rules! with_simple_values {
    ($m:ident) => {
        $m!(
            bool,
            i8,
            i16,
            i32,
            i64,
            u8,
            u16,
            u32,
            u64,
            f32,
            f64,
            uuid::Uuid,
            crate::xml::WcfChar,
            crate::xml::Decimal,
            crate::xml::Duration,
            crate::xml::DateTime,
            crate::xml::HexBinary,
            crate::xml::Date,
            crate::xml::Time,
            crate::xml::GYear,
            crate::xml::GYearMonth,
            crate::xml::GMonth,
            crate::xml::GDay,
            crate::xml::GMonthDay,
            crate::xml::Integer,
            crate::xml::NonNegativeInteger,
            crate::xml::PositiveInteger,
            crate::xml::NonPositiveInteger,
            crate::xml::NegativeInteger
        );
    };
}
pub(crate) use with_simple_values;

/// A value written as element text: its lexical form both ways.
pub trait SimpleValue: Sized {
    /// The lexical form (unescaped; the writer escapes it).
    fn to_text(&self) -> Cow<'_, str>;
    /// Reads the lexical form.
    fn parse_text(text: &str) -> Result<Self, ValueError>;
}

/// An optional, nillable member: absent (not sent), `xsi:nil`, or a value.
///
/// The schema allows all three for `minOccurs="0" nillable="true"` elements, and the service may
/// treat them differently (absent leaves a stored value alone; nil clears it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Nillable<T> {
    /// Not sent / not received.
    #[default]
    Absent,
    /// Sent / received as `xsi:nil="true"`.
    Nil,
    /// A value.
    Value(T),
}

impl<T> Nillable<T> {
    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one, by value.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nillable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, set to `f()` first unless there is one (absent or nil becomes a value).
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        if !matches!(self, Nillable::Value(_)) {
            *self = Nillable::Value(f());
        }
        match self {
            Nillable::Value(v) => v,
            // Set just above.
            Nillable::Absent | Nillable::Nil => unreachable!("a value was just set"),
        }
    }

    /// Whether the element is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nillable::Absent)
    }

    /// Whether the element is `xsi:nil`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nillable<&T> {
        match self {
            Nillable::Absent => Nillable::Absent,
            Nillable::Nil => Nillable::Nil,
            Nillable::Value(v) => Nillable::Value(v),
        }
    }

    /// Maps the value, keeping absent and nil.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nillable<U> {
        match self {
            Nillable::Absent => Nillable::Absent,
            Nillable::Nil => Nillable::Nil,
            Nillable::Value(v) => Nillable::Value(f(v)),
        }
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(v: T) -> Self {
        Nillable::Value(v)
    }
}

impl From<&str> for Nillable<String> {
    fn from(v: &str) -> Self {
        Nillable::Value(v.to_owned())
    }
}

impl SimpleValue for String {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        Ok(text.to_owned())
    }
}

impl SimpleValue for bool {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(invalid("xs:boolean", "expected true, false, 1 or 0")),
        }
    }
}

macro_rules! integer_values {
    ($($t:ty => $xsd:literal),*) => {$(
        impl SimpleValue for $t {
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn parse_text(text: &str) -> Result<Self, ValueError> {
                text.trim().parse().map_err(|_| invalid($xsd, "not an integer in range"))
            }
        }
    )*};
}
integer_values!(i8 => "xs:byte", i16 => "xs:short", i32 => "xs:int", i64 => "xs:long", u8 => "xs:unsignedByte",
    u16 => "xs:unsignedShort", u32 => "xs:unsignedInt", u64 => "xs:unsignedLong");

macro_rules! float_values {
    ($($t:ty => $xsd:literal),*) => {$(
        impl SimpleValue for $t {
            fn to_text(&self) -> Cow<'_, str> {
                if self.is_nan() {
                    Cow::Borrowed("NaN")
                } else if self.is_infinite() {
                    Cow::Borrowed(if *self > 0.0 { "INF" } else { "-INF" })
                } else {
                    Cow::Owned(format!("{:?}", self))
                }
            }
            fn parse_text(text: &str) -> Result<Self, ValueError> {
                match text.trim() {
                    "INF" => Ok(<$t>::INFINITY),
                    "-INF" => Ok(<$t>::NEG_INFINITY),
                    "NaN" => Ok(<$t>::NAN),
                    t if t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) && !t.is_empty() => {
                        t.parse().map_err(|_| invalid($xsd, "not a floating-point number"))
                    }
                    _ => Err(invalid($xsd, "not a floating-point number")),
                }
            }
        }
    )*};
}
float_values!(f32 => "xs:float", f64 => "xs:double");

impl SimpleValue for uuid::Uuid {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.hyphenated().to_string())
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        if t.len() != 36 {
            return Err(invalid("ser:guid", "expected 8-4-4-4-12 hexadecimal digits"));
        }
        uuid::Uuid::parse_str(t).map_err(|_| invalid("ser:guid", "expected 8-4-4-4-12 hexadecimal digits"))
    }
}

/// WCF's `ser:char`: one UTF-16 code unit, written as its integer value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WcfChar(pub u16);

impl WcfChar {
    /// The character, when the code unit is not half of a surrogate pair.
    pub fn to_char(self) -> Option<char> {
        char::from_u32(u32::from(self.0))
    }
}

impl SimpleValue for WcfChar {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        text.trim()
            .parse()
            .map(WcfChar)
            .map_err(|_| invalid("ser:char", "expected an integer from 0 to 65535"))
    }
}

/// An `xs:decimal`, kept exactly as written (never a float).
///
/// Equality is on the lexical form: `1.0` and `1.00` differ, as they did on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The lexical form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Decimal {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let ok = !(int.is_empty() && frac.is_empty())
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(invalid(
                "xs:decimal",
                "expected digits with an optional sign and decimal point",
            ));
        }
        Ok(Decimal(t.to_owned()))
    }
}

impl From<i64> for Decimal {
    fn from(v: i64) -> Self {
        Decimal(v.to_string())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl SimpleValue for Decimal {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        text.parse()
    }
}

/// An `xs:duration` (`PnYnMnDTnHnMnS`), kept exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duration(String);

impl Duration {
    /// The lexical form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Duration {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let err = || invalid("xs:duration", "expected [-]PnYnMnDTnHnMnS");
        let t = s.trim();
        let body = t.strip_prefix('-').unwrap_or(t).strip_prefix('P').ok_or_else(err)?;
        let (date, time) = match body.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return Err(err()),
            None => (body, None),
        };
        let mut any = false;
        let mut check = |part: &str, units: &[u8], last_may_be_fractional: bool| -> Result<(), ValueError> {
            let mut rest = part.as_bytes();
            let mut allowed = units;
            while !rest.is_empty() {
                let n = rest.iter().take_while(|b| b.is_ascii_digit() || **b == b'.').count();
                let (num, tail) = rest.split_at(n);
                let Some((&unit, tail)) = tail.split_first() else {
                    return Err(err());
                };
                let pos = allowed.iter().position(|&u| u == unit).ok_or_else(err)?;
                let dots = num.iter().filter(|b| **b == b'.').count();
                let fractional_ok = last_may_be_fractional && unit == b'S';
                if num.is_empty() || dots > 1 || (dots == 1 && !fractional_ok) || num == b"." {
                    return Err(err());
                }
                allowed = &allowed[pos + 1..];
                rest = tail;
                any = true;
            }
            Ok(())
        };
        check(date, b"YMD", false)?;
        if let Some(time) = time {
            check(time, b"HMS", true)?;
        }
        if !any {
            return Err(err());
        }
        Ok(Duration(t.to_owned()))
    }
}

impl SimpleValue for Duration {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        text.parse()
    }
}

/// The time zone part of an [`DateTime`], kept as it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// No zone (WCF's `DateTimeKind.Unspecified`).
    Unspecified,
    /// `Z`.
    Utc,
    /// `+hh:mm` / `-hh:mm`, in minutes east of UTC.
    Offset(i16),
}

/// An `xs:dateTime` that writes back exactly as it was read: zone form (`Z`, offset, or none)
/// and the number of fractional-second digits are preserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
    frac_digits: u8,
    zone: Zone,
}

/// The zone at the end of a date or time: nothing, `Z`, or `±hh:mm` up to ±14:00.
pub(crate) fn parse_zone(b: &[u8]) -> Result<Zone, &'static str> {
    let two = |x: u8, y: u8| match (x, y) {
        (b'0'..=b'9', b'0'..=b'9') => Ok(u16::from(x - b'0') * 10 + u16::from(y - b'0')),
        _ => Err("expected Z, +hh:mm, -hh:mm or nothing after the time"),
    };
    match b {
        [] => Ok(Zone::Unspecified),
        [b'Z'] => Ok(Zone::Utc),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 14 || m > 59 || (h == 14 && m > 0) {
                return Err("zone offset out of range");
            }
            let minutes = (h * 60 + m) as i16;
            Ok(Zone::Offset(if *sign == b'-' { -minutes } else { minutes }))
        }
        _ => Err("expected Z, +hh:mm, -hh:mm or nothing after the time"),
    }
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl DateTime {
    /// A date and time without zone and without fractional seconds. `None` when out of range
    /// (no such day, or a year outside chrono's, -262143 to 262142: every value converts to
    /// chrono, see [`to_naive`](Self::to_naive)).
    pub fn new(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<DateTime> {
        // chrono's calendar: a real day, in a year chrono represents (every such value converts).
        let valid = chrono::NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day)).is_some()
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanos: 0,
            frac_digits: 0,
            zone: Zone::Unspecified,
        })
    }

    /// The same instant written with `zone`. `None` for offsets beyond ±14:00.
    pub fn with_zone(self, zone: Zone) -> Option<DateTime> {
        if let Zone::Offset(m) = zone {
            if m.abs() > 14 * 60 {
                return None;
            }
        }
        Some(DateTime { zone, ..self })
    }

    /// With fractional seconds, written with `digits` digits (1 to 9). `None` when out of range.
    pub fn with_nanos(self, nanos: u32, digits: u8) -> Option<DateTime> {
        (nanos < 1_000_000_000 && (1..=9).contains(&digits)).then_some(DateTime {
            nanos,
            frac_digits: digits,
            ..self
        })
    }

    /// Year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// Month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// Day of month.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// Hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// Minute.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// Second.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// Fractional seconds in nanoseconds.
    pub fn nanosecond(&self) -> u32 {
        self.nanos
    }
    /// The zone as written.
    pub fn zone(&self) -> Zone {
        self.zone
    }
}

impl FromStr for DateTime {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str = "xs:dateTime";
        let err = |reason| invalid(EXPECTED, reason);
        let t = s.trim().as_bytes();
        let (neg, t) = match t.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, t),
        };
        let year_len = t.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(4..=9).contains(&year_len) || (year_len > 4 && t[0] == b'0') {
            return Err(err("expected a year of four or more digits"));
        }
        let num = |b: &[u8]| -> Option<u32> {
            b.iter().try_fold(0u32, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        let year = num(&t[..year_len]).ok_or_else(|| err("bad year"))? as i32;
        let year = if neg { -year } else { year };
        let rest = &t[year_len..];
        // -MM-DDThh:mm:ss
        if rest.len() < 15
            || rest[0] != b'-'
            || rest[3] != b'-'
            || rest[6] != b'T'
            || rest[9] != b':'
            || rest[12] != b':'
        {
            return Err(err("expected YYYY-MM-DDThh:mm:ss"));
        }
        let two = |i: usize| {
            num(&rest[i..i + 2])
                .map(|v| v as u8)
                .ok_or_else(|| err("expected two digits"))
        };
        let (month, day, hour, minute, second) = (two(1)?, two(4)?, two(7)?, two(10)?, two(13)?);
        let mut rest = &rest[15..];
        let (mut nanos, mut frac_digits) = (0u32, 0u8);
        if let Some(frac) = rest.strip_prefix(b".") {
            let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return Err(err("expected 1 to 9 fractional-second digits"));
            }
            let v = num(&frac[..n]).ok_or_else(|| err("bad fraction"))?;
            nanos = v * 10u32.pow(9 - n as u32);
            frac_digits = n as u8;
            rest = &frac[n..];
        }
        let zone = parse_zone(rest).map_err(err)?;
        let (hour, end_of_day) = if hour == 24 && minute == 0 && second == 0 && nanos == 0 {
            (24, true)
        } else {
            (hour, false)
        };
        let base = DateTime::new(year, month, day, if end_of_day { 0 } else { hour }, minute, second)
            .ok_or_else(|| err("date or time out of range"))?;
        Ok(DateTime {
            hour,
            nanos,
            frac_digits,
            zone,
            ..base
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}", -self.year)?;
        } else {
            write!(f, "{:04}", self.year)?;
        }
        write!(
            f,
            "-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.frac_digits > 0 {
            let scaled = self.nanos / 10u32.pow(9 - u32::from(self.frac_digits));
            write!(f, ".{:0width$}", scaled, width = usize::from(self.frac_digits))?;
        }
        match self.zone {
            Zone::Unspecified => Ok(()),
            Zone::Utc => f.write_str("Z"),
            Zone::Offset(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                write!(f, "{sign}{:02}:{:02}", m.unsigned_abs() / 60, m.unsigned_abs() % 60)
            }
        }
    }
}

/// `xs:dateTime` from and to [`chrono`]: `.into()` builds a value from chrono's types, and
/// [`to_naive`](DateTime::to_naive), [`to_chrono`](DateTime::to_chrono) and
/// [`to_utc`](DateTime::to_utc) (or `TryFrom`) read one back.
///
/// A value built from chrono is written as WCF writes a `DateTime`: `YYYY-MM-DDThh:mm:ss`, then
/// seven fractional digits (.NET's `fffffff`) when there are fractional seconds, or nine when
/// they are finer than 100 ns, then the zone of the type it came from:
///
/// | from | zone written |
/// | --- | --- |
/// | [`NaiveDateTime`](chrono::NaiveDateTime) | none (WCF's `Unspecified`: a wall-clock time) |
/// | [`chrono::DateTime<Utc>`](chrono::DateTime) | `Z` |
/// | [`chrono::DateTime<FixedOffset>`](chrono::DateTime) | its offset, `±hh:mm`; an offset xs:dateTime cannot write (seconds, or beyond ±14:00) is written as the same instant in UTC, `Z` |
///
/// A leap second (chrono's `23:59:60.x`, which xs:dateTime has no form for) is written as
/// `23:59:59.999999999`.
impl DateTime {
    fn from_chrono(at: chrono::NaiveDateTime, zone: Zone) -> DateTime {
        use chrono::{Datelike, Timelike};
        // chrono writes a leap second as nanoseconds from 1_000_000_000 on.
        let nanos = at.nanosecond().min(999_999_999);
        let frac_digits = match nanos {
            0 => 0,
            n if n % 100 == 0 => 7,
            _ => 9,
        };
        // Each part is in range by chrono's invariants, so the narrowing keeps the value.
        DateTime {
            year: at.year(),
            month: at.month() as u8,
            day: at.day() as u8,
            hour: at.hour() as u8,
            minute: at.minute() as u8,
            second: at.second() as u8,
            nanos,
            frac_digits,
            zone,
        }
    }

    /// The date and wall-clock time as written, without the zone (chrono's nanoseconds hold
    /// every fraction xs:dateTime has). `24:00:00`, the end of a day, is midnight of the next.
    ///
    /// Fails only for `24:00:00` on chrono's last day (December 31, 262142).
    pub fn to_naive(&self) -> Result<chrono::NaiveDateTime, ValueError> {
        let err = || invalid("chrono::NaiveDateTime", "the date is out of chrono's range");
        let date =
            chrono::NaiveDate::from_ymd_opt(self.year, u32::from(self.month), u32::from(self.day)).ok_or_else(err)?;
        if self.hour == 24 {
            return date
                .succ_opt()
                .map(|next| next.and_time(chrono::NaiveTime::MIN))
                .ok_or_else(err);
        }
        let time = chrono::NaiveTime::from_hms_nano_opt(
            u32::from(self.hour),
            u32::from(self.minute),
            u32::from(self.second),
            self.nanos,
        )
        .ok_or_else(err)?;
        Ok(date.and_time(time))
    }

    /// The zone as a chrono offset (`Z` is `+00:00`); `None` when no zone was written.
    pub fn offset(&self) -> Option<chrono::FixedOffset> {
        match self.zone {
            Zone::Unspecified => None,
            Zone::Utc => chrono::FixedOffset::east_opt(0),
            Zone::Offset(minutes) => chrono::FixedOffset::east_opt(i32::from(minutes) * 60),
        }
    }

    /// The instant, with the offset written (`Z` is `+00:00`).
    ///
    /// An error when no zone was written (a wall-clock time is no instant: read it with
    /// [`to_naive`](Self::to_naive)), or, as for `to_naive`, out of chrono's range.
    pub fn to_chrono(&self) -> Result<chrono::DateTime<chrono::FixedOffset>, ValueError> {
        use chrono::TimeZone;
        let offset = self.offset().ok_or_else(|| {
            invalid(
                "chrono::DateTime",
                "no zone was written: a wall-clock time, not an instant (see to_naive)",
            )
        })?;
        offset
            .from_local_datetime(&self.to_naive()?)
            .single()
            .ok_or_else(|| invalid("chrono::DateTime", "the instant is out of chrono's range"))
    }

    /// The instant in UTC; errors as [`to_chrono`](Self::to_chrono).
    pub fn to_utc(&self) -> Result<chrono::DateTime<chrono::Utc>, ValueError> {
        self.to_chrono().map(|at| at.with_timezone(&chrono::Utc))
    }
}

impl From<chrono::NaiveDateTime> for DateTime {
    /// The wall-clock time, written with no zone (WCF's `Unspecified`).
    fn from(at: chrono::NaiveDateTime) -> Self {
        DateTime::from_chrono(at, Zone::Unspecified)
    }
}

impl From<chrono::NaiveDate> for DateTime {
    /// Midnight of the day, written with no zone: how .NET writes a date held in a `DateTime`
    /// (a date of birth, a service date), so a member typed `xs:dateTime` that holds a day is
    /// set from the day.
    fn from(day: chrono::NaiveDate) -> Self {
        DateTime::from_chrono(day.and_time(chrono::NaiveTime::MIN), Zone::Unspecified)
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTime {
    /// The instant, written with `Z`.
    fn from(at: chrono::DateTime<chrono::Utc>) -> Self {
        DateTime::from_chrono(at.naive_utc(), Zone::Utc)
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for DateTime {
    /// The local time and its offset (`+00:00` stays an offset, not `Z`); an offset with
    /// seconds or beyond ±14:00, which xs:dateTime cannot write, gives the same instant in UTC
    /// (`Z`).
    fn from(at: chrono::DateTime<chrono::FixedOffset>) -> Self {
        let offset = *at.offset();
        let secs = offset.local_minus_utc();
        if secs % 60 == 0 && secs.abs() <= 14 * 3600 {
            if let Some(local) = at.naive_utc().checked_add_offset(offset) {
                // |secs / 60| <= 840: fits an i16.
                return DateTime::from_chrono(local, Zone::Offset((secs / 60) as i16));
            }
        }
        DateTime::from_chrono(at.naive_utc(), Zone::Utc)
    }
}

impl TryFrom<DateTime> for chrono::NaiveDateTime {
    type Error = ValueError;
    /// As [`DateTime::to_naive`]: the wall-clock time, without the zone.
    fn try_from(v: DateTime) -> Result<Self, ValueError> {
        v.to_naive()
    }
}

impl TryFrom<DateTime> for chrono::DateTime<chrono::FixedOffset> {
    type Error = ValueError;
    /// As [`DateTime::to_chrono`]: an error for a value without zone.
    fn try_from(v: DateTime) -> Result<Self, ValueError> {
        v.to_chrono()
    }
}

impl TryFrom<DateTime> for chrono::DateTime<chrono::Utc> {
    type Error = ValueError;
    /// As [`DateTime::to_utc`]: an error for a value without zone.
    fn try_from(v: DateTime) -> Result<Self, ValueError> {
        v.to_utc()
    }
}

/// `Nillable<xml::DateTime>` members set straight from chrono (`member = at.into()`).
macro_rules! nillable_from_chrono {
    ($($from:ty => $to:ty),*) => {$(
        impl From<$from> for Nillable<$to> {
            #[doc = concat!("A value, converted as `From<", stringify!($from), ">` does.")]
            fn from(v: $from) -> Self {
                Nillable::Value(<$to>::from(v))
            }
        }
    )*};
}
nillable_from_chrono!(
    chrono::NaiveDateTime => DateTime,
    chrono::DateTime<chrono::Utc> => DateTime,
    chrono::DateTime<chrono::FixedOffset> => DateTime,
    chrono::NaiveDate => crate::xml::Date,
    chrono::NaiveTime => crate::xml::Time
);

impl SimpleValue for DateTime {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_round_trip_unchanged() {
        for s in [
            "2021-10-05T00:00:00",
            "2021-10-05T13:45:10Z",
            "2021-10-05T13:45:10-05:00",
            "2021-10-05T13:45:10+00:00",
            "2021-10-05T13:45:10.1230000",
            "2021-10-05T13:45:10.5Z",
            "2020-02-29T23:59:59.999999999+14:00",
            "-0044-03-15T12:00:00",
            "2021-10-05T24:00:00",
        ] {
            let d: DateTime = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn bad_date_times_are_errors() {
        for s in [
            "2021-02-29T00:00:00",
            "2021-13-01T00:00:00",
            "2021-10-05",
            "2021-10-05T25:00:00",
            "21-10-05T00:00:00",
            "2021-10-05T00:00:00+15:00",
            "2021-10-05T00:00:00.1234567890",
            "2021-10-05T00:00:00ZZ",
            "10/5/2021",
        ] {
            assert!(s.parse::<DateTime>().is_err(), "{s} parsed");
        }
    }

    #[test]
    fn zones_are_kept_apart() {
        let z: DateTime = "2021-10-05T00:00:00Z".parse().unwrap();
        let o: DateTime = "2021-10-05T00:00:00+00:00".parse().unwrap();
        let u: DateTime = "2021-10-05T00:00:00".parse().unwrap();
        assert_eq!(z.zone(), Zone::Utc);
        assert_eq!(o.zone(), Zone::Offset(0));
        assert_eq!(u.zone(), Zone::Unspecified);
    }

    #[test]
    fn chrono_values_write_their_zone_and_wcf_fraction() {
        use chrono::{FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
        let at = NaiveDate::from_ymd_opt(2026, 9, 23)
            .unwrap()
            .and_hms_nano_opt(13, 0, 5, 0)
            .unwrap();
        assert_eq!(DateTime::from(at).to_string(), "2026-09-23T13:00:05");
        assert_eq!(
            DateTime::from(Utc.from_utc_datetime(&at)).to_string(),
            "2026-09-23T13:00:05Z"
        );
        let est = FixedOffset::west_opt(5 * 3600).unwrap();
        let local = est.from_local_datetime(&at).single().unwrap();
        assert_eq!(DateTime::from(local).to_string(), "2026-09-23T13:00:05-05:00");
        let zero = FixedOffset::east_opt(0).unwrap().from_utc_datetime(&at);
        assert_eq!(
            DateTime::from(zero).to_string(),
            "2026-09-23T13:00:05+00:00",
            "an offset stays an offset"
        );
        let frac = at.with_nanosecond(123_400_000).unwrap();
        assert_eq!(DateTime::from(frac).to_string(), "2026-09-23T13:00:05.1234000");
        let fine = at.with_nanosecond(123_456_789).unwrap();
        assert_eq!(DateTime::from(fine).to_string(), "2026-09-23T13:00:05.123456789");
        assert_eq!(DateTime::from(fine).to_naive(), Ok(fine));
    }

    #[test]
    fn offsets_xs_date_time_cannot_write_become_utc() {
        use chrono::{FixedOffset, NaiveDate, TimeZone};
        let at = NaiveDate::from_ymd_opt(1900, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        // A local mean time with seconds, and an offset beyond ±14:00.
        for offset in [
            FixedOffset::east_opt(4 * 3600 + 1172).unwrap(),
            FixedOffset::west_opt(15 * 3600).unwrap(),
        ] {
            let zoned = offset.from_local_datetime(&at).single().unwrap();
            let v = DateTime::from(zoned);
            assert_eq!(v.zone(), Zone::Utc);
            assert_eq!(v.to_chrono().unwrap(), zoned, "the same instant");
        }
    }

    #[test]
    fn chrono_edges_are_values_or_errors_never_panics() {
        use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
        // A leap second: xs:dateTime has no second 60.
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_time(NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap());
        assert_eq!(DateTime::from(leap).to_string(), "2016-12-31T23:59:59.999999999");
        for at in [NaiveDateTime::MIN, NaiveDateTime::MAX] {
            let v = DateTime::from(at);
            assert_eq!(v.to_naive(), Ok(at));
            assert_eq!(v.to_string().parse::<DateTime>(), Ok(v), "{v}");
        }
        assert_eq!(DateTime::from(NaiveDateTime::MIN).to_string(), "-262143-01-01T00:00:00");
        // The end of a day is midnight of the next; on chrono's last day it is out of range.
        let end: DateTime = "2021-12-31T24:00:00".parse().unwrap();
        assert_eq!(end.to_naive().unwrap().to_string(), "2022-01-01 00:00:00");
        let last: DateTime = "262142-12-31T24:00:00".parse().unwrap();
        assert!(last.to_naive().is_err());
        assert!(
            "262143-01-01T00:00:00".parse::<DateTime>().is_err(),
            "beyond chrono's years"
        );
        // A wall-clock time is no instant.
        let wall: DateTime = "2021-10-05T13:45:10".parse().unwrap();
        assert!(wall.to_chrono().is_err());
        assert!(wall.to_utc().is_err());
        assert_eq!(wall.offset(), None);
    }

    #[test]
    fn decimals_stay_exact() {
        for s in ["0", "-1.50", "+3", ".5", "12345678901234567890.000000001"] {
            assert_eq!(s.parse::<Decimal>().unwrap().as_str(), s);
        }
        for s in ["", "1e5", "1.2.3", "abc", "."] {
            assert!(s.parse::<Decimal>().is_err(), "{s}");
        }
    }

    #[test]
    fn durations_follow_the_lexical_space() {
        for s in [
            "P1D",
            "-PT1.5S",
            "P1Y2M3DT4H5M6.7S",
            "PT0S",
            "P10675199DT2H48M5.4775807S",
        ] {
            assert_eq!(s.parse::<Duration>().unwrap().as_str(), s);
        }
        for s in ["P", "PT", "1D", "P1S", "PT1D", "P1.5D", "PD", "PT1M1H"] {
            assert!(s.parse::<Duration>().is_err(), "{s}");
        }
    }

    #[test]
    fn numbers_and_booleans() {
        assert_eq!(f64::parse_text("INF").unwrap(), f64::INFINITY);
        assert_eq!(f64::INFINITY.to_text(), "INF");
        assert_eq!(1.5f64.to_text(), "1.5");
        assert!(f64::parse_text("1,5").is_err());
        assert_eq!(i32::parse_text(" 42 ").unwrap(), 42);
        assert!(i32::parse_text("4294967296").is_err());
        assert!(bool::parse_text("1").unwrap());
        assert!(bool::parse_text("True").is_err());
        assert_eq!(WcfChar::parse_text("65").unwrap().to_char(), Some('A'));
    }
}

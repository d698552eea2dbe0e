//! Values in the forms the service writes them (`6/2/2026`, `9/23/2026 1:00:00 PM`,
//! `1200.0000`, `True`), and the filter dates it reads (`2026-06-02`, `6/2/2026`,
//! `6/2/2026 12:00:00 AM`, ISO 8601 date-times).

use std::time::{SystemTime, UNIX_EPOCH};

use kareo_sdk::xml::DateTime;

/// A moment as seconds since 0000-03-01 (proleptic Gregorian, no zone): what filters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(pub i64);

/// Seconds in a day.
pub const DAY: i64 = 86_400;

impl Moment {
    /// The moment of a civil date and time.
    pub fn civil(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Moment {
        Moment(
            days_from_civil(year, month, day) * DAY
                + i64::from(hour) * 3600
                + i64::from(minute) * 60
                + i64::from(second),
        )
    }

    /// Now, in UTC.
    pub fn now() -> Moment {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Moment(days_from_civil(1970, 1, 1) * DAY + secs)
    }

    /// The moment of an `xs:dateTime` (its zone ignored, as the service's local times are).
    pub fn of(t: &DateTime) -> Moment {
        Moment::civil(t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
    }

    /// Whole days from `self` to `later`.
    pub fn days_until(self, later: Moment) -> i64 {
        (later.0 - self.0).div_euclid(DAY)
    }

    fn parts(self) -> (i32, u8, u8, u8, u8, u8) {
        let (y, m, d) = civil_from_days(self.0.div_euclid(DAY));
        let s = self.0.rem_euclid(DAY);
        (y, m, d, (s / 3600) as u8, (s / 60 % 60) as u8, (s % 60) as u8)
    }

    /// `6/2/2026`.
    pub fn date_form(self) -> String {
        let (y, m, d, ..) = self.parts();
        format!("{m}/{d}/{y}")
    }

    /// `9/23/2026 1:00:00 PM`.
    pub fn date_time_form(self) -> String {
        let (y, m, d, h, min, s) = self.parts();
        let (h12, half) = match h {
            0 => (12, "AM"),
            1..=11 => (h, "AM"),
            12 => (12, "PM"),
            _ => (h - 12, "PM"),
        };
        format!("{m}/{d}/{y} {h12}:{min:02}:{s:02} {half}")
    }

    /// The `xs:dateTime` of this moment (no zone).
    pub fn date_time(self) -> Option<DateTime> {
        let (y, m, d, h, min, s) = self.parts();
        DateTime::new(y, m, d, h, min, s)
    }
}

/// Money as the service writes it: `1200.0000`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}00", c / 100, c % 100)
}

/// Money in cents from the text a client sent (`1200`, `1200.5`, `1200.0000`).
pub fn parse_money(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut cents = frac.bytes().take(2).fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    if frac.len() == 1 {
        cents *= 10;
    }
    let v = whole.checked_mul(100)?.checked_add(cents)?;
    Some(if neg { -v } else { v })
}

/// A flag as the service writes it: `True` / `False`.
pub fn flag(v: bool) -> String {
    if v { "True" } else { "False" }.to_owned()
}

/// Reads a date or date-time in any form the service accepts or writes: `2026-06-02`,
/// `2026-06-02T13:00:00` (a zone is ignored), `6/2/2026`, `6/2/2026 1:00:00 PM`.
pub fn parse_moment(text: &str) -> Option<Moment> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some((date, time)) = t.split_once(['T', ' ']) {
        let day = parse_day(date)?;
        return Some(Moment(day.0 + parse_time(time.trim())?));
    }
    parse_day(t)
}

fn parse_day(t: &str) -> Option<Moment> {
    let num = |s: &str| s.parse::<u32>().ok();
    let (y, m, d) = if t.contains('/') {
        let mut it = t.split('/');
        let (m, d, y) = (num(it.next()?)?, num(it.next()?)?, num(it.next()?)?);
        (y, m, d)
    } else {
        let mut it = t.split('-');
        (num(it.next()?)?, num(it.next()?)?, num(it.next()?)?)
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || y > 9999 {
        return None;
    }
    Some(Moment::civil(y as i32, m as u8, d as u8, 0, 0, 0))
}

/// Seconds into the day of `13:00:00`, `1:00:00 PM`, `13:00:00.5Z`, `13:00:00-05:00`.
fn parse_time(t: &str) -> Option<i64> {
    let (clock, half) = match t.rsplit_once(' ') {
        Some((c, h)) if h.eq_ignore_ascii_case("AM") || h.eq_ignore_ascii_case("PM") => (c, Some(h)),
        _ => (t, None),
    };
    let clock = clock.trim_end_matches('Z');
    let clock = match clock.char_indices().skip(5).find(|(_, c)| *c == '+' || *c == '-') {
        Some((i, _)) => &clock[..i],
        None => clock,
    };
    let mut it = clock.split(':');
    let h: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next().unwrap_or("0").parse().ok()?;
    let s: i64 = it.next().unwrap_or("0").split('.').next()?.parse().ok()?;
    let h = match half {
        Some(x) if x.eq_ignore_ascii_case("PM") && h < 12 => h + 12,
        Some(x) if x.eq_ignore_ascii_case("AM") && h == 12 => 0,
        _ => h,
    };
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

// Howard Hinnant's civil-date algorithms (days since 1970-01-01 shifted to 0000-03-01).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_forms() {
        let t = Moment::civil(2026, 9, 23, 13, 0, 0);
        assert_eq!(t.date_time_form(), "9/23/2026 1:00:00 PM");
        assert_eq!(
            Moment::civil(2026, 6, 2, 0, 5, 0).date_time_form(),
            "6/2/2026 12:05:00 AM"
        );
        assert_eq!(t.date_form(), "9/23/2026");
        assert_eq!(money(120_000), "1200.0000");
        assert_eq!(money(-5), "-0.0500");
        assert_eq!(flag(true), "True");
    }

    #[test]
    fn filter_dates_in_every_form_read_the_same() {
        let day = Moment::civil(2026, 6, 2, 0, 0, 0);
        for form in [
            "2026-06-02",
            "6/2/2026",
            "6/2/2026 12:00:00 AM",
            "2026-06-02T00:00:00Z",
            "2026-06-02T00:00:00-05:00",
        ] {
            assert_eq!(parse_moment(form), Some(day), "{form}");
        }
        assert_eq!(
            parse_moment("9/23/2026 1:00:00 PM"),
            Some(Moment::civil(2026, 9, 23, 13, 0, 0))
        );
        assert_eq!(parse_moment("13/1/2026"), None);
        assert_eq!(parse_moment("soon"), None);
        assert_eq!(parse_moment(&day.date_time_form()), Some(day));
    }

    #[test]
    fn money_reads_what_clients_send() {
        assert_eq!(parse_money("1200"), Some(120_000));
        assert_eq!(parse_money("1200.5"), Some(120_050));
        assert_eq!(parse_money("1200.0000"), Some(120_000));
        assert_eq!(parse_money("-3.25"), Some(-325));
        assert_eq!(parse_money("12a"), None);
    }
}

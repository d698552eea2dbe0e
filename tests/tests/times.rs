//! Typed times: `xml::DateTime`, `xml::Date` and `xml::Time` built from chrono's values and read
//! back into them (property tests over chrono's whole range), the form a chrono value is
//! written in on the wire, and a string member's `InvalidValue` as a `kareo_sdk::Error` (`?`).

use kareo_sdk::envelope;
use kareo_sdk::ids::{PracticeId, ServiceLocationId};
use kareo_sdk::operations::CreateAppointment;
use kareo_sdk::types::{
    AppointmentCreate, AppointmentCreateRequired, AppointmentStatus, AppointmentType, AppointmentUpdate, ChargeData,
    CreateAppointmentReq,
};
use kareo_sdk::values::chrono::{self, DateTime as ChronoDateTime, Datelike, Timelike};
use kareo_sdk::values::{FixedOffset, KareoDate, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use kareo_sdk::xml::{Date, DateTime, Nillable, Time, Zone};
use kareo_sdk::Error;
use proptest::prelude::*;

/// Any day chrono represents.
fn day() -> impl Strategy<Value = NaiveDate> {
    (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_filter_map("a day chrono has", NaiveDate::from_num_days_from_ce_opt)
}

/// Any time of day chrono represents, leap seconds excluded (xs:dateTime has none).
fn time_of_day() -> impl Strategy<Value = NaiveTime> {
    (
        0u32..86_400,
        prop_oneof![
            Just(0u32),
            0u32..1_000_000_000,
            (0u32..10_000_000).prop_map(|n| n * 100)
        ],
    )
        .prop_filter_map("a time", |(secs, nanos)| {
            NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
        })
}

fn date_time() -> impl Strategy<Value = NaiveDateTime> {
    (day(), time_of_day()).prop_map(|(d, t)| d.and_time(t))
}

/// Offsets xs:dateTime writes: whole minutes within ±14:00.
fn offset() -> impl Strategy<Value = FixedOffset> {
    (-840i32..=840).prop_filter_map("an offset", |m| FixedOffset::east_opt(m * 60))
}

/// The text a value writes reads back as the same value.
fn reads_back(v: &DateTime) -> Result<(), TestCaseError> {
    let text = v.to_string();
    let back = text.parse::<DateTime>();
    prop_assert_eq!(back.as_ref(), Ok(v), "{} does not read back", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// A wall-clock time: no zone written, the same `NaiveDateTime` back, the text reads back.
    #[test]
    fn naive_date_times_round_trip(at in date_time()) {
        let v = DateTime::from(at);
        prop_assert_eq!(v.zone(), Zone::Unspecified);
        prop_assert_eq!(v.to_naive(), Ok(at));
        prop_assert_eq!(NaiveDateTime::try_from(v), Ok(at));
        prop_assert!(v.to_chrono().is_err(), "a wall-clock time is no instant");
        reads_back(&v)?;
        // Fractions in .NET's seven digits, or nine when finer.
        let digits = v.to_string().split_once('.').map_or(0, |(_, f)| f.len());
        let expected = match at.nanosecond() { 0 => 0, n if n % 100 == 0 => 7, _ => 9 };
        prop_assert_eq!(digits, expected);
    }

    /// A UTC instant: written with `Z`, the same instant back.
    #[test]
    fn utc_instants_round_trip(at in date_time()) {
        let utc = ChronoDateTime::<Utc>::from_naive_utc_and_offset(at, Utc);
        let v = DateTime::from(utc);
        prop_assert_eq!(v.zone(), Zone::Utc);
        prop_assert!(v.to_string().ends_with('Z'));
        prop_assert_eq!(v.to_utc(), Ok(utc));
        prop_assert_eq!(ChronoDateTime::<Utc>::try_from(v), Ok(utc));
        reads_back(&v)?;
    }

    /// An instant with an offset: written with that offset (`+00:00` included), the same
    /// instant and offset back; the local time is what was written.
    #[test]
    fn offset_instants_round_trip(at in date_time(), offset in offset()) {
        prop_assume!(at.checked_add_offset(offset).is_some());
        let zoned = ChronoDateTime::<FixedOffset>::from_naive_utc_and_offset(at, offset);
        let v = DateTime::from(zoned);
        prop_assert_eq!(v.zone(), Zone::Offset((offset.local_minus_utc() / 60) as i16));
        let back = v.to_chrono().expect("an instant");
        prop_assert_eq!(back, zoned);
        prop_assert_eq!(back.offset(), zoned.offset());
        prop_assert_eq!(v.to_naive(), Ok(zoned.naive_local()));
        reads_back(&v)?;
    }

    /// Any offset, even one xs:dateTime cannot write (seconds, beyond ±14:00): the same
    /// instant, never a panic.
    #[test]
    fn any_offset_keeps_the_instant(at in date_time(), secs in -86_399i32..=86_399) {
        let offset = FixedOffset::east_opt(secs).expect("within a day");
        let zoned = ChronoDateTime::<FixedOffset>::from_naive_utc_and_offset(at, offset);
        let v = DateTime::from(zoned);
        prop_assert_eq!(v.to_utc(), Ok(zoned.with_timezone(&Utc)));
        reads_back(&v)?;
    }

    /// Values read from the wire (any fraction digits, any zone form) convert to chrono and the
    /// chrono value converts back to the same moment.
    #[test]
    fn wire_values_convert_to_chrono(
        year in 1i32..=9999, month in 1u32..=12, dom in 1u32..=28, secs in 0u32..86_400,
        digits in 0usize..=9, frac in 0u32..1_000_000_000,
        zone in prop_oneof![Just(String::new()), Just("Z".to_owned()), offset().prop_map(|o| {
            let m = o.local_minus_utc() / 60;
            format!("{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60)
        })],
    ) {
        let mut text = format!("{year:04}-{month:02}-{dom:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        if digits > 0 {
            text.push_str(&format!(".{:0digits$}", frac / 10u32.pow(9 - digits as u32)));
        }
        text.push_str(&zone);
        let v: DateTime = text.parse().expect("a valid lexical form");
        let naive = v.to_naive().expect("in chrono's range");
        prop_assert_eq!(DateTime::from(naive).to_naive(), Ok(naive));
        match v.zone() {
            Zone::Unspecified => prop_assert!(v.to_chrono().is_err()),
            _ => {
                let instant = v.to_chrono().expect("an instant");
                prop_assert_eq!(instant.naive_local(), naive);
                prop_assert_eq!(DateTime::from(instant).to_chrono(), Ok(instant));
            }
        }
    }

    /// `xs:date` from and to `NaiveDate`, over chrono's whole range.
    #[test]
    fn dates_round_trip(d in day()) {
        let v = Date::from(d);
        prop_assert_eq!(v.to_naive(), Ok(d));
        prop_assert_eq!(NaiveDate::try_from(&v), Ok(d));
        let back = v.as_str().parse::<Date>();
        prop_assert_eq!(back.as_ref(), Ok(&v));
        prop_assert_eq!(v.zone(), Zone::Unspecified);
    }

    /// `xs:time` from and to `NaiveTime`.
    #[test]
    fn times_round_trip(t in time_of_day()) {
        let v = Time::from(t);
        prop_assert_eq!(v.to_naive(), Ok(t));
        let back = v.as_str().parse::<Time>();
        prop_assert_eq!(back.as_ref(), Ok(&v));
    }

    /// Any xs:time text converts or is a typed error: precision beyond nanoseconds is refused,
    /// never rounded.
    #[test]
    fn time_precision_is_never_lost(secs in 0u32..86_400, fraction in "[0-9]{1,14}") {
        let text = format!("{:02}:{:02}:{:02}.{fraction}", secs / 3600, secs / 60 % 60, secs % 60);
        let v: Time = text.parse().expect("a valid lexical form");
        let fits = fraction.bytes().skip(9).all(|b| b == b'0');
        match v.to_naive() {
            Ok(t) => {
                prop_assert!(fits, "{} converted though it is finer than nanoseconds", text);
                let nanos: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
                prop_assert_eq!(t.nanosecond(), nanos.parse::<u32>().expect("digits"));
            }
            Err(_) => prop_assert!(!fits, "{} refused", text),
        }
    }
}

#[test]
fn chrono_values_are_written_on_the_wire_as_wcf_writes_them() {
    let start = NaiveDate::from_ymd_opt(2026, 9, 23)
        .and_then(|d| d.and_hms_milli_opt(13, 0, 0, 250))
        .expect("a time");
    let end = ChronoDateTime::<Utc>::from_naive_utc_and_offset(start, Utc);
    let appointment = AppointmentCreate::new(AppointmentCreateRequired {
        appointment_status: AppointmentStatus::Scheduled,
        appointment_type: AppointmentType::P,
        start_time: start.into(),
        end_time: end.into(),
        is_recurring: false,
        practice_id: PracticeId::new(1),
        service_location_id: ServiceLocationId::new(1),
    });
    let request = CreateAppointmentReq::from(appointment);
    let xml = envelope::write_request::<CreateAppointment>(&request).expect("writes");
    assert!(xml.contains(">2026-09-23T13:00:00.2500000<"), "{xml}");
    assert!(xml.contains(">2026-09-23T13:00:00.2500000Z<"), "{xml}");

    // A nillable member takes chrono's values too.
    let mut update = AppointmentUpdate::default();
    let est = FixedOffset::west_opt(5 * 3600).expect("offset");
    update.start_time = ChronoDateTime::<FixedOffset>::from_naive_utc_and_offset(start, est).into();
    assert_eq!(
        update.start_time.value().map(ToString::to_string).as_deref(),
        Some("2026-09-23T08:00:00.2500000-05:00")
    );
}

/// What the README promises: `charge.posting_date_value()?` in a function returning
/// `kareo_sdk::Error`. (`kareo_sdk::Error` is larger than clippy's 128-byte threshold, as it
/// was before `InvalidValue` (boxed) joined it; a synchronous function returning it trips
/// `result_large_err`.)
#[allow(clippy::result_large_err)]
fn posting_day(charge: &ChargeData) -> Result<Option<NaiveDate>, Error> {
    let posted: Option<KareoDate> = charge.posting_date_value()?;
    Ok(posted.map(|d| d.date()))
}

#[test]
fn an_invalid_string_value_is_an_error_with_question_mark() {
    let mut charge = ChargeData::new();
    charge.posting_date = "6/2/2026".into();
    assert_eq!(
        posting_day(&charge).expect("a date"),
        NaiveDate::from_ymd_opt(2026, 6, 2)
    );
    charge.posting_date = Nillable::Nil;
    assert_eq!(posting_day(&charge).expect("nil is no date"), None);

    charge.posting_date = "13/45/2026".into();
    let err = posting_day(&charge).expect_err("no such day");
    assert!(matches!(&err, Error::InvalidValue(e) if e.member() == Some("ChargeData/PostingDate")));
    let message = err.to_string();
    assert!(message.contains("ChargeData/PostingDate"), "{message}");
    assert!(message.contains("13/45/2026"), "{message}");
    assert_eq!(err.operation(), None);
    assert!(!err.is_retryable());
}

#[test]
fn chrono_is_reachable_through_values() {
    // chrono's zoned type under its own path; `DateTime` in this crate is the wire's.
    let at: chrono::DateTime<Utc> = ChronoDateTime::<Utc>::from_naive_utc_and_offset(NaiveDateTime::MIN, Utc);
    assert_eq!(DateTime::from(at).to_utc(), Ok(at));
}

#[test]
fn a_date_of_birth_is_set_from_a_date_and_sent_as_midnight_without_zone() {
    let born = NaiveDate::from_ymd_opt(1980, 6, 2).expect("a day");
    let patient = kareo_sdk::types::PatientCreate::new().dateof_birth(born);
    let sent = *patient.dateof_birth.value().expect("set");
    assert_eq!(sent.to_string(), "1980-06-02T00:00:00");
    assert_eq!(sent.zone(), Zone::Unspecified);
    assert_eq!(sent.to_naive().map(|at| at.date()), Ok(born));
    let request = kareo_sdk::types::CreatePatientReq::from(patient);
    let xml = envelope::write_request::<kareo_sdk::operations::CreatePatient>(&request).expect("writes");
    assert!(xml.contains(":DateofBirth>1980-06-02T00:00:00</"), "{xml}");
}

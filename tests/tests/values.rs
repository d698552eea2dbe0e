//! Kareo's string-typed values: every form in KAREO-NOTES.md ("Values as the service writes
//! them") parses and writes back unchanged (property tests), the generated accessors read a
//! response's members and name the member and text when they cannot, and the filters' setters
//! write the form the service accepts.

use kareo_sdk::envelope::{self, Response};
use kareo_sdk::ids::ChargeId;
use kareo_sdk::operations::{GetCharges, GetPatients};
use kareo_sdk::types::{ChargeData, ChargeFilter, GetChargesReq, GetPatientsReq, PatientFilter};
use kareo_sdk::values::{
    Decimal, FixedOffset, KareoDate, KareoDateTime, KareoFlag, NaiveDate, NaiveDateTime, TextValue, Zone,
};
use kareo_sdk::xml::{Limits, Nillable};
use proptest::prelude::*;

/// The text writes back unchanged, or does not parse: nothing in between.
fn exact_or_refused<T: TextValue>(text: &str) -> Result<(), TestCaseError> {
    if let Ok(v) = T::parse_text(text) {
        prop_assert_eq!(v.to_string(), text, "{} changed in a round trip", T::KIND);
    }
    Ok(())
}

fn pad(v: u32, padded: bool) -> String {
    if padded {
        format!("{v:02}")
    } else {
        v.to_string()
    }
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i32..=9999, 1u32..=12, 1u32..=31).prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// `±hh:mm`, never `-00:00`.
fn offset() -> impl Strategy<Value = (String, i32)> {
    (any::<bool>(), 0i32..=23, 0i32..=59)
        .prop_filter("-00:00 is refused", |(neg, h, m)| !(*neg && *h == 0 && *m == 0))
        .prop_map(|(neg, h, m)| {
            let secs = (h * 60 + m) * 60;
            (
                format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' }),
                if neg { -secs } else { secs },
            )
        })
}

/// Text near the forms: digits and the separators they use, so a good share of it parses.
fn near_text() -> impl Strategy<Value = String> {
    let ch = prop::sample::select(vec![
        '0', '1', '2', '5', '9', '/', '-', ':', '.', ' ', 'T', 'Z', '+', 'A', 'P', 'M', 'e', 'r', 'u',
    ]);
    prop::collection::vec(ch, 0..28).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// `6/2/2026`, `06/02/2026`, `2026-06-02`.
    #[test]
    fn dates_round_trip(d in date(), us in any::<bool>(), pm in any::<bool>(), pd in any::<bool>()) {
        use kareo_sdk::values::chrono::Datelike;
        let text = if us {
            format!("{}/{}/{:04}", pad(d.month(), pm), pad(d.day(), pd), d.year())
        } else {
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        };
        let v: KareoDate = text.parse().expect("a date form");
        prop_assert_eq!(v.date(), d);
        prop_assert_eq!(v.to_string(), text.clone());
        let dt: KareoDateTime = text.parse().expect("a date-time member reads a date too");
        prop_assert!(!dt.has_time());
        prop_assert_eq!(dt.to_string(), text);
    }

    /// `9/23/2026 1:00:00 PM`, with or without seconds and padding; midnight is a date too.
    #[test]
    fn us_date_times_round_trip(
        d in date(), h in 0u32..24, mi in 0u32..60, s in 0u32..60, seconds in any::<bool>(),
        pm in any::<bool>(), pd in any::<bool>(), ph in any::<bool>(),
    ) {
        use kareo_sdk::values::chrono::Datelike;
        let h12 = match h % 12 { 0 => 12, x => x };
        let s = if seconds { s } else { 0 };
        let mut text = format!("{}/{}/{:04} {}:{mi:02}", pad(d.month(), pm), pad(d.day(), pd), d.year(), pad(h12, ph));
        if seconds {
            text.push_str(&format!(":{s:02}"));
        }
        text.push_str(if h < 12 { " AM" } else { " PM" });
        let v: KareoDateTime = text.parse().expect("a US date-time");
        prop_assert_eq!(v.naive(), d.and_hms_opt(h, mi, s).expect("valid"));
        prop_assert_eq!(v.zone(), Zone::Unspecified);
        prop_assert!(v.is_us_form());
        prop_assert_eq!(v.to_string(), text.clone());
        let as_date = text.parse::<KareoDate>();
        prop_assert_eq!(as_date.is_ok(), h == 0 && mi == 0 && s == 0, "a date is read from midnight only");
        if let Ok(day) = as_date {
            prop_assert_eq!(day.to_string(), text);
        }
    }

    /// ISO 8601 with `Z`, an offset or no zone (WCF "unspecified"), 0 to 9 fractional digits.
    #[test]
    fn iso_date_times_round_trip(
        d in date(), h in 0u32..24, mi in 0u32..60, s in 0u32..60, t in any::<bool>(),
        seconds in any::<bool>(), digits in 0u32..=9, frac in 0u32..1_000_000_000,
        zone in prop_oneof![Just(None), Just(Some(None)), offset().prop_map(|o| Some(Some(o)))],
    ) {
        use kareo_sdk::values::chrono::Datelike;
        let mut text = format!("{:04}-{:02}-{:02}{}{h:02}:{mi:02}", d.year(), d.month(), d.day(), if t { 'T' } else { ' ' });
        let (s, nanos) = if seconds {
            text.push_str(&format!(":{s:02}"));
            if digits > 0 {
                let scaled = frac / 10u32.pow(9 - digits);
                text.push_str(&format!(".{scaled:0width$}", width = digits as usize));
                (s, scaled * 10u32.pow(9 - digits))
            } else {
                (s, 0)
            }
        } else {
            (0, 0)
        };
        let expected_zone = match &zone {
            None => Zone::Unspecified,
            Some(None) => { text.push('Z'); Zone::Utc }
            Some(Some((written, secs))) => {
                text.push_str(written);
                Zone::Offset(FixedOffset::east_opt(*secs).expect("in range"))
            }
        };
        let v: KareoDateTime = text.parse().expect("an ISO date-time");
        prop_assert_eq!(v.naive(), d.and_hms_nano_opt(h, mi, s, nanos).expect("valid"));
        prop_assert_eq!(v.zone(), expected_zone);
        prop_assert_eq!(v.fixed().is_some(), zone.is_some());
        prop_assert_eq!(v.to_string(), text);
    }

    /// `1200.00`, `1200.0000`: the scale is kept.
    #[test]
    fn money_round_trips(neg in any::<bool>(), int in 0u64..10_000_000_000, scale in 0u32..=12, frac in any::<u64>()) {
        let mut text = format!("{}{int}", if neg { "-" } else { "" });
        if scale > 0 {
            let frac = frac % 10u64.pow(scale);
            text.push_str(&format!(".{frac:0width$}", width = scale as usize));
        }
        let zero = int == 0 && text.bytes().all(|b| matches!(b, b'0' | b'.' | b'-'));
        match Decimal::parse_text(&text) {
            Ok(v) => {
                prop_assert!(!(neg && zero), "-0 is refused");
                prop_assert_eq!(v.scale(), scale);
                prop_assert_eq!(v.to_string(), text);
            }
            Err(_) => prop_assert!(neg && zero, "{} refused", text),
        }
    }

    #[test]
    fn integers_round_trip(n in any::<i64>()) {
        let text = n.to_string();
        prop_assert_eq!(i64::parse_text(&text), Ok(n));
    }

    /// Whatever text parses writes back unchanged, for every kind.
    #[test]
    fn nothing_parses_into_something_else(text in near_text()) {
        exact_or_refused::<KareoDate>(&text)?;
        exact_or_refused::<KareoDateTime>(&text)?;
        exact_or_refused::<Decimal>(&text)?;
        exact_or_refused::<i64>(&text)?;
        exact_or_refused::<KareoFlag>(&text)?;
    }

    /// Values built from chrono types read back as themselves.
    #[test]
    fn built_values_read_back(d in date(), h in 0u32..24, mi in 0u32..60, s in 0u32..60, nanos in 0u32..1_000_000_000, offset in offset()) {
        let at = d.and_hms_nano_opt(h, mi, s, nanos).expect("valid");
        for v in [KareoDate::new(d), KareoDate::iso(d)] {
            prop_assert_eq!(v.to_string().parse::<KareoDate>(), Ok(v));
        }
        let zone = Zone::Offset(FixedOffset::east_opt(offset.1).expect("in range"));
        for v in [KareoDateTime::new(at), KareoDateTime::iso(at, Zone::Unspecified), KareoDateTime::iso(at, Zone::Utc), KareoDateTime::iso(at, zone)] {
            prop_assert_eq!(v.to_string().parse::<KareoDateTime>(), Ok(v));
        }
        prop_assert_eq!(KareoDateTime::iso(at, Zone::Utc).naive(), at);
    }
}

#[test]
fn flags_in_every_spelling() {
    for (text, value) in [("True", true), ("False", false), ("true", true), ("false", false)] {
        let f: KareoFlag = text.parse().expect("a flag");
        assert_eq!(f.get(), value);
        assert_eq!(f.to_string(), text);
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

/// A GetCharges answer as integrators' fixtures write it, read through the envelope.
fn charge_from_wire(members: &str) -> ChargeData {
    let body = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetChargesResponse xmlns="http://www.kareo.com/api/schemas/"><GetChargesResult><Charges><ChargeData>{members}</ChargeData></Charges></GetChargesResult></GetChargesResponse></s:Body></s:Envelope>"#
    );
    let (response, _) = envelope::read_response::<GetCharges>(body.as_bytes(), Limits::default()).expect("reads");
    let Response::Result(result) = response else {
        panic!("a fault")
    };
    let mut charges = result.charges.into_value().expect("charges");
    assert_eq!(charges.len(), 1);
    charges.remove(0)
}

#[test]
fn accessors_read_the_service_forms() {
    let c = charge_from_wire(
        "<CreatedDate>9/23/2026 1:00:00 PM</CreatedDate><DoNotSendClaimElectronically>True</DoNotSendClaimElectronically>\
         <ID>4711</ID><PatientDateOfBirth>6/2/1980 12:00:00 AM</PatientDateOfBirth><PostingDate>6/2/2026</PostingDate>\
         <ServiceStartDate/><TotalCharges>1200.0000</TotalCharges>",
    );
    let created = c.created_date_value().expect("a date-time").expect("present");
    assert_eq!(created.naive(), ymd(2026, 9, 23).and_hms_opt(13, 0, 0).expect("valid"));
    assert_eq!(created.to_string(), "9/23/2026 1:00:00 PM");
    assert_eq!(
        c.posting_date_value().expect("a date").map(|d| d.date()),
        Some(ymd(2026, 6, 2))
    );
    let dob = c
        .patient_date_of_birth_value()
        .expect("a date at midnight")
        .expect("present");
    assert_eq!(
        (dob.date(), dob.to_string().as_str()),
        (ymd(1980, 6, 2), "6/2/1980 12:00:00 AM")
    );
    let total = c.total_charges_value().expect("money").expect("present");
    assert_eq!((total.to_string().as_str(), total.scale()), ("1200.0000", 4));
    assert_eq!(c.id_value(), Ok(Some(ChargeId::new(4711))));
    assert_eq!(
        c.do_not_send_claim_electronically_value().map(|f| f.map(|f| f.get())),
        Ok(Some(true))
    );
    // Empty and absent members are no value; the text stays in the record.
    assert_eq!(c.service_start_date_value(), Ok(None));
    assert_eq!(c.service_end_date_value(), Ok(None));
    assert_eq!(c.posting_date, Nillable::Value("6/2/2026".to_owned()));
}

#[test]
fn a_bad_value_names_the_member_and_the_text() {
    let c = charge_from_wire("<PostingDate>2/30/2026</PostingDate><TotalCharges>$1,200.00</TotalCharges>");
    let e = c.posting_date_value().expect_err("no such day");
    assert_eq!(e.member(), Some("ChargeData/PostingDate"));
    assert_eq!(e.text(), "2/30/2026");
    assert!(
        e.to_string()
            .starts_with("ChargeData/PostingDate: \"2/30/2026\" is not a date"),
        "{e}"
    );
    let e = c.total_charges_value().expect_err("not money");
    assert_eq!(
        (e.member(), e.kind(), e.text()),
        (Some("ChargeData/TotalCharges"), "money", "$1,200.00")
    );
    // The record still holds the text.
    assert_eq!(c.total_charges.value().map(String::as_str), Some("$1,200.00"));
}

#[test]
fn filters_write_the_form_integrators_send() {
    let req = GetChargesReq::new().filter(
        ChargeFilter::new()
            .from_posting_date(ymd(2026, 6, 1))
            .to_posting_date(KareoDate::iso(ymd(2026, 7, 31)))
            .from_last_modified_date(ymd(2026, 6, 1).and_hms_opt(0, 0, 0).expect("valid"))
            .include_unapproved_charges(true),
    );
    let xml = envelope::write_request::<GetCharges>(&req).expect("writes");
    for needle in [
        ":FromPostingDate>6/1/2026</",
        ":ToPostingDate>2026-07-31</",
        ":FromLastModifiedDate>6/1/2026 12:00:00 AM</",
        ":IncludeUnapprovedCharges>true</",
    ] {
        assert!(xml.contains(needle), "{needle} not in {xml}");
    }
    let back = envelope::read_request::<GetCharges>(xml.as_bytes(), Limits::default()).expect("reads");
    assert_eq!(back.filter, req.filter);
    let _: &ChargeFilter = &back.filter;
}

#[test]
fn an_exact_date_of_birth_spans_one_day() {
    let mut req = GetPatientsReq::default();
    req.filter.set_date_of_birth_on(ymd(1980, 12, 31)).expect("in range");
    let f: &PatientFilter = &req.filter;
    assert_eq!(f.from_date_of_birth, Nillable::Value("12/31/1980".to_owned()));
    assert_eq!(
        f.to_date_of_birth,
        Nillable::Value("1/1/1981".to_owned()),
        "ToDateOfBirth is exclusive"
    );
    let xml = envelope::write_request::<GetPatients>(&req).expect("writes");
    assert!(xml.contains(":FromDateOfBirth>12/31/1980</"), "{xml}");
    assert!(xml.contains(":ToDateOfBirth>1/1/1981</"), "{xml}");
    assert!(req.filter.set_date_of_birth_on(NaiveDate::MAX).is_err());
}

#[test]
fn unspecified_utc_and_offset_stay_apart() {
    let texts = [
        "2026-09-23T13:00:00",
        "2026-09-23T13:00:00Z",
        "2026-09-23T13:00:00+00:00",
    ];
    let values: Vec<KareoDateTime> = texts.iter().map(|t| t.parse().expect("ISO")).collect();
    assert_eq!(values[0].zone(), Zone::Unspecified);
    assert_eq!(values[0].utc(), None, "an unspecified time is not taken for UTC");
    assert_eq!(values[1].utc(), values[2].utc());
    assert_ne!(values[1], values[2]);
    let _: NaiveDateTime = values[0].naive();
}

#[test]
fn identifiers_read_from_any_wire_form_and_fail_naming_the_member() {
    use kareo_sdk::ids::PatientId;
    use kareo_sdk::types::{ModifyPatientResp, PatientData, PatientSummary};
    // int, long and text members of one patient: one type.
    let mut by_int = ModifyPatientResp::default();
    by_int.patient_id = Nillable::Value(4711);
    let by_long = PatientSummary::new().patient_id(PatientId::new(4711));
    assert_eq!(by_long.patient_id, Some(4711_i64));
    let mut by_text = PatientData::default();
    by_text.id = Nillable::Value(" 4711 ".to_owned());
    let want = Ok(Some(PatientId::new(4711)));
    assert_eq!(by_int.patient_id_value(), want);
    assert_eq!(by_long.patient_id_value(), want);
    assert_eq!(by_text.id_value(), want.clone());
    // A placeholder's blank ID is no ID; text that is no identifier, or a long beyond Kareo's
    // 32-bit identifiers, is an error naming the member.
    by_text.id = Nillable::Value(String::new());
    assert_eq!(by_text.id_value(), Ok(None));
    by_text.id = Nillable::Value("P-17".to_owned());
    let e = by_text.id_value().expect_err("not an identifier");
    assert_eq!((e.member(), e.text()), (Some("PatientData/ID"), "P-17"));
    let mut too_big = PatientSummary::default();
    too_big.patient_id = Some(i64::from(i32::MAX) + 1);
    let e = too_big.patient_id_value().expect_err("beyond 32 bits");
    assert_eq!(e.member(), Some("PatientSummary/PatientId"));
}

//! Property tests: any string survives a request round trip exactly or is refused with a typed
//! error; `xs:dateTime` values keep their form (zone, fractional digits) through the wire.

use kareo_sdk::envelope;
use kareo_sdk::operations::{CreateAppointment, GetPatients};
use kareo_sdk::types::GetPatientsReq;
use kareo_sdk::xml::{DateTime, EncodeErrorKind, Limits, Nillable};
use kareo_tests::schema::{self, Direction, Fill};
use proptest::prelude::*;

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn text() -> impl Strategy<Value = String> {
    // Mostly the characters that need care (markup, whitespace, controls), some of anything.
    let special = prop::sample::select(vec![
        '<', '>', '&', '"', '\'', '\r', '\n', '\t', ' ', '\u{1}', '\u{FFFE}', 'é', '😀',
    ]);
    let ch = prop_oneof![3 => special, 1 => any::<char>(), 2 => prop::char::range('a', 'z')];
    prop::collection::vec(ch, 0..40).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn strings_round_trip_exactly_or_are_refused(s in text()) {
        let mut req = GetPatientsReq::default();
        req.filter.first_name = Nillable::Value(s.clone());
        match envelope::write_request::<GetPatients>(&req) {
            Ok(xml) => {
                prop_assert!(s.chars().all(xml_char));
                let back = envelope::read_request::<GetPatients>(xml.as_bytes(), Limits::default()).expect("reads back");
                prop_assert_eq!(back.filter.first_name, Nillable::Value(s));
            }
            Err(e) => {
                prop_assert!(!s.chars().all(xml_char), "refused a valid string: {}", e);
                let EncodeErrorKind::InvalidChar { code_point, .. } = e.kind else { panic!("unexpected error {e}") };
                prop_assert!(!char::from_u32(code_point).is_some_and(xml_char));
                prop_assert_eq!(e.path_string(), "GetPatients/request/Filter/FirstName");
            }
        }
    }

    #[test]
    fn date_times_keep_their_form(
        year in 1i32..=9999, month in 1u8..=12, day in 1u8..=28, hour in 0u8..24, minute in 0u8..60, second in 0u8..60,
        digits in 0u8..=9, frac in 0u32..1_000_000_000, zone in prop_oneof![Just(None), Just(Some(0i16)), (-840i16..=840).prop_map(Some)],
        utc in any::<bool>(),
    ) {
        let mut text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        if digits > 0 {
            let scaled = frac / 10u32.pow(9 - u32::from(digits));
            text.push_str(&format!(".{scaled:0width$}", width = usize::from(digits)));
        }
        match (zone, utc) {
            (None, true) => text.push('Z'),
            (None, false) => {}
            (Some(m), _) => text.push_str(&format!("{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60)),
        }
        let parsed: DateTime = text.parse().expect("valid lexical form");
        prop_assert_eq!(parsed.to_string(), text.clone());

        // And through a request on the wire.
        let op = schema::operation("CreateAppointment");
        let sample = schema::sample_envelope(op, Direction::Request, Fill::Full);
        let mut req = envelope::read_request::<CreateAppointment>(sample.as_bytes(), Limits::default()).expect("sample");
        // Start and end alike: an appointment that ends before it starts is refused unsent.
        let appointment = req.appointment.as_mut().expect("appointment");
        appointment.start_time = parsed;
        appointment.end_time = parsed;
        let xml = envelope::write_request::<CreateAppointment>(&req).expect("writes");
        let needle = format!(">{text}<");
        prop_assert!(xml.contains(&needle), "the value is written as given");
        let back = envelope::read_request::<CreateAppointment>(xml.as_bytes(), Limits::default()).expect("reads");
        prop_assert_eq!(back.appointment.expect("appointment").start_time, parsed);
    }
}

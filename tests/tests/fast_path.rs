//! The reader takes text-only elements (`<name>text</name>`) from the input in one step instead
//! of through quick-xml's three events. These tests hold that fast path to the reference, the
//! same parse with every element read through quick-xml: every document, valid or not, must
//! give the same value, the same count of skipped elements and the same error.

use std::fmt::Debug;

use kareo_sdk::envelope::{self, reference};
use kareo_sdk::operations::{GetPatients, GetProviders};
use kareo_sdk::xml::{Decode, DecodeErrorKind, Limits, Nillable, Operation};
use kareo_tests::schema::{self, Direction, Fill};
use proptest::prelude::*;

/// Parses `doc` as `O`'s response both ways and asserts the outcomes are equal; returns it.
fn same_response<O: Operation>(doc: &[u8], limits: Limits) -> Result<(envelope::Response<O::Response>, u64), String>
where
    O::Response: PartialEq + Debug,
{
    let fast = envelope::read_response::<O>(doc, limits);
    let slow = reference::read_response::<O>(doc, limits);
    assert_eq!(
        fast,
        slow,
        "{}: the fast path and quick-xml disagree on\n{}",
        O::INFO.name,
        String::from_utf8_lossy(doc)
    );
    fast.map(|(r, stats)| (r, stats.skipped)).map_err(|e| e.to_string())
}

/// The same for `O`'s request (the server side, as the mock reads it).
fn same_request<O: Operation>(doc: &[u8], limits: Limits)
where
    O::Request: Decode + PartialEq + Debug,
{
    assert_eq!(
        envelope::read_request::<O>(doc, limits),
        reference::read_request::<O>(doc, limits),
        "{} request: the fast path and quick-xml disagree on\n{}",
        O::INFO.name,
        String::from_utf8_lossy(doc)
    );
}

/// Every operation's schema-driven samples, in each fill, with escapes and without, compact
/// and indented, in both directions.
fn samples_agree<O: Operation>()
where
    O::Request: Decode + PartialEq + Debug,
    O::Response: PartialEq + Debug,
{
    let op = schema::operation(O::INFO.name);
    for fill in [Fill::Full, Fill::Nil, Fill::Absent] {
        for direction in [Direction::Request, Direction::Response] {
            let escaped = schema::sample_envelope(op, direction, fill);
            let plain = schema::plain_sample_envelope(op, direction, fill);
            let indented = schema::pretty(&escaped);
            for doc in [&escaped, &plain, &indented] {
                match direction {
                    Direction::Request => same_request::<O>(doc.as_bytes(), Limits::default()),
                    Direction::Response => {
                        let parsed = same_response::<O>(doc.as_bytes(), Limits::default());
                        assert!(parsed.is_ok(), "{} {fill:?}: {parsed:?}", O::INFO.name);
                    }
                }
            }
        }
    }
}

macro_rules! sample_tests {
    ($(($op:ident, $name:ident, $($types:tt)*)),* $(,)?) => {
        mod samples {
            $( #[test] fn $name() { super::samples_agree::<kareo_sdk::operations::$op>(); } )*
        }
    };
}

kareo_sdk::for_each_operation!(sample_tests);

const HEAD: &str = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#;
const TAIL: &str = "</s:Body></s:Envelope>";

fn patients(result: &str) -> Vec<u8> {
    format!(
        r#"{HEAD}<GetPatientsResponse xmlns="http://www.kareo.com/api/schemas/"><GetPatientsResult xmlns:a="http://www.kareo.com/api/schemas/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">{result}</GetPatientsResult></GetPatientsResponse>{TAIL}"#
    )
    .into_bytes()
}

/// One patient with `first_name` as the raw XML of its `FirstName` member (and whatever else).
fn first_name(member: &str) -> Vec<u8> {
    patients(&format!(
        "<a:Patients><a:PatientData>{member}<a:ID>7</a:ID></a:PatientData></a:Patients>"
    ))
}

fn parsed_first_name(doc: &[u8]) -> Result<(Nillable<String>, u64), String> {
    let (response, skipped) = same_response::<GetPatients>(doc, Limits::default())?;
    let envelope::Response::Result(result) = response else {
        panic!("a fault")
    };
    let patients = result.patients.value().cloned().unwrap_or_default();
    Ok((patients[0].first_name.clone(), skipped))
}

#[test]
fn text_the_fast_path_leaves_to_quick_xml_reads_the_same() {
    let cases: &[(&str, &str)] = &[
        ("<a:FirstName>Te&amp;st</a:FirstName>", "Te&st"),
        ("<a:FirstName>A&#66;C</a:FirstName>", "ABC"),
        ("<a:FirstName>line\r\nbreak\rend</a:FirstName>", "line\nbreak\nend"),
        ("<a:FirstName><![CDATA[x<y]]></a:FirstName>", "x<y"),
        ("<a:FirstName>x<!--note-->y</a:FirstName>", "xy"),
        ("<a:FirstName >spaced</a:FirstName >", "spaced"),
        ("<a:FirstName>é ü 漢</a:FirstName>", "é ü 漢"),
        ("<a:FirstName>]]></a:FirstName>", "]]>"),
        ("<a:FirstName></a:FirstName>", ""),
        ("\n  <a:FirstName>  padded  </a:FirstName>\n", "  padded  "),
    ];
    for (member, expected) in cases {
        let (name, skipped) = parsed_first_name(&first_name(member)).unwrap_or_else(|e| panic!("{member}: {e}"));
        assert_eq!(name, Nillable::Value((*expected).to_owned()), "{member}");
        assert_eq!(skipped, 0, "{member}");
    }
}

#[test]
fn elements_beside_and_around_leaves_are_read_the_same() {
    // Nil with an attribute, unknown leaves, text inside a complex member, whitespace that is
    // not XML whitespace before a leaf, text in the SOAP body, a fault.
    let (name, _) = parsed_first_name(&first_name(r#"<a:FirstName i:nil="true"></a:FirstName>"#)).expect("nil");
    assert_eq!(name, Nillable::Nil);
    let (_, skipped) =
        parsed_first_name(&first_name("<a:Unknown>x</a:Unknown><a:FirstName>F</a:FirstName>")).expect("unknown leaf");
    assert_eq!(skipped, 1);
    let (_, skipped) = parsed_first_name(&first_name("<a:FirstNamé>x</a:FirstNamé>")).expect("non-ASCII name");
    assert_eq!(skipped, 1);
    let (_, skipped) = same_response::<GetPatients>(&patients("<a:Patients>oops</a:Patients>"), Limits::default())
        .expect("text in a list");
    assert_eq!(skipped, 1);
    for odd_space in ["\u{c}", "\u{a0}"] {
        let doc = first_name(&format!("{odd_space}<a:FirstName>F</a:FirstName>"));
        let (name, _) = parsed_first_name(&doc).expect("odd whitespace");
        assert_eq!(name, Nillable::Value("F".into()));
    }
    let body_text = format!("{HEAD}just text{TAIL}");
    assert!(same_response::<GetPatients>(body_text.as_bytes(), Limits::default()).is_err());
    let fault = format!(
        "{HEAD}<s:Fault><faultcode>s:Client</faultcode><faultstring>No</faultstring><detail>d</detail></s:Fault>{TAIL}"
    );
    let (response, _) = same_response::<GetProviders>(fault.as_bytes(), Limits::default()).expect("fault");
    let envelope::Response::Fault(fault) = response else {
        panic!("not a fault")
    };
    assert_eq!((fault.code.as_str(), fault.detail.as_deref()), ("s:Client", Some("d")));
}

#[test]
fn malformed_leaves_fail_the_same_way() {
    let cases = [
        "<a:FirstName>x</a:LastName>",
        "<b:FirstName>x</b:FirstName>",
        "<a:FirstName>x</a:FirstNa",
        "<a:FirstName>x</a:FirstName",
        "<a:FirstName>x & y</a:FirstName>",
        "<a:FirstName>x</a:FirstName></a:Extra>",
    ];
    for member in cases {
        let doc = first_name(member);
        assert!(parsed_first_name(&doc).is_err(), "{member} is refused");
    }
    let mut invalid_utf8 = first_name("<a:FirstName>ab</a:FirstName>");
    let at = invalid_utf8.windows(2).position(|w| w == b"ab").expect("marker");
    invalid_utf8[at] = 0xff;
    assert!(parsed_first_name(&invalid_utf8).is_err());
}

#[test]
fn the_depth_limit_counts_leaves() {
    // FirstName is the 7th level: Envelope, Body, GetPatientsResponse, GetPatientsResult,
    // Patients, PatientData, FirstName.
    let doc = first_name("<a:FirstName>F</a:FirstName>");
    let results: Vec<bool> = (4..10)
        .map(|max_depth| {
            let limits = Limits {
                max_depth,
                ..Limits::default()
            };
            same_response::<GetPatients>(&doc, limits).is_ok()
        })
        .collect();
    assert_eq!(
        results,
        [false, false, false, true, true, true],
        "the leaf is the 7th level"
    );
    let limits = Limits {
        max_depth: 6,
        ..Limits::default()
    };
    let err = envelope::read_response::<GetPatients>(&doc, limits).expect_err("too deep");
    assert_eq!(err.kind, DecodeErrorKind::TooDeep(6));
}

#[test]
fn the_fuzzing_corpus_reads_the_same() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse_response");
    let limits = Limits {
        max_depth: 64,
        max_bytes: 1 << 20,
        max_unknown: 10_000,
    };
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("entry").path()).expect("readable");
        let _ = same_response::<GetPatients>(&data, limits);
        let _ = same_response::<kareo_sdk::operations::GetAppointments>(&data, limits);
        same_request::<kareo_sdk::operations::CreatePatient>(&data, limits);
        inputs += 1;
    }
    assert!(inputs >= 10, "the corpus is in place ({inputs} inputs)");
}

/// Small edits that move a document across the fast path's boundaries.
fn edit() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ",
        "\r\n",
        "\t",
        "\u{c}",
        "\u{a0}",
        "&amp;",
        "&",
        "<",
        ">",
        "/",
        "<!--c-->",
        "<![CDATA[z]]>",
        "<x>",
        "</x>",
        "<x/>",
        "a:",
        ":",
        "é",
        "\u{0}",
        "\"",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn edited_documents_read_the_same(
        edits in prop::collection::vec((any::<prop::sample::Index>(), edit()), 1..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let op = schema::operation("GetProviders");
        let mut doc = schema::sample_envelope(op, Direction::Response, Fill::Full).into_bytes();
        for (at, text) in &edits {
            let at = at.index(doc.len() + 1);
            doc.splice(at..at, text.bytes());
        }
        if truncate {
            doc.truncate(cut.index(doc.len() + 1));
        }
        let _ = same_response::<GetProviders>(&doc, Limits::default());
    }
}

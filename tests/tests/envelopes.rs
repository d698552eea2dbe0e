//! Request envelopes: for every operation, a request with every member set is written by the
//! SDK, pinned by a snapshot, checked against the schema (order, names, namespaces), and shown
//! to lose nothing (the SDK's output means exactly what the schema-driven sample meant).

use kareo_sdk::envelope;
use kareo_sdk::xml::{Limits, Operation};
use kareo_tests::schema::{self, Direction, Fill};

fn check_request<O: Operation>()
where
    O::Request: kareo_sdk::xml::Decode,
{
    let info = O::INFO;
    let op = schema::operation(info.name);
    let sample = schema::sample_envelope(op, Direction::Request, Fill::Full);
    let request = envelope::read_request::<O>(sample.as_bytes(), Limits::default())
        .unwrap_or_else(|e| panic!("{}: the sample does not read back: {e}", info.name));
    let written = envelope::write_request::<O>(&request).unwrap_or_else(|e| panic!("{}: {e}", info.name));

    let expected = schema::canonical(&sample);
    let actual = schema::canonical(&written);
    let (expected, actual) = (schema::body_wrapper(&expected), schema::body_wrapper(&actual));
    if let Some(d) = schema::diff(expected, actual) {
        panic!("{}: the written request differs from the sample at {d}", info.name);
    }
    let problems = schema::validate_body(op, Direction::Request, actual);
    assert!(problems.is_empty(), "{}: {problems:#?}", info.name);
    assert!(
        schema::element_count(actual) > 3,
        "{}: the sample sets members",
        info.name
    );

    insta::assert_snapshot!(format!("request_{}", info.name), schema::pretty(&written));
}

macro_rules! request_tests {
    ($(($op:ident, $name:ident, $($types:tt)*)),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_request::<kareo_sdk::operations::$op>();
            }
        )*
    };
}

kareo_sdk::for_each_operation!(request_tests);

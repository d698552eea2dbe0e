//! Response parsing: for every operation, schema-driven responses (every member set; every
//! member nil; every member absent) are parsed by the SDK with no element skipped as unknown,
//! and written back by the SDK's encoder to a document that means exactly the same: no field is
//! silently lost. Prefixes in the samples differ from the SDK's own, so matching is by namespace.

use kareo_sdk::envelope::{self, Response};
use kareo_sdk::xml::{Encode, Limits, Operation};
use kareo_tests::schema::{self, Direction, Fill};

fn round_trip<O: Operation>(fill: Fill)
where
    O::Response: Encode,
{
    let info = O::INFO;
    let op = schema::operation(info.name);
    let sample = schema::sample_envelope(op, Direction::Response, fill);
    let (response, stats) = envelope::read_response::<O>(sample.as_bytes(), Limits::default())
        .unwrap_or_else(|e| panic!("{} ({fill:?}): {e}", info.name));
    assert_eq!(
        stats.skipped, 0,
        "{} ({fill:?}): every element of the sample is declared",
        info.name
    );
    let Response::Result(result) = response else {
        panic!("{}: parsed as a fault", info.name)
    };
    let written = envelope::write_response::<O>(&result).unwrap_or_else(|e| panic!("{}: {e}", info.name));

    let expected = schema::canonical(&sample);
    let actual = schema::canonical(&written);
    let (expected, actual) = (schema::body_wrapper(&expected), schema::body_wrapper(&actual));
    if let Some(d) = schema::diff(expected, actual) {
        panic!("{} ({fill:?}): a field was lost or changed at {d}", info.name);
    }
    let problems = schema::validate_body(op, Direction::Response, actual);
    assert!(problems.is_empty(), "{} ({fill:?}): {problems:#?}", info.name);
}

macro_rules! response_tests {
    ($(($op:ident, $name:ident, $($types:tt)*)),* $(,)?) => {
        mod full {
            $( #[test] fn $name() { super::round_trip::<kareo_sdk::operations::$op>(super::Fill::Full); } )*
        }
        mod nil {
            $( #[test] fn $name() { super::round_trip::<kareo_sdk::operations::$op>(super::Fill::Nil); } )*
        }
        mod absent {
            $( #[test] fn $name() { super::round_trip::<kareo_sdk::operations::$op>(super::Fill::Absent); } )*
        }
    };
}

kareo_sdk::for_each_operation!(response_tests);

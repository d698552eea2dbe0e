//! Arbitrary bytes as a response to several operations, and as a request (server side): the
//! parser must return a value or a typed error, never panic, overflow or run away; and its fast
//! path for text-only elements must agree with the reference (every element through quick-xml).
//!
//! The same bytes are also placed where a plain fuzzer rarely gets: inside an unknown element
//! of a valid `GetPatientsResult` (the skip path, which must hold every rule and limit the
//! rest of the document does), and beside a result (the one-answer rules: a message holding
//! two results, two bodies or a result and a fault is an error, whatever else it holds).
#![no_main]

use kareo_fuzz::{check, Wrap};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check(data);
    for wrap in Wrap::ALL {
        check(&wrap.apply(data));
    }
});

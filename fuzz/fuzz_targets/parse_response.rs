//! Arbitrary bytes as a response to several operations, and as a request (server side): the
//! parser must return a value or a typed error, never panic, overflow or run away; and its fast
//! path for text-only elements must agree with the reference (every element through quick-xml).
#![no_main]

use kareo_sdk::envelope::{self, reference};
use kareo_sdk::operations::{CreatePatient, GetAppointments, GetExternalVendors, GetPatients, GetServiceLocations};
use kareo_sdk::xml::Limits;
use libfuzzer_sys::fuzz_target;

macro_rules! agree {
    ($read:ident, $op:ty, $data:expr, $limits:expr) => {
        assert_eq!(
            envelope::$read::<$op>($data, $limits),
            reference::$read::<$op>($data, $limits),
            "fast path and reference disagree"
        )
    };
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_depth: 64, max_bytes: 1 << 20, max_unknown: 10_000 };
    agree!(read_response, GetPatients, data, limits);
    agree!(read_response, GetAppointments, data, limits);
    agree!(read_response, GetServiceLocations, data, limits);
    agree!(read_response, GetExternalVendors, data, limits);
    agree!(read_response, CreatePatient, data, limits);
    agree!(read_request, CreatePatient, data, limits);
});

//! Arbitrary bytes as a response to several operations, and as a request (server side): the
//! parser must return a value or a typed error, never panic, overflow or run away.
#![no_main]

use kareo_sdk::envelope;
use kareo_sdk::operations::{CreatePatient, GetAppointments, GetExternalVendors, GetPatients, GetServiceLocations};
use kareo_sdk::xml::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_depth: 64, max_bytes: 1 << 20 };
    let _ = envelope::read_response::<GetPatients>(data, limits);
    let _ = envelope::read_response::<GetAppointments>(data, limits);
    let _ = envelope::read_response::<GetServiceLocations>(data, limits);
    let _ = envelope::read_response::<GetExternalVendors>(data, limits);
    let _ = envelope::read_response::<CreatePatient>(data, limits);
    let _ = envelope::read_request::<CreatePatient>(data, limits);
});

//! Replays the fuzzing corpus (`fuzz/corpus/parse_response`) through the same calls as the
//! fuzz target: every input must give a value or a typed error, never a panic.

use kareo_sdk::envelope;
use kareo_sdk::operations::{CreatePatient, GetAppointments, GetExternalVendors, GetPatients, GetServiceLocations};
use kareo_sdk::xml::Limits;

#[test]
fn corpus_inputs_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse_response");
    let mut inputs = 0;
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("entry").path()).expect("readable");
        let limits = Limits {
            max_depth: 64,
            max_bytes: 1 << 20,
            max_unknown: 10_000,
        };
        parsed += usize::from(envelope::read_response::<GetPatients>(&data, limits).is_ok());
        let _ = envelope::read_response::<GetAppointments>(&data, limits);
        let _ = envelope::read_response::<GetServiceLocations>(&data, limits);
        let _ = envelope::read_response::<GetExternalVendors>(&data, limits);
        let _ = envelope::read_response::<CreatePatient>(&data, limits);
        let _ = envelope::read_request::<CreatePatient>(&data, limits);
        inputs += 1;
    }
    assert!(inputs >= 10, "the corpus is in place ({inputs} inputs)");
    assert!(parsed >= 1, "some inputs are valid responses");
}

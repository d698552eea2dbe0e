//! Replays the fuzzing corpus (`fuzz/corpus/parse_response`) through the fuzz target's own
//! checks (`fuzz/src/lib.rs`): every input, as it is and placed in the skip path and beside a
//! result, must give a value or a typed error, never a panic; the fast path agrees with the
//! reference; and a readable answer written twice is refused.

use kareo_sdk::envelope;
use kareo_sdk::operations::GetPatients;
use kareo_sdk::xml::DecodeErrorKind;

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use checks::{check, Wrap, LIMITS};

#[test]
fn corpus_inputs_hold_the_fuzz_target_checks() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse_response");
    let mut inputs = 0;
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let data = std::fs::read(entry.expect("entry").path()).expect("readable");
        parsed += usize::from(envelope::read_response::<GetPatients>(&data, LIMITS).is_ok());
        check(&data);
        for wrap in Wrap::ALL {
            check(&wrap.apply(&data));
        }
        inputs += 1;
    }
    assert!(inputs >= 10, "the corpus is in place ({inputs} inputs)");
    assert!(parsed >= 1, "some inputs are valid responses");
}

#[test]
fn the_wraps_reach_the_skip_path_and_the_one_answer_rules() {
    let read = |data: &[u8]| envelope::read_response::<GetPatients>(data, LIMITS);
    // Empty bytes in each place: a valid response (the unknown element skipped).
    for wrap in Wrap::ALL {
        assert!(read(&wrap.apply(b"")).is_ok(), "{wrap:?}");
    }
    // A NUL reference in a skipped element is refused like anywhere else.
    let err = read(&Wrap::Unknown.apply(b"<x>&#0;</x>")).expect_err("NUL");
    assert!(matches!(err.kind, DecodeErrorKind::Malformed(_)), "{err}");
    // A second result, a second response, a fault beside the result.
    let second = read(&Wrap::AfterResult.apply(b"<GetPatientsResult/>")).expect_err("two results");
    assert!(matches!(second.kind, DecodeErrorKind::Duplicate), "{second}");
    let fault = b"<s:Fault><faultcode>s:Server</faultcode><faultstring>x</faultstring></s:Fault>";
    let both = read(&Wrap::AfterResponse.apply(fault)).expect_err("a result and a fault");
    assert!(both.to_string().contains("both"), "{both}");
    // The target's check doubles a readable answer's response element and its Body.
    let valid = Wrap::AfterResponse.apply(b"");
    let (answer, _) = read(&valid).expect("valid");
    let doubled = checks::doubled(&valid, &answer);
    assert_eq!(doubled.len(), 2);
    for d in &doubled {
        let err = read(d).expect_err("doubled");
        assert!(err.to_string().contains("two"), "{err}");
    }
}

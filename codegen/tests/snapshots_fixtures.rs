//! Stage 3 (emit): one insta snapshot of every generated file per fixture. Read a snapshot
//! beside its fixture (`tests/fixtures/<name>.wsdl`): the fixture says what it exercises.

mod common;

use common::fixture_config::config_for;
use common::{all_files, generate_fixture};

macro_rules! snapshot_fixture {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            let output = generate_fixture($file, &config_for($file));
            insta::assert_snapshot!(stringify!($test), all_files(&output));
        }
    };
}

snapshot_fixture!(service, "service.wsdl");
snapshot_fixture!(sequence, "sequence.wsdl");
snapshot_fixture!(extension, "extension.wsdl");
snapshot_fixture!(elements, "elements.wsdl");
snapshot_fixture!(enums, "enums.wsdl");
snapshot_fixture!(occurs, "occurs.wsdl");
snapshot_fixture!(emit_default_value, "emit_default_value.wsdl");
snapshot_fixture!(imports, "imports.wsdl");
snapshot_fixture!(trailing_slash, "trailing_slash.wsdl");
snapshot_fixture!(operations, "operations.wsdl");
snapshot_fixture!(arrays, "arrays.wsdl");
snapshot_fixture!(wcf, "wcf.wsdl");
snapshot_fixture!(collisions, "collisions.wsdl");
snapshot_fixture!(recursive, "recursive.wsdl");
snapshot_fixture!(overrides, "overrides.wsdl");
snapshot_fixture!(binary, "binary.wsdl");
snapshot_fixture!(builtins, "builtins.wsdl");
snapshot_fixture!(lists, "lists.wsdl");
snapshot_fixture!(element_ref, "element_ref.wsdl");
snapshot_fixture!(messages, "messages.wsdl");
snapshot_fixture!(faults, "faults.wsdl");
snapshot_fixture!(headers, "headers.wsdl");
snapshot_fixture!(qnames, "qnames.wsdl");
snapshot_fixture!(anys, "anys.wsdl");
snapshot_fixture!(flags, "flags.wsdl");

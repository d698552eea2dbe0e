//! Stage 3 (emit): one insta snapshot of every generated file per fixture, and properties of
//! generated code that hold for every fixture.

mod common;

use codegen::{Config, MemberRef, QName};
use common::{all_files, generate_fixture};

/// The Config each fixture is generated with: the default one, except where a fixture exercises
/// an override.
pub fn config_for(fixture: &str) -> Config {
    let store = |local: &str| QName::new("http://example.com/store/", local);
    let member = |owner: &str, member: &str| MemberRef {
        owner: store(owner),
        member: member.into(),
    };
    match fixture {
        "operations.wsdl" => Config {
            read_only_operations: vec!["GetThings".into()],
            ..Config::default()
        },
        "recursive.wsdl" => Config {
            base_views: vec![QName::new("http://example.com/tree/", "Link")],
            ..Config::default()
        },
        "overrides.wsdl" => Config {
            runtime_path: "::store_sdk::rt".into(),
            always_send: vec![member("ListReq", "Filter")],
            secret: vec![member("Header", "Key"), member("Header", "Password")],
            context_member: Some(member("RequestBase", "Header")),
            base_views: vec![store("ResponseBase")],
            read_only_operations: vec!["List".into()],
            other_direction_feature: Some("server-codec".into()),
        },
        _ => Config::default(),
    }
}

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

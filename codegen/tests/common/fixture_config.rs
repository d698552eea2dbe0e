//! The Config each fixture is generated with: the default one, except where a fixture exercises
//! an override.

use codegen::config::{Credential, StatusPaths};
use codegen::{Config, MemberRef, QName};

/// Fixtures generated with `serde` support (feature `serde`): those compiled into the SDK's
/// tests (so the derived impls are built and run there), and those exercising member shapes,
/// secrets, enumerations, floats, boxing and name collisions. The others pin that without the setting
/// no serde code is emitted.
const SERDE_FIXTURES: &[&str] = &[
    "anys.wsdl",
    "arrays.wsdl",
    "binary.wsdl",
    "builtins.wsdl",
    "collisions.wsdl",
    "element_ref.wsdl",
    "enums.wsdl",
    "faults.wsdl",
    "flags.wsdl",
    "headers.wsdl",
    "lists.wsdl",
    "messages.wsdl",
    "occurs.wsdl",
    "overrides.wsdl",
    "qnames.wsdl",
    "recursive.wsdl",
    "sequence.wsdl",
];

/// The Config for `fixture`.
pub fn config_for(fixture: &str) -> Config {
    let mut config = base_config(fixture);
    if SERDE_FIXTURES.contains(&fixture) {
        config.serde_feature = Some("serde".into());
    }
    config
}

fn base_config(fixture: &str) -> Config {
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
            credentials: vec![
                Credential {
                    role: "client_version".into(),
                    secret: false,
                    members: vec![member("Header", "ClientVersion")],
                },
                Credential {
                    role: "key".into(),
                    secret: true,
                    members: vec![member("Header", "Key")],
                },
                Credential {
                    role: "password".into(),
                    secret: true,
                    members: vec![member("Header", "Password")],
                },
            ],
            context_member: Some(member("RequestBase", "Header")),
            not_secret: Vec::new(),
            status: StatusPaths {
                error_flag: Some(vec!["IsError".into()]),
                error_message: Some(vec!["ErrorMessage".into()]),
                ..StatusPaths::default()
            },
            base_views: vec![store("ResponseBase")],
            read_only_operations: vec!["List".into()],
            write_operations: vec!["Save".into()],
            other_direction_feature: Some("server-codec".into()),
            placeholders: Vec::new(),
            throttles: None,
            date_windows: Vec::new(),
            paging: Vec::new(),
            ids: Vec::new(),
            record_ids: Vec::new(),
            // Value rules have a test of their own (value_rules.rs).
            values: None,
            // Ranges have a test of their own (ranges.rs).
            ranges: Default::default(),
            serde_feature: None,
            // Member docs have a test of their own (emit_stage.rs).
            member_docs: codegen::MemberDocs::default(),
        },
        "headers.wsdl" => Config {
            credentials: vec![Credential {
                role: "api_key".into(),
                secret: true,
                members: vec![MemberRef {
                    owner: QName::new("http://example.com/hdr/", "Lookup_Headers"),
                    member: "ApiKey".into(),
                }],
            }],
            ..Config::default()
        },
        _ => Config::default(),
    }
}

//! The Config each fixture is generated with: the default one, except where a fixture exercises
//! an override.

use codegen::{Config, MemberRef, QName};

/// The Config for `fixture`.
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

//! `wsdl/overrides.toml` → [`codegen::Config`].

use std::path::Path;

use codegen::{Config, MemberRef, QName};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    runtime_path: String,
    other_direction_feature: Option<String>,
    context_member: Option<String>,
    #[serde(default)]
    secret: Vec<String>,
    #[serde(default)]
    always_send: Vec<String>,
    #[serde(default)]
    read_only_operations: Vec<String>,
    #[serde(default)]
    base_views: Vec<String>,
}

/// Reads the overrides file.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let o: Overrides = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let member = |s: &String| {
        member_ref(s).ok_or_else(|| format!("{}: `{s}` is not of the form {{namespace}}Type/Member", path.display()))
    };
    Ok(Config {
        runtime_path: o.runtime_path,
        other_direction_feature: o.other_direction_feature,
        context_member: o.context_member.as_ref().map(member).transpose()?,
        secret: o.secret.iter().map(member).collect::<Result<_, _>>()?,
        always_send: o.always_send.iter().map(member).collect::<Result<_, _>>()?,
        read_only_operations: o.read_only_operations,
        base_views: o
            .base_views
            .iter()
            .map(|b| {
                QName::parse_clark(b)
                    .ok_or_else(|| format!("{}: `{b}` is not of the form {{namespace}}Type", path.display()))
            })
            .collect::<Result<_, _>>()?,
    })
}

fn member_ref(s: &str) -> Option<MemberRef> {
    let (owner, member) = s.rsplit_once('/')?;
    let owner = QName::parse_clark(owner)?;
    (!member.is_empty()).then(|| MemberRef {
        owner,
        member: member.to_owned(),
    })
}

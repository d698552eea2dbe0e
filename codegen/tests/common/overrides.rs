//! A tiny reader for `wsdl/overrides.toml`, so the tests and the benchmark run the generator
//! with the Config `cargo xtask regen` uses, without a TOML dependency in the codegen crate.
//!
//! It reads the subset of TOML that file uses (`key = "string"` and `key = ["string", ...]`,
//! arrays spanning lines, `#` comments) and panics on anything else, unknown keys included, so
//! a change to the file cannot be silently misread. xtask's tests check that it agrees with
//! xtask's own (serde) loader.

use codegen::{Config, MemberRef, QName};

/// A value of the overrides file.
#[derive(Debug)]
enum Value {
    Str(String),
    List(Vec<String>),
}

/// Parses overrides text into the generator's Config. Panics, naming the problem, on anything
/// outside the supported subset.
pub fn parse(text: &str) -> Config {
    let mut config = Config::default();
    let mut runtime_path = None;
    for (key, value) in entries(text) {
        match (key.as_str(), value) {
            ("runtime_path", Value::Str(s)) => runtime_path = Some(s),
            ("other_direction_feature", Value::Str(s)) => config.other_direction_feature = Some(s),
            ("context_member", Value::Str(s)) => config.context_member = Some(member_ref(&s)),
            ("secret", Value::List(l)) => config.secret = l.iter().map(|s| member_ref(s)).collect(),
            ("always_send", Value::List(l)) => config.always_send = l.iter().map(|s| member_ref(s)).collect(),
            ("read_only_operations", Value::List(l)) => config.read_only_operations = l,
            ("base_views", Value::List(l)) => {
                config.base_views = l
                    .iter()
                    .map(|b| QName::parse_clark(b).unwrap_or_else(|| panic!("`{b}` is not {{namespace}}Type")))
                    .collect()
            }
            (k, v) => panic!("overrides: unsupported key or value type: {k} = {v:?}"),
        }
    }
    config.runtime_path = runtime_path.expect("overrides: runtime_path is required");
    config
}

fn member_ref(s: &str) -> MemberRef {
    let (owner, member) = s
        .rsplit_once('/')
        .unwrap_or_else(|| panic!("`{s}` is not {{namespace}}Type/Member"));
    MemberRef {
        owner: QName::parse_clark(owner).unwrap_or_else(|| panic!("`{s}` is not {{namespace}}Type/Member")),
        member: member.to_owned(),
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Key(String),
    Str(String),
    Eq,
    Open,
    Close,
    Comma,
    Newline,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            '\n' => out.push(Token::Newline),
            c if c.is_whitespace() => {}
            '=' => out.push(Token::Eq),
            '[' => out.push(Token::Open),
            ']' => out.push(Token::Close),
            ',' => out.push(Token::Comma),
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => panic!("overrides: escapes in strings are not supported"),
                        Some('\n') | None => panic!("overrides: unterminated string"),
                        Some(c) => s.push(c),
                    }
                }
                out.push(Token::Str(s));
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut k = String::from(c);
                while let Some(&c) = chars.peek().filter(|c| c.is_ascii_alphanumeric() || **c == '_') {
                    k.push(c);
                    chars.next();
                }
                out.push(Token::Key(k));
            }
            other => panic!("overrides: unsupported character `{other}`"),
        }
    }
    out
}

fn entries(text: &str) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut toks = tokens(text).into_iter().peekable();
    while let Some(t) = toks.next() {
        let key = match t {
            Token::Newline => continue,
            Token::Key(k) => k,
            other => panic!("overrides: expected a key, found {other:?}"),
        };
        assert_eq!(toks.next(), Some(Token::Eq), "overrides: `=` expected after {key}");
        let value = match toks.next() {
            Some(Token::Str(s)) => Value::Str(s),
            Some(Token::Open) => {
                let mut items = Vec::new();
                loop {
                    match toks.next() {
                        Some(Token::Close) => break,
                        Some(Token::Str(s)) => items.push(s),
                        Some(Token::Comma | Token::Newline) => {}
                        other => panic!("overrides: unexpected {other:?} in the array {key}"),
                    }
                }
                Value::List(items)
            }
            other => panic!("overrides: unsupported value for {key}: {other:?}"),
        };
        assert!(
            matches!(toks.next(), None | Some(Token::Newline)),
            "overrides: one entry per line ({key})"
        );
        assert!(out.iter().all(|(k, _)| k != &key), "overrides: {key} is set twice");
        out.push((key, value));
    }
    out
}

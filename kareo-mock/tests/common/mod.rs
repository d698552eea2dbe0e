//! Shared by the kit's test files: a client that shows what the mock does, and a mock.

#![allow(dead_code)]

use kareo_mock::{MockKareo, Settings};
use kareo_sdk::xml::Nillable;
use kareo_sdk::{KareoClient, RetryPolicy};

/// A set string member.
pub fn s(v: &str) -> Nillable<String> {
    Nillable::Value(v.to_owned())
}

/// A client of `mock` that never retries, so that each call is one request, does not space
/// its calls by the published limits (to meet the mock's), and keeps placeholders (to see them).
pub fn client(mock: &MockKareo) -> KareoClient {
    KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .retry(RetryPolicy::none())
        .published_limits(false)
        .drop_placeholders(false)
        .build()
        .expect("client")
}

/// A mock without demo records, with `settings`.
pub async fn mock_with(settings: Settings) -> MockKareo {
    MockKareo::builder()
        .settings(settings)
        .empty()
        .start()
        .await
        .expect("mock starts")
}

/// Every behaviour on but the throttles.
pub fn unthrottled() -> Settings {
    Settings::default().throttles(false)
}

//! Shared by the examples: a client for the real service when `KAREO_*` variables are set,
//! otherwise for a local mock Kareo started on loopback, so the examples run without an
//! account.

use kareo_mock::MockKareo;
use kareo_sdk::client::ENV_CUSTOMER_KEY;
use kareo_sdk::{Error, KareoClient};

/// Where the example's calls go.
pub struct Target {
    /// The client.
    pub client: KareoClient,
    /// The mock, when there are no credentials (kept alive for the example's duration).
    pub mock: Option<MockKareo>,
}

/// Whether any `KAREO_*` variable is set.
fn credentials_in_env() -> bool {
    std::env::vars().any(|(name, _)| name.starts_with("KAREO_"))
}

/// The real service when `KAREO_CUSTOMER_KEY`, `KAREO_USER` and `KAREO_PASSWORD` are set (a
/// missing one is an error naming it), otherwise a local mock Kareo.
pub async fn connect() -> Result<Target, Error> {
    if credentials_in_env() {
        let client = KareoClient::from_env()?;
        println!(
            "Calling {} (credentials from {ENV_CUSTOMER_KEY} and friends)",
            client.config().endpoint()
        );
        return Ok(Target { client, mock: None });
    }
    let mock = MockKareo::start().await.map_err(|e| Error::Config {
        message: format!("cannot start the local mock Kareo: {e}"),
    })?;
    let client = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .client_version("kareo-sdk example")
        .build()?;
    println!(
        "No KAREO_* variables set: calling a local mock Kareo at {}",
        mock.endpoint()
    );
    Ok(Target {
        client,
        mock: Some(mock),
    })
}

/// Prints an error as a person reads it (its `Display`) and turns it into the exit code.
pub fn exit(result: Result<(), Error>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

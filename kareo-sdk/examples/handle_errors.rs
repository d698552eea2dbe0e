//! Telling failures apart: what each kind of [`Error`] means and what to do about it.
//!
//! ```sh
//! cargo run -p kareo-sdk --example handle_errors
//! ```
//!
//! Against the local mock (no `KAREO_*` variables) it makes the mock misbehave in each way
//! Kareo can; against the real service it makes one harmless read.

mod common;

use std::time::Duration;

use kareo_mock::{Behavior, Rule};
use kareo_sdk::client::RetryPolicy;
use kareo_sdk::error::{SecurityFailure, TransportErrorKind};
use kareo_sdk::types::{GetPatientsReq, GetPracticesReq, PatientFilter};
use kareo_sdk::{Credentials, Error, KareoClient};

/// What an application might do with each kind of failure.
fn advice(err: &Error) -> String {
    match err {
        Error::Security {
            kind: SecurityFailure::NotAuthenticated,
            ..
        } => "check the user name and password".into(),
        Error::Security {
            kind: SecurityFailure::CustomerKeyInvalid,
            ..
        } => "check the customer key".into(),
        Error::Security {
            permissions_missing, ..
        } if !permissions_missing.is_empty() => {
            format!("ask a Kareo administrator for: {}", permissions_missing.join(", "))
        }
        Error::Security { .. } => "the user may not do this".into(),
        Error::Throttled { retry_after, .. } => match retry_after {
            Some(wait) => format!("slow down; the server asks for {} s", wait.as_secs()),
            None => "slow down: poll less often, or set a client-side RateLimit".into(),
        },
        Error::Service { message, .. } => format!("Kareo refused the request: {message}"),
        Error::Fault { fault, .. } => format!("the service failed ({}); report it if it persists", fault.code),
        Error::Http { status, .. } => format!("HTTP {status}: the service or a proxy in front of it is unwell"),
        Error::Transport {
            kind: TransportErrorKind::Connect,
            ..
        } => "no connection: check the network".into(),
        Error::Transport {
            kind: TransportErrorKind::Timeout,
            ..
        } => "timed out: narrow the filter or raise the request timeout".into(),
        Error::Transport { .. } => "the connection failed".into(),
        Error::Decode { truncated: true, .. } => "the answer was cut off".into(),
        Error::Decode { error, .. } => format!("unexpected answer at {}", error.path_string()),
        Error::ResponseTooLarge { .. } => "narrow the filter or raise max_response_bytes".into(),
        Error::InvalidInput { .. } => "fix the request".into(),
        Error::Config { .. } => "fix the configuration".into(),
        _ => "unexpected failure".into(),
    }
}

fn report(label: &str, result: Result<impl Sized, Error>) {
    match result {
        Ok(_) => println!("{label:<34} ok"),
        Err(err) => {
            println!("{label:<34} {err}");
            println!(
                "{:<34} -> {} (retryable: {}, may have reached Kareo: {})",
                "",
                advice(&err),
                err.is_retryable(),
                err.may_have_reached_server()
            );
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Error> {
    let target = common::connect().await?;
    let client = &target.client;
    let Some(mock) = &target.mock else {
        report("GetPractices", client.get_practices(GetPracticesReq::new()).await);
        return Ok(());
    };

    // Read operations are retried on transient failures (here: one throttled answer).
    mock.inject(Rule::new(Behavior::Throttle));
    report(
        "throttled once, then retried",
        client.get_practices(GetPracticesReq::new()).await,
    );

    // Without retries, each failure shows as what it is.
    let once = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .retry(RetryPolicy::none())
        .request_timeout(Duration::from_millis(300))
        .build()?;
    let cases = [
        (
            "Kareo IsError",
            Behavior::IsError("Invalid practice name (invented)".into()),
        ),
        ("throttled", Behavior::Throttle),
        (
            "HTTP 503 with Retry-After",
            Behavior::Status {
                status: 503,
                retry_after: Some(30),
            },
        ),
        ("not authorized", Behavior::NotAuthorized(vec!["PatientRead".into()])),
        (
            "SOAP fault",
            Behavior::Fault {
                code: "s:Server".into(),
                string: "Internal error (invented)".into(),
            },
        ),
        ("HTML error page", Behavior::HtmlError(502)),
        ("truncated body", Behavior::Truncate),
        ("slow answer", Behavior::Delay(Duration::from_secs(2))),
        ("connection dropped", Behavior::Reset),
    ];
    for (label, behavior) in cases {
        mock.inject(Rule::new(behavior));
        report(label, once.get_patients(GetPatientsReq::new()).await);
    }

    let wrong = KareoClient::builder(Credentials::new(
        "MOCK-WRONG-KEY",
        "mock.user.5b2f@example.invalid",
        "nope",
    ))
    .endpoint(mock.endpoint())
    .build()?;
    report("wrong password", wrong.get_practices(GetPracticesReq::new()).await);

    let bad = GetPatientsReq::new().filter(PatientFilter::new().last_name("control\u{7}character"));
    report("invalid input", client.get_patients(bad).await);

    report(
        "invalid endpoint",
        KareoClient::builder(Credentials::new("k", "u", "p"))
            .endpoint("not a URL")
            .build(),
    );
    Ok(())
}

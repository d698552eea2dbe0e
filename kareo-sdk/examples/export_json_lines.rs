//! Exports the patients `GetPatients` finds as JSON lines on stdout: one `PatientData` record a
//! line, members under the schema's names, absent members left out and nil ones `null`.
//!
//! ```sh
//! cargo run -p kareo-sdk --features serde --example export_json_lines -- Testpatient > patients.jsonl
//! ```
//!
//! Without `KAREO_*` variables it calls a local mock Kareo, first creating two invented
//! patients with that last name. Records are streamed: each is written as it arrives, so memory
//! does not grow with the answer. Progress goes to stderr, records alone to stdout.

use std::io::Write;

use kareo_mock::MockKareo;
use kareo_sdk::ids::PracticeId;
use kareo_sdk::types::{GetPatientsReq, PatientCreate, PatientFilter};
use kareo_sdk::values::NaiveDate;
use kareo_sdk::{Error, KareoClient};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(n) => {
            eprintln!("{n} patient record(s) exported");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<usize, Error> {
    let last_name = std::env::args().nth(1).unwrap_or_else(|| "Testpatient".to_owned());

    // The real service when KAREO_CUSTOMER_KEY, KAREO_USER and KAREO_PASSWORD are set (it is
    // only read); otherwise a local mock, which is given two patients to find.
    let _mock;
    let client = if std::env::vars().any(|(name, _)| name.starts_with("KAREO_")) {
        KareoClient::from_env()?
    } else {
        let mock = MockKareo::start().await.map_err(|e| Error::Config {
            message: format!("cannot start the local mock Kareo: {e}"),
        })?;
        let client = KareoClient::builder(mock.credentials())
            .endpoint(mock.endpoint())
            .build()?;
        let born = NaiveDate::from_ymd_opt(1970, 1, 2)
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .expect("a valid date");
        for first_name in ["Ada", "Grace"] {
            let patient = PatientCreate::new()
                .first_name(first_name)
                .last_name(last_name.as_str())
                .dateof_birth(born)
                .practice(PracticeId::new(1));
            client.create_patient(patient).await?;
        }
        _mock = mock;
        client
    };
    eprintln!(
        "Exporting patients named {last_name:?} from {}",
        client.config().endpoint()
    );

    let request = GetPatientsReq::new().filter(PatientFilter::new().last_name(last_name));
    let mut records = client.stream_get_patients(request).await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut n = 0;
    while let Some(patient) = records.next().await {
        let line = serde_json::to_string(&patient?).map_err(|e| Error::Config {
            message: format!("cannot write a record as JSON: {e}"),
        })?;
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| Error::Config {
                message: format!("cannot write to stdout: {e}"),
            })?;
        n += 1;
    }
    Ok(n)
}

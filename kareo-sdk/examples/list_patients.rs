//! Lists patients with a filter (last name, optionally first name).
//!
//! ```sh
//! cargo run -p kareo-sdk --example list_patients -- Testpatient
//! ```
//!
//! Without `KAREO_*` variables it calls a local mock Kareo whose patients are invented.

mod common;

use kareo_sdk::types::{GetPatientsReq, PatientFilter};
use kareo_sdk::Error;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let last_name = args.next().unwrap_or_else(|| "Testpatient".to_owned());
    let first_name = args.next();

    let target = common::connect().await?;
    if let Some(mock) = &target.mock {
        mock.set_patient_count(24);
    }

    // `Filter` and `Fields` are always sent; an empty `Fields` returns whole records.
    let mut filter = PatientFilter::new().last_name(last_name.as_str());
    if let Some(first) = first_name {
        filter = filter.first_name(first);
    }

    let response = target.client.get_patients(GetPatientsReq::new().filter(filter)).await?;
    let patients = response.patients.into_value().unwrap_or_default();
    println!("{} patient(s) with last name {last_name:?}:", patients.len());
    for p in patients.iter().take(20) {
        let text = |v: &kareo_sdk::xml::Nillable<String>| v.value().cloned().unwrap_or_default();
        println!(
            "  #{:<8} {:<10} {:<12} born {:<10} {}",
            text(&p.id),
            text(&p.first_name),
            text(&p.last_name),
            text(&p.dob),
            text(&p.email_address)
        );
    }
    Ok(())
}

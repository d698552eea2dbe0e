//! Exports every charge posted in a range of days as CSV lines, resumably: `GetCharges` holds
//! posting dates to 60 days, so the export reads the range window by window, each charge once,
//! and saves its cursor after every charge written. Run it again after a crash (or Ctrl-C) and it
//! continues where it stopped, with no charge twice and none missing.
//!
//! ```sh
//! cargo run -p kareo-sdk --example export_charges -- 2026-01-01 2026-12-31 charges.csv
//! ```
//!
//! Without `KAREO_*` variables it calls a local mock Kareo holding 2,000 invented charges, and
//! stops itself after 500 of them the first time (a simulated crash), to show the resume.

mod common;

use std::io::Write;
use std::path::PathBuf;

use kareo_sdk::client::ExportCursor;
use kareo_sdk::operations::GetCharges;
use kareo_sdk::types::GetChargesReq;
use kareo_sdk::values::NaiveDate;
use kareo_sdk::Error;

fn config(message: String) -> Error {
    Error::Config { message }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let day = |text: Option<String>, default: &str| {
        let text = text.unwrap_or_else(|| default.to_owned());
        text.parse::<NaiveDate>()
            .map_err(|e| format!("`{text}` is not a day (YYYY-MM-DD): {e}"))
    };
    let from = day(args.next(), "2026-01-01").map_err(config)?;
    let to = day(args.next(), "2026-12-31").map_err(config)?;
    let out = PathBuf::from(args.next().unwrap_or_else(|| "charges.csv".to_owned()));
    let cursor_file = out.with_extension("cursor");

    let target = common::connect().await?;
    if let Some(mock) = &target.mock {
        mock.set_charge_count(2_000, from, to);
    }
    let io = |e: std::io::Error| config(format!("{}: {e}", out.display()));

    // Two passes against the mock (the first one "crashes"); one against the real service.
    let passes = if target.mock.is_some() { 2 } else { 1 };
    for pass in 1..=passes {
        let saved = match std::fs::read_to_string(&cursor_file) {
            Ok(text) => Some(
                text.parse::<ExportCursor>()
                    .map_err(|e| config(format!("{}: {e}", cursor_file.display())))?,
            ),
            Err(_) => None,
        };
        let mut export = target.client.export::<GetCharges>(GetChargesReq::new(), from..=to)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&out)
            .map_err(io)?;
        if let Some(cursor) = &saved {
            println!("resuming after {} charges", cursor.records());
            export = export.resume(cursor)?;
        } else {
            file.set_len(0).map_err(io)?;
        }
        let crash_after = (target.mock.is_some() && pass == 1).then_some(500);
        let mut written = 0u64;
        while let Some(charge) = export.next().await {
            let charge = charge?;
            let text = |v: &kareo_sdk::xml::Nillable<String>| v.value().cloned().unwrap_or_default();
            writeln!(
                file,
                "{},{},{}",
                text(&charge.id),
                text(&charge.posting_date),
                text(&charge.total_charges)
            )
            .map_err(io)?;
            // The record is written; now the position after it.
            file.flush().map_err(io)?;
            std::fs::write(&cursor_file, export.cursor().to_string()).map_err(io)?;
            written += 1;
            if crash_after == Some(written) {
                println!("(simulated crash after {written} charges)");
                break;
            }
        }
        let p = export.progress();
        println!(
            "pass {pass}: {written} charges written; {} in all, {} of {} windows, {} calls, {:.1} s waiting for the throttle, {} bytes",
            p.records,
            p.windows_done,
            p.windows,
            p.calls,
            p.throttle_wait.as_secs_f64(),
            p.bytes
        );
    }
    let _ = std::fs::remove_file(&cursor_file);
    println!("wrote {}", out.display());
    Ok(())
}

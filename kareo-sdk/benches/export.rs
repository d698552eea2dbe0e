//! Complete exports ([`KareoClient::export`]): memory and wall time, against a mock Kareo in
//! another process (so that its store of invented records is not counted in this one's
//! memory). `cargo bench -p kareo-sdk --bench export`; each figure is the median of 3 runs.
//!
//! 1. Memory: the peak resident set of this process while it exports 100,000 patients
//!    (`GetAllPatients`, 100 pages of 1,000) and a year of 50,000 charges (`GetCharges`, 7
//!    windows of up to 60 days), beside its resident set before (the baseline: runtime and
//!    client, idle). Throttles off on both ends: only memory is measured here.
//! 2. Wall time, throttle-bound: the mock enforces the published throttles and the client keeps
//!    its default limits (interval plus 250 ms margin). 5,000 patients (5 pages at 5 s) and a
//!    year of 700 charges (7 windows at 1 s), beside the least time the throttle allows:
//!    (calls − 1) × (interval + margin), the first call going at once; and beside the issue's
//!    bound, calls × (interval + margin).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use kareo_mock::{MockKareo, Settings};
use kareo_sdk::ids::PatientId;
use kareo_sdk::operations::{GetAllPatients, GetCharges};
use kareo_sdk::types::ChargeData;
use kareo_sdk::values::Decimal;
use kareo_sdk::xml::{ListOperation, Operation};
use kareo_sdk::KareoClient;

const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--serve-mock") {
        let n = |k: usize| args.get(i + k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
        serve_mock(n(1), n(2), n(3) == 1);
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` would too, with other flags.
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    println!("== memory: peak RSS of this process (median of {RUNS})");
    let mock = MockProcess::start(100_000, 50_000, false);
    let client = KareoClient::builder(mock.credentials())
        .endpoint(&mock.endpoint)
        .published_limits(false)
        .build()
        .expect("client");
    let baseline = rss("VmRSS").unwrap_or(0);
    println!("baseline (runtime and client, idle): {}", mb(baseline));
    for (what, run) in [
        ("100,000 patients, paged (GetAllPatients)", Job::Patients),
        ("50,000 charges over a year, 7 windows (GetCharges)", Job::Charges),
    ] {
        let mut peaks = Vec::new();
        let mut counts = Vec::new();
        for _ in 0..RUNS {
            reset_peak();
            let (n, _) = runtime.block_on(run.export(&client));
            peaks.push(rss("VmHWM").unwrap_or(0));
            counts.push(n);
        }
        let peak = median(&mut peaks);
        println!(
            "{what}: {} records, peak RSS {} ({:.2}× the baseline; budget 64 MB: {})",
            counts[0],
            mb(peak),
            peak as f64 / baseline.max(1) as f64,
            if peak <= 64_000_000 { "within" } else { "OVER" }
        );
    }
    drop(mock);

    println!("== wall time, throttle-bound (median of {RUNS})");
    let mock = MockProcess::start(5_000, 700, true);
    let client = KareoClient::builder(mock.credentials())
        .endpoint(&mock.endpoint)
        .build()
        .expect("client");
    for (what, run, op) in [
        ("5,000 patients, 5 pages", Job::Patients, GetAllPatients::INFO),
        ("700 charges, 7 windows", Job::Charges, GetCharges::INFO),
    ] {
        let mut walls = Vec::new();
        let mut calls = 0;
        for _ in 0..RUNS {
            // A fresh client each run: its rate limiter does not carry the last run's slot.
            let client = KareoClient::builder(mock.credentials())
                .endpoint(&mock.endpoint)
                .build()
                .expect("client");
            // The mock's limiter too: wait out its interval from the previous run.
            std::thread::sleep(Duration::from_secs(6));
            let started = Instant::now();
            let (_, c) = runtime.block_on(run.export(&client));
            walls.push(started.elapsed());
            calls = c;
        }
        let wall = median(&mut walls);
        let step = client.rate_limit(op.name).map_or(Duration::ZERO, |l| l.per());
        let least = step * (calls.saturating_sub(1) as u32);
        let bound = step * (calls as u32);
        println!(
            "{what}: {calls} calls in {:.2} s; the throttle's least, (calls − 1) × {} ms: {:.2} s ({:.3}×); \
             calls × (interval + margin): {:.2} s ({:.3}×, budget ≤ 1.05×)",
            wall.as_secs_f64(),
            step.as_millis(),
            least.as_secs_f64(),
            wall.as_secs_f64() / least.as_secs_f64().max(1e-9),
            bound.as_secs_f64(),
            wall.as_secs_f64() / bound.as_secs_f64().max(1e-9),
        );
    }
}

#[derive(Clone, Copy)]
enum Job {
    Patients,
    Charges,
}

impl Job {
    /// Runs the export; returns the records and the calls made.
    async fn export(self, client: &KareoClient) -> (u64, u64) {
        match self {
            Job::Patients => count::<GetAllPatients>(client, (..).into()).await,
            Job::Charges => count::<GetCharges>(client, (year().0..=year().1).into()).await,
        }
    }
}

async fn count<O: ListOperation>(client: &KareoClient, range: kareo_sdk::client::ExportRange) -> (u64, u64)
where
    O::Request: Default,
{
    let mut export = client.export::<O>(Default::default(), range).expect("export");
    let mut n = 0;
    while let Some(r) = export.next().await {
        std::hint::black_box(r.expect("record"));
        n += 1;
    }
    (n, export.progress().calls)
}

fn year() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("day"),
        NaiveDate::from_ymd_opt(2026, 12, 31).expect("day"),
    )
}

/// The mock Kareo in a child process (this benchmark's own executable, `--serve-mock`).
struct MockProcess {
    child: Child,
    endpoint: String,
}

impl MockProcess {
    fn start(patients: usize, charges: usize, throttles: bool) -> Self {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .args([
                "--serve-mock",
                &patients.to_string(),
                &charges.to_string(),
                if throttles { "1" } else { "0" },
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("mock process");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("endpoint");
        MockProcess {
            child,
            endpoint: line.trim().to_owned(),
        }
    }

    fn credentials(&self) -> kareo_sdk::Credentials {
        kareo_sdk::Credentials::new(
            kareo_mock::MOCK_CUSTOMER_KEY,
            kareo_mock::MOCK_USER,
            kareo_mock::MOCK_PASSWORD,
        )
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        // Closing its stdin ends it.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The child: a mock with `patients` invented patients and `charges` invented charges spread
/// over 2026, until its stdin closes.
fn serve_mock(patients: usize, charges: usize, throttles: bool) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let settings = Settings::default().throttles(throttles);
    let mock = runtime
        .block_on(MockKareo::builder().empty().settings(settings).start())
        .expect("mock");
    mock.set_patient_count(patients);
    let (from, _) = year();
    for i in 0..charges {
        let day = from + chrono::Days::new((i * 365 / charges.max(1)) as u64);
        mock.add_charge(
            ChargeData::new()
                .patient_id(PatientId::new(7001))
                .posting_date(day)
                .total_charges(Decimal::new((100 + i as i64 % 50) * 10_000, 4)), // 100.0000 to 149.0000
        );
    }
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", mock.endpoint());
    let _ = out.flush();
    // Until the parent closes stdin.
    let mut sink = String::new();
    let _ = std::io::stdin().read_line(&mut sink);
    drop(mock);
}

fn rss(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn reset_peak() {
    // "5" resets the peak resident set size to the current one.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn median<T: Ord + Copy>(v: &mut [T]) -> T {
    v.sort_unstable();
    v[v.len() / 2]
}

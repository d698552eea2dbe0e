//! Streamed list results ([`KareoClient::stream`]), against the mock Kareo serving fully
//! populated `GetAllPatients` records (every member of the schema set) generated while sent.
//!
//! 1. Memory: the peak resident set of this process while 10,000 and then 100,000 records are
//!    streamed and counted (the peak is reset before each, through `/proc/self/clear_refs`).
//! 2. Throughput: the streamed parse (splitter and typed records, 64 KiB chunks) of a captured
//!    1,000-record body beside a plain quick-xml event scan of the same bytes.
//! 3. Pacing: the mock sends 1,000 records at 100 MB/s in 64 KiB chunks; the streaming call
//!    beside a raw `reqwest` download of the same body and the whole-response call.
//!
//! The records are invented (the schema oracle's sample values).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kareo_mock::list_body::ListBody;
use kareo_mock::{MockKareo, MOCK_CUSTOMER_KEY, MOCK_PASSWORD, MOCK_USER};
use kareo_sdk::client::{RetryPolicy, CONTENT_TYPE};
use kareo_sdk::envelope;
use kareo_sdk::operations::GetAllPatients;
use kareo_sdk::types::{GetAllPatientsReq, PatientBatchData, RequestHeader};
use kareo_sdk::xml::{ListOperation, ListSplitter, Operation, Step, StreamLimits};
use kareo_sdk::KareoClient;
use support::raw_scan;

mod support;

/// Peak resident set of this process, in bytes (Linux), and a way to reset it.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn reset_peak_rss() {
    // "5" resets the peak resident set size to the current one.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mock = runtime.block_on(MockKareo::start()).expect("mock");
    mock.set_patient_count(4);
    let client = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .retry(RetryPolicy::none())
        .max_response_bytes(256 * 1024 * 1024)
        .build()
        .expect("client");
    let export = |client: &KareoClient| {
        runtime.block_on(async {
            let mut stream = client
                .stream::<GetAllPatients>(GetAllPatientsReq::new())
                .await
                .expect("stream opens");
            let mut n = 0u64;
            while let Some(record) = stream.next().await {
                black_box(record.expect("record"));
                n += 1;
            }
            n
        })
    };

    // 1. Memory does not grow with the answer.
    for records in [10_000u64, 100_000] {
        mock.serve_lists(Some(ListBody::new(records).populated()));
        reset_peak_rss();
        let n = export(&client);
        assert_eq!(n, records);
        let peak = peak_rss().map_or("unknown".to_owned(), |b| format!("{:.1} MB", b as f64 / 1e6));
        println!("streamed {n} populated GetAllPatients records: peak RSS {peak}");
    }

    // The captured body of 1,000 records.
    mock.serve_lists(Some(ListBody::new(1_000).populated()));
    let request = GetAllPatientsReq::new().request_header(
        RequestHeader::new()
            .customer_key(MOCK_CUSTOMER_KEY)
            .user(MOCK_USER)
            .password(MOCK_PASSWORD),
    );
    let body = bytes::Bytes::from(envelope::write_request::<GetAllPatients>(&request).expect("request encodes"));
    let raw = reqwest::Client::new();
    let url = mock.endpoint();
    let action = format!("\"{}\"", GetAllPatients::INFO.soap_action);
    let download = || async {
        let mut response = raw
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("SOAPAction", &action)
            .body(body.clone())
            .send()
            .await
            .expect("raw POST");
        assert_eq!(response.status(), 200);
        let mut n = 0usize;
        while let Some(chunk) = response.chunk().await.expect("chunk") {
            n += chunk.len();
        }
        n
    };
    let captured = runtime.block_on(async {
        raw.post(&url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("SOAPAction", &action)
            .body(body.clone())
            .send()
            .await
            .expect("raw POST")
            .bytes()
            .await
            .expect("body")
    });
    println!("1,000 populated records: {} bytes", captured.len());

    // 2. Streamed parse throughput beside a plain event scan.
    let streamed_parse = |bytes: &[u8]| {
        let info = GetAllPatients::INFO;
        let mut splitter = ListSplitter::new(
            GetAllPatients::LIST,
            info.soap_ns(),
            info.namespaces,
            StreamLimits::default(),
        );
        let mut chunks = bytes.chunks(64 * 1024);
        let mut n = 0usize;
        loop {
            match splitter.step().expect("splits") {
                Step::NeedMore => match chunks.next() {
                    Some(chunk) => splitter.feed(chunk).expect("feeds"),
                    None => splitter.finish(),
                },
                Step::Head(_) => {}
                Step::Item(record) => {
                    black_box(record.decode::<PatientBatchData>().expect("record"));
                    n += 1;
                }
                Step::End(_) => return n,
            }
        }
    };
    assert_eq!(streamed_parse(&captured), 1_000);
    let mut group = c.benchmark_group("stream_parse_1000_populated");
    group.throughput(Throughput::Bytes(captured.len() as u64));
    group.bench_function("streamed_parse", |b| b.iter(|| streamed_parse(black_box(&captured))));
    group.bench_function("raw_quick_xml_scan", |b| b.iter(|| raw_scan(black_box(&captured))));
    group.finish();

    // 3. The parse hidden behind a paced transfer.
    mock.serve_lists(Some(ListBody::new(1_000).populated().paced(100_000_000, 64 * 1024)));
    let mut group = c.benchmark_group("paced_100MBps_1000_populated");
    group.throughput(Throughput::Bytes(captured.len() as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("stream_call", |b| b.iter(|| export(&client)));
    group.bench_function("raw_reqwest_download", |b| {
        b.iter(|| black_box(runtime.block_on(download())))
    });
    group.bench_function("whole_call", |b| {
        b.iter(|| {
            let mut response = runtime
                .block_on(client.get_all_patients(GetAllPatientsReq::new()))
                .expect("whole call");
            black_box(GetAllPatients::take_items(&mut response).len())
        })
    });
    group.finish();
    drop(mock);
}

criterion_group!(benches, bench);
criterion_main!(benches);

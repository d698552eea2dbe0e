//! A full `GetPatients` call returning 1,000 records (serialize, HTTP on loopback to the mock
//! Kareo, parse into typed records) beside a raw `reqwest` POST of the same request bytes to the
//! same mock, in the same run. The difference is what the SDK adds: building and encoding the
//! request, classifying and parsing the response, tracing, retry and rate-limit bookkeeping.
//!
//! Also measured, to attribute that difference: the raw POST followed by the typed parse (the
//! client minus its own bookkeeping), parsing the captured response alone, a plain `quick-xml`
//! event scan of it (the floor of any parse built on quick-xml), and encoding the request alone.
//!
//! The mock's records are invented (see `kareo_mock::fake_patient`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kareo_mock::{MockKareo, MOCK_CUSTOMER_KEY, MOCK_PASSWORD, MOCK_USER};
use kareo_sdk::client::{RetryPolicy, CONTENT_TYPE};
use kareo_sdk::envelope::{self, Response};
use kareo_sdk::operations::GetPatients;
use kareo_sdk::types::{GetPatientsReq, GetPatientsResp, RequestHeader};
use kareo_sdk::xml::{Limits, Operation};
use kareo_sdk::KareoClient;
use support::raw_scan;

mod support;

const RECORDS: usize = 1_000;

fn records(response: &GetPatientsResp) -> usize {
    response.patients.value().map_or(0, Vec::len)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mock = runtime.block_on(MockKareo::start()).expect("mock");
    mock.set_patient_count(RECORDS);

    let client = KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .retry(RetryPolicy::none())
        .build()
        .expect("client");

    // The bytes the client sends: the same request with the header it fills in.
    let request = GetPatientsReq::new().request_header(
        RequestHeader::new()
            .customer_key(MOCK_CUSTOMER_KEY)
            .user(MOCK_USER)
            .password(MOCK_PASSWORD),
    );
    let body = bytes::Bytes::from(envelope::write_request::<GetPatients>(&request).expect("request encodes"));
    // Building the client installed the rustls crypto provider reqwest needs.
    let raw = reqwest::Client::new();
    let url = mock.endpoint();
    let action = format!("\"{}\"", <GetPatients as Operation>::INFO.soap_action);

    let raw_post = || async {
        let response = raw
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("SOAPAction", &action)
            .body(body.clone())
            .send()
            .await
            .expect("raw POST");
        assert_eq!(response.status(), 200);
        response.bytes().await.expect("raw body")
    };

    // Sanity: both paths get the same 1,000 records.
    let captured = runtime.block_on(raw_post());
    let typed = runtime
        .block_on(client.get_patients(GetPatientsReq::new()))
        .expect("SDK call");
    assert_eq!(records(&typed), RECORDS);
    println!(
        "GetPatients response: {} records, {} bytes",
        records(&typed),
        captured.len()
    );

    let mut group = c.benchmark_group("get_patients_1000");
    group.throughput(Throughput::Bytes(captured.len() as u64));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("sdk_call", |b| {
        b.iter(|| {
            let response = runtime
                .block_on(client.get_patients(black_box(GetPatientsReq::new())))
                .expect("SDK call");
            black_box(records(&response))
        })
    });
    group.bench_function("raw_reqwest_post", |b| {
        b.iter(|| black_box(runtime.block_on(raw_post()).len()))
    });
    group.bench_function("raw_reqwest_post_then_parse", |b| {
        b.iter(|| {
            let bytes = runtime.block_on(raw_post());
            match envelope::read_response::<GetPatients>(&bytes, Limits::default()) {
                Ok((Response::Result(r), _)) => black_box(records(&r)),
                _ => panic!("the response parses"),
            }
        })
    });
    group.bench_function("parse_only", |b| {
        b.iter(
            || match envelope::read_response::<GetPatients>(black_box(&captured), Limits::default()) {
                Ok((Response::Result(r), _)) => black_box(records(&r)),
                _ => panic!("the captured response parses"),
            },
        )
    });
    group.bench_function("raw_quick_xml_scan_only", |b| b.iter(|| raw_scan(black_box(&captured))));
    group.bench_function("encode_request_only", |b| {
        b.iter(|| black_box(envelope::write_request::<GetPatients>(black_box(&request)).map(|s| s.len())))
    });
    group.finish();
    drop(mock);
}

criterion_group!(benches, bench);
criterion_main!(benches);

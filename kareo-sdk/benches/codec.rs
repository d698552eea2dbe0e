//! Codec speed and memory: parsing a `GetPatients` response of 10,000 fully populated
//! `PatientData` records against a plain `quick-xml` event scan of the same bytes (the floor),
//! and serializing fully populated `CreatePatient` and `GetPatients` requests.
//!
//! Inputs are built here from the schema-driven samples of `kareo-tests` (invented data).
//! Peak heap during one typed parse is measured with a counting allocator and printed. The
//! typed parse is also measured with every element read through quick-xml's events, to show
//! what the reader's fast path for text-only elements gains.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kareo_sdk::envelope::{self, Response};
use kareo_sdk::operations::{CreatePatient, GetPatients};
use kareo_sdk::xml::Limits;
use kareo_tests::schema::{self, Direction, Fill};
use support::raw_scan;

mod support;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Counting is on only while memory is measured, so timed runs pay nothing for it.
static COUNTING: AtomicBool = AtomicBool::new(false);

// SAFETY: delegates every call to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RECORDS: usize = 10_000;

fn patients_response() -> Vec<u8> {
    let sample = schema::plain_sample_envelope(schema::operation("GetPatients"), Direction::Response, Fill::Full);
    let (response, _) = envelope::read_response::<GetPatients>(sample.as_bytes(), Limits::default()).expect("sample");
    let Response::Result(mut result) = response else {
        panic!("sample is a fault")
    };
    let one = result.patients.value().expect("patients")[0].clone();
    result.patients = vec![one; RECORDS].into();
    envelope::write_response::<GetPatients>(&result)
        .expect("encodes")
        .into_bytes()
}

const UNLIMITED: Limits = Limits {
    max_depth: 128,
    max_bytes: usize::MAX,
    max_unknown: u64::MAX,
};

fn typed_parse(bytes: &[u8]) -> Response<kareo_sdk::types::GetPatientsResp> {
    envelope::read_response::<GetPatients>(bytes, UNLIMITED)
        .expect("parses")
        .0
}

/// The typed parse with every element read through quick-xml's events (the reader's fast path
/// for text-only elements off): what that fast path gains.
fn typed_parse_quick_xml_only(bytes: &[u8]) -> Response<kareo_sdk::types::GetPatientsResp> {
    envelope::reference::read_response::<GetPatients>(bytes, UNLIMITED)
        .expect("parses")
        .0
}

fn records(r: &Response<kareo_sdk::types::GetPatientsResp>) -> usize {
    match r {
        Response::Result(r) => r.patients.value().map_or(0, Vec::len),
        Response::Fault(_) => 0,
    }
}

fn report_memory(bytes: &[u8]) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let parsed = black_box(typed_parse(bytes));
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    let n = records(&parsed);
    drop(parsed);
    eprintln!(
        "GetPatients response: {} records, {:.1} MB; typed parse peak heap {:.1} MB = {:.2}x the response \
         (plus the response buffer itself: {:.2}x)",
        n,
        bytes.len() as f64 / 1e6,
        peak as f64 / 1e6,
        peak as f64 / bytes.len() as f64,
        (peak + bytes.len()) as f64 / bytes.len() as f64,
    );
}

fn parse(c: &mut Criterion) {
    let bytes = patients_response();
    assert_eq!(records(&typed_parse(&bytes)), RECORDS);
    report_memory(&bytes);
    let mut group = c.benchmark_group("parse_get_patients_10k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("raw_quick_xml_scan", |b| b.iter(|| raw_scan(black_box(&bytes))));
    // The parsed value is dropped outside the timing: this measures parsing, not deallocation.
    group.bench_function("typed", |b| b.iter_with_large_drop(|| typed_parse(black_box(&bytes))));
    // The same, with the allocator's deferred work for that drop also done outside the timing:
    // glibc queues millions of freed small blocks and merges them at the next large
    // allocation, which would otherwise land inside the following parse.
    group.bench_function("typed_settled_heap", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let start = std::time::Instant::now();
                let parsed = typed_parse(black_box(&bytes));
                total += start.elapsed();
                drop(parsed);
                drop(black_box(Vec::<u8>::with_capacity(64 * 1024)));
            }
            total
        })
    });
    // As `typed`, without the reader's fast path for text-only elements.
    group.bench_function("typed_quick_xml_only", |b| {
        b.iter_with_large_drop(|| typed_parse_quick_xml_only(black_box(&bytes)))
    });
    group.finish();
}

fn serialize(c: &mut Criterion) {
    let create = schema::sample_envelope(schema::operation("CreatePatient"), Direction::Request, Fill::Full);
    let create = envelope::read_request::<CreatePatient>(create.as_bytes(), Limits::default()).expect("sample");
    let get = schema::sample_envelope(schema::operation("GetPatients"), Direction::Request, Fill::Full);
    let get = envelope::read_request::<GetPatients>(get.as_bytes(), Limits::default()).expect("sample");
    let mut group = c.benchmark_group("serialize_request");
    let bytes = envelope::write_request::<CreatePatient>(&create)
        .expect("encodes")
        .len();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("create_patient_full", |b| {
        b.iter(|| envelope::write_request::<CreatePatient>(black_box(&create)).map(|s| s.len()))
    });
    let bytes = envelope::write_request::<GetPatients>(&get).expect("encodes").len();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("get_patients_full", |b| {
        b.iter(|| envelope::write_request::<GetPatients>(black_box(&get)).map(|s| s.len()))
    });
    group.finish();
}

criterion_group!(benches, parse, serialize);
criterion_main!(benches);

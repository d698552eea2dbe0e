//! The generator on the real Kareo WSDL, stage by stage (read, model, emit) and all three
//! together, with the Config of `wsdl/overrides.toml`.
//!
//! The WSDL is third-party and not committed: it is read from `wsdl/KareoServices.wsdl` or
//! `../shared/wsdl/KareoServices.wsdl`. Without it the benchmark says so and measures nothing.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::model::Model;
use codegen::{emit, read, Source};
use criterion::{criterion_group, criterion_main, Criterion};

const NAME: &str = "KareoServices.wsdl";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn kareo_wsdl() -> Option<String> {
    let root = workspace_root();
    [root.join("wsdl").join(NAME), root.join("../shared/wsdl").join(NAME)]
        .into_iter()
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok())
}

fn stages(c: &mut Criterion) {
    let Some(text) = kareo_wsdl() else {
        eprintln!("{NAME} not found in wsdl/ or ../shared/wsdl/: skipping the generator benchmark");
        return;
    };
    let overrides_path = workspace_root().join("wsdl/overrides.toml");
    let config = match std::fs::read_to_string(&overrides_path) {
        Ok(t) => match codegen::Config::from_toml("wsdl/overrides.toml", &t) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}: skipping the generator benchmark");
                return;
            }
        },
        Err(e) => {
            eprintln!("{}: {e}: skipping the generator benchmark", overrides_path.display());
            return;
        }
    };
    let source = Source {
        name: NAME,
        text: &text,
        sha256: "0000000000000000000000000000000000000000000000000000000000000000",
    };
    let defs = read::read(NAME, &text).unwrap_or_else(|e| panic!("{e}"));
    let model = Model::build(NAME, &defs, &config).unwrap_or_else(|e| panic!("{e}"));

    let mut group = c.benchmark_group("kareo_wsdl");
    group.sample_size(30).measurement_time(Duration::from_secs(8));
    group.bench_function("read", |b| b.iter(|| read::read(NAME, black_box(&text))));
    group.bench_function("model", |b| b.iter(|| Model::build(NAME, black_box(&defs), &config)));
    group.bench_function("emit", |b| b.iter(|| emit::emit(black_box(&model), &source, &config)));
    group.bench_function("total", |b| b.iter(|| codegen::generate(black_box(&source), &config)));
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);

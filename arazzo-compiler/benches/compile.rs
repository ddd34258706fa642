//! Benchmarks of the compiler itself (divan, with allocation counts).
//!
//! Run: `cargo bench -p arazzo-compiler --bench compile`. Results and ratios are
//! recorded in BENCHMARKS.md; compare rows of one run, never across runs.

use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed() -> PathBuf {
    repo().join("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml")
}

fn options() -> arazzo_compiler::Options {
    arazzo_compiler::Options {
        display_root: repo(),
        ..Default::default()
    }
}

/// A whole expansion of the seed with an empty parse cache (the first invocation in a build).
#[divan::bench]
fn compile_seed_cold(b: divan::Bencher) {
    let (path, opts) = (seed(), options());
    b.bench(|| {
        arazzo_compiler::openapi::clear_parse_cache();
        arazzo_compiler::compile(&path, &opts)
    });
}

/// A whole expansion of the seed when its OpenAPI was already parsed in this process.
#[divan::bench]
fn compile_seed_cached(b: divan::Bencher) {
    let (path, opts) = (seed(), options());
    arazzo_compiler::compile(&path, &opts);
    b.bench(|| arazzo_compiler::compile(&path, &opts));
}

/// Parsing the metering OpenAPI into the positioned YAML tree.
#[divan::bench]
fn parse_openapi_yaml(b: divan::Bencher) {
    let text = std::fs::read_to_string(repo().join("specs/openapi/amberflo-metering-openapi.yaml"))
        .unwrap_or_default();
    b.bench(|| arazzo_compiler::yaml::parse(&text, arazzo_compiler::yaml::Limits::default()));
}

const EXPRESSIONS: [&str; 6] = [
    "$inputs.apiKey",
    "$steps.createMeter.outputs.meterApiName",
    "$response.body#/clientMeters/api-calls/0/records/0/value",
    "$workflows.setup.outputs.meter#/name",
    "$sourceDescriptions.meteringApi.url",
    "$response.header.Retry-After",
];

/// Parsing six typical runtime expressions.
#[divan::bench]
fn parse_expressions(b: divan::Bencher) {
    b.bench(|| {
        EXPRESSIONS
            .iter()
            .map(|e| arazzo_compiler::expr::parse_expression(divan::black_box(e)).is_ok())
            .filter(|ok| *ok)
            .count()
    });
}

/// Parsing a criterion condition with precedence and literals.
#[divan::bench]
fn parse_condition(b: divan::Bencher) {
    let c = "$statusCode == 200 && ($response.body#/status == 'PAID' || !$response.body#/items/0)";
    b.bench(|| arazzo_compiler::condition::parse_condition(divan::black_box(c)).is_ok());
}

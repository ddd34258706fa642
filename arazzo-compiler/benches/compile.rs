//! Benchmarks of the compiler itself (divan, with allocation counts).
//!
//! Run: `cargo bench -p arazzo-compiler --bench compile` for times, with
//! `ARAZZO_BENCH_ALLOCS=1` for allocation counts (see [`Switchable`]), and with
//! `--features bench-jemalloc` on the allocator of a real build (see [`Base`]). Results and
//! ratios are recorded in BENCHMARKS.md; compare rows of one run, never across runs.

use std::alloc::{GlobalAlloc, Layout};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// The allocator under the benchmarks: glibc's (the system's), or with the
/// `bench-jemalloc` feature jemalloc, the allocator the macro's code runs with in a
/// real build: `rustc` links jemalloc and exports its `malloc` and `free`, and a
/// procedural macro (a shared library `rustc` loads) binds to them (`LD_DEBUG=bindings`
/// shows `libarazzo_macros-*.so` binding `malloc` and `free` to `bin/rustc`). The
/// feature is off by default, so that building the tests compiles no C.
#[cfg(feature = "bench-jemalloc")]
type Base = tikv_jemallocator::Jemalloc;
#[cfg(not(feature = "bench-jemalloc"))]
type Base = std::alloc::System;
#[cfg(feature = "bench-jemalloc")]
const BASE: Base = tikv_jemallocator::Jemalloc;
#[cfg(not(feature = "bench-jemalloc"))]
const BASE: Base = std::alloc::System;

/// [`BASE`], counted by divan's allocation profiler only when `ARAZZO_BENCH_ALLOCS=1`.
/// Counting costs time on every allocation (divan documents that it affects timing),
/// and an expansion allocates about twice as often as the plain parse it is compared
/// with, so with the profiler on the comparison is skewed against the expansion: time
/// with it off, count with it on.
struct Switchable;

static PROFILER: divan::AllocProfiler<Base> = divan::AllocProfiler::new(BASE);
static COUNT_ALLOCATIONS: AtomicBool = AtomicBool::new(false);

/// Forwards one allocator call to the profiler or straight to [`BASE`].
macro_rules! forward {
    ($method:ident($($arg:expr),*)) => {
        // SAFETY: the caller's contract, forwarded.
        unsafe {
            if COUNT_ALLOCATIONS.load(Relaxed) {
                PROFILER.$method($($arg),*)
            } else {
                BASE.$method($($arg),*)
            }
        }
    };
}

// SAFETY: every method forwards to `BASE` or to the profiler (itself a wrapper of
// `BASE`), so memory from either may be freed by either.
unsafe impl GlobalAlloc for Switchable {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        forward!(alloc(layout))
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        forward!(alloc_zeroed(layout))
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        forward!(dealloc(ptr, layout))
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        forward!(realloc(ptr, layout, new_size))
    }
}

#[global_allocator]
static ALLOC: Switchable = Switchable;

#[path = "support/large_case.rs"]
mod large_case;
use large_case::large_case;

fn main() {
    let count = std::env::var_os("ARAZZO_BENCH_ALLOCS").is_some_and(|v| v == "1");
    COUNT_ALLOCATIONS.store(count, Relaxed);
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

/// A whole expansion of the large case (parse cache emptied first), to compare with
/// [`parse_large_yaml`]: what checking, lowering and emitting add to reading the files.
#[divan::bench(sample_count = 10)]
fn compile_large_cold(b: divan::Bencher) {
    let (dir, oas, doc) = large_case();
    let opts = arazzo_compiler::Options {
        display_root: dir.clone(),
        ..Default::default()
    };
    let path = dir.join("large.arazzo.yaml");
    let first = arazzo_compiler::compile(&path, &opts);
    assert!(
        first.diagnostics.is_empty(),
        "the large case must compile cleanly ({} bytes of OpenAPI, {} of Arazzo): {:?}",
        oas.len(),
        doc.len(),
        first.diagnostics.first().map(ToString::to_string)
    );
    // Emptying the cache (and dropping the trees of the previous run) is setup,
    // not timed; outputs are dropped after timing, as divan does for every bench.
    b.with_inputs(arazzo_compiler::openapi::clear_parse_cache)
        .bench_values(|()| arazzo_compiler::compile(&path, &opts));
}

/// Parsing the large case's two files into positioned YAML trees, and nothing else
/// (the trees are returned, so dropping them is not timed, as for [`compile_large_cold`]).
#[divan::bench(sample_count = 10)]
fn parse_large_yaml(b: divan::Bencher) {
    let (_, oas, doc) = large_case();
    b.bench(|| {
        let a = arazzo_compiler::yaml::parse(oas, arazzo_compiler::yaml::Limits::default());
        let b = arazzo_compiler::yaml::parse(doc, arazzo_compiler::yaml::Limits::default());
        (a, b)
    });
}

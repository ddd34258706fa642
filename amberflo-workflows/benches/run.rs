//! Generated code against hand-written reqwest code: the seed workflow's two
//! calls (create a meter, ingest an event) to the same in-process server, in
//! the same process, in alternating rounds, sequentially and 32 at a time,
//! with allocations per run counted on the client's thread.
//!
//! ```sh
//! cargo bench -p amberflo-workflows --bench run
//! ```
//!
//! A custom harness (no criterion or divan): the comparison must alternate
//! the two variants round by round on one shared server, which neither
//! framework does, and the ratio of each round is what is reported.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use amberflo_workflows::create_meter_and_ingest_event::{run, Inputs};
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

/// Counts allocations made on threads that opted in (the client's thread).
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const METER: &str = r#"{"id":"4f1c2a","meterApiName":"api-calls","label":"API calls","meterType":"sum_of_all_usage","createTime":1700000000000,"updateTime":1700000000000}"#;

/// A server answering the two calls as Amberflo documents them.
fn start_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/meters",
                    post(|| async { ([(CONTENT_TYPE, "application/json")], METER) }),
                )
                .route(
                    "/ingest",
                    post(|| async { ([(CONTENT_TYPE, "text/plain")], "1 records were ingested") }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    format!("http://{}", rx.recv().expect("server address"))
}

fn inputs() -> Inputs {
    Inputs {
        api_key: "bench-key".into(),
        meter_api_name: "api-calls".into(),
        display_name: "API calls".into(),
        r#type: "SUM_OF_ALL_USAGE".into(),
        customer_id: "cust-1".into(),
        meter_value: 3.0,
        meter_time_in_millis: 1_700_000_000_000,
        unique_id: None,
    }
}

/// The same two calls written by hand with reqwest and serde, as a careful
/// user would: typed request and response structs, status checks.
async fn hand_written(
    http: &reqwest::Client,
    base: &str,
    i: &Inputs,
    timeouts: bool,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    if timeouts {
        // The guarantees the generated code gives: a timeout per request and a deadline
        // for the whole run (one timer each).
        return tokio::time::timeout(
            std::time::Duration::from_secs(300),
            calls(http, base, i, Some(std::time::Duration::from_secs(30))),
        )
        .await?;
    }
    calls(http, base, i, None).await
}

async fn calls(
    http: &reqwest::Client,
    base: &str,
    i: &Inputs,
    timeout: Option<std::time::Duration>,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let with_timeout = |b: reqwest::RequestBuilder| match timeout {
        Some(t) => b.timeout(t),
        None => b,
    };
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct CreateMeter<'a> {
        meter_api_name: &'a str,
        display_name: &'a str,
        r#type: &'a str,
        dimensions: [&'a str; 0],
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Meter {
        meter_api_name: String,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Record<'a> {
        meter_api_name: &'a str,
        customer_id: &'a str,
        meter_value: f64,
        meter_time_in_millis: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        unique_id: Option<&'a str>,
    }
    let resp = with_timeout(http.post(format!("{base}/meters")))
        .header("X-API-KEY", &i.api_key)
        .json(&CreateMeter {
            meter_api_name: &i.meter_api_name,
            display_name: &i.display_name,
            r#type: &i.r#type,
            dimensions: [],
        })
        .send()
        .await?;
    if resp.status() != 200 {
        return Err(format!("createMeter: HTTP {}", resp.status()).into());
    }
    let meter: Meter = resp.json().await?;
    let resp = with_timeout(http.post(format!("{base}/ingest")))
        .header("X-API-KEY", &i.api_key)
        .json(&Record {
            meter_api_name: &meter.meter_api_name,
            customer_id: &i.customer_id,
            meter_value: i.meter_value,
            meter_time_in_millis: i.meter_time_in_millis,
            unique_id: i.unique_id.as_deref(),
        })
        .send()
        .await?;
    if resp.status() != 200 {
        return Err(format!("ingestEvent: HTTP {}", resp.status()).into());
    }
    Ok((meter.meter_api_name, resp.text().await?))
}

#[derive(Clone, Copy)]
enum Variant {
    Generated,
    HandWritten,
    HandWrittenWithTimeouts,
}

struct Bench {
    base: String,
    client: arazzo::Client,
    http: reqwest::Client,
    inputs: Inputs,
}

impl Bench {
    async fn once(&self, v: Variant) {
        match v {
            Variant::Generated => {
                let out = run(&self.client, &self.inputs)
                    .await
                    .expect("generated run");
                assert_eq!(out.meter_api_name, "api-calls");
            }
            Variant::HandWritten | Variant::HandWrittenWithTimeouts => {
                let timeouts = matches!(v, Variant::HandWrittenWithTimeouts);
                let (name, _) = hand_written(&self.http, &self.base, &self.inputs, timeouts)
                    .await
                    .expect("hand-written run");
                assert_eq!(name, "api-calls");
            }
        }
    }

    /// Runs per second for `n` runs with `concurrency` in flight.
    async fn round(&self, v: Variant, n: usize, concurrency: usize) -> f64 {
        let start = Instant::now();
        if concurrency == 1 {
            for _ in 0..n {
                self.once(v).await;
            }
        } else {
            stream::iter(0..n)
                .for_each_concurrent(concurrency, |_| self.once(v))
                .await;
        }
        n as f64 / start.elapsed().as_secs_f64()
    }

    /// (allocations, bytes) per run, on this thread (client side only).
    async fn allocations(&self, v: Variant, n: usize) -> (f64, f64) {
        ALLOCS.store(0, Ordering::SeqCst);
        BYTES.store(0, Ordering::SeqCst);
        COUNTING.with(|c| c.set(true));
        for _ in 0..n {
            self.once(v).await;
        }
        COUNTING.with(|c| c.set(false));
        (
            ALLOCS.load(Ordering::SeqCst) as f64 / n as f64,
            BYTES.load(Ordering::SeqCst) as f64 / n as f64,
        )
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let m = v.len() / 2;
    if v.len() % 2 == 0 {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // else: run a short smoke round then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (rounds, seq_n, conc_n) = if quick { (1, 20, 64) } else { (12, 300, 1280) };
    let base = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let bench = Bench {
        client: arazzo::Client::builder()
            .server("meteringApi", &base)
            .build()
            .expect("client"),
        http: reqwest::Client::new(),
        inputs: inputs(),
        base,
    };
    rt.block_on(async {
        // Warm up both (connections, lazy statics).
        bench.round(Variant::Generated, 50, 8).await;
        bench.round(Variant::HandWritten, 50, 8).await;
        for (label, n, conc) in [("sequential", seq_n, 1), ("32 concurrent", conc_n, 32)] {
            let (mut g, mut h, mut t, mut ratios, mut ratios_t) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for r in 0..rounds {
                // Rotate which variant goes first.
                let order = match r % 3 {
                    0 => [Variant::Generated, Variant::HandWritten, Variant::HandWrittenWithTimeouts],
                    1 => [Variant::HandWritten, Variant::HandWrittenWithTimeouts, Variant::Generated],
                    _ => [Variant::HandWrittenWithTimeouts, Variant::Generated, Variant::HandWritten],
                };
                let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
                for v in order {
                    let rate = bench.round(v, n, conc).await;
                    match v {
                        Variant::Generated => a = rate,
                        Variant::HandWritten => b = rate,
                        Variant::HandWrittenWithTimeouts => c = rate,
                    }
                }
                g.push(a);
                h.push(b);
                t.push(c);
                ratios.push(a / b);
                ratios_t.push(a / c);
            }
            let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let max = ratios.iter().copied().fold(0.0, f64::max);
            println!(
                "{label:>14}: generated {:>8.0} runs/s, hand-written {:>8.0} runs/s, generated/hand-written median {:.3} (rounds {min:.3}..{max:.3}, {rounds} rounds of {n}); hand-written with the same timeouts {:>8.0} runs/s, generated/that {:.3}",
                median(g),
                median(h),
                median(ratios),
                median(t),
                median(ratios_t),
            );
        }
        let n = if quick { 10 } else { 200 };
        let (ga, gb) = bench.allocations(Variant::Generated, n).await;
        let (ha, hb) = bench.allocations(Variant::HandWritten, n).await;
        let (ta, tb) = bench.allocations(Variant::HandWrittenWithTimeouts, n).await;
        println!(
            "   allocations: generated {ga:.1} allocs / {gb:.0} B per run, hand-written {ha:.1} allocs / {hb:.0} B per run, ratio {:.3} allocs, {:.3} bytes; with timeouts {ta:.1} allocs / {tb:.0} B",
            ga / ha,
            gb / hb
        );
    });
}

//! `amberflo-workflows serve --restate` against a real `restate-server`
//! (the npm package `@restatedev/restate-server`, which `.ci/run` installs):
//! typed outputs through Restate's ingress, a crash halfway resumed without
//! repeating a finished step, a durable retry wait across a restart, a
//! terminal failure, and the API key nowhere in Restate's data directory.
//!
//! The server is found through `RESTATE_SERVER_BIN`, then `PATH`, then the
//! npm install under `~/.cache/arazzo-ci/restate`. Without it the test fails
//! under CI (`CI=true`) and prints why it skips elsewhere.
#![cfg(feature = "restate")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use amberflo_workflows::fake::FakeAmberflo;
use serde_json::{json, Value};
use tokio::sync::Notify;

const SECRET: &str = "sk-restate-SECRET-7f3a91";
/// A non-secret input value, which must be found in the data directory
/// (showing that the search can see what invocations carry).
const MARKER: &str = "cust-MARKER-5d2e";

/// Longest wait for anything (a safety net against hanging, never a
/// measurement: every wait below ends on an event).
const PATIENCE: Duration = Duration::from_secs(120);

fn restate_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("RESTATE_SERVER_BIN") {
        return Some(PathBuf::from(path));
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("restate-server");
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let home = std::env::var_os("HOME")?;
    let scope = Path::new(&home).join(".cache/arazzo-ci/restate/node_modules/@restatedev");
    std::fs::read_dir(scope)
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin/restate-server"))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A `restate-server` on free local ports with its own data directory.
struct Restate {
    child: Child,
    dir: tempfile::TempDir,
    ingress: String,
    admin: String,
}

impl Restate {
    async fn start(bin: &Path) -> Restate {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let log = std::fs::File::create(dir.path().join("server.log")).expect("a log file");
        let (ingress, admin, node) = (free_port(), free_port(), free_port());
        let child = Command::new(bin)
            .arg("--no-logo")
            .arg("--base-dir")
            .arg(dir.path())
            .args(["--listen-mode", "tcp"])
            .env(
                "RESTATE_INGRESS__BIND_ADDRESS",
                format!("127.0.0.1:{ingress}"),
            )
            .env("RESTATE_ADMIN__BIND_ADDRESS", format!("127.0.0.1:{admin}"))
            .env("RESTATE_BIND_ADDRESS", format!("127.0.0.1:{node}"))
            .env(
                "RESTATE_ADVERTISED_ADDRESS",
                format!("http://127.0.0.1:{node}/"),
            )
            .env("RESTATE_DEFAULT_NUM_PARTITIONS", "2")
            // Uncompressed storage, so that searching its files for a value
            // means something (the search finds the non-secret inputs).
            .envs(
                [
                    "WORKER__STORAGE",
                    "BIFROST__LOCAL",
                    "METADATA_SERVER",
                    "LOG_SERVER",
                ]
                .iter()
                .flat_map(|db| {
                    ["WAL_COMPRESSION", "L0_L1_COMPRESSION"]
                        .map(|what| (format!("RESTATE_{db}__ROCKSDB_DISABLE_{what}"), "true"))
                }),
            )
            .stdout(log.try_clone().expect("a log file"))
            .stderr(log)
            .spawn()
            .expect("restate-server starts");
        let restate = Restate {
            child,
            dir,
            ingress: format!("http://127.0.0.1:{ingress}"),
            admin: format!("http://127.0.0.1:{admin}"),
        };
        let http = reqwest::Client::new();
        let (admin_url, ingress_url) = (
            format!("{}/health", restate.admin),
            format!("{}/restate/health", restate.ingress),
        );
        let log_path = restate.dir.path().join("server.log");
        let healthy = wait_until(|| {
            let http = http.clone();
            let (a, i) = (admin_url.clone(), ingress_url.clone());
            async move {
                let ok = |r: Result<reqwest::Response, reqwest::Error>| {
                    r.map(|r| r.status().is_success()).unwrap_or(false)
                };
                ok(http.get(&a).send().await) && ok(http.get(&i).send().await)
            }
        })
        .await;
        if !healthy {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            panic!(
                "restate-server did not become healthy; the end of its log:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        restate
    }

    async fn register(&self, service_port: u16) {
        let response = reqwest::Client::new()
            .post(format!("{}/deployments", self.admin))
            .json(&json!({ "uri": format!("http://127.0.0.1:{service_port}") }))
            .send()
            .await
            .expect("the admin API answers");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "registration failed: {status} {body}");
    }

    /// `POST <ingress>/<workflow>/run` with `inputs`: the status and body.
    async fn invoke(&self, workflow: &str, inputs: &Value, key: &str) -> (u16, Value) {
        invoke(&self.ingress, workflow, inputs, key).await
    }

    /// Rows of an SQL query on Restate's introspection tables, as JSON text.
    async fn query(&self, sql: &str) -> String {
        let response = reqwest::Client::new()
            .post(format!("{}/query", self.admin))
            .header("accept", "application/json")
            .json(&json!({ "query": sql }))
            .send()
            .await
            .expect("the admin API answers");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "query failed: {status} {body}");
        body
    }

    /// Stops the server gracefully (SIGTERM), so that it writes what it holds.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Restate {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn invoke(ingress: &str, workflow: &str, inputs: &Value, key: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{ingress}/{workflow}/run"))
        .header("idempotency-key", key)
        .json(inputs)
        .send()
        .await
        .expect("the ingress answers");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The service: `amberflo-workflows serve --restate`, steps calling `base_url`.
struct Service {
    child: Child,
}

impl Service {
    async fn start(port: u16, base_url: &str) -> Service {
        let child = Command::new(env!("CARGO_BIN_EXE_amberflo-workflows"))
            .args(["serve", "--restate", "--port", &port.to_string()])
            .args(["--base-url", base_url])
            .env("AMBERFLO_API_KEY", SECRET)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the service starts");
        wait_for("the service to listen", || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
        })
        .await;
        Service { child }
    }

    /// Kills the process (SIGKILL: a crash, nothing cleaned up).
    fn crash(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.crash();
    }
}

/// Polls `ready` until it holds (every 50 ms, at most [`PATIENCE`]).
async fn wait_for<F, Fut>(what: &str, ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    assert!(wait_until(ready).await, "gave up waiting for {what}");
}

/// Polls `ready` until it holds (`true`) or [`PATIENCE`] has passed (`false`).
async fn wait_until<F, Fut>(mut ready: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !ready().await {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

fn seed_inputs(meter: &str) -> Value {
    json!({
        "meterApiName": meter,
        "displayName": "API calls",
        "type": "SUM_OF_ALL_USAGE",
        "customerId": MARKER,
        "meterValue": 3,
        "meterTimeInMillis": 1_700_000_000_000_i64,
    })
}

/// A local Amberflo for the seed whose `POST /ingest` can be held: the
/// first ingestion is announced and never answered (until the connection
/// drops), the later ones succeed. Counts the requests of both steps.
struct HoldingAmberflo {
    url: String,
    meters: Arc<AtomicUsize>,
    ingests: Arc<AtomicUsize>,
    held: Arc<Notify>,
}

async fn holding_amberflo() -> HoldingAmberflo {
    use axum::routing::post;
    let meters = Arc::new(AtomicUsize::new(0));
    let ingests = Arc::new(AtomicUsize::new(0));
    let held = Arc::new(Notify::new());
    let app = axum::Router::new()
        .route(
            "/meters",
            post({
                let meters = Arc::clone(&meters);
                move |headers: axum::http::HeaderMap, body: axum::Json<Value>| async move {
                    assert_eq!(
                        headers.get("x-api-key").map(|v| v.as_bytes()),
                        Some(SECRET.as_bytes())
                    );
                    meters.fetch_add(1, Ordering::SeqCst);
                    axum::Json(json!({ "meterApiName": body.0["meterApiName"] }))
                }
            }),
        )
        .route(
            "/ingest",
            post({
                let ingests = Arc::clone(&ingests);
                let held = Arc::clone(&held);
                move || async move {
                    if ingests.fetch_add(1, Ordering::SeqCst) == 0 {
                        held.notify_one();
                        std::future::pending::<()>().await;
                    }
                    (
                        [("content-type", "text/plain; charset=utf-8")],
                        "1 records were ingested",
                    )
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    HoldingAmberflo {
        url,
        meters,
        ingests,
        held,
    }
}

/// Every file under `dir` that contains `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    found.push(path);
                }
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflows_run_durably_on_restate() {
    let Some(bin) = restate_server() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "restate-server not found (RESTATE_SERVER_BIN, PATH, ~/.cache/arazzo-ci/restate): .ci/run installs it"
        );
        eprintln!(
            "SKIPPED workflows_run_durably_on_restate: restate-server not found (set RESTATE_SERVER_BIN, \
             or run `npm install --prefix ~/.cache/arazzo-ci/restate @restatedev/restate-server@1.7.12`)"
        );
        return;
    };
    let mut restate = Restate::start(&bin).await;
    let fake = FakeAmberflo::start_with_api_key(SECRET).await.unwrap();
    let port = free_port();
    let mut service = Service::start(port, &fake.base_url()).await;
    restate.register(port).await;

    // 1. The seed through Restate's ingress: its typed outputs, the API key
    //    from the service's configuration (the fake only accepts that key).
    let (status, outputs) = restate
        .invoke(
            "create-meter-and-ingest-event",
            &seed_inputs("api-calls"),
            "seed-1",
        )
        .await;
    assert_eq!(status, 200, "{outputs}");
    assert_eq!(
        outputs,
        json!({ "meterApiName": "api-calls", "ingestResult": "1 records were ingested" })
    );
    assert_eq!(fake.request_count("createMeterDefinition"), 1);
    // The same idempotency key: Restate answers from the first run.
    let (status, again) = restate
        .invoke(
            "create-meter-and-ingest-event",
            &seed_inputs("api-calls"),
            "seed-1",
        )
        .await;
    assert_eq!((status, &again), (200, &outputs));
    assert_eq!(fake.request_count("createMeterDefinition"), 1);
    // The key is not an input of the invocation.
    let mut with_key = seed_inputs("other");
    with_key["apiKey"] = json!("sk-from-the-caller");
    let (status, refused) = restate
        .invoke("create-meter-and-ingest-event", &with_key, "seed-key")
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused.to_string().contains("input `apiKey` is a secret"),
        "{refused}"
    );

    // 2. Crash and resume: the service is killed while `ingestEvent` is in
    //    flight; the new process resumes the invocation from Restate's
    //    journal: `createMeter` reached the server exactly once.
    let holding = holding_amberflo().await;
    service.crash();
    let mut service = Service::start(port, &holding.url).await;
    let ingress = restate.ingress.clone();
    let seed = tokio::spawn(async move {
        invoke(
            &ingress,
            "create-meter-and-ingest-event",
            &seed_inputs("crash-meter"),
            "crash-1",
        )
        .await
    });
    tokio::time::timeout(PATIENCE, holding.held.notified())
        .await
        .expect("ingestEvent reaches the server");
    service.crash();
    let mut service = Service::start(port, &holding.url).await;
    let (status, outputs) = tokio::time::timeout(PATIENCE, seed)
        .await
        .expect("the invocation ends")
        .unwrap();
    assert_eq!(status, 200, "{outputs}");
    assert_eq!(
        outputs,
        json!({ "meterApiName": "crash-meter", "ingestResult": "1 records were ingested" })
    );
    assert_eq!(
        holding.meters.load(Ordering::SeqCst),
        1,
        "createMeter exactly once"
    );
    assert_eq!(
        holding.ingests.load(Ordering::SeqCst),
        2,
        "ingestEvent again after the crash"
    );

    service.crash();
    let mut service = Service::start(port, &fake.base_url()).await;

    // 3. A retry wait (429 with Retry-After: 3) survives a restart: the
    //    service dies while Restate holds the durable timer; the new process
    //    resumes after it without sending the throttled request again.
    fake.fail_next("ingestMeterEvents", 1, 429, Some(3));
    let ingests_before = fake.request_count("ingestMeterEvents");
    let ingress = restate.ingress.clone();
    let usage = tokio::spawn(async move {
        let inputs = json!({
            "meterApiName": "api-calls", "customerId": MARKER,
            "meterValue": 2, "meterTimeInMillis": 1_700_000_000_000_i64,
            "startTimeInSeconds": 1_699_990_000_i64, "endTimeInSeconds": 1_700_010_000_i64,
        });
        invoke(&ingress, "ingest-and-query-usage", &inputs, "usage-1").await
    });
    // The invocations before this one have no timer.
    let sleeping = "SELECT count(*) AS n FROM sys_journal WHERE entry_type LIKE '%Sleep%'";
    wait_for("the retry's durable timer in Restate's journal", || {
        let r = &restate;
        async move { !r.query(sleeping).await.contains("\"n\":0") }
    })
    .await;
    assert_eq!(
        fake.request_count("ingestMeterEvents"),
        ingests_before + 1,
        "the retry must not have been sent before the restart"
    );
    service.crash();
    let service = Service::start(port, &fake.base_url()).await;
    let (status, outputs) = tokio::time::timeout(PATIENCE, usage)
        .await
        .expect("the invocation ends")
        .unwrap();
    assert_eq!(status, 200, "{outputs}");
    assert_eq!(
        outputs["ingestMessage"],
        json!("1 records were ingested"),
        "{outputs}"
    );
    assert_eq!(
        fake.request_count("ingestMeterEvents"),
        ingests_before + 2,
        "the throttled attempt is replayed from the journal, the retry sent once"
    );

    // 4. A terminal failure (criteria not met on a 400) ends the invocation
    //    with an error naming the step; no retry.
    fake.fail_next("createMeterDefinition", 1, 400, None);
    let creates_before = fake.request_count("createMeterDefinition");
    let (status, error) = restate
        .invoke(
            "create-meter-and-ingest-event",
            &seed_inputs("refused"),
            "seed-400",
        )
        .await;
    assert_eq!(status, 500, "{error}");
    let text = error.to_string();
    assert!(
        text.contains("step `createMeter`") && text.contains("success criteria not met (HTTP 400)"),
        "{text}"
    );
    assert_eq!(
        fake.request_count("createMeterDefinition"),
        creates_before + 1
    );

    // 5. The API key is nowhere in Restate: not in the journal or the
    //    invocations as Restate shows them, not in any file of its data
    //    directory (where the non-secret customer id is).
    for table in ["sys_journal", "sys_invocation"] {
        let rows = restate.query(&format!("SELECT * FROM {table}")).await;
        assert!(
            rows.contains("create-meter-and-ingest-event"),
            "{table} is empty"
        );
        assert!(!rows.contains(SECRET), "the API key is in {table}");
    }
    drop(service);
    restate.stop();
    assert!(
        !files_containing(restate.dir.path(), MARKER.as_bytes()).is_empty(),
        "the data directory should hold the invocations' inputs"
    );
    assert_eq!(
        files_containing(restate.dir.path(), SECRET.as_bytes()),
        Vec::<PathBuf>::new(),
        "the API key is in Restate's data directory"
    );
}

/// Seed runs per second through Restate (server and service local) against
/// the plain `run` on the same fake Amberflo, sequentially and 32 at a time.
/// A measurement, not a check: run it alone, in release mode, and read the
/// printed figures (BENCHMARKS.md, "Restate"):
/// `cargo test --release -p amberflo-workflows --test restate -- --ignored --nocapture restate_throughput`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; see BENCHMARKS.md"]
async fn restate_throughput() {
    use futures_util::stream::{self, StreamExt};
    let bin = restate_server().expect("restate-server (see .ci/run)");
    let restate = Restate::start(&bin).await;
    let fake = FakeAmberflo::start_with_api_key(SECRET).await.unwrap();
    let port = free_port();
    let _service = Service::start(port, &fake.base_url()).await;
    restate.register(port).await;
    let client = arazzo::Client::builder()
        .server("meteringApi", fake.base_url())
        .build()
        .unwrap();
    let n: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let counter = AtomicUsize::new(0);
    let through_restate = |concurrency: usize| {
        let ingress = restate.ingress.clone();
        let counter = &counter;
        async move {
            let start = std::time::Instant::now();
            stream::iter(0..n)
                .for_each_concurrent(concurrency, |_| {
                    let ingress = ingress.clone();
                    async move {
                        let i = counter.fetch_add(1, Ordering::Relaxed);
                        let (status, body) = invoke(
                            &ingress,
                            "create-meter-and-ingest-event",
                            &seed_inputs(&format!("r-{i}")),
                            &format!("bench-{i}"),
                        )
                        .await;
                        assert_eq!(status, 200, "{body}");
                    }
                })
                .await;
            start.elapsed()
        }
    };
    let plain = |concurrency: usize| {
        let client = client.clone();
        let counter = &counter;
        async move {
            let start = std::time::Instant::now();
            stream::iter(0..n)
                .for_each_concurrent(concurrency, |_| {
                    let client = client.clone();
                    async move {
                        let i = counter.fetch_add(1, Ordering::Relaxed);
                        let mut v = seed_inputs(&format!("p-{i}"));
                        v["apiKey"] = json!(SECRET);
                        let inputs: amberflo_workflows::create_meter_and_ingest_event::Inputs =
                            serde_json::from_value(v).unwrap();
                        amberflo_workflows::create_meter_and_ingest_event::run(&client, &inputs)
                            .await
                            .unwrap();
                    }
                })
                .await;
            start.elapsed()
        }
    };
    // Warm-up (connections, partitions' leaders, caches).
    let _ = through_restate(8).await;
    let _ = plain(8).await;
    for concurrency in [1, 32] {
        let mut rounds = Vec::new();
        for _ in 0..3 {
            let r = through_restate(concurrency).await;
            let p = plain(concurrency).await;
            rounds.push((r, p));
        }
        for (r, p) in rounds {
            let per = |d: Duration| d.as_secs_f64() * 1e3 / n as f64;
            println!(
                "concurrency {concurrency:>2}: Restate {:>7.1} runs/s ({:.2} ms/run), plain run {:>7.1} runs/s ({:.3} ms/run); \
                 difference per step (2 steps a run) {:.2} ms",
                n as f64 / r.as_secs_f64(),
                per(r),
                n as f64 / p.as_secs_f64(),
                per(p),
                (per(r) - per(p)) / 2.0,
            );
        }
    }
}

//! The `amberflo-workflows` binary: listing, running, exit codes and secrecy.

use std::process::Output;

use amberflo_workflows::fake::FakeAmberflo;
use serde_json::Value;

const SECRET: &str = "sk-test-SECRET-42";

fn cmd() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!();
    cmd.env_remove("AMBERFLO_API_KEY").env_remove("RUST_LOG");
    cmd
}

const SEED_INPUTS: &[&str] = &[
    "--input",
    "meterApiName=api-calls",
    "--input",
    "displayName=API calls",
    "--input",
    "type=SUM_OF_ALL_USAGE",
    "--input",
    "customerId=cust-1",
    "--input",
    "meterValue=3",
    "--input",
    "meterTimeInMillis=1700000000000",
];

fn run_seed(extra: &[&str], key: Option<&str>) -> Output {
    let mut c = cmd();
    if let Some(key) = key {
        c.env("AMBERFLO_API_KEY", key);
    }
    c.args(["run", "create-meter-and-ingest-event"])
        .args(SEED_INPUTS)
        .args(extra)
        .output()
        .unwrap()
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_no_secret(output: &Output) {
    let (out, err) = text(output);
    assert!(!out.contains(SECRET), "stdout leaks the key: {out}");
    assert!(!err.contains(SECRET), "stderr leaks the key: {err}");
    assert!(!out.contains("SECRET") && !err.contains("SECRET"));
}

#[test]
fn list_shows_every_workflow_with_its_inputs() {
    let output = cmd().arg("list").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let (out, _) = text(&output);
    for id in [
        "create-meter-and-ingest-event",
        "upsert-customer",
        "offboard-customer",
        "ingest-and-query-usage",
        "create-product-meter",
        "launch-usage-based-product",
        "top-up-prepaid-after-usage",
        "setup-meter-with-filtering-rule",
        "get-customer-invoices",
        "create-customer",
        "onboard-customer-with-first-usage",
    ] {
        assert!(out.contains(id), "{id} missing from:\n{out}");
    }
    assert!(out.contains("Create the customer if it does not exist yet, otherwise update it."));
    assert!(out.contains("meterTimeInMillis"));
    assert!(out.contains("from $AMBERFLO_API_KEY"));
}

/// `list` prints what it printed when the registry was written by hand: the
/// registry is now generated from the workflows' metadata, byte for byte the same.
#[test]
fn list_output_is_pinned() {
    let output = cmd().arg("list").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("list", text(&output).0);
    let output = cmd().args(["list", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("list-json", text(&output).0);
}

#[test]
fn list_json_parses() {
    let output = cmd().args(["list", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.len() >= 11);
    assert_eq!(list[0]["id"], "create-meter-and-ingest-event");
    assert_eq!(list[0]["inputs"][1]["name"], "meterApiName");
    assert_eq!(list[0]["inputs"][1]["required"], true);
}

#[test]
fn seed_workflow_runs_against_the_embedded_fake() {
    let output = run_seed(&[], None);
    let (out, err) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("meterApiName: api-calls"), "{out}");
    // Amberflo answers ingestion with a message; the output is that text.
    assert!(
        out.contains("ingestResult: 1 records were ingested"),
        "{out}"
    );
    assert!(err.contains("step createMeter"), "{err}");
    assert!(err.contains("step ingestEvent"), "{err}");
    assert!(err.contains("HTTP 200"), "{err}");
    assert!(err.contains(" ms"), "{err}");
}

#[test]
fn json_output_parses() {
    let output = run_seed(&["--json"], None);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    let outputs: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(outputs["meterApiName"], "api-calls");
    assert_eq!(outputs["ingestResult"], "1 records were ingested");
}

#[test]
fn outputs_are_printed_in_the_order_the_workflow_declares_them() {
    // upsert-customer declares `updatedCustomer` before `createdCustomer`.
    let run = |extra: &[&str]| {
        cmd()
            .args(["run", "upsert-customer", "--quiet"])
            .args(["--input", "customerId=acme", "--input", "customerName=Acme"])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&[]);
    let (out, err) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{out}\n{err}");
    let updated = out.find("updatedCustomer:").unwrap();
    let created = out.find("createdCustomer:").unwrap();
    assert!(updated < created, "{out}");
    let output = run(&["--json"]);
    let (out, _) = text(&output);
    let updated = out.find("\"updatedCustomer\"").unwrap();
    let created = out.find("\"createdCustomer\"").unwrap();
    assert!(updated < created, "{out}");
    let outputs: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(outputs["createdCustomer"]["customerId"], "acme");
}

#[test]
fn quiet_prints_only_the_outputs() {
    let output = run_seed(&["--json", "--quiet"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty(), "{:?}", text(&output));
}

#[test]
fn inputs_file_is_read() {
    let dir = std::env::temp_dir().join(format!("amberflo-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("inputs.json");
    std::fs::write(
        &file,
        r#"{"meterApiName": "from-file", "displayName": "From file", "type": "MAX_IN_PERIOD",
            "customerId": "c-9", "meterValue": 1.5, "meterTimeInMillis": 1700000000000}"#,
    )
    .unwrap();
    let output = cmd()
        .args([
            "run",
            "create-meter-and-ingest-event",
            "--json",
            "--inputs-file",
        ])
        .arg(&file)
        .args(["--input", "customerId=c-10"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    let outputs: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(outputs["meterApiName"], "from-file");
}

#[test]
fn missing_input_is_a_usage_error_naming_it() {
    let output = cmd()
        .args(["run", "create-meter-and-ingest-event"])
        .args(&SEED_INPUTS[..8])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let (_, err) = text(&output);
    assert!(err.contains("`meterValue`"), "{err}");
    assert!(err.contains("`meterTimeInMillis`"), "{err}");
}

#[test]
fn mistyped_input_is_a_usage_error_naming_it() {
    let output = run_seed(&["--input", "meterValue=lots"], None);
    assert_eq!(output.status.code(), Some(2));
    let (_, err) = text(&output);
    assert!(err.contains("`meterValue`"), "{err}");
    assert!(err.contains("number"), "{err}");
}

#[test]
fn unknown_workflow_and_unknown_input_are_usage_errors() {
    let output = cmd().args(["run", "no-such-workflow"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("upsert-customer"));
    let output = run_seed(&["--input", "colour=blue"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("`colour`"));
    let output = run_seed(&["--input", "novalue"], None);
    assert_eq!(output.status.code(), Some(2));
    let output = cmd().arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn failing_step_exits_3() {
    let output = cmd()
        .env("AMBERFLO_API_KEY", SECRET)
        .args([
            "run",
            "get-customer-invoices",
            "--input",
            "customerId=nobody",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let (_, err) = text(&output);
    assert!(err.contains("getCustomer"), "{err}");
    assert!(err.contains("404"), "{err}");
    assert_no_secret(&output);
}

#[test]
fn transport_error_exits_4() {
    // Nothing listens on port 1.
    let output = run_seed(&["--base-url", "http://127.0.0.1:1"], Some(SECRET));
    assert_eq!(output.status.code(), Some(4), "{:?}", text(&output));
    assert_no_secret(&output);
}

#[test]
fn a_real_url_needs_an_api_key() {
    let output = run_seed(&["--base-url", "http://127.0.0.1:1"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("AMBERFLO_API_KEY"));
    let output = run_seed(&["--base-url", "ftp://example.com"], Some(SECRET));
    assert_eq!(output.status.code(), Some(2));
    assert_no_secret(&output);
}

#[test]
fn the_api_key_cannot_be_passed_as_an_input() {
    let output = run_seed(&["--input", &format!("apiKey={SECRET}")], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("AMBERFLO_API_KEY"));
    assert_no_secret(&output);
}

#[test]
fn api_key_is_never_printed() {
    for extra in [&[][..], &["--json"][..]] {
        let output = run_seed(extra, Some(SECRET));
        assert_eq!(output.status.code(), Some(0));
        assert_no_secret(&output);
    }
    let output = run_seed(&["--input", "meterValue=lots"], Some(SECRET));
    assert_eq!(output.status.code(), Some(2));
    assert_no_secret(&output);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn base_url_runs_against_that_server_with_the_env_key() {
    let fake = FakeAmberflo::start_with_api_key(SECRET).await.unwrap();
    let base = fake.base_url();
    let output = tokio::task::spawn_blocking(move || {
        run_seed(&["--base-url", &base, "--json"], Some(SECRET))
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));
    assert_no_secret(&output);
    assert_eq!(fake.meters().len(), 1);
    assert_eq!(fake.events().len(), 1);
    for r in fake.requests() {
        assert_eq!(r.header("x-api-key"), Some(SECRET));
    }
    // A wrong key is rejected by the server: a failed step.
    let base = fake.base_url();
    let output =
        tokio::task::spawn_blocking(move || run_seed(&["--base-url", &base], Some("sk-wrong-key")))
            .await
            .unwrap();
    assert_eq!(output.status.code(), Some(3), "{:?}", text(&output));
    assert!(text(&output).1.contains("401"));
}

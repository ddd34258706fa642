//! Build-script mode (`arazzo_compiler::build::generate`, run by `tests/build.rs`): the
//! code written to `OUT_DIR` behaves as the macro's expansion (same requests, same
//! outputs, same errors against one server), and `generate` prints `cargo:rerun-if-changed`
//! for every file read and each warning as `cargo:warning`, and writes nothing when the
//! document has errors. `arazzo_build::compile_dir("specs/folder")` with
//! `arazzo::include_workflows!()` gives each document of a folder its module.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod via_build {
    include!(concat!(env!("OUT_DIR"), "/customer_lookup.rs"));
}

mod via_macro {
    arazzo::arazzo_workflow!("tests/specs/arazzo/customer-lookup.arazzo.yaml");
}

mod via_folder {
    arazzo::include_workflows!();
}

mod echo_via_build {
    include!(concat!(env!("OUT_DIR"), "/lint_request_echo.rs"));
}

mod echo_via_macro {
    arazzo::arazzo_workflow!("tests/specs/arazzo/request-echo.arazzo.yaml");
}

/// What a server saw: method, path and query, the headers the workflow chose (not the
/// HTTP client's own), and the body.
type Seen = (String, String, Vec<(String, String)>, Vec<u8>);

async fn seen(server: &MockServer) -> Vec<Seen> {
    let reqs = server.received_requests().await.expect("recording is on");
    reqs.into_iter()
        .map(|r| {
            let mut headers: Vec<(String, String)> = r
                .headers
                .iter()
                .filter(|(n, _)| n.as_str().starts_with("x-") || *n == "content-type")
                .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                .collect();
            headers.sort();
            (
                r.method.to_string(),
                format!("{}?{}", r.url.path(), r.url.query().unwrap_or_default()),
                headers,
                r.body,
            )
        })
        .collect()
}

async fn mount_customer(server: &MockServer, status: u16, body: Value) {
    Mock::given(method("GET"))
        .and(path("/customers/c-42"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

/// Runs `$a` and `$b` (two `run` calls) against `$server`: the outcomes, as JSON or as the
/// error's text, and the requests are the same.
macro_rules! same_run {
    ($server:expr, $a:expr, $b:expr) => {{
        let before = seen($server).await.len();
        let a: Result<Value, String> = $a
            .await
            .map(|o| serde_json::to_value(o).expect("outputs serialize"))
            .map_err(|e| e.to_string());
        let between = seen($server).await.len();
        let b: Result<Value, String> = $b
            .await
            .map(|o| serde_json::to_value(o).expect("outputs serialize"))
            .map_err(|e| e.to_string());
        let all = seen($server).await;
        assert_eq!(a, b);
        assert!(between > before, "the first run sent nothing");
        assert_eq!(all[before..between], all[between..]);
        a
    }};
}

#[tokio::test]
async fn build_mode_code_runs_as_the_macro_code_does() {
    let server = MockServer::start().await;
    let client = arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .expect("client");
    let customer = json!({"id": "c-42", "email": "a@example.com", "name": "Acme"});

    // A success.
    mount_customer(&server, 200, customer.clone()).await;
    let out = same_run!(
        &server,
        via_build::lookup_customer::run(
            &client,
            &via_build::lookup_customer::Inputs {
                customer_id: "c-42".into()
            }
        ),
        via_macro::lookup_customer::run(
            &client,
            &via_macro::lookup_customer::Inputs {
                customer_id: "c-42".into()
            }
        )
    );
    assert_eq!(
        out,
        Ok(json!({"customer": customer, "email": "a@example.com"}))
    );

    // A failure: the same error.
    server.reset().await;
    mount_customer(&server, 404, json!({"error": "no such customer"})).await;
    let out = same_run!(
        &server,
        via_build::lookup_customer::run(
            &client,
            &via_build::lookup_customer::Inputs {
                customer_id: "c-42".into()
            }
        ),
        via_macro::lookup_customer::run(
            &client,
            &via_macro::lookup_customer::Inputs {
                customer_id: "c-42".into()
            }
        )
    );
    let err = out.expect_err("a 404 fails the criteria");
    assert!(err.contains("success criteria not met (HTTP 404)"), "{err}");

    // Headers, `$request`, `$method` and `$url` in outputs.
    server.reset().await;
    mount_customer(&server, 200, customer.clone()).await;
    let out = same_run!(
        &server,
        echo_via_build::fetch_with_request_echo::run(
            &client,
            &echo_via_build::fetch_with_request_echo::Inputs {
                customer_id: "c-42".into(),
                tenant: "acme".into(),
            }
        ),
        echo_via_macro::fetch_with_request_echo::run(
            &client,
            &echo_via_macro::fetch_with_request_echo::Inputs {
                customer_id: "c-42".into(),
                tenant: "acme".into(),
            }
        )
    );
    let out = out.expect("the tenant matches");
    assert_eq!(out["sentTenant"], "tenant-acme");
    assert_eq!(out["url"], format!("{}/customers/c-42", server.uri()));
}

#[test]
fn the_written_file_names_its_document() {
    let written = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join("customer_lookup.rs"))
        .expect("build.rs wrote the file");
    assert!(written.starts_with("// Generated by arazzo-compiler from `specs/arazzo/customer-lookup.arazzo.yaml`; do not edit.\n"));
    assert!(written.contains("pub mod lookup_customer {"));
}

// ----------------------------------------------------- what a build script sees

/// The document and output file of [`generate_in_a_build_script`], from the environment.
const CHILD_DOC: &str = "ARAZZO_TEST_BUILD_DOC";
const CHILD_OUT: &str = "ARAZZO_TEST_BUILD_OUT";

/// Run only by [`build_script`], in a process of its own, as a build script would run
/// `generate`: stdout is what cargo would read.
#[test]
#[ignore = "run by the other tests of this file, in a process of its own"]
fn generate_in_a_build_script() {
    let doc = std::env::var(CHILD_DOC).expect("the document");
    let out = std::env::var(CHILD_OUT).expect("the output file");
    // The test harness has printed `test ... ` without a line end: start a line.
    println!();
    match arazzo_compiler::build::generate(&doc, &out, &arazzo_compiler::Options::default()) {
        Ok(_) => println!("result: written"),
        Err(arazzo_compiler::build::Error::Document(errors)) => {
            println!("result: {} error(s)", errors.len());
        }
        Err(e) => println!("result: {e}"),
    }
}

/// What `generate` printed for `doc` (relative to this crate) writing `out_file` into
/// `out_dir`: the `cargo:` lines and the result line.
fn build_script(doc: &str, out_dir: &Path, out_file: &str) -> Vec<String> {
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "generate_in_a_build_script",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .env("OUT_DIR", out_dir)
        .env(CHILD_DOC, doc)
        .env(CHILD_OUT, out_file)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter(|l| l.starts_with("cargo:") || l.starts_with("result: "))
        .map(str::to_owned)
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arazzo-build-mode-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn manifest(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .canonicalize()
        .expect("the file exists")
        .display()
        .to_string()
}

#[test]
fn generate_prints_rerun_if_changed_and_warnings_for_cargo() {
    let dir = scratch("warn");
    let lines = build_script(
        "ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml",
        &dir,
        "x.rs",
    );
    // Every file read: the document and its OpenAPI description.
    let rerun: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("cargo:rerun-if-changed="))
        .collect();
    assert_eq!(
        rerun,
        [
            &format!(
                "cargo:rerun-if-changed={}",
                manifest("ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml")
            ),
            &format!(
                "cargo:rerun-if-changed={}",
                manifest("ui/fixtures/openapi/shop.yaml")
            ),
        ],
        "{lines:#?}"
    );
    // The warning, rendered as the macro renders it, one `cargo:warning` per line.
    let warning: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("cargo:warning="))
        .collect();
    assert_eq!(
        warning.first().copied(),
        Some("warning: ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml:28:20: operation `createCustomer` does not document a `application/vnd.shop.customer.v2+json` request body; it is sent as written, unchecked"),
        "{lines:#?}"
    );
    assert!(
        warning.contains(&"   = help: it documents: application/json"),
        "{lines:#?}"
    );
    assert_eq!(lines.last().map(String::as_str), Some("result: written"));
    let code = std::fs::read_to_string(dir.join("x.rs")).expect("written");
    assert!(
        code.contains("pub mod create_customer_vendor_json {"),
        "{code}"
    );
}

#[test]
fn generate_writes_nothing_when_the_document_has_errors() {
    let dir = scratch("errors");
    // A file from an earlier, good build stays as it was; a new one is not created.
    std::fs::write(dir.join("old.rs"), "// from an earlier build\n").expect("write");
    for file in ["old.rs", "new.rs"] {
        let lines = build_script(
            "ui/fixtures/param-component-unknown.arazzo.yaml",
            &dir,
            file,
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("result: 1 error(s)"),
            "{lines:#?}"
        );
        // cargo reruns the script once the document is fixed.
        assert!(
            lines.contains(&format!(
                "cargo:rerun-if-changed={}",
                manifest("ui/fixtures/param-component-unknown.arazzo.yaml")
            )),
            "{lines:#?}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("old.rs")).expect("still there"),
        "// from an earlier build\n"
    );
    assert!(!dir.join("new.rs").exists());
}

/// The file's items as a formatted token stream (its header comment dropped).
fn formatted(code: &str) -> String {
    let file: syn::File = syn::parse_str(code).expect("the file parses as Rust");
    prettyplease::unparse(&file)
}

/// Each Arazzo document of the folder in a module named after its file (two `types`
/// modules side by side), with the macro's API; the file that is not an Arazzo document
/// is left out.
#[test]
fn compile_dir_gives_each_document_of_the_folder_its_module() {
    #[allow(dead_code)]
    async fn both(client: &arazzo::Client) -> Result<(), arazzo::Error> {
        let customer = via_folder::customers::lookup_customer::Inputs {
            customer_id: "c-1".into(),
        };
        let _email: Option<String> = via_folder::customers::lookup_customer::run(client, &customer)
            .await?
            .email;
        let invoice = via_folder::invoices::get_invoice::Inputs {
            invoice_id: "i-1".into(),
        };
        via_folder::invoices::get_invoice::run(client, &invoice).await?;
        Ok(())
    }
    let out_dir = Path::new(env!("OUT_DIR"));
    let index = std::fs::read_to_string(out_dir.join(arazzo_build::INDEX_FILE)).expect("the index");
    let modules: Vec<&str> = index
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .collect();
    assert_eq!(modules, ["customers {", "invoices {"], "{index}");
    assert!(
        index.contains("include!(\"arazzo/customers.rs\");"),
        "{index}"
    );
    assert!(
        !index.contains(env!("CARGO_MANIFEST_DIR")),
        "no absolute path: {index}"
    );
    // The module's file is the macro's expansion, formatted.
    let written = std::fs::read_to_string(out_dir.join("arazzo/customers.rs")).expect("written");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/folder/customers.arazzo.yaml");
    let out = arazzo_compiler::compile(
        &path,
        &arazzo_compiler::Options {
            display_root: env!("CARGO_MANIFEST_DIR").into(),
            ..Default::default()
        },
    );
    assert!(out.diagnostics.is_empty());
    assert_eq!(
        formatted(&written),
        arazzo_compiler::build::format(&out.code)
    );
    // Hover provenance, relative to the crate.
    assert!(
        written.contains("Defined at `specs/folder/customers.arazzo.yaml:16:7`."),
        "{written}"
    );
}

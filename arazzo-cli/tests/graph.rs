//! `arazzo graph` run as a process: Graphviz's `dot` accepts its DOT output for every
//! repository document that checks, and its errors and exit codes.

use assert_cmd::Command;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn arazzo() -> Command {
    let mut cmd = Command::cargo_bin("arazzo").expect("the arazzo binary");
    cmd.current_dir(repo()).arg("--quiet");
    cmd
}

/// Graphviz's `dot`, or `None` outside CI when it is not installed (CI installs it, and
/// there its absence fails the test).
fn dot() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("dot"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` is not installed (.ci/run installs the graphviz package)"
        );
        eprintln!("skipped: Graphviz `dot` is not installed");
    }
    found
}

/// Runs `dot -Tsvg` on `text`: the SVG, or what `dot` said.
fn render_svg(dot: &Path, text: &str) -> Result<String, String> {
    let mut child = std::process::Command::new(dot)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dot");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to dot");
    let out = child.wait_with_output().expect("dot");
    match out.status.success() && out.stderr.is_empty() {
        true => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

#[test]
fn dot_accepts_the_graph_of_every_document_that_checks() {
    let Some(dot) = dot() else { return };
    let mut rendered = 0;
    for dir in ["specs/arazzo", "tests/specs/arazzo"] {
        for entry in std::fs::read_dir(repo().join(dir)).expect("specs") {
            let path = entry.expect("entry").path();
            let out = arazzo()
                .args(["graph", "--format", "dot"])
                .arg(&path)
                .output()
                .expect("run arazzo");
            if out.status.code() == Some(1) {
                continue; // a document with errors (a fixture of a failure)
            }
            assert!(out.status.success(), "{}: {:?}", path.display(), out);
            let text = String::from_utf8_lossy(&out.stdout);
            let svg = render_svg(&dot, &text).unwrap_or_else(|e| {
                panic!("dot refused the graph of {}: {e}\n{text}", path.display())
            });
            assert!(svg.contains("<svg"), "{svg}");
            rendered += 1;
        }
    }
    assert!(rendered >= 20, "only {rendered} documents rendered");
}

#[test]
fn the_seed_graph_shows_its_steps_in_svg() {
    let Some(dot) = dot() else { return };
    let out = arazzo()
        .args([
            "graph",
            "--format",
            "dot",
            "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        ])
        .output()
        .expect("run arazzo");
    assert!(out.status.success());
    let svg = render_svg(&dot, &String::from_utf8_lossy(&out.stdout)).expect("dot");
    for text in [
        "createMeter",
        "ingestEvent",
        "POST /meters",
        "outputs: meterApiName, ingestResult",
    ] {
        assert!(svg.contains(text), "{text} not in the SVG");
    }
}

#[test]
fn mermaid_is_the_default_and_one_workflow_can_be_chosen() {
    let out = arazzo()
        .args([
            "graph",
            "tests/specs/arazzo/workflow-steps.arazzo.yaml",
            "--workflow",
            "poll-job",
        ])
        .output()
        .expect("run arazzo");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("flowchart TD\n"), "{text}");
    assert!(text.contains("workflow poll-job"));
    assert!(!text.contains("workflow run-job"), "{text}");
}

#[test]
fn an_unknown_workflow_is_a_usage_error() {
    let out = arazzo()
        .args([
            "graph",
            "tests/specs/arazzo/workflow-steps.arazzo.yaml",
            "--workflow",
            "nope",
        ])
        .output()
        .expect("run arazzo");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no workflow `nope`; its workflows: poll-job, run-job, run-remote-job"),
        "{err}"
    );
}

/// The seed in a temporary crate (`arazzo/` beside `openapi/`), edited by `edit`.
fn seed_copy(edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    // A crate of its own: the files a document may read are those of its crate.
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"scratch\"\n",
    )
    .expect("write");
    for sub in ["arazzo", "openapi"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
    }
    let spec = "openapi/amberflo-metering-openapi.yaml";
    std::fs::copy(repo().join("specs").join(spec), dir.path().join(spec)).expect("copy");
    let doc = repo().join("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");
    let text = edit(std::fs::read_to_string(&doc).expect("seed"));
    let path = dir.path().join("arazzo/edited.arazzo.yaml");
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

#[test]
fn a_document_with_errors_has_no_graph() {
    let (_dir, broken) = seed_copy(|t| t.replace("$inputs.apiKey", "$inputs.apiKy"));
    let out = arazzo()
        .arg("graph")
        .arg(&broken)
        .output()
        .expect("run arazzo");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown input `apiKy`"), "{err}");
}

#[test]
fn quotes_and_backslashes_in_criteria_stay_inside_labels() {
    let Some(dot) = dot() else { return };
    // A regex criterion holding a double quote, a backslash and a closing brace.
    let criterion = "    - condition: $statusCode == 200\n    - context: $response.body#/meterApiName\n      condition: '^[^\"\\\\}]+$'\n      type: regex\n";
    let (_dir, path) =
        seed_copy(|t| t.replacen("    - condition: $statusCode == 200\n", criterion, 1));
    let out = arazzo()
        .args(["graph", "--format", "dot"])
        .arg(&path)
        .output()
        .expect("run arazzo");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(r#"matches /^[^\"\\\\}]+$/"#), "{text}");
    let svg = render_svg(&dot, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // The whole criterion is one label: the SVG shows it with the quote as an entity.
    assert!(svg.contains("matches /^[^&quot;\\\\}]+$/"), "{svg}");
}

//! Hostile documents given to the `arazzo` binary: each must end in diagnostics and
//! exit 1, never in a crash, an abort or a file outside the crate being read.

use assert_cmd::Command;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A crate directory (`<tmp>/crate`) holding the clean fixture and its OpenAPI description,
/// with `document` written as `doc.arazzo.yaml`.
fn crate_with(document: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let krate = dir.path().join("crate");
    std::fs::create_dir(&krate).expect("crate directory");
    std::fs::copy(
        Path::new(FIXTURES).join("library.openapi.yaml"),
        krate.join("library.openapi.yaml"),
    )
    .expect("copy fixture");
    std::fs::write(krate.join("doc.arazzo.yaml"), document).expect("write document");
    dir
}

fn clean() -> String {
    std::fs::read_to_string(Path::new(FIXTURES).join("clean.arazzo.yaml")).expect("fixture")
}

/// The clean fixture with one more success criterion (YAML lines, indented for the list).
fn with_criterion(criterion: &str) -> String {
    let anchor = "    - condition: $statusCode == 200\n";
    let doc = clean();
    assert!(doc.contains(anchor));
    doc.replace(anchor, &format!("{anchor}{criterion}"))
}

fn check(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("arazzo")
        .expect("the arazzo binary")
        .current_dir(dir.join("crate"))
        .arg("check")
        .args(args)
        .output()
        .expect("run arazzo")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_criterion_nested_1000_deep_is_a_diagnostic() {
    // A JSONPath filter nested 1 000 parentheses deep (2 KB): the JSONPath parser is
    // recursive, and used to overflow the stack (the process aborted).
    let query = format!("$[?{}@.x{}]", "(".repeat(1000), ")".repeat(1000));
    let doc = with_criterion(&format!(
        "    - context: $response.body\n      type: jsonpath\n      condition: '{query}'\n"
    ));
    let dir = crate_with(&doc);
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("doc.arazzo.yaml:27:") && err.contains("JSONPath nested too deeply"),
        "{err}"
    );
    // At the limit, the same query is accepted.
    let query = format!("$[?{}@.x{}]", "(".repeat(62), ")".repeat(62));
    let doc = with_criterion(&format!(
        "    - context: $response.body\n      type: jsonpath\n      condition: '{query}'\n"
    ));
    let dir = crate_with(&doc);
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn filters_nested_in_filters_are_a_diagnostic_before_the_parser_runs() {
    // Found by the `nesting` fuzz target: `$[?@[?@[?@ ...]]]` 35 levels deep is far below the
    // bracket limit, but the JSONPath parser's time doubles with each level of filters, so
    // `arazzo check` ran for minutes (a build that never ends). 7 levels are now refused with
    // a diagnostic; 6 are accepted.
    for (levels, code) in [(7, 1), (35, 1), (6, 0)] {
        let query = format!("${}.x{}", "[?@".repeat(levels), "]".repeat(levels));
        let doc = with_criterion(&format!(
            "    - context: $response.body\n      type: jsonpath\n      condition: '{query}'\n"
        ));
        let dir = crate_with(&doc);
        let out = check(dir.path(), &["doc.arazzo.yaml"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{levels} levels: {err}");
        if code == 1 {
            assert!(
                err.contains("doc.arazzo.yaml:27:")
                    && err.contains("JSONPath filters nested too deeply"),
                "{err}"
            );
        }
    }
}

#[test]
fn deep_nesting_in_every_parser_is_a_diagnostic() {
    let deep_selector = format!("$.a{}", "[?@[?@".repeat(600) + &"]]".repeat(600));
    let cases = [
        // A simple condition, 1 000 parentheses deep.
        format!(
            "    - condition: {}$statusCode == 200{}\n",
            "(".repeat(1000),
            ")".repeat(1000)
        ),
        // `!` repeated.
        format!("    - condition: '{}true'\n", "!".repeat(1000)),
        // Nested filters in an embedded JSONPath of Arazzo 1.1 (checked with placeholders).
        format!(
            "    - context: $response.body\n      type: jsonpath\n      condition: \"$[?{}@.x == '{{$inputs.isbn}}'{}]\"\n",
            "(".repeat(1000),
            ")".repeat(1000)
        ),
    ];
    for case in &cases {
        let doc = with_criterion(case).replace("arazzo: 1.0.1", "arazzo: 1.1.0");
        let dir = crate_with(&doc);
        let out = check(dir.path(), &["doc.arazzo.yaml"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("nested too deeply"), "{err}");
    }
    // A JSONPath output selector (Arazzo 1.1 selector object).
    let doc = clean().replace("arazzo: 1.0.1", "arazzo: 1.1.0").replace(
        "      title: $response.body#/title\n",
        &format!(
            "      title: $response.body#/title\n      deep:\n        context: $response.body\n        selector: '{deep_selector}'\n        type: jsonpath\n"
        ),
    );
    let dir = crate_with(&doc);
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("JSONPath nested too deeply"), "{err}");
}

/// Runs `arazzo check` with its address space limited to 1.5 GB (`prlimit`, util-linux).
fn check_in_1_5_gb(dir: &Path, file: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("arazzo");
    std::process::Command::new("prlimit")
        .arg(format!("--as={}", 1536u64 * 1024 * 1024))
        .arg("--")
        .arg(bin)
        .args(["check", file])
        .current_dir(dir.join("crate"))
        .output()
        .expect("run prlimit (util-linux) with the arazzo binary")
}

#[test]
fn an_alias_bomb_of_bytes_is_refused_in_1_5_gb() {
    // A 1 MiB scalar anchored once and aliased 2 500 times: a 1 MB file that is 2.6 GB
    // once expanded (well within the node budget: 2 501 nodes).
    let mut doc = clean();
    doc.push_str(&format!(
        "x-big: &big {}\nx-bomb:\n",
        "a".repeat(1024 * 1024)
    ));
    for _ in 0..2500 {
        doc.push_str("- *big\n");
    }
    let dir = crate_with(&doc);
    let out = check_in_1_5_gb(dir.path(), "doc.arazzo.yaml");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bytes of text once aliases are expanded"),
        "{err}"
    );
}

#[test]
fn a_ref_outside_the_crate_is_refused_and_never_read() {
    let credentials =
        "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = hunter2-secret\n";
    let dir = crate_with(&clean());
    std::fs::write(dir.path().join("credentials"), credentials).expect("write");
    // The schema of the used response names a file above the crate.
    let api = dir.path().join("crate/library.openapi.yaml");
    let text = std::fs::read_to_string(&api).expect("read");
    let text = text.replacen(
        "$ref: '#/components/schemas/Book'",
        "$ref: '../credentials#/x'",
        1,
    );
    std::fs::write(&api, text).expect("write");
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "`$ref: ../credentials#/x` in `library.openapi.yaml` names a file outside the crate"
        ),
        "{err}"
    );
    assert!(
        !err.contains("AKIAEXAMPLE") && !err.contains("hunter2"),
        "{err}"
    );

    // An absolute path, the same.
    let abs = dir.path().join("credentials");
    let text = std::fs::read_to_string(&api).expect("read");
    std::fs::write(
        &api,
        text.replace("../credentials#/x", &format!("{}#/x", abs.display())),
    )
    .expect("write");
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("names a file outside the crate"), "{err}");
    assert!(
        !err.contains("AKIAEXAMPLE") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn a_source_url_outside_the_crate_is_refused_unless_the_root_allows_it() {
    let dir =
        crate_with(&clean().replace("./library.openapi.yaml", "../shared/library.openapi.yaml"));
    std::fs::create_dir(dir.path().join("shared")).expect("mkdir");
    std::fs::rename(
        dir.path().join("crate/library.openapi.yaml"),
        dir.path().join("shared/library.openapi.yaml"),
    )
    .expect("move");
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the url of source description `library` (`../shared/library.openapi.yaml`) names a file outside the crate"),
        "{err}"
    );
    // The monorepo opt-out: a wider root.
    let out = check(dir.path(), &["doc.arazzo.yaml", "--root", ".."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A mapped source is read wherever it is.
    let out = check(
        dir.path(),
        &[
            "doc.arazzo.yaml",
            "--source",
            "library=../shared/library.openapi.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn lines_of_a_file_that_is_not_yaml_are_never_quoted() {
    // Inside the crate, but not a description: the diagnostic names it, line and column,
    // without quoting it.
    let dir = crate_with(&clean());
    std::fs::write(
        dir.path().join("crate/notes.txt"),
        "[default]\naws_secret_access_key = hunter2-secret\n",
    )
    .expect("write");
    let api = dir.path().join("crate/library.openapi.yaml");
    let text = std::fs::read_to_string(&api).expect("read");
    std::fs::write(
        &api,
        text.replacen(
            "$ref: '#/components/schemas/Book'",
            "$ref: 'notes.txt#/x'",
            1,
        ),
    )
    .expect("write");
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("notes.txt:"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");

    // The same file named as an Arazzo source description.
    let doc = clean().replace(
        "sourceDescriptions:\n",
        "sourceDescriptions:\n- name: notes\n  url: ./notes.txt\n  type: arazzo\n",
    );
    std::fs::write(dir.path().join("crate/doc.arazzo.yaml"), doc).expect("write");
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("notes.txt:2:"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn ids_that_are_rust_keywords_expand_to_code_that_parses() {
    // `stepId: self` made an enum variant `Self`; `workflowId: arazzo` a module that makes
    // the crate's name ambiguous next to `arazzo::arazzo_workflow!`.
    let mut doc = clean().replace("workflowId: look-up", "workflowId: arazzo");
    let step = doc
        .split_once("  steps:\n")
        .and_then(|(_, s)| s.split_once("  outputs:\n    title: $steps"))
        .map(|(s, _)| s.to_owned())
        .expect("the step");
    let mut steps = String::new();
    for id in ["self", "Self", "SELF", "crate", "super"] {
        steps.push_str(&step.replace("stepId: lookUp", &format!("stepId: {id}")));
    }
    doc = doc
        .replace(&step, &steps)
        .replace("$steps.lookUp.outputs", "$steps.SELF.outputs");
    let dir = crate_with(&doc);
    let out = Command::cargo_bin("arazzo")
        .expect("the arazzo binary")
        .current_dir(dir.path().join("crate"))
        .args(["expand", "doc.arazzo.yaml"])
        .output()
        .expect("run arazzo");
    let code = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Formatted (`expand` formats only code that parses, and exits 1 otherwise).
    assert!(code.contains("\npub mod arazzo_ {\n"), "{code}");
    assert!(code.contains("SelfStep"), "{code}");
    assert!(
        !code.contains(" Self,") && !code.contains("pub mod arazzo {"),
        "{code}"
    );
}

#[test]
fn multipart_names_that_would_inject_part_headers_are_refused() {
    let api = r#"openapi: 3.1.0
info: {title: uploads, version: 1.0.0}
servers:
- url: https://files.example/api
paths:
  /upload:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              additionalProperties: true
            encoding:
              note:
                contentType: "text/plain\r\nX-Injected: 1"
      responses:
        '204': {description: stored}
"#;
    let doc = r#"arazzo: 1.0.1
info: {title: uploads, version: 1.0.0}
sourceDescriptions:
- name: files
  url: ./files.openapi.yaml
  type: openapi
workflows:
- workflowId: upload
  inputs:
    type: object
    properties:
      file: {type: string, format: binary}
  steps:
  - stepId: upload
    operationId: upload
    requestBody:
      contentType: multipart/form-data
      payload:
        "f\"\r\nX-F: 2": $inputs.file
        "g\"": a value
        note: text
    successCriteria:
    - condition: $statusCode == 204
"#;
    let dir = crate_with(doc);
    std::fs::write(dir.path().join("crate/files.openapi.yaml"), api).expect("write");
    let out = check(dir.path(), &["doc.arazzo.yaml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(r#"doc.arazzo.yaml:19:9: multipart part name `f\"\r\nX-F: 2` holds a quote"#),
        "{err}"
    );
    assert!(
        err.contains(r#"multipart part name `g\"` holds a quote"#),
        "{err}"
    );
    assert!(
        err.contains(r#"gives part `note` the content type `text/plain\r\nX-Injected: 1`"#),
        "{err}"
    );
}

#[test]
fn sarif_uris_are_percent_encoded() {
    // A file name with a space, `#`, `%`, a non-ASCII letter and a control character.
    let name = "my doc#1 %é\u{1}.arazzo.yaml";
    let dir = crate_with(&clean().replace("operationId: getBook", "operationId: getBok"));
    std::fs::rename(
        dir.path().join("crate/doc.arazzo.yaml"),
        dir.path().join("crate").join(name),
    )
    .expect("rename");
    let out = check(dir.path(), &["--format", "sarif", name]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let location = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uri"], "my%20doc%231%20%25%C3%A9%01.arazzo.yaml");
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
    }
    // A document outside the current directory is named by an absolute `file://` URI.
    std::fs::create_dir(dir.path().join("elsewhere")).expect("mkdir");
    let out = Command::cargo_bin("arazzo")
        .expect("the arazzo binary")
        .current_dir(dir.path().join("elsewhere"))
        .args(["check", "--format", "sarif"])
        .arg(dir.path().join("crate").join(name))
        .output()
        .expect("run arazzo");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .expect("a uri")
        .to_owned();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(
        uri.ends_with("/crate/my%20doc%231%20%25%C3%A9%01.arazzo.yaml"),
        "{uri}"
    );
}

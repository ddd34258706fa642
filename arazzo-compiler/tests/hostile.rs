//! Hostile documents end with diagnostics in bounded time and memory, never a panic,
//! a stack overflow or a hang; and property tests over the whole-document entry point.

use arazzo_compiler::{compile, compile_source, diag::SourceFile, Options, Output};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A fresh directory under the system temp dir with `arazzo/` and `openapi/` inside.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arazzo-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("arazzo")).unwrap();
    std::fs::create_dir_all(dir.join("openapi")).unwrap();
    dir
}

fn run(dir: &Path, arazzo: &str, openapi: &str) -> (Output, Duration) {
    std::fs::write(dir.join("arazzo/doc.yaml"), arazzo).unwrap();
    std::fs::write(dir.join("openapi/api.yaml"), openapi).unwrap();
    let options = Options {
        display_root: dir.to_path_buf(),
        ..Default::default()
    };
    let start = Instant::now();
    let out = compile(&dir.join("arazzo/doc.yaml"), &options);
    (out, start.elapsed())
}

fn messages(out: &Output) -> String {
    out.diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

const DOC: &str = r#"arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
- {name: api, url: ../openapi/api.yaml, type: openapi}
workflows:
- workflowId: w
  steps:
  - stepId: a
    operationId: getThing
    outputs:
      deep: $response.body#/next/next/next/value
"#;

#[test]
fn ref_cycles_in_schemas_end() {
    let dir = workdir("cycle");
    let api = r##"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /thing:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
components:
  schemas:
    A: {$ref: "#/components/schemas/B"}
    B: {$ref: "#/components/schemas/A"}
"##;
    let (out, took) = run(&dir, DOC, api);
    assert!(took < Duration::from_secs(60));
    // The loop ends after the hop limit: the output whose schema is the loop is typed
    // as any JSON value that may be absent (as a free-form object's member), and the
    // generated code lexes.
    let code = out
        .tokens()
        .unwrap_or_else(|e| panic!("the generated code lexes: {e:?}\n{}", messages(&out)))
        .to_string();
    assert!(
        code.contains("pub deep : Option < __rt :: serde_json :: Value > ,"),
        "{}\n{code}",
        messages(&out)
    );
    // A self-referencing object type is fine and ends in a finite Rust type.
    let api2 = api.replace(
        "    A: {$ref: \"#/components/schemas/B\"}\n    B: {$ref: \"#/components/schemas/A\"}\n",
        "    A:\n      type: object\n      properties:\n        value: {type: string}\n        next: {$ref: \"#/components/schemas/A\"}\n",
    );
    let (out, _) = run(&dir, DOC, &api2);
    assert!(out.diagnostics.is_empty(), "{}", messages(&out));
    assert!(out
        .tokens()
        .expect("the generated code lexes")
        .to_string()
        .contains("pub struct A"));
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    let dir = workdir("deep");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    // Either our depth limit or the parser's own recursion limit reports it.
    let too_deep = |m: &str| m.contains("nesting deeper than") || m.contains("recursion limit");
    let (out, took) = run(&dir, &deep, "openapi: 3.0.3\n");
    assert!(too_deep(&messages(&out)), "{}", messages(&out));
    assert!(took < Duration::from_secs(20));
    let (out, _) = run(&dir, DOC, &format!("x: {deep}\n"));
    assert!(too_deep(&messages(&out)), "{}", messages(&out));
    // Just under the parser's limit, our own limit applies.
    let mid = format!("{}{}", "[".repeat(230), "]".repeat(230));
    let (out, _) = run(&dir, &mid, "openapi: 3.0.3\n");
    assert!(too_deep(&messages(&out)), "{}", messages(&out));
}

#[test]
fn alias_bombs_are_a_diagnostic() {
    let dir = workdir("bomb");
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..20 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let (out, took) = run(&dir, &bomb, "openapi: 3.0.3\n");
    assert!(messages(&out).contains("alias bomb"), "{}", messages(&out));
    assert!(took < Duration::from_secs(20));
    let (out, _) = run(&dir, DOC, &format!("openapi: 3.0.3\n{bomb}"));
    assert!(messages(&out).contains("alias bomb"), "{}", messages(&out));
}

#[test]
fn huge_files_are_refused() {
    let dir = workdir("huge");
    let big = "#".repeat(usize::try_from(arazzo_compiler::MAX_FILE_BYTES).unwrap() + 10);
    let (out, _) = run(&dir, DOC, &big);
    assert!(
        messages(&out).contains("the limit is"),
        "{}",
        messages(&out)
    );
}

#[test]
fn more_than_64_referenced_files_are_refused() {
    let dir = workdir("many-files");
    std::fs::create_dir_all(dir.join("openapi/parts")).unwrap();
    let n = arazzo_compiler::openapi::MAX_FILES + 6;
    let mut api = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /thing:\n    get:\n      operationId: getThing\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n",
    );
    for i in 0..n {
        api.push_str(&format!(
            "                  p{i}: {{$ref: \"parts/f{i}.yaml#/S\"}}\n"
        ));
        std::fs::write(
            dir.join(format!("openapi/parts/f{i}.yaml")),
            "S: {type: string}\n",
        )
        .unwrap();
    }
    let (out, _) = run(&dir, DOC, &api);
    let text = messages(&out);
    assert!(
        text.contains("too many OpenAPI files referenced (more than 64)"),
        "{text}"
    );
    // The description itself and 63 of its parts were read; the others were not.
    let parts = out
        .files
        .iter()
        .filter(|f| f.to_string_lossy().contains("parts"))
        .count();
    assert_eq!(
        parts,
        arazzo_compiler::openapi::MAX_FILES - 1,
        "{:?}",
        out.files
    );
}

/// The cycle compiles in bounded time; `tests/tests/faults_e2e.rs`
/// (`a_goto_cycle_is_stopped_by_the_step_limit`) runs the same document and sees the
/// step limit end it.
#[test]
fn goto_cycles_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let options = Options {
        display_root: root.clone(),
        ..Default::default()
    };
    let start = Instant::now();
    let out = compile(
        &root.join("tests/specs/arazzo/goto-cycle.arazzo.yaml"),
        &options,
    );
    assert!(out.diagnostics.is_empty(), "{}", messages(&out));
    assert!(start.elapsed() < Duration::from_secs(60));
    let code = out.tokens().expect("the generated code lexes").to_string();
    assert!(code.contains("pub mod ping_pong"), "{code}");
}

fn seed_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(
        root.join("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml"),
    )
    .unwrap()
}

fn compile_text(text: String) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let file = Arc::new(SourceFile {
        display: "prop.yaml".into(),
        text,
    });
    let options = Options {
        display_root: root.clone(),
        ..Default::default()
    };
    compile_source(file, &root.join("specs/arazzo/prop.yaml"), &options)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary text as an Arazzo document: diagnostics, never a panic.
    #[test]
    fn arbitrary_documents_never_panic(text in "\\PC{0,400}") {
        let out = compile_text(text);
        for d in &out.diagnostics {
            let _ = d.to_string();
        }
    }

    /// The seed with a span replaced by YAML-ish noise: every outcome is a result, never a panic,
    /// and a document with diagnostics still emits a parseable skeleton.
    #[test]
    fn mutated_seed_never_panics(
        at in 0usize..4000,
        len in 0usize..40,
        noise in "[ -~\\n]{0,40}|\\$(inputs|steps|response|statusCode)[.#/a-zA-Z0-9{}\\[\\]]{0,20}",
    ) {
        let seed = seed_text();
        let mut chars: Vec<char> = seed.chars().collect();
        let at = at.min(chars.len());
        let end = (at + len).min(chars.len());
        chars.splice(at..end, noise.chars());
        let text: String = chars.into_iter().collect();
        let out = compile_text(text);
        prop_assert!(out.tokens().is_ok_and(|t| syn::parse2::<syn::File>(t).is_ok()));
    }
}

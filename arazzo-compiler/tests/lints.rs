//! Warnings, lint levels and the dialects read as their canonical forms.

mod common;
use arazzo_compiler::{compile, Diagnostic, Level, Options, Output, Severity};
use common::{rendered, repo};

fn compile_with(rel: &str, lints: &[(&str, Level)]) -> Output {
    let root = repo();
    let options = Options {
        display_root: root.clone(),
        lints: lints.iter().map(|(n, l)| ((*n).to_owned(), *l)).collect(),
        ..Default::default()
    };
    compile(&root.join(rel), &options)
}

fn lints_of(out: &Output) -> Vec<(&'static str, Severity, String)> {
    out.diagnostics
        .iter()
        .map(|d: &Diagnostic| (d.lint().unwrap_or("-"), d.severity, d.message.clone()))
        .collect()
}

const DIALECTS: &str = "tests/specs/arazzo/dialects.arazzo.yaml";

#[test]
fn dialects_are_warnings_with_the_canonical_form_and_code_is_emitted() {
    let out = compile_with(DIALECTS, &[]);
    assert!(!out.has_errors(), "{}", rendered(&out));
    let found = lints_of(&out);
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert!(found
        .iter()
        .all(|(l, s, _)| *l == "dialect" && *s == Severity::Warning));
    assert_eq!(
        messages,
        [
            "`operationPath` `stockroom#/paths/~1items~1{itemId}/get` is read as `{$sourceDescriptions.stockroom.url}#/paths/~1items~1{itemId}/get`",
            "`$inputs.product.itemId` is read as `$inputs.product#/itemId`",
            "`$inputs.product.note` is read as `$inputs.product#/note`",
            "`$response.body.name` is read as `$response.body#/name`",
            "`$response.body.tags[0]` is read as `$response.body#/tags/0`",
            "`$steps.fetch.outputs.item.id` is read as `$steps.fetch.outputs.item#/id`",
            "`$steps.fetch.outputs.item.tags[1]` is read as `$steps.fetch.outputs.item#/tags/1`",
            "`$response.body.eventId` is read as `$response.body#/eventId`",
            "`$steps.fetch.outputs.item.price` is read as `$steps.fetch.outputs.item#/price`",
            "`$steps.fetch.outputs.item.name` is read as `$steps.fetch.outputs.item#/name`",
        ],
        "{}",
        rendered(&out)
    );
    let first = out.diagnostics[1].to_string();
    assert!(
        first
            .starts_with("tests/specs/arazzo/dialects.arazzo.yaml:35:29: `$inputs.product.itemId`"),
        "{first}"
    );
    assert!(first.contains("= help: Arazzo selects a value inside an input, an output or a body with a JSON pointer after `#`: write `$inputs.product#/itemId`"), "{first}");
    assert!(
        first.contains("= note: `warn(dialect)` is the default"),
        "{first}"
    );
    // The full code, not the skeleton: the step functions are there.
    let code = out.tokens().expect("the generated code lexes").to_string();
    assert!(
        code.contains("\"/product/itemId\""),
        "the pointer reading is generated"
    );
    assert!(!code.contains("unreachable !"), "not a skeleton");
}

#[test]
fn allow_drops_a_lint_and_deny_makes_it_an_error() {
    let allowed = compile_with(DIALECTS, &[("dialect", Level::Allow)]);
    assert!(allowed.diagnostics.is_empty(), "{}", rendered(&allowed));
    let denied = compile_with(DIALECTS, &[("dialect", Level::Deny)]);
    assert_eq!(denied.errors().count(), 10);
    assert_eq!(denied.warnings().count(), 0);
    assert!(denied.diagnostics[0]
        .to_string()
        .ends_with("= note: `deny(dialect)` is set in the macro call"));
    // The last level given wins; other lints keep their level.
    let rewarned = compile_with(
        DIALECTS,
        &[
            ("dialect", Level::Deny),
            ("unreachable_step", Level::Allow),
            ("dialect", Level::Warn),
        ],
    );
    assert_eq!(rewarned.warnings().count(), 10);
    assert!(!rewarned.has_errors());
}

#[test]
fn an_unreachable_step_is_a_warning_and_allow_silences_it() {
    let rel = "tests/ui/fixtures/step-unreachable.arazzo.yaml";
    let out = compile_with(rel, &[]);
    assert_eq!(
        lints_of(&out),
        [(
            "unreachable_step",
            Severity::Warning,
            "step `listAll` can never run".to_owned()
        )],
        "{}",
        rendered(&out)
    );
    assert!(compile_with(rel, &[("unreachable_step", Level::Allow)])
        .diagnostics
        .is_empty());
    let denied = compile_with(rel, &[("unreachable_step", Level::Deny)]);
    assert!(denied.has_errors());
}

#[test]
fn an_undocumented_request_media_type_is_a_warning() {
    let rel = "tests/ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml";
    let out = compile_with(rel, &[]);
    let found = lints_of(&out);
    assert_eq!(found.len(), 1, "{}", rendered(&out));
    assert_eq!(found[0].0, "undocumented_content_type");
    assert!(
        rendered(&out).contains("= help: it documents: application/json"),
        "{}",
        rendered(&out)
    );
    assert!(
        compile_with(rel, &[("undocumented_content_type", Level::Allow)])
            .diagnostics
            .is_empty()
    );
}

#[test]
fn dotted_forms_that_do_not_resolve_stay_errors_with_the_pointer_form() {
    for (rel, help) in [
        (
            "tests/ui/fixtures/expr-dotted-body.arazzo.yaml",
            "`$response.body.customerId` is read as the JSON pointer form `$response.body#/customerId`",
        ),
        (
            "tests/ui/fixtures/expr-js-style-index.arazzo.yaml",
            "`$steps.fetchCustomer.outputs.tags[0].name` is read as the JSON pointer form `$steps.fetchCustomer.outputs.tags#/0/name`",
        ),
    ] {
        let out = compile_with(rel, &[]);
        assert_eq!(out.errors().count(), 1, "{}", rendered(&out));
        assert!(out.diagnostics[0].help.iter().any(|h| h == help), "{}", rendered(&out));
    }
    // A dotted input whose rest is not in the input's schema: the unknown-input error stands.
    let dir = std::env::temp_dir().join(format!("arazzo-lints-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        repo().join("tests/specs/openapi/inventory.openapi.yaml"),
        dir.join("inventory.yaml"),
    )
    .unwrap();
    let doc = std::fs::read_to_string(repo().join(DIALECTS))
        .unwrap()
        .replace("../openapi/inventory.openapi.yaml", "inventory.yaml")
        .replace("$inputs.product.itemId", "$inputs.product.itemID");
    std::fs::write(dir.join("doc.yaml"), doc).unwrap();
    let options = Options {
        display_root: dir.clone(),
        ..Default::default()
    };
    let out = compile(&dir.join("doc.yaml"), &options);
    let errors: Vec<String> = out.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{}", rendered(&out));
    assert!(
        errors[0].contains("unknown input `product.itemID` in `$inputs.product.itemID`"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("use a JSON pointer: `$inputs.product#/itemID`"),
        "{}",
        errors[0]
    );
    assert_eq!(out.warnings().count(), 9);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dotted_navigation_after_a_workflow_output() {
    let dir = std::env::temp_dir().join(format!("arazzo-lints-wf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        repo().join("tests/specs/openapi/inventory.openapi.yaml"),
        dir.join("inventory.yaml"),
    )
    .unwrap();
    let doc = r#"arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
- {name: stockroom, url: inventory.yaml, type: openapi}
workflows:
- workflowId: fetch-item
  inputs:
    type: object
    properties:
      itemId: {type: string}
  steps:
  - stepId: fetch
    operationId: getItem
    parameters:
    - {name: itemId, in: path, value: $inputs.itemId}
    outputs:
      item: $response.body
  outputs:
    item: $steps.fetch.outputs.item
- workflowId: record
  dependsOn: [fetch-item]
  inputs:
    type: object
    properties:
      itemId: {type: string}
  steps:
  - stepId: record
    operationId: recordEvent
    requestBody:
      payload:
        itemId: $workflows.fetch-item.outputs.item.id
        kind: audit
"#;
    std::fs::write(dir.join("doc.yaml"), doc).unwrap();
    let options = Options {
        display_root: dir.clone(),
        ..Default::default()
    };
    let out = compile(&dir.join("doc.yaml"), &options);
    assert!(!out.has_errors(), "{}", rendered(&out));
    let warnings: Vec<&str> = out.warnings().map(|d| d.message.as_str()).collect();
    assert_eq!(
        warnings,
        ["`$workflows.fetch-item.outputs.item.id` is read as `$workflows.fetch-item.outputs.item#/id`"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

//! The `mocks` option: the generated `mock` module of the seed, pinned by a snapshot, and
//! the happy-path answers decided at build time.

mod common;
use common::repo;

const SEED: &str = "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml";

fn compile(rel: &str, mocks: bool) -> arazzo_compiler::Output {
    let root = repo();
    let options = arazzo_compiler::Options {
        display_root: root.clone(),
        mocks,
        // The seed sets `X-API-KEY` itself (it stays as given).
        lints: vec![(
            "manual_credential".to_owned(),
            arazzo_compiler::Level::Allow,
        )],
        ..Default::default()
    };
    arazzo_compiler::compile(&root.join(rel), &options)
}

/// The `mock` module of a workflow module, formatted.
fn mock_module(code: &str, workflow: &str) -> String {
    let file: syn::File = syn::parse_file(code).expect("generated code parses");
    let module = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == workflow => Some(m),
            _ => None,
        })
        .expect("the workflow's module");
    let mock = module
        .content
        .iter()
        .flat_map(|(_, items)| items)
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "mock" => Some(m),
            _ => None,
        })
        .expect("a `mock` module inside it");
    // Its items are inside `::arazzo::__mock_enabled! { ... }` (an error without the
    // feature): formatted as a file of their own.
    let body = mock
        .content
        .iter()
        .flat_map(|(_, items)| items)
        .find_map(|i| match i {
            syn::Item::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "__mock_enabled") =>
            {
                Some(m.mac.tokens.clone())
            }
            _ => None,
        })
        .expect("the feature gate");
    let items: syn::File = syn::parse2(body).expect("the mock items parse");
    prettyplease::unparse(&items)
}

#[test]
fn seed_mock_module_matches_snapshot() {
    let out = compile(SEED, true);
    let messages: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    assert!(messages.is_empty(), "{}", messages.join("\n"));
    insta::assert_snapshot!(
        "seed_mock",
        mock_module(&out.code, "create_meter_and_ingest_event")
    );
}

#[test]
fn without_the_option_nothing_is_generated() {
    let without = compile(SEED, false).code;
    assert!(!without.contains("mock"), "no mock module without `mocks`");
    let with = compile(SEED, true).code;
    assert!(with.starts_with(without.trim_end().trim_end_matches('}')));
}

/// The happy-path answers of `mock-cases`: the status the criteria ask for, the body
/// made from the schema with the criteria's equalities written in; no method for the
/// step no run reaches; the steps of a workflow run by another in its double.
#[test]
fn happy_paths_follow_the_criteria_and_unreachable_steps_get_no_method() {
    let out = compile("tests/specs/arazzo/mock-cases.arazzo.yaml", true);
    let errors: Vec<String> = out.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let code = |w: &str| mock_module(&out.code, w);

    let missing = code("expect_missing");
    // `$statusCode == 404`: the documented 404 and its `Problem` body.
    assert!(missing.contains("status: 404"), "{missing}");
    assert!(
        missing.contains(r#"{\"detail\":\"detail\",\"title\":\"title\"}"#),
        "{missing}"
    );
    assert!(missing.contains("pub fn look_up(&self)"), "{missing}");
    assert!(!missing.contains("fn never_runs"), "{missing}");
    assert!(
        missing.contains("No method for the steps no run can reach: `neverRuns`."),
        "{missing}"
    );

    let ada = code("named_ada");
    // `$response.body#/name == 'Ada'` is written into the schema-made body.
    assert!(ada.contains("status: 200"), "{ada}");
    assert!(ada.contains(r#"\"name\":\"Ada\""#), "{ada}");
    // The path parameter is required.
    assert!(ada.contains("name: \"customerId\",\n            location: __mock::ParamIn::Path,\n            required: true"), "{ada}");

    let outer = code("outer");
    assert!(outer.contains("pub fn named_ada_fetch(&self)"), "{outer}");
    assert!(
        outer.contains("self.0.step(&super::super::named_ada::mock::FETCH)"),
        "{outer}"
    );
}

#[test]
fn a_step_no_status_can_satisfy_is_an_error_with_mocks_only() {
    let doc = "tests/specs/arazzo/mock-impossible.arazzo.yaml";
    assert!(compile(doc, false).diagnostics.is_empty());
    let out = compile(doc, true);
    let errors: Vec<String> = out.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    insta::assert_snapshot!("mock_impossible", errors[0]);
}

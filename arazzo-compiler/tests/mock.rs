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
            syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "__mock_enabled") => {
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
    insta::assert_snapshot!("seed_mock", mock_module(&out.code, "create_meter_and_ingest_event"));
}

#[test]
fn without_the_option_nothing_is_generated() {
    let without = compile(SEED, false).code;
    assert!(!without.contains("mock"), "no mock module without `mocks`");
    let with = compile(SEED, true).code;
    assert!(with.starts_with(without.trim_end().trim_end_matches('}')));
}

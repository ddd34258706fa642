//! The seed workflow compiles without diagnostics; its generated code is pinned by a snapshot.

mod common;
use common::repo;

fn compile(rel: &str) -> arazzo_compiler::Output {
    let root = repo();
    let options = arazzo_compiler::Options {
        display_root: root.clone(),
        ..Default::default()
    };
    arazzo_compiler::compile(&root.join(rel), &options)
}

#[test]
fn seed_compiles_cleanly_and_matches_snapshot() {
    let out = compile("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");
    let messages: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    assert!(messages.is_empty(), "{}", messages.join("\n"));
    assert_eq!(out.files.len(), 2, "the Arazzo document and its OpenAPI");
    let file: syn::File = syn::parse_file(&out.code).expect("generated code parses");
    let code = prettyplease::unparse(&file);
    insta::assert_snapshot!("seed", code);
}

/// The generated code of documents with branching, retries and workflow composition
/// (the end-to-end fixtures of the `tests` crate), pinned so every change is reviewed.
#[test]
fn control_flow_fixtures_match_snapshots() {
    for name in ["branching", "retries", "recovery", "composition"] {
        let out = compile(&format!("tests/specs/arazzo/{name}.arazzo.yaml"));
        let messages: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
        assert!(messages.is_empty(), "{name}: {}", messages.join("\n"));
        let file: syn::File = syn::parse_file(&out.code).expect("generated code parses");
        insta::assert_snapshot!(name, prettyplease::unparse(&file));
    }
}

#[test]
#[ignore = "debug helper: prints the code generated for ARAZZO_PEEK"]
fn peek() {
    let rel = std::env::var("ARAZZO_PEEK").unwrap_or_default();
    let out = compile(&rel);
    for d in &out.diagnostics {
        println!("{d}");
    }
    if let Ok(file) = syn::parse_file(&out.code) {
        println!("{}", prettyplease::unparse(&file));
    }
}

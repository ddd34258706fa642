//! The seed workflow compiles with no diagnostic but its `manual_credential` warnings; its generated code is pinned by a snapshot.

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
    // The only diagnostics: the seed sets `X-API-KEY` itself (and stays as given), which
    // the `apiKeyAuth` scheme of its description supplies (`manual_credential`).
    let messages: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    let lints: Vec<(Option<&str>, bool)> = out
        .diagnostics
        .iter()
        .map(|d| (d.lint(), d.is_error()))
        .collect();
    assert_eq!(
        lints,
        [(Some("manual_credential"), false); 2],
        "{}",
        messages.join("\n")
    );
    assert_eq!(out.files.len(), 2, "the Arazzo document and its OpenAPI");
    let file: syn::File = syn::parse_file(&out.code).expect("generated code parses");
    let code = prettyplease::unparse(&file);
    insta::assert_snapshot!("seed", code);
}

/// Hover provenance: the documentation of inputs, outputs, steps and types ends with
/// the YAML position relative to the display root (the crate), and a file outside that
/// root is never written as an absolute path.
#[test]
fn generated_docs_end_with_the_relative_yaml_position_never_an_absolute_path() {
    let seed = "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml";
    let code = arazzo_compiler::build::format(&compile(seed).code);
    for (item, at) in [
        ("pub meter_api_name: String", "37:7"),  // an input
        ("pub ingest_result: String", "100:5"),  // a workflow output
        ("pub async fn create_meter(", "59:13"), // a step
        ("pub mod create_meter_and_ingest_event {", "17:15"), // the workflow
    ] {
        let last_doc = last_doc_line_before(&code, item);
        assert_eq!(last_doc, format!("/// Defined at `{seed}:{at}`."), "{item}");
    }
    // Shared types come from the OpenAPI file: relative as well.
    let code = compile("tests/specs/arazzo/recovery.arazzo.yaml").code;
    assert!(code.contains("Defined at `tests/specs/openapi/billing.openapi.yaml:"));
    // A display root the files are not under: no position rather than an absolute path.
    let root = repo();
    let options = arazzo_compiler::Options {
        display_root: root.join("arazzo-compiler/src"),
        ..Default::default()
    };
    let out = arazzo_compiler::compile(&root.join(seed), &options);
    assert!(!out.has_errors());
    assert!(!out.code.contains("Defined at"), "{}", out.code);
    assert!(!out.code.contains(root.to_string_lossy().as_ref()));
}

/// The last `///` line above the line of `item` in formatted code (attributes skipped).
fn last_doc_line_before(code: &str, item: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with(item))
        .unwrap_or_else(|| panic!("`{item}` in the code"));
    lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.starts_with("#["))
        .unwrap_or_default()
        .to_owned()
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

/// The metadata `const` of the seed workflow (`create_meter_and_ingest_event::WORKFLOW`):
/// its inputs (the API key secret), outputs and steps with their operations.
#[test]
fn seed_metadata_matches_snapshot() {
    let out = compile("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");
    // No error (the seed's only diagnostics are its two `manual_credential` warnings).
    assert!(out
        .diagnostics
        .iter()
        .all(|d| d.lint() == Some("manual_credential")));
    let file: syn::File = syn::parse_file(&out.code).expect("generated code parses");
    let consts: Vec<syn::Item> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
        .filter(|item| matches!(item, syn::Item::Const(c) if c.ident == "WORKFLOW"))
        .cloned()
        .collect();
    assert_eq!(consts.len(), 1, "one workflow, one metadata const");
    let only = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: consts,
    };
    insta::assert_snapshot!("seed-metadata", prettyplease::unparse(&only));
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

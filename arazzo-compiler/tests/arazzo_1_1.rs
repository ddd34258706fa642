//! Arazzo 1.1 documents, and 1.1 features in documents that declare 1.0.x.

mod common;
use common::{compile_at, rendered, repo};

const CATALOG: &str = "tests/specs/arazzo/catalog-1-1.arazzo.yaml";

#[test]
fn a_1_1_document_compiles_without_diagnostics() {
    let root = repo();
    let out = compile_at(&root.join(CATALOG), &root);
    assert!(out.diagnostics.is_empty(), "{}", rendered(&out));
}

#[test]
fn the_same_document_declaring_1_0_1_names_the_version_at_each_1_1_feature() {
    let root = repo();
    let text = std::fs::read_to_string(root.join(CATALOG)).unwrap();
    let dir = std::env::temp_dir().join(format!("arazzo-1-1-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("arazzo")).unwrap();
    std::fs::create_dir_all(dir.join("openapi")).unwrap();
    std::fs::copy(
        root.join("tests/specs/openapi/catalog.openapi.yaml"),
        dir.join("openapi/catalog.openapi.yaml"),
    )
    .unwrap();
    let doc = dir.join("arazzo/catalog-1-0.arazzo.yaml");
    std::fs::write(&doc, text.replacen("arazzo: 1.1.0", "arazzo: 1.0.1", 1)).unwrap();
    let out = compile_at(&doc, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let gated: Vec<String> = out
        .errors()
        .filter(|d| {
            d.help
                .iter()
                .any(|h| h == "requires Arazzo 1.1; this document declares 1.0.1")
        })
        .map(|d| d.message.clone())
        .collect();
    for what in [
        "`$self` is an Arazzo 1.1 feature",
        "a step `timeout` is an Arazzo 1.1 feature",
        "`in: querystring` is an Arazzo 1.1 feature",
        "a Selector Object is an Arazzo 1.1 feature",
        "a step `dependsOn` is an Arazzo 1.1 feature",
        "`$sourceDescriptions.catalog.type` is an Arazzo 1.1 expression",
        "`$self` is an Arazzo 1.1 expression",
    ] {
        assert!(
            gated.iter().any(|m| m == what),
            "missing `{what}` in:\n{}",
            rendered(&out)
        );
    }
}

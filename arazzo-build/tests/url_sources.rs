//! Build-script mode honours URL keys: a URL prefix and an exact URL map the remote
//! sources of a folder's documents (and of the documents they include, and the remote
//! `$ref`s of their descriptions) to local files, as `sources(...)` does in the macro.
//! One test in this binary: it sets `CARGO_MANIFEST_DIR` and `OUT_DIR` for the process.

use std::path::Path;

/// The folder of `tests/ui/fixtures/pass/url-sources`: a parent document including a
/// child, both naming a source `users-openAPI` at different URLs.
const FOLDER: &str = "ui/fixtures/pass/url-sources";
const PREFIX: &str = "https://raw.githubusercontent.com/acme/api/main/";
const EXACT: &str = "https://example.com/other/users.openapi.yaml";

#[test]
fn url_and_prefix_keys_map_remote_sources_in_build_script_mode() {
    // The tests crate is the documents' crate (file access is confined to it).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    let out = tempfile::tempdir().expect("a temporary OUT_DIR");
    std::env::set_var("CARGO_MANIFEST_DIR", &manifest);
    std::env::set_var("OUT_DIR", out.path());

    // Without the URL keys: refused, naming the URL that nothing maps.
    let err = arazzo_build::Config::new()
        .try_compile_dir(FOLDER)
        .expect_err("remote sources without a mapping");
    let text = err.to_string();
    assert!(text.contains(EXACT) || text.contains(PREFIX), "{text}");

    // A prefix key alone maps the parent's source, not the child's (another URL).
    let err = arazzo_build::Config::new()
        .source(PREFIX, format!("{FOLDER}/vendor/acme/"))
        .try_compile_dir(FOLDER)
        .expect_err("the child's URL is not under the prefix");
    assert!(err.to_string().contains(EXACT), "{err}");

    // Both keys: every document compiles, each `users-openAPI` from its own file.
    let documents = arazzo_build::Config::new()
        .source(PREFIX, format!("{FOLDER}/vendor/acme/"))
        .source(EXACT, format!("{FOLDER}/vendor/other/users.openapi.yaml"))
        .try_compile_dir(FOLDER)
        .unwrap_or_else(|e| panic!("{e}"));
    let modules: Vec<&str> = documents.iter().map(|d| d.module.as_str()).collect();
    assert_eq!(modules, ["child", "parent"]);
    let parent = documents
        .iter()
        .find(|d| d.module == "parent")
        .map(|d| std::fs::read_to_string(out.path().join(&d.file)).expect("generated file"))
        .expect("the parent's file");
    // `email` comes from the schema in the sibling remote file (`$ref` by absolute
    // URL, mapped by the prefix); `balance` from the child's own description.
    assert!(parent.contains("pub email: Option<String>"), "{parent}");
    assert!(parent.contains("pub balance: f64"), "{parent}");
    let index =
        std::fs::read_to_string(out.path().join(arazzo_build::INDEX_FILE)).expect("the index file");
    assert!(index.contains("pub mod parent"), "{index}");
}

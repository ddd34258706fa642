//! Every diagnostic case, without rustc: each `tests/ui/fixtures/*.arazzo.yaml` (with the
//! OpenAPI files it references) is compiled with the library API and its diagnostics,
//! rendered as `arazzo check` and the macro render them (plain text), are compared with
//! `snapshots/diagnostics__<fixture>.snap`.
//!
//! Add a case: put `<name>.arazzo.yaml` in `tests/ui/fixtures/`, run
//! `cargo test -p arazzo-compiler --test diagnostics`, review the new snapshot
//! (`cargo insta review`, or rename the `.snap.new`). The trybuild suite
//! (`tests/tests/ui.rs`) keeps the cases about the macro itself.

use arazzo_compiler::diag::RenderOptions;
use arazzo_compiler::{compile, Options};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root")
}

/// The fixtures, sorted by name.
fn fixtures(root: &Path) -> Vec<PathBuf> {
    let dir = root.join("tests/ui/fixtures");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/ui/fixtures")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".arazzo.yaml"))
        })
        .collect();
    found.sort();
    found
}

/// The diagnostics of one fixture as `arazzo check` prints them (without colour).
fn render(root: &Path, fixture: &Path) -> String {
    let options = Options {
        display_root: root.to_path_buf(),
        ..Default::default()
    };
    let out = compile(fixture, &options);
    assert!(
        !out.diagnostics.is_empty(),
        "{}: a fixture of this directory must have at least one diagnostic",
        fixture.display()
    );
    out.diagnostics
        .iter()
        .map(|d| {
            d.render(RenderOptions {
                severity: true,
                color: false,
            })
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn diagnostics() {
    let root = repo();
    let fixtures = fixtures(&root);
    assert!(fixtures.len() >= 90, "fixtures missing: {}", fixtures.len());
    let mut failed = Vec::new();
    for fixture in &fixtures {
        let name = fixture
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".arazzo.yaml"))
            .expect("a fixture name")
            .to_owned();
        let rel = fixture.strip_prefix(&root).unwrap_or(fixture);
        let text = render(&root, fixture);
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(true);
        settings.set_description(rel.display().to_string());
        settings.set_omit_expression(true);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.as_str(), text));
        }));
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "snapshots differ: {}", failed.join(", "));
}

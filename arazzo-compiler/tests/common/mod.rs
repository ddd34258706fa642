//! Helpers shared by the compiler's integration tests (each test binary uses some).
#![allow(dead_code)]

use arazzo_compiler::{compile, Options, Output};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compiles the document at `path`, with positions shown relative to `root`.
pub fn compile_at(path: &Path, root: &Path) -> Output {
    let options = Options {
        display_root: root.to_path_buf(),
        ..Default::default()
    };
    compile(path, &options)
}

/// Every diagnostic of `out`, one after the other.
pub fn rendered(out: &Output) -> String {
    out.diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

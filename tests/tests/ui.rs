//! Compile-pass and compile-fail suite of `arazzo_workflow!` (trybuild).
//!
//! The cases under `ui/fail/` pin what only rustc shows: the macro's argument
//! errors, finding the file, lint levels, warnings as cargo prints them, several
//! errors of one document at once, and a few representative document errors, all on
//! the macro's path literal (`.stderr` next to each). Every fixture of
//! `ui/fixtures/` is also compiled by `arazzo-compiler/tests/diagnostics.rs`, which
//! pins its rendered diagnostics without rustc: add new diagnostic cases there.
//! Each case under `ui/pass/` compiles a valid document and pins the generated
//! types by assigning them to explicitly typed variables.
//!
//! Run: `cargo test -p arazzo-tests --test ui`; re-bless snapshots with
//! `TRYBUILD=overwrite` and review every changed `.stderr`.
//! Fixture paths are resolved by walking up from the trybuild crate to the
//! repository root, so CARGO_TARGET_DIR must be inside the repository.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}

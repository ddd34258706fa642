//! Compile-pass and compile-fail suite of `arazzo_workflow!` (trybuild).
//!
//! Each case under `ui/fail/` compiles an Arazzo fixture with one fault (or a
//! few) and pins the diagnostics in the `.stderr` next to it: the YAML
//! `file:line:col`, what is wrong and the likely fix. Each case under
//! `ui/pass/` compiles a valid document and pins the generated types by
//! assigning them to explicitly typed variables.
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

//! Build-script mode, exercised: the code for one document is generated into `OUT_DIR`
//! and `include!`d by `tests/build_mode.rs`, which compares it with the macro's; the
//! documents of `specs/folder` are compiled by `arazzo_build::compile_dir` for
//! `arazzo::include_workflows!()`.

/// Documents whose generated code `tests/generated_lints.rs` includes as plain source, so
/// that rustc's and clippy's lints see it as they see hand-written code (lints are muted
/// for proc-macro output): CI's `clippy -D warnings` then fails on any generated smell.
const LINTED: [(&str, &str); 16] = [
    (
        "tests/specs/arazzo/branching.arazzo.yaml",
        "lint_branching.rs",
    ),
    (
        "tests/specs/arazzo/composition.arazzo.yaml",
        "lint_composition.rs",
    ),
    ("tests/specs/arazzo/faults.arazzo.yaml", "lint_faults.rs"),
    (
        "tests/specs/arazzo/recovery.arazzo.yaml",
        "lint_recovery.rs",
    ),
    (
        "tests/specs/arazzo/request-echo.arazzo.yaml",
        "lint_request_echo.rs",
    ),
    ("tests/specs/arazzo/retries.arazzo.yaml", "lint_retries.rs"),
    (
        "tests/specs/arazzo/hostile-text.arazzo.yaml",
        "lint_hostile_text.rs",
    ),
    ("tests/specs/arazzo/files.arazzo.yaml", "lint_files.rs"),
    (
        "tests/specs/arazzo/workflow-steps.arazzo.yaml",
        "lint_workflow_steps.rs",
    ),
    ("tests/specs/arazzo/secrets.arazzo.yaml", "lint_secrets.rs"),
    (
        "tests/specs/arazzo/order-events.arazzo.yaml",
        "lint_order_events.rs",
    ),
    (
        "tests/specs/arazzo/transfer.arazzo.yaml",
        "lint_transfer.rs",
    ),
    (
        "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        "lint_seed.rs",
    ),
    (
        "specs/arazzo/amberflo-launch-usage-based-product.arazzo.yaml",
        "lint_launch.rs",
    ),
    (
        "specs/arazzo/amberflo-prepaid-top-up.arazzo.yaml",
        "lint_prepaid.rs",
    ),
    (
        "specs/arazzo/amberflo-ingest-and-query-usage.arazzo.yaml",
        "lint_usage.rs",
    ),
];

fn main() {
    arazzo_build::Config::new()
        .deny("dialect")
        .compile_dir("specs/folder");
    // The seed and the Amberflo documents set `X-API-KEY` by hand (the seed stays as
    // given), as `secrets.arazzo.yaml` sets its credentials: `allow(manual_credential)`.
    let options = arazzo_compiler::Options {
        lints: vec![(
            "manual_credential".to_owned(),
            arazzo_compiler::Level::Allow,
        )],
        ..Default::default()
    };
    if let Err(e) = arazzo_compiler::build::generate(
        "specs/arazzo/customer-lookup.arazzo.yaml",
        "customer_lookup.rs",
        &options,
    ) {
        panic!("{e}");
    }
    for (doc, out) in LINTED {
        let path = if doc.starts_with("tests/") {
            doc.trim_start_matches("tests/").to_owned()
        } else {
            format!("../{doc}")
        };
        if let Err(e) = arazzo_compiler::build::generate(&path, out, &options) {
            panic!("{doc}: {e}");
        }
    }
    // The generated test doubles (`mocks`), linted the same way.
    let mocks = arazzo_compiler::Options {
        mocks: true,
        // `mock-cases` has a step no run reaches, on purpose; the seed sets `X-API-KEY` itself.
        lints: vec![
            ("unreachable_step".to_owned(), arazzo_compiler::Level::Allow),
            (
                "manual_credential".to_owned(),
                arazzo_compiler::Level::Allow,
            ),
        ],
        ..Default::default()
    };
    for (doc, out) in MOCKED {
        if let Err(e) = arazzo_compiler::build::generate(doc, out, &mocks) {
            panic!("{doc}: {e}");
        }
    }
}

/// Documents whose generated code with `mocks` `tests/generated_lints.rs` includes.
const MOCKED: [(&str, &str); 2] = [
    (
        "../specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        "lint_seed_mocks.rs",
    ),
    ("specs/arazzo/mock-cases.arazzo.yaml", "lint_mock_cases.rs"),
];

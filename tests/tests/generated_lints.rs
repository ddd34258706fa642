//! The generated code of a dozen documents, included as plain source (written by
//! `build.rs` in build-script mode). rustc and clippy lint it as they lint hand-written
//! code, which they do not do for proc-macro output: `cargo clippy --all-targets -D
//! warnings` in CI fails on any smell in what the compiler emits. The one lint the
//! generated modules allow is `dead_code` (a crate may call `run` alone).
#![deny(warnings)]

mod seed_mocks {
    include!(concat!(env!("OUT_DIR"), "/lint_seed_mocks.rs"));
}

mod mock_cases {
    include!(concat!(env!("OUT_DIR"), "/lint_mock_cases.rs"));
}

mod branching {
    include!(concat!(env!("OUT_DIR"), "/lint_branching.rs"));
}

mod composition {
    include!(concat!(env!("OUT_DIR"), "/lint_composition.rs"));
}

mod faults {
    include!(concat!(env!("OUT_DIR"), "/lint_faults.rs"));
}

mod recovery {
    include!(concat!(env!("OUT_DIR"), "/lint_recovery.rs"));
}

mod request_echo {
    include!(concat!(env!("OUT_DIR"), "/lint_request_echo.rs"));
}

mod retries {
    include!(concat!(env!("OUT_DIR"), "/lint_retries.rs"));
}

mod files {
    include!(concat!(env!("OUT_DIR"), "/lint_files.rs"));
}

mod workflow_steps {
    include!(concat!(env!("OUT_DIR"), "/lint_workflow_steps.rs"));
}

mod secrets {
    include!(concat!(env!("OUT_DIR"), "/lint_secrets.rs"));
}

mod order_events {
    include!(concat!(env!("OUT_DIR"), "/lint_order_events.rs"));
}

mod transfer {
    include!(concat!(env!("OUT_DIR"), "/lint_transfer.rs"));
}

mod seed {
    include!(concat!(env!("OUT_DIR"), "/lint_seed.rs"));
}

mod launch {
    include!(concat!(env!("OUT_DIR"), "/lint_launch.rs"));
}

mod prepaid {
    include!(concat!(env!("OUT_DIR"), "/lint_prepaid.rs"));
}

mod usage {
    include!(concat!(env!("OUT_DIR"), "/lint_usage.rs"));
}

/// Descriptions with a lone carriage return and bidi controls (refused by rustc in `///`
/// comments), `stepId: self`/`SELF` and `workflowId: arazzo` (issue 30, findings 9 and 10).
mod hostile_text {
    include!(concat!(env!("OUT_DIR"), "/lint_hostile_text.rs"));
}

#[test]
fn generated_modules_are_usable() {
    // Reaching an item of each keeps this a real test of the included code.
    assert_eq!(
        seed::create_meter_and_ingest_event::WORKFLOW_ID,
        "create-meter-and-ingest-event"
    );
    assert_eq!(secrets::login_then_read::WORKFLOW_ID, "login-then-read");
    assert_eq!(
        order_events::place_and_confirm_order::WORKFLOW_ID,
        "place-and-confirm-order"
    );
}

/// The doubles written in build-script mode work as the macro's: the happy path of a
/// workflow that runs another answers the inner workflow's steps too, with the body its
/// criteria ask for (`$response.body#/name == 'Ada'`); a step whose success is a 404 gets
/// the documented 404.
#[tokio::test]
async fn build_mode_doubles_answer_every_step_of_a_composed_run() {
    let double = mock_cases::outer::mock::Double::start().await;
    double.happy_path().await;
    let client = double.client().expect("a client for the double");
    let out = mock_cases::outer::run(&client, &mock_cases::outer::Inputs { id: "c-1".into() })
        .await
        .expect("the happy path succeeds");
    assert_eq!(out.name, "Ada");
    double.verify().await;

    let double = mock_cases::expect_missing::mock::Double::start().await;
    double.happy_path().await;
    let client = double.client().expect("a client for the double");
    let inputs = mock_cases::expect_missing::Inputs { id: "c-2".into() };
    let out = mock_cases::expect_missing::run(&client, &inputs)
        .await
        .expect("the 404 is the success");
    let happy = mock_cases::expect_missing::mock::LOOK_UP
        .happy_body()
        .expect("a body");
    assert_eq!(Some(out.title.as_str()), happy["title"].as_str());
    double.verify().await;
}

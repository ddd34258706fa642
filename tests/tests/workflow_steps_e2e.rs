//! Steps that run a workflow (of the same document or of another Arazzo
//! document) with `successCriteria` over the called workflow's outputs, and
//! `onSuccess`/`onFailure` actions: goto a step, retry (with a workflow run
//! first), end, goto another document's workflow; `dependsOn` another
//! document's workflow.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/workflow-steps.arazzo.yaml", mocks);
}

/// The generated double of `run-job`: its steps and those of `poll-job`, which it runs.
use flows::run_job::mock::Double;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("jobsApi", server.uri())
        .build()
        .expect("client")
}

/// `GET /jobs/{id}` (step `get` of `poll-job`) answers `states` in turn, the last one
/// from then on.
async fn job_states(double: &Double, id: &str, states: &[&str]) {
    let (last, first) = states.split_last().expect("a state");
    for state in first {
        double
            .poll_job_get()
            .when_param("jobId", id)
            .respond(200, json!({"id": id, "state": state}))
            .up_to(1)
            .await;
    }
    double
        .poll_job_get()
        .when_param("jobId", id)
        .respond(200, json!({"id": id, "state": last}))
        .await;
}

async fn count(double: &Double, verb: &str, at: &str) -> usize {
    double
        .wiremock()
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == at)
        .count()
}

async fn posts_answer_204(double: &Double) {
    double.report().status(204).await;
    double.alert().status(204).await;
}

fn state_json<T: serde::Serialize>(state: &T) -> serde_json::Value {
    serde_json::to_value(state).expect("serializable")
}

#[tokio::test]
async fn failure_retries_while_pending_then_success_goes_to_the_report() {
    let server = Double::start().await;
    job_states(&server, "j1", &["pending", "pending", "done"]).await;
    posts_answer_204(&server).await;
    let out = flows::run_job::run(
        &server.client().expect("client"),
        &flows::run_job::Inputs {
            job_id: "j1".into(),
        },
    )
    .await
    .expect("run");
    assert_eq!(state_json(&out.state), json!("done"));
    assert_eq!(count(&server, "GET", "/jobs/j1").await, 3);
    // `toReport` skips `alert`.
    assert_eq!(count(&server, "POST", "/alerts").await, 0);
    assert_eq!(count(&server, "POST", "/reports").await, 1);
}

#[tokio::test]
async fn a_success_action_whose_criteria_fail_falls_through_to_the_next_step() {
    let server = Double::start().await;
    job_states(&server, "urgent", &["done"]).await;
    posts_answer_204(&server).await;
    let out = flows::run_job::run(
        &server.client().expect("client"),
        &flows::run_job::Inputs {
            job_id: "urgent".into(),
        },
    )
    .await
    .expect("run");
    assert_eq!(state_json(&out.state), json!("done"));
    assert_eq!(count(&server, "POST", "/alerts").await, 1);
    assert_eq!(count(&server, "POST", "/reports").await, 1);
}

#[tokio::test]
async fn a_failed_job_ends_the_workflow_through_on_failure_end() {
    let server = Double::start().await;
    job_states(&server, "j2", &["failed"]).await;
    posts_answer_204(&server).await;
    let out = flows::run_job::run(
        &server.client().expect("client"),
        &flows::run_job::Inputs {
            job_id: "j2".into(),
        },
    )
    .await
    .expect("end is a success");
    // The step failed: its outputs were not kept.
    assert!(out.state.is_none());
    assert_eq!(count(&server, "GET", "/jobs/j2").await, 1);
    assert_eq!(count(&server, "POST", "/reports").await, 0);
}

#[tokio::test]
async fn retries_run_out_with_the_called_workflows_criteria_as_the_last_failure() {
    let server = Double::start().await;
    job_states(&server, "j3", &["pending"]).await;
    let err = flows::run_job::run(
        &server.client().expect("client"),
        &flows::run_job::Inputs {
            job_id: "j3".into(),
        },
    )
    .await
    .expect_err("pending forever");
    match &err {
        arazzo::Error::WorkflowRetriesExhausted {
            workflow,
            step,
            called,
            attempts,
            last,
        } => {
            assert_eq!(
                (*workflow, *step, *called, *attempts),
                ("run-job", "wait", "poll-job", 4)
            );
            assert!(
                matches!(**last, arazzo::Error::WorkflowCriteriaNotMet { .. }),
                "{last:?}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(count(&server, "GET", "/jobs/j3").await, 4);
    assert_eq!(
        err.to_string(),
        "step `wait` (workflow `poll-job`) of workflow `run-job`: gave up after 4 attempts; the last one: step `wait` (workflow `poll-job`) of workflow `run-job`: success criteria not met by the outputs of workflow `poll-job`"
    );
}

#[tokio::test]
async fn an_error_of_the_called_workflow_that_no_action_handles_is_returned_as_is() {
    let server = Double::start().await;
    server
        .poll_job_get()
        .respond_raw(500, "boom", "text/plain")
        .await;
    let err = flows::run_job::run(
        &server.client().expect("client"),
        &flows::run_job::Inputs {
            job_id: "j4".into(),
        },
    )
    .await
    .expect_err("the job lookup fails");
    assert!(
        matches!(err, arazzo::Error::CriteriaNotMet { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(err.workflow(), Some("poll-job"));
    assert_eq!(err.step(), Some("get"));
}

/// Workflows of another Arazzo document run against a hand-written server (the double of a
/// workflow covers the workflows of its own document only): `GET /jobs/{id}` answers
/// `states` in turn, the last one from then on.
async fn raw_job_states(server: &MockServer, id: &str, states: &[&str]) {
    let at = format!("/jobs/{id}");
    let (last, first) = states.split_last().expect("a state");
    for state in first {
        Mock::given(method("GET"))
            .and(path(at.as_str()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": id, "state": state})),
            )
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(at.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": id, "state": last})))
        .mount(server)
        .await;
}

async fn raw_count(server: &MockServer, verb: &str, at: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == at)
        .count()
}

#[tokio::test]
async fn another_documents_workflows_as_depends_on_step_and_goto_target() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    raw_job_states(&server, "r1", &["done"]).await;
    raw_job_states(&server, "r2", &["failed"]).await;
    let c = client(&server);
    use flows::run_remote_job::{run, Inputs};

    // dependsOn: `create-job` of the other document runs first, with this workflow's inputs.
    let out = run(
        &c,
        &Inputs {
            job_id: "r1".into(),
        },
    )
    .await
    .expect("run");
    assert_eq!(state_json(&out.state), json!("done"));
    let received = server.received_requests().await.expect("recording is on");
    let first = received.first().expect("a request");
    assert_eq!((first.method.as_str(), first.url.path()), ("POST", "/jobs"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&first.body).ok(),
        Some(json!({"id": "r1"}))
    );
    assert_eq!(raw_count(&server, "DELETE", "/jobs/r1").await, 0);

    // A failed job: goto `cancel-job` of the other document, which ends this workflow.
    let out = run(
        &c,
        &Inputs {
            job_id: "r2".into(),
        },
    )
    .await
    .expect("goto ends the run");
    assert!(out.state.is_none());
    assert_eq!(raw_count(&server, "DELETE", "/jobs/r2").await, 1);
}

#[tokio::test]
async fn a_retry_runs_the_other_documents_workflow_first() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    raw_job_states(&server, "r3", &["pending"]).await;
    let err = flows::run_remote_job::run(
        &client(&server),
        &flows::run_remote_job::Inputs {
            job_id: "r3".into(),
        },
    )
    .await
    .expect_err("pending forever");
    assert!(
        matches!(
            err,
            arazzo::Error::WorkflowRetriesExhausted {
                attempts: 3,
                called: "check-job",
                ..
            }
        ),
        "{err:?}"
    );
    // The step once, then per retry: `check-job` as the retry's workflow, and the step again.
    assert_eq!(raw_count(&server, "GET", "/jobs/r3").await, 5);
}

//! Secrets follow the data through generated workflows, and the run's
//! limits hold across the workflows it runs.

mod flows {
    // `allow(manual_credential)`: the document sets its credentials by hand, to follow
    // the secrets they carry.
    arazzo::arazzo_workflow!(
        "tests/specs/arazzo/secrets.arazzo.yaml",
        allow(manual_credential)
    );
}

use std::time::Duration;

use flows::*;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "qk-SECRET-7731";
const TOKEN: &str = "session-TOKEN-55aa";

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("vault", server.uri())
        .build()
        .unwrap()
}

async fn ping_ok(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/ping"))
        .and(query_param("api_key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(server)
        .await;
}

#[test]
fn query_credentials_are_redacted_in_inputs() {
    let inputs = ping_with_key::Inputs {
        api_key: KEY.into(),
        label: Some("nightly".into()),
    };
    let shown = format!("{inputs:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("nightly"), "{shown}");
}

#[test]
fn credentials_handed_to_other_workflows_are_redacted_in_the_caller() {
    // Through a workflow step, under another name.
    let inputs = delegate::Inputs {
        vault_key: KEY.into(),
        note: Some("visible".into()),
    };
    let shown = format!("{inputs:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("visible"), "{shown}");
    // Through dependsOn, matched by name.
    let inputs = depends_on_ping::Inputs {
        api_key: KEY.into(),
        label: None,
    };
    assert!(!format!("{inputs:?}").contains(KEY));
}

#[tokio::test]
async fn a_login_token_is_redacted_in_step_and_workflow_outputs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": TOKEN})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/secrets/db"))
        .and(wiremock::matchers::header(
            "authorization",
            format!("Bearer {TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "db", "version": 3})))
        .mount(&server)
        .await;
    let inputs = login_then_read::Inputs {
        username: "ada".into(),
        password: "pw-hunter2".into(),
        name: "db".into(),
    };
    assert!(!format!("{inputs:?}").contains("pw-hunter2"));
    let c = client(&server);
    let login = login_then_read::steps::login(&c, &inputs).await.unwrap();
    assert_eq!(login.token, TOKEN);
    let shown = format!("{login:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");

    let out = login_then_read::run(&c, &inputs).await.unwrap();
    assert_eq!(out.version, 3);
    assert_eq!(out.session_token, TOKEN);
    let shown = format!("{out:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("version: 3"), "{shown}");
}

#[tokio::test]
async fn the_step_limit_counts_the_steps_of_sub_workflows() {
    let server = MockServer::start().await;
    ping_ok(&server).await;
    let inputs = ping_then_two::Inputs {
        api_key: KEY.into(),
    };
    // here + there (a workflow step) + first + second = 4 steps.
    let c = arazzo::Client::builder()
        .server("vault", server.uri())
        .max_steps(4)
        .build()
        .unwrap();
    ping_then_two::run(&c, &inputs).await.unwrap();
    let c = arazzo::Client::builder()
        .server("vault", server.uri())
        .max_steps(3)
        .build()
        .unwrap();
    let err = ping_then_two::run(&c, &inputs).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::StepLimitExceeded {
                workflow: "two-pings",
                limit: 3
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn public_step_functions_apply_the_workflow_deadline() {
    // The first ping of the workflow step answers at once, the second after 60 s.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": true}))
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;
    let c = arazzo::Client::builder()
        .server("vault", server.uri())
        .request_timeout(Duration::from_secs(30))
        .workflow_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let inputs = ping_then_two::Inputs {
        api_key: KEY.into(),
    };
    // The step runs the two-step workflow: the 3 s deadline of `steps::there` ends it
    // during the inner workflow's second request, long before the 30 s request timeout
    // (which would be `Error::Timeout`).
    let err = ping_then_two::steps::there(&c, &inputs).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::WorkflowTimeout { after, .. } if after == Duration::from_secs(3)
        ),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    // A step that answers in time is not cut short by the deadline.
    let quick = MockServer::start().await;
    ping_ok(&quick).await;
    let c = arazzo::Client::builder()
        .server("vault", quick.uri())
        .workflow_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    ping_then_two::steps::here(&c, &inputs).await.unwrap();
}

//! `goto` and `retry` actions that name a `workflowId`, against wiremock.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/transfer.arazzo.yaml");
}

use flows::fetch_or_fallback::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .unwrap()
}

async fn fallback_mock(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/customers/fallback-id"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "fallback-id", "email": "f@example.com", "name": "F"})),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn goto_workflow_runs_it_then_ends_with_the_outputs_available() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/c-1"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    fallback_mock(&server).await;
    let out = run(
        &client(&server),
        &Inputs {
            customer_id: "c-1".into(),
        },
    )
    .await
    .unwrap();
    // `fetch` failed, so its output is absent: the type says so.
    let email: Option<String> = out.email;
    assert_eq!(email, None);
}

#[tokio::test]
async fn retry_with_workflow_runs_it_first_then_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/c-2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customers/c-2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "c-2", "email": "c2@example.com", "name": "C"})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    fallback_mock(&server).await;
    let out = run(
        &client(&server),
        &Inputs {
            customer_id: "c-2".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.email.as_deref(), Some("c2@example.com"));
}

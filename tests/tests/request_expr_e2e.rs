//! `$request.*`, `$method` and `$url` in criteria and outputs, against wiremock.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/request-echo.arazzo.yaml");
}

use flows::fetch_with_request_echo::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers 200 for any tenant: only the `$request.header` part of the criterion can
/// tell tenants apart.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/c-42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c-42", "email": "a@example.com", "name": "Acme"
        })))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .unwrap()
}

#[tokio::test]
async fn request_values_are_read_back_in_criteria_and_outputs() {
    let server = server().await;
    let inputs = Inputs {
        customer_id: "c-42".into(),
        tenant: "acme".into(),
    };
    let out = run(&client(&server), &inputs).await.unwrap();
    // The criterion compared the sent header case-insensitively with 'TENANT-ACME'.
    let tenant: String = out.sent_tenant;
    assert_eq!(tenant, "tenant-acme");
    assert_eq!(out.sent_id, json!("c-42"));
    assert_eq!(out.method, "GET");
    assert_eq!(out.url, format!("{}/customers/c-42", server.uri()));
}

#[tokio::test]
async fn a_criterion_on_the_request_can_fail() {
    let server = server().await;
    // Another tenant: the server answers 200, so only `$request.header.x-tenant-id ==
    // 'TENANT-ACME'` can fail the step.
    let inputs = Inputs {
        customer_id: "c-42".into(),
        tenant: "other".into(),
    };
    let err = run(&client(&server), &inputs).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "fetch",
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    // The request went out with the other tenant's header, once.
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].headers.get("x-tenant-id").map(|v| v.as_bytes()),
        Some(&b"tenant-other"[..])
    );
}

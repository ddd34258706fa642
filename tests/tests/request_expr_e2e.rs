//! `$request.*`, `$method` and `$url` in criteria and outputs, against wiremock.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/request-echo.arazzo.yaml");
}

use flows::fetch_with_request_echo::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/c-42"))
        .and(header("X-Tenant-Id", "tenant-acme"))
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
    // A different tenant: the mock does not match (404), and the criterion fails too.
    let inputs = Inputs {
        customer_id: "c-42".into(),
        tenant: "other".into(),
    };
    let err = run(&client(&server), &inputs).await.unwrap_err();
    assert!(
        matches!(err, arazzo::Error::CriteriaNotMet { .. }),
        "{err:?}"
    );
    assert_eq!(err.step(), Some("fetch"));
}

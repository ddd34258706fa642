//! A step that runs a workflow of another Arazzo document (`type: arazzo` source).

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/cross-document.arazzo.yaml");
}

use flows::greet_customer::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn runs_the_other_documents_workflow_with_typed_outputs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customers/c-9"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "c-9", "email": "c9@example.com", "name": "Nine"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // The other document's OpenAPI source keeps its own name.
    let client = arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .unwrap();
    let out = run(
        &client,
        &Inputs {
            customer_id: "c-9".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.email.as_deref(), Some("c9@example.com"));
    // The whole-body output is the other document's generated struct.
    let customer: flows::__src_lookups::types::Customer = out.customer;
    assert_eq!(customer.id, "c-9");
}

#[tokio::test]
async fn a_failure_in_the_other_document_names_its_step() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .unwrap();
    let err = run(
        &client,
        &Inputs {
            customer_id: "nope".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.step(), Some("fetch"));
    assert_eq!(err.workflow(), Some("lookup-customer"));
}

//! A step that runs a workflow of another Arazzo document (`type: arazzo` source).

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/cross-document.arazzo.yaml");
}

/// Two sources, `customerLookups` and `customer_lookups`, whose modules would both be
/// `__src_customer_lookups`: the second is numbered.
mod twice {
    arazzo::arazzo_workflow!("tests/specs/arazzo/cross-document-names.arazzo.yaml");
}

use flows::greet_customer::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering `GET /customers/{id}` exactly `times` times (its email is
/// `{id}@example.com`), and a client for it.
async fn customers(id: &str, times: u64) -> (MockServer, arazzo::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/customers/{id}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"id": id, "email": format!("{id}@example.com"), "name": "Nine"}),
            ),
        )
        .expect(times)
        .mount(&server)
        .await;
    // The other document's OpenAPI source keeps its own name.
    let client = arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn runs_the_other_documents_workflow_with_typed_outputs() {
    let (_server, client) = customers("c-9", 1).await;
    let out = run(
        &client,
        &Inputs {
            customer_id: "c-9".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.email.as_deref(), Some("c-9@example.com"));
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

#[tokio::test]
async fn sources_whose_names_read_the_same_get_their_own_modules() {
    let (_server, client) = customers("c-2", 2).await;
    let inputs = twice::look_twice::Inputs {
        customer_id: "c-2".into(),
    };
    let out = twice::look_twice::run(&client, &inputs).await.unwrap();
    let first: twice::__src_customer_lookups::types::Customer = out.first;
    let second: twice::__src_customer_lookups_2::types::Customer = out.second;
    assert_eq!((first.id.as_str(), second.id.as_str()), ("c-2", "c-2"));
}

//! An Arazzo 1.1 workflow against wiremock: an `in: querystring` parameter, Selector
//! Objects (JSON pointer and JSONPath) in outputs, a header value and a payload, `$self`,
//! `$sourceDescriptions.<name>.type`, an object embedded in a string template
//! (serialized as JSON), expressions embedded in JSONPath and regex criteria, a
//! step `dependsOn` and a step `timeout`.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/catalog-1-1.arazzo.yaml");
}

use flows::find_and_reserve::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn inputs() -> Inputs {
    Inputs {
        query: "rose bush".into(),
        filters: serde_json::from_value(json!({"color": "red"})).unwrap(),
        min_width: 25,
    }
}

async fn server() -> MockServer {
    server_expecting(1).await
}

/// The catalog, expecting `carts` carts to be made.
async fn server_expecting(carts: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/products/search"))
        .and(query_param("q", "rose bush"))
        .and(query_param("color", "red"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [
                {"id": "p-1", "name": "Rose", "price": 4.5, "size": {"width": 30, "height": 60}},
                {"id": "p-2", "name": "Briar", "price": 3.0, "size": {"width": 20, "height": 40}}
            ],
            "total": 2
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/products/p-1"))
        .and(header("X-Next-Candidate", "Briar"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "p-1", "name": "Rose", "price": 4.5, "size": {"width": 30, "height": 60}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/carts"))
        .and(body_json(json!({
            "productId": "p-1",
            "note": "filters {\"color\":\"red\"}, size {\"height\":60,\"width\":30}, from https://workflows.garden.example/catalog/find-and-reserve.arazzo.yaml (openapi)",
            "size": {"width": 30, "height": 60}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"cartId": "cart-9"})))
        .expect(carts)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_1_1_workflow_runs_end_to_end() {
    let server = server().await;
    let client = arazzo::Client::builder()
        .server("catalog", server.uri())
        .build()
        .unwrap();
    let out = run(&client, &inputs()).await.unwrap();
    let cart: String = out.cart_id;
    assert_eq!(cart, "cart-9");
    let width: i64 = out.width;
    assert_eq!(width, 30);
    // A pointer into a step output may find nothing: `Option`.
    let name: Option<String> = out.product_name;
    assert_eq!(name.as_deref(), Some("Rose"));
    let total: i64 = out.total;
    assert_eq!(total, 2);
    let names: Vec<serde_json::Value> = out.names;
    assert_eq!(names, vec![json!("Rose"), json!("Briar")]);
    assert_eq!(
        out.document,
        "https://workflows.garden.example/catalog/find-and-reserve.arazzo.yaml"
    );
    assert!(out.catalog_url.ends_with("catalog.openapi.yaml"));
}

#[tokio::test]
async fn an_embedded_expression_decides_a_jsonpath_criterion() {
    let server = server_expecting(0).await;
    let client = arazzo::Client::builder()
        .server("catalog", server.uri())
        .build()
        .unwrap();
    // No product is 100 wide: `$.items[?@.size.width >= 100]` selects nothing.
    let mut i = inputs();
    i.min_width = 100;
    let err = run(&client, &i).await.unwrap_err();
    assert!(
        matches!(err, arazzo::Error::CriteriaNotMet { step: "search", .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_querystring_is_sent_whole() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/products/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [], "total": 0})))
        .mount(&server)
        .await;
    let client = arazzo::Client::builder()
        .server("catalog", server.uri())
        .build()
        .unwrap();
    // No product: `fetch` gets a null id and the workflow fails before any cart is made.
    let err = run(&client, &inputs()).await.unwrap_err();
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests[0].url.query(),
        Some("q=rose%20bush&color=red"),
        "{err:?}"
    );
}

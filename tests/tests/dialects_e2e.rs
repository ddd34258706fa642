//! The dialects public documents use, read as their canonical forms at run time
//! (`$inputs.product.itemId` → `$inputs.product#/itemId`, `$response.body.tags[0]` →
//! `$response.body#/tags/0`, `stockroom#/paths/…` → `{$sourceDescriptions.stockroom.url}#/paths/…`),
//! against wiremock on 127.0.0.1.

mod flows {
    // `allow(dialect)`: the dialects are read the same way, without the warnings.
    arazzo::arazzo_workflow!("tests/specs/arazzo/dialects.arazzo.yaml", allow(dialect));
}

use flows::restock_item::{run, Inputs, InputsProduct};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("stockroom", server.uri())
        .build()
        .unwrap()
}

#[tokio::test]
async fn dotted_and_bracket_navigation_read_the_pointed_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/i-7"))
        .and(header("X-Request-Note", "restock after audit"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "i-7", "name": "Hex bolt", "price": 12, "tags": ["steel", "m8"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .and(body_json(
            json!({"itemId": "i-7", "kind": "m8", "quantity": 40}),
        ))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"eventId": "ev-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let inputs = Inputs {
        product: InputsProduct {
            item_id: "i-7".into(),
            note: Some("restock after audit".into()),
        },
        quantity: 40,
    };
    let out = run(&client(&server), &inputs).await.unwrap();
    assert_eq!(out.name, "Hex bolt");
    assert_eq!(out.first_tag.as_deref(), Some("steel"));
    assert_eq!(out.price, Some(12));
    assert_eq!(out.event_id, "ev-1");
    assert_eq!(out.label, "restocked Hex bolt");
}

#[tokio::test]
async fn a_missing_array_element_is_absent_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/i-8"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "i-8", "name": "Washer", "price": 1
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"eventId": "ev-2"})))
        .mount(&server)
        .await;
    let inputs = Inputs {
        product: InputsProduct {
            item_id: "i-8".into(),
            note: None,
        },
        quantity: 1,
    };
    let out = run(&client(&server), &inputs).await.unwrap();
    assert_eq!(out.first_tag, None);
    assert_eq!(out.name, "Washer");
}

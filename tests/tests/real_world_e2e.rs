//! Habits of real-world documents, end to end against wiremock (the generated doubles where
//! they serve): source names that
//! are not Rust identifiers mapped with string keys (also for the included Arazzo
//! document), header parameters OpenAPI says to ignore, readOnly/writeOnly
//! properties, media types with parameters, a JSON description with surrogate
//! pairs at a percent-encoded url.

mod flows {
    arazzo::arazzo_workflow!(
        "tests/specs/arazzo/real-world.arazzo.yaml",
        sources(
            "cafe-api" = "tests/specs/openapi/cafe.openapi.yaml",
            "order-flows" = "tests/specs/arazzo/real-world-orders.arazzo.yaml",
        ),
        mocks
    );
}

use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(source: &str, server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server(source, server.uri())
        .build()
        .unwrap()
}

#[tokio::test]
async fn places_an_order_with_a_charset_body_and_no_read_only_fields() {
    // The generated double: the request is also checked against the description (the
    // readOnly `id` and `status`, required, are not required in a request).
    let server = flows::place_order::mock::Double::start().await;
    server
        .place()
        .when_header("authorization", "Bearer tok-1")
        .when_header("content-type", "application/json; charset=utf-8")
        // readOnly `id` and `status` are not sent; the writeOnly token is.
        .when(body_json(
            json!({"item": "espresso", "quantity": 2, "paymentToken": "pay-9"}),
        ))
        .respond_raw(
            201,
            // The writeOnly `paymentToken` is not in the response.
            json!({"id": "o-1", "item": "espresso", "quantity": 2, "status": "queued"}).to_string(),
            "application/json; charset=utf-8",
        )
        .expect(1)
        .await;
    let out = flows::place_order::run(
        &server.client().unwrap(),
        &flows::place_order::Inputs {
            token: "tok-1".into(),
            item: "espresso".into(),
            quantity: 2,
            payment_token: "pay-9".into(),
        },
    )
    .await
    .unwrap();
    let id: String = out.order_id;
    let status: String = out.status;
    let token: Option<String> = out.payment_token;
    assert_eq!(
        (id.as_str(), status.as_str(), token),
        ("o-1", "queued", None)
    );
}

#[tokio::test]
async fn reads_the_json_description_with_surrogate_pairs() {
    let server = flows::menu_item::mock::Double::start().await;
    server
        .item()
        .respond(200, json!({"name": "Donut", "emoji": "\u{1f369}"}))
        .await;
    let out = flows::menu_item::run(
        &server.client().unwrap(),
        &flows::menu_item::Inputs {
            item_id: "donut".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.name, "Donut");
    // The enum of the JSON description, decoded from `"\ud83c\udf69"`.
    assert_eq!(
        serde_json::to_value(&out.emoji).unwrap(),
        json!("\u{1f369}")
    );
}

#[tokio::test]
async fn the_included_document_uses_the_same_mapping() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders/o-7"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"id": "o-7", "item": "latte", "quantity": 1, "status": "ready"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = flows::order_item::run(
        &client("cafe-api", &server),
        &flows::order_item::Inputs {
            order_id: "o-7".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.item, "latte");
}

async fn find_order(status: u16, body: serde_json::Value) -> flows::find_order::Outputs {
    let server = flows::find_order::mock::Double::start().await;
    server.find().respond(status, body).expect(1).await;
    flows::find_order::run(
        &server.client().unwrap(),
        &flows::find_order::Inputs {
            order_id: "o-1".into(),
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_output_of_one_of_several_admitted_responses_is_optional() {
    // Criteria admit 200 and 404; only the 200 response has `item`, only the 404 one `title`.
    let found = find_order(
        200,
        json!({"id": "o-1", "item": "mocha", "quantity": 1, "status": "ready"}),
    )
    .await;
    let item: Option<String> = found.item;
    assert_eq!((item.as_deref(), found.status), (Some("mocha"), 200));
    assert_eq!(found.problem, None);
    let missing = find_order(404, json!({"title": "no such order"})).await;
    assert_eq!((missing.item, missing.status), (None, 404));
    let problem: Option<String> = missing.problem;
    assert_eq!(problem.as_deref(), Some("no such order"));
}

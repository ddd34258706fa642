//! Pointers into bodies without a schema or into free-form objects, and `[` `]` in input
//! names and pointer tokens, at run time against wiremock on 127.0.0.1: the values are
//! read as typed (`Option<serde_json::Value>`, `None` when absent).

mod flows {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/free-form-and-brackets.arazzo.yaml");
}

use flows::free_form::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(server: &MockServer, at: &str, body: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn free_form_values_are_read_and_absent_ones_are_none() {
    let server = MockServer::start().await;
    // The input `filter[name]` is sent as the header.
    Mock::given(method("GET"))
        .and(path("/api/none"))
        .and(header("X-Filter", "active"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 3})))
        .expect(1)
        .mount(&server)
        .await;
    serve(&server, "/api/object", json!({"owner": {"name": "Ada"}})).await;
    // `extra` is not there: `None`, not an error; `filter[name]` is one member.
    serve(
        &server,
        "/api/open",
        json!({"id": "o-1", "filter[name]": "f"}),
    )
    .await;
    serve(&server, "/api/empty", json!({"a": {"b": [1, 2]}})).await;
    let client = arazzo::Client::builder()
        .server("free", format!("{}/api", server.uri()))
        .build()
        .unwrap();
    let inputs = Inputs {
        filter_name: Some("active".into()),
        page_size: Some(20),
    };
    let out = run(&client, &inputs).await.unwrap();
    assert_eq!(out.total, Some(json!(3)));
    assert_eq!(out.owner, Some(json!("Ada")));
    assert_eq!(out.extra, None);
    assert_eq!(out.filter.as_deref(), Some("f"));
    assert_eq!(out.anything, Some(json!([1, 2])));
    assert_eq!(out.size, Some(20));
    // The input names travel as written.
    let sent = serde_json::to_value(&inputs).unwrap();
    assert_eq!(sent, json!({"filter[name]": "active", "page[size]": 20}));
}

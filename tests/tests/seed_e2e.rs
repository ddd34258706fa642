//! The seed workflow end to end against a local mock server (wiremock on 127.0.0.1).

use amberflo_workflows::create_meter_and_ingest_event::{self as seed, Inputs};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn inputs(unique_id: Option<&str>) -> Inputs {
    Inputs {
        api_key: "test-key-123".into(),
        meter_api_name: "api-calls".into(),
        display_name: "API calls".into(),
        r#type: "SUM_OF_ALL_USAGE".into(),
        customer_id: "cust-1".into(),
        meter_value: 3.5,
        meter_time_in_millis: 1_700_000_000_000,
        unique_id: unique_id.map(str::to_owned),
    }
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("meteringApi", server.uri())
        .build()
        .expect("valid url")
}

#[tokio::test]
async fn runs_both_steps_and_returns_typed_outputs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/meter-definition"))
        .and(header("X-API-KEY", "test-key-123"))
        .and(body_json(json!({
            "meterApiName": "api-calls",
            "displayName": "API calls",
            "type": "SUM_OF_ALL_USAGE",
            "dimensions": []
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "meterApiName": "api-calls",
            "displayName": "API calls",
            "label": "API calls",
            "type": "SUM_OF_ALL_USAGE",
            "meterTimeInMillis": 1_700_000_000_000_i64,
            "dimensions": []
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ingest"))
        .and(header("X-API-KEY", "test-key-123"))
        .and(body_json(json!({
            "meterApiName": "api-calls",
            "customerId": "cust-1",
            "meterValue": 3.5,
            "meterTimeInMillis": 1_700_000_000_000_i64,
            "uniqueId": "evt-1"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ingestedCount": 1,
            "uniqueIds": ["evt-1"]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let out = seed::run(&client(&server), &inputs(Some("evt-1")))
        .await
        .expect("workflow succeeds");
    let name: String = out.meter_api_name;
    assert_eq!(name, "api-calls");
    assert_eq!(out.ingest_result.ingested_count, 1);
    assert_eq!(out.ingest_result.unique_ids, Some(vec!["evt-1".to_owned()]));
}

//! Tests of the fake Amberflo server against the OpenAPI descriptions.

use std::collections::BTreeSet;

use amberflo_workflows::fake::{FakeAmberflo, OPERATION_IDS};
use reqwest::Method;
use saphyr::{LoadableYamlNode, Yaml};
use serde_json::{json, Value};

const KEY: &str = "test-key";

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn call_with_key(
    fake: &FakeAmberflo,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", fake.base_url()));
    if let Some(key) = key {
        req = req.header("X-API-KEY", key);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else if is_text(&headers) {
        Value::String(text)
    } else {
        serde_json::from_str(&text).unwrap()
    };
    Reply {
        status,
        headers,
        body,
    }
}

/// Whether the reply is `text/plain` (ingestion); everything else is JSON.
fn is_text(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"))
}

/// POSTs `body` as is to `/ingest` with `content_type`.
async fn ingest_raw(fake: &FakeAmberflo, content_type: &str, body: String) -> Reply {
    let resp = reqwest::Client::new()
        .post(format!("{}/ingest", fake.base_url()))
        .header("X-API-KEY", KEY)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = if is_text(&headers) {
        Value::String(text)
    } else {
        serde_json::from_str(&text).unwrap()
    };
    Reply {
        status,
        headers,
        body,
    }
}

async fn call(fake: &FakeAmberflo, method: Method, path: &str, body: Option<Value>) -> Reply {
    call_with_key(fake, method, path, Some(KEY), body).await
}

async fn raw_post(fake: &FakeAmberflo, path: &str, body: &'static str) -> Reply {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", fake.base_url()))
        .header("X-API-KEY", KEY)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn assert_error(reply: &Reply, status: u16, code: &str, message_part: &str) {
    assert_eq!(reply.status, status, "body: {}", reply.body);
    assert_eq!(reply.body["code"], code, "body: {}", reply.body);
    let message = reply.body["message"].as_str().unwrap();
    assert!(
        message.contains(message_part),
        "message {message:?} should contain {message_part:?}"
    );
}

async fn create_meter(fake: &FakeAmberflo, name: &str, meter_type: &str) -> Reply {
    call(
        fake,
        Method::POST,
        "/meters",
        Some(json!({
            "meterApiName": name,
            "label": format!("{name} display"),
            "meterType": meter_type,
            "dimensions": ["region"],
        })),
    )
    .await
}

async fn create_customer(fake: &FakeAmberflo, id: &str) -> Reply {
    call(
        fake,
        Method::POST,
        "/customers",
        Some(json!({ "customerId": id, "customerName": format!("Customer {id}") })),
    )
    .await
}

fn event(meter: &str, customer: &str, value: f64, millis: i64, region: &str) -> Value {
    json!({
        "meterApiName": meter,
        "customerId": customer,
        "meterValue": value,
        "meterTimeInMillis": millis,
        "dimensions": { "region": region },
    })
}

/// (path, method, operationId) of every operation of an OpenAPI file.
fn operations(file: &str) -> Vec<(String, String, String)> {
    let path = format!("{}/../specs/openapi/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let docs = Yaml::load_from_str(&text).unwrap();
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(
        doc.as_mapping_get("openapi").unwrap().as_str(),
        Some("3.0.3")
    );
    let mut out = Vec::new();
    for (path, item) in doc.as_mapping_get("paths").unwrap().as_mapping().unwrap() {
        for (method, op) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if method == "parameters" {
                continue;
            }
            let op_id = op.as_mapping_get("operationId").unwrap().as_str().unwrap();
            out.push((
                path.as_str().unwrap().to_owned(),
                method.to_uppercase(),
                op_id.to_owned(),
            ));
        }
    }
    out
}

/// `specs/openapi/README.md` records the check of every operation against
/// Amberflo's documentation: exactly one table row per operation.
#[test]
fn every_operation_has_one_row_in_the_documentation_check() {
    let path = format!("{}/../specs/openapi/README.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    for id in OPERATION_IDS {
        let rows = text
            .lines()
            .filter(|line| line.starts_with(&format!("| `{id}` |")))
            .count();
        assert_eq!(rows, 1, "{id} has {rows} rows in specs/openapi/README.md");
    }
    let rows = text
        .lines()
        .filter(|line| line.starts_with("| `") && !line.starts_with("| `*`"))
        .count();
    assert_eq!(rows, OPERATION_IDS.len());
}

/// The ingestion answer is Amberflo's message: a string, as text or JSON.
#[test]
fn ingest_is_described_as_answering_a_message() {
    let path = format!(
        "{}/../specs/openapi/amberflo-metering-openapi.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let docs = Yaml::load_from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let doc = &docs[0];
    let ok = doc
        .as_mapping_get("paths")
        .unwrap()
        .as_mapping_get("/ingest")
        .unwrap()
        .as_mapping_get("post")
        .unwrap()
        .as_mapping_get("responses")
        .unwrap()
        .as_mapping_get("200")
        .unwrap()
        .as_mapping_get("content")
        .unwrap();
    for media in ["text/plain", "application/json"] {
        let schema = ok
            .as_mapping_get(media)
            .unwrap()
            .as_mapping_get("schema")
            .unwrap();
        assert_eq!(
            schema.as_mapping_get("$ref").unwrap().as_str(),
            Some("#/components/schemas/IngestMessage")
        );
    }
    let message = doc
        .as_mapping_get("components")
        .unwrap()
        .as_mapping_get("schemas")
        .unwrap()
        .as_mapping_get("IngestMessage")
        .unwrap();
    assert_eq!(
        message.as_mapping_get("type").unwrap().as_str(),
        Some("string")
    );
}

#[tokio::test]
async fn specs_parse_and_every_operation_is_routed() {
    let mut ops = operations("amberflo-metering-openapi.yaml");
    ops.extend(operations("amberflo-billing-openapi.yaml"));
    let spec_ids: BTreeSet<String> = ops.iter().map(|(_, _, id)| id.clone()).collect();
    assert_eq!(spec_ids.len(), ops.len(), "operationIds must be unique");
    assert_eq!(spec_ids, set(OPERATION_IDS));

    let fake = FakeAmberflo::start().await.unwrap();
    for (path, method, op_id) in &ops {
        let concrete = path
            .replace("{meterApiName}", "some-meter")
            .replace("{customerId}", "some-customer");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == Method::POST || method == Method::PUT).then(|| json!({}));
        let reply = call(&fake, method.clone(), &concrete, body).await;
        assert_ne!(reply.status, 405, "{method} {path}");
        assert_ne!(reply.body["code"], "UNKNOWN_ROUTE", "{method} {path}");
        assert_eq!(fake.request_count(op_id), 1, "{op_id} was not routed");
    }
}

#[tokio::test]
async fn unknown_route_and_wrong_method() {
    let fake = FakeAmberflo::start().await.unwrap();
    let reply = call(&fake, Method::GET, "/nope", None).await;
    assert_error(&reply, 404, "UNKNOWN_ROUTE", "/nope");
    let reply = call(&fake, Method::PATCH, "/customers", None).await;
    assert_eq!(reply.status, 405);
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.requests()[0].operation_id, "");
}

#[tokio::test]
async fn missing_empty_or_wrong_api_key_is_401() {
    let fake = FakeAmberflo::start().await.unwrap();
    let reply = call_with_key(&fake, Method::GET, "/customers", None, None).await;
    assert_error(&reply, 401, "UNAUTHORIZED", "X-API-KEY");
    let reply = call_with_key(&fake, Method::GET, "/meter-definition", Some(""), None).await;
    assert_error(&reply, 401, "UNAUTHORIZED", "X-API-KEY");
    let reply = call_with_key(&fake, Method::GET, "/customers", Some("anything"), None).await;
    assert_eq!(reply.status, 200);

    let strict = FakeAmberflo::start_with_api_key("secret").await.unwrap();
    let reply = call_with_key(&strict, Method::GET, "/customers", Some("other"), None).await;
    assert_error(&reply, 401, "UNAUTHORIZED", "invalid API key");
    let reply = call_with_key(
        &strict,
        Method::POST,
        "/customers",
        Some("other"),
        Some(json!({ "customerId": "c", "customerName": "C" })),
    )
    .await;
    assert_eq!(reply.status, 401);
    assert!(strict.customers().is_empty());
    let reply = call_with_key(&strict, Method::GET, "/customers", Some("secret"), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!([]));
}

#[tokio::test]
async fn create_meter_returns_meter_definition() {
    let fake = FakeAmberflo::start().await.unwrap();
    let reply = create_meter(&fake, "api-calls", "SUM_OF_ALL_USAGE").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The documented meter: id, meterApiName, label, meterType, times.
    assert_eq!(
        keys(&reply.body),
        set(&[
            "id",
            "meterApiName",
            "label",
            "meterType",
            "dimensions",
            "createTime",
            "updateTime"
        ])
    );
    assert_eq!(reply.body["meterApiName"], "api-calls");
    assert_eq!(reply.body["label"], "api-calls display");
    assert_eq!(reply.body["meterType"], "SUM_OF_ALL_USAGE");
    assert_eq!(reply.body["dimensions"], json!(["region"]));
    assert!(reply.body["createTime"].as_i64().unwrap() > 1_600_000_000_000);
    assert_eq!(fake.meters(), vec![reply.body.clone()]);

    let dup = create_meter(&fake, "api-calls", "MAX_IN_PERIOD").await;
    assert_error(&dup, 400, "ALREADY_EXISTS", "api-calls");
    assert_eq!(fake.meters()[0]["meterType"], "SUM_OF_ALL_USAGE");

    // The seed's older names (`displayName`, `type`) are accepted for them.
    let seed = call(
        &fake,
        Method::POST,
        "/meters",
        Some(json!({ "meterApiName": "seed", "displayName": "Seed", "type": "MAX_IN_PERIOD", "dimensions": [] })),
    )
    .await;
    assert_eq!(seed.status, 200, "{}", seed.body);
    assert_eq!(seed.body["label"], "Seed");
    assert_eq!(seed.body["meterType"], "MAX_IN_PERIOD");
}

#[tokio::test]
async fn create_meter_validation_errors() {
    let fake = FakeAmberflo::start().await.unwrap();
    let missing = call(
        &fake,
        Method::POST,
        "/meters",
        Some(json!({ "meterApiName": "m", "meterType": "SUM_OF_ALL_USAGE" })),
    )
    .await;
    assert_error(&missing, 400, "BAD_REQUEST", "`label`");

    let no_type = call(
        &fake,
        Method::POST,
        "/meters",
        Some(json!({ "meterApiName": "m", "label": "M" })),
    )
    .await;
    assert_error(&no_type, 400, "BAD_REQUEST", "`meterType`");

    let wrong_type = call(
        &fake,
        Method::POST,
        "/meters",
        Some(json!({ "meterApiName": 7, "displayName": "M", "type": "MAX_IN_PERIOD" })),
    )
    .await;
    assert_error(
        &wrong_type,
        400,
        "BAD_REQUEST",
        "`meterApiName` must be a string",
    );

    let bad_dims = call(
        &fake,
        Method::POST,
        "/meters",
        Some(json!({ "meterApiName": "m", "displayName": "M", "type": "MAX_IN_PERIOD", "dimensions": [1] })),
    )
    .await;
    assert_error(&bad_dims, 400, "BAD_REQUEST", "`dimensions`");

    let not_json = raw_post(&fake, "/meters", "{not json").await;
    assert_error(&not_json, 400, "BAD_REQUEST", "not valid JSON");

    let not_object = raw_post(&fake, "/meters", "[1,2]").await;
    assert_error(&not_object, 400, "BAD_REQUEST", "JSON object");

    let empty = call(&fake, Method::POST, "/meters", None).await;
    assert_error(&empty, 400, "BAD_REQUEST", "body is required");

    assert!(fake.meters().is_empty());
}

#[tokio::test]
async fn meter_definition_crud() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "a", "SUM_OF_ALL_USAGE").await;
    create_meter(&fake, "b", "MAX_IN_PERIOD").await;

    let list = call(&fake, Method::GET, "/meter-definition", None).await;
    assert_eq!(list.status, 200);
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["meterApiName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);

    let got = call(&fake, Method::GET, "/meter-definition/b", None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["meterType"], "MAX_IN_PERIOD");
    let missing = call(&fake, Method::GET, "/meter-definition/zzz", None).await;
    assert_error(&missing, 404, "NOT_FOUND", "zzz");

    let updated = call(
        &fake,
        Method::PUT,
        "/meter-definition",
        Some(json!({ "meterApiName": "b", "label": "Bee", "meterType": "UNIQUE_CUSTOMERS_COUNT" })),
    )
    .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["label"], "Bee");
    assert_eq!(updated.body["meterType"], "UNIQUE_CUSTOMERS_COUNT");
    assert_eq!(updated.body["id"], got.body["id"]);
    assert_eq!(updated.body["dimensions"], json!([]));
    let update_missing = call(
        &fake,
        Method::PUT,
        "/meter-definition",
        Some(json!({ "meterApiName": "zzz", "displayName": "Z", "type": "MAX_IN_PERIOD" })),
    )
    .await;
    assert_error(&update_missing, 404, "NOT_FOUND", "zzz");

    let deleted = call(&fake, Method::DELETE, "/meter-definition/a", None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["meterApiName"], "a");
    let again = call(&fake, Method::DELETE, "/meter-definition/a", None).await;
    assert_error(&again, 404, "NOT_FOUND", "`a`");
    assert_eq!(fake.meters().len(), 1);
}

#[tokio::test]
async fn ingest_single_array_and_ndjson_answer_a_text_message() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "calls", "SUM_OF_ALL_USAGE").await;

    let single = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!({
            "meterApiName": "calls",
            "customerId": "c1",
            "meterValue": 3,
            "meterTimeInMillis": 1_700_000_000_000_i64,
            "uniqueId": "u-1",
        })),
    )
    .await;
    // As documented: a plain message, not JSON.
    assert_eq!(single.status, 200, "{}", single.body);
    assert_eq!(single.headers["content-type"], "text/plain; charset=utf-8");
    assert_eq!(single.body, json!("1 records were ingested"));

    let batch = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!([
            event("calls", "c1", 1.5, 1_700_000_001_000, "eu"),
            event("calls", "c2", 2.0, 1_700_000_002_000, "us"),
        ])),
    )
    .await;
    assert_eq!(batch.status, 200);
    assert_eq!(batch.body, json!("2 records were ingested"));

    // NDJSON: one record per line, with or without a JSON content type.
    let lines = [
        event("calls", "c3", 1.0, 1_700_000_003_000, "eu").to_string(),
        String::new(),
        event("calls", "c3", 2.0, 1_700_000_004_000, "eu").to_string(),
        event("calls", "c4", 4.0, 1_700_000_005_000, "us").to_string(),
    ];
    let ndjson = ingest_raw(&fake, "application/x-ndjson", lines.join("\n")).await;
    assert_eq!(ndjson.status, 200, "{}", ndjson.body);
    assert_eq!(ndjson.body, json!("3 records were ingested"));
    let as_json = ingest_raw(
        &fake,
        "application/json",
        lines[0..1].join("\n") + "\n" + &lines[3],
    )
    .await;
    assert_eq!(as_json.body, json!("2 records were ingested"));

    // Re-sending an event with a known uniqueId is counted but stored once.
    let resend = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!({
            "meterApiName": "calls",
            "customerId": "c1",
            "meterValue": 3,
            "meterTimeInMillis": 1_700_000_000_000_i64,
            "uniqueId": "u-1",
        })),
    )
    .await;
    assert_eq!(resend.body, json!("1 records were ingested"));
    let events = fake.events();
    assert_eq!(events.len(), 8);
    assert_eq!(events[0]["uniqueId"], "u-1");
    assert_eq!(events[1]["dimensions"], json!({ "region": "eu" }));
    assert_eq!(events[3]["customerId"], "c3");
    assert_ne!(events[1]["uniqueId"], events[2]["uniqueId"]);
}

#[tokio::test]
async fn ingest_validation_errors_change_nothing() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "calls", "SUM_OF_ALL_USAGE").await;

    let missing = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!([
            event("calls", "c1", 1.0, 1_700_000_000_000, "eu"),
            { "meterApiName": "calls", "meterValue": 1, "meterTimeInMillis": 1 },
        ])),
    )
    .await;
    assert_error(&missing, 400, "BAD_REQUEST", "`[1].customerId`");

    let bad_value = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!({ "meterApiName": "calls", "customerId": "c", "meterValue": "1", "meterTimeInMillis": 1 })),
    )
    .await;
    assert_error(
        &bad_value,
        400,
        "BAD_REQUEST",
        "`meterValue` must be a number",
    );

    let bad_time = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!({ "meterApiName": "calls", "customerId": "c", "meterValue": 1, "meterTimeInMillis": 1.5 })),
    )
    .await;
    assert_error(&bad_time, 400, "BAD_REQUEST", "`meterTimeInMillis`");

    let bad_dims = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!({ "meterApiName": "calls", "customerId": "c", "meterValue": 1, "meterTimeInMillis": 1, "dimensions": { "a": 1 } })),
    )
    .await;
    assert_error(&bad_dims, 400, "BAD_REQUEST", "`dimensions`");

    let scalar = call(&fake, Method::POST, "/ingest", Some(json!(42))).await;
    assert_error(&scalar, 400, "BAD_REQUEST", "meter record");

    let bad_line = ingest_raw(
        &fake,
        "application/x-ndjson",
        format!("{}\nnot json", event("calls", "c1", 1.0, 1, "eu")),
    )
    .await;
    assert_error(&bad_line, 400, "BAD_REQUEST", "line 2");

    assert!(fake.events().is_empty());
}

#[tokio::test]
async fn ingest_accepts_records_of_unknown_meters() {
    // Amberflo validates records on read, not on write.
    let fake = FakeAmberflo::start().await.unwrap();
    let reply = call(
        &fake,
        Method::POST,
        "/ingest",
        Some(event("nope", "c1", 1.0, 1_700_000_000_000, "eu")),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, json!("1 records were ingested"));
    assert_eq!(fake.events().len(), 1);
}

#[tokio::test]
async fn fail_next_injects_errors_with_retry_after_without_state_change() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "calls", "SUM_OF_ALL_USAGE").await;
    fake.fail_next("ingestMeterEvents", 2, 429, Some(7));
    fake.fail_next("ingestMeterEvents", 1, 503, None);

    let body = event("calls", "c1", 1.0, 1_700_000_000_000, "eu");
    for _ in 0..2 {
        let reply = call(&fake, Method::POST, "/ingest", Some(body.clone())).await;
        assert_error(&reply, 429, "TOO_MANY_REQUESTS", "ingestMeterEvents");
        assert_eq!(reply.headers["retry-after"], "7");
    }
    let reply = call(&fake, Method::POST, "/ingest", Some(body.clone())).await;
    assert_error(&reply, 503, "SERVICE_UNAVAILABLE", "injected");
    assert!(reply.headers.get("retry-after").is_none());
    assert!(fake.events().is_empty());

    // Other operations are unaffected.
    let list = call(&fake, Method::GET, "/meter-definition", None).await;
    assert_eq!(list.status, 200);

    let reply = call(&fake, Method::POST, "/ingest", Some(body)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(fake.events().len(), 1);
    assert_eq!(fake.request_count("ingestMeterEvents"), 4);
    assert_eq!(fake.request_count("createMeterDefinition"), 1);
    assert_eq!(fake.request_count("queryUsage"), 0);
}

#[tokio::test]
async fn requests_are_recorded() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_customer(&fake, "c1").await;
    call(
        &fake,
        Method::GET,
        "/payments/billing/customer-product-invoice/all?customerId=c1",
        None,
    )
    .await;
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/customers");
    assert_eq!(requests[0].query, "");
    assert_eq!(requests[0].operation_id, "createCustomer");
    assert_eq!(requests[0].header("x-api-key"), Some(KEY));
    assert_eq!(
        requests[0].body,
        json!({ "customerId": "c1", "customerName": "Customer c1" })
    );
    assert_eq!(requests[1].operation_id, "listInvoices");
    assert_eq!(requests[1].query, "customerId=c1");
    assert_eq!(requests[1].body, Value::Null);
    fake.clear_requests();
    assert!(fake.requests().is_empty());
    assert_eq!(fake.customers().len(), 1);
}

async fn usage(fake: &FakeAmberflo, query: Value) -> Reply {
    call(fake, Method::POST, "/usage", Some(query)).await
}

#[tokio::test]
async fn usage_aggregates_events() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "calls", "SUM_OF_ALL_USAGE").await;
    create_meter(&fake, "other", "SUM_OF_ALL_USAGE").await;
    let t0: i64 = 1_700_000_000;
    call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!([
            event("calls", "c1", 1.0, t0 * 1000, "eu"),
            event("calls", "c1", 4.0, t0 * 1000 + 500, "us"),
            event("calls", "c2", 2.5, (t0 + 10) * 1000, "eu"),
            event("calls", "c2", 100.0, (t0 + 3600) * 1000, "eu"),
            event("other", "c1", 50.0, t0 * 1000, "eu"),
        ])),
    )
    .await;
    let base = json!({
        "meterApiName": "calls",
        "timeRange": { "startTimeInSeconds": t0, "endTimeInSeconds": t0 + 3600 },
        "aggregation": "SUM",
        "timeGroupingInterval": "DAY",
    });

    let sum = usage(&fake, base.clone()).await;
    assert_eq!(sum.status, 200, "{}", sum.body);
    // The documented members: the query echoed, the buckets, the usage.
    assert_eq!(
        sum.body,
        json!({
            "metadata": base,
            "secondsSinceEpochIntervals": [t0],
            "clientMeters": { "calls": [
                { "groupInfo": {}, "records": [{ "startTimeInSeconds": t0, "value": 7.5 }] }
            ] },
        })
    );

    // `aggregation` is optional (SUM) and so is `timeRange.endTimeInSeconds` (now).
    let minimal = usage(
        &fake,
        json!({ "meterApiName": "calls", "timeRange": { "startTimeInSeconds": t0 }, "timeGroupingInterval": "DAY" }),
    )
    .await;
    assert_eq!(
        minimal.body["clientMeters"]["calls"][0]["records"][0]["value"],
        107.5
    );

    let mut min = base.clone();
    min["aggregation"] = json!("MIN");
    let min = usage(&fake, min).await;
    assert_eq!(
        min.body["clientMeters"]["calls"][0]["records"][0]["value"],
        1.0
    );

    let mut max = base.clone();
    max["aggregation"] = json!("MAX");
    let max = usage(&fake, max).await;
    assert_eq!(
        max.body["clientMeters"]["calls"][0]["records"][0]["value"],
        4.0
    );

    let mut count = base.clone();
    count["aggregation"] = json!("COUNT");
    count["timeRange"]["endTimeInSeconds"] = json!(t0 + 3601);
    let count = usage(&fake, count).await;
    assert_eq!(
        count.body["clientMeters"]["calls"][0]["records"][0]["value"],
        4.0
    );

    let mut grouped = base.clone();
    grouped["groupBy"] = json!(["customerId"]);
    let grouped = usage(&fake, grouped).await;
    assert_eq!(
        grouped.body["clientMeters"]["calls"],
        json!([
            { "groupInfo": { "customerId": "c1" }, "records": [{ "startTimeInSeconds": t0, "value": 5.0 }] },
            { "groupInfo": { "customerId": "c2" }, "records": [{ "startTimeInSeconds": t0, "value": 2.5 }] },
        ])
    );

    let mut filtered = base.clone();
    filtered["filter"] = json!({ "customerId": ["c2"] });
    let filtered = usage(&fake, filtered).await;
    assert_eq!(
        filtered.body["clientMeters"]["calls"][0]["records"][0]["value"],
        2.5
    );

    let mut by_dim = base.clone();
    by_dim["filter"] = json!({ "region": ["eu"] });
    by_dim["groupBy"] = json!(["region"]);
    let by_dim = usage(&fake, by_dim).await;
    assert_eq!(
        by_dim.body["clientMeters"]["calls"],
        json!([{ "groupInfo": { "region": "eu" }, "records": [{ "startTimeInSeconds": t0, "value": 3.5 }] }])
    );

    let mut empty = base.clone();
    empty["timeRange"] = json!({ "startTimeInSeconds": t0 - 100, "endTimeInSeconds": t0 - 50 });
    let empty = usage(&fake, empty).await;
    assert_eq!(
        empty.body["clientMeters"]["calls"][0]["records"][0]["value"],
        0.0
    );
}

#[tokio::test]
async fn usage_validation_errors() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "calls", "SUM_OF_ALL_USAGE").await;
    let base = json!({
        "meterApiName": "calls",
        "timeRange": { "startTimeInSeconds": 10, "endTimeInSeconds": 20 },
        "aggregation": "SUM",
        "timeGroupingInterval": "DAY",
    });
    let mut bad = base.clone();
    bad["aggregation"] = json!("AVG");
    assert_error(
        &usage(&fake, bad).await,
        400,
        "BAD_REQUEST",
        "`aggregation`",
    );
    let mut bad = base.clone();
    bad["timeGroupingInterval"] = json!("YEAR");
    assert_error(
        &usage(&fake, bad).await,
        400,
        "BAD_REQUEST",
        "`timeGroupingInterval`",
    );
    let mut bad = base.clone();
    bad.as_object_mut().unwrap().remove("timeRange");
    assert_error(&usage(&fake, bad).await, 400, "BAD_REQUEST", "`timeRange`");
    let mut bad = base.clone();
    bad["timeRange"] = json!({ "endTimeInSeconds": 20 });
    assert_error(
        &usage(&fake, bad).await,
        400,
        "BAD_REQUEST",
        "`timeRange.startTimeInSeconds`",
    );
    let mut bad = base.clone();
    bad["timeRange"]["endTimeInSeconds"] = json!(5);
    assert_error(
        &usage(&fake, bad).await,
        400,
        "BAD_REQUEST",
        "`timeRange.endTimeInSeconds`",
    );
    let mut bad = base.clone();
    bad["take"] = json!({ "limit": "ten" });
    assert_error(&usage(&fake, bad).await, 400, "BAD_REQUEST", "`take.limit`");
    let mut bad = base.clone();
    bad["meterApiName"] = json!("nope");
    assert_error(&usage(&fake, bad).await, 400, "BAD_REQUEST", "nope");
    let mut bad = base.clone();
    bad["filter"] = json!({ "region": "eu" });
    assert_error(&usage(&fake, bad).await, 400, "BAD_REQUEST", "`filter`");
}

#[tokio::test]
async fn filtering_rules_are_stored_listed_and_applied() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_meter(&fake, "calls", "SUM_OF_ALL_USAGE").await;
    create_meter(&fake, "other", "SUM_OF_ALL_USAGE").await;
    let rule = call(
        &fake,
        Method::POST,
        "/meter-event-filtering-rules",
        Some(json!({
            "meterApiName": "calls",
            "dimensionName": "region",
            "dimensionValues": ["us"],
            "action": "EXCLUDE",
        })),
    )
    .await;
    assert_eq!(rule.status, 200, "{}", rule.body);
    assert_eq!(
        keys(&rule.body),
        set(&[
            "meterApiName",
            "ruleId",
            "dimensionName",
            "dimensionValues",
            "action"
        ])
    );
    assert!(!rule.body["ruleId"].as_str().unwrap().is_empty());
    call(
        &fake,
        Method::POST,
        "/meter-event-filtering-rules",
        Some(json!({ "meterApiName": "other", "ruleId": "mine" })),
    )
    .await;

    let all = call(&fake, Method::GET, "/meter-event-filtering-rules", None).await;
    assert_eq!(all.body.as_array().unwrap().len(), 2);
    let one = call(
        &fake,
        Method::GET,
        "/meter-event-filtering-rules?meterApiName=other",
        None,
    )
    .await;
    assert_eq!(
        one.body,
        json!([{ "meterApiName": "other", "ruleId": "mine" }])
    );

    let bad = call(
        &fake,
        Method::POST,
        "/meter-event-filtering-rules",
        Some(json!({ "meterApiName": "calls", "action": "DROP" })),
    )
    .await;
    assert_error(&bad, 400, "BAD_REQUEST", "`action`");
    let missing = call(
        &fake,
        Method::POST,
        "/meter-event-filtering-rules",
        Some(json!({ "action": "INCLUDE" })),
    )
    .await;
    assert_error(&missing, 400, "BAD_REQUEST", "`meterApiName`");
    assert_eq!(fake.filtering_rules().len(), 2);

    call(
        &fake,
        Method::POST,
        "/ingest",
        Some(json!([
            event("calls", "c1", 1.0, 1_000_000, "eu"),
            event("calls", "c1", 10.0, 1_000_000, "us"),
        ])),
    )
    .await;
    let report = usage(
        &fake,
        json!({
            "meterApiName": "calls",
            "timeRange": { "startTimeInSeconds": 0, "endTimeInSeconds": 2000 },
            "aggregation": "SUM",
            "timeGroupingInterval": "HOUR",
        }),
    )
    .await;
    assert_eq!(
        report.body["clientMeters"]["calls"][0]["records"][0]["value"],
        1.0
    );
}

#[tokio::test]
async fn customer_lifecycle() {
    let fake = FakeAmberflo::start().await.unwrap();
    let created = call(
        &fake,
        Method::POST,
        "/customers?autoCreateCustomerInStripe=false",
        Some(json!({
            "customerId": "acme",
            "customerName": "Acme",
            "customerEmail": "ops@acme.test",
            "test": true,
            "lifecycleStage": "ONBOARDING",
            "traits": { "tier": "gold" },
            "address": { "line1": "1 Main St", "city": "Springfield", "country": "US" },
        })),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        keys(&created.body),
        set(&[
            "customerId",
            "customerName",
            "customerEmail",
            "test",
            "lifecycleStage",
            "traits",
            "address",
            "createTime",
            "updateTime",
            "enabled"
        ])
    );
    assert_eq!(created.body["enabled"], true);
    assert_eq!(created.body["address"]["country"], "US");
    assert!(created.body["createTime"].as_i64().unwrap() > 0);

    let dup = create_customer(&fake, "acme").await;
    assert_error(&dup, 400, "ALREADY_EXISTS", "acme");

    let got = call(&fake, Method::GET, "/customers/acme", None).await;
    assert_eq!(got.body, created.body);

    let updated = call(
        &fake,
        Method::PUT,
        "/customers",
        Some(
            json!({ "customerId": "acme", "customerName": "Acme Inc", "lifecycleStage": "ACTIVE" }),
        ),
    )
    .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["customerName"], "Acme Inc");
    assert_eq!(updated.body["lifecycleStage"], "ACTIVE");
    assert_eq!(updated.body["createTime"], created.body["createTime"]);
    assert!(updated.body.get("customerEmail").is_none());

    create_customer(&fake, "beta").await;
    let list = call(&fake, Method::GET, "/customers", None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 2);

    let deleted = call(&fake, Method::DELETE, "/customers/acme", None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["customerId"], "acme");
    assert!(deleted.body["deleteTime"].as_i64().is_some());
    assert_eq!(deleted.body["enabled"], false);
    assert_eq!(deleted.body["lifecycleStage"], "OFFBOARDED");
    let gone = call(&fake, Method::GET, "/customers/acme", None).await;
    assert_error(&gone, 404, "NOT_FOUND", "acme");
    let gone = call(&fake, Method::DELETE, "/customers/acme", None).await;
    assert_error(&gone, 404, "NOT_FOUND", "acme");
    let gone = call(
        &fake,
        Method::PUT,
        "/customers",
        Some(json!({ "customerId": "acme", "customerName": "Acme" })),
    )
    .await;
    assert_error(&gone, 404, "NOT_FOUND", "acme");
    assert_eq!(fake.customers().len(), 1);
}

#[tokio::test]
async fn customer_validation_errors() {
    let fake = FakeAmberflo::start().await.unwrap();
    let cases = [
        (json!({ "customerId": "x" }), "`customerName`"),
        (
            json!({ "customerId": "x", "customerName": "X", "lifecycleStage": "DONE" }),
            "`lifecycleStage` must be one of",
        ),
        (
            json!({ "customerId": "x", "customerName": "X", "test": "yes" }),
            "`test` must be a boolean",
        ),
        (
            json!({ "customerId": "x", "customerName": "X", "address": { "city": "Paris" } }),
            "`address.country`",
        ),
        (
            json!({ "customerId": "x", "customerName": "X", "traits": { "a": 1 } }),
            "`traits`",
        ),
    ];
    for (body, message) in cases {
        let reply = call(&fake, Method::POST, "/customers", Some(body)).await;
        assert_error(&reply, 400, "BAD_REQUEST", message);
    }
    let reply = call(
        &fake,
        Method::POST,
        "/customers?autoCreateCustomerInStripe=maybe",
        Some(json!({ "customerId": "x", "customerName": "X" })),
    )
    .await;
    assert_error(&reply, 400, "BAD_REQUEST", "autoCreateCustomerInStripe");
    assert!(fake.customers().is_empty());

    fake.fail_next("createCustomer", 1, 429, Some(1));
    let reply = create_customer(&fake, "x").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.headers["retry-after"], "1");
    assert!(fake.customers().is_empty());
    assert_eq!(create_customer(&fake, "x").await.status, 200);
}

#[tokio::test]
async fn invoices_are_listed_per_customer() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_customer(&fake, "c1").await;
    let invoice = json!({
        "invoiceUri": "inv-1",
        "invoiceKey": { "customerId": "c1", "productId": "1", "productPlanId": "p" },
        "invoiceStartTimeInSeconds": 1_700_000_000_i64,
        "invoiceEndTimeInSeconds": 1_702_000_000_i64,
        "paymentStatus": "PENDING",
        "totalBill": { "totalPrice": 12.5 },
    });
    fake.add_invoice(invoice.clone());
    fake.add_invoice(json!({ "invoiceUri": "inv-2", "invoiceKey": { "customerId": "c2" } }));

    let list = call(
        &fake,
        Method::GET,
        "/payments/billing/customer-product-invoice/all?customerId=c1",
        None,
    )
    .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body, json!([invoice]));
    let none = call(
        &fake,
        Method::GET,
        "/payments/billing/customer-product-invoice/all?customerId=zz",
        None,
    )
    .await;
    assert_eq!(none.body, json!([]));
    let missing = call(
        &fake,
        Method::GET,
        "/payments/billing/customer-product-invoice/all",
        None,
    )
    .await;
    assert_error(&missing, 400, "BAD_REQUEST", "`customerId`");

    // Deleting a customer is allowed even with invoices.
    let deleted = call(&fake, Method::DELETE, "/customers/c1", None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(fake.invoices().len(), 2);
}

#[tokio::test]
async fn prepaid_orders_and_pricing_plans() {
    let fake = FakeAmberflo::start().await.unwrap();
    create_customer(&fake, "c1").await;

    let order = call(
        &fake,
        Method::POST,
        "/payments/pricing/amberflo/customer-prepaid",
        Some(json!({ "customerId": "c1", "prepaidPrice": 100, "originalCurrency": "USD", "productId": "1", "startTimeInSeconds": 1_800_000_000_i64 })),
    )
    .await;
    assert_eq!(order.status, 200, "{}", order.body);
    assert_eq!(
        keys(&order.body),
        set(&[
            "id",
            "orderId",
            "customerId",
            "productId",
            "startTimeInSeconds",
            "prepaidPrice",
            "originalCurrency",
            "createdTimeInSeconds"
        ])
    );
    assert_eq!(order.body["prepaidPrice"], 100.0);
    assert_eq!(order.body["startTimeInSeconds"], 1_800_000_000_i64);
    assert_eq!(fake.prepaid_orders(), vec![order.body.clone()]);

    let unknown = call(
        &fake,
        Method::POST,
        "/payments/pricing/amberflo/customer-prepaid",
        Some(json!({ "customerId": "zz", "prepaidPrice": 1 })),
    )
    .await;
    assert_error(&unknown, 404, "NOT_FOUND", "zz");
    let missing = call(
        &fake,
        Method::POST,
        "/payments/pricing/amberflo/customer-prepaid",
        Some(json!({ "customerId": "c1" })),
    )
    .await;
    assert_error(&missing, 400, "BAD_REQUEST", "`prepaidPrice`");

    let plan = call(
        &fake,
        Method::POST,
        "/payments/pricing/amberflo/customer-pricing",
        Some(json!({ "customerId": "c1", "productPlanId": "pro", "productId": "1", "startTimeInSeconds": 5 })),
    )
    .await;
    assert_eq!(plan.status, 200, "{}", plan.body);
    assert_eq!(
        keys(&plan.body),
        set(&[
            "customerId",
            "productPlanId",
            "productId",
            "startTimeInSeconds",
            "relationId",
            "createdTimeInSeconds"
        ])
    );
    assert_eq!(plan.body["startTimeInSeconds"], 5);
    assert_eq!(fake.pricing_plan_assignments().len(), 1);

    let missing = call(
        &fake,
        Method::POST,
        "/payments/pricing/amberflo/customer-pricing",
        Some(json!({ "customerId": "c1", "productId": "1" })),
    )
    .await;
    assert_error(&missing, 400, "BAD_REQUEST", "`productPlanId`");
    let unknown = call(
        &fake,
        Method::POST,
        "/payments/pricing/amberflo/customer-pricing",
        Some(json!({ "customerId": "zz", "productPlanId": "pro" })),
    )
    .await;
    assert_error(&unknown, 404, "NOT_FOUND", "zz");
}

#[tokio::test]
async fn dropping_the_fake_stops_the_server() {
    let fake = FakeAmberflo::start().await.unwrap();
    let url = format!("{}/customers", fake.base_url());
    assert!(fake.base_url().starts_with("http://127.0.0.1:"));
    drop(fake);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let result = reqwest::Client::new()
        .get(url)
        .header("X-API-KEY", KEY)
        .send()
        .await;
    assert!(result.is_err());
}

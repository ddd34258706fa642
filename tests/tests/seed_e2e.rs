//! The seed workflow end to end against its generated test double (wiremock on
//! 127.0.0.1, every request checked against the OpenAPI description).

use amberflo_workflows::create_meter_and_ingest_event::{self as seed, steps, Inputs};
use serde_json::{json, Value};
use wiremock::matchers::body_json;
use wiremock::Request;

// The test doubles of the seed: the same document, compiled with `mocks`.
mod doubles {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        mocks,
        // The seed sets `X-API-KEY` itself (it stays as given).
        allow(manual_credential)
    );
}
use doubles::create_meter_and_ingest_event::mock::Double;

const API_KEY: &str = "test-key-123";

fn inputs(unique_id: Option<&str>) -> Inputs {
    Inputs {
        api_key: API_KEY.into(),
        meter_api_name: "api-calls".into(),
        display_name: "API calls".into(),
        r#type: "SUM_OF_ALL_USAGE".into(),
        customer_id: "cust-1".into(),
        meter_value: 3.5,
        meter_time_in_millis: 1_700_000_000_000,
        unique_id: unique_id.map(str::to_owned),
    }
}

fn client(double: &Double) -> arazzo::Client {
    client_for(&double.uri())
}

fn client_for(uri: &str) -> arazzo::Client {
    arazzo::Client::builder()
        .server("meteringApi", uri)
        .build()
        .expect("valid url")
}

fn meter_definition() -> Value {
    json!({
        "id": "m-1",
        "meterApiName": "api-calls",
        "label": "API calls",
        "meterType": "SUM_OF_ALL_USAGE",
        "dimensions": [],
        "createTime": 1_700_000_000_000_i64,
        "updateTime": 1_700_000_000_000_i64
    })
}

async fn mount_create_ok(double: &Double) {
    double.create_meter().respond(200, meter_definition()).await;
}

/// Amberflo's documented answer to an ingestion: a plain message.
const INGESTED: &str = "1 records were ingested";

async fn mount_ingest_ok(double: &Double) {
    double
        .ingest_event()
        .respond_raw(200, INGESTED, "text/plain; charset=utf-8")
        .await;
}

fn body_of(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("request body is JSON")
}

async fn requests_to(double: &Double, p: &str) -> Vec<Request> {
    double
        .wiremock()
        .received_requests()
        .await
        .expect("recording is on")
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

#[tokio::test]
async fn runs_both_steps_and_returns_typed_outputs() {
    let server = Double::start().await;
    server
        .create_meter()
        .when_header("X-API-KEY", API_KEY)
        .when(body_json(json!({
            "meterApiName": "api-calls",
            "displayName": "API calls",
            "type": "SUM_OF_ALL_USAGE",
            "dimensions": []
        })))
        .respond(200, meter_definition())
        .expect(1)
        .await;
    server
        .ingest_event()
        .when_header("X-API-KEY", API_KEY)
        .when(body_json(json!({
            "meterApiName": "api-calls",
            "customerId": "cust-1",
            "meterValue": 3.5,
            "meterTimeInMillis": 1_700_000_000_000_i64,
            "uniqueId": "evt-1"
        })))
        .respond_raw(200, INGESTED, "text/plain; charset=utf-8")
        .expect(1)
        .await;

    let out = seed::run(&client(&server), &inputs(Some("evt-1")))
        .await
        .expect("workflow succeeds");
    let name: String = out.meter_api_name;
    assert_eq!(name, "api-calls");
    // `$response.body` of the ingestion is Amberflo's message: a String.
    let message: String = out.ingest_result;
    assert_eq!(message, INGESTED);
}

/// The ingestion message decodes into the seed's `String` output whether it
/// comes as text, as a JSON string, or as text labelled JSON; a JSON object
/// (the shape this project used to assume) is a decode error naming the output.
#[tokio::test]
async fn ingest_result_is_the_message_however_it_is_sent() {
    let quoted = format!("\"{INGESTED}\"");
    for (content_type, body) in [
        ("text/plain", INGESTED),
        ("application/json", quoted.as_str()),
        ("application/json", INGESTED),
    ] {
        let server = Double::start().await;
        mount_create_ok(&server).await;
        server
            .ingest_event()
            .respond_raw(200, body, content_type)
            .await;
        let out = seed::run(&client(&server), &inputs(None))
            .await
            .unwrap_or_else(|e| panic!("{content_type} {body}: {e}"));
        assert_eq!(out.ingest_result, INGESTED, "{content_type} {body}");
    }

    let server = Double::start().await;
    mount_create_ok(&server).await;
    // Not the documented answer, on purpose: `respond_raw` is not checked against the schema.
    server
        .ingest_event()
        .respond_raw(
            200,
            json!({ "ingestedCount": 1 }).to_string(),
            "application/json",
        )
        .await;
    let err = seed::run(&client(&server), &inputs(None))
        .await
        .expect_err("an object is not the documented answer");
    assert!(
        matches!(err, arazzo::Error::Decode { ref output, .. } if output == "ingestResult"),
        "{err:?}"
    );
}

/// The exact wire format of both requests, asserted on what the server received.
#[tokio::test]
async fn requests_are_exactly_as_specified() {
    let server = Double::start().await;
    mount_create_ok(&server).await;
    mount_ingest_ok(&server).await;

    seed::run(&client(&server), &inputs(Some("evt-9")))
        .await
        .expect("workflow succeeds");

    let all = server
        .wiremock()
        .received_requests()
        .await
        .expect("recording is on");
    assert_eq!(all.len(), 2, "exactly two requests");
    let (create, ingest) = (&all[0], &all[1]);

    assert_eq!(create.method.as_str(), "POST");
    assert_eq!(create.url.path(), "/meters");
    assert_eq!(create.url.query(), None);
    assert_eq!(
        create.headers.get("x-api-key").map(|v| v.to_str().unwrap()),
        Some(API_KEY)
    );
    assert!(create
        .headers
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json")));
    let body = body_of(create);
    assert_eq!(
        body,
        json!({
            "meterApiName": "api-calls",
            "displayName": "API calls",
            "type": "SUM_OF_ALL_USAGE",
            "dimensions": []
        })
    );
    assert_eq!(
        body["dimensions"],
        json!([]),
        "dimensions is an empty array"
    );

    assert_eq!(ingest.method.as_str(), "POST");
    assert_eq!(ingest.url.path(), "/ingest");
    assert_eq!(
        ingest.headers.get("x-api-key").map(|v| v.to_str().unwrap()),
        Some(API_KEY)
    );
    let body = body_of(ingest);
    assert_eq!(
        body,
        json!({
            "meterApiName": "api-calls",
            "customerId": "cust-1",
            "meterValue": 3.5,
            "meterTimeInMillis": 1_700_000_000_000_i64,
            "uniqueId": "evt-9"
        })
    );
    assert!(
        body["meterValue"].is_number(),
        "meterValue is a JSON number"
    );
    assert!(
        body["meterTimeInMillis"].is_i64(),
        "meterTimeInMillis is an integer"
    );
}

#[tokio::test]
async fn absent_unique_id_is_left_out_of_the_ingest_body() {
    let server = Double::start().await;
    mount_create_ok(&server).await;
    mount_ingest_ok(&server).await;

    let out = seed::run(&client(&server), &inputs(None))
        .await
        .expect("workflow succeeds");
    assert_eq!(out.ingest_result, INGESTED);

    let ingests = requests_to(&server, "/ingest").await;
    assert_eq!(ingests.len(), 1);
    let body = body_of(&ingests[0]);
    let obj = body.as_object().expect("object body");
    assert!(!obj.contains_key("uniqueId"), "no uniqueId key: {body}");
    assert_eq!(obj.len(), 4, "{body}");
}

#[tokio::test]
async fn create_meter_400_fails_the_run_and_skips_ingest() {
    let server = Double::start().await;
    server
        .create_meter()
        .respond(
            400,
            json!({
                "code": "ALREADY_EXISTS",
                "message": "meter api-calls already exists"
            }),
        )
        .expect(1)
        .await;
    server.ingest_event().status(200).expect(0).await;

    let err = seed::run(&client(&server), &inputs(Some("evt-1")))
        .await
        .expect_err("a 400 fails the criteria");
    assert_eq!(err.step(), Some("createMeter"));
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.workflow(), Some("create-meter-and-ingest-event"));
    assert_eq!(err.operation(), Some("createMeterDefinition"));
    match &err {
        arazzo::Error::CriteriaNotMet {
            step, status, body, ..
        } => {
            assert_eq!(*step, "createMeter");
            assert_eq!(*status, 400);
            assert!(body.contains("ALREADY_EXISTS"), "{body}");
        }
        other => panic!("expected CriteriaNotMet, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("createMeter") && text.contains("400"),
        "{text}"
    );
    assert!(requests_to(&server, "/ingest").await.is_empty());
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error_naming_the_step() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    // A password in the server URL is a secret the error could show (the key itself
    // goes in a header, which no error holds).
    let client = client_for(&format!("http://meter:{API_KEY}@127.0.0.1:{port}"));
    let err = seed::run(&client, &inputs(None))
        .await
        .expect_err("nobody listens");
    assert!(
        matches!(
            err,
            arazzo::Error::Connect {
                step: "createMeter",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.step(), Some("createMeter"));
    let shown = format!("{err} {err:?}");
    // The URL is shown, without the password.
    assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
}

#[tokio::test]
async fn each_step_is_callable_on_its_own() {
    let server = Double::start().await;
    mount_create_ok(&server).await;
    mount_ingest_ok(&server).await;
    let client = client(&server);
    let inputs = inputs(Some("evt-2"));

    let created: steps::CreateMeterOutputs = steps::create_meter(&client, &inputs)
        .await
        .expect("createMeter succeeds");
    assert_eq!(created.meter_api_name, "api-calls");
    assert_eq!(requests_to(&server, "/meters").await.len(), 1);
    assert!(requests_to(&server, "/ingest").await.is_empty());

    // The second step reads the first one's outputs, given explicitly.
    let other = steps::CreateMeterOutputs {
        meter_api_name: "other-meter".into(),
    };
    let ingested: steps::IngestEventOutputs = steps::ingest_event(&client, &inputs, &other)
        .await
        .expect("ingestEvent succeeds");
    assert_eq!(ingested.ingest_result, INGESTED);
    let ingests = requests_to(&server, "/ingest").await;
    assert_eq!(ingests.len(), 1);
    assert_eq!(body_of(&ingests[0])["meterApiName"], json!("other-meter"));
    assert_eq!(body_of(&ingests[0])["uniqueId"], json!("evt-2"));

    steps::ingest_event(&client, &inputs, &created)
        .await
        .expect("ingestEvent succeeds");
    let ingests = requests_to(&server, "/ingest").await;
    assert_eq!(body_of(&ingests[1])["meterApiName"], json!("api-calls"));
    assert_eq!(requests_to(&server, "/meters").await.len(), 1);
}

#[tokio::test]
async fn step_function_reports_criteria_failure() {
    let server = Double::start().await;
    server
        .ingest_event()
        .respond_raw(503, "busy", "text/plain")
        .await;
    let created = steps::CreateMeterOutputs {
        meter_api_name: "api-calls".into(),
    };
    let err = steps::ingest_event(&client(&server), &inputs(None), &created)
        .await
        .expect_err("503 fails");
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "ingestEvent",
                status: 503,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn debug_of_inputs_never_prints_the_api_key() {
    let mut i = inputs(Some("evt-1"));
    i.api_key = "sk-live-SUPERSECRET-42".into();
    let debug = format!("{i:?}");
    let pretty = format!("{i:#?}");
    for text in [&debug, &pretty] {
        assert!(!text.contains("SUPERSECRET"), "{text}");
        assert!(
            text.contains("api-calls"),
            "other fields still shown: {text}"
        );
        assert!(text.contains("api_key"), "{text}");
    }
}

#[tokio::test]
async fn api_key_is_not_echoed_in_errors() {
    let server = Double::start().await;
    server
        .create_meter()
        .respond(401, json!({ "message": format!("bad key {API_KEY}") }))
        .await;
    let err = seed::run(&client(&server), &inputs(None))
        .await
        .expect_err("401");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(API_KEY), "{text}");
    assert_eq!(err.status(), Some(401));
}

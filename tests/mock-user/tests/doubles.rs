//! The service's function tested with the generated test doubles of the seed workflow:
//! no hand-written server, every request checked against the OpenAPI description.

use arazzo_mock_user::{provision, ProvisionError, Usage};
use serde::Serialize;
use serde_json::json;

// The doubles: the same document, compiled with `mocks` in the tests only.
mod doubles {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        mocks,
        // The seed sets `X-API-KEY` itself (it stays as given).
        allow(manual_credential)
    );
}
use doubles::create_meter_and_ingest_event::mock::{self, Double};

const KEY: &str = "test-key";

fn usage() -> Usage {
    Usage {
        units: 12.0,
        requests: 4,
        at_millis: 1_700_000_000_000,
    }
}

#[tokio::test]
async fn happy_path_returns_what_the_examples_predict() {
    let double = Double::start().await;
    double.happy_path().await;
    let client = double.client().expect("a client for the double");

    let done = provision(&client, KEY, "api-calls", "cust-1", usage())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));

    // The outputs are what the happy-path bodies hold (decided at build time from the
    // OpenAPI description: the `IngestMessage` example, `meterApiName` from the schema).
    let created = mock::CREATE_METER.happy_body().expect("a JSON body");
    assert_eq!(Some(done.meter.as_str()), created["meterApiName"].as_str());
    assert_eq!(
        json!(done.message),
        mock::INGEST_EVENT.happy_body().expect("a body")
    );
    assert_eq!(done.message, "1 records were ingested");
    double.verify().await;
}

/// The metering API's error shape, as the test writes it.
#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: &'static str,
}

#[tokio::test]
async fn a_step_answering_404_is_a_rejection_with_the_typed_error_body() {
    let double = Double::start().await;
    double.happy_path().await;
    // Overrides the happy path of that step only; exactly one call expected.
    double
        .ingest_event()
        .respond(
            404,
            ErrorBody {
                code: "NOT_FOUND",
                message: "no such meter",
            },
        )
        .expect(1)
        .await;
    let client = double.client().expect("a client");

    let err = provision(&client, KEY, "api-calls", "cust-1", usage())
        .await
        .expect_err("a 404 fails the step");
    match err {
        ProvisionError::Rejected {
            step,
            status,
            error: Some(error),
        } => {
            assert_eq!((step, status), ("ingestEvent", 404));
            assert_eq!(error.code, "NOT_FOUND");
            assert_eq!(error.message, "no such meter");
        }
        other => panic!("expected a rejection with the error body, got {other:?}"),
    }
    double.verify().await;
}

#[tokio::test]
async fn a_request_that_does_not_follow_the_description_is_caught() {
    let double = Double::start().await;
    double.happy_path().await;
    let client = double.client().expect("a client");

    // 0 requests: the average is NaN, sent as `null` where the API wants a number.
    let bad = Usage {
        requests: 0,
        ..usage()
    };
    // The double answers anyway (the run goes on)...
    provision(&client, KEY, "api-calls", "cust-1", bad)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    // ...and records what differs, naming the step and the operation.
    let found = double.take_mismatches();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("step `ingestEvent` (operation `ingestMeterEvents`, `POST /ingest`)"),
        "{found:#?}"
    );
    assert!(found[0].contains("/meterValue"), "{found:#?}");
}

#[tokio::test]
#[should_panic(expected = "request(s) that do not follow the OpenAPI description")]
async fn verify_fails_the_test_on_a_mismatch() {
    let double = Double::start().await;
    double.happy_path().await;
    let client = double.client().expect("a client");
    let bad = Usage {
        requests: 0,
        ..usage()
    };
    let _ = provision(&client, KEY, "api-calls", "cust-1", bad).await;
    double.verify().await;
}

#[tokio::test]
async fn a_step_without_an_answer_is_a_mismatch_too() {
    let double = Double::start().await;
    // Only the first step answers.
    double
        .create_meter()
        .respond(
            200,
            json!({
                "meterApiName": "api-calls", "label": "API calls", "meterType": "SUM_OF_ALL_USAGE"
            }),
        )
        .await;
    let client = double.client().expect("a client");
    let err = provision(&client, KEY, "api-calls", "cust-1", usage())
        .await
        .expect_err("the second step gets a 404");
    assert!(
        matches!(
            err,
            ProvisionError::Rejected {
                step: "ingestEvent",
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
    let found = double.take_mismatches();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("no answer is mounted for the step"),
        "{found:#?}"
    );
}

#[tokio::test]
#[should_panic(expected = "does not match the documented schema: at `/meterApiName`")]
async fn an_answer_the_description_does_not_allow_is_refused_when_mounted() {
    let double = Double::start().await;
    // The 200 of `createMeterDefinition` is a `MeterDefinition`: `meterApiName` is a string.
    double
        .create_meter()
        .respond(
            200,
            json!({"meterApiName": 7, "label": "x", "meterType": "y"}),
        )
        .await;
}

#[tokio::test]
async fn matchers_select_the_answer_and_are_checked_against_the_operation() {
    let double = Double::start().await;
    double.happy_path().await;
    // Only the event of customer `cust-2` is refused.
    double
        .ingest_event()
        .when_param("X-API-KEY", KEY)
        .when_body(json!({ "customerId": "cust-2" }))
        .respond(400, json!({ "code": "BLOCKED" }))
        .await;
    let client = double.client().expect("a client");
    provision(&client, KEY, "api-calls", "cust-1", usage())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let err = provision(&client, KEY, "api-calls", "cust-2", usage())
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            ProvisionError::Rejected {
                step: "ingestEvent",
                status: 400,
                ..
            }
        ),
        "{err:?}"
    );
    double.verify().await;
}

#[tokio::test]
#[should_panic(
    expected = "`when_body` can match no request of the operation: at `/`: matches none of the oneOf alternatives (the first: at `/meterValue`: expected \"number\", found string"
)]
async fn a_body_matcher_no_request_can_satisfy_is_refused() {
    let double = Double::start().await;
    double
        .ingest_event()
        .when_body(json!({ "meterValue": "three" }))
        .status(200)
        .await;
}

#[tokio::test]
#[should_panic(
    expected = "the operation has no parameter `customer` (it has: ingestSchemaId, X-API-KEY)"
)]
async fn a_parameter_the_operation_does_not_have_is_refused() {
    let double = Double::start().await;
    double
        .ingest_event()
        .when_param("customer", "c")
        .status(200)
        .await;
}

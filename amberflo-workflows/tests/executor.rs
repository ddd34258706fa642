//! The journaling seam (`arazzo::executor`): the generated `run` passes
//! every step's exchange and every retry wait through the client's step
//! executor, and runs on recorded results without sending anything again.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amberflo_workflows::fake::FakeAmberflo;
use amberflo_workflows::{create_meter_and_ingest_event as seed, upsert_customer};
use arazzo::executor::{BoxFuture, StepExecutor};
use arazzo::rt::StepInfo;
use serde_json::json;

const KEY: &str = "sk-journal-SECRET-91";

/// Runs every exchange and records its result; records waits without waiting.
#[derive(Default)]
struct Recorder {
    entries: Mutex<Vec<(&'static str, Vec<u8>)>>,
    sleeps: Mutex<Vec<Duration>>,
}

impl StepExecutor for Recorder {
    fn step<'a>(
        &'a self,
        step: &'static StepInfo,
        exchange: BoxFuture<'a, Result<Vec<u8>, arazzo::Error>>,
    ) -> BoxFuture<'a, Result<Vec<u8>, arazzo::Error>> {
        Box::pin(async move {
            let bytes = exchange.await?;
            self.entries
                .lock()
                .unwrap()
                .push((step.step, bytes.clone()));
            Ok(bytes)
        })
    }

    fn sleep<'a>(&'a self, _step: &'static StepInfo, delay: Duration) -> BoxFuture<'a, ()> {
        self.sleeps.lock().unwrap().push(delay);
        Box::pin(async {})
    }
}

/// Returns recorded results in order and never runs an exchange.
struct Replayer {
    entries: Mutex<Vec<(&'static str, Vec<u8>)>>,
}

impl StepExecutor for Replayer {
    fn step<'a>(
        &'a self,
        step: &'static StepInfo,
        _exchange: BoxFuture<'a, Result<Vec<u8>, arazzo::Error>>,
    ) -> BoxFuture<'a, Result<Vec<u8>, arazzo::Error>> {
        let (recorded_step, bytes) = self.entries.lock().unwrap().remove(0);
        assert_eq!(recorded_step, step.step, "replayed in another order");
        Box::pin(async move { Ok(bytes) })
    }

    fn sleep<'a>(&'a self, _step: &'static StepInfo, _delay: Duration) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

async fn fake_and_client() -> (FakeAmberflo, arazzo::Client) {
    let fake = FakeAmberflo::start_with_api_key(KEY).await.unwrap();
    let client = arazzo::Client::builder()
        .server("meteringApi", fake.base_url())
        .server("billingApi", fake.base_url())
        .build()
        .unwrap();
    (fake, client)
}

fn text_of(entries: &[(&'static str, Vec<u8>)]) -> String {
    entries
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect()
}

#[tokio::test]
async fn the_seed_runs_again_from_recorded_outputs_without_sending() {
    let (fake, client) = fake_and_client().await;
    let inputs = seed::Inputs {
        api_key: KEY.into(),
        meter_api_name: "api-calls".into(),
        display_name: "API calls".into(),
        r#type: "SUM_OF_ALL_USAGE".into(),
        customer_id: "cust-1".into(),
        meter_value: 3.0,
        meter_time_in_millis: 1_700_000_000_000,
        unique_id: None,
    };
    let recorder = Arc::new(Recorder::default());
    let live = seed::run(&client.with_step_executor(recorder.clone()), &inputs)
        .await
        .unwrap();
    let entries = recorder.entries.lock().unwrap().clone();
    let steps: Vec<&str> = entries.iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, ["createMeter", "ingestEvent"]);
    // The entries are the typed outputs of the steps, without the key.
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&entries[0].1).unwrap(),
        json!({ "meterApiName": "api-calls" })
    );
    assert!(!text_of(&entries).contains(KEY));

    let replayer = Arc::new(Replayer {
        entries: Mutex::new(entries),
    });
    let replayed = seed::run(&client.with_step_executor(replayer.clone()), &inputs)
        .await
        .unwrap();
    assert_eq!(replayed, live);
    assert!(replayer.entries.lock().unwrap().is_empty());
    assert_eq!(fake.request_count("createMeterDefinition"), 1);
    assert_eq!(fake.request_count("ingestMeterEvents"), 1);
}

#[tokio::test]
async fn retry_waits_and_read_responses_go_through_the_executor() {
    let (fake, client) = fake_and_client().await;
    fake.fail_next("createCustomer", 1, 429, Some(7));
    let inputs: upsert_customer::Inputs = serde_json::from_value(json!({
        "apiKey": KEY, "customerId": "acme", "customerName": "Acme",
    }))
    .unwrap();
    let recorder = Arc::new(Recorder::default());
    let live = upsert_customer::run(&client.with_step_executor(recorder.clone()), &inputs)
        .await
        .unwrap();
    // The wait is the executor's (Retry-After: 7 s; nothing slept here).
    assert_eq!(*recorder.sleeps.lock().unwrap(), [Duration::from_secs(7)]);
    let entries = recorder.entries.lock().unwrap().clone();
    let steps: Vec<&str> = entries.iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, ["findCustomer", "createCustomer", "createCustomer"]);
    assert!(text_of(&entries).contains("\"status\":429"));
    assert!(!text_of(&entries).contains(KEY));
    let sent = fake.request_count("createCustomer");
    assert_eq!(sent, 2);

    let replayed = upsert_customer::run(
        &client.with_step_executor(Arc::new(Replayer {
            entries: Mutex::new(entries),
        })),
        &inputs,
    )
    .await
    .unwrap();
    assert_eq!(replayed, live);
    assert_eq!(fake.request_count("createCustomer"), sent);
}

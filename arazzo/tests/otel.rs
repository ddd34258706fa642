//! The OpenTelemetry spans of a run of the seed workflow, read through
//! `tracing-opentelemetry` into the SDK's in-memory exporter: names,
//! parent and child, kinds, attributes, and no secret anywhere.

use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::layer::SubscriberExt as _;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod seed {
    arazzo::arazzo_workflow!(
        "../specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        allow(manual_credential)
    );
}
mod retries {
    arazzo::arazzo_workflow!("../tests/specs/arazzo/retries.arazzo.yaml");
}
mod secrets {
    arazzo::arazzo_workflow!(
        "../tests/specs/arazzo/secrets.arazzo.yaml",
        allow(manual_credential)
    );
}
mod orders {
    arazzo::arazzo_workflow!("../tests/specs/arazzo/order-events.arazzo.yaml");
}
use seed::create_meter_and_ingest_event::{self as workflow, Inputs};

const API_KEY: &str = "sk-otel-SECRET-4242";

fn inputs() -> Inputs {
    Inputs {
        api_key: API_KEY.into(),
        meter_api_name: "api-calls".into(),
        display_name: "API calls".into(),
        r#type: "SUM_OF_ALL_USAGE".into(),
        customer_id: "cust-1".into(),
        meter_value: 3.0,
        meter_time_in_millis: 1_700_000_000_000,
        unique_id: None,
    }
}

/// Awaits `run` with a tracing-opentelemetry subscriber installed for this
/// thread; returns its result and the finished spans.
async fn traced<T>(run: impl std::future::Future<Output = T>) -> (T, Vec<SpanData>) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("otel-test")));
    let result = {
        let _guard = tracing::subscriber::set_default(subscriber);
        run.await
    };
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    (result, spans)
}

/// Runs the seed against `server`, traced.
async fn traced_run(
    server: &MockServer,
) -> (Result<workflow::Outputs, arazzo::Error>, Vec<SpanData>) {
    let client = arazzo::Client::builder()
        .server("meteringApi", server.uri())
        .build()
        .unwrap();
    traced(workflow::run(&client, &inputs())).await
}

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn text(span: &SpanData, key: &str) -> String {
    match attr(span, key) {
        Some(v) => v.as_str().into_owned(),
        None => panic!(
            "`{key}` missing on span `{}`: {:?}",
            span.name, span.attributes
        ),
    }
}

fn int(span: &SpanData, key: &str) -> i64 {
    match attr(span, key) {
        Some(Value::I64(n)) => *n,
        other => panic!("`{key}` on span `{}` is {other:?}", span.name),
    }
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    let found: Vec<&SpanData> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "one `{name}` span in {:?}", names(spans));
    found[0]
}

fn names(spans: &[SpanData]) -> Vec<String> {
    spans.iter().map(|s| s.name.to_string()).collect()
}

/// Nothing a span carries (name, attributes, status, events) holds the key.
fn assert_no_secret(spans: &[SpanData]) {
    for span in spans {
        let mut seen = vec![span.name.to_string(), format!("{:?}", span.status)];
        seen.extend(
            span.attributes
                .iter()
                .map(|kv| format!("{}={}", kv.key, kv.value)),
        );
        seen.extend(span.events.iter().flat_map(|e| {
            std::iter::once(e.name.to_string()).chain(
                e.attributes
                    .iter()
                    .map(|kv| format!("{}={}", kv.key, kv.value)),
            )
        }));
        for item in seen {
            assert!(
                !item.contains(API_KEY),
                "the API key in span `{}`: {item}",
                span.name
            );
            assert!(
                !item.contains("SECRET"),
                "the API key in span `{}`: {item}",
                span.name
            );
        }
    }
}

async fn seed_server(ingest_status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/meters"))
        .and(header("X-API-KEY", API_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "meterApiName": "api-calls"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ingest"))
        .and(header("X-API-KEY", API_KEY))
        .respond_with(
            ResponseTemplate::new(ingest_status).set_body_string("1 records were ingested"),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_run_is_a_workflow_span_with_one_client_span_per_request() {
    let server = seed_server(200).await;
    let (result, spans) = traced_run(&server).await;
    let outputs = result.unwrap();
    assert_eq!(outputs.ingest_result, "1 records were ingested");
    assert_eq!(spans.len(), 3, "{:?}", names(&spans));

    let run = named(&spans, "create-meter-and-ingest-event");
    assert_eq!(run.span_kind, SpanKind::Internal);
    assert_eq!(
        text(run, "arazzo.workflow.id"),
        "create-meter-and-ingest-event"
    );
    assert_eq!(
        run.parent_span_id,
        opentelemetry::trace::SpanId::INVALID,
        "the run is a root"
    );
    assert!(attr(run, "error.type").is_none());

    let port = i64::from(server.address().port());
    for (name, step, template) in [
        ("POST /meters", "createMeter", "/meters"),
        ("POST /ingest", "ingestEvent", "/ingest"),
    ] {
        let request = named(&spans, name);
        assert_eq!(request.span_kind, SpanKind::Client, "{name}");
        assert_eq!(
            request.parent_span_id,
            run.span_context.span_id(),
            "{name} is a child of the run"
        );
        assert_eq!(request.span_context.trace_id(), run.span_context.trace_id());
        assert_eq!(text(request, "http.request.method"), "POST");
        assert_eq!(text(request, "url.template"), template);
        assert_eq!(text(request, "server.address"), "127.0.0.1");
        assert_eq!(int(request, "server.port"), port);
        assert_eq!(
            text(request, "url.full"),
            format!("{}{template}", server.uri())
        );
        assert_eq!(int(request, "http.response.status_code"), 200);
        assert_eq!(text(request, "arazzo.step.id"), step);
        assert_eq!(
            text(request, "arazzo.workflow.id"),
            "create-meter-and-ingest-event"
        );
        assert!(attr(request, "error.type").is_none(), "{name}");
        assert!(
            attr(request, "http.request.resend_count").is_none(),
            "{name}: not a retry"
        );
        assert_eq!(request.status, Status::Unset, "{name}");
    }
    assert_no_secret(&spans);
}

#[tokio::test]
async fn a_failed_request_sets_error_type_on_its_span_and_the_run() {
    let server = seed_server(503).await;
    let (result, spans) = traced_run(&server).await;
    let error = result.unwrap_err();
    assert_eq!(error.status(), Some(503));

    let request = named(&spans, "POST /ingest");
    assert_eq!(int(request, "http.response.status_code"), 503);
    assert_eq!(text(request, "error.type"), "503");
    assert!(
        matches!(request.status, Status::Error { .. }),
        "{:?}",
        request.status
    );
    let run = named(&spans, "create-meter-and-ingest-event");
    assert_eq!(text(run, "error.type"), "503");
    assert!(matches!(run.status, Status::Error { .. }));
    assert!(attr(named(&spans, "POST /meters"), "error.type").is_none());
    assert_no_secret(&spans);
}

/// Without a subscriber, the run makes no span at all (and still works).
#[tokio::test]
async fn without_a_subscriber_the_run_works_untraced() {
    let server = seed_server(200).await;
    let client = arazzo::Client::builder()
        .server("meteringApi", server.uri())
        .build()
        .unwrap();
    assert!(tracing::Span::current().is_none());
    let outputs = workflow::run(&client, &inputs()).await.unwrap();
    assert_eq!(outputs.meter_api_name, "api-calls");
}

/// A step retried by its `retry` action: one span per request, the resends
/// counted in `http.request.resend_count`.
#[tokio::test]
async fn retries_count_their_resends() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/invoices/inv-1/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/invoices/inv-1/payments"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"receiptId": "r-1"})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = arazzo::Client::builder()
        .server("billing", server.uri())
        .build()
        .unwrap();
    let inputs = retries::pay_with_retries::Inputs {
        invoice_id: "inv-1".into(),
        amount: 10,
    };
    let (result, spans) = traced(retries::pay_with_retries::run(&client, &inputs)).await;
    assert_eq!(result.unwrap().receipt_id, "r-1");
    let mut requests: Vec<&SpanData> = spans
        .iter()
        .filter(|s| s.name == "POST /invoices/{invoiceId}/payments")
        .collect();
    requests.sort_by_key(|s| s.start_time);
    let seen: Vec<(i64, Option<i64>)> = requests
        .iter()
        .map(|s| {
            let resent = match attr(s, "http.request.resend_count") {
                Some(Value::I64(n)) => Some(*n),
                None => None,
                other => panic!("{other:?}"),
            };
            (int(s, "http.response.status_code"), resent)
        })
        .collect();
    assert_eq!(seen, [(503, None), (503, Some(1)), (200, Some(2))]);
    let run = named(&spans, "pay-with-retries");
    for request in requests {
        assert_eq!(request.parent_span_id, run.span_context.span_id());
        assert_eq!(
            text(request, "url.template"),
            "/invoices/{invoiceId}/payments"
        );
        assert_eq!(
            text(request, "url.full"),
            format!("{}/invoices/inv-1/payments", server.uri())
        );
    }
}

/// A credential in the query string is redacted in `url.full`.
#[tokio::test]
async fn query_credentials_are_redacted_in_url_full() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    let client = arazzo::Client::builder()
        .server("vault", server.uri())
        .build()
        .unwrap();
    let inputs = secrets::ping_with_key::Inputs {
        api_key: API_KEY.into(),
        label: Some("nightly".into()),
    };
    let (result, spans) = traced(secrets::ping_with_key::run(&client, &inputs)).await;
    assert!(result.unwrap().ok);
    // The server did get the key: the span is what hides it.
    let received = server.received_requests().await.unwrap();
    assert!(received[0].url.as_str().contains(API_KEY));
    let request = named(&spans, "GET /ping");
    assert_eq!(
        text(request, "url.full"),
        format!("{}/ping?api_key=[redacted]&label=nightly", server.uri())
    );
    assert_no_secret(&spans);
}

/// The set-up code of `docs/observability.md` is the example's
/// (`examples/otlp.rs`), which CI builds: the guide's code compiles.
#[test]
fn the_guide_shows_the_example_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("examples/otlp.rs")).unwrap();
    let guide = std::fs::read_to_string(root.join("../docs/observability.md")).unwrap();
    let start = example.find("// --- guide start\n").unwrap() + "// --- guide start\n".len();
    let end = example.find("// --- guide end").unwrap();
    let shown = &example[start..end];
    assert!(shown.contains("fn init_tracing()"));
    assert!(
        guide.contains(&format!("```rust\n{shown}```")),
        "docs/observability.md must show, in a ```rust block:\n{shown}"
    );
}

/// Event-driven steps: a producer span for the message sent, a consumer span
/// for the message received, with the messaging attributes.
#[tokio::test]
async fn message_steps_follow_the_messaging_conventions() {
    use arazzo::transport::{InMemoryTransport, Message};
    let broker = InMemoryTransport::new();
    // The confirmation is waiting before the receive step starts.
    broker.publish(
        "orders.confirmed",
        Message::json(&serde_json::json!({
            "orderId": "o-42", "status": "CONFIRMED", "confirmationId": "conf-1"
        }))
        .unwrap()
        .with_header("correlationId", "c-42"),
    );
    let client = arazzo::Client::builder()
        .transport(broker.clone())
        .build()
        .unwrap();
    let inputs = orders::place_and_confirm_order::Inputs {
        order_id: "o-42".into(),
        sku: "ROSE-RED".into(),
        quantity: 3,
        correlation_id: "c-42".into(),
    };
    let (result, spans) = traced(orders::place_and_confirm_order::run(&client, &inputs)).await;
    assert_eq!(result.unwrap().confirmation_id, "conf-1");
    let run = named(&spans, "place-and-confirm-order");
    for (name, kind, operation, channel, step) in [
        (
            "send orders.placed",
            SpanKind::Producer,
            "send",
            "orders.placed",
            "placeOrder",
        ),
        (
            "receive orders.confirmed",
            SpanKind::Consumer,
            "receive",
            "orders.confirmed",
            "confirmOrder",
        ),
    ] {
        let span = named(&spans, name);
        assert_eq!(span.span_kind, kind, "{name}");
        assert_eq!(span.parent_span_id, run.span_context.span_id(), "{name}");
        assert_eq!(text(span, "messaging.operation.type"), operation);
        assert_eq!(text(span, "messaging.destination.name"), channel);
        assert_eq!(text(span, "arazzo.step.id"), step);
        assert!(attr(span, "error.type").is_none(), "{name}");
    }
}

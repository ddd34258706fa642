//! Runs the seed workflow with its spans exported over OTLP (HTTP/protobuf)
//! to an OpenTelemetry collector: see `docs/observability.md`.
//!
//! ```text
//! AMBERFLO_API_KEY=... OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 \
//!   cargo run -p arazzo --example otlp -- https://app.amberflo.io
//! ```

mod seed {
    arazzo::arazzo_workflow!(
        "../specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        allow(manual_credential)
    );
}
use seed::create_meter_and_ingest_event as workflow;

// docs/observability.md shows this part (a test checks they agree).
// --- guide start
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_subscriber::layer::SubscriberExt as _;

/// Sends the spans of every workflow run to the OTLP endpoint named by
/// `OTEL_EXPORTER_OTLP_ENDPOINT` (default `http://localhost:4318`), in batches.
fn init_tracing() -> Result<SdkTracerProvider, Box<dyn std::error::Error>> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name("billing-service")
                .build(),
        )
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("billing-service")));
    tracing::subscriber::set_global_default(subscriber)?;
    Ok(provider)
}
// --- guide end

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(base_url) = std::env::args().nth(1) else {
        eprintln!("usage: otlp <amberflo base url>   (API key in AMBERFLO_API_KEY)");
        std::process::exit(2);
    };
    let api_key = std::env::var("AMBERFLO_API_KEY")?;
    let provider = init_tracing()?;
    let client = arazzo::Client::builder()
        .server("meteringApi", base_url.as_str())
        .build()?;
    let inputs = workflow::Inputs {
        api_key,
        meter_api_name: "api-calls".into(),
        display_name: "API calls".into(),
        r#type: "SUM_OF_ALL_USAGE".into(),
        customer_id: "cust-1".into(),
        meter_value: 3.0,
        meter_time_in_millis: 1_700_000_000_000,
        unique_id: None,
    };
    let result = workflow::run(&client, &inputs).await;
    // Sends the spans still in the batch before the process ends.
    provider.shutdown()?;
    println!("{:?}", result?);
    Ok(())
}

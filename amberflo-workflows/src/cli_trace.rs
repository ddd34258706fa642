//! A `tracing` layer that prints one line per HTTP request a workflow step
//! makes: workflow, step, method, path, HTTP status and elapsed time.
//!
//! It listens to the `arazzo_request` spans the `arazzo` runtime opens
//! around every request, reading their OpenTelemetry fields
//! (`arazzo.workflow.id`, `arazzo.step.id`, `http.request.method`,
//! `url.template`, `http.response.status_code`); the runtime never records
//! header values, so the API key cannot reach this output.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// Name of the span the runtime opens around each request.
const REQUEST_SPAN: &str = "arazzo_request";

/// Prints a line to stderr for every finished request span.
pub struct StepPrinter {
    /// The workflow the user ran; steps of other (nested or `dependsOn`)
    /// workflows are prefixed with their workflow id.
    pub top_workflow: &'static str,
}

/// What is known about one request span.
#[derive(Default)]
struct RequestInfo {
    workflow: String,
    step: String,
    method: String,
    path: String,
    status: Option<u64>,
    failed: bool,
    start: Option<Instant>,
}

impl Visit for RequestInfo {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "arazzo.workflow.id" => self.workflow = value.to_owned(),
            "arazzo.step.id" => self.step = value.to_owned(),
            "http.request.method" => self.method = value.to_owned(),
            "url.template" => self.path = value.to_owned(),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "http.response.status_code" {
            self.status = Some(value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if field.name() == "http.response.status_code" {
            self.status = u64::try_from(value).ok();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // Only string-like fields matter; their Debug form is quoted.
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        let text = text.trim_matches('"').to_owned();
        self.record_str(field, &text);
    }
}

/// Notes whether an event inside a request span reports a failure.
#[derive(Default)]
struct FailureVisitor {
    failed: bool,
}

impl Visit for FailureVisitor {
    fn record_debug(&mut self, field: &Field, _value: &dyn fmt::Debug) {
        if field.name() == "error" {
            self.failed = true;
        }
    }
}

fn format_elapsed(elapsed: Duration) -> String {
    let ms = elapsed.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

impl<S> Layer<S> for StepPrinter
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != REQUEST_SPAN {
            return;
        }
        let mut info = RequestInfo {
            start: Some(Instant::now()),
            ..RequestInfo::default()
        };
        attrs.record(&mut info);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(info);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(info) = span.extensions_mut().get_mut::<RequestInfo>() {
                values.record(info);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let mut visitor = FailureVisitor::default();
        event.record(&mut visitor);
        if visitor.failed {
            if let Some(info) = span.extensions_mut().get_mut::<RequestInfo>() {
                info.failed = true;
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let extensions = span.extensions();
        let Some(info) = extensions.get::<RequestInfo>() else {
            return;
        };
        let elapsed = info.start.map(|s| s.elapsed()).unwrap_or_default();
        let step = if info.workflow == self.top_workflow {
            info.step.clone()
        } else {
            format!("{}/{}", info.workflow, info.step)
        };
        let outcome = match (info.status, info.failed) {
            (Some(status), _) => format!("HTTP {status}"),
            (None, true) => "request failed".to_owned(),
            (None, false) => "no response".to_owned(),
        };
        let line = format!(
            "  step {step:<28} {:<6} {:<45} {outcome:<10} {}\n",
            info.method,
            info.path,
            format_elapsed(elapsed)
        );
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

//! The `tracing` spans of a run, named and filled after the OpenTelemetry
//! semantic conventions (HTTP client spans, messaging spans), with the
//! fields `tracing-opentelemetry` reads (`otel.name`, `otel.kind`,
//! `otel.status_code`). See `docs/observability.md`.
//!
//! * `arazzo_workflow`: one per run of a workflow (workflows it runs nest
//!   inside), `arazzo.workflow.id`;
//! * `arazzo_request`: one per HTTP request ([`Request::send`](super::Request::send)),
//!   named `{method} {url.template}`;
//! * `arazzo_message`: one per message sent or received by an event-driven step.
//!
//! No span is made when no subscriber enables the `INFO` level: without a
//! subscriber, the cost is one check of a global.

use std::cell::Cell;
use std::future::Future;

use tracing::Instrument;

use crate::Error;

/// Whether a subscriber may want an `INFO` span (the check `info_span!` starts with).
pub(crate) fn enabled() -> bool {
    tracing::Level::INFO <= tracing::level_filters::LevelFilter::current()
}

/// `error.type` of an error: a short, low-cardinality class (the HTTP status
/// for a step whose criteria failed on a response).
pub(crate) fn error_type(error: &Error) -> String {
    let class = match error {
        Error::Timeout { .. } | Error::WorkflowTimeout { .. } | Error::MessageTimeout { .. } => {
            "timeout"
        }
        Error::Connect { .. } => "connect",
        Error::TooManyRedirects { .. } => "too_many_redirects",
        Error::Transport { .. } => "transport",
        Error::BodyTooLarge { .. } | Error::MessageTooLarge { .. } => "body_too_large",
        Error::BodyInterrupted { .. } => "body_interrupted",
        Error::CriteriaNotMet { .. } | Error::RetriesExhausted { .. } => {
            return match error.status() {
                Some(status) => status.to_string(),
                None => "criteria_not_met".to_owned(),
            }
        }
        Error::WorkflowCriteriaNotMet { .. } | Error::WorkflowRetriesExhausted { .. } => {
            "criteria_not_met"
        }
        Error::StepLimitExceeded { .. } => "step_limit_exceeded",
        Error::Send { .. } => "send",
        Error::Receive { .. } => "receive",
        _ => "_OTHER",
    };
    class.to_owned()
}

/// Records `error.type` and the error status on `span`.
pub(crate) fn record_error(span: &tracing::Span, error: &Error) {
    span.record("error.type", error_type(error));
    span.record("otel.status_code", "ERROR");
}

/// Runs `run`, a run of workflow `workflow`, inside an `arazzo_workflow`
/// span (`otel.kind` internal, `arazzo.workflow.id`; `error.type` when it
/// fails). The requests of its steps, and the workflows it runs, are its
/// children. Without a subscriber, `run` is awaited as it is.
///
/// # Errors
///
/// The run's own error.
pub async fn workflow_span<T>(
    workflow: &'static str,
    run: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    if !enabled() {
        return run.await;
    }
    let span = tracing::info_span!(
        "arazzo_workflow",
        otel.name = workflow,
        otel.kind = "internal",
        otel.status_code = tracing::field::Empty,
        arazzo.workflow.id = workflow,
        error.type = tracing::field::Empty,
    );
    if span.is_disabled() {
        return run.await;
    }
    let result = run.instrument(span.clone()).await;
    if let Err(error) = &result {
        record_error(&span, error);
    }
    result
}

thread_local! {
    /// How many times the request being sent was sent before (`retry`
    /// actions), set while [`Run`](super::Run) polls the step's exchange.
    static RESEND: Cell<u32> = const { Cell::new(0) };
}

/// How many times the step whose exchange is being polled on this thread was
/// sent before (0 outside a retry).
pub(crate) fn resend_count() -> u32 {
    RESEND.with(Cell::get)
}

/// Awaits `exchange` with [`resend_count`] reading `count` while it is polled.
pub(crate) async fn with_resend_count<F: Future>(count: u32, exchange: F) -> F::Output {
    if count == 0 {
        return exchange.await;
    }
    let mut exchange = std::pin::pin!(exchange);
    std::future::poll_fn(move |cx| {
        let outer = RESEND.with(|c| c.replace(count));
        // Put back even if the poll panics.
        let _restore = Restore(outer);
        exchange.as_mut().poll(cx)
    })
    .await
}

/// Puts back the outer resend count when dropped.
struct Restore(u32);

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = RESEND.try_with(|c| c.set(self.0));
    }
}

/// The `url.full` of a request URL: without user name and password, the
/// values of its secret query parameters and every secret text `[redacted]`
/// (as errors show it); `None` when it does not parse.
pub(crate) fn redacted_url(
    url: &str,
    secret_query: &[String],
    secrets: &[String],
) -> Option<url::Url> {
    let mut url = url::Url::parse(url).ok()?;
    crate::error::scrub_url(&mut url, secret_query, false);
    crate::error::scrub_url_values(&mut url, secrets);
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_credentials() {
        let url = redacted_url(
            "https://user:pw@api.example.com:8443/v1/sk-LEAK/x?api_key=sk-1&page=2",
            &["api_key".to_owned()],
            &["sk-LEAK".to_owned()],
        );
        assert_eq!(
            url.map(|u| u.to_string()).as_deref(),
            Some("https://api.example.com:8443/v1/[redacted]/x?api_key=[redacted]&page=2")
        );
    }

    #[tokio::test]
    async fn the_resend_count_is_scoped_to_the_exchange() {
        assert_eq!(resend_count(), 0);
        let inside = with_resend_count(2, async { resend_count() }).await;
        assert_eq!(inside, 2);
        assert_eq!(resend_count(), 0);
    }

    #[test]
    fn error_types_are_classes() {
        let e = Error::StepLimitExceeded {
            workflow: "w",
            limit: 1,
        };
        assert_eq!(error_type(&e), "step_limit_exceeded");
        let e = Error::CriteriaNotMet {
            workflow: "w",
            step: "s",
            operation: "o",
            status: 404,
            body: String::new(),
        };
        assert_eq!(error_type(&e), "404");
    }
}

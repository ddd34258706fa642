//! The journaling seam: how a workflow run executes its steps' exchanges and
//! its waits.
//!
//! By default the generated `run` executes each exchange at once and sleeps
//! with tokio. A [`StepExecutor`] given to a client with
//! [`Client::with_step_executor`](crate::Client::with_step_executor) sees
//! every exchange and every wait of the runs made with that client, so that a
//! durable-execution engine can record a finished step's result and return it
//! on replay instead of executing the step again (the `arazzo-restate` crate
//! does this on Restate).
//!
//! What an executor receives is already encoded: the typed outputs of a step
//! as JSON, or the response a step's actions read (status, headers, body;
//! the request's secrets scrubbed). It returns the same bytes, fresh or
//! recorded, and the run decodes them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::rt::StepInfo;
use crate::Error;

/// A boxed, sendable future (what [`StepExecutor`] methods take and return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Whether an executor may run a failed exchange again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The failure may be transient (connection refused or reset, a timeout,
    /// HTTP 5xx): running the exchange again may succeed.
    Retryable,
    /// Running the exchange again would fail the same way (criteria not met
    /// on a 4xx, outputs of an unexpected shape, invalid parameters...).
    Terminal,
}

/// How [`Error`]s of an exchange are classified for an executor that retries:
/// connection failures, timeouts, cut-short bodies, failures of the message
/// transport and HTTP 5xx are
/// [`Failure::Retryable`], everything else [`Failure::Terminal`].
pub fn classify(error: &Error) -> Failure {
    match error {
        Error::Connect { .. }
        | Error::Timeout { .. }
        | Error::Transport { .. }
        | Error::BodyInterrupted { .. }
        | Error::Send { .. }
        | Error::Receive { .. } => Failure::Retryable,
        Error::CriteriaNotMet { status, .. } if *status >= 500 => Failure::Retryable,
        _ => Failure::Terminal,
    }
}

/// Executes the exchanges and waits of workflow runs (see the [module
/// documentation](self)).
///
/// `exchange` performs one step's exchange (request and response, or message)
/// and yields its result encoded as bytes. An executor must return exactly
/// those bytes (now, or recorded from an earlier execution of the same run),
/// or the error the exchange ended with. The steps of a run call the executor
/// in a deterministic order: for the same inputs and the same recorded
/// results, a run makes the same calls again.
pub trait StepExecutor: Send + Sync {
    /// Runs the exchange of step `step` (or returns its recorded result).
    fn step<'a>(
        &'a self,
        step: &'static StepInfo,
        exchange: BoxFuture<'a, Result<Vec<u8>, Error>>,
    ) -> BoxFuture<'a, Result<Vec<u8>, Error>>;

    /// Waits `delay` before a retry of step `step` (a `retry` action's
    /// `retryAfter`, or the response's `Retry-After`).
    fn sleep<'a>(&'a self, step: &'static StepInfo, delay: Duration) -> BoxFuture<'a, ()>;
}

impl fmt::Debug for dyn StepExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StepExecutor")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unmet(status: u16) -> Error {
        Error::CriteriaNotMet {
            workflow: "wf",
            step: "s",
            operation: "op",
            status,
            body: String::new(),
        }
    }

    #[test]
    fn transient_failures_are_retryable_and_the_rest_terminal() {
        assert_eq!(classify(&unmet(503)), Failure::Retryable);
        assert_eq!(classify(&unmet(500)), Failure::Retryable);
        assert_eq!(classify(&unmet(400)), Failure::Terminal);
        assert_eq!(classify(&unmet(429)), Failure::Terminal);
        let timeout = Error::Timeout {
            workflow: "wf",
            step: "s",
            operation: "op",
            after: Duration::from_secs(1),
        };
        assert_eq!(classify(&timeout), Failure::Retryable);
        let journaled = Error::Journaled {
            workflow: "wf",
            step: "s",
            operation: "op",
            message: String::new(),
        };
        assert_eq!(classify(&journaled), Failure::Terminal);
    }
}

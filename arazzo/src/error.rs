//! The error type of every fallible operation in this crate.

use std::time::Duration;

/// Everything that can go wrong while configuring a [`Client`](crate::Client)
/// or running a workflow.
///
/// Every variant raised while running a step carries the names of the
/// workflow, the step and the operation, and its [`Display`](std::fmt::Display)
/// starts with
/// ``step `createMeter` (operation `createMeterDefinition`) of workflow `create-meter-and-ingest-event`: ``.
///
/// # Secrets
///
/// No variant ever contains the value of a request header, and neither the
/// `Display` nor the `Debug` output of this type can show one. Errors from
/// the HTTP stack ([`reqwest::Error`]) mention the request URL, with any
/// user name and password removed from it and the values of query
/// parameters that carry credentials (an `apiKey` security scheme `in:
/// query`) replaced by `[redacted]`. Text that comes from the server (body
/// excerpts, decoder messages) has secrets scrubbed and control characters
/// escaped, so a server cannot forge log lines or send terminal escapes.
///
/// The type is `Send + Sync + 'static`, so it works with `?` into
/// `Box<dyn std::error::Error + Send + Sync>` and similar.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A server URL (from [`ClientBuilder::server`](crate::ClientBuilder::server)
    /// or a source description's default) is malformed or does not use the
    /// `http` or `https` scheme.
    #[error("invalid server URL `{url}` for source description `{source_name}`: {reason}")]
    InvalidServerUrl {
        /// Name of the source description the URL is for.
        source_name: String,
        /// The rejected URL (with any password removed when it could be parsed).
        url: String,
        /// Why the URL was rejected.
        reason: String,
    },

    /// The connection to the server could not be established (refused,
    /// unreachable, DNS failure, TLS handshake failure).
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: could not connect to the server: {source}")]
    Connect {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The underlying HTTP error (URL credentials removed).
        source: reqwest::Error,
    },

    /// The request (including reading the response body) took longer than
    /// the client's request timeout.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: no complete response within {after:?}")]
    Timeout {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The request timeout that elapsed.
        after: Duration,
    },

    /// The whole workflow run took longer than the client's workflow timeout.
    #[error("workflow `{workflow}` did not finish within {after:?}")]
    WorkflowTimeout {
        /// Workflow id.
        workflow: &'static str,
        /// The workflow timeout that elapsed.
        after: Duration,
    },

    /// The server redirected too many times (or in a loop).
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: too many redirects: {source}")]
    TooManyRedirects {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The underlying HTTP error (URL credentials removed).
        source: reqwest::Error,
    },

    /// Any other failure of the HTTP stack while sending the request or
    /// receiving the response head.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: HTTP request failed: {source}")]
    Transport {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The underlying HTTP error (URL credentials removed).
        source: reqwest::Error,
    },

    /// The response body is larger than the client's body limit.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },

    /// The connection broke while the response body was being read.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: response body was cut short: {source}")]
    BodyInterrupted {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The underlying HTTP error (URL credentials removed).
        source: reqwest::Error,
    },

    /// The step's success criteria did not hold for the response.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: success criteria not met (HTTP {status}): {body}")]
    CriteriaNotMet {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// Start of the response body (at most 1 KiB, as text).
        body: String,
    },

    /// The server answered with a redirect (3xx) that the step's success
    /// criteria do not accept. The default HTTP client never follows
    /// redirects: a step sees the 3xx response itself (so a workflow can test
    /// `$statusCode == 302` and read `$response.header.Location`), and
    /// credentials and request bodies never reach another host.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: the server redirected (HTTP {status}) to {}, which the step's success criteria do not accept; redirects are not followed", .location.as_deref().map_or_else(|| "no valid `Location`".to_owned(), |l| format!("`{l}`")))]
    Redirected {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// HTTP status of the response (300-399).
        status: u16,
        /// The `Location` header resolved against the request URL, with any
        /// user name and password removed and every query value replaced by
        /// `[redacted]` (an OAuth `code` or a signed URL's signature is a
        /// secret); `None` when absent or not a valid URL.
        location: Option<String>,
    },

    /// A `retry` failure action ran out of attempts.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: gave up after {attempts} attempts (last HTTP {status}): {body}")]
    RetriesExhausted {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// HTTP status of the last response.
        status: u16,
        /// Start of the last response body (at most 1 KiB, as text).
        body: String,
    },

    /// A response body that must be JSON is not valid JSON.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: response body (HTTP {status}) is not valid JSON: {message}")]
    InvalidJson {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// HTTP status of the response.
        status: u16,
        /// The parser's message (position, not content).
        message: String,
    },

    /// A response body was needed but its content type is neither JSON nor text.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: unexpected response content type `{content_type}`")]
    UnexpectedContentType {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The content type the server sent.
        content_type: String,
    },

    /// A typed output has the wrong shape.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: output `{output}` at `{pointer}` has an unexpected shape: {message}")]
    Decode {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// Name of the output.
        output: String,
        /// Where in the response the output was read (JSON pointer or header).
        pointer: String,
        /// The decoder's message (at most 200 characters).
        message: String,
    },

    /// A workflow output does not have the type generated for it (for example a
    /// required output whose step did not run).
    #[error("workflow `{workflow}`: output `{output}`: {message}")]
    WorkflowOutput {
        /// Workflow id.
        workflow: &'static str,
        /// Name of the output.
        output: String,
        /// What is wrong (at most 200 characters).
        message: String,
    },

    /// The inputs given to a workflow (by a workflow step, or derived for a
    /// `dependsOn` workflow) do not fit its `Inputs` type.
    #[error("workflow `{workflow}`: the inputs for workflow `{target}` do not fit: {message}")]
    InvalidInputs {
        /// Workflow id of the caller.
        workflow: &'static str,
        /// Workflow id of the workflow being started.
        target: &'static str,
        /// What is wrong (at most 200 characters).
        message: String,
    },

    /// A required output is absent from the response.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: output `{output}` is missing (nothing at `{pointer}`)")]
    MissingOutput {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// Name of the output.
        output: String,
        /// Where in the response the output was looked for.
        pointer: String,
    },

    /// A header value contains CR, LF or another character not allowed in
    /// HTTP headers. The value itself is never included. Nothing was sent.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: value of header `{header}` contains characters not allowed in HTTP headers")]
    InvalidHeaderValue {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// Name of the header.
        header: String,
    },

    /// A parameter or request body cannot be serialized as the operation
    /// requires (an object for a path parameter, a missing path parameter,
    /// a nested object in a form body, ...).
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// Name of the parameter.
        name: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The HTTP client could not be created (its TLS backend failed to
    /// initialise). Returned by [`ClientBuilder::build`](crate::ClientBuilder::build),
    /// and by every request of a [`Client::new`](crate::Client::new) that hit it.
    #[error("the HTTP client could not be created: {message}")]
    HttpClientInit {
        /// What failed.
        message: String,
    },

    /// The success criteria of a step that runs a workflow did not hold for
    /// that workflow's outputs (the workflow itself succeeded).
    #[error("step `{step}` (workflow `{called}`) of workflow `{workflow}`: success criteria not met by the outputs of workflow `{called}`")]
    WorkflowCriteriaNotMet {
        /// Workflow id (of the workflow the step belongs to).
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Id of the workflow the step runs.
        called: &'static str,
    },

    /// A `retry` failure action of a step that runs a workflow ran out of
    /// attempts.
    #[error("step `{step}` (workflow `{called}`) of workflow `{workflow}`: gave up after {attempts} attempts; the last one: {last}")]
    WorkflowRetriesExhausted {
        /// Workflow id (of the workflow the step belongs to).
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Id of the workflow the step runs.
        called: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// Why the last attempt failed: the called workflow's error, or
        /// [`Error::WorkflowCriteriaNotMet`].
        last: Box<Error>,
    },

    /// An event-driven step ran, but the client has no [`Transport`](crate::transport::Transport)
    /// for its AsyncAPI source description (see
    /// [`ClientBuilder::transport`](crate::ClientBuilder::transport)). Nothing was sent.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: no message transport is configured for source description `{source_name}`")]
    NoTransport {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// Name of the AsyncAPI source description.
        source_name: &'static str,
    },

    /// The transport failed to publish the message of a `send` step.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: sending on channel `{channel}` failed: {source}")]
    Send {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// The channel address.
        channel: &'static str,
        /// What the transport reported.
        source: crate::transport::TransportError,
    },

    /// The transport failed while a `receive` step waited for its message.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: receiving on channel `{channel}` failed: {source}")]
    Receive {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// The channel address.
        channel: &'static str,
        /// What the transport reported.
        source: crate::transport::TransportError,
    },

    /// No matching message arrived within the `timeout` of a `receive` step
    /// (or the client's request timeout when the step has none).
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: no matching message on channel `{channel}` within {after:?}")]
    MessageTimeout {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// The channel address.
        channel: &'static str,
        /// How long the step waited.
        after: Duration,
    },

    /// The message of an event-driven step did not meet the step's success
    /// criteria (after `attempts` receives, when failure actions retried).
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: success criteria not met by the message on channel `{channel}` (attempt {attempts}): {payload}")]
    MessageCriteriaNotMet {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// The channel address.
        channel: &'static str,
        /// How many messages were tried.
        attempts: u32,
        /// Start of the payload (at most 1 KiB, as text, control characters escaped).
        payload: String,
    },

    /// A message received by a `receive` step is larger than the client's
    /// [`max_body_bytes`](crate::Client::max_body_bytes); it is not read.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: a message received on channel `{channel}` exceeds the limit of {limit} bytes")]
    MessageTooLarge {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// The channel address.
        channel: &'static str,
        /// The limit in bytes.
        limit: usize,
    },

    /// The payload of a message is not valid JSON where JSON was needed.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: the message on channel `{channel}` is invalid: {message}")]
    InvalidMessage {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// AsyncAPI operation id (or channel) the step uses.
        operation: &'static str,
        /// The channel address.
        channel: &'static str,
        /// What is wrong (position, not content).
        message: String,
    },

    /// The workflow executed more steps than the client's step limit
    /// (usually a `goto` loop).
    #[error("workflow `{workflow}` exceeded the limit of {limit} executed steps")]
    StepLimitExceeded {
        /// Workflow id.
        workflow: &'static str,
        /// The step limit.
        limit: usize,
    },

    /// A step failed in an earlier execution of this run, recorded by the
    /// run's [`StepExecutor`](crate::executor::StepExecutor) (a durable
    /// engine's journal) and returned on replay: `message` is that error's
    /// text.
    #[error("{message}")]
    Journaled {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id the step calls.
        operation: &'static str,
        /// The recorded error's text.
        message: String,
    },

    /// The step's operation requires credentials (its OpenAPI `security`)
    /// and no alternative of it has all its credentials configured with
    /// [`ClientBuilder::credential`](crate::ClientBuilder::credential).
    /// Nothing was sent.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: no credential configured for its security requirement; it accepts {accepted} (configure them with `ClientBuilder::credential`)")]
    MissingCredential {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// The alternatives the operation accepts, e.g. `` `shop`/`oauth` or `shop`/`apiKey` + `shop`/`basic` ``.
        accepted: String,
    },

    /// A configured credential could not be applied: its OAuth2 token could
    /// not be fetched (the endpoint refused, answered a redirect or too
    /// large a body, or is not `https`), a provider failed, or it does not
    /// fit the scheme's type. Never shows a secret or a token.
    #[error("step `{step}` (operation `{operation}`) of workflow `{workflow}`: credential `{source_name}`/`{scheme}`: {reason}")]
    Credential {
        /// Workflow id.
        workflow: &'static str,
        /// Step id.
        step: &'static str,
        /// Operation id (or path) the step calls.
        operation: &'static str,
        /// Source description name.
        source_name: &'static str,
        /// Security scheme name.
        scheme: &'static str,
        /// What went wrong.
        reason: String,
    },
}

impl Error {
    /// The id of the step that failed, when the error comes from a step.
    pub fn step(&self) -> Option<&'static str> {
        self.location().map(|(_, step, _)| step)
    }

    /// The id of the operation the failing step calls, when the error comes
    /// from a step.
    pub fn operation(&self) -> Option<&'static str> {
        self.location().map(|(_, _, operation)| operation)
    }

    /// The id of the workflow that failed, when the error comes from a run.
    pub fn workflow(&self) -> Option<&'static str> {
        match self {
            Error::WorkflowTimeout { workflow, .. }
            | Error::StepLimitExceeded { workflow, .. }
            | Error::WorkflowOutput { workflow, .. }
            | Error::InvalidInputs { workflow, .. } => Some(workflow),
            other => other.location().map(|(workflow, _, _)| workflow),
        }
    }

    /// The HTTP status of the response the error is about, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::CriteriaNotMet { status, .. }
            | Error::Redirected { status, .. }
            | Error::RetriesExhausted { status, .. }
            | Error::InvalidJson { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// `(workflow, step, operation)` of step-level errors.
    fn location(&self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Error::MissingCredential {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Credential {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Connect {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Timeout {
                workflow,
                step,
                operation,
                ..
            }
            | Error::TooManyRedirects {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Transport {
                workflow,
                step,
                operation,
                ..
            }
            | Error::BodyTooLarge {
                workflow,
                step,
                operation,
                ..
            }
            | Error::BodyInterrupted {
                workflow,
                step,
                operation,
                ..
            }
            | Error::CriteriaNotMet {
                workflow,
                step,
                operation,
                ..
            }
            | Error::WorkflowCriteriaNotMet {
                workflow,
                step,
                called: operation,
            }
            | Error::WorkflowRetriesExhausted {
                workflow,
                step,
                called: operation,
                ..
            }
            | Error::RetriesExhausted {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Redirected {
                workflow,
                step,
                operation,
                ..
            }
            | Error::InvalidJson {
                workflow,
                step,
                operation,
                ..
            }
            | Error::UnexpectedContentType {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Decode {
                workflow,
                step,
                operation,
                ..
            }
            | Error::MissingOutput {
                workflow,
                step,
                operation,
                ..
            }
            | Error::InvalidHeaderValue {
                workflow,
                step,
                operation,
                ..
            }
            | Error::InvalidParameter {
                workflow,
                step,
                operation,
                ..
            }
            | Error::NoTransport {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Send {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Receive {
                workflow,
                step,
                operation,
                ..
            }
            | Error::MessageTimeout {
                workflow,
                step,
                operation,
                ..
            }
            | Error::MessageCriteriaNotMet {
                workflow,
                step,
                operation,
                ..
            }
            | Error::InvalidMessage {
                workflow,
                step,
                operation,
                ..
            }
            | Error::MessageTooLarge {
                workflow,
                step,
                operation,
                ..
            }
            | Error::Journaled {
                workflow,
                step,
                operation,
                ..
            } => Some((workflow, step, operation)),
            Error::InvalidServerUrl { .. }
            | Error::HttpClientInit { .. }
            | Error::WorkflowTimeout { .. }
            | Error::StepLimitExceeded { .. }
            | Error::WorkflowOutput { .. }
            | Error::InvalidInputs { .. } => None,
        }
    }
}

/// Removes user name and password from the URL a reqwest error mentions,
/// replaces the values of the query parameters named in `secret_query`, and
/// every occurrence of a `secrets` text in its path and query.
pub(crate) fn scrub_reqwest(
    mut err: reqwest::Error,
    secret_query: &[String],
    secrets: &[String],
) -> reqwest::Error {
    if let Some(url) = err.url_mut() {
        scrub_url(url, secret_query, false);
        scrub_url_values(url, secrets);
    }
    err
}

/// Replaces every occurrence of a `secrets` text (as the request encoded it)
/// in the path and the query of `url` by `[redacted]`, longest first.
pub(crate) fn scrub_url_values(url: &mut url::Url, secrets: &[String]) {
    let mut sorted: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let scrub = |text: &str| {
        let mut out = text.to_owned();
        for secret in &sorted {
            if out.contains(secret) {
                out = out.replace(secret, crate::rt::redacted());
            }
        }
        out
    };
    let path = scrub(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    if let Some(query) = url.query() {
        let scrubbed = scrub(query);
        if scrubbed != query {
            url.set_query(Some(&scrubbed));
        }
    }
}

/// Removes credentials from `url`: user name and password always; the values
/// of query parameters named in `secret_query` (or every query value with
/// `all_query`) become `[redacted]`; the fragment is dropped.
pub(crate) fn scrub_url(url: &mut url::Url, secret_query: &[String], all_query: bool) {
    // Both calls only fail for URLs that cannot have credentials at all.
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url.set_fragment(None);
    if url.query().is_none() || (!all_query && secret_query.is_empty()) {
        return;
    }
    let query = url.query().unwrap_or_default();
    let scrubbed: Vec<String> = query
        .split('&')
        .map(|pair| {
            let raw_name = pair.split_once('=').map_or(pair, |(n, _)| n);
            let name = percent_encoding::percent_decode_str(&raw_name.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned();
            if all_query || secret_query.contains(&name) {
                format!("{raw_name}={}", crate::rt::redacted())
            } else {
                pair.to_owned()
            }
        })
        .collect();
    url.set_query(Some(&scrubbed.join("&")));
}

/// Escapes control characters and invisible bidirectional-text controls in
/// text that came from a server, so that it cannot move the cursor, change
/// colours, forge a log line or reorder what a reader sees.
pub(crate) fn escape_controls(text: &str) -> String {
    let risky = |c: char| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(risky) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if risky(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Truncates `text` to at most `max` bytes, on a char boundary.
pub(crate) fn truncate_str(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_str("héllo", 2), "h");
        assert_eq!(truncate_str("héllo", 3), "hé");
        assert_eq!(truncate_str("abc", 10), "abc");
        assert_eq!(truncate_str("", 0), "");
    }

    #[test]
    fn accessors() {
        let e = Error::CriteriaNotMet {
            workflow: "wf",
            step: "s",
            operation: "op",
            status: 500,
            body: "oops".into(),
        };
        assert_eq!(e.step(), Some("s"));
        assert_eq!(e.workflow(), Some("wf"));
        assert_eq!(e.operation(), Some("op"));
        assert_eq!(e.status(), Some(500));
        assert!(e
            .to_string()
            .starts_with("step `s` (operation `op`) of workflow `wf`: "));
        let e = Error::StepLimitExceeded {
            workflow: "wf",
            limit: 3,
        };
        assert_eq!(e.workflow(), Some("wf"));
        assert_eq!(e.step(), None);
        assert_eq!(e.status(), None);
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape_controls("plain é ✓"), "plain é ✓");
        assert_eq!(
            escape_controls("a\u{1b}[31mred\nINFO forged\r\u{202e}x"),
            "a\\u{1b}[31mred\\nINFO forged\\r\\u{202e}x"
        );
    }

    #[test]
    fn urls_are_scrubbed() {
        let mut u = url::Url::parse("https://u:p@h.example/x?api_key=sk-1&page=2#frag")
            .unwrap_or_else(|e| panic!("{e}"));
        scrub_url(&mut u, &["api_key".to_owned()], false);
        assert_eq!(u.as_str(), "https://h.example/x?api_key=[redacted]&page=2");
        let mut u = url::Url::parse("https://h.example/cb?code=abc&state=xyz")
            .unwrap_or_else(|e| panic!("{e}"));
        scrub_url(&mut u, &[], true);
        assert_eq!(
            u.as_str(),
            "https://h.example/cb?code=[redacted]&state=[redacted]"
        );
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Send + Sync + 'static + std::error::Error>() {}
        check::<Error>();
    }
}

//! [`MessageStep`] and [`StepMessage`]: one event-driven step (`action: send`
//! or `action: receive` on an AsyncAPI operation), built by generated code.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;

use super::cond::lookup;
use super::param::{ParamValue, Text};
use super::StepInfo;
use crate::error::{escape_controls, truncate_str};
use crate::transport::{CorrelationLocation, Message, MessageFilter, TransportError};
use crate::{Client, Error};

/// Longest payload excerpt put into an error.
const PAYLOAD_EXCERPT: usize = 1024;

/// The message of one event-driven step, built by generated code and then
/// sent ([`send`](MessageStep::send)) or awaited ([`receive`](MessageStep::receive))
/// through the client's [`Transport`](crate::transport::Transport).
///
/// Its [`StepInfo`] has `method` `"SEND"` or `"RECEIVE"`, `path` the channel
/// address and `source` the AsyncAPI source description.
pub struct MessageStep<'a> {
    client: &'a Client,
    info: &'static StepInfo,
    headers: BTreeMap<String, String>,
    payload: Option<(String, Vec<u8>)>,
    correlation: Option<(CorrelationLocation, Value)>,
    timeout: Option<Duration>,
    error: Option<Error>,
}

impl fmt::Debug for MessageStep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageStep")
            .field("step", &self.info.step)
            .field("channel", &self.info.path)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field(
                "payload_bytes",
                &self.payload.as_ref().map(|(_, b)| b.len()),
            )
            .finish_non_exhaustive()
    }
}

impl<'a> MessageStep<'a> {
    /// Starts the message of the step described by `info`.
    pub fn new(client: &'a Client, info: &'static StepInfo) -> Self {
        MessageStep {
            client,
            info,
            headers: BTreeMap::new(),
            payload: None,
            correlation: None,
            timeout: None,
            error: None,
        }
    }

    /// Bounds how long a receive waits (the step's `timeout`, in milliseconds).
    pub fn step_timeout(&mut self, millis: u64) {
        self.timeout = Some(Duration::from_millis(millis));
    }

    fn invalid(&self, name: &str, reason: &str) -> Error {
        Error::InvalidParameter {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            name: name.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// Sets message header `name` (a parameter `in: header`); null or `None`
    /// leaves it out.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when the value is an object or a nested
    /// array (it is then never sent).
    pub fn header<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let text = match value.simple_str() {
            Some(text) => text.to_owned(),
            None => match value.simple() {
                Ok(Text::Absent) => return Ok(()),
                Ok(Text::Present(text)) => text,
                Err(reason) => {
                    let e = self.invalid(name, reason);
                    self.error.get_or_insert(self.invalid(name, reason));
                    return Err(e);
                }
            },
        };
        self.headers.insert(name.to_owned(), text);
        Ok(())
    }

    /// Sets a JSON payload with content type `content_type`.
    pub fn json_payload(&mut self, content_type: &str, value: &Value) {
        // Serializing a `Value` cannot fail (its map keys are strings).
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        self.payload = Some((content_type.to_owned(), bytes));
    }

    /// Sets a text payload with content type `content_type`.
    pub fn text_payload(&mut self, content_type: &str, text: String) {
        self.payload = Some((content_type.to_owned(), text.into_bytes()));
    }

    /// Receives only the message whose correlation id, read in header `name`,
    /// is `value` (the step's `correlationId`).
    pub fn correlate_header(&mut self, name: &str, value: Value) {
        self.correlation = Some((CorrelationLocation::Header(name.to_owned()), value));
    }

    /// Receives only the message whose correlation id, read at JSON pointer
    /// `pointer` in the payload, is `value` (the step's `correlationId`).
    pub fn correlate_payload(&mut self, pointer: &str, value: Value) {
        self.correlation = Some((CorrelationLocation::Payload(pointer.to_owned()), value));
    }

    fn transport(&self) -> Result<&'a dyn crate::transport::Transport, Error> {
        self.client
            .transport(self.info.source)
            .ok_or(Error::NoTransport {
                workflow: self.info.workflow,
                step: self.info.step,
                operation: self.info.operation,
                source_name: self.info.source,
            })
    }

    /// Publishes the message on the step's channel. The step completes once
    /// the transport accepted it; the returned [`StepMessage`] is the message
    /// sent (for the step's outputs).
    ///
    /// # Errors
    ///
    /// An error recorded by [`header`](MessageStep::header);
    /// [`Error::NoTransport`]; [`Error::Send`] when the transport fails.
    ///
    /// An `arazzo_message` span covers it when a subscriber is interested
    /// (OpenTelemetry messaging conventions: `otel.name` `send {channel}`,
    /// `otel.kind` `producer`, `messaging.operation.type` `send`,
    /// `messaging.destination.name` the channel; `error.type` on failure).
    pub async fn send(self) -> Result<StepMessage, Error> {
        let span = message_span(self.info, "send", "producer");
        if span.is_disabled() {
            return self.send_now().await;
        }
        let result = self.send_now().instrument(span.clone()).await;
        if let Err(error) = &result {
            super::telemetry::record_error(&span, error);
        }
        result
    }

    async fn send_now(mut self) -> Result<StepMessage, Error> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let transport = self.transport()?;
        let mut message = match self.payload.take() {
            Some((content_type, bytes)) => {
                let mut m = Message::new(bytes);
                m.content_type = Some(content_type);
                m
            }
            None => Message::default(),
        };
        message.headers = std::mem::take(&mut self.headers);
        tracing::debug!(
            workflow = self.info.workflow,
            step = self.info.step,
            channel = self.info.path,
            payload_bytes = message.payload.len(),
            "sending message"
        );
        transport
            .send(self.info.path, message.clone())
            .await
            .map_err(|source| Error::Send {
                workflow: self.info.workflow,
                step: self.info.step,
                operation: self.info.operation,
                channel: self.info.path,
                source,
            })?;
        Ok(StepMessage::new(self.info, message))
    }

    /// Waits for the next message on the step's channel that carries the
    /// step's correlation id, for at most the step's `timeout` (else the
    /// client's [`request_timeout`](Client::request_timeout)).
    ///
    /// # Errors
    ///
    /// [`Error::NoTransport`]; [`Error::MessageTimeout`] when no matching
    /// message came in time; [`Error::Receive`] when the transport fails;
    /// [`Error::MessageTooLarge`] when a message received is larger than the
    /// client's [`max_body_bytes`](Client::max_body_bytes).
    ///
    /// An `arazzo_message` span covers the wait when a subscriber is
    /// interested (`otel.name` `receive {channel}`, `otel.kind` `consumer`,
    /// `messaging.operation.type` `receive`, `messaging.destination.name`).
    pub async fn receive(self) -> Result<StepMessage, Error> {
        let span = message_span(self.info, "receive", "consumer");
        if span.is_disabled() {
            return self.receive_now().await;
        }
        let result = self.receive_now().instrument(span.clone()).await;
        if let Err(error) = &result {
            super::telemetry::record_error(&span, error);
        }
        result
    }

    async fn receive_now(self) -> Result<StepMessage, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let transport = self.transport()?;
        let after = self
            .timeout
            .unwrap_or_else(|| self.client.request_timeout());
        let filter = MessageFilter {
            correlation: self.correlation,
        };
        let info = self.info;
        let limit = self.client.max_body_bytes();
        let timed_out = || Error::MessageTimeout {
            workflow: info.workflow,
            step: info.step,
            operation: info.operation,
            channel: info.path,
            after,
        };
        tracing::debug!(
            workflow = info.workflow,
            step = info.step,
            channel = info.path,
            "waiting for a message"
        );
        let deadline = tokio::time::Instant::now() + after;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let got =
                tokio::time::timeout_at(deadline, transport.receive(info.path, &filter, left))
                    .await;
            match got {
                Err(_) | Ok(Err(TransportError::Timeout { .. })) => return Err(timed_out()),
                Ok(Err(source)) => {
                    return Err(Error::Receive {
                        workflow: info.workflow,
                        step: info.step,
                        operation: info.operation,
                        channel: info.path,
                        source,
                    })
                }
                // Refused before anything reads it (the correlation filter parses it).
                Ok(Ok(message)) if message.payload.len() > limit => {
                    return Err(Error::MessageTooLarge {
                        workflow: info.workflow,
                        step: info.step,
                        operation: info.operation,
                        channel: info.path,
                        limit,
                    })
                }
                // A transport that ignored the filter: wait for the next one.
                Ok(Ok(message)) if !filter.matches(&message) => continue,
                Ok(Ok(message)) => return Ok(StepMessage::new(info, message)),
            }
        }
    }
}

/// The `arazzo_message` span of step `info` doing `operation` (`send` or
/// `receive`); [`tracing::Span::none`] when no subscriber wants it.
fn message_span(
    info: &'static StepInfo,
    operation: &'static str,
    kind: &'static str,
) -> tracing::Span {
    if !super::telemetry::enabled() {
        return tracing::Span::none();
    }
    tracing::info_span!(
        "arazzo_message",
        otel.name = %format_args!("{operation} {}", info.path),
        otel.kind = kind,
        otel.status_code = tracing::field::Empty,
        messaging.operation.type = operation,
        messaging.operation.name = operation,
        messaging.destination.name = info.path,
        error.type = tracing::field::Empty,
        arazzo.workflow.id = info.workflow,
        arazzo.step.id = info.step,
        arazzo.operation.id = info.operation,
    )
}

/// The message of an event-driven step once it was sent or received:
/// what `$message.payload` and `$message.header.<name>` read, and the errors
/// its success criteria and outputs report. Its `Debug` output shows the
/// step and the payload length only.
pub struct StepMessage {
    info: &'static StepInfo,
    message: Message,
    parsed: OnceLock<Result<Value, String>>,
}

impl fmt::Debug for StepMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepMessage")
            .field("step", &self.info.step)
            .field("channel", &self.info.path)
            .field("payload_bytes", &self.message.payload.len())
            .finish_non_exhaustive()
    }
}

/// The recorded form of a [`StepMessage`] (see [`super::Journal`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct Recorded {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
    headers: BTreeMap<String, String>,
    /// The payload when it is UTF-8 text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// The payload otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<Vec<u8>>,
}

impl super::Journal for StepMessage {
    /// The message as received (or sent): content type, headers, payload.
    fn to_journal(&self) -> Vec<u8> {
        let m = &self.message;
        let (text, bytes) = match std::str::from_utf8(&m.payload) {
            Ok(text) => (Some(text.to_owned()), None),
            Err(_) => (None, Some(m.payload.to_vec())),
        };
        let recorded = Recorded {
            content_type: m.content_type.clone(),
            headers: m.headers.clone(),
            text,
            bytes,
        };
        serde_json::to_vec(&recorded).unwrap_or_default()
    }

    fn from_journal(info: &'static StepInfo, recorded: &[u8]) -> Result<Self, Error> {
        let r: Recorded =
            serde_json::from_slice(recorded).map_err(|e| super::journal_error(info, &e))?;
        let payload = match (r.text, r.bytes) {
            (Some(text), _) => bytes::Bytes::from(text),
            (None, Some(bytes)) => bytes::Bytes::from(bytes),
            (None, None) => bytes::Bytes::new(),
        };
        let message = Message {
            payload,
            content_type: r.content_type,
            headers: r.headers,
        };
        Ok(StepMessage::new(info, message))
    }
}

impl StepMessage {
    /// Wraps `message` as the message of the step described by `info`.
    pub fn new(info: &'static StepInfo, message: Message) -> Self {
        StepMessage {
            info,
            message,
            parsed: OnceLock::new(),
        }
    }

    /// The step this message belongs to.
    pub fn info(&self) -> &'static StepInfo {
        self.info
    }

    /// The message itself.
    pub fn message(&self) -> &Message {
        &self.message
    }

    fn invalid(&self, message: &str) -> Error {
        Error::InvalidMessage {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            channel: self.info.path,
            message: message.to_owned(),
        }
    }

    /// The payload as JSON (`$message.payload`), parsed once.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMessage`] when it is not valid JSON.
    pub fn payload(&self) -> Result<&Value, Error> {
        match self
            .parsed
            .get_or_init(|| self.message.payload_json().map_err(|e| e.to_string()))
        {
            Ok(v) => Ok(v),
            Err(message) => Err(self.invalid(message)),
        }
    }

    /// RFC 6901 pointer into the payload (`$message.payload#/...`); null when
    /// absent or when the payload is not JSON. Used by criteria.
    pub fn body_pointer(&self, pointer: &str) -> Value {
        self.payload()
            .ok()
            .and_then(|p| lookup(p, pointer))
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Header `name` as a JSON string, or null when absent (`$message.header.name`).
    pub fn header_value(&self, name: &str) -> Value {
        self.message
            .header(name)
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    }

    fn decode_error(&self, output: &str, pointer: &str, message: &str) -> Error {
        self.info.decode_error(output, pointer, message)
    }

    fn missing(&self, output: &str, pointer: &str) -> Error {
        self.info.missing_output(output, pointer)
    }

    /// Typed output `output` read at `pointer` in the payload.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMessage`] when the payload is not JSON;
    /// [`Error::MissingOutput`] when nothing is at `pointer`; [`Error::Decode`]
    /// when the value has the wrong shape for `T`.
    pub fn output<T: DeserializeOwned>(&self, output: &str, pointer: &str) -> Result<T, Error> {
        let payload = self.payload()?;
        let value = lookup(payload, pointer).ok_or_else(|| self.missing(output, pointer))?;
        T::deserialize(value).map_err(|e| self.decode_error(output, pointer, &e.to_string()))
    }

    /// Optional typed output: `None` when nothing (or null) is at `pointer`.
    ///
    /// # Errors
    ///
    /// As [`output`](StepMessage::output), without the missing case.
    pub fn optional_output<T: DeserializeOwned>(
        &self,
        output: &str,
        pointer: &str,
    ) -> Result<Option<T>, Error> {
        let payload = self.payload()?;
        match lookup(payload, pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| self.decode_error(output, pointer, &e.to_string())),
        }
    }

    /// Output `output` read from header `name`.
    ///
    /// # Errors
    ///
    /// [`Error::MissingOutput`] when the header is absent.
    pub fn header_output(&self, output: &str, name: &str) -> Result<String, Error> {
        self.message
            .header(name)
            .map(str::to_owned)
            .ok_or_else(|| self.missing(output, &format!("$message.header.{name}")))
    }

    /// Start of the payload as text for errors: at most 1 KiB, control
    /// characters escaped.
    fn excerpt(&self) -> String {
        let raw = self
            .message
            .payload
            .get(..(PAYLOAD_EXCERPT + 4).min(self.message.payload.len()))
            .unwrap_or_default();
        let text = String::from_utf8_lossy(raw);
        escape_controls(truncate_str(&text, PAYLOAD_EXCERPT))
    }

    /// [`Error::MessageCriteriaNotMet`] for this message (first attempt).
    pub fn criteria_not_met(&self) -> Error {
        self.retries_exhausted(1)
    }

    /// [`Error::MessageCriteriaNotMet`] for this (last) message after
    /// `attempts` receives.
    pub fn retries_exhausted(&self, attempts: u32) -> Error {
        Error::MessageCriteriaNotMet {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            channel: self.info.path,
            attempts,
            payload: self.excerpt(),
        }
    }

    /// How long to wait before retrying: the failure action's `retryAfter`
    /// seconds (absent, negative or NaN: none), at most `max`.
    pub fn retry_delay(&self, retry_after_secs: Option<f64>, max: Duration) -> Duration {
        match retry_after_secs {
            Some(secs) if secs > 0.0 => Duration::try_from_secs_f64(secs).unwrap_or(max).min(max),
            _ => Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::InMemoryTransport;
    use serde_json::json;

    static SEND: StepInfo = StepInfo {
        workflow: "wf",
        step: "place",
        operation: "placeOrder",
        source: "events",
        default_server: "",
        method: "SEND",
        path: "orders.placed",
    };
    static RECV: StepInfo = StepInfo {
        workflow: "wf",
        step: "confirm",
        operation: "confirmOrder",
        source: "events",
        default_server: "",
        method: "RECEIVE",
        path: "orders.confirmed",
    };

    #[tokio::test]
    async fn send_then_receive_with_correlation() -> Result<(), Error> {
        let broker = InMemoryTransport::new();
        let client = Client::builder().transport(broker.clone()).build()?;
        let mut m = MessageStep::new(&client, &SEND);
        m.header("correlationId", "c-7")?;
        m.header("absent", &Value::Null)?;
        m.json_payload("application/json", &json!({"sku": "A", "qty": 2}));
        let sent = m.send().await?;
        assert_eq!(sent.body_pointer("/qty"), json!(2));
        let on_wire = broker.sent("orders.placed");
        assert_eq!(on_wire.len(), 1);
        assert_eq!(on_wire[0].header("correlationId"), Some("c-7"));
        assert!(on_wire[0].header("absent").is_none());

        broker.publish(
            "orders.confirmed",
            Message::new(r#"{"orderId":"o-other"}"#).with_header("correlationId", "c-other"),
        );
        broker.publish(
            "orders.confirmed",
            Message::new(r#"{"orderId":"o-1","total":3.5}"#).with_header("correlationId", "c-7"),
        );
        let mut r = MessageStep::new(&client, &RECV);
        r.correlate_header("correlationId", json!("c-7"));
        r.step_timeout(1000);
        let got = r.receive().await?;
        assert_eq!(got.output::<String>("orderId", "/orderId")?, "o-1");
        assert_eq!(got.optional_output::<f64>("total", "/total")?, Some(3.5));
        assert_eq!(got.optional_output::<f64>("none", "/none")?, None);
        assert_eq!(got.header_output("cid", "correlationId")?, "c-7");
        assert!(matches!(
            got.output::<i64>("orderId", "/orderId"),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            got.output::<String>("x", "/x"),
            Err(Error::MissingOutput { .. })
        ));
        Ok(())
    }

    #[tokio::test]
    async fn timeout_names_the_step() -> Result<(), Error> {
        let client = Client::builder()
            .transport(InMemoryTransport::new())
            .build()?;
        let mut r = MessageStep::new(&client, &RECV);
        r.correlate_payload("/orderId", json!("o-1"));
        r.step_timeout(20);
        let e = r.receive().await.err();
        assert!(
            matches!(e, Some(Error::MessageTimeout { step: "confirm", channel: "orders.confirmed", after, .. }) if after == Duration::from_millis(20)),
            "{e:?}"
        );
        let text = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.starts_with(
                "step `confirm` (operation `confirmOrder`) of workflow `wf`: no matching message"
            ),
            "{text}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn no_transport_and_bad_header() -> Result<(), Error> {
        let client = Client::builder().build()?;
        let e = MessageStep::new(&client, &SEND).send().await.err();
        assert!(
            matches!(
                e,
                Some(Error::NoTransport {
                    source_name: "events",
                    ..
                })
            ),
            "{e:?}"
        );
        let mut m = MessageStep::new(&client, &SEND);
        assert!(m.header("h", &json!({"a": 1})).is_err());
        assert!(matches!(
            m.send().await,
            Err(Error::InvalidParameter { .. })
        ));
        Ok(())
    }

    #[test]
    fn criteria_errors_show_escaped_payload() {
        let m = StepMessage::new(&RECV, Message::new("{\"status\":\"REJECTED\"}\u{1b}[2J"));
        let e = m.retries_exhausted(3).to_string();
        assert!(
            e.contains("attempt 3") && e.contains("REJECTED") && !e.contains('\u{1b}'),
            "{e}"
        );
        assert!(matches!(m.payload(), Err(Error::InvalidMessage { .. })));
        assert_eq!(m.body_pointer("/status"), Value::Null);
    }
}

//! Message transports for event-driven steps (Arazzo 1.1 steps on AsyncAPI
//! operations: `action: send` and `action: receive`).
//!
//! Generated code does not speak to a broker itself: it hands each message to
//! the [`Transport`] configured on the [`Client`](crate::Client) with
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport). Implement the
//! trait for your broker (Kafka, NATS, MQTT, AMQP, ...), or use
//! [`InMemoryTransport`] in tests and examples.
//!
//! ```
//! use arazzo::transport::{InMemoryTransport, Message};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let broker = InMemoryTransport::new();
//! let client = arazzo::Client::builder().transport(broker.clone()).build()?;
//! // The test plays the other party: it publishes the reply the workflow waits for…
//! broker.publish("orders.confirmed", Message::json(&serde_json::json!({"orderId": "o-1"}))?
//!     .with_header("correlationId", "c-1"));
//! // …and reads what the workflow sent.
//! let sent = broker.next_message("orders.placed", std::time::Duration::from_secs(1)).await;
//! # let _ = (client, sent);
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

/// The boxed future the methods of [`Transport`] return (so that the trait can
/// be used as `dyn Transport`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One message: a payload, its content type and string headers.
///
/// Its `Debug` output shows the header *names*, the content type and the
/// payload length, never a header value or the payload (either may carry a
/// credential or personal data).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// The payload as sent on the wire.
    pub payload: Bytes,
    /// Media type of the payload (`application/json` for [`Message::json`]),
    /// when known.
    pub content_type: Option<String>,
    /// Message headers (AsyncAPI message `headers`), by name.
    pub headers: BTreeMap<String, String>,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("content_type", &self.content_type)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

impl Message {
    /// A message with this raw payload, no content type and no headers.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Message {
            payload: payload.into(),
            content_type: None,
            headers: BTreeMap::new(),
        }
    }

    /// A JSON message (`application/json`).
    ///
    /// # Errors
    ///
    /// When `value` cannot be serialized as JSON (a map with non-string keys).
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, TransportError> {
        let bytes = serde_json::to_vec(value).map_err(|e| TransportError::Payload {
            message: e.to_string(),
        })?;
        Ok(Message {
            payload: Bytes::from(bytes),
            content_type: Some("application/json".to_owned()),
            headers: BTreeMap::new(),
        })
    }

    /// Adds (or replaces) a header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// The value of header `name` (exact name first, then ignoring ASCII case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .or_else(|| {
                self.headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
    }

    /// The payload read as JSON (`$message.payload`): parsed JSON unless the
    /// content type is `text/*` (then a string); null when empty.
    ///
    /// # Errors
    ///
    /// [`TransportError::Payload`] when the payload is not valid JSON (the
    /// message names the position, not the content).
    pub fn payload_json(&self) -> Result<Value, TransportError> {
        if self.payload.is_empty() {
            return Ok(Value::Null);
        }
        let is_text = self
            .content_type
            .as_deref()
            .is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("text/"));
        if is_text {
            return Ok(Value::String(
                String::from_utf8_lossy(&self.payload).into_owned(),
            ));
        }
        serde_json::from_slice(&self.payload).map_err(|e| TransportError::Payload {
            message: format!(
                "payload is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        })
    }
}

/// Where the correlation id of a message is (an AsyncAPI Correlation ID
/// Object's `location`: `$message.header#/name` or `$message.payload#/pointer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorrelationLocation {
    /// A header, by name.
    Header(String),
    /// A JSON pointer into the payload (RFC 6901, `""` for the whole payload).
    Payload(String),
}

/// Which message a receive step waits for.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MessageFilter {
    /// When set, only a message whose correlation id (read at the location)
    /// equals the value matches. A string value also matches the same text in
    /// a header, and a number or boolean its JSON text.
    pub correlation: Option<(CorrelationLocation, Value)>,
}

impl MessageFilter {
    /// A filter that matches any message.
    pub fn any() -> Self {
        MessageFilter::default()
    }

    /// A filter matching messages whose correlation id at `location` is `value`.
    pub fn correlated(location: CorrelationLocation, value: Value) -> Self {
        MessageFilter {
            correlation: Some((location, value)),
        }
    }

    /// Whether `message` is one the receive step waits for.
    pub fn matches(&self, message: &Message) -> bool {
        let Some((location, expected)) = &self.correlation else {
            return true;
        };
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match location {
            CorrelationLocation::Header(name) => {
                message.header(name).is_some_and(|h| h == text(expected))
            }
            CorrelationLocation::Payload(pointer) => {
                let Ok(payload) = message.payload_json() else {
                    return false;
                };
                crate::rt::cond::lookup(&payload, pointer).is_some_and(|v| v == expected)
            }
        }
    }
}

/// What can go wrong in a [`Transport`]. The runtime wraps it into
/// [`Error::Send`](crate::Error::Send) or [`Error::Receive`](crate::Error::Receive)
/// with the step's names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The broker could not be reached or refused the connection.
    #[error("broker unavailable: {message}")]
    Unavailable {
        /// What happened (must not contain credentials).
        message: String,
    },
    /// No message arrived in time (a transport may report this itself; the
    /// runtime also bounds every receive by the step's timeout).
    #[error("no message within {after:?}")]
    Timeout {
        /// How long the transport waited.
        after: Duration,
    },
    /// A payload could not be encoded or decoded.
    #[error("{message}")]
    Payload {
        /// What is wrong (position, not content).
        message: String,
    },
    /// Any other failure of the broker client.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

/// A message broker connection that event-driven steps send and receive through.
///
/// Object safe: the [`Client`](crate::Client) holds an `Arc<dyn Transport>`.
/// Implementations return boxed futures (`Box::pin(async move { ... })`).
///
/// * `channel` is the AsyncAPI channel's `address` (for Kafka a topic, for
///   NATS a subject, for MQTT a topic, for AMQP a routing key or queue).
/// * [`receive`](Transport::receive) should return the first message on the
///   channel that [`MessageFilter::matches`], without consuming the others when
///   the broker allows it. The runtime drops the future once the step's
///   `timeout` elapses (so an implementation must be cancel-safe), and checks
///   the filter again on what it gets.
/// * Errors must not contain credentials.
pub trait Transport: Send + Sync + 'static {
    /// Publishes `message` on `channel`. Returns once the broker client has
    /// accepted the message (Arazzo does not model delivery confirmation).
    fn send<'a>(
        &'a self,
        channel: &'a str,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>>;

    /// Waits for the next message on `channel` that matches `filter`.
    /// `timeout` is how long the step waits at most (a hint: the runtime
    /// enforces it).
    fn receive<'a>(
        &'a self,
        channel: &'a str,
        filter: &'a MessageFilter,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<Message, TransportError>>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send<'a>(
        &'a self,
        channel: &'a str,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        (**self).send(channel, message)
    }

    fn receive<'a>(
        &'a self,
        channel: &'a str,
        filter: &'a MessageFilter,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<Message, TransportError>> {
        (**self).receive(channel, filter, timeout)
    }
}

/// An in-process broker for tests and examples: one queue per channel.
///
/// A message sent (by a workflow, or by [`publish`](InMemoryTransport::publish))
/// waits in its channel's queue until a receiver takes it; a receiver takes the
/// oldest message that matches its filter and leaves the others. So a reply
/// published before the workflow's receive step starts is not lost, and a test
/// can play the other party with [`publish`](InMemoryTransport::publish) and
/// [`next_message`](InMemoryTransport::next_message).
/// [`sent`](InMemoryTransport::sent) keeps a log of every message ever sent on a
/// channel. Cheap to clone (clones share the queues).
#[derive(Clone, Default)]
pub struct InMemoryTransport {
    inner: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    arrived: tokio::sync::Notify,
}

#[derive(Default)]
struct State {
    queues: HashMap<String, VecDeque<Message>>,
    log: HashMap<String, Vec<Message>>,
}

impl fmt::Debug for InMemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let queued: BTreeMap<String, usize> = self
            .with_state(|s| s.queues.iter().map(|(k, q)| (k.clone(), q.len())).collect())
            .unwrap_or_default();
        f.debug_struct("InMemoryTransport")
            .field("queued", &queued)
            .finish()
    }
}

impl InMemoryTransport {
    /// An empty broker.
    pub fn new() -> Self {
        Self::default()
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> Option<R> {
        // A poisoned lock only means another thread panicked while holding it;
        // the queues are still consistent (every update is one push or remove).
        let mut guard = match self.inner.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        Some(f(&mut guard))
    }

    /// Puts `message` on `channel` as if another party had sent it.
    pub fn publish(&self, channel: &str, message: Message) {
        self.with_state(|s| {
            s.log
                .entry(channel.to_owned())
                .or_default()
                .push(message.clone());
            s.queues
                .entry(channel.to_owned())
                .or_default()
                .push_back(message);
        });
        self.inner.arrived.notify_waiters();
    }

    /// Takes the oldest message waiting on `channel` that matches `filter`.
    pub fn try_take(&self, channel: &str, filter: &MessageFilter) -> Option<Message> {
        self.with_state(|s| {
            let queue = s.queues.get_mut(channel)?;
            let at = queue.iter().position(|m| filter.matches(m))?;
            queue.remove(at)
        })
        .flatten()
    }

    /// Waits for the next message on `channel` that matches `filter` and takes it.
    pub async fn take(&self, channel: &str, filter: &MessageFilter) -> Message {
        loop {
            let notified = self.inner.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(m) = self.try_take(channel, filter) {
                return m;
            }
            notified.await;
        }
    }

    /// Waits up to `timeout` for the next message on `channel` (for a test
    /// reading what a workflow sent) and takes it; `None` when none came.
    pub async fn next_message(&self, channel: &str, timeout: Duration) -> Option<Message> {
        let any = MessageFilter::any();
        tokio::time::timeout(timeout, self.take(channel, &any))
            .await
            .ok()
    }

    /// Every message sent on `channel` so far, oldest first (taken or not).
    pub fn sent(&self, channel: &str) -> Vec<Message> {
        self.with_state(|s| s.log.get(channel).cloned().unwrap_or_default())
            .unwrap_or_default()
    }
}

impl Transport for InMemoryTransport {
    fn send<'a>(
        &'a self,
        channel: &'a str,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        self.publish(channel, message);
        Box::pin(async { Ok(()) })
    }

    fn receive<'a>(
        &'a self,
        channel: &'a str,
        filter: &'a MessageFilter,
        _timeout: Duration,
    ) -> BoxFuture<'a, Result<Message, TransportError>> {
        Box::pin(async move { Ok(self.take(channel, filter).await) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(v: Value) -> Message {
        Message::json(&v).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn filters_by_header_and_payload() {
        let m = msg(json!({"orderId": "o-1", "n": 3})).with_header("correlationId", "c-1");
        assert!(MessageFilter::any().matches(&m));
        let h = |v: Value| {
            MessageFilter::correlated(CorrelationLocation::Header("CorrelationID".into()), v)
        };
        assert!(h(json!("c-1")).matches(&m));
        assert!(!h(json!("c-2")).matches(&m));
        let p = |ptr: &str, v: Value| {
            MessageFilter::correlated(CorrelationLocation::Payload(ptr.into()), v)
        };
        assert!(p("/orderId", json!("o-1")).matches(&m));
        assert!(p("/n", json!(3)).matches(&m));
        assert!(!p("/n", json!("3")).matches(&m));
        assert!(!p("/missing", json!("o-1")).matches(&m));
        let broken = Message::new("{not json");
        assert!(!p("/orderId", json!("o-1")).matches(&broken));
    }

    #[test]
    fn debug_hides_values() {
        let m = msg(json!({"card": "4111"})).with_header("authorization", "Bearer sk-123");
        let shown = format!("{m:?}");
        assert!(
            !shown.contains("sk-123") && !shown.contains("4111"),
            "{shown}"
        );
        assert!(shown.contains("authorization"), "{shown}");
    }

    #[test]
    fn payload_json_kinds() -> Result<(), TransportError> {
        assert_eq!(Message::new("").payload_json()?, Value::Null);
        let mut t = Message::new("hello");
        t.content_type = Some("text/plain".into());
        assert_eq!(t.payload_json()?, json!("hello"));
        assert!(matches!(
            Message::new("{x").payload_json(),
            Err(TransportError::Payload { .. })
        ));
        Ok(())
    }

    #[tokio::test]
    async fn queue_keeps_unmatched_and_early_messages() -> Result<(), TransportError> {
        let t = InMemoryTransport::new();
        t.publish("c", msg(json!({"id": 1})).with_header("k", "a"));
        t.publish("c", msg(json!({"id": 2})).with_header("k", "b"));
        let want_b = MessageFilter::correlated(CorrelationLocation::Header("k".into()), json!("b"));
        let got = t.receive("c", &want_b, Duration::from_secs(1)).await?;
        assert_eq!(got.payload_json()?, json!({"id": 2}));
        // The unmatched one is still there.
        let got = t.next_message("c", Duration::from_millis(50)).await;
        assert_eq!(
            got.map(|m| m.payload_json().ok()),
            Some(Some(json!({"id": 1})))
        );
        assert!(t
            .next_message("c", Duration::from_millis(20))
            .await
            .is_none());
        assert_eq!(t.sent("c").len(), 2);
        Ok(())
    }

    #[tokio::test]
    async fn receive_waits_for_a_later_message() -> Result<(), TransportError> {
        let t = InMemoryTransport::new();
        let other = t.clone();
        let task = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            other.publish("late", Message::new("x"));
        });
        let got = t
            .receive("late", &MessageFilter::any(), Duration::from_secs(1))
            .await?;
        assert_eq!(got.payload, Bytes::from_static(b"x"));
        task.await.map_err(|e| TransportError::Other(Box::new(e)))?;
        Ok(())
    }

    #[test]
    fn usable_as_trait_object() {
        let t: Arc<dyn Transport> = Arc::new(InMemoryTransport::new());
        let _also: &dyn Transport = &t;
    }
}

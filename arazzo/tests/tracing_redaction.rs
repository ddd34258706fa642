//! Traces name the step but never carry header values or query credentials.
//!
//! This test lives alone in its own test binary: tracing caches each
//! callsite's interest globally, and a test running at the same time on
//! another thread without a subscriber could register a callsite as "never"
//! before the capturing dispatcher exists (the flake of the first version).
//! With one test per process and the cache rebuilt after installing the
//! dispatcher, every callsite is seen.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arazzo::__private::Request;
use arazzo::Client;
use common::{client_for, closed_port, json, serve};
use serde_json::json;

const SECRET: &str = "sk-SECRET-123";
const PASSWORD: &str = "hunter2-p@ss w/rd";

fn request<'a>(client: &'a Client) -> Request<'a> {
    let mut r = Request::new(client, &common::GET_ITEM_STEP);
    r.path_param("id", &json!("1")).unwrap();
    r.header("X-Api-Key", &json!(SECRET), true).unwrap();
    r.header("Authorization", &json!(format!("Bearer {SECRET}")), false)
        .unwrap();
    r.secret_query("api_key", &json!(SECRET)).unwrap();
    r
}

/// A minimal subscriber that writes every span and event field into a string.
struct Capture {
    out: Arc<Mutex<String>>,
    next: AtomicU64,
}

struct Writer<'a>(&'a mut String);

impl tracing::field::Visit for Writer<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        attrs.record(&mut Writer(&mut self.out.lock().unwrap()));
        tracing::span::Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst))
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Writer(&mut self.out.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Writer(&mut self.out.lock().unwrap()));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn traces_name_the_step_but_never_header_values() {
    let out = Arc::new(Mutex::new(String::new()));
    let dispatch = tracing::Dispatch::new(Capture {
        out: out.clone(),
        next: AtomicU64::new(1),
    });
    let _guard = tracing::dispatcher::set_default(&dispatch);
    tracing::callsite::rebuild_interest_cache();

    let server = serve(|_| json(401, "{}")).await;
    let client = client_for(&server.url());
    request(&client).send().await.unwrap();
    let addr = closed_port().await;
    let client = client_for(&format!("http://{addr}"));
    request(&client).send().await.unwrap_err();

    // A `format: password` value sent outside any credential location (a path
    // segment, a plain query parameter, a header not named like a credential),
    // marked secret as generated code marks it.
    let mut r = Request::new(&client, &common::GET_ITEM_STEP);
    r.secret(&json!(PASSWORD));
    r.path_param("id", &json!(PASSWORD)).unwrap();
    r.query("access_token", &json!(PASSWORD)).unwrap();
    r.header("X-Pass", &json!(PASSWORD), false).unwrap();
    r.send().await.unwrap_err();

    let text = out.lock().unwrap().clone();
    assert!(!text.contains("hunter2"), "password leaked: {text}");
    assert!(
        text.contains("/items/[redacted]?access_token=[redacted]"),
        "{text}"
    );
    assert!(text.contains("getItem"), "{text}");
    assert!(text.contains("/items/{id}"), "{text}");
    assert!(text.contains("status=401"), "{text}");
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    // The transport error was traced, with the query value redacted.
    assert!(text.contains("api_key=[redacted]"), "{text}");
}

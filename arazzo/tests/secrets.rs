//! Secret header values never show up in errors, `Debug` output or traces.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arazzo::__private::{Request, StepInfo};
use arazzo::{Client, Error};
use common::{closed_port, json, serve, Reply};
use serde_json::json;

const SECRET: &str = "sk-SECRET-123";

static STEP: StepInfo = StepInfo {
    workflow: "wf",
    step: "getItem",
    operation: "getItemById",
    source: "api",
    default_server: "http://127.0.0.1:9",
    method: "GET",
    path: "/items/{id}",
};

fn client_for(url: &str) -> Client {
    Client::builder()
        .server("api", url)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn request<'a>(client: &'a Client) -> Request<'a> {
    let mut r = Request::new(client, &STEP);
    r.path_param("id", &json!("1")).unwrap();
    r.header("X-Api-Key", &json!(SECRET), true).unwrap();
    r.header("Authorization", &json!(format!("Bearer {SECRET}")), false)
        .unwrap();
    r.header("X-Custom", &json!("custom-secret-value"), true)
        .unwrap();
    r
}

fn assert_clean(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    assert!(
        !text.contains("custom-secret-value"),
        "secret leaked: {text}"
    );
}

fn assert_error_clean(err: &Error) {
    assert_clean(&err.to_string());
    assert_clean(&format!("{err:?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        assert_clean(&s.to_string());
        assert_clean(&format!("{s:?}"));
        source = s.source();
    }
}

#[tokio::test]
async fn secret_is_sent_but_never_shown() {
    // The server echoes the headers it received in a 401 body.
    let server = serve(|req| {
        let echoed: Vec<String> = req
            .headers
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        json(401, &serde_json::to_string(&echoed).unwrap())
    })
    .await;
    let client = client_for(&server.url());
    let resp = request(&client).send().await.unwrap();
    assert_eq!(server.requests()[0].header("x-api-key"), Some(SECRET));
    assert_clean(&format!("{resp:?}"));
    let err = resp.criteria_not_met();
    assert_error_clean(&err);
    assert!(err.to_string().contains("[redacted]"));
    assert_error_clean(&resp.retries_exhausted(2));
    let err = resp.output::<u64>("x", "/0").unwrap_err();
    assert!(matches!(err, Error::Decode { .. }));
    assert_error_clean(&err);
}

#[tokio::test]
async fn transport_errors_do_not_carry_secrets() {
    let addr = closed_port().await;
    let client = client_for(&format!("http://user:pw-{SECRET}@{addr}"));
    let err = request(&client).send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_error_clean(&err);

    let server = serve(|_| Reply::Hang).await;
    let client = client_for(&server.url());
    let err = request(&client).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_error_clean(&err);
}

#[tokio::test]
async fn client_debug_hides_http_client_and_passwords() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-default-key", SECRET.parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .server("api", format!("http://user:{SECRET}@example.test/"))
        .http_client(http)
        .build()
        .unwrap();
    let text = format!("{client:?}");
    assert_clean(&text);
    assert!(text.contains("example.test"), "{text}");
    let request_debug = format!("{:?}", request(&client));
    assert_clean(&request_debug);
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

    let server = serve(|_| json(401, "{}")).await;
    let client = client_for(&server.url());
    request(&client).send().await.unwrap();
    let addr = closed_port().await;
    let client = client_for(&format!("http://{addr}"));
    request(&client).send().await.unwrap_err();

    let text = out.lock().unwrap().clone();
    assert!(text.contains("getItem"), "{text}");
    assert!(text.contains("/items/{id}"), "{text}");
    assert!(text.contains("status=401"), "{text}");
    assert_clean(&text);
}

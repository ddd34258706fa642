//! Failures of generated workflows against local servers (wiremock, or a raw
//! TCP server on 127.0.0.1 when the test needs control over the connection):
//! every error variant a run can end with, request-smuggling defences, and
//! cancellation.
//!
//! Fixture: `tests/specs/arazzo/faults.arazzo.yaml` over
//! `tests/specs/openapi/inventory.openapi.yaml`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod faults {
    arazzo::arazzo_workflow!("tests/specs/arazzo/faults.arazzo.yaml");
}
use faults::{read_item, record_and_read};

// ---------------------------------------------------------------- helpers

fn client_for(uri: &str) -> arazzo::Client {
    arazzo::Client::builder()
        .server("inventory", uri)
        .request_timeout(Duration::from_secs(2))
        .workflow_timeout(Duration::from_secs(5))
        .build()
        .expect("valid url")
}

fn client(server: &MockServer) -> arazzo::Client {
    client_for(&server.uri())
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn read_inputs(item_id: &str) -> read_item::Inputs {
    read_item::Inputs {
        item_id: item_id.into(),
        note: None,
    }
}

fn record_inputs() -> record_and_read::Inputs {
    record_and_read::Inputs {
        item_id: "sku-1".into(),
        kind: "restock".into(),
        quantity: Some(12),
    }
}

async fn item_server(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/sku-1"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn item() -> serde_json::Value {
    json!({"id": "sku-1", "name": "Hex bolt M8", "price": 35, "tags": ["hardware"]})
}

/// A raw HTTP/1.1 server: counts connections and requests, answers each
/// request with `reply` (or never, when `None`), and reports whether the
/// client closed a connection while its request was pending.
struct RawServer {
    uri: String,
    requests: Arc<AtomicUsize>,
    closed_while_pending: Arc<AtomicUsize>,
    /// Notified when a request head has arrived.
    arrived: Arc<Notify>,
    /// Notified when the client closed a connection whose request was pending.
    closed: Arc<Notify>,
}

impl RawServer {
    async fn start(reply: Option<&'static [u8]>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(AtomicUsize::new(0));
        let closed_while_pending = Arc::new(AtomicUsize::new(0));
        let (arrived, closed_event) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let (req, closed) = (requests.clone(), closed_while_pending.clone());
        let (arrived_tx, closed_tx) = (arrived.clone(), closed_event.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let (req, closed) = (req.clone(), closed.clone());
                let (arrived_tx, closed_tx) = (arrived_tx.clone(), closed_tx.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        // Read one request head (bodies of these tests are tiny
                        // and arrive with the head or right after it).
                        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        buf.clear();
                        req.fetch_add(1, Ordering::SeqCst);
                        arrived_tx.notify_one();
                        match reply {
                            Some(bytes) => {
                                if socket.write_all(bytes).await.is_err() {
                                    return;
                                }
                                if bytes
                                    .windows(17)
                                    .any(|w| w.eq_ignore_ascii_case(b"connection: close"))
                                {
                                    let _ = socket.shutdown().await;
                                    return;
                                }
                            }
                            None => {
                                // Never answer; notice when the client gives up.
                                loop {
                                    match socket.read(&mut chunk).await {
                                        Ok(0) | Err(_) => {
                                            closed.fetch_add(1, Ordering::SeqCst);
                                            closed_tx.notify_one();
                                            return;
                                        }
                                        Ok(_) => {}
                                    }
                                }
                            }
                        }
                    }
                });
            }
        });
        RawServer {
            uri,
            requests,
            closed_while_pending,
            arrived,
            closed: closed_event,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

// ------------------------------------------------------------- statuses

#[tokio::test]
async fn server_error_without_failure_action_is_criteria_not_met() {
    let server =
        item_server(ResponseTemplate::new(502).set_body_json(json!({"error": "upstream down"})))
            .await;
    let err = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect_err("502");
    match &err {
        arazzo::Error::CriteriaNotMet {
            workflow,
            step,
            operation,
            status,
            body,
        } => {
            assert_eq!(*workflow, "read-item");
            assert_eq!(*step, "getItem");
            assert_eq!(*operation, "getItem");
            assert_eq!(*status, 502);
            assert!(body.contains("upstream down"), "{body}");
        }
        other => panic!("expected CriteriaNotMet, got {other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with("step `getItem` (operation `getItem`) of workflow `read-item`: "));
    assert_eq!(
        received(&server).await.len(),
        1,
        "no retry without a failure action"
    );
}

#[tokio::test]
async fn non_idempotent_request_is_sent_exactly_once_on_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/sku-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .mount(&server)
        .await;
    let err = record_and_read::run(&client(&server), &record_inputs())
        .await
        .expect_err("500");
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "record",
                status: 500,
                ..
            }
        ),
        "{err:?}"
    );
    // Give a stray retry a chance to show up.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1, "exactly one POST, and no readBack");
    assert_eq!(reqs[0].method.as_str(), "POST");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&reqs[0].body).expect("json"),
        json!({"itemId": "sku-1", "kind": "restock", "quantity": 12})
    );
}

#[tokio::test]
async fn non_idempotent_request_is_sent_once_when_the_connection_drops() {
    // The server reads the POST and closes the connection without answering:
    // the client must not silently resend it.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let uri = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(AtomicUsize::new(0));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut chunk = [0u8; 4096];
            if let Ok(n) = socket.read(&mut chunk).await {
                if n > 0 {
                    seen2.fetch_add(1, Ordering::SeqCst);
                }
            }
            drop(socket);
        }
    });
    let err = record_and_read::run(&client_for(&uri), &record_inputs())
        .await
        .expect_err("connection closed");
    assert!(
        matches!(err, arazzo::Error::Transport { step: "record", .. }),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(seen.load(Ordering::SeqCst), 1, "sent once: {err:?}");
}

// ------------------------------------------------------------- decoding

#[tokio::test]
async fn invalid_json_body_is_invalid_json() {
    let server = item_server(
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"id": "sku-1", "name": "Hex"#, "application/json"),
    )
    .await;
    let err = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect_err("truncated JSON");
    match &err {
        arazzo::Error::InvalidJson {
            step,
            status,
            message,
            ..
        } => {
            assert_eq!(*step, "getItem");
            assert_eq!(*status, 200);
            assert!(
                !message.contains("Hex"),
                "no body content in the message: {message}"
            );
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
}

#[tokio::test]
async fn wrong_shape_for_a_typed_output_is_decode() {
    let server = item_server(
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "sku-1", "name": "Hex bolt M8", "price": "thirty-five"})),
    )
    .await;
    let err = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect_err("price is a string");
    match &err {
        arazzo::Error::Decode {
            step,
            output,
            pointer,
            ..
        } => {
            assert_eq!(*step, "getItem");
            assert_eq!(output, "price");
            assert_eq!(pointer, "/price");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_shape_of_an_optional_output_is_decode_too() {
    let server = item_server(ResponseTemplate::new(200).set_body_json(
        json!({"id": "sku-1", "name": "Hex bolt M8", "price": 35, "tags": "hardware"}),
    ))
    .await;
    let err = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect_err("tags is not an array");
    assert!(
        matches!(&err, arazzo::Error::Decode { output, .. } if output == "tags"),
        "{err:?}"
    );
}

#[tokio::test]
async fn missing_required_output_is_missing_output() {
    let server =
        item_server(ResponseTemplate::new(200).set_body_json(json!({"id": "sku-1", "price": 35})))
            .await;
    let err = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect_err("no name");
    match &err {
        arazzo::Error::MissingOutput {
            step,
            output,
            pointer,
            ..
        } => {
            assert_eq!(*step, "getItem");
            assert_eq!(output, "name");
            assert_eq!(pointer, "/name");
        }
        other => panic!("expected MissingOutput, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_optional_output_is_none() {
    let server = item_server(
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "sku-1", "name": "Hex bolt M8", "price": 35})),
    )
    .await;
    let out = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect("tags is optional");
    assert_eq!(out.tags, None);
    assert_eq!(out.price, 35);
}

#[tokio::test]
async fn unexpected_content_type_is_reported() {
    let server = item_server(
        ResponseTemplate::new(200).set_body_raw(vec![0u8, 1, 2, 3], "application/octet-stream"),
    )
    .await;
    let err = read_item::run(&client(&server), &read_inputs("sku-1"))
        .await
        .expect_err("binary body");
    assert!(
        matches!(&err, arazzo::Error::UnexpectedContentType { content_type, .. } if content_type == "application/octet-stream"),
        "{err:?}"
    );
}

#[tokio::test]
async fn body_over_the_limit_is_body_too_large() {
    let big = "x".repeat(64 * 1024);
    let server = item_server(
        ResponseTemplate::new(200).set_body_json(json!({"id": "sku-1", "name": big, "price": 35})),
    )
    .await;
    let client = arazzo::Client::builder()
        .server("inventory", server.uri())
        .max_body_bytes(1024)
        .build()
        .expect("client");
    let err = read_item::run(&client, &read_inputs("sku-1"))
        .await
        .expect_err("too large");
    assert!(
        matches!(
            err,
            arazzo::Error::BodyTooLarge {
                step: "getItem",
                limit: 1024,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn body_cut_short_is_body_interrupted() {
    static REPLY: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n{\"id\":\"sku-1\"";
    let raw = RawServer::start(Some(REPLY)).await;
    let err = read_item::run(&client_for(&raw.uri), &read_inputs("sku-1"))
        .await
        .expect_err("body shorter than content-length");
    assert!(
        matches!(
            err,
            arazzo::Error::BodyInterrupted {
                step: "getItem",
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- timing

#[tokio::test]
async fn slow_response_is_a_request_timeout() {
    // The server would answer after 60 s; the client waits 200 ms.
    let server = item_server(
        ResponseTemplate::new(200)
            .set_body_json(item())
            .set_delay(Duration::from_secs(60)),
    )
    .await;
    let client = arazzo::Client::builder()
        .server("inventory", server.uri())
        .request_timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = read_item::run(&client, &read_inputs("sku-1"))
        .await
        .expect_err("timeout");
    let elapsed = started.elapsed();
    match &err {
        arazzo::Error::Timeout { step, after, .. } => {
            assert_eq!(*step, "getItem");
            assert_eq!(*after, Duration::from_millis(200));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    // Far from the 60 s the server takes: the run did not wait for the answer.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[tokio::test]
async fn whole_workflow_deadline_is_workflow_timeout() {
    // The first step answers at once, the second after 60 s: the 5 s deadline of the
    // run ends it before the 30 s request timeout would.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"eventId": "ev-1"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/sku-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(item())
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;
    let client = arazzo::Client::builder()
        .server("inventory", server.uri())
        .request_timeout(Duration::from_secs(30))
        .workflow_timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = record_and_read::run(&client, &record_inputs())
        .await
        .expect_err("deadline");
    let elapsed = started.elapsed();
    assert!(
        matches!(err, arazzo::Error::WorkflowTimeout { workflow: "record-and-read", after } if after == Duration::from_secs(5)),
        "{err:?}"
    );
    assert_eq!(err.workflow(), Some("record-and-read"));
    // Both steps were sent: the deadline covers the run, not one request.
    assert_eq!(received(&server).await.len(), 2);
    // Far from the 30 s request timeout and the 60 s answer.
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

/// A client whose timeouts are far away: only the test ends a run.
fn patient_client(uri: &str) -> arazzo::Client {
    arazzo::Client::builder()
        .server("inventory", uri)
        .request_timeout(Duration::from_secs(120))
        .workflow_timeout(Duration::from_secs(300))
        .build()
        .expect("valid url")
}

/// Waits for `event`, failing the test (instead of hanging) after a minute.
async fn within_a_minute(event: impl std::future::Future<Output = ()>, what: &str) {
    tokio::time::timeout(Duration::from_secs(60), event)
        .await
        .unwrap_or_else(|_| panic!("{what} did not happen within a minute"));
}

#[tokio::test]
async fn dropping_the_run_future_leaves_no_request_in_flight() {
    let raw = RawServer::start(None).await;
    let client = patient_client(&raw.uri);
    let inputs = record_inputs();
    // Run until the server has the first request, then drop the run.
    let run = record_and_read::run(&client, &inputs);
    let arrived = async {
        tokio::select! {
            outcome = run => panic!("the server never answers: {outcome:?}"),
            () = raw.arrived.notified() => {}
        }
    };
    within_a_minute(arrived, "the first request").await;
    assert_eq!(raw.requests(), 1, "the first request reached the server");
    // The dropped future closed its connection...
    within_a_minute(raw.closed.notified(), "closing the connection").await;
    assert_eq!(
        raw.closed_while_pending.load(Ordering::SeqCst),
        1,
        "the pending request's connection was closed"
    );
    // ...and nothing follows it (no task was left behind to send one).
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(raw.requests(), 1, "no further request after the drop");
}

#[tokio::test]
async fn dropping_the_run_mid_workflow_sends_no_later_step() {
    let server = MockServer::start().await;
    let arrived = Arc::new(Notify::new());
    let signal = arrived.clone();
    Mock::given(method("POST"))
        .and(path("/events"))
        .respond_with(move |_: &Request| {
            signal.notify_one();
            ResponseTemplate::new(202)
                .set_body_json(json!({"eventId": "ev-1"}))
                .set_delay(Duration::from_secs(60))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/sku-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .mount(&server)
        .await;
    let client = patient_client(&server.uri());
    let inputs = record_inputs();
    let run = record_and_read::run(&client, &inputs);
    let first_step_sent = async {
        tokio::select! {
            outcome = run => panic!("the first step takes 60 s: {outcome:?}"),
            () = arrived.notified() => {}
        }
    };
    within_a_minute(first_step_sent, "the first step's request").await;
    // The run is dropped while the first step waits for its answer.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1, "only the first step's request");
    assert_eq!(reqs[0].method.as_str(), "POST");
}

// ---------------------------------------------------------------- goto cycle

mod cycle {
    arazzo::arazzo_workflow!("tests/specs/arazzo/goto-cycle.arazzo.yaml");
}

/// The cycle `arazzo-compiler/tests/hostile.rs` compiles, run: only the step limit ends it,
/// after exactly that many requests.
#[tokio::test]
async fn a_goto_cycle_is_stopped_by_the_step_limit() {
    let server = item_server(ResponseTemplate::new(200).set_body_json(item())).await;
    let client = arazzo::Client::builder()
        .server("inventory", server.uri())
        .max_steps(7)
        .build()
        .expect("client");
    let err = cycle::ping_pong::run(
        &client,
        &cycle::ping_pong::Inputs {
            item_id: "sku-1".into(),
        },
    )
    .await
    .expect_err("the cycle never ends by itself");
    assert!(
        matches!(
            err,
            arazzo::Error::StepLimitExceeded {
                workflow: "ping-pong",
                limit: 7
            }
        ),
        "{err:?}"
    );
    assert_eq!(received(&server).await.len(), 7);
}

// ------------------------------------------------------ request defences

#[tokio::test]
async fn path_parameter_injection_stays_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .mount(&server)
        .await;
    read_item::run(&client(&server), &read_inputs("../admin?x=1#f"))
        .await
        .expect("any path answers");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url.path(), "/items/..%2Fadmin%3Fx%3D1%23f");
    assert_eq!(reqs[0].url.query(), None);
    assert_eq!(reqs[0].url.path_segments().map(Iterator::count), Some(2));
}

#[tokio::test]
async fn dot_dot_path_parameter_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .mount(&server)
        .await;
    for bad in ["..", ".", ""] {
        let err = read_item::run(&client(&server), &read_inputs(bad))
            .await
            .expect_err(bad);
        assert!(
            matches!(&err, arazzo::Error::InvalidParameter { step: "getItem", name, .. } if name == "itemId"),
            "{bad:?}: {err:?}"
        );
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn header_value_with_crlf_is_refused_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .mount(&server)
        .await;
    for evil in ["ok\r\nX-Injected: 1", "ok\nX-Injected: 1", "ok\rX"] {
        let inputs = read_item::Inputs {
            item_id: "sku-1".into(),
            note: Some(evil.into()),
        };
        let err = read_item::run(&client(&server), &inputs)
            .await
            .expect_err("CR/LF");
        match &err {
            arazzo::Error::InvalidHeaderValue { step, header, .. } => {
                assert_eq!(*step, "getItem");
                assert!(header.eq_ignore_ascii_case("X-Request-Note"), "{header}");
            }
            other => panic!("expected InvalidHeaderValue, got {other:?}"),
        }
        let text = format!("{err} {err:?}");
        assert!(!text.contains("Injected"), "the value is not shown: {text}");
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");

    // A clean note goes through as a header.
    let inputs = read_item::Inputs {
        item_id: "sku-1".into(),
        note: Some("cycle count".into()),
    };
    read_item::run(&client(&server), &inputs).await.expect("ok");
    let reqs = received(&server).await;
    assert_eq!(
        reqs[0]
            .headers
            .get("x-request-note")
            .map(|v| v.to_str().unwrap()),
        Some("cycle count")
    );
}

#[tokio::test]
async fn unreachable_server_is_connect_naming_the_step() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let err = record_and_read::run(
        &client_for(&format!("http://127.0.0.1:{port}")),
        &record_inputs(),
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(err, arazzo::Error::Connect { step: "record", .. }),
        "{err:?}"
    );
}

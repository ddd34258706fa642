//! End-to-end behaviour of `Request::send` against a hand-written server,
//! including the fault matrix.

mod common;

use std::time::{Duration, Instant};

use arazzo::__private::{with_deadline, Request, StepInfo};
use arazzo::{Client, Error};
use common::{client_for, closed_port, http, json, serve, Reply};
use serde_json::json;

static GET_ITEM: StepInfo = StepInfo {
    workflow: "wf",
    step: "getItem",
    operation: "getItemById",
    source: "api",
    default_server: "http://127.0.0.1:9/unused",
    method: "GET",
    path: "/items/{id}",
};

static POST_ITEM: StepInfo = StepInfo {
    workflow: "wf",
    step: "createItem",
    operation: "createItem",
    source: "api",
    default_server: "http://127.0.0.1:9/unused",
    method: "POST",
    path: "/items",
};

fn get<'a>(client: &'a Client, id: &str) -> Request<'a> {
    let mut r = Request::new(client, &GET_ITEM);
    r.path_param("id", &json!(id)).unwrap();
    r
}

#[tokio::test]
async fn json_round_trip_with_parameters() {
    let server = serve(|_| json(200, r#"{"id":"x1","count":3,"tags":["a","b"]}"#)).await;
    let client = client_for(&format!("{}/base/", server.url()));
    let mut r = get(&client, "../admin?x=1#f");
    r.query("q", &json!("a b&c=d")).unwrap();
    r.query("tag", &json!(["x", "y"])).unwrap();
    r.query("none", &json!(null)).unwrap();
    r.header("X-Trace", &json!(7), false).unwrap();
    r.cookie("a", &json!("1")).unwrap();
    r.cookie("b", &json!("two; three")).unwrap();
    let resp = r.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.info().step, "getItem");
    assert_eq!(resp.output::<String>("id", "/id").unwrap(), "x1");
    assert_eq!(
        resp.output::<Vec<String>>("tags", "/tags").unwrap(),
        ["a", "b"]
    );
    assert_eq!(resp.body_pointer("/count"), json!(3));

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.target,
        "/base/items/..%2Fadmin%3Fx%3D1%23f?q=a%20b%26c%3Dd&tag=x&tag=y"
    );
    assert_eq!(req.header("x-trace"), Some("7"));
    assert_eq!(req.header("cookie"), Some("a=1; b=two%3B%20three"));
}

#[tokio::test]
async fn base_path_prefix_without_trailing_slash() {
    let server = serve(|_| json(200, "{}")).await;
    let client = client_for(&format!("{}/api", server.url()));
    get(&client, "a b").send().await.unwrap();
    assert_eq!(server.requests()[0].target, "/api/items/a%20b");
}

#[tokio::test]
async fn json_and_form_bodies() {
    let server = serve(|_| json(201, r#"{"ok":true}"#)).await;
    let client = client_for(&server.url());
    let mut r = Request::new(&client, &POST_ITEM);
    r.json_body("application/json", json!({"name": "n", "n": 1}));
    let resp = r.send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let mut r = Request::new(&client, &POST_ITEM);
    r.form_body(&json!({"a": "x y", "b": [1, 2]})).unwrap();
    r.send().await.unwrap();
    let mut r = Request::new(&client, &POST_ITEM);
    r.text_body("text/plain", "hello".to_owned());
    r.send().await.unwrap();

    let seen = server.requests();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(sent, json!({"name": "n", "n": 1}));
    assert_eq!(
        seen[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen[1].body, b"a=x+y&b=1&b=2");
    assert_eq!(seen[2].header("content-type"), Some("text/plain"));
    assert_eq!(seen[2].body, b"hello");
}

#[tokio::test]
async fn multipart_names_cannot_inject_part_headers() {
    let server = serve(|_| json(201, r#"{"ok":true}"#)).await;
    let client = client_for(&server.url());
    let mut r = Request::new(&client, &POST_ITEM);
    let hostile = "f\"\r\nX-F: 2\r\n\r\nforged";
    r.part_bytes(hostile, b"data".to_vec(), "application/octet-stream")
        .unwrap();
    r.part_value(hostile, &json!("text"), None).unwrap();
    r.send().await.unwrap();

    let seen = server.requests();
    let body = String::from_utf8_lossy(&seen[0].body).into_owned();
    let boundary = seen[0]
        .header("content-type")
        .and_then(|ct| ct.strip_prefix("multipart/form-data; boundary="))
        .unwrap()
        .to_owned();
    // Every line of each part's head is one the client wrote: no header and no
    // body start came from the name.
    let parts: Vec<&str> = body
        .split(&format!("--{boundary}"))
        .filter(|p| p.starts_with("\r\n"))
        .collect();
    assert_eq!(parts.len(), 2, "{body:?}");
    for part in parts {
        let (head, data) = part[2..].split_once("\r\n\r\n").unwrap();
        let lines: Vec<&str> = head.split("\r\n").collect();
        assert!(
            lines[0].starts_with("Content-Disposition: form-data; "),
            "{head:?}"
        );
        assert!(
            lines[1..].iter().all(|l| l.starts_with("Content-Type: ")),
            "{head:?}"
        );
        assert!(data == "data\r\n" || data == "text\r\n", "{data:?}");
    }
    assert!(!body.contains("\r\nX-F: 2"), "{body:?}");
    assert!(!body.contains("\r\nforged"), "{body:?}");
    // The file name is encoded as browsers encode it.
    assert!(
        body.contains("filename=\"f%22%0D%0AX-F: 2%0D%0A%0D%0Aforged\""),
        "{body:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_connect() {
    let addr = closed_port().await;
    let client = client_for(&format!("http://{addr}"));
    let err = get(&client, "1").send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(err.step(), Some("getItem"));
    assert!(err
        .to_string()
        .starts_with("step `getItem` (operation `getItemById`) of workflow `wf`: "));
}

#[tokio::test]
async fn never_answering_server_times_out() {
    let server = serve(|_| Reply::Hang).await;
    let client = client_for(&server.url());
    let start = Instant::now();
    let err = get(&client, "1").send().await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn stalled_body_times_out() {
    let server = serve(|_| {
        Reply::RawThenHang(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"a\":"
                .to_vec(),
        )
    })
    .await;
    let client = client_for(&server.url());
    let err = get(&client, "1").send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn workflow_deadline() {
    let server = serve(|_| Reply::Hang).await;
    let client = Client::builder()
        .server("api", server.url())
        .request_timeout(Duration::from_secs(10))
        .workflow_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = with_deadline(&client, "wf", async {
        get(&client, "1").send().await?;
        Ok(())
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::WorkflowTimeout { workflow: "wf", .. }),
        "{err:?}"
    );
    assert_eq!(err.workflow(), Some("wf"));
    assert!(start.elapsed() < Duration::from_secs(3));

    let ok = with_deadline(&client, "wf", async { Ok(5) }).await.unwrap();
    assert_eq!(ok, 5);
}

#[tokio::test]
async fn server_error_is_a_response() {
    let server = serve(|_| json(500, r#"{"error":"boom"}"#)).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    assert_eq!(resp.status(), 500);
    let err = resp.criteria_not_met();
    assert!(
        matches!(err, Error::CriteriaNotMet { status: 500, ref body, .. } if body.contains("boom"))
    );
    assert_eq!(err.status(), Some(500));
    let err = resp.retries_exhausted(3);
    assert!(matches!(
        err,
        Error::RetriesExhausted {
            attempts: 3,
            status: 500,
            ..
        }
    ));
}

#[tokio::test]
async fn invalid_json() {
    let server = serve(|_| json(200, "{not json")).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    assert!(matches!(
        resp.body(),
        Err(Error::InvalidJson { status: 200, .. })
    ));
    let err = resp.output::<String>("id", "/id").unwrap_err();
    assert!(matches!(err, Error::InvalidJson { .. }), "{err:?}");
    assert_eq!(resp.body_lossy(), serde_json::Value::Null);
    assert_eq!(resp.body_pointer("/id"), serde_json::Value::Null);
}

#[tokio::test]
async fn wrong_shape_is_decode() {
    let server = serve(|_| json(200, r#"{"count":"many"}"#)).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    let err = resp.output::<u64>("count", "/count").unwrap_err();
    assert!(
        matches!(err, Error::Decode { ref output, ref pointer, .. } if output == "count" && pointer == "/count"),
        "{err:?}"
    );
    let err = resp.output::<u64>("missing", "/missing").unwrap_err();
    assert!(matches!(err, Error::MissingOutput { .. }), "{err:?}");
}

#[tokio::test]
async fn html_body_is_unexpected_content_type() {
    let server = serve(|_| http(200, &[("Content-Type", "text/html")], "<html></html>")).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    // text/* is a string body...
    assert_eq!(resp.body_lossy(), json!("<html></html>"));
    // ...which has no members.
    let err = resp.output::<String>("id", "/id").unwrap_err();
    assert!(matches!(err, Error::MissingOutput { .. }), "{err:?}");

    let server = serve(|_| http(200, &[("Content-Type", "application/pdf")], "%PDF")).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    let err = resp.output::<String>("id", "/id").unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedContentType { ref content_type, .. } if content_type == "application/pdf"),
        "{err:?}"
    );
}

#[tokio::test]
async fn body_over_limit_by_content_length() {
    let server = serve(|_| {
        Reply::RawThenHang(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n{".to_vec())
    })
    .await;
    let client = Client::builder()
        .server("api", server.url())
        .max_body_bytes(1024)
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = get(&client, "1").send().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(2), "refused up front");
}

#[tokio::test]
async fn body_over_limit_while_streaming() {
    let server = serve(|_| {
        let mut bytes = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..4 {
            bytes.extend_from_slice(b"200\r\n");
            bytes.extend_from_slice(&[b'a'; 0x200]);
            bytes.extend_from_slice(b"\r\n");
        }
        // Then stall: the limit must trip without waiting for the end.
        Reply::RawThenHang(bytes)
    })
    .await;
    let client = Client::builder()
        .server("api", server.url())
        .max_body_bytes(1000)
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = get(&client, "1").send().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn body_at_limit_is_fine() {
    let server = serve(|_| http(200, &[("Content-Type", "text/plain")], "12345")).await;
    let client = Client::builder()
        .server("api", server.url())
        .max_body_bytes(5)
        .build()
        .unwrap();
    let resp = get(&client, "1").send().await.unwrap();
    assert_eq!(resp.body_bytes(), b"12345");
}

#[tokio::test]
async fn connection_closed_mid_body() {
    let server = serve(|_| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"partial\":"
                .to_vec(),
        )
    })
    .await;
    let client = client_for(&server.url());
    let err = get(&client, "1").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyInterrupted { .. }), "{err:?}");
}

#[tokio::test]
async fn redirect_loop_is_not_followed() {
    // Redirects are not followed by the default client: the loop is a single 302.
    let server = serve(|_| http(302, &[("Location", "/items/1")], "")).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn crlf_header_is_refused_before_sending() {
    let server = serve(|_| json(200, "{}")).await;
    let client = client_for(&server.url());
    let mut r = get(&client, "1");
    let err = r
        .header(
            "X-Api-Key",
            &json!("sk-SECRET-123\r\nX-Injected: yes"),
            true,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidHeaderValue { ref header, .. } if header == "X-Api-Key"),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("sk-SECRET-123") && !text.contains("Injected"),
        "{text}"
    );
    // Even if the error were ignored, the request is never sent.
    let err = r.send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidHeaderValue { .. }), "{err:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn invalid_default_server_url() {
    static BAD: StepInfo = StepInfo {
        workflow: "wf",
        step: "s",
        operation: "op",
        source: "other",
        default_server: "ftp://example.test",
        method: "GET",
        path: "/x",
    };
    let client = Client::new();
    let err = Request::new(&client, &BAD).send().await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidServerUrl { ref source_name, .. } if source_name == "other"),
        "{err:?}"
    );
}

#[tokio::test]
async fn retry_after_from_a_real_response() {
    let server = serve(|_| http(429, &[("Retry-After", "2")], "")).await;
    let client = client_for(&server.url());
    let resp = get(&client, "1").send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(
        resp.retry_delay(Some(10.0), client.max_retry_after()),
        Duration::from_secs(2)
    );
    assert_eq!(resp.header("retry-after"), Some("2"));
    assert_eq!(resp.header("RETRY-AFTER"), Some("2"));
}

#[tokio::test]
async fn a_step_timeout_shorter_than_the_clients_bounds_the_request() {
    let server = serve(|_| Reply::Hang).await;
    let client = client_for(&server.url());
    let mut r = get(&client, "1");
    r.step_timeout(50);
    let err = r.send().await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(50)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_querystring_parameter_is_the_whole_query() {
    let server = serve(|_| json(200, "{}")).await;
    let client = client_for(&server.url());
    // A string: as written, only what a query cannot hold is encoded.
    let mut r = get(&client, "1");
    r.query_string("filter", &json!("q=rose bush&tags={\"a\":1}"))
        .unwrap();
    r.query("page", &json!(2)).unwrap();
    r.send().await.unwrap();
    // An object of scalars: encoded pairs; null sends none.
    let mut r = get(&client, "2");
    r.query_string("filter", &json!({"q": "a&b", "n": 3, "skip": null}))
        .unwrap();
    r.send().await.unwrap();
    let mut r = get(&client, "3");
    r.query_string("filter", &json!(null)).unwrap();
    r.send().await.unwrap();
    // Arrays are refused, and nothing is sent.
    let mut r = get(&client, "4");
    assert!(r.query_string("filter", &json!(["a"])).is_err());
    assert!(matches!(
        r.send().await,
        Err(Error::InvalidParameter { .. })
    ));
    let seen = server.requests();
    let targets: Vec<&str> = seen.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/items/1?q=rose%20bush&tags=%7B%22a%22:1%7D&page=2",
            "/items/2?n=3&q=a%26b",
            "/items/3",
        ]
    );
}

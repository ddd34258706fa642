//! Secret header values never show up in errors, `Debug` output or traces.

mod common;

use arazzo::__private::Request;
use arazzo::{Client, Error};
use common::{client_for, closed_port, json, serve};
use serde_json::json;

const SECRET: &str = "sk-SECRET-123";

fn request<'a>(client: &'a Client) -> Request<'a> {
    let mut r = Request::new(client, &common::GET_ITEM_STEP);
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
    // A client of the user's that follows redirects, and a server that sends each
    // request back to itself: the URL in `TooManyRedirects` loses its password.
    let server = serve(|req| common::http(307, &[("Location", req.target.as_str())], "")).await;
    let follows = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(1))
        .build()
        .unwrap();
    let client = Client::builder()
        .server("api", format!("http://user:pw-{SECRET}@{}", server.addr))
        .http_client(follows)
        .request_timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    let err = request(&client).send().await.unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects { .. }), "{err:?}");
    assert_error_clean(&err);
    let shown = format!("{err:?}");
    assert!(shown.contains(&server.addr.to_string()), "{shown}");

    let addr = closed_port().await;
    let client = client_for(&format!("http://user:pw-{SECRET}@{addr}"));
    let err = request(&client).send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
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

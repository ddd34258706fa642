//! Redirects: the default client follows none, so credentials and bodies
//! never reach another host; the error for an unaccepted 3xx names the
//! status and a scrubbed `Location`.

mod common;

use std::time::Duration;

use arazzo::__private::{Request, StepInfo};
use arazzo::{Client, Error};
use common::{http, json, serve, Reply};
use serde_json::json;

const KEY: &str = "sk-live-REDIRECT-KEY-42";

static POST_ITEM: StepInfo = StepInfo {
    workflow: "wf",
    step: "createItem",
    operation: "createItem",
    source: "api",
    default_server: "http://127.0.0.1:9/unused",
    method: "POST",
    path: "/items",
};

fn client_with(url: &str, http_client: Option<reqwest::Client>) -> Client {
    let mut b = Client::builder()
        .server("api", url)
        .request_timeout(Duration::from_secs(5));
    if let Some(h) = http_client {
        b = b.http_client(h);
    }
    b.build().unwrap()
}

fn post(client: &Client) -> Request<'_> {
    let mut r = Request::new(client, &POST_ITEM);
    r.header("X-API-KEY", &json!(KEY), true).unwrap();
    r.secret_query("api_key", &json!(KEY)).unwrap();
    r.json_body("application/json", json!({"card": "4111 1111 1111 1111"}));
    r
}

#[tokio::test]
async fn no_redirect_status_reaches_another_host() {
    for status in [301u16, 302, 303, 307, 308] {
        let other = serve(|_| json(200, r#"{"stolen":true}"#)).await;
        let target = format!(
            "http://user:pw@{}/collect?code=oauth-code-123&state=s1#frag",
            other.addr
        );
        let server = serve(move |_| http(status, &[("Location", target.as_str())], "")).await;
        let client = client_with(&server.url(), None);
        let resp = post(&client).send().await.unwrap();
        assert_eq!(resp.status(), status);
        assert_eq!(server.requests().len(), 1, "{status}");
        // Give a follow-up request time to arrive if one were sent.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            other.connections(),
            0,
            "{status}: the other host was contacted"
        );

        let err = resp.criteria_not_met();
        let Error::Redirected {
            status: s,
            location,
            step,
            ..
        } = &err
        else {
            panic!("{status}: {err:?}")
        };
        assert_eq!((*s, *step), (status, "createItem"));
        let location = location.clone().unwrap();
        assert_eq!(
            location,
            format!(
                "http://{}/collect?code=[redacted]&state=[redacted]",
                other.addr
            )
        );
        let text = format!("{err} {err:?}");
        for secret in [KEY, "oauth-code-123", "pw@", "frag"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains(&format!("HTTP {status}")), "{text}");
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn relative_location_resolves_against_the_request() {
    let server = serve(|_| http(302, &[("Location", "/login?next=%2Fhome")], "")).await;
    let client = client_with(&server.url(), None);
    let err = post(&client).send().await.unwrap().criteria_not_met();
    let Error::Redirected { location, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        location.as_deref(),
        Some(format!("{}/login?next=[redacted]", server.url()).as_str())
    );
    // Not a redirect status: the usual error.
    let server = serve(|_| json(400, "{}")).await;
    let client = client_with(&server.url(), None);
    let err = post(&client).send().await.unwrap().criteria_not_met();
    assert!(
        matches!(err, Error::CriteriaNotMet { status: 400, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn same_origin_policy_follows_only_the_same_origin() {
    let policy_client = || {
        reqwest::Client::builder()
            .redirect(arazzo::same_origin_redirects(3))
            .referer(false)
            .build()
            .unwrap()
    };
    // Same origin: followed.
    let server = serve(|req| {
        if req.target.starts_with("/items?") {
            http(307, &[("Location", "/v2/items")], "")
        } else {
            json(201, r#"{"id":"n1"}"#)
        }
    })
    .await;
    let client = client_with(&server.url(), Some(policy_client()));
    let resp = post(&client).send().await.unwrap();
    assert_eq!(resp.status(), 201);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].target, "/v2/items");

    // Another host (here: another port): not followed.
    let other = serve(|_| json(200, "{}")).await;
    let target = format!("{}/collect", other.url());
    let server = serve(move |_| http(308, &[("Location", target.as_str())], "")).await;
    let client = client_with(&server.url(), Some(policy_client()));
    let resp = post(&client).send().await.unwrap();
    assert_eq!(resp.status(), 308);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(other.connections(), 0);

    // A loop on the same origin stops after the limit with the last 3xx.
    let server = serve(|_| http(302, &[("Location", "/items")], "")).await;
    let client = client_with(&server.url(), Some(policy_client()));
    let resp = post(&client).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(server.requests().len(), 4);
}

/// Everything an error shows: `Display` and `Debug` of it and of each of its sources.
fn all_text(err: &Error) -> String {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    texts.join("\n")
}

/// The error shows the request URL with the key's value replaced.
fn assert_key_redacted(err: &Error) {
    let all = all_text(err);
    assert!(!all.contains(KEY), "{all}");
    assert!(all.contains("api_key=[redacted]"), "{all}");
}

#[tokio::test]
async fn query_credentials_are_redacted_from_transport_errors() {
    // The key is sent in the query: a server that answers sees it.
    let server = serve(|_| json(200, "{}")).await;
    let client = client_with(&server.url(), None);
    post(&client).send().await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].target.contains(&format!("api_key={KEY}")),
        "{}",
        seen[0].target
    );

    // BodyInterrupted: the body is shorter than its `Content-Length`.
    let server = serve(|_| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{\"id\":"
                .to_vec(),
        )
    })
    .await;
    let client = client_with(&server.url(), None);
    let err = post(&client).send().await.unwrap_err();
    let Error::BodyInterrupted { source, .. } = &err else {
        panic!("{err:?}")
    };
    // reqwest 0.12 attaches no URL to a body error; one that did would be scrubbed.
    match source.url() {
        None => assert!(!all_text(&err).contains(KEY), "{}", all_text(&err)),
        Some(_) => assert_key_redacted(&err),
    }

    // TooManyRedirects: a client of the user's that follows redirects, and a server
    // that sends each request back to itself, key included.
    let server = serve(|req| http(307, &[("Location", req.target.as_str())], "")).await;
    let follows = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(2))
        .build()
        .unwrap();
    let client = client_with(&server.url(), Some(follows));
    let err = post(&client).send().await.unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert_key_redacted(&err);

    // Connect: nobody listens.
    let addr = common::closed_port().await;
    let client = client_with(&format!("http://{addr}"), None);
    let err = post(&client).send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_key_redacted(&err);
}

#[tokio::test]
async fn query_credentials_are_scrubbed_from_body_excerpts() {
    // The server echoes the request target (with the key) in its error body.
    let server = serve(|req| json(401, &format!("{{\"echo\":\"{}\"}}", req.target))).await;
    let client = client_with(&server.url(), None);
    let resp = post(&client).send().await.unwrap();
    let err = resp.criteria_not_met();
    let text = format!("{err} {err:?} {resp:?}");
    assert!(!text.contains(KEY), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
}

#[tokio::test]
async fn server_text_cannot_forge_log_lines_or_escape_sequences() {
    let server = serve(|_| {
        http(
            500,
            &[("Content-Type", "text/plain")],
            "boom\n2026-11-30 INFO payment accepted\u{1b}[2J\u{202e}",
        )
    })
    .await;
    let client = client_with(&server.url(), None);
    let resp = post(&client).send().await.unwrap();
    let text = resp.criteria_not_met().to_string();
    assert!(!text.contains('\n') && !text.contains('\u{1b}') && !text.contains('\u{202e}'));
    assert!(
        text.ends_with("boom\\n2026-11-30 INFO payment accepted\\u{1b}[2J\\u{202e}"),
        "{text}"
    );
    // Decoder messages quote server strings too.
    let server = serve(|_| json(200, r#"{"n":"1\u001b[31m\nFAKE"}"#)).await;
    let client = client_with(&server.url(), None);
    let resp = post(&client).send().await.unwrap();
    let err = resp.output::<u64>("n", "/n").unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Decode { .. }));
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
}

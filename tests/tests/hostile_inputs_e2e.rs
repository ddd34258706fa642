//! Inputs chosen by an attacker, through generated workflows (issue 30): a value
//! embedded in a JSONPath or regex criterion stays a literal, deeply nested text
//! in an input is an error and not a crash, a step without success criteria
//! accepts 2xx only, and a `format: password` input never appears in an error,
//! wherever the request sends it.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/hostile-inputs.arazzo.yaml");
}

use flows::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A password with characters every encoding changes: a quote (JSON), a space,
/// a slash and a non-ASCII letter (percent-encoding).
const PASSWORD: &str = "hunter2\"s3cr\u{e9}t/p w";

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("directory", server.uri())
        .build()
        .unwrap()
}

/// A directory listing `alice` (level 3) and `bob` (level "gold").
async fn directory() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"name": "alice", "level": 3},
            {"name": "bob", "level": "gold"}
        ])))
        .mount(&server)
        .await;
    server
}

fn unmet(result: Result<impl std::fmt::Debug, arazzo::Error>) -> bool {
    matches!(
        result,
        Err(arazzo::Error::CriteriaNotMet { status: 200, .. })
    )
}

#[tokio::test]
async fn an_input_cannot_rewrite_a_jsonpath_criterion() {
    let server = directory().await;
    let client = client(&server);
    let run = |name: &str| {
        let inputs = user_exists::Inputs { name: name.into() };
        let client = &client;
        async move { user_exists::run(client, &inputs).await }
    };
    run("alice").await.unwrap();
    // The injection of issue 30: substituted as text, it made the filter select
    // every user.
    assert!(unmet(run("nope' || @.name == @.name || @.x == 'y").await));
    assert!(unmet(run("nope\" || @.name == @.name || @.x == \"y").await));
    assert!(unmet(run("carol").await));
    // Quotes in a value are part of the name compared.
    assert!(unmet(run("alice'").await));
}

#[tokio::test]
async fn an_input_outside_quotes_is_a_string_literal() {
    let server = directory().await;
    let client = client(&server);
    let run = |level: &str| {
        let inputs = level_filter::Inputs {
            level: level.into(),
        };
        let client = &client;
        async move { level_filter::run(client, &inputs).await }
    };
    run("gold").await.unwrap();
    // A string input is never a number, nor a filter.
    assert!(unmet(run("3").await));
    assert!(unmet(run("@.level || @.level").await));
    assert!(unmet(run("1 == 1 || 'x'").await));
}

#[tokio::test]
async fn deep_nesting_through_an_input_is_an_error_and_the_process_keeps_running() {
    let server = directory().await;
    let client = client(&server);
    // 2 000 parentheses: pasted into the query, they made the JSONPath parser
    // exhaust the stack and abort the whole process.
    for deep in ["(".repeat(2000), "(".repeat(2000) + &")".repeat(2000)] {
        let inputs = level_filter::Inputs { level: deep };
        assert!(unmet(level_filter::run(&client, &inputs).await));
        let inputs = user_exists::Inputs {
            name: "[".repeat(2000),
        };
        assert!(unmet(user_exists::run(&client, &inputs).await));
    }
    // Still running, and still answering.
    let inputs = level_filter::Inputs {
        level: "gold".into(),
    };
    level_filter::run(&client, &inputs).await.unwrap();
}

#[tokio::test]
async fn an_input_is_matched_literally_by_a_regex_criterion() {
    let server = directory().await;
    let client = client(&server);
    let run = |name: &str| {
        let inputs = name_pattern::Inputs { name: name.into() };
        let client = &client;
        async move { name_pattern::run(client, &inputs).await }
    };
    run("alice").await.unwrap();
    assert!(unmet(run(".*").await));
    assert!(unmet(run("al.ce").await));
    assert!(unmet(run("x|alice").await));
    assert!(unmet(run(&"(".repeat(2000)).await));
}

/// A server answering `GET /users` with `reply`.
async fn users_answering(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(reply)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_step_without_criteria_accepts_2xx_only() {
    let ok =
        users_answering(ResponseTemplate::new(200).set_body_json(json!([{"name": "a"}]))).await;
    let out = list_without_criteria::run(&client(&ok), &list_without_criteria::Inputs {})
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&out.users).unwrap()[0]["name"], "a");

    let exploded =
        users_answering(ResponseTemplate::new(500).set_body_raw("upstream exploded", "text/plain"))
            .await;
    match list_without_criteria::run(&client(&exploded), &list_without_criteria::Inputs {}).await {
        Err(arazzo::Error::CriteriaNotMet { status, body, .. }) => {
            assert_eq!(status, 500);
            assert_eq!(body, "upstream exploded");
        }
        other => panic!("a 500 must fail the step: {other:?}"),
    }

    let forbidden =
        users_answering(ResponseTemplate::new(403).set_body_json(json!([{"name": "a"}]))).await;
    match list_without_criteria::run(&client(&forbidden), &list_without_criteria::Inputs {}).await {
        Err(arazzo::Error::CriteriaNotMet { status, .. }) => assert_eq!(status, 403),
        other => panic!("a 403 must fail the step: {other:?}"),
    }

    let moved = users_answering(
        ResponseTemplate::new(302).insert_header("Location", "https://elsewhere.example/users"),
    )
    .await;
    match list_without_criteria::run(&client(&moved), &list_without_criteria::Inputs {}).await {
        Err(arazzo::Error::Redirected {
            status, location, ..
        }) => {
            assert_eq!(status, 302);
            assert_eq!(location.as_deref(), Some("https://elsewhere.example/users"));
        }
        other => panic!("a 302 must be Error::Redirected: {other:?}"),
    }
}

/// Every form the password can take on the wire or in a body echoed back.
fn assert_scrubbed(error: &arazzo::Error) {
    let shown = format!("{error} | {error:?}");
    for form in [
        PASSWORD.to_owned(),
        "hunter2".to_owned(),
        serde_json::to_string(PASSWORD).unwrap(),
        url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect(),
        "hunter2%22s3cr%C3%A9t%2Fp%20w".to_owned(),
    ] {
        assert!(!shown.contains(&form), "{form:?} leaked: {shown}");
    }
    assert!(shown.contains("[redacted]"), "{shown}");
}

/// A server answering every request with `status` and the request echoed in
/// the body: target, headers and body.
async fn echo(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(move |req: &Request| {
            let headers: Vec<String> = req
                .headers
                .iter()
                .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v.as_bytes())))
                .collect();
            let text = format!(
                "you sent {} with {} and {}",
                req.url,
                headers.join(", "),
                String::from_utf8_lossy(&req.body)
            );
            ResponseTemplate::new(status).set_body_raw(text, "text/plain")
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_password_in_a_json_body_is_scrubbed_from_errors() {
    let server = echo(400).await;
    let inputs = sign_in::Inputs {
        user: "alice".into(),
        password: PASSWORD.into(),
    };
    let err = sign_in::run(&client(&server), &inputs).await.unwrap_err();
    assert!(
        matches!(err, arazzo::Error::CriteriaNotMet { status: 400, .. }),
        "{err:?}"
    );
    // The body was sent, echoed, and is shown without the password.
    let received = server.received_requests().await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(sent["password"], PASSWORD);
    assert_scrubbed(&err);
    assert!(err.to_string().contains("alice"), "{err}");
}

#[tokio::test]
async fn a_password_in_a_path_query_or_header_is_scrubbed_from_errors() {
    let server = echo(500).await;
    let inputs = lookup::Inputs {
        password: PASSWORD.into(),
    };
    let err = lookup::run(&client(&server), &inputs).await.unwrap_err();
    assert!(
        matches!(err, arazzo::Error::CriteriaNotMet { status: 500, .. }),
        "{err:?}"
    );
    let received = server.received_requests().await.unwrap();
    let header = received[0].headers.get("x-pass").unwrap().as_bytes();
    assert_eq!(header, PASSWORD.as_bytes());
    assert_scrubbed(&err);
    assert!(err.to_string().contains("/lookup/"), "{err}");
}

#[tokio::test]
async fn a_password_in_a_path_or_query_is_scrubbed_from_connect_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = arazzo::Client::builder()
        .server("directory", format!("http://{addr}"))
        .build()
        .unwrap();
    let inputs = lookup::Inputs {
        password: PASSWORD.into(),
    };
    let err = lookup::run(&client, &inputs).await.unwrap_err();
    assert!(matches!(err, arazzo::Error::Connect { .. }), "{err:?}");
    assert_scrubbed(&err);
    assert!(err.to_string().contains("/lookup/"), "{err}");
}

//! Features run end to end through generated code against wiremock: a redirect reaching a
//! workflow's criteria, `in: cookie` parameters, input `default`s applied at run time, and
//! an Arazzo 1.1 step `timeout` on an HTTP step.
//!
//! Fixture: `tests/specs/arazzo/portal.arazzo.yaml` over
//! `tests/specs/openapi/portal.openapi.yaml`.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/portal.arazzo.yaml");
}

use std::time::Duration;

use flows::{begin_sign_in, read_profile};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("portal", server.uri())
        .build()
        .unwrap()
}

/// The portal answering `/authorize` with `status` and a `Location` on `idp`.
async fn portal_redirecting(status: u16, idp: &MockServer) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/authorize"))
        .respond_with(ResponseTemplate::new(status).insert_header(
            "Location",
            format!("{}/login?code=oauth-CODE-77&state=s1", idp.uri()).as_str(),
        ))
        .mount(&server)
        .await;
    server
}

fn sign_in() -> begin_sign_in::Inputs {
    begin_sign_in::Inputs {
        client_id: "portal-web".into(),
    }
}

#[tokio::test]
async fn a_302_reaches_the_criteria_and_its_location_is_an_output() {
    let idp = MockServer::start().await;
    let portal = portal_redirecting(302, &idp).await;
    let out = begin_sign_in::run(&client(&portal), &sign_in())
        .await
        .unwrap();
    // `$statusCode == 302` held; `$response.header.Location` is the header as sent.
    assert_eq!(
        out.location,
        format!("{}/login?code=oauth-CODE-77&state=s1", idp.uri())
    );
    let sent = portal.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.query(), Some("client_id=portal-web"));
    // Not followed.
    assert!(idp.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_redirect_the_criteria_do_not_accept_is_redirected() {
    let idp = MockServer::start().await;
    let portal = portal_redirecting(303, &idp).await;
    let err = begin_sign_in::run(&client(&portal), &sign_in())
        .await
        .unwrap_err();
    match &err {
        arazzo::Error::Redirected {
            workflow: "begin-sign-in",
            step: "authorize",
            operation: "authorize",
            status: 303,
            location,
        } => assert_eq!(
            location.as_deref(),
            Some(format!("{}/login?code=[redacted]&state=[redacted]", idp.uri()).as_str())
        ),
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains("oauth-CODE-77"));
    assert!(idp.received_requests().await.unwrap().is_empty());
}

async fn profile_server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/profile"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"memberId": "m-1"}))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

fn profile(
    theme: Option<&str>,
    locale: Option<&str>,
    page_size: Option<i64>,
) -> read_profile::Inputs {
    read_profile::Inputs {
        session: "sess-SECRET-9f; admin=1".into(),
        theme: theme.map(Into::into),
        locale: locale.map(Into::into),
        page_size,
    }
}

/// The `Cookie` header and the query of the one request `server` received.
async fn sent(server: &MockServer) -> (Option<String>, Option<String>) {
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    let cookie = reqs[0]
        .headers
        .get("cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    (cookie, reqs[0].url.query().map(str::to_owned))
}

#[tokio::test]
async fn cookie_parameters_go_into_one_encoded_cookie_header() {
    let server = profile_server(Duration::ZERO).await;
    let out = read_profile::run(
        &client(&server),
        &profile(Some("dark"), Some("fr-FR"), Some(5)),
    )
    .await
    .unwrap();
    assert_eq!(out.member_id, "m-1");
    let (cookie, query) = sent(&server).await;
    // `;` and the space are encoded: the value cannot add a cookie of its own.
    assert_eq!(
        cookie.as_deref(),
        Some("session=sess-SECRET-9f%3B%20admin=1; theme=dark")
    );
    assert_eq!(query.as_deref(), Some("locale=fr-FR&limit=5"));

    // An absent optional cookie is left out.
    let server = profile_server(Duration::ZERO).await;
    read_profile::run(&client(&server), &profile(None, Some("fr-FR"), Some(5)))
        .await
        .unwrap();
    let (cookie, _) = sent(&server).await;
    assert_eq!(
        cookie.as_deref(),
        Some("session=sess-SECRET-9f%3B%20admin=1")
    );
}

#[tokio::test]
async fn input_defaults_are_sent_when_the_inputs_leave_them_out() {
    let server = profile_server(Duration::ZERO).await;
    read_profile::run(&client(&server), &profile(None, None, None))
        .await
        .unwrap();
    let (_, query) = sent(&server).await;
    assert_eq!(query.as_deref(), Some("locale=en-GB&limit=20"));
    // The generated `Debug` shows what was given, not the defaults.
    let shown = format!("{:?}", profile(None, None, None));
    assert!(shown.contains("locale: None"), "{shown}");
    // A given value wins over the default.
    let server = profile_server(Duration::ZERO).await;
    read_profile::run(&client(&server), &profile(None, None, Some(50)))
        .await
        .unwrap();
    let (_, query) = sent(&server).await;
    assert_eq!(query.as_deref(), Some("locale=en-GB&limit=50"));
}

#[tokio::test]
async fn a_step_timeout_trips_before_the_client_request_timeout() {
    // The server would answer after 60 s; the step allows 500 ms, the client 30 s.
    let server = profile_server(Duration::from_secs(60)).await;
    let client = arazzo::Client::builder()
        .server("portal", server.uri())
        .request_timeout(Duration::from_secs(30))
        .workflow_timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let err = read_profile::run(&client, &profile(None, None, None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::Timeout {
                workflow: "read-profile",
                step: "profile",
                after,
                ..
            } if after == Duration::from_millis(500)
        ),
        "{err:?}"
    );
}

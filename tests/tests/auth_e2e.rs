//! Credentials from the OpenAPI security schemes, applied by generated steps,
//! against local servers: a token endpoint and an API (wiremock).

mod flows {
    // `allow(manual_credential)`: one step sets `Authorization` itself on purpose (its
    // own header wins over the configured credential).
    arazzo::arazzo_workflow!(
        "tests/specs/arazzo/auth.arazzo.yaml",
        allow(manual_credential)
    );
}

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arazzo::{Client, Credential, Error};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_SECRET: &str = "cs-SECRET-9f3e2d";
const API_KEY: &str = "ak-SECRET-1234";
const PASSWORD: &str = "pw-SECRET-7777";

fn builder(server: &MockServer) -> arazzo::ClientBuilder {
    Client::builder().server("shop", format!("{}/api", server.uri()))
}

fn token(access: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

async fn orders_with(server: &MockServer, access: &str) {
    Mock::given(method("GET"))
        .and(path("/api/orders"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 2})))
        .mount(server)
        .await;
}

/// Requests the server received at `at`.
async fn received(server: &MockServer, at: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == at)
        .collect()
}

fn body_of(r: &Request) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[tokio::test]
async fn client_credentials_are_fetched_once_for_32_concurrent_runs() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=orders%3Aread"))
        .respond_with(token("tok-ONE-abcdef", 3600))
        .mount(&server)
        .await;
    orders_with(&server, "tok-ONE-abcdef").await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    let mut runs = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let client = client.clone();
        runs.spawn(async move {
            flows::list_orders::run(&client, &flows::list_orders::Inputs {}).await
        });
    }
    while let Some(done) = runs.join_next().await {
        assert_eq!(done.unwrap().unwrap().status, 200);
    }
    let tokens = received(&server, "/oauth/token").await;
    assert_eq!(tokens.len(), 1, "one token request for 32 runs");
    // The client authenticates with HTTP Basic (RFC 6749 §2.3.1).
    let basic = tokens[0]
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(basic.starts_with("Basic "), "{basic}");
    assert_eq!(received(&server, "/api/orders").await.len(), 32);
    // A later run reuses the cached token.
    flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap();
    assert_eq!(received(&server, "/oauth/token").await.len(), 1);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_with_its_refresh_token() {
    let server = MockServer::start().await;
    // Expires at once: the next run must get another one.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "tok-FIRST-aaaa",
            "expires_in": 0,
            "refresh_token": "rt-SECRET-1",
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=rt-SECRET-1"))
        .respond_with(token("tok-SECOND-bbbb", 3600))
        .mount(&server)
        .await;
    orders_with(&server, "tok-FIRST-aaaa").await;
    orders_with(&server, "tok-SECOND-bbbb").await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    for _ in 0..3 {
        flows::list_orders::run(&client, &flows::list_orders::Inputs {})
            .await
            .unwrap();
    }
    let tokens: Vec<String> = received(&server, "/oauth/token")
        .await
        .iter()
        .map(body_of)
        .collect();
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert!(tokens[1].contains("grant_type=refresh_token"), "{tokens:?}");
    let sent: Vec<String> = received(&server, "/api/orders")
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        sent,
        [
            "Bearer tok-FIRST-aaaa",
            "Bearer tok-SECOND-bbbb",
            "Bearer tok-SECOND-bbbb"
        ]
    );
}

#[tokio::test]
async fn a_token_refused_as_invalid_is_fetched_again_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("tok-REVOKED-1111", 3600))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("tok-VALID-2222", 3600))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/orders"))
        .and(header("authorization", "Bearer tok-REVOKED-1111"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\""),
        )
        .mount(&server)
        .await;
    orders_with(&server, "tok-VALID-2222").await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    let out = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap();
    assert_eq!(out.status, 200);
    assert_eq!(received(&server, "/oauth/token").await.len(), 2);
    assert_eq!(received(&server, "/api/orders").await.len(), 2);
}

#[tokio::test]
async fn a_second_401_is_not_retried_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(token("tok-ALWAYS-BAD-1", 3600))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/orders"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\""),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    let err = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(received(&server, "/api/orders").await.len(), 2);
}

#[tokio::test]
async fn the_password_flow() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=password"))
        .and(body_string_contains("username=ada"))
        .and(body_string_contains(
            format!("password={PASSWORD}").as_str(),
        ))
        .and(body_string_contains("client_id=shop-app"))
        .and(body_string_contains("scope=profile"))
        .respond_with(token("tok-PROFILE-3333", 3600))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/profile"))
        .and(header("authorization", "Bearer tok-PROFILE-3333"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential(
            "shop",
            "passwordOauth",
            Credential::oauth2_password("shop-app", "ada", PASSWORD),
        )
        .build()
        .unwrap();
    let out = flows::get_profile::run(&client, &flows::get_profile::Inputs {})
        .await
        .unwrap();
    assert_eq!(out.status, 200);
}

#[tokio::test]
async fn api_keys_in_header_query_and_cookie_basic_and_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/header-key"))
        .and(header("x-api-key", API_KEY))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/query-key"))
        .and(query_param("api_key", API_KEY))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/cookie-key"))
        .and(header("cookie", format!("session_key={API_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/basic"))
        // base64("ada:pw-SECRET-7777")
        .and(header("authorization", "Basic YWRhOnB3LVNFQ1JFVC03Nzc3"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/bearer"))
        .and(header("authorization", "Bearer br-TOKEN-42"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .credential("shop", "apiKeyQuery", Credential::api_key(API_KEY))
        .credential("shop", "apiKeyCookie", Credential::api_key(API_KEY))
        .credential("shop", "basicAuth", Credential::basic("ada", PASSWORD))
        .credential("shop", "bearerAuth", Credential::bearer("br-TOKEN-42"))
        .build()
        .unwrap();
    assert_eq!(
        flows::header_key::run(&client, &flows::header_key::Inputs {})
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        flows::query_key::run(&client, &flows::query_key::Inputs {})
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        flows::cookie_key::run(&client, &flows::cookie_key::Inputs {})
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        flows::basic_only::run(&client, &flows::basic_only::Inputs {})
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        flows::bearer_only::run(&client, &flows::bearer_only::Inputs {})
            .await
            .unwrap()
            .status,
        200
    );
}

#[tokio::test]
async fn a_header_the_document_sets_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/bearer"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential("shop", "bearerAuth", Credential::bearer("configured-token"))
        .build()
        .unwrap();
    let inputs = flows::bearer_set_by_document::Inputs {
        token: "from-the-document".into(),
    };
    flows::bearer_set_by_document::run(&client, &inputs)
        .await
        .unwrap();
    // And with no credential configured at all, the document's own header is enough.
    let bare = builder(&server).build().unwrap();
    flows::bearer_set_by_document::run(&bare, &inputs)
        .await
        .unwrap();
    let sent: Vec<Vec<String>> = received(&server, "/api/bearer")
        .await
        .iter()
        .map(|r| {
            r.headers
                .get_all("authorization")
                .iter()
                .map(|v| v.to_str().unwrap_or_default().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(
        sent,
        [
            vec!["Bearer from-the-document".to_owned()],
            vec!["Bearer from-the-document".to_owned()]
        ]
    );
}

#[tokio::test]
async fn and_or_requirements() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/key-and-basic-or-bearer"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // Both schemes of the first alternative (AND).
    let both = builder(&server)
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .credential("shop", "basicAuth", Credential::basic("ada", PASSWORD))
        .credential("shop", "bearerAuth", Credential::bearer("br-TOKEN-42"))
        .build()
        .unwrap();
    flows::key_and_basic_or_bearer::run(&both, &flows::key_and_basic_or_bearer::Inputs {})
        .await
        .unwrap();
    // Half of the first alternative: the second one (OR) is used.
    let half = builder(&server)
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .credential("shop", "bearerAuth", Credential::bearer("br-TOKEN-42"))
        .build()
        .unwrap();
    flows::key_and_basic_or_bearer::run(&half, &flows::key_and_basic_or_bearer::Inputs {})
        .await
        .unwrap();
    // Half of the first alternative and nothing else: refused before sending.
    let key_only = builder(&server)
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .build()
        .unwrap();
    let err =
        flows::key_and_basic_or_bearer::run(&key_only, &flows::key_and_basic_or_bearer::Inputs {})
            .await
            .unwrap_err();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    let sent: Vec<(Option<String>, Option<String>)> =
        received(&server, "/api/key-and-basic-or-bearer")
            .await
            .iter()
            .map(|r| {
                let get = |name: &str| {
                    r.headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                (get("x-api-key"), get("authorization"))
            })
            .collect();
    assert_eq!(
        sent,
        [
            (
                Some(API_KEY.to_owned()),
                Some("Basic YWRhOnB3LVNFQ1JFVC03Nzc3".to_owned())
            ),
            (None, Some("Bearer br-TOKEN-42".to_owned())),
        ]
    );
}

#[tokio::test]
async fn optional_security_and_no_security() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let bare = builder(&server).build().unwrap();
    flows::optional_key::run(&bare, &flows::optional_key::Inputs {})
        .await
        .unwrap();
    flows::public_info::run(&bare, &flows::public_info::Inputs {})
        .await
        .unwrap();
    let keyed = builder(&server)
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .build()
        .unwrap();
    flows::optional_key::run(&keyed, &flows::optional_key::Inputs {})
        .await
        .unwrap();
    flows::public_info::run(&keyed, &flows::public_info::Inputs {})
        .await
        .unwrap();
    let keys: Vec<(String, Option<String>)> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                r.headers
                    .get("x-api-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("/api/optional".to_owned(), None),
            ("/api/public".to_owned(), None),
            ("/api/optional".to_owned(), Some(API_KEY.to_owned())),
            // An operation with `security: []` gets no credential.
            ("/api/public".to_owned(), None),
        ]
    );
}

#[tokio::test]
async fn a_missing_credential_fails_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // A credential for another scheme does not count.
    let client = builder(&server)
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .build()
        .unwrap();
    let err = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    assert_eq!(err.step(), Some("call"));
    assert_eq!(err.operation(), Some("listOrders"));
    assert!(shown.contains("`shop`/`oauth`"), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test]
async fn a_token_request_follows_no_redirect() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/oauth/token", elsewhere.uri()).as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(token("tok-STOLEN-9999", 3600))
        .mount(&elsewhere)
        .await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    let err = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, Error::Credential { .. }), "{shown}");
    assert!(shown.contains("redirect"), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(elsewhere
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
    assert!(received(&server, "/api/orders").await.is_empty());
}

#[tokio::test]
async fn a_token_endpoint_must_be_https_unless_loopback() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET)
                .token_url("http://auth.example/oauth/token"),
        )
        .build()
        .unwrap();
    let err = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("must use https"), "{err}");
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test]
async fn a_token_response_over_the_body_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "x".repeat(4096),
            "expires_in": 3600,
        })))
        .mount(&server)
        .await;
    let client = builder(&server)
        .max_body_bytes(1024)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    let err = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("exceeds the body limit"), "{err}");
    assert!(received(&server, "/api/orders").await.is_empty());
}

#[tokio::test]
async fn no_secret_in_debug_or_errors() {
    let server = MockServer::start().await;
    // The token endpoint refuses and echoes what it was sent.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(|r: &Request| {
            ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_client",
                "error_description": format!("{:?} {}", r.headers, String::from_utf8_lossy(&r.body)),
            }))
        })
        .mount(&server)
        .await;
    // The API refuses and echoes the headers (the key and the token).
    Mock::given(method("GET"))
        .respond_with(|r: &Request| {
            ResponseTemplate::new(500).set_body_string(format!("{:?}", r.headers))
        })
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::oauth2_client_credentials("shop-client", CLIENT_SECRET),
        )
        .credential(
            "shop",
            "passwordOauth",
            Credential::oauth2_password("shop-app", "ada", PASSWORD).client_secret(CLIENT_SECRET),
        )
        .credential("shop", "apiKeyHeader", Credential::api_key(API_KEY))
        .credential(
            "shop",
            "bearerAuth",
            Credential::bearer("br-TOKEN-SECRET-42"),
        )
        .build()
        .unwrap();
    let mut shown = format!("{client:?}");
    for err in [
        flows::list_orders::run(&client, &flows::list_orders::Inputs {})
            .await
            .unwrap_err(),
        flows::get_profile::run(&client, &flows::get_profile::Inputs {})
            .await
            .unwrap_err(),
        flows::header_key::run(&client, &flows::header_key::Inputs {})
            .await
            .unwrap_err(),
        flows::bearer_only::run(&client, &flows::bearer_only::Inputs {})
            .await
            .unwrap_err(),
    ] {
        shown.push_str(&format!("\n{err}\n{err:?}"));
    }
    for secret in [CLIENT_SECRET, PASSWORD, API_KEY, "br-TOKEN-SECRET-42"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("invalid_client"), "{shown}");
}

#[tokio::test]
async fn a_provider_supplies_tokens_and_is_asked_again_after_a_401() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/orders"))
        .and(header("authorization", "Bearer vault-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\""),
        )
        .mount(&server)
        .await;
    orders_with(&server, "vault-2").await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let client = builder(&server)
        .credential(
            "shop",
            "oauth",
            Credential::provider(move |scopes| {
                let n = seen.fetch_add(1, Ordering::SeqCst) + 1;
                Box::pin(async move {
                    assert_eq!(scopes, ["orders:read"]);
                    Ok(format!("vault-{n}"))
                })
            }),
        )
        .build()
        .unwrap();
    let out = flows::list_orders::run(&client, &flows::list_orders::Inputs {})
        .await
        .unwrap();
    assert_eq!(out.status, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn tokens_given_for_openid_connect_and_authorization_code_and_nothing_for_mutual_tls() {
    let server = MockServer::start().await;
    for (at, token) in [
        ("/api/oidc", "id-TOKEN-1"),
        ("/api/authcode", "code-TOKEN-2"),
    ] {
        Mock::given(method("GET"))
            .and(path(at))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/mtls"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential("shop", "oidc", Credential::bearer("id-TOKEN-1"))
        .credential("shop", "userOauth", Credential::bearer("code-TOKEN-2"))
        .build()
        .unwrap();
    flows::oidc_only::run(&client, &flows::oidc_only::Inputs {})
        .await
        .unwrap();
    flows::auth_code_only::run(&client, &flows::auth_code_only::Inputs {})
        .await
        .unwrap();
    // Mutual TLS is the HTTP client's business: nothing is added, nothing is missing.
    flows::mtls_only::run(&client, &flows::mtls_only::Inputs {})
        .await
        .unwrap();
    let mtls = received(&server, "/api/mtls").await;
    assert_eq!(mtls.len(), 1);
    assert!(mtls[0].headers.get("authorization").is_none());
    // An authorization-code scheme cannot fetch tokens by itself: a client-credentials
    // credential does not fit it, and the step fails before sending.
    let wrong = builder(&server)
        .credential(
            "shop",
            "userOauth",
            Credential::oauth2_client_credentials("id", CLIENT_SECRET),
        )
        .build()
        .unwrap();
    let err = flows::auth_code_only::run(&wrong, &flows::auth_code_only::Inputs {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    assert_eq!(received(&server, "/api/authcode").await.len(), 1);
}

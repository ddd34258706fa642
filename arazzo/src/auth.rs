//! [`Credential`]: what a generated step sends for the security schemes of
//! its operation, and the OAuth2 tokens fetched for them.
//!
//! Credentials are given to [`ClientBuilder::credential`](crate::ClientBuilder::credential)
//! keyed by (source description name, security scheme name). A step applies
//! the first alternative of its operation's `security` whose credentials are
//! all configured; see `docs/authentication.md`.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use url::Url;

use crate::rt::{ApiKeyIn, Flows, Requirement, SchemeKind};

/// What [`Credential::provider`] functions return: a token, or why there is none.
pub type ProvidedToken =
    Pin<Box<dyn Future<Output = Result<String, Box<dyn std::error::Error + Send + Sync>>> + Send>>;

type Provider = dyn Fn(Vec<String>) -> ProvidedToken + Send + Sync;

/// A credential for one security scheme of one source description.
///
/// Its `Debug` output names its kind only: no key, password, secret or token
/// is ever shown.
///
/// ```
/// let client = arazzo::Client::builder()
///     .server("shop", "https://shop.example")
///     .credential("shop", "oauth", arazzo::Credential::oauth2_client_credentials("client-id", "secret"))
///     .credential("shop", "apiKeyHeader", arazzo::Credential::api_key("k-123"))
///     .credential("shop", "basicAuth", arazzo::Credential::basic("user", "password"))
///     .credential("shop", "bearerAuth", arazzo::Credential::bearer("token"))
///     .build()?;
/// assert!(!format!("{client:?}").contains("k-123"));
/// # Ok::<(), arazzo::Error>(())
/// ```
#[derive(Clone)]
pub struct Credential {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    ApiKey(String),
    Basic { user: String, password: String },
    Bearer(String),
    OAuth2(Arc<OAuth2>),
    Provider(Arc<Provider>),
}

/// An OAuth2 grant the runtime performs itself.
struct OAuth2 {
    grant: Grant,
    client_id: String,
    client_secret: Option<String>,
    token_url: Option<String>,
    scopes: Option<Vec<String>>,
}

enum Grant {
    ClientCredentials,
    Password { username: String, password: String },
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::ApiKey(_) => "api_key",
            Kind::Basic { .. } => "basic",
            Kind::Bearer(_) => "bearer",
            Kind::OAuth2(o) => match o.grant {
                Grant::ClientCredentials => "oauth2_client_credentials",
                Grant::Password { .. } => "oauth2_password",
            },
            Kind::Provider(_) => "provider",
        };
        f.debug_struct("Credential")
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// The key of an `apiKey` scheme, sent in the header, query parameter or
    /// cookie the scheme names.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credential {
            kind: Kind::ApiKey(key.into()),
        }
    }

    /// User name and password of an `http` `basic` scheme
    /// (`Authorization: Basic base64(user:password)`).
    pub fn basic(user: impl Into<String>, password: impl Into<String>) -> Self {
        Credential {
            kind: Kind::Basic {
                user: user.into(),
                password: password.into(),
            },
        }
    }

    /// A token sent as `Authorization: Bearer <token>`: for an `http`
    /// `bearer` scheme, and for `oauth2` (any flow, the token obtained
    /// elsewhere: authorization code, implicit) and `openIdConnect` schemes.
    pub fn bearer(token: impl Into<String>) -> Self {
        Credential {
            kind: Kind::Bearer(token.into()),
        }
    }

    /// The OAuth2 client credentials grant (RFC 6749 §4.4) for an `oauth2`
    /// scheme with a `clientCredentials` flow: the token is fetched from the
    /// flow's `tokenUrl` on first use, with the scopes the operation
    /// requires, cached per (source, scheme, scopes) and shared by every run
    /// of the client, refreshed before it expires and once after a `401`
    /// naming an invalid token. The client authenticates with HTTP Basic.
    pub fn oauth2_client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self::oauth2(
            Grant::ClientCredentials,
            client_id.into(),
            Some(client_secret.into()),
        )
    }

    /// The OAuth2 resource owner password grant (RFC 6749 §4.3) for an
    /// `oauth2` scheme with a `password` flow, for a public client (no
    /// secret; add one with [`client_secret`](Credential::client_secret)).
    /// Tokens are cached and refreshed as for
    /// [`oauth2_client_credentials`](Credential::oauth2_client_credentials),
    /// with the refresh token when the server gives one.
    pub fn oauth2_password(
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::oauth2(
            Grant::Password {
                username: username.into(),
                password: password.into(),
            },
            client_id.into(),
            None,
        )
    }

    fn oauth2(grant: Grant, client_id: String, client_secret: Option<String>) -> Self {
        Credential {
            kind: Kind::OAuth2(Arc::new(OAuth2 {
                grant,
                client_id,
                client_secret,
                token_url: None,
                scopes: None,
            })),
        }
    }

    /// Tokens from your own source (a vault, a cloud SDK): `provide` is
    /// called with the scopes the operation requires whenever a request
    /// needs a token (cache in it if fetching is costly), and once more after
    /// a `401` naming an invalid token. The token is sent as
    /// `Authorization: Bearer <token>` (for an `apiKey` scheme: as the key).
    ///
    /// ```
    /// let credential = arazzo::Credential::provider(|_scopes| {
    ///     Box::pin(async { Ok(std::env::var("SHOP_TOKEN")?) })
    /// });
    /// # let _ = credential;
    /// ```
    pub fn provider(
        provide: impl Fn(Vec<String>) -> ProvidedToken + Send + Sync + 'static,
    ) -> Self {
        Credential {
            kind: Kind::Provider(Arc::new(provide)),
        }
    }

    /// OAuth2 grants: the client secret (for [`oauth2_password`](Credential::oauth2_password)
    /// with a confidential client). No effect on other credentials.
    #[must_use]
    pub fn client_secret(self, secret: impl Into<String>) -> Self {
        self.map_oauth2(|o| o.client_secret = Some(secret.into()))
    }

    /// OAuth2 grants: the token endpoint to use instead of the flow's
    /// `tokenUrl` (absolute, or relative to the source's server URL). It
    /// must be `https` unless its host is a loopback address. No effect on
    /// other credentials.
    #[must_use]
    pub fn token_url(self, url: impl Into<String>) -> Self {
        self.map_oauth2(|o| o.token_url = Some(url.into()))
    }

    /// OAuth2 grants: the scopes to ask for instead of those the operation's
    /// security requirement lists. No effect on other credentials.
    #[must_use]
    pub fn scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> Self {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        self.map_oauth2(|o| o.scopes = Some(scopes))
    }

    fn map_oauth2(self, edit: impl FnOnce(&mut OAuth2)) -> Self {
        match self.kind {
            Kind::OAuth2(o) => {
                let mut o = Arc::try_unwrap(o).unwrap_or_else(|shared| shared.duplicate());
                edit(&mut o);
                Credential {
                    kind: Kind::OAuth2(Arc::new(o)),
                }
            }
            kind => Credential { kind },
        }
    }
}

impl OAuth2 {
    fn duplicate(&self) -> OAuth2 {
        OAuth2 {
            grant: match &self.grant {
                Grant::ClientCredentials => Grant::ClientCredentials,
                Grant::Password { username, password } => Grant::Password {
                    username: username.clone(),
                    password: password.clone(),
                },
            },
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            token_url: self.token_url.clone(),
            scopes: self.scopes.clone(),
        }
    }
}

/// Where a credential goes in a request.
pub(crate) enum Placement {
    Header(&'static str, String),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// A token fetched by the runtime (or a provider) and applied to a request:
/// what invalidating it after a `401` needs.
pub(crate) struct Fetched {
    slot: Option<(Arc<tokio::sync::Mutex<Option<Token>>>, String)>,
}

/// A cached OAuth2 token.
struct Token {
    access: String,
    expires: Option<Instant>,
    refresh: Option<String>,
}

impl Token {
    fn fresh(&self) -> bool {
        self.expires.is_none_or(|at| Instant::now() < at)
    }
}

type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

/// The credentials of a client and the tokens fetched for them.
#[derive(Default)]
pub(crate) struct Credentials {
    by_scheme: Vec<((String, String), Credential)>,
    tokens: Mutex<HashMap<(String, String, String), Slot>>,
    /// The client token requests go through (follows no redirect).
    token_http: Option<reqwest::Client>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<String> = self
            .by_scheme
            .iter()
            .map(|((s, n), _)| format!("{s}/{n}"))
            .collect();
        keys.sort_unstable();
        f.debug_list().entries(keys).finish()
    }
}

/// The response of a token endpoint (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<f64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

/// Why a token could not be had (never the token or a secret).
pub(crate) type TokenError = String;

impl Credentials {
    pub(crate) fn new(
        by_scheme: Vec<((String, String), Credential)>,
        token_http: Option<reqwest::Client>,
    ) -> Self {
        Credentials {
            by_scheme,
            tokens: Mutex::new(HashMap::new()),
            token_http,
        }
    }

    fn get(&self, source: &str, scheme: &str) -> Option<&Credential> {
        self.by_scheme
            .iter()
            .find(|((s, n), _)| s == source && n == scheme)
            .map(|(_, c)| c)
    }

    /// Whether `requirement` of `source` can be met: a credential is
    /// configured that fits its scheme (mutual TLS needs none here).
    pub(crate) fn satisfies(&self, source: &str, requirement: &Requirement) -> bool {
        if matches!(requirement.kind, SchemeKind::MutualTls) {
            return true;
        }
        self.get(source, requirement.scheme)
            .is_some_and(|c| fits(&c.kind, &requirement.kind))
    }

    /// The placement of the credential for `requirement`, fetching a token when needed.
    pub(crate) async fn place(
        &self,
        client: &crate::Client,
        source: &str,
        default_server: &str,
        requirement: &Requirement,
    ) -> Result<(Option<Placement>, Option<Fetched>), TokenError> {
        let Some(credential) = self.get(source, requirement.scheme) else {
            return Ok((None, None));
        };
        let authorization = |value: String| Placement::Header("Authorization", value);
        match (&requirement.kind, &credential.kind) {
            (SchemeKind::MutualTls, _) => Ok((None, None)),
            (SchemeKind::ApiKey { location, name }, kind) => {
                let (key, fetched) = match kind {
                    Kind::ApiKey(key) => (key.clone(), None),
                    Kind::Provider(p) => {
                        (provide(p, requirement).await?, Some(Fetched { slot: None }))
                    }
                    _ => return Err(mismatch()),
                };
                let placed = match location {
                    ApiKeyIn::Header => Placement::Header(name, key),
                    ApiKeyIn::Query => Placement::Query(name, key),
                    ApiKeyIn::Cookie => Placement::Cookie(name, key),
                };
                Ok((Some(placed), fetched))
            }
            (SchemeKind::Basic, Kind::Basic { user, password }) => {
                use base64::Engine as _;
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Ok((Some(authorization(format!("Basic {encoded}"))), None))
            }
            (_, Kind::Bearer(token)) => Ok((Some(authorization(format!("Bearer {token}"))), None)),
            (_, Kind::Provider(p)) => {
                let token = provide(p, requirement).await?;
                Ok((
                    Some(authorization(format!("Bearer {token}"))),
                    Some(Fetched { slot: None }),
                ))
            }
            (SchemeKind::OAuth2(flows), Kind::OAuth2(grant)) => {
                let (token, slot) = self
                    .oauth2_token(client, source, default_server, requirement, flows, grant)
                    .await?;
                Ok((
                    Some(authorization(format!("Bearer {token}"))),
                    Some(Fetched {
                        slot: Some((slot, token)),
                    }),
                ))
            }
            _ => Err(mismatch()),
        }
    }

    /// Forgets `fetched` (refused by the server with `invalid_token`) unless
    /// another run has replaced it already.
    pub(crate) async fn invalidate(&self, fetched: &Fetched) {
        if let Some((slot, used)) = &fetched.slot {
            let mut guard = slot.lock().await;
            if guard.as_ref().is_some_and(|t| &t.access == used) {
                *guard = None;
            }
        }
    }

    /// A valid token for an OAuth2 grant: the cached one, a refreshed one, or a new one.
    async fn oauth2_token(
        &self,
        client: &crate::Client,
        source: &str,
        default_server: &str,
        requirement: &Requirement,
        flows: &Flows,
        oauth: &OAuth2,
    ) -> Result<(String, Slot), TokenError> {
        let scopes: Vec<String> = match &oauth.scopes {
            Some(scopes) => scopes.clone(),
            None => requirement.scopes.iter().map(|s| (*s).to_owned()).collect(),
        };
        let scope = scopes.join(" ");
        let flow_url = match oauth.grant {
            Grant::ClientCredentials => flows.client_credentials,
            Grant::Password { .. } => flows.password,
        };
        let raw_url = match (&oauth.token_url, flow_url) {
            (Some(url), _) => url.as_str(),
            (None, Some(url)) => url,
            (None, None) => {
                return Err(format!(
                    "the scheme declares no `{}` flow with a `tokenUrl`; give one with `Credential::token_url`",
                    match oauth.grant {
                        Grant::ClientCredentials => "clientCredentials",
                        Grant::Password { .. } => "password",
                    }
                ))
            }
        };
        let token_url = token_endpoint(client, source, default_server, raw_url)?;
        let refresh_url = match flows.refresh_url {
            Some(raw) if oauth.token_url.is_none() => {
                token_endpoint(client, source, default_server, raw)?
            }
            _ => token_url.clone(),
        };
        let slot = {
            let mut tokens = self.tokens.lock().map_err(|_| "token cache unavailable")?;
            tokens
                .entry((
                    source.to_owned(),
                    requirement.scheme.to_owned(),
                    scope.clone(),
                ))
                .or_default()
                .clone()
        };
        let mut guard = slot.lock().await;
        if let Some(token) = guard.as_ref().filter(|t| t.fresh()) {
            return Ok((token.access.clone(), slot.clone()));
        }
        let refresh = guard.as_ref().and_then(|t| t.refresh.clone());
        let mut fetched = None;
        if let Some(refresh) = refresh {
            let form = vec![
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", refresh),
            ];
            fetched = self
                .request_token(client, &refresh_url, oauth, form)
                .await
                .ok();
        }
        let token = match fetched {
            Some(token) => token,
            None => {
                let mut form = match &oauth.grant {
                    Grant::ClientCredentials => {
                        vec![("grant_type", "client_credentials".to_owned())]
                    }
                    Grant::Password { username, password } => vec![
                        ("grant_type", "password".to_owned()),
                        ("username", username.clone()),
                        ("password", password.clone()),
                    ],
                };
                if !scope.is_empty() {
                    form.push(("scope", scope));
                }
                self.request_token(client, &token_url, oauth, form).await?
            }
        };
        let access = token.access.clone();
        *guard = Some(token);
        Ok((access, slot.clone()))
    }

    /// One request to a token endpoint: no redirect followed, the body bounded.
    async fn request_token(
        &self,
        client: &crate::Client,
        url: &Url,
        oauth: &OAuth2,
        mut form: Vec<(&'static str, String)>,
    ) -> Result<Token, TokenError> {
        let http = self
            .token_http
            .as_ref()
            .ok_or("no HTTP client for token requests")?;
        let mut request = http
            .post(url.clone())
            .timeout(client.request_timeout())
            .header(reqwest::header::ACCEPT, "application/json");
        match &oauth.client_secret {
            Some(secret) => request = request.basic_auth(&oauth.client_id, Some(secret)),
            None => form.push(("client_id", oauth.client_id.clone())),
        }
        let started = Instant::now();
        let mut response = request.form(&form).send().await.map_err(|e| {
            format!(
                "the token request to {} failed: {}",
                shown(url),
                e.without_url()
            )
        })?;
        let status = response.status();
        if status.is_redirection() {
            return Err(format!(
                "the token endpoint {} answered a redirect (HTTP {}), which is not followed",
                shown(url),
                status.as_u16()
            ));
        }
        let limit = client.max_body_bytes();
        if response
            .content_length()
            .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > limit))
        {
            return Err(too_large(url, limit));
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len().saturating_add(chunk.len()) > limit {
                        return Err(too_large(url, limit));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(format!(
                        "the token response of {} was cut short: {}",
                        shown(url),
                        e.without_url()
                    ))
                }
            }
        }
        if !status.is_success() {
            // The error code only (RFC 6749 §5.2): the body may echo what was sent.
            let code = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
                .filter(|c| c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                .map(|c| format!(" `{c}`"))
                .unwrap_or_default();
            return Err(format!(
                "the token endpoint {} refused the request (HTTP {}){code}",
                shown(url),
                status.as_u16()
            ));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            format!(
                "the token endpoint {} answered no JSON object with an `access_token`",
                shown(url)
            )
        })?;
        let expires = parsed
            .expires_in
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|secs| {
                let lifetime = Duration::from_secs_f64(secs.min(1e9));
                // Refreshed ahead of time: a quarter of its life, at most 30 s, early.
                let margin = (lifetime / 4).min(Duration::from_secs(30));
                started + (lifetime - margin)
            });
        Ok(Token {
            access: parsed.access_token,
            expires,
            refresh: parsed.refresh_token,
        })
    }
}

/// Whether a credential kind can serve a scheme kind.
fn fits(credential: &Kind, scheme: &SchemeKind) -> bool {
    match (scheme, credential) {
        (_, Kind::Provider(_)) => true,
        (SchemeKind::ApiKey { .. }, Kind::ApiKey(_)) => true,
        (SchemeKind::Basic, Kind::Basic { .. }) => true,
        (
            SchemeKind::Bearer | SchemeKind::OAuth2(_) | SchemeKind::OpenIdConnect,
            Kind::Bearer(_),
        ) => true,
        (SchemeKind::OAuth2(flows), Kind::OAuth2(o)) => {
            o.token_url.is_some()
                || match o.grant {
                    Grant::ClientCredentials => flows.client_credentials.is_some(),
                    Grant::Password { .. } => flows.password.is_some(),
                }
        }
        _ => false,
    }
}

fn mismatch() -> TokenError {
    "the credential configured does not fit the scheme's type".to_owned()
}

fn too_large(url: &Url, limit: usize) -> TokenError {
    format!(
        "the token response of {} exceeds the body limit of {limit} bytes",
        shown(url)
    )
}

/// A URL as shown in errors: no user info, no query, no fragment.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

async fn provide(
    provider: &Arc<Provider>,
    requirement: &Requirement,
) -> Result<String, TokenError> {
    let scopes = requirement.scopes.iter().map(|s| (*s).to_owned()).collect();
    provider(scopes)
        .await
        .map_err(|e| format!("the credential provider failed: {e}"))
}

/// The token endpoint of a flow: `raw` resolved against the source's server
/// URL, `https` unless its host is a loopback address.
fn token_endpoint(
    client: &crate::Client,
    source: &str,
    default_server: &str,
    raw: &str,
) -> Result<Url, TokenError> {
    let url = match Url::parse(raw) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let base = client
                .base_url(source, default_server)
                .map_err(|e| e.to_string())?;
            base.join(raw)
                .map_err(|e| format!("token URL `{raw}`: {e}"))?
        }
        Err(e) => return Err(format!("token URL `{raw}`: {e}")),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(format!(
            "the token endpoint {} must use https (http only on a loopback address)",
            shown(&url)
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        for c in [
            Credential::api_key("k-SECRET"),
            Credential::basic("u", "p-SECRET"),
            Credential::bearer("t-SECRET"),
            Credential::oauth2_client_credentials("id", "c-SECRET").scopes(["a"]),
            Credential::oauth2_password("id", "u", "p-SECRET").client_secret("c-SECRET"),
        ] {
            let text = format!("{c:?}");
            assert!(!text.contains("SECRET"), "{text}");
        }
    }

    #[test]
    fn token_endpoints_are_https_unless_loopback() -> Result<(), crate::Error> {
        let client = crate::Client::builder()
            .server("s", "http://127.0.0.1:9/api/")
            .build()?;
        let ok = |raw: &str| token_endpoint(&client, "s", "https://x.example", raw);
        assert_eq!(
            ok("/oauth/token").map(|u| u.to_string()),
            Ok("http://127.0.0.1:9/oauth/token".to_owned())
        );
        assert!(ok("https://auth.example/token").is_ok());
        assert!(ok("http://localhost:8/token").is_ok());
        assert!(ok("http://[::1]:8/token").is_ok());
        assert!(ok("http://auth.example/token").is_err());
        assert!(ok("ftp://auth.example/token").is_err());
        Ok(())
    }
}

//! [`Client`]: the configuration generated workflows run with.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use url::Url;

use crate::auth::{Credential, Credentials};
use crate::executor::StepExecutor;
use crate::transport::Transport;
use crate::Error;

const DEFAULT_MAX_STEPS: usize = 1000;
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_WORKFLOW_TIMEOUT: Duration = Duration::from_secs(5 * 60);
const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The HTTP client and the limits every generated workflow runs with.
///
/// Cheap to clone (an [`Arc`] inside); clones share the same connection
/// pool. Its `Debug` output shows the settings and server overrides (with
/// any password removed) but never the inner HTTP client, whose default
/// headers may hold credentials.
///
/// ```
/// use std::time::Duration;
/// let client = arazzo::Client::builder()
///     .server("meteringApi", "http://127.0.0.1:8080")
///     .request_timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.max_steps(), 1000);
/// # Ok::<(), arazzo::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Executes the steps' exchanges and waits of runs (`None`: at once).
    executor: Option<Arc<dyn StepExecutor>>,
}

struct Inner {
    /// Server overrides by source name (one entry per name, the last given wins): a
    /// handful at most, so a scan is cheaper than hashing the name on every request.
    servers: Vec<(String, Url)>,
    /// Default server URLs of the generated steps (their `StepInfo`), parsed on
    /// first use: one per source description compiled into the program.
    defaults: RwLock<Vec<(&'static str, Url)>>,
    /// The HTTP client, or why the default one could not be created.
    http: Result<reqwest::Client, String>,
    /// Whether `http` is [`default_http_client`] (no timeout of its own), so that the
    /// request timeout can be enforced by the run's clock instead of a timer per request.
    default_http: bool,
    max_steps: usize,
    request_timeout: Duration,
    workflow_timeout: Duration,
    max_body_bytes: usize,
    max_retry_after: Duration,
    transports: Transports,
    /// Credentials by (source, scheme), and the OAuth2 tokens fetched for them.
    credentials: Credentials,
}

/// The message transports of a client: one for every AsyncAPI source
/// description, and overrides per source description.
#[derive(Clone, Default)]
struct Transports {
    default: Option<Arc<dyn Transport>>,
    by_source: HashMap<String, Arc<dyn Transport>>,
}

impl Client {
    /// A client with default settings and no server overrides: every source
    /// description uses the default server URL of its OpenAPI document.
    ///
    /// Its HTTP client is [`default_http_client`]: redirects are not
    /// followed. In the practically impossible case that the TLS backend
    /// cannot be initialised, every request fails with
    /// [`Error::HttpClientInit`] (use [`Client::builder`] to see it at once).
    pub fn new() -> Self {
        Self::from_parts(
            Vec::new(),
            default_http_client().map_err(|e| e.to_string()),
            true,
            DEFAULT_MAX_STEPS,
            DEFAULT_REQUEST_TIMEOUT,
            DEFAULT_WORKFLOW_TIMEOUT,
            DEFAULT_MAX_BODY_BYTES,
            DEFAULT_MAX_RETRY_AFTER,
            Transports::default(),
            Credentials::default(),
        )
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        servers: Vec<(String, Url)>,
        http: Result<reqwest::Client, String>,
        default_http: bool,
        max_steps: usize,
        request_timeout: Duration,
        workflow_timeout: Duration,
        max_body_bytes: usize,
        max_retry_after: Duration,
        transports: Transports,
        credentials: Credentials,
    ) -> Self {
        Client {
            inner: Arc::new(Inner {
                servers,
                defaults: RwLock::new(Vec::new()),
                http,
                default_http,
                max_steps,
                request_timeout,
                workflow_timeout,
                max_body_bytes,
                max_retry_after,
                transports,
                credentials,
            }),
            executor: None,
        }
    }

    /// This client (sharing its HTTP client and settings) with runs that
    /// execute their steps' exchanges and waits through `executor` (see
    /// [`crate::executor`]); a durable-execution engine gives one per run.
    #[must_use]
    pub fn with_step_executor(&self, executor: Arc<dyn StepExecutor>) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            executor: Some(executor),
        }
    }

    /// The step executor of the runs made with this client, if one was set
    /// with [`with_step_executor`](Client::with_step_executor).
    pub fn step_executor(&self) -> Option<&Arc<dyn StepExecutor>> {
        self.executor.as_ref()
    }

    /// Bound on the number of steps one workflow run may execute
    /// (protects against endless `goto` loops). Default 1000.
    pub fn max_steps(&self) -> usize {
        self.inner.max_steps
    }

    /// Timeout of one HTTP request, from connecting until the whole response
    /// body has been read. Default 30 s.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// Timeout of a whole workflow run. Default 5 min.
    pub fn workflow_timeout(&self) -> Duration {
        self.inner.workflow_timeout
    }

    /// Largest response body (and received message payload) accepted, in bytes. Default 16 MiB.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// Cap on how long a server's `Retry-After` can make a retry wait.
    /// Default 60 s.
    pub fn max_retry_after(&self) -> Duration {
        self.inner.max_retry_after
    }

    /// The base URL requests to source description `source` go to: the
    /// override given to [`ClientBuilder::server`], else `default` (the
    /// first server URL of the OpenAPI document, passed in by generated code).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidServerUrl`] when `default` is used and is malformed or
    /// not `http`/`https`.
    pub fn base_url(&self, source: &str, default: &str) -> Result<Url, Error> {
        match self.inner.servers.iter().find(|(name, _)| name == source) {
            Some((_, url)) => Ok(url.clone()),
            None => parse_server_url(source, default),
        }
    }

    /// [`base_url`](Client::base_url) for a step's `source` and `default`
    /// server (static text of generated code), passed to `with` without a
    /// copy: an override is borrowed, and a default server URL is parsed once
    /// and kept (the first time it is valid).
    pub(crate) fn with_base_url<R>(
        &self,
        source: &str,
        default: &'static str,
        with: impl FnOnce(&Url) -> R,
    ) -> Result<R, Error> {
        if let Some((_, url)) = self.inner.servers.iter().find(|(name, _)| name == source) {
            return Ok(with(url));
        }
        if let Ok(defaults) = self.inner.defaults.read() {
            if let Some((_, url)) = defaults.iter().find(|(raw, _)| *raw == default) {
                return Ok(with(url));
            }
        }
        let url = parse_server_url(source, default)?;
        let result = with(&url);
        if let Ok(mut defaults) = self.inner.defaults.write() {
            if !defaults.iter().any(|(raw, _)| *raw == default) {
                defaults.push((default, url));
            }
        }
        Ok(result)
    }

    /// The message transport event-driven steps of AsyncAPI source
    /// description `source` use: the one given for it to
    /// [`ClientBuilder::source_transport`], else the one given to
    /// [`ClientBuilder::transport`]; `None` when neither was.
    pub fn transport(&self, source: &str) -> Option<&dyn Transport> {
        let t = &self.inner.transports;
        t.by_source
            .get(source)
            .or(t.default.as_ref())
            .map(|t| t.as_ref() as &dyn Transport)
    }

    /// The credentials given to [`ClientBuilder::credential`].
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The underlying HTTP client.
    pub(crate) fn http(&self) -> Result<&reqwest::Client, Error> {
        self.inner
            .http
            .as_ref()
            .map_err(|message| Error::HttpClientInit {
                message: message.clone(),
            })
    }

    /// Whether the HTTP client is the default one (built here, with no timeout of its own).
    pub(crate) fn has_default_http(&self) -> bool {
        self.inner.default_http
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut servers: Vec<(&str, String)> = self
            .inner
            .servers
            .iter()
            .map(|(name, url)| {
                let mut shown = url.clone();
                let _ = shown.set_password(None);
                (name.as_str(), shown.to_string())
            })
            .collect();
        servers.sort_unstable();
        f.debug_struct("Client")
            .field("servers", &servers)
            .field("max_steps", &self.inner.max_steps)
            .field("request_timeout", &self.inner.request_timeout)
            .field("workflow_timeout", &self.inner.workflow_timeout)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("max_retry_after", &self.inner.max_retry_after)
            .field("credentials", &self.inner.credentials)
            .field("transport", &self.inner.transports.default.is_some())
            .field("source_transports", &{
                let mut names: Vec<&str> = self
                    .inner
                    .transports
                    .by_source
                    .keys()
                    .map(String::as_str)
                    .collect();
                names.sort_unstable();
                names
            })
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
///
/// Nothing is validated until [`build`](ClientBuilder::build).
#[derive(Default)]
pub struct ClientBuilder {
    servers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    max_steps: Option<usize>,
    request_timeout: Option<Duration>,
    workflow_timeout: Option<Duration>,
    max_body_bytes: Option<usize>,
    max_retry_after: Option<Duration>,
    transports: Transports,
    credentials: Vec<((String, String), Credential)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let servers: Vec<&str> = self.servers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ClientBuilder")
            .field("servers", &servers)
            .field("custom_http_client", &self.http.is_some())
            .field("max_steps", &self.max_steps)
            .field("request_timeout", &self.request_timeout)
            .field("workflow_timeout", &self.workflow_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_retry_after", &self.max_retry_after)
            .field("transport", &self.transports.default.is_some())
            .field(
                "source_transports",
                &self.transports.by_source.keys().collect::<Vec<_>>(),
            )
            .field(
                "credentials",
                &self
                    .credentials
                    .iter()
                    .map(|((s, n), _)| format!("{s}/{n}"))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl ClientBuilder {
    /// Sends requests of source description `source` (its `name` in the
    /// Arazzo document) to `url` instead of the OpenAPI default server.
    /// The URL may have a path prefix (`http://host/api`), which is kept.
    /// A later call for the same source wins.
    pub fn server(mut self, source: impl Into<String>, url: impl Into<String>) -> Self {
        self.servers.push((source.into(), url.into()));
        self
    }

    /// Uses this HTTP client (for proxies, TLS roots, default headers...).
    /// The request timeout set here overrides its own per request.
    ///
    /// **Its redirect policy applies.** The default client
    /// ([`default_http_client`]) follows no redirect; a client made with
    /// `reqwest::Client::new()` or `reqwest::Client::builder()` follows up
    /// to 10, and on a redirect to another host it drops only
    /// `Authorization`, `Cookie` and `Proxy-Authorization`: an API key sent
    /// in another header (`X-API-KEY`) goes to that host, and a 307/308
    /// sends the request body again. Build yours with
    /// `.redirect(reqwest::redirect::Policy::none())`, or with
    /// [`same_origin_redirects`] when a server really needs redirects followed.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Bound on executed steps per workflow run. Default 1000.
    pub fn max_steps(mut self, max: usize) -> Self {
        self.max_steps = Some(max);
        self
    }

    /// Timeout of one request, including reading the body. Default 30 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Timeout of a whole workflow run. Default 5 min.
    pub fn workflow_timeout(mut self, timeout: Duration) -> Self {
        self.workflow_timeout = Some(timeout);
        self
    }

    /// Largest response body (and received message payload) accepted, in bytes. Default 16 MiB.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = Some(max);
        self
    }

    /// Cap on a server's `Retry-After`. Default 60 s.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = Some(max);
        self
    }

    /// Sends and receives the messages of event-driven steps (Arazzo 1.1
    /// steps on AsyncAPI operations) through `transport`, for every AsyncAPI
    /// source description without one of its own
    /// ([`source_transport`](ClientBuilder::source_transport)). Without a
    /// transport such a step fails with [`Error::NoTransport`].
    ///
    /// ```
    /// let broker = arazzo::transport::InMemoryTransport::new();
    /// let client = arazzo::Client::builder().transport(broker.clone()).build()?;
    /// assert!(client.transport("orderEvents").is_some());
    /// # Ok::<(), arazzo::Error>(())
    /// ```
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transports.default = Some(Arc::new(transport));
        self
    }

    /// Uses `transport` for the event-driven steps of AsyncAPI source
    /// description `source` (its `name` in the Arazzo document), e.g. when
    /// two source descriptions live on different brokers. A later call for
    /// the same source wins.
    pub fn source_transport(
        mut self,
        source: impl Into<String>,
        transport: impl Transport,
    ) -> Self {
        self.transports
            .by_source
            .insert(source.into(), Arc::new(transport));
        self
    }

    /// Uses `credential` for the security scheme `scheme` (its name in
    /// `components.securitySchemes`) of source description `source` (its
    /// `name` in the Arazzo document). Generated steps apply it to every
    /// operation whose `security` names that scheme, unless the document
    /// sets that header, query parameter or cookie itself. A later call for
    /// the same pair wins. See [`Credential`].
    pub fn credential(
        mut self,
        source: impl Into<String>,
        scheme: impl Into<String>,
        credential: Credential,
    ) -> Self {
        let key = (source.into(), scheme.into());
        self.credentials.retain(|(k, _)| *k != key);
        self.credentials.push((key, credential));
        self
    }

    /// Validates the settings and creates the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidServerUrl`] when a server URL is malformed, is not
    /// `http`/`https`, or has no host; [`Error::HttpClientInit`] when no
    /// HTTP client was given and the default one cannot be created.
    pub fn build(self) -> Result<Client, Error> {
        let mut servers: Vec<(String, Url)> = Vec::with_capacity(self.servers.len());
        for (name, url) in self.servers {
            let parsed = parse_server_url(&name, &url)?;
            match servers.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = parsed,
                None => servers.push((name, parsed)),
            }
        }
        let default_http = self.http.is_none();
        let http = match self.http {
            Some(http) => http,
            None => default_http_client().map_err(|e| Error::HttpClientInit {
                message: e.to_string(),
            })?,
        };
        // Token requests go through a client of their own that follows no
        // redirect, whatever the policy of the client given for the API.
        let token_http = if self.credentials.is_empty() {
            None
        } else {
            Some(default_http_client().map_err(|e| Error::HttpClientInit {
                message: e.to_string(),
            })?)
        };
        Ok(Client::from_parts(
            servers,
            Ok(http),
            default_http,
            self.max_steps.unwrap_or(DEFAULT_MAX_STEPS),
            self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            self.workflow_timeout.unwrap_or(DEFAULT_WORKFLOW_TIMEOUT),
            self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            self.max_retry_after.unwrap_or(DEFAULT_MAX_RETRY_AFTER),
            self.transports,
            Credentials::new(self.credentials, token_http),
        ))
    }
}

/// The HTTP client a [`Client`] uses unless given another: reqwest with
/// rustls, which **follows no redirect** (a 3xx response is handed to the
/// step's success criteria like any other status, so credentials and
/// request bodies never reach a host the workflow did not name) and sends
/// no `Referer`.
///
/// TLS certificates are checked against the Mozilla root certificates
/// compiled into the program (`webpki-roots`); with the `native-roots`
/// feature of this crate, the roots of the operating system's store are
/// trusted too (for corporate CAs).
///
/// # Errors
///
/// When the TLS backend cannot be initialised.
pub fn default_http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .build()
}

/// A redirect policy for a user-built HTTP client that must follow
/// redirects: it follows at most `max` of them, and only to the same
/// scheme, host and port as the request that was redirected (never from
/// `https` to `http`, never to another host, where credential headers would
/// follow). Any other redirect is not followed: the step sees the 3xx.
///
/// Even on the same origin, a 307 or 308 sends the request body again.
///
/// ```
/// let http = reqwest::Client::builder()
///     .redirect(arazzo::same_origin_redirects(3))
///     .referer(false)
///     .build()?;
/// let client = arazzo::Client::builder().http_client(http).build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn same_origin_redirects(max: usize) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let same_origin = attempt.previous().last().is_some_and(|prev| {
            prev.scheme() == attempt.url().scheme()
                && prev.host_str() == attempt.url().host_str()
                && prev.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if !same_origin || attempt.previous().len() > max {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// A URL that failed to parse, with anything that looks like credentials
/// (between `://` and the last `@`) replaced by `[redacted]`.
fn hide_userinfo(raw: &str) -> String {
    match (raw.find("://"), raw.rfind('@')) {
        (Some(start), Some(at)) if at > start + 3 => {
            let scheme = raw.get(..start + 3).unwrap_or_default();
            let rest = raw.get(at..).unwrap_or_default();
            format!("{scheme}{}{rest}", crate::rt::redacted())
        }
        _ => raw.to_owned(),
    }
}

/// Parses and checks a server URL.
fn parse_server_url(source: &str, raw: &str) -> Result<Url, Error> {
    let invalid = |url: String, reason: String| Error::InvalidServerUrl {
        source_name: source.to_owned(),
        url,
        reason,
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(hide_userinfo(raw), e.to_string()))?;
    let shown = || {
        let mut u = url.clone();
        let _ = u.set_password(None);
        u.to_string()
    };
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(invalid(
            shown(),
            format!("scheme `{}` is not http or https", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(shown(), "the URL has no host".to_owned()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Client::new();
        assert_eq!(c.max_steps(), 1000);
        assert_eq!(c.request_timeout(), Duration::from_secs(30));
        assert_eq!(c.workflow_timeout(), Duration::from_secs(300));
        assert_eq!(c.max_body_bytes(), 16 * 1024 * 1024);
        assert_eq!(c.max_retry_after(), Duration::from_secs(60));
        let d = Client::default();
        assert_eq!(d.max_steps(), 1000);
    }

    #[test]
    fn overrides_and_defaults_for_base_url() -> Result<(), Error> {
        let c = Client::builder()
            .server("a", "http://127.0.0.1:8080/api")
            .max_steps(5)
            .build()?;
        assert_eq!(c.max_steps(), 5);
        assert_eq!(
            c.base_url("a", "https://x.example")?.as_str(),
            "http://127.0.0.1:8080/api"
        );
        assert_eq!(
            c.base_url("b", "https://x.example/v1")?.as_str(),
            "https://x.example/v1"
        );
        assert!(matches!(
            c.base_url("b", "not a url"),
            Err(Error::InvalidServerUrl { .. })
        ));
        Ok(())
    }

    #[test]
    fn default_servers_are_parsed_once() -> Result<(), Error> {
        let c = Client::builder()
            .server("a", "http://127.0.0.1:8080/api")
            .build()?;
        for _ in 0..2 {
            let url = c.with_base_url("b", "https://x.example/v1", |u| u.as_str().to_owned())?;
            assert_eq!(url, "https://x.example/v1");
            let url = c.with_base_url("a", "https://x.example/v1", |u| u.as_str().to_owned())?;
            assert_eq!(url, "http://127.0.0.1:8080/api");
            assert!(matches!(
                c.with_base_url("b", "not a url", |_| ()),
                Err(Error::InvalidServerUrl { .. })
            ));
        }
        assert_eq!(c.inner.defaults.read().map(|d| d.len()).ok(), Some(1));
        Ok(())
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in ["nope", "ftp://h/x", "file:///etc/passwd", "http://"] {
            let r = Client::builder().server("s", bad).build();
            assert!(
                matches!(r, Err(Error::InvalidServerUrl { ref source_name, .. }) if source_name == "s"),
                "{bad}: {r:?}"
            );
        }
    }

    #[test]
    fn password_is_not_shown() {
        let r = Client::builder()
            .server("s", "ftp://user:hunter2@h/x")
            .build();
        let text = format!("{r:?}");
        assert!(!text.contains("hunter2"), "{text}");
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!e.contains("hunter2"), "{e}");
        let r = Client::builder()
            .server("s", "http://user:hunter2@[bad/x")
            .build();
        let text = format!("{r:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(matches!(r, Err(Error::InvalidServerUrl { .. })));
    }
}

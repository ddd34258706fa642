//! [`Request`]: one HTTP request of a step, built by generated code.

use std::fmt;
use std::future::Future;

use bytes::BytesMut;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, COOKIE};
use serde_json::Value;
use tracing::Instrument;

use super::param::{scalar_text, ParamValue, Text};
use super::response::Secrets;
use super::{Requirement, Response, StepInfo};
use crate::error::scrub_reqwest;
use crate::{Client, Error};

/// Everything except the RFC 3986 unreserved characters is percent-encoded.
const NON_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters that cannot appear literally in a URL query (RFC 3986), for a
/// query string written whole: `&`, `=`, `%` and the other sub-delimiters are kept.
const QUERY_TEXT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Characters that cannot appear literally in a cookie value (plus `%`,
/// so the encoding is unambiguous).
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Header names whose values are always treated as secret, whatever the
/// generated code says (defence in depth).
fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization"
        || lower == "proxy-authorization"
        || lower == "cookie"
        || [
            "key",
            "token",
            "secret",
            "auth",
            "password",
            "session",
            "signature",
        ]
        .iter()
        .any(|word| lower.contains(word))
}

/// Whether `rest`, the part of a request URL after the base URL's origin,
/// joined to the base URL as a reference gives the same URL as the whole
/// string parsed: it is path-absolute (one `/`, not two slashes, which would
/// start an authority). Tabs and newlines are skipped, as the URL parser does.
fn joins_as_path(rest: &str) -> bool {
    let mut chars = rest.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'))
}

/// A part's `filename` as browsers write it (the HTML standard's
/// `multipart/form-data` encoding): `"`, CR, LF and the other control
/// characters percent-encoded, so a name can neither end the quoted
/// `filename` parameter nor start a header line of the part.
fn file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == '"' || c.is_ascii_control() {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// One HTTP request of a step. Created by generated code with
/// [`Request::new`], filled with parameters and a body, then [`send`](Request::send).
///
/// All parameter methods validate eagerly: an invalid value is reported by
/// the method itself and also makes [`send`](Request::send) fail, so nothing
/// is ever sent with a rejected parameter.
pub struct Request<'a> {
    client: &'a Client,
    info: &'static StepInfo,
    path_params: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<(HeaderValue, Vec<u8>)>,
    /// Values of sensitive headers (cheap clones), scrubbed like `Rare::secrets`.
    secret_headers: Vec<HeaderValue>,
    /// What few requests have, boxed (when present) to keep `Request` small.
    rare: Option<Box<Rare>>,
    pending: Option<Box<Error>>,
}

/// The parts of a [`Request`] that few requests have.
#[derive(Default)]
struct Rare {
    cookies: Vec<String>,
    /// A `multipart/form-data` body being assembled (encoded when sent).
    multipart: Option<reqwest::multipart::Form>,
    /// Secret texts (cookie values, query credentials), scrubbed from errors.
    secrets: Vec<String>,
    /// Names of query parameters whose values are credentials.
    secret_query: Vec<String>,
    /// The whole query string of an `in: querystring` parameter, ready for the URL.
    raw_query: Option<String>,
    /// The step's `timeout` (Arazzo 1.1), when shorter than the client's.
    step_timeout: Option<std::time::Duration>,
    /// The operation's security requirement: alternatives of schemes applied together.
    security: Option<&'static [&'static [Requirement]]>,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        let query_names: Vec<&str> = self.query.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Request")
            .field("step", &self.info.step)
            .field("method", &self.info.method)
            .field("path", &self.info.path)
            .field("query", &query_names)
            .field("headers", &header_names)
            .field(
                "cookies",
                &self.rare.as_ref().map_or(0, |r| r.cookies.len()),
            )
            .field("body_bytes", &self.body.as_ref().map(|(_, b)| b.len()))
            .field("multipart", &self.has_multipart())
            .finish_non_exhaustive()
    }
}

impl<'a> Request<'a> {
    /// Starts a request for the step described by `info`.
    pub fn new(client: &'a Client, info: &'static StepInfo) -> Self {
        Request {
            client,
            info,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            secret_headers: Vec::new(),
            rare: None,
            pending: None,
        }
    }

    /// The rare parts, created on first use.
    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// Whether a `multipart/form-data` body is being assembled.
    fn has_multipart(&self) -> bool {
        self.rare.as_ref().is_some_and(|r| r.multipart.is_some())
    }

    /// The error recorded by a parameter method, if any (taken).
    fn take_pending(&mut self) -> Result<(), Error> {
        match self.pending.take() {
            Some(error) => Err(*error),
            None => Ok(()),
        }
    }

    fn invalid_parameter(&self, name: &str, reason: &str) -> Error {
        Error::InvalidParameter {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            name: name.to_owned(),
            reason: reason.to_owned(),
        }
    }

    fn invalid_header(&self, header: &str) -> Error {
        Error::InvalidHeaderValue {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            header: header.to_owned(),
        }
    }

    /// Records a failure: `send` will refuse to run, and the error is returned.
    fn fail(&mut self, make: impl Fn(&Self) -> Error) -> Result<(), Error> {
        if self.pending.is_none() {
            self.pending = Some(Box::new(make(self)));
        }
        Err(make(self))
    }

    /// Sets path parameter `name` (the `{name}` of the path template).
    ///
    /// Strings are used as is, numbers and booleans via `to_string`, arrays
    /// comma-joined. The text is always percent-encoded as one path segment
    /// (everything but unreserved characters), so `/`, `?`, `#` or `../`
    /// cannot change the target.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for null, objects, nested arrays, values
    /// that are empty, `.` or `..` (which would change the target), and names
    /// that are not in the path template.
    pub fn path_param<T: ParamValue + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let placeholder = format!("{{{name}}}");
        if !self.info.path.contains(&placeholder) {
            return self
                .fail(|r| r.invalid_parameter(name, "not a parameter of the path template"));
        }
        let text = match value.simple() {
            Ok(Text::Present(text)) => text,
            Ok(Text::Absent) => {
                return self.fail(|r| r.invalid_parameter(name, "a path parameter cannot be null"))
            }
            Err(reason) => return self.fail(|r| r.invalid_parameter(name, reason)),
        };
        if text.is_empty() || text == "." || text == ".." {
            return self.fail(|r| {
                r.invalid_parameter(name, "a path parameter cannot be empty, `.` or `..`")
            });
        }
        let encoded = utf8_percent_encode(&text, NON_UNRESERVED).to_string();
        self.path_params.retain(|(n, _)| n != name);
        self.path_params.push((name.to_owned(), encoded));
        Ok(())
    }

    /// Adds query parameter `name` (style `form`, explode): null is skipped,
    /// an array gives one `name=item` per item, an object one `key=value`
    /// per member; names and values are percent-encoded.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for nested arrays or objects.
    pub fn query<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let mut pairs = Vec::new();
        match value.query_pairs(name, &mut pairs) {
            Ok(()) => {
                self.query.extend(pairs);
                Ok(())
            }
            Err(reason) => self.fail(|r| r.invalid_parameter(name, reason)),
        }
    }

    /// Bounds this request by the step's `timeout` (Arazzo 1.1, in milliseconds),
    /// when shorter than the client's [`request_timeout`](Client::request_timeout).
    /// When it runs out the step fails with [`Error::Timeout`].
    pub fn step_timeout(&mut self, ms: u64) {
        self.rare().step_timeout = Some(std::time::Duration::from_millis(ms));
    }

    /// Declares the security requirement of the step's operation (its
    /// OpenAPI `security`): alternatives (OR), each a list of schemes applied
    /// together (AND); an empty alternative makes security optional.
    ///
    /// When sent, the first alternative whose credentials are all configured
    /// on the client ([`ClientBuilder::credential`](crate::ClientBuilder::credential)),
    /// or set by the step itself, is applied: each credential goes where its
    /// scheme says, unless the step already set that header, query parameter
    /// or cookie. OAuth2 tokens are fetched (or taken from the client's cache)
    /// first, and fetched again once after a `401` whose `WWW-Authenticate`
    /// names an invalid token. When no alternative can be applied, `send`
    /// fails with [`Error::MissingCredential`] before anything is sent.
    pub fn security(&mut self, alternatives: &'static [&'static [Requirement]]) {
        if !alternatives.is_empty() {
            self.rare().security = Some(alternatives);
        }
    }

    /// Whether the step sets, itself, where `requirement`'s credential goes.
    fn sets_itself(&self, requirement: &Requirement) -> bool {
        use super::{ApiKeyIn, SchemeKind};
        match requirement.kind {
            SchemeKind::ApiKey {
                location: ApiKeyIn::Header,
                name,
            } => self.headers.contains_key(name),
            SchemeKind::ApiKey {
                location: ApiKeyIn::Query,
                name,
            } => self.query.iter().any(|(n, _)| n == name),
            SchemeKind::ApiKey {
                location: ApiKeyIn::Cookie,
                name,
            } => self.rare.as_ref().is_some_and(|r| {
                r.cookies
                    .iter()
                    .any(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
            }),
            SchemeKind::MutualTls => false,
            SchemeKind::Basic
            | SchemeKind::Bearer
            | SchemeKind::OAuth2(_)
            | SchemeKind::OpenIdConnect => {
                self.headers.contains_key(reqwest::header::AUTHORIZATION)
            }
        }
    }

    /// Applies the credentials of the first alternative of the step's
    /// security that can be applied; returns the tokens fetched for it.
    async fn authorize(&mut self) -> Result<Vec<crate::auth::Fetched>, Error> {
        let Some(alternatives) = self.rare.as_ref().and_then(|r| r.security) else {
            return Ok(Vec::new());
        };
        let info = self.info;
        let client = self.client;
        let credentials = client.credentials();
        let chosen = alternatives.iter().find(|alternative| {
            alternative
                .iter()
                .all(|r| self.sets_itself(r) || credentials.satisfies(info.source, r))
        });
        let Some(chosen) = chosen else {
            let accepted: Vec<String> = alternatives
                .iter()
                .map(|alternative| {
                    alternative
                        .iter()
                        .map(|r| format!("`{}`/`{}`", info.source, r.scheme))
                        .collect::<Vec<_>>()
                        .join(" + ")
                })
                .collect();
            return Err(Error::MissingCredential {
                workflow: info.workflow,
                step: info.step,
                operation: info.operation,
                accepted: accepted.join(", or "),
            });
        };
        let mut fetched = Vec::new();
        for requirement in chosen.iter() {
            if self.sets_itself(requirement) {
                continue;
            }
            let (placement, token) = credentials
                .place(client, info.source, info.default_server, requirement)
                .await
                .map_err(|reason| Error::Credential {
                    workflow: info.workflow,
                    step: info.step,
                    operation: info.operation,
                    source_name: info.source,
                    scheme: requirement.scheme,
                    reason,
                })?;
            use crate::auth::Placement;
            match placement {
                Some(Placement::Header(name, value)) => self.header(name, value.as_str(), true)?,
                Some(Placement::Query(name, value)) => self.secret_query(name, value.as_str())?,
                Some(Placement::Cookie(name, value)) => self.cookie(name, value.as_str())?,
                None => {}
            }
            fetched.extend(token);
        }
        Ok(fetched)
    }

    /// A copy of this request as it is before its credentials are applied
    /// (sent again after a `401` naming an invalid token). A multipart body
    /// is encoded by then.
    fn duplicate(&self) -> Request<'a> {
        Request {
            client: self.client,
            info: self.info,
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            secret_headers: self.secret_headers.clone(),
            rare: self.rare.as_ref().map(|r| {
                Box::new(Rare {
                    cookies: r.cookies.clone(),
                    multipart: None,
                    secrets: r.secrets.clone(),
                    secret_query: r.secret_query.clone(),
                    raw_query: r.raw_query.clone(),
                    step_timeout: r.step_timeout,
                    security: r.security,
                })
            }),
            pending: None,
        }
    }

    /// Sends a request that needs work first: its multipart body encoded, its
    /// credentials applied (tokens fetched); sent once more with a new token
    /// after a `401` naming an invalid one.
    async fn send_deferred(mut self: Box<Self>, span: &tracing::Span) -> Result<Response, Error> {
        self.encode_first().await?;
        let spare = self
            .rare
            .as_ref()
            .is_some_and(|r| r.security.is_some())
            .then(|| self.duplicate());
        let fetched = self.authorize().await?;
        let client = self.client;
        let response = span.in_scope(|| self.prepare())?.receive(span).await?;
        let refused = response.status() == 401
            && response
                .header("www-authenticate")
                .is_some_and(|h| h.contains("invalid_token"));
        match spare {
            Some(mut again) if refused && !fetched.is_empty() => {
                for token in &fetched {
                    client.credentials().invalidate(token).await;
                }
                super::clock::end_request();
                again.authorize().await?;
                if !span.is_disabled() {
                    let resent = super::telemetry::resend_count().saturating_add(1);
                    span.record("http.request.resend_count", i64::from(resent));
                }
                span.in_scope(|| again.prepare())?.receive(span).await
            }
            _ => Ok(response),
        }
    }

    /// Sets the whole query string from the `in: querystring` parameter `name`
    /// (Arazzo 1.1, OpenAPI 3.2). A string is the query string as written
    /// (`filter=active&sort=desc`): it is put in the URL as is, with only the
    /// characters a query cannot hold (spaces, quotes, `#`, `<`, `>`, braces,
    /// control and non-ASCII characters) percent-encoded; a JSON text value
    /// (`{"filter":"active"}`) is written as a string too. An object of scalars
    /// gives `key=value` pairs, percent-encoded; numbers and booleans are their
    /// text; null sends no query string.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for arrays, and objects with nested values.
    pub fn query_string(&mut self, name: &str, value: &serde_json::Value) -> Result<(), Error> {
        use serde_json::Value as V;
        let text = match value {
            V::Null => return Ok(()),
            V::String(s) => utf8_percent_encode(s, QUERY_TEXT).to_string(),
            V::Number(_) | V::Bool(_) => value.to_string(),
            V::Object(map) => {
                let mut pairs = Vec::new();
                for (k, v) in map {
                    let v = match v {
                        V::Null => continue,
                        V::String(s) => s.clone(),
                        V::Number(_) | V::Bool(_) => v.to_string(),
                        V::Array(_) | V::Object(_) => {
                            return self.fail(|r| {
                                r.invalid_parameter(
                                    name,
                                    "a querystring object cannot hold nested arrays or objects",
                                )
                            })
                        }
                    };
                    pairs.push(format!(
                        "{}={}",
                        utf8_percent_encode(k, NON_UNRESERVED),
                        utf8_percent_encode(&v, NON_UNRESERVED)
                    ));
                }
                pairs.join("&")
            }
            V::Array(_) => {
                return self.fail(|r| {
                    r.invalid_parameter(
                    name,
                    "a querystring value must be a string (the whole query string) or an object",
                )
                })
            }
        };
        let text = text.trim_start_matches('?').to_owned();
        self.rare().raw_query = (!text.is_empty()).then_some(text);
        Ok(())
    }

    /// Adds query parameter `name` whose value is a credential (an `apiKey`
    /// security scheme `in: query`): as [`query`](Request::query), and the
    /// value is redacted from every URL shown in errors and scrubbed from
    /// response text shown in errors.
    ///
    /// # Errors
    ///
    /// As [`query`](Request::query).
    pub fn secret_query<T: ParamValue + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let before = self.query.len();
        self.query(name, value)?;
        let values: Vec<String> = self
            .query
            .get(before..)
            .unwrap_or_default()
            .iter()
            .map(|(_, v)| v.clone())
            .collect();
        for v in values {
            self.remember_secret(&v);
            let encoded = utf8_percent_encode(&v, NON_UNRESERVED).to_string();
            if encoded != v {
                self.remember_secret(&encoded);
            }
        }
        self.rare().secret_query.push(name.to_owned());
        Ok(())
    }

    /// Sets header `name` (style `simple`): null is skipped, arrays are
    /// comma-joined. With `secret` (and always for `Authorization`,
    /// `Cookie` and names containing `key`, `token`, `secret`, `auth`,
    /// `password`, `session` or `signature`) the value is marked sensitive
    /// and is scrubbed from any response text shown in errors.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidHeaderValue`] (without the value) when the value has
    /// CR, LF or other characters not allowed in a header;
    /// [`Error::InvalidParameter`] for an invalid header name or an object.
    pub fn header<T: ParamValue + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        secret: bool,
    ) -> Result<(), Error> {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.fail(|r| r.invalid_parameter(name, "not a valid HTTP header name"));
        };
        let parsed = match value.simple_str() {
            Some(text) => HeaderValue::from_str(text),
            None => match value.simple() {
                Ok(Text::Absent) => return Ok(()),
                Ok(Text::Present(text)) => HeaderValue::from_str(&text),
                Err(reason) => return self.fail(|r| r.invalid_parameter(name, reason)),
            },
        };
        let Ok(mut header_value) = parsed else {
            return self.fail(|r| r.invalid_header(name));
        };
        if secret || is_sensitive_name(name) {
            header_value.set_sensitive(true);
            self.secret_headers.push(header_value.clone());
        }
        self.headers.insert(header_name, header_value);
        Ok(())
    }

    /// Marks `value` secret wherever this request sends it (JSON or form body,
    /// path segment, query parameter, header, cookie): generated code calls it
    /// with each input of `format: password` (and each value that flows into a
    /// credential or comes from a secret). Every string in `value` (a number,
    /// when `value` is one) is then replaced by `[redacted]` in the step's
    /// errors, as written and as this request encodes it (percent-encoded,
    /// JSON-escaped, form-encoded): body excerpts, decoder messages, the URL of
    /// a connection or transport error, a redirect's `Location`, and the
    /// tracing events that show those errors.
    pub fn secret<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if let Value::Number(n) = &value {
            self.remember_encoded(&n.to_string());
            return;
        }
        // Without recursion: the value may be deep.
        let mut pending = vec![&value];
        while let Some(v) = pending.pop() {
            match v {
                Value::String(text) => self.remember_encoded(text),
                Value::Array(items) => pending.extend(items),
                Value::Object(members) => pending.extend(members.values()),
                Value::Null | Value::Bool(_) | Value::Number(_) => {}
            }
        }
    }

    /// Keeps a secret text, and each form a request can give it, for scrubbing.
    fn remember_encoded(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let percent = utf8_percent_encode(text, NON_UNRESERVED).to_string();
        let form: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
        let json = serde_json::to_string(text).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|j| j.strip_suffix('"'))
            .unwrap_or_default()
            .to_owned();
        for form in [text.to_owned(), percent, form, json] {
            let known = self
                .rare
                .as_ref()
                .is_some_and(|r| r.secrets.contains(&form));
            if !known && !form.trim().is_empty() {
                self.rare().secrets.push(form);
            }
        }
    }

    /// Keeps a secret so it can be scrubbed from response text in errors.
    fn remember_secret(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        // "Bearer abc": the credential alone may be echoed too.
        if let Some((_, credential)) = text.split_once(' ') {
            let credential = credential.trim();
            if credential.len() >= 8 {
                self.rare().secrets.push(credential.to_owned());
            }
        }
        self.rare().secrets.push(text.to_owned());
    }

    /// Adds cookie `name` (null is skipped). All cookies go into one
    /// `Cookie` header, which is always sensitive. Characters not allowed
    /// in a cookie value (`;`, `,`, space, quotes, controls, non-ASCII)
    /// and `%` are percent-encoded; arrays are comma-joined first.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for an invalid cookie name or an object.
    pub fn cookie<T: ParamValue + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
        if !valid_name {
            return self.fail(|r| r.invalid_parameter(name, "not a valid cookie name"));
        }
        let text = match value.simple() {
            Ok(Text::Absent) => return Ok(()),
            Ok(Text::Present(text)) => text,
            Err(reason) => return self.fail(|r| r.invalid_parameter(name, reason)),
        };
        let encoded = utf8_percent_encode(&text, COOKIE_VALUE).to_string();
        self.remember_secret(&text);
        if encoded != text {
            self.remember_secret(&encoded);
        }
        self.rare().cookies.push(format!("{name}={encoded}"));
        Ok(())
    }

    /// As `set_body`, for a content type known at build time (no copy).
    fn set_static_body(&mut self, content_type: &'static str, bytes: Vec<u8>) {
        const JSON: HeaderValue = HeaderValue::from_static("application/json");
        if content_type == "application/json" {
            self.body = Some((JSON, bytes));
            return;
        }
        let valid = content_type
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        if valid {
            self.body = Some((HeaderValue::from_static(content_type), bytes));
        } else {
            self.set_body(content_type, bytes);
        }
    }

    fn set_body(&mut self, content_type: &str, bytes: Vec<u8>) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.body = Some((value, bytes)),
            Err(_) => {
                let _ = self.fail(|r| r.invalid_header("content-type"));
            }
        }
    }

    /// Sets a JSON request body serialized straight from `body` (a struct
    /// of the generated code that borrows the inputs and step outputs).
    pub fn json_body_from<B: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &B,
    ) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_static_body(content_type, bytes),
            Err(e) => {
                let reason = e.to_string();
                let _ = self.fail(|r| r.invalid_parameter("body", &reason));
            }
        }
    }

    /// Sets a JSON request body with the given content type
    /// (`application/json` or a `+json` type).
    pub fn json_body(&mut self, content_type: &str, body: Value) {
        match serde_json::to_vec(&body) {
            Ok(bytes) => self.set_body(content_type, bytes),
            Err(e) => {
                let reason = e.to_string();
                let _ = self.fail(|r| r.invalid_parameter("body", &reason));
            }
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from a JSON object:
    /// scalar members become `name=value`, arrays one pair per item, null
    /// members are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when the body is not an object or a
    /// member is an object or a nested array.
    pub fn form_body(&mut self, body: &Value) -> Result<(), Error> {
        const NESTED: &str = "nested objects and arrays cannot be form-encoded";
        let Value::Object(members) = body else {
            return self.fail(|r| r.invalid_parameter("body", "a form body must be an object"));
        };
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in members {
            match value {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        match scalar_text(item) {
                            Some(text) => {
                                form.append_pair(name, &text);
                            }
                            None if item.is_null() => {}
                            None => return self.fail(|r| r.invalid_parameter(name, NESTED)),
                        }
                    }
                }
                Value::Object(_) => return self.fail(|r| r.invalid_parameter(name, NESTED)),
                scalar => {
                    if let Some(text) = scalar_text(scalar) {
                        form.append_pair(name, &text);
                    }
                }
            }
        }
        let encoded = form.finish();
        self.set_body("application/x-www-form-urlencoded", encoded.into_bytes());
        Ok(())
    }

    /// Sets a text body (e.g. `text/plain`, `application/xml`) as is.
    pub fn text_body(&mut self, content_type: &str, body: String) {
        self.set_body(content_type, body.into_bytes());
    }

    /// Sets a binary body (`application/octet-stream`, `image/png`, ...):
    /// the bytes are sent as they are, with `content_type`.
    pub fn bytes_body(&mut self, content_type: &'static str, body: Vec<u8>) {
        self.set_static_body(content_type, body);
    }

    fn form_parts(&mut self) -> reqwest::multipart::Form {
        self.rare
            .as_mut()
            .and_then(|r| r.multipart.take())
            .unwrap_or_default()
            .percent_encode_attr_chars()
    }

    /// Adds parts named `name` to a `multipart/form-data` body, from a
    /// JSON value (the member `name` of the payload object), following
    /// OpenAPI's defaults for `multipart` media types: a string is a text
    /// part (its UTF-8 bytes, no `Content-Type`, i.e. `text/plain`); a number
    /// or boolean a text part of its JSON text; an array one part per item
    /// (items as above; objects and nested arrays as JSON); an object a part
    /// holding its JSON with `Content-Type: application/json`; null no part.
    /// `content_type` (from the operation's `encoding`) overrides the part's
    /// content type.
    ///
    /// The body is sent as `multipart/form-data` with a random boundary,
    /// replacing any other body.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when `content_type` is not a valid media type.
    pub fn part_value(
        &mut self,
        name: &str,
        value: &Value,
        content_type: Option<&str>,
    ) -> Result<(), Error> {
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut form = self.form_parts();
        for item in items {
            let (data, default_type) = match item {
                Value::Null => continue,
                Value::String(text) => (text.clone().into_bytes(), None),
                Value::Number(_) | Value::Bool(_) => (item.to_string().into_bytes(), None),
                Value::Array(_) | Value::Object(_) => (
                    serde_json::to_vec(item).unwrap_or_default(),
                    Some("application/json"),
                ),
            };
            let mut part = reqwest::multipart::Part::bytes(data);
            if let Some(ct) = content_type.or(default_type) {
                part = match part.mime_str(ct) {
                    Ok(part) => part,
                    Err(_) => {
                        self.rare().multipart = Some(form);
                        return self.fail(|r| {
                            r.invalid_parameter(name, "the part's content type is not a media type")
                        });
                    }
                };
            }
            form = form.part(name.to_owned(), part);
        }
        self.rare().multipart = Some(form);
        self.body = None;
        Ok(())
    }

    /// Adds a binary part named `name` to a `multipart/form-data` body (a
    /// property whose schema is `format: binary`, or has a
    /// `contentMediaType`): the bytes as they are, with `filename` set to the
    /// part's name (servers treat parts with a file name as uploaded files;
    /// `"`, CR, LF and other control characters percent-encoded, as browsers
    /// do, the name itself written as RFC 8187 `name*=` when it needs encoding)
    /// and `Content-Type: content_type` (the operation's `encoding`, else
    /// `application/octet-stream`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when `content_type` is not a valid media type.
    pub fn part_bytes(
        &mut self,
        name: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), Error> {
        let form = self.form_parts();
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name(name));
        match part.mime_str(content_type) {
            Ok(part) => {
                self.rare().multipart = Some(form.part(name.to_owned(), part));
                self.body = None;
                Ok(())
            }
            Err(_) => {
                self.rare().multipart = Some(form);
                self.fail(|r| {
                    r.invalid_parameter(name, "the part's content type is not a media type")
                })
            }
        }
    }

    /// Encodes the `multipart/form-data` body assembled by
    /// [`part_value`](Request::part_value) and [`part_bytes`](Request::part_bytes).
    async fn encode_multipart(&mut self) -> Result<(), Error> {
        use futures_util::StreamExt;
        let Some(form) = self.rare.as_mut().and_then(|r| r.multipart.take()) else {
            return Ok(());
        };
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        let closing = format!("--{}--\r\n", form.boundary());
        let mut bytes = Vec::new();
        let mut stream = std::pin::pin!(form.into_stream());
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(e) => {
                    let reason = e.to_string();
                    return Err(self.invalid_parameter("body", &reason));
                }
            }
        }
        if bytes.is_empty() {
            // A form without parts is its closing delimiter alone.
            bytes = closing.into_bytes();
        }
        self.set_body(&content_type, bytes);
        Ok(())
    }

    /// Appends the path template with parameters substituted to `out`.
    fn expand_path_into(&self, out: &mut String) -> Result<(), Error> {
        let template = self.info.path;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (literal, after) = rest.split_at(open);
            out.push_str(literal);
            let Some(close) = after.find('}') else {
                return Err(self.invalid_parameter(template, "unbalanced `{` in path template"));
            };
            let name = after.get(1..close).unwrap_or_default();
            match self.path_params.iter().find(|(n, _)| n == name) {
                Some((_, encoded)) => out.push_str(encoded),
                None => return Err(self.invalid_parameter(name, "no value for path parameter")),
            }
            rest = after.get(close + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        Ok(())
    }

    /// The full request URL: the base URL (its path prefix and query kept),
    /// the expanded path template and the query, written into one string
    /// (the value of `$url`), and that string parsed.
    ///
    /// The base URL is already parsed: the part after its origin is joined
    /// to it (a path-absolute reference), which gives the same URL as parsing
    /// the whole string without parsing the scheme and host again.
    fn build_url(&self) -> Result<(String, url::Url), Error> {
        self.client
            .with_base_url(self.info.source, self.info.default_server, |base| {
                self.build_url_on(base)
            })?
    }

    /// [`build_url`](Request::build_url) on the base URL `base`.
    fn build_url_on(&self, base: &url::Url) -> Result<(String, url::Url), Error> {
        let origin = &base[..url::Position::BeforePath];
        let prefix = base.path().trim_end_matches('/');
        let mut out = String::with_capacity(origin.len() + prefix.len() + 64);
        out.push_str(origin);
        out.push_str(prefix);
        if !self.info.path.starts_with('/') {
            out.push('/');
        }
        self.expand_path_into(&mut out)?;
        let mut separator = '?';
        if let Some(q) = base.query().filter(|q| !q.is_empty()) {
            out.push('?');
            out.push_str(q);
            separator = '&';
        }
        if let Some(raw) = self.rare.as_ref().and_then(|r| r.raw_query.as_ref()) {
            out.push(separator);
            out.push_str(raw);
            separator = '&';
        }
        for (name, value) in &self.query {
            out.push(separator);
            separator = '&';
            out.extend(utf8_percent_encode(name, NON_UNRESERVED));
            out.push('=');
            out.extend(utf8_percent_encode(value, NON_UNRESERVED));
        }
        let rest = out.get(origin.len()..).unwrap_or_default();
        let parsed = if joins_as_path(rest) {
            base.join(rest)
        } else {
            url::Url::parse(&out)
        };
        let url = parsed.map_err(|e| self.invalid_parameter("url", &e.to_string()))?;
        Ok((out, url))
    }

    /// Sends the request and reads the whole response body.
    ///
    /// The URL is the client's [`base_url`](Client::base_url) for the
    /// step's source (its path prefix kept) joined with the expanded path
    /// template, plus the query. The client's request timeout covers the
    /// whole exchange (inside a run with the default HTTP client, the run's
    /// timer enforces it: see [`with_deadline`](super::with_deadline)); redirects follow the HTTP client's policy (none with
    /// the default client: a 3xx is a [`Response`] like any other); the body is streamed and refused as soon as it exceeds
    /// [`max_body_bytes`](Client::max_body_bytes) (or up front when
    /// `Content-Length` says so). Any HTTP status, 5xx included, is a
    /// [`Response`]: the step's criteria decide.
    ///
    /// A tracing span `arazzo_request` covers the exchange when a subscriber
    /// is interested in it, after the OpenTelemetry conventions for HTTP
    /// client spans: `otel.name` `{method} {url.template}`, `otel.kind`
    /// `client`, `http.request.method`, `url.template` (the OpenAPI path),
    /// `server.address`, `server.port`, `url.full` (user name, password,
    /// secret query values and every secret text `[redacted]`),
    /// `http.response.status_code`, `error.type` (the status from 400 on, or
    /// the kind of transport error), `http.request.resend_count` on a
    /// retry, and `arazzo.workflow.id`, `arazzo.step.id`,
    /// `arazzo.operation.id`. Header values and bodies are never recorded.
    ///
    /// # Errors
    ///
    /// A parameter error recorded earlier, [`Error::InvalidServerUrl`],
    /// [`Error::Connect`], [`Error::Timeout`], [`Error::TooManyRedirects`],
    /// [`Error::Transport`], [`Error::BodyTooLarge`] or
    /// [`Error::BodyInterrupted`].
    ///
    /// The request is prepared (URL, headers, body) and handed to the HTTP
    /// client when `send` is called; the returned future only waits for the
    /// response and reads it, so it holds no more than the exchange needs.
    pub fn send(self) -> impl Future<Output = Result<Response, Error>> + 'a {
        let info = self.info;
        // When no subscriber enables the level (the check `info_span!` starts with),
        // no span is made: making a disabled one still records its fields for the
        // `log` fallback on every request.
        let span = if super::telemetry::enabled() {
            let span = tracing::info_span!(
                "arazzo_request",
                otel.name = %format_args!("{} {}", info.method, info.path),
                otel.kind = "client",
                otel.status_code = tracing::field::Empty,
                http.request.method = info.method,
                url.template = info.path,
                server.address = tracing::field::Empty,
                server.port = tracing::field::Empty,
                url.full = tracing::field::Empty,
                http.response.status_code = tracing::field::Empty,
                error.type = tracing::field::Empty,
                http.request.resend_count = tracing::field::Empty,
                arazzo.workflow.id = info.workflow,
                arazzo.step.id = info.step,
                arazzo.operation.id = info.operation,
            );
            let resent = super::telemetry::resend_count();
            if resent > 0 {
                span.record("http.request.resend_count", i64::from(resent));
            }
            span
        } else {
            tracing::Span::none()
        };
        // A `multipart/form-data` body is encoded by a stream: the request is
        // prepared once it is (boxed meanwhile: such bodies are rare).
        let start =
            if self.has_multipart() || self.rare.as_ref().is_some_and(|r| r.security.is_some()) {
                Start::Deferred(Box::new(self))
            } else if span.is_disabled() {
                Start::Ready(self.prepare())
            } else {
                Start::Ready(span.in_scope(|| self.prepare()))
            };
        async move {
            // A span no subscriber wants is not entered on every poll.
            let result = match start {
                Start::Ready(Err(error)) => Err(error),
                Start::Ready(Ok(prepared)) if span.is_disabled() => prepared.receive(&span).await,
                Start::Ready(Ok(prepared)) => {
                    prepared.receive(&span).instrument(span.clone()).await
                }
                Start::Deferred(request) if span.is_disabled() => {
                    request.send_deferred(&span).await
                }
                Start::Deferred(request) => {
                    request.send_deferred(&span).instrument(span.clone()).await
                }
            };
            super::clock::end_request();
            let _entered = span.enter();
            match &result {
                Ok(response) => tracing::debug!(status = response.status(), "response received"),
                Err(error) => {
                    super::telemetry::record_error(&span, error);
                    tracing::debug!(%error, "request failed");
                }
            }
            result
        }
    }

    /// Encodes the `multipart/form-data` body, unless a parameter error was
    /// recorded earlier (which is then returned).
    async fn encode_first(&mut self) -> Result<(), Error> {
        self.take_pending()?;
        self.encode_multipart().await
    }

    /// Builds the HTTP request and hands it to the HTTP client.
    fn prepare(
        mut self,
    ) -> Result<Prepared<impl Future<Output = Result<reqwest::Response, reqwest::Error>>>, Error>
    {
        self.take_pending()?;
        let info = self.info;
        let (sent_url, url) = self.build_url()?;
        let method = match info.method {
            "GET" => reqwest::Method::GET,
            "POST" => reqwest::Method::POST,
            "PUT" => reqwest::Method::PUT,
            "DELETE" => reqwest::Method::DELETE,
            "PATCH" => reqwest::Method::PATCH,
            other => reqwest::Method::from_bytes(other.as_bytes())
                .map_err(|_| self.invalid_parameter("method", "not a valid HTTP method"))?,
        };
        let mut headers = std::mem::take(&mut self.headers);
        if let Some(rare) = self.rare.as_ref().filter(|r| !r.cookies.is_empty()) {
            match HeaderValue::from_str(&rare.cookies.join("; ")) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    headers.insert(COOKIE, value);
                }
                Err(_) => return Err(self.invalid_header("cookie")),
            }
        }
        let timeout = self
            .rare
            .as_ref()
            .and_then(|r| r.step_timeout)
            .map_or(self.client.request_timeout(), |t| {
                t.min(self.client.request_timeout())
            });
        let http = self.client.http()?;
        // The request is assembled directly (no builder): the headers are
        // moved in, not merged.
        let mut request = reqwest::Request::new(method, url);
        // Under a run (`with_deadline`) with the default HTTP client, the run's
        // timer enforces the timeout (until the body is read); otherwise reqwest's.
        if !(self.client.has_default_http() && super::clock::start_request(info, timeout)) {
            *request.timeout_mut() = Some(timeout);
        }
        if let Some((content_type, bytes)) = self.body.take() {
            headers.insert(CONTENT_TYPE, content_type);
            *request.body_mut() = Some(bytes.into());
        }
        *request.headers_mut() = headers;
        Ok(Prepared {
            pending: http.execute(request),
            info,
            timeout,
            limit: self.client.max_body_bytes(),
            sent_url,
            secrets: match self.rare.take() {
                Some(rare) => Secrets {
                    texts: rare.secrets,
                    query: rare.secret_query,
                    headers: std::mem::take(&mut self.secret_headers),
                },
                None => Secrets {
                    texts: Vec::new(),
                    query: Vec::new(),
                    headers: std::mem::take(&mut self.secret_headers),
                },
            },
        })
    }
}

/// How [`Request::send`] starts: the request handed to the HTTP client (or
/// the error that stopped it), or a request whose multipart body must be
/// encoded, or whose credentials applied, first.
enum Start<'a, F> {
    Ready(Result<Prepared<F>, Error>),
    Deferred(Box<Request<'a>>),
}

/// A request handed to the HTTP client, with what reading its response needs.
struct Prepared<F> {
    /// The HTTP client's response, to come.
    pending: F,
    info: &'static StepInfo,
    /// The request's timeout (for [`Error::Timeout`]).
    timeout: std::time::Duration,
    /// [`Client::max_body_bytes`].
    limit: usize,
    /// The URL as written (`$url`).
    sent_url: String,
    secrets: Secrets,
}

impl<F> Prepared<F>
where
    F: Future<Output = Result<reqwest::Response, reqwest::Error>>,
{
    /// Waits for the response and reads its whole body, within the limit.
    async fn receive(self, span: &tracing::Span) -> Result<Response, Error> {
        let (info, timeout, limit) = (self.info, self.timeout, self.limit);
        let classify = |err: reqwest::Error| {
            let source = scrub_reqwest(err, &self.secrets.query, &self.secrets.texts);
            let (workflow, step, operation) = (info.workflow, info.step, info.operation);
            if source.is_timeout() {
                Error::Timeout {
                    workflow,
                    step,
                    operation,
                    after: timeout,
                }
            } else if source.is_redirect() {
                Error::TooManyRedirects {
                    workflow,
                    step,
                    operation,
                    source,
                }
            } else if source.is_connect() {
                Error::Connect {
                    workflow,
                    step,
                    operation,
                    source,
                }
            } else {
                Error::Transport {
                    workflow,
                    step,
                    operation,
                    source,
                }
            }
        };

        if !span.is_disabled() {
            if let Some(url) = super::telemetry::redacted_url(
                &self.sent_url,
                &self.secrets.query,
                &self.secrets.texts,
            ) {
                if let Some(host) = url.host_str() {
                    span.record("server.address", host);
                }
                if let Some(port) = url.port_or_known_default() {
                    span.record("server.port", i64::from(port));
                }
                span.record("url.full", url.as_str());
            }
        }
        let mut response = self.pending.await.map_err(classify)?;
        let status = response.status().as_u16();
        if !span.is_disabled() {
            span.record("http.response.status_code", i64::from(status));
            if status >= 400 {
                span.record("error.type", status.to_string());
                span.record("otel.status_code", "ERROR");
            }
        }

        let too_large = || Error::BodyTooLarge {
            workflow: info.workflow,
            step: info.step,
            operation: info.operation,
            limit,
        };
        if response
            .content_length()
            .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > limit))
        {
            return Err(too_large());
        }
        let headers = std::mem::take(response.headers_mut());
        // The first chunk is kept as is; a copy is made only when a second
        // one arrives (most bodies come in one chunk).
        let mut first: Option<bytes::Bytes> = None;
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let so_far = first.as_ref().map_or(0, bytes::Bytes::len) + body.len();
                    if so_far.saturating_add(chunk.len()) > limit {
                        return Err(too_large());
                    }
                    match first.take() {
                        None if body.is_empty() => first = Some(chunk),
                        Some(earlier) => {
                            body.extend_from_slice(&earlier);
                            body.extend_from_slice(&chunk);
                        }
                        None => body.extend_from_slice(&chunk),
                    }
                }
                Ok(None) => break,
                Err(err) => {
                    let source = scrub_reqwest(err, &self.secrets.query, &self.secrets.texts);
                    return Err(if source.is_timeout() {
                        Error::Timeout {
                            workflow: info.workflow,
                            step: info.step,
                            operation: info.operation,
                            after: timeout,
                        }
                    } else {
                        Error::BodyInterrupted {
                            workflow: info.workflow,
                            step: info.step,
                            operation: info.operation,
                            source,
                        }
                    });
                }
            }
        }
        let body = match first {
            Some(only) => only,
            None => body.freeze(),
        };
        Ok(Response::received(
            info,
            status,
            headers,
            body,
            self.sent_url,
            self.secrets,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static INFO: StepInfo = StepInfo {
        workflow: "wf",
        step: "s",
        operation: "op",
        source: "api",
        default_server: "http://example.test/base/",
        method: "GET",
        path: "/items/{id}/sub/{other}",
    };

    #[test]
    fn path_and_query_encoding() -> Result<(), Error> {
        let client = Client::new();
        let mut r = Request::new(&client, &INFO);
        r.path_param("id", &json!("../admin?x=1#f"))?;
        r.path_param("other", &json!([1, "a b"]))?;
        r.query("q", &json!("a&b=c d"))?;
        r.query("n", &json!([1, 2]))?;
        r.query("skip", &json!(null))?;
        r.query("obj", &json!({"x": true}))?;
        let (sent, url) = r.build_url()?;
        assert_eq!(sent, url.as_str());
        assert_eq!(
            url.as_str(),
            "http://example.test/base/items/..%2Fadmin%3Fx%3D1%23f/sub/1%2Ca%20b?q=a%26b%3Dc%20d&n=1&n=2&x=true"
        );
        Ok(())
    }

    #[test]
    fn joining_to_the_base_is_parsing_the_whole_url() -> Result<(), url::ParseError> {
        for base in [
            "http://example.test",
            "http://u:p@example.test:8080/api/",
            "https://[::1]:1/x?k=v#frag",
            "HTTP://EXAMPLE.test/",
            "http://127.0.0.1:9",
        ] {
            let base = url::Url::parse(base)?;
            let origin = &base[..url::Position::BeforePath];
            for rest in [
                "/",
                "/a/b",
                "/a/../b",
                "/a/%2e%2E/b/.",
                "/a b/\u{fc}/\u{7f}",
                "/a?x=1 2&y='#f",
                "/a\t/b\n",
                "/a\\b",
                "/./x",
                "/x?",
                "/x?#",
                "/%zz ",
                "/x?q=%41&r=[]{}|^`<>\"",
            ] {
                assert!(joins_as_path(rest), "{rest:?}");
                assert_eq!(
                    base.join(rest)?.as_str(),
                    url::Url::parse(&format!("{origin}{rest}"))?.as_str(),
                    "{base} {rest:?}"
                );
            }
            for rest in ["//evil.test/x", "/\\evil", "/\t/x", "\\x", "x", ""] {
                assert!(!joins_as_path(rest), "{rest:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn bad_path_params() {
        let client = Client::new();
        let mut r = Request::new(&client, &INFO);
        for bad in [
            json!(null),
            json!({"a": 1}),
            json!(""),
            json!(".."),
            json!("."),
            json!([[1]]),
        ] {
            assert!(matches!(
                r.path_param("id", &bad),
                Err(Error::InvalidParameter { .. })
            ));
        }
        assert!(matches!(
            r.path_param("nope", &json!("x")),
            Err(Error::InvalidParameter { .. })
        ));
        let r = Request::new(&client, &INFO);
        assert!(
            matches!(r.build_url(), Err(Error::InvalidParameter { ref name, .. }) if name == "id")
        );
    }

    #[test]
    fn headers_and_cookies() {
        let client = Client::new();
        let mut r = Request::new(&client, &INFO);
        assert!(r.header("X-Api-Key", &json!("sk-SECRET-123"), true).is_ok());
        assert!(r.header("X-Count", &json!(3), false).is_ok());
        assert!(r.header("X-Null", &json!(null), false).is_ok());
        let err = r.header("X-Evil", &json!("a\r\nInjected: 1"), true);
        match err {
            Err(e @ Error::InvalidHeaderValue { .. }) => {
                assert!(!format!("{e} {e:?}").contains("Injected"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            r.header("bad name", &json!("x"), false),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(r.cookie("session", &json!("a;b c")).is_ok());
        assert_eq!(
            r.rare.as_ref().map(|rare| rare.cookies.clone()),
            Some(vec!["session=a%3Bb%20c".to_owned()])
        );
        assert!(r
            .headers
            .get("x-api-key")
            .is_some_and(HeaderValue::is_sensitive));
        assert!(r.headers.get("x-count").is_some_and(|v| !v.is_sensitive()));
        assert!(r.headers.get("x-null").is_none());
        let debug = format!("{r:?}");
        assert!(!debug.contains("sk-SECRET"), "{debug}");
        assert!(r.pending.is_some());
    }

    #[test]
    fn form_bodies() {
        let client = Client::new();
        let mut r = Request::new(&client, &INFO);
        assert!(r
            .form_body(&json!({"a": "x y", "b": [1, 2], "c": null, "d": true}))
            .is_ok());
        let body = r
            .body
            .as_ref()
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned());
        assert_eq!(body.as_deref(), Some("a=x+y&b=1&b=2&d=true"));
        assert!(r.form_body(&json!({"a": {"b": 1}})).is_err());
        assert!(r.form_body(&json!([1])).is_err());
    }

    #[tokio::test]
    async fn multipart_bodies() -> Result<(), Error> {
        let client = Client::new();
        let mut r = Request::new(&client, &INFO);
        r.part_value("title", &json!("a \"b\""), None)?;
        r.part_value("n", &json!([1, true, null]), None)?;
        r.part_value("meta", &json!({"k": 1}), None)?;
        r.part_bytes("file", vec![0, 159, 255], "image/png")?;
        assert!(r.part_value("x", &json!("y"), Some("not a type")).is_err());
        r.pending = None;
        r.encode_multipart().await?;
        let Some((content_type, body)) = r.body.take() else {
            panic!("no body")
        };
        let content_type = content_type.to_str().unwrap_or_default().to_owned();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_default()
            .to_owned();
        assert!(!boundary.is_empty(), "{content_type}");
        let mut expected = Vec::new();
        for (head, data) in [
            ("name=\"title\"\r\n", &b"a \"b\""[..]),
            ("name=\"n\"\r\n", b"1"),
            ("name=\"n\"\r\n", b"true"),
            (
                "name=\"meta\"\r\nContent-Type: application/json\r\n",
                b"{\"k\":1}",
            ),
            (
                "name=\"file\"; filename=\"file\"\r\nContent-Type: image/png\r\n",
                &[0, 159, 255],
            ),
        ] {
            expected.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; {head}\r\n").as_bytes(),
            );
            expected.extend_from_slice(data);
            expected.extend_from_slice(b"\r\n");
        }
        expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(body, expected);
        Ok(())
    }

    #[test]
    fn bytes_body() {
        let client = Client::new();
        let mut r = Request::new(&client, &INFO);
        r.bytes_body("application/octet-stream", vec![1, 2, 3]);
        assert!(
            matches!(&r.body, Some((ct, b)) if ct == "application/octet-stream" && b == &[1, 2, 3])
        );
    }

    #[test]
    fn sensitive_names() {
        assert!(is_sensitive_name("Authorization"));
        assert!(is_sensitive_name("X-API-KEY"));
        assert!(is_sensitive_name("X-Auth-Token"));
        assert!(!is_sensitive_name("Accept"));
    }
}

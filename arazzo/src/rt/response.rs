//! [`Response`]: the fully read response of one step.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::cond::lookup;
use super::StepInfo;
use crate::error::truncate_str;
use crate::Error;

/// Longest body excerpt put into an error.
const BODY_EXCERPT: usize = 1024;

/// The body, parsed once on first use.
enum Parsed {
    Value(Value),
    InvalidJson(String),
    UnexpectedContentType(String),
}

/// The secrets of a request, kept by its [`Response`] to scrub them from errors.
pub(crate) struct Secrets {
    /// Secret texts (cookie values, query credentials).
    pub(crate) texts: Vec<String>,
    /// Names of query parameters whose values are credentials.
    pub(crate) query: Vec<String>,
    /// Values of sensitive request headers.
    pub(crate) headers: Vec<reqwest::header::HeaderValue>,
}

/// A response whose body has been read completely (within the client's
/// limits). Any status is a `Response`; the step's criteria decide whether
/// it is a success.
///
/// The body is parsed lazily, once: JSON when the content type is JSON-ish
/// (`application/json`, `*/json`, `*+json`) or absent, text for `text/*`.
/// Its `Debug` output shows the step, status, content type and body length
/// only.
pub struct Response {
    info: &'static StepInfo,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    secrets: Vec<String>,
    parsed: OnceLock<Parsed>,
    url: String,
    secret_query: Vec<String>,
    /// Values of sensitive request headers, scrubbed like `secrets`.
    secret_headers: Vec<reqwest::header::HeaderValue>,
}

/// The recorded form of a [`Response`] (see [`super::Journal`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct Recorded {
    status: u16,
    headers: Vec<(String, String)>,
    /// The body when it is UTF-8 text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// The body otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<Vec<u8>>,
    url: String,
}

impl super::Journal for Response {
    /// Status, headers, body and URL, with every secret of the request
    /// (sensitive header values, secret query values and texts) replaced by
    /// `[redacted]`, so that a server echoing a credential does not put it
    /// into a journal.
    fn to_journal(&self) -> Vec<u8> {
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    self.scrub(&String::from_utf8_lossy(value.as_bytes())),
                )
            })
            .collect();
        let (text, bytes) = match std::str::from_utf8(&self.body) {
            Ok(text) => (Some(self.scrub(text)), None),
            Err(_) => (None, Some(self.body.to_vec())),
        };
        let url = match url::Url::parse(&self.url) {
            Ok(mut url) => {
                crate::error::scrub_url(&mut url, &self.secret_query, false);
                self.scrub(url.as_str())
            }
            Err(_) => self.scrub(&self.url),
        };
        let recorded = Recorded {
            status: self.status,
            headers,
            text,
            bytes,
            url,
        };
        serde_json::to_vec(&recorded).unwrap_or_default()
    }

    fn from_journal(info: &'static StepInfo, recorded: &[u8]) -> Result<Self, Error> {
        let r: Recorded =
            serde_json::from_slice(recorded).map_err(|e| super::journal_error(info, &e))?;
        let mut headers = HeaderMap::new();
        for (name, value) in r.headers {
            let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                reqwest::header::HeaderValue::from_str(&value),
            ) else {
                return Err(super::journal_error(info, &"an invalid header"));
            };
            headers.append(name, value);
        }
        let body = match (r.text, r.bytes) {
            (Some(text), _) => Bytes::from(text),
            (None, Some(bytes)) => Bytes::from(bytes),
            (None, None) => Bytes::new(),
        };
        Ok(Response::new(info, r.status, headers, body, Vec::new()).with_url(r.url))
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("step", &self.info.step)
            .field("status", &self.status)
            .field("content_type", &self.header("content-type"))
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response {
    /// Assembles a response (used by [`Request::send`](super::Request::send)
    /// and by tests). `secrets` are values scrubbed from any body text put
    /// into an error.
    pub fn new(
        info: &'static StepInfo,
        status: u16,
        headers: HeaderMap,
        body: Bytes,
        secrets: Vec<String>,
    ) -> Self {
        Response {
            info,
            status,
            headers,
            body,
            secrets,
            parsed: OnceLock::new(),
            url: String::new(),
            secret_query: Vec::new(),
            secret_headers: Vec::new(),
        }
    }

    /// A response as [`Request::send`](super::Request::send) received it, with
    /// the URL it was sent to and the request's secrets, assembled at once.
    pub(crate) fn received(
        info: &'static StepInfo,
        status: u16,
        headers: HeaderMap,
        body: Bytes,
        url: String,
        secrets: Secrets,
    ) -> Self {
        Response {
            info,
            status,
            headers,
            body,
            secrets: secrets.texts,
            parsed: OnceLock::new(),
            url,
            secret_query: secrets.query,
            secret_headers: secrets.headers,
        }
    }

    /// Records the values of sensitive request headers (API keys, tokens),
    /// scrubbed from any body text put into an error.
    #[must_use]
    pub fn with_secret_headers(mut self, values: Vec<reqwest::header::HeaderValue>) -> Self {
        self.secret_headers = values;
        self
    }

    /// Every secret to scrub: the remembered texts, and each sensitive
    /// header value with, for `Bearer abc`-style values, the credential alone.
    fn secret_texts(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        for value in &self.secret_headers {
            let Ok(text) = value.to_str() else { continue };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            if let Some((_, credential)) = text.split_once(' ') {
                let credential = credential.trim();
                if credential.len() >= 8 {
                    all.push(credential);
                }
            }
            all.push(text);
        }
        // Longest first, so that a secret containing another is replaced whole.
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
        all
    }

    /// Records the names of query parameters that carried credentials, so
    /// that URLs shown in errors hide their values.
    #[must_use]
    pub fn with_secret_query(mut self, names: Vec<String>) -> Self {
        self.secret_query = names;
        self
    }

    /// Records the URL the request was sent to (the value of `$url`).
    #[must_use]
    pub fn with_url(mut self, url: String) -> Self {
        self.url = url;
        self
    }

    /// The URL the request was sent to (`$url`), with any query string.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The step this response belongs to.
    pub fn info(&self) -> &'static StepInfo {
        self.info
    }

    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Raw body bytes.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    /// First value of header `name` (case-insensitive), if present and
    /// visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// First value of header `name` as a JSON string, or null when absent
    /// (for `$response.header.name`).
    pub fn header_value(&self, name: &str) -> Value {
        self.header(name)
            .map_or(Value::Null, |v| Value::String(v.to_owned()))
    }

    /// Lower-case media type without parameters, if the header is present.
    fn media_type(&self) -> Option<String> {
        let raw = self.headers.get(CONTENT_TYPE)?;
        let text = String::from_utf8_lossy(raw.as_bytes());
        let essence = text.split(';').next().unwrap_or_default().trim();
        Some(essence.to_ascii_lowercase())
    }

    fn parsed(&self) -> &Parsed {
        self.parsed.get_or_init(|| {
            if self.body.is_empty() {
                return Parsed::Value(Value::Null);
            }
            let media = self.media_type();
            let json = match media.as_deref() {
                None | Some("") => true,
                Some(m) => m.ends_with("/json") || m.ends_with("+json"),
            };
            if json {
                match serde_json::from_slice(&self.body) {
                    Ok(value) => Parsed::Value(value),
                    Err(e) => Parsed::InvalidJson(e.to_string()),
                }
            } else if media.as_deref().is_some_and(is_text) {
                Parsed::Value(Value::String(
                    String::from_utf8_lossy(&self.body).into_owned(),
                ))
            } else {
                Parsed::UnexpectedContentType(media.unwrap_or_default())
            }
        })
    }

    /// The body as a JSON value (`$response.body`): parsed JSON for JSON-ish
    /// or absent content types, a string for `text/*`, `application/xml` and
    /// `+xml`, null when empty.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidJson`] when it should be JSON but is not;
    /// [`Error::UnexpectedContentType`] for other content types.
    pub fn body(&self) -> Result<&Value, Error> {
        match self.parsed() {
            Parsed::Value(value) => Ok(value),
            Parsed::InvalidJson(message) => Err(Error::InvalidJson {
                workflow: self.info.workflow,
                step: self.info.step,
                operation: self.info.operation,
                status: self.status,
                message: message.clone(),
            }),
            Parsed::UnexpectedContentType(content_type) => Err(Error::UnexpectedContentType {
                workflow: self.info.workflow,
                step: self.info.step,
                operation: self.info.operation,
                content_type: content_type.clone(),
            }),
        }
    }

    /// Like [`body`](Response::body) but never fails: null when the body
    /// cannot be read as a value. Used by criteria.
    pub fn body_lossy(&self) -> Value {
        self.body().cloned().unwrap_or(Value::Null)
    }

    /// RFC 6901 pointer into [`body_lossy`](Response::body_lossy); null when
    /// absent (`""` is the whole body, `#/...` fragment form accepted).
    pub fn body_pointer(&self, pointer: &str) -> Value {
        self.body()
            .ok()
            .and_then(|body| lookup(body, pointer))
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn decode_error(&self, output: &str, pointer: &str, message: &str) -> Error {
        self.info
            .decode_error(output, pointer, &self.scrub(message))
    }

    fn missing(&self, output: &str, pointer: &str) -> Error {
        self.info.missing_output(output, pointer)
    }

    /// Typed output `output` read at `pointer` in the body.
    ///
    /// # Errors
    ///
    /// The errors of [`body`](Response::body); [`Error::MissingOutput`] when
    /// nothing is at `pointer`; [`Error::Decode`] when the value has the
    /// wrong shape for `T`.
    ///
    /// A whole-body output (`pointer` `""` or `"#"`) whose type reads from a
    /// string (`String`, `serde_json::Value`) also accepts a body that is declared JSON but is
    /// plain text, such as Amberflo's `1 records were ingested`: the text
    /// itself is the value. A `text/*` body and a JSON string body are
    /// strings already.
    pub fn output<T: DeserializeOwned>(&self, output: &str, pointer: &str) -> Result<T, Error> {
        if let Some(value) = self.text_direct::<T>(pointer) {
            return Ok(value);
        }
        if let Some(text) = self.text_fallback::<T>(pointer) {
            return Ok(text);
        }
        let body = self.body()?;
        let value = lookup(body, pointer).ok_or_else(|| self.missing(output, pointer))?;
        T::deserialize(value).map_err(|e| self.decode_error(output, pointer, &e.to_string()))
    }

    /// Optional typed output: `None` when nothing (or null) is at `pointer`.
    /// A whole-body output that reads from a string accepts plain text as
    /// [`output`](Response::output) does.
    ///
    /// # Errors
    ///
    /// The errors of [`body`](Response::body); [`Error::Decode`] when the
    /// value has the wrong shape for `T`.
    pub fn optional_output<T: DeserializeOwned>(
        &self,
        output: &str,
        pointer: &str,
    ) -> Result<Option<T>, Error> {
        if let Some(text) = self.text_fallback::<T>(pointer) {
            return Ok(Some(text));
        }
        let body = self.body()?;
        match lookup(body, pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| self.decode_error(output, pointer, &e.to_string())),
        }
    }

    /// A whole-body output of a `text/*` response read straight from the
    /// bytes (no intermediate JSON string); `None` when that does not apply
    /// or `T` does not read from a string.
    fn text_direct<T: DeserializeOwned>(&self, pointer: &str) -> Option<T> {
        if !matches!(pointer, "" | "#") || self.body.is_empty() {
            return None;
        }
        if !self.is_text_media() {
            return None;
        }
        let text = std::str::from_utf8(&self.body).ok()?;
        T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(text)).ok()
    }

    /// Whether the `Content-Type` is read as text ([`is_text`] of
    /// [`media_type`](Response::media_type)), without building the lower-case
    /// media type when it is ASCII (header values hold no control characters
    /// but tabs, so ASCII whitespace is all `trim` would remove).
    fn is_text_media(&self) -> bool {
        let Some(raw) = self.headers.get(CONTENT_TYPE) else {
            return false;
        };
        let essence = raw
            .as_bytes()
            .split(|b| *b == b';')
            .next()
            .unwrap_or_default();
        if !essence.is_ascii() {
            return self.media_type().as_deref().is_some_and(is_text);
        }
        let essence = essence.trim_ascii();
        let starts = |prefix: &[u8]| {
            essence
                .get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        };
        let ends = |suffix: &[u8]| {
            essence
                .len()
                .checked_sub(suffix.len())
                .and_then(|at| essence.get(at..))
                .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
        };
        starts(b"text/") || essence.eq_ignore_ascii_case(b"application/xml") || ends(b"+xml")
    }

    /// The body decoded straight from its bytes into `T`, a struct of the
    /// generated code holding a step's top-level body outputs, without
    /// building a JSON value first. `None` when the body is not JSON or does
    /// not decode into `T`: the caller then reads each output the general
    /// way, which reports the precise error.
    pub fn decode_direct<T: DeserializeOwned>(&self) -> Option<T> {
        if self.body.is_empty() {
            return None;
        }
        let json = match self.headers.get(CONTENT_TYPE) {
            None => true,
            Some(raw) => {
                let essence = raw
                    .as_bytes()
                    .split(|b| *b == b';')
                    .next()
                    .unwrap_or_default();
                let essence = essence.trim_ascii();
                essence.ends_with(b"/json")
                    || essence.ends_with(b"+json")
                    || essence.ends_with(b"/JSON")
                    || essence.ends_with(b"+JSON")
            }
        };
        if !json {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// The whole body read as text into `T`, when `pointer` is the whole
    /// body, the body was meant to be JSON but is not, and `T` reads from a
    /// string. `None` otherwise (the caller then reports the usual error).
    fn text_fallback<T: DeserializeOwned>(&self, pointer: &str) -> Option<T> {
        if !matches!(pointer, "" | "#") || !matches!(self.parsed(), Parsed::InvalidJson(_)) {
            return None;
        }
        let text = std::str::from_utf8(&self.body).ok()?;
        T::deserialize(Value::String(text.to_owned())).ok()
    }

    /// A whole-body output of a binary response (`application/octet-stream`,
    /// `image/*`, anything that is not JSON or text): the body's bytes as
    /// they came, whatever the response's `Content-Type` (empty for an
    /// empty body).
    pub fn bytes_output(&self) -> Vec<u8> {
        self.body.to_vec()
    }

    /// Optional whole-body binary output: `None` when the body is empty.
    pub fn optional_bytes_output(&self) -> Option<Vec<u8>> {
        (!self.body.is_empty()).then(|| self.body.to_vec())
    }

    /// Output `output` read from response header `name`.
    ///
    /// # Errors
    ///
    /// [`Error::MissingOutput`] when the header is absent;
    /// [`Error::Decode`] when its value is not visible ASCII.
    pub fn header_output(&self, output: &str, name: &str) -> Result<String, Error> {
        let location = format!("$response.header.{name}");
        match self.headers.get(name) {
            None => Err(self.missing(output, &location)),
            Some(value) => value.to_str().map(str::to_owned).map_err(|_| {
                self.decode_error(output, &location, "header value is not visible ASCII")
            }),
        }
    }

    /// Replaces every remembered secret in `text` by `[redacted]`.
    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secret_texts() {
            if !secret.is_empty() && out.contains(secret) {
                out = out.replace(secret, super::redacted());
            }
        }
        out
    }

    /// Start of the body as text for error messages: at most 1 KiB, cut on a
    /// char boundary, secrets scrubbed, control characters escaped.
    fn excerpt(&self) -> String {
        let longest_secret = self.secret_texts().first().map_or(0, |s| s.len());
        let window = BODY_EXCERPT
            .saturating_add(longest_secret)
            .saturating_add(4);
        let raw = self
            .body
            .get(..window.min(self.body.len()))
            .unwrap_or_default();
        let text = self.scrub(&String::from_utf8_lossy(raw));
        crate::error::escape_controls(truncate_str(&text, BODY_EXCERPT))
    }

    /// The `Location` of a redirect, resolved against the request URL, safe
    /// to show: no user name or password, every query value redacted.
    fn shown_location(&self) -> Option<String> {
        let raw = self.header("location")?;
        let base = url::Url::parse(&self.url).ok();
        let mut url = match &base {
            Some(base) => base.join(raw).ok()?,
            None => url::Url::parse(raw).ok()?,
        };
        crate::error::scrub_url(&mut url, &self.secret_query, true);
        let secrets: Vec<String> = self.secret_texts().into_iter().map(str::to_owned).collect();
        crate::error::scrub_url_values(&mut url, &secrets);
        Some(url.to_string())
    }

    /// The error for a response the step's success criteria do not accept:
    /// [`Error::Redirected`] (status and the `Location`, scrubbed) for a 3xx,
    /// else [`Error::CriteriaNotMet`] (status and body excerpt).
    pub fn criteria_not_met(&self) -> Error {
        if (300..400).contains(&self.status) {
            return Error::Redirected {
                workflow: self.info.workflow,
                step: self.info.step,
                operation: self.info.operation,
                status: self.status,
                location: self.shown_location(),
            };
        }
        Error::CriteriaNotMet {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            status: self.status,
            body: self.excerpt(),
        }
    }

    /// [`Error::RetriesExhausted`] for this (last) response after `attempts`
    /// attempts.
    pub fn retries_exhausted(&self, attempts: u32) -> Error {
        Error::RetriesExhausted {
            workflow: self.info.workflow,
            step: self.info.step,
            operation: self.info.operation,
            attempts,
            status: self.status,
            body: self.excerpt(),
        }
    }

    /// How long to wait before retrying.
    ///
    /// On a 429 or 503 response, a valid HTTP `Retry-After` header
    /// (delay-seconds or HTTP-date) wins; otherwise `retry_after_secs` (the
    /// failure action's `retryAfter`; absent, negative or NaN means 0) is
    /// used. The result never exceeds `max`.
    pub fn retry_delay(&self, retry_after_secs: Option<f64>, max: Duration) -> Duration {
        if matches!(self.status, 429 | 503) {
            if let Some(delay) = self
                .header(RETRY_AFTER.as_str())
                .and_then(parse_retry_after)
            {
                return delay.min(max);
            }
        }
        match retry_after_secs {
            Some(secs) if secs > 0.0 => Duration::try_from_secs_f64(secs).unwrap_or(max).min(max),
            _ => Duration::ZERO,
        }
    }
}

/// Media types read as text: `text/*`, `application/xml` and `+xml` (lower case,
/// without parameters).
fn is_text(media: &str) -> bool {
    media.starts_with("text/") || media == "application/xml" || media.ends_with("+xml")
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (a date in
/// the past gives zero).
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64: wait as long as allowed.
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    static INFO: StepInfo = StepInfo {
        workflow: "wf",
        step: "s",
        operation: "op",
        source: "api",
        default_server: "http://example.test",
        method: "GET",
        path: "/x",
    };

    #[test]
    fn the_journal_form_keeps_the_response_without_the_request_secrets() {
        use crate::rt::Journal;
        let r = response(
            429,
            &[("retry-after", "3"), ("x-echo", "key sk-SECRET-123")],
            r#"{"error":"slow down","echo":"sk-SECRET-123","tokenish":"Bearer tok-HEADER-99"}"#,
        )
        .with_secret_headers(vec![HeaderValue::from_static("Bearer tok-HEADER-99")])
        .with_secret_query(vec!["api_key".to_owned()])
        .with_url("http://example.test/x?api_key=q-SECRET-7&page=2".to_owned());
        let recorded = r.to_journal();
        let text = String::from_utf8_lossy(&recorded);
        for secret in ["sk-SECRET-123", "tok-HEADER-99", "q-SECRET-7"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let back = Response::from_journal(&INFO, &recorded).unwrap();
        assert_eq!(back.status(), 429);
        assert_eq!(back.header("retry-after"), Some("3"));
        assert_eq!(back.body_pointer("/error"), json!("slow down"));
        assert_eq!(back.body_pointer("/echo"), json!("[redacted]"));
        assert!(back.url().contains("page=2"), "{}", back.url());
        assert!(Response::from_journal(&INFO, b"not a journal entry").is_err());
    }

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                map.insert(*name, v);
            }
        }
        Response::new(
            &INFO,
            status,
            map,
            Bytes::from(body.to_owned()),
            vec!["sk-SECRET-123".to_owned()],
        )
    }

    #[test]
    fn body_kinds() {
        let r = response(
            200,
            &[("content-type", "application/json; charset=utf-8")],
            r#"{"a":[1,2]}"#,
        );
        assert_eq!(r.body().ok(), Some(&json!({"a": [1, 2]})));
        assert_eq!(r.body_pointer("/a/1"), json!(2));
        assert_eq!(r.body_pointer("/b"), json!(null));
        let r = response(
            200,
            &[("content-type", "application/problem+json")],
            r#"{"t":1}"#,
        );
        assert_eq!(r.body_pointer("/t"), json!(1));
        let r = response(200, &[], r#"[1]"#);
        assert_eq!(r.body_lossy(), json!([1]));
        let r = response(204, &[("content-type", "application/json")], "");
        assert_eq!(r.body().ok(), Some(&Value::Null));
        let r = response(200, &[("content-type", "text/plain")], "hi");
        assert_eq!(r.body_lossy(), json!("hi"));
        let r = response(200, &[("content-type", "application/json")], "{nope");
        assert!(matches!(
            r.body(),
            Err(Error::InvalidJson { status: 200, .. })
        ));
        assert_eq!(r.body_lossy(), Value::Null);
        let r = response(200, &[("content-type", "application/octet-stream")], "\x01");
        assert!(
            matches!(r.body(), Err(Error::UnexpectedContentType { ref content_type, .. }) if content_type == "application/octet-stream")
        );
    }

    #[test]
    fn outputs() {
        let r = response(
            200,
            &[("content-type", "application/json"), ("x-id", "42")],
            r#"{"id":"abc","n":5,"z":null}"#,
        );
        assert_eq!(r.output::<String>("id", "/id").ok().as_deref(), Some("abc"));
        assert_eq!(r.output::<u32>("n", "/n").ok(), Some(5));
        assert!(matches!(
            r.output::<u32>("id", "/id"),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            r.output::<u32>("q", "/q"),
            Err(Error::MissingOutput { .. })
        ));
        assert_eq!(r.optional_output::<u32>("q", "/q").ok(), Some(None));
        assert_eq!(r.optional_output::<u32>("z", "/z").ok(), Some(None));
        assert_eq!(r.optional_output::<u32>("n", "/n").ok(), Some(Some(5)));
        assert_eq!(r.header_output("id", "X-ID").ok().as_deref(), Some("42"));
        assert!(matches!(
            r.header_output("id", "x-none"),
            Err(Error::MissingOutput { .. })
        ));
        assert_eq!(r.header_value("x-id"), json!("42"));
        assert_eq!(r.header_value("x-none"), json!(null));
    }

    #[test]
    fn whole_body_string_outputs_accept_text_and_json_strings() {
        let message = "1 records were ingested";
        let quoted = format!("\"{message}\"");
        for (content_type, body) in [
            ("text/plain; charset=utf-8", message),
            ("application/json", quoted.as_str()),
            // Declared JSON, sent as text: the text is the value.
            ("application/json", message),
        ] {
            let r = response(200, &[("content-type", content_type)], body);
            assert_eq!(
                r.output::<String>("m", "").ok().as_deref(),
                Some(message),
                "{content_type} {body}"
            );
            assert_eq!(
                r.optional_output::<String>("m", "#")
                    .ok()
                    .flatten()
                    .as_deref(),
                Some(message)
            );
        }
        // Only a whole-body string output falls back to the text.
        let r = response(200, &[("content-type", "application/json")], message);
        assert!(matches!(
            r.output::<u32>("m", ""),
            Err(Error::InvalidJson { .. })
        ));
        assert!(matches!(
            r.output::<String>("m", "/a"),
            Err(Error::InvalidJson { .. })
        ));
        // Any type that reads from a string takes it (`Value` included).
        assert_eq!(r.output::<Value>("m", "").ok(), Some(json!(message)));
        // Text is not a fallback for other content types.
        let r = response(
            200,
            &[("content-type", "application/octet-stream")],
            message,
        );
        assert!(matches!(
            r.output::<String>("m", ""),
            Err(Error::UnexpectedContentType { .. })
        ));
    }

    #[test]
    fn text_media_types_are_recognised_without_allocating() {
        for content_type in [
            "text/plain",
            "TEXT/Plain; charset=utf-8",
            " text/html ;x",
            "\ttext/csv",
            "application/xml",
            "Application/XML ; q=1",
            "image/svg+xml",
            "image/svg+XML",
            "application/json",
            "application/xmlx",
            "text",
            "",
            "+xml",
            ";text/plain",
        ] {
            let r = response(200, &[("content-type", content_type)], "x");
            assert_eq!(
                r.is_text_media(),
                r.media_type().as_deref().is_some_and(is_text),
                "{content_type:?}"
            );
        }
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_bytes(b"application/xml\xc2\xa0; x") {
            headers.insert(CONTENT_TYPE, value);
        }
        let r = Response::new(&INFO, 200, headers, Bytes::from_static(b"x"), Vec::new());
        assert!(r.is_text_media());
        let r = response(200, &[], "x");
        assert!(!r.is_text_media());
    }

    #[test]
    fn excerpts_are_truncated_and_scrubbed() {
        let long = format!("{}é{}", "a".repeat(1023), "b".repeat(5000));
        let r = response(500, &[], &long);
        let Error::CriteriaNotMet { body, status, .. } = r.criteria_not_met() else {
            panic!("wrong variant");
        };
        assert_eq!(status, 500);
        assert_eq!(body.len(), 1023);
        let r = response(401, &[], "bad key sk-SECRET-123 given");
        let e = r.retries_exhausted(3);
        let text = format!("{e} {e:?}");
        assert!(!text.contains("sk-SECRET-123"), "{text}");
        assert!(text.contains("[redacted]"));
        assert_eq!(e.status(), Some(401));
    }

    #[test]
    fn retry_delays() {
        let max = Duration::from_secs(60);
        let r = response(429, &[("retry-after", "7")], "");
        assert_eq!(r.retry_delay(Some(1.0), max), Duration::from_secs(7));
        let r = response(503, &[("retry-after", "3600")], "");
        assert_eq!(r.retry_delay(None, max), max);
        let r = response(503, &[("retry-after", "99999999999999999999999")], "");
        assert_eq!(r.retry_delay(None, max), max);
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let r = response(429, &[("retry-after", &later)], "");
        let d = r.retry_delay(None, max);
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        let r = response(429, &[("retry-after", &past)], "");
        assert_eq!(r.retry_delay(Some(5.0), max), Duration::ZERO);
        let r = response(429, &[("retry-after", "garbage")], "");
        assert_eq!(r.retry_delay(Some(2.5), max), Duration::from_millis(2500));
        // Retry-After only counts on 429/503.
        let r = response(500, &[("retry-after", "7")], "");
        assert_eq!(r.retry_delay(Some(1.0), max), Duration::from_secs(1));
        assert_eq!(r.retry_delay(None, max), Duration::ZERO);
        assert_eq!(r.retry_delay(Some(-3.0), max), Duration::ZERO);
        assert_eq!(r.retry_delay(Some(f64::NAN), max), Duration::ZERO);
        assert_eq!(r.retry_delay(Some(f64::INFINITY), max), max);
        assert_eq!(r.retry_delay(Some(1e30), max), max);
    }
}

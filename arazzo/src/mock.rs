//! Test doubles of compiled workflows (feature `mock`).
//!
//! `arazzo_workflow!("x.yml", mocks)` generates, in each workflow's module, a `mock`
//! module whose `Double` is a [`Server`] (a [`wiremock::MockServer`] on 127.0.0.1) with
//! one method per operation step returning a [`StepMock`]:
//!
//! ```ignore
//! use my_crate::create_meter_and_ingest_event::{mock::Double, run};
//!
//! let double = Double::start().await;
//! double.happy_path().await;                         // every step answers with success
//! double.ingest_event().respond(404, json!({"code": "NOT_FOUND"})).expect(1).await;
//! let err = run(&double.client()?, &inputs).await.unwrap_err();
//! double.verify().await;                             // every request matched its operation
//! ```
//!
//! Every request the server receives is checked against the operation of the step it
//! reaches (method, path, required parameters, content type, the JSON body against the
//! request schema) and against the workflow (a request no step makes); a mismatch is
//! recorded, and [`Server::verify`] (or dropping the double) fails the test naming the
//! step, the operation and what differs. The schema check is structural (this crate's
//! own, no JSON Schema dependency): `type`, `required`, `properties`, `items`,
//! `additionalProperties`, `enum`, `const`, `nullable`, `allOf`, and `oneOf`/`anyOf` as
//! "at least one alternative matches"; formats and numeric or length bounds are not
//! checked. See `docs/testing.md`.
#![allow(clippy::panic)] // a test double fails the test as `assert!` does

pub use wiremock;

use serde::Serialize;
use serde_json::Value;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use wiremock::matchers;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// The whole query string (OpenAPI 3.2 `in: querystring`): not checked.
    QueryString,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// A parameter an operation declares (or that its step sends).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// Where it goes.
    pub location: ParamIn,
    /// Whether every request must carry it.
    pub required: bool,
}

/// The request body a step sends.
#[derive(Clone, Copy, Debug)]
pub struct BodySpec {
    /// The content type the step sends.
    pub content_type: &'static str,
    /// Whether the operation requires a body.
    pub required: bool,
    /// The JSON schema of the body, `$ref`s inlined, as JSON text (`{}` for non-JSON bodies).
    pub schema: &'static str,
}

/// A response the operation documents.
#[derive(Clone, Copy, Debug)]
pub struct ResponseSpec {
    /// The status key as documented (`200`, `4XX`, `default`).
    pub status: &'static str,
    /// Its media type (the first JSON one), if it documents content.
    pub content_type: Option<&'static str>,
    /// The JSON schema of its body, `$ref`s inlined, as JSON text.
    pub schema: Option<&'static str>,
}

/// The answer of a step on the happy path, decided at build time.
#[derive(Clone, Copy, Debug)]
pub struct Happy {
    /// A status the step's success criteria accept.
    pub status: u16,
    /// The body's media type.
    pub content_type: Option<&'static str>,
    /// The body (JSON text for JSON media types).
    pub body: Option<&'static str>,
    /// Headers the criteria compare or the outputs read.
    pub headers: &'static [(&'static str, &'static str)],
}

/// An operation step of a workflow, as its double checks and answers it (generated).
#[derive(Debug)]
pub struct Operation {
    /// `workflowId`.
    pub workflow: &'static str,
    /// `stepId`.
    pub step: &'static str,
    /// Source description name.
    pub source: &'static str,
    /// operationId (or `METHOD path`).
    pub operation: &'static str,
    /// Upper-case method.
    pub method: &'static str,
    /// Path template (`/meters/{id}`).
    pub path: &'static str,
    /// The parameters.
    pub params: &'static [Param],
    /// The request body, when the step sends one.
    pub body: Option<BodySpec>,
    /// The documented responses.
    pub responses: &'static [ResponseSpec],
    /// The happy-path answer (`None` when the step has no operation description).
    pub happy: Option<Happy>,
}

impl Operation {
    /// The happy-path body as JSON (a text body as a JSON string), for a test that
    /// predicts the workflow's outputs.
    pub fn happy_body(&self) -> Option<Value> {
        let body = self.happy?.body?;
        Some(serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned())))
    }

    /// Whether `path` (a request path, percent-encoded) is an instance of the template.
    fn matches_path(&self, path: &str) -> bool {
        let want: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| {
                if w.starts_with('{') && w.ends_with('}') {
                    !g.is_empty()
                } else {
                    segment_matches(w, g)
                }
            })
    }

    /// What the request does not do as the operation says: one line per difference.
    fn check_request(&self, req: &Request) -> Vec<String> {
        let mut out = Vec::new();
        if !req.method.as_str().eq_ignore_ascii_case(self.method) {
            out.push(format!(
                "method is {}, the operation's is {}",
                req.method, self.method
            ));
        }
        if !self.matches_path(req.url.path()) {
            out.push(format!(
                "path `{}` is not an instance of `{}`",
                req.url.path(),
                self.path
            ));
        }
        for p in self.params.iter().filter(|p| p.required) {
            let present = match p.location {
                ParamIn::Path | ParamIn::QueryString => true,
                ParamIn::Query => req.url.query_pairs().any(|(k, _)| k == p.name),
                ParamIn::Header => req.headers.contains_key(p.name),
                ParamIn::Cookie => req
                    .headers
                    .get_all("cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(';'))
                    .any(|c| c.trim().split('=').next() == Some(p.name)),
            };
            if !present {
                out.push(format!(
                    "required {} parameter `{}` is missing",
                    location_name(p.location),
                    p.name
                ));
            }
        }
        match &self.body {
            Some(spec) => check_body(spec, req, &mut out),
            None if !req.body.is_empty() => out.push(format!(
                "a body of {} bytes was sent; the step sends none",
                req.body.len()
            )),
            None => {}
        }
        out
    }

    /// The documented response for a status: exact, then its class (`4XX`), then `default`.
    fn response_for(&self, status: u16) -> Option<&ResponseSpec> {
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        self.responses
            .iter()
            .find(|r| r.status == exact)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.status.eq_ignore_ascii_case(&class))
            })
            .or_else(|| self.responses.iter().find(|r| r.status == "default"))
    }

    fn label(&self) -> String {
        format!(
            "step `{}` (operation `{}`, `{} {}`) of workflow `{}`",
            self.step, self.operation, self.method, self.path, self.workflow
        )
    }
}

/// A literal path segment against a request's (percent-decoded comparison).
fn segment_matches(want: &str, got: &str) -> bool {
    want == got
        || percent_encoding::percent_decode_str(got)
            .decode_utf8()
            .is_ok_and(|g| g == want)
}

fn location_name(l: ParamIn) -> &'static str {
    match l {
        ParamIn::Path => "path",
        ParamIn::Query | ParamIn::QueryString => "query",
        ParamIn::Header => "header",
        ParamIn::Cookie => "cookie",
    }
}

/// The type/subtype of a media type, lower-case.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    let e = essence(media);
    e == "application/json" || e.ends_with("+json")
}

fn check_body(spec: &BodySpec, req: &Request, out: &mut Vec<String>) {
    if req.body.is_empty() {
        if spec.required {
            out.push("the operation requires a body; none was sent".into());
        }
        return;
    }
    let sent = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let multipart = essence(spec.content_type) == "multipart/form-data"
        && essence(sent) == "multipart/form-data";
    if essence(sent) != essence(spec.content_type) && !multipart {
        out.push(format!(
            "content type is `{sent}`, the step sends `{}`",
            spec.content_type
        ));
        return;
    }
    if !is_json(spec.content_type) {
        return;
    }
    let value: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            out.push(format!("the body is not JSON: {e}"));
            return;
        }
    };
    let schema: Value = serde_json::from_str(spec.schema).unwrap_or(Value::Bool(true));
    let problems = check_body_schema(&schema, &value, Direction::Request);
    out.extend(problems.into_iter().map(|p| format!("request body: {p}")));
}

/// The JSON type of a value, as JSON Schema names it.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Which way a body goes: `readOnly` properties are not required in requests, nor
/// `writeOnly` ones in responses (OpenAPI 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A request body.
    Request,
    /// A response body.
    Response,
    /// Part of a request body (a matcher): no property is required.
    Partial,
}

/// Checks a body against an inlined schema (the keywords of the module documentation):
/// one `at <pointer>: <what differs>` line per difference.
pub fn check_body_schema(schema: &Value, value: &Value, direction: Direction) -> Vec<String> {
    let mut out = Vec::new();
    check_schema(schema, value, "", direction, &mut out);
    out
}

fn check_schema(schema: &Value, value: &Value, at: &str, dir: Direction, out: &mut Vec<String>) {
    let Value::Object(s) = schema else {
        if schema == &Value::Bool(false) {
            out.push(format!("at `{at}`: no value is allowed here"));
        }
        return;
    };
    let here = if at.is_empty() { "/" } else { at };
    if value.is_null() && s.get("nullable") == Some(&Value::Bool(true)) {
        return;
    }
    if let Some(t) = s.get("type") {
        let found = json_type(value);
        let accepts = |t: &str| t == found || (t == "number" && found == "integer");
        let ok = match t {
            Value::String(t) => accepts(t),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(accepts),
            _ => true,
        };
        if !ok {
            out.push(format!(
                "at `{here}`: expected {t}, found {found} `{value}`"
            ));
            return;
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(value) {
            out.push(format!(
                "at `{here}`: `{value}` is not one of {}",
                Value::Array(options.clone())
            ));
        }
    }
    if let Some(c) = s.get("const") {
        if c != value {
            out.push(format!("at `{here}`: expected `{c}`, found `{value}`"));
        }
    }
    if let Some(Value::Array(all)) = s.get("allOf") {
        for sub in all {
            check_schema(sub, value, at, dir, out);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = s.get(key) {
            let mut first = Vec::new();
            let matched = alternatives.iter().enumerate().any(|(i, sub)| {
                let mut problems = Vec::new();
                check_schema(sub, value, at, dir, &mut problems);
                if i == 0 {
                    first = problems.clone();
                }
                problems.is_empty()
            });
            if !matched && !alternatives.is_empty() {
                out.push(format!(
                    "at `{here}`: matches none of the {key} alternatives (the first: {})",
                    first.join("; ")
                ));
            }
        }
    }
    if let Value::Object(members) = value {
        if let Some(Value::Array(required)) = s.get("required") {
            let props = s.get("properties").and_then(Value::as_object);
            let exempt = |r: &str| {
                let key = match dir {
                    Direction::Request => "readOnly",
                    Direction::Response => "writeOnly",
                    Direction::Partial => return true,
                };
                props.and_then(|p| p.get(r)).and_then(|p| p.get(key)) == Some(&Value::Bool(true))
            };
            for r in required.iter().filter_map(Value::as_str) {
                if !members.contains_key(r) && !exempt(r) {
                    out.push(format!("at `{here}`: required property `{r}` is missing"));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, v) in members {
            let child = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
            match props.and_then(|p| p.get(k)) {
                Some(sub) => check_schema(sub, v, &child, dir, out),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        out.push(format!("at `{here}`: property `{k}` is not allowed"))
                    }
                    Some(sub @ Value::Object(_)) => check_schema(sub, v, &child, dir, out),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(sub)) = (value, s.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check_schema(sub, v, &format!("{at}/{i}"), dir, out);
        }
    }
}

/// What the server records: the mismatches found so far.
type Log = Arc<Mutex<Vec<String>>>;

fn record(log: &Log, line: String) {
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(line);
}

/// A local server standing in for every source description of a workflow: the `Double`
/// of a generated `mock` module dereferences to it.
pub struct Server {
    server: MockServer,
    workflow: &'static str,
    sources: &'static [&'static str],
    operations: &'static [&'static Operation],
    mismatches: Log,
}

/// Priority of the answers mounted with a step's method (wiremock: lower wins).
const STEP_PRIORITY: u8 = 5;
/// Priority of the happy-path answers: below any answer mounted for a step.
const HAPPY_PRIORITY: u8 = 10;
/// Priority of the answer to requests no step makes.
const FALLBACK_PRIORITY: u8 = u8::MAX;

impl Server {
    /// Starts a server for `workflow`'s `operations` (generated code calls it).
    pub async fn start(
        workflow: &'static str,
        sources: &'static [&'static str],
        operations: &'static [&'static Operation],
    ) -> Server {
        let server = MockServer::start().await;
        let mismatches: Log = Arc::default();
        Mock::given(matchers::any())
            .respond_with(Unexpected {
                workflow,
                operations,
                log: mismatches.clone(),
            })
            .with_priority(FALLBACK_PRIORITY)
            .named("requests no step makes")
            .mount(&server)
            .await;
        Server {
            server,
            workflow,
            sources,
            operations,
            mismatches,
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Each source description the workflow calls, with the server's URL: what
    /// `ClientBuilder::server` takes.
    pub fn server_urls(&self) -> Vec<(&'static str, String)> {
        let uri = self.uri();
        self.sources.iter().map(|s| (*s, uri.clone())).collect()
    }

    /// A client builder whose every source description is served by the double, for
    /// a test that sets more (credentials, timeouts).
    pub fn client_builder(&self) -> crate::ClientBuilder {
        self.server_urls()
            .into_iter()
            .fold(crate::Client::builder(), |b, (s, u)| b.server(s, u))
    }

    /// A client whose every source description is served by the double.
    pub fn client(&self) -> Result<crate::Client, crate::Error> {
        self.client_builder().build()
    }

    /// The underlying wiremock server (for answers a step's method does not express, and
    /// for `received_requests`).
    pub fn wiremock(&self) -> &MockServer {
        &self.server
    }

    /// The answer of a step (generated code calls it from the step's method).
    pub fn step(&self, operation: &'static Operation) -> StepMock<'_> {
        StepMock {
            server: self,
            operation,
            status: 200,
            body: None,
            headers: Vec::new(),
            expect: None,
            up_to: None,
            matchers: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Mounts every step's happy-path answer, below the answers mounted with the
    /// steps' methods.
    pub async fn happy_path(&self) {
        for op in self.operations {
            let Some(h) = op.happy else { continue };
            let mut reply = ResponseTemplate::new(h.status);
            for (n, v) in h.headers {
                if header_pair(n, v).is_some() {
                    reply = reply.append_header(*n, *v);
                }
            }
            if let (Some(body), Some(ct)) = (h.body, h.content_type) {
                reply = reply.set_body_raw(body.as_bytes().to_vec(), ct);
            }
            mount(
                self,
                op,
                reply,
                Vec::new(),
                HAPPY_PRIORITY,
                None,
                None,
                "happy path",
            )
            .await;
        }
    }

    /// The mismatches recorded so far (requests that do not follow their operation, or
    /// that no step makes), one line each.
    pub fn mismatches(&self) -> Vec<String> {
        self.mismatches
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The mismatches recorded so far, removed: for a test that expects some (the
    /// double then no longer fails the test for them).
    pub fn take_mismatches(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .mismatches
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Panics, naming the step, the operation and what differs, when a request did not
    /// follow its operation or no step makes it; then checks the `expect` counts.
    pub async fn verify(&self) {
        let found = self.take_mismatches();
        if !found.is_empty() {
            panic!("{}", report(self.workflow, &found));
        }
        self.server.verify().await;
    }
}

fn report(workflow: &str, found: &[String]) -> String {
    format!(
        "the test double of workflow `{workflow}` received {} request(s) that do not follow the OpenAPI description:\n{}",
        found.len(),
        found
            .iter()
            .map(|f| format!("  - {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

impl Drop for Server {
    /// Fails the test when mismatches were recorded and not verified (as wiremock fails
    /// it for unmet `expect` counts), unless the thread is already panicking.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let found = self.mismatches();
        if !found.is_empty() {
            panic!("{}", report(self.workflow, &found));
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("workflow", &self.workflow)
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

/// A header name and value, when both are valid.
fn header_pair(
    name: &str,
    value: &str,
) -> Option<(reqwest::header::HeaderName, reqwest::header::HeaderValue)> {
    Some((
        reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok()?,
        reqwest::header::HeaderValue::from_str(value).ok()?,
    ))
}

/// The answer to requests no step makes: 404, and a mismatch recorded.
struct Unexpected {
    workflow: &'static str,
    operations: &'static [&'static Operation],
    log: Log,
}

impl Respond for Unexpected {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path();
        let same_path: Vec<&&Operation> = self
            .operations
            .iter()
            .filter(|o| o.matches_path(path))
            .collect();
        let line = match same_path.first() {
            Some(op) if !op.method.eq_ignore_ascii_case(req.method.as_str()) => format!(
                "{}: method is {}, the operation's is {}",
                op.label(),
                req.method,
                op.method
            ),
            Some(op) => format!(
                "{}: `{} {path}` reached the double, but no answer is mounted for the step (call `happy_path` or the step's method)",
                op.label(),
                req.method
            ),
            None => format!(
                "`{} {path}`: no step of workflow `{}` calls this path",
                req.method, self.workflow
            ),
        };
        record(&self.log, line);
        ResponseTemplate::new(404)
    }
}

/// A mounted answer: checks the request against the operation, then answers.
struct Checked {
    operation: &'static Operation,
    reply: ResponseTemplate,
    log: Log,
}

impl Respond for Checked {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        for problem in self.operation.check_request(req) {
            record(&self.log, format!("{}: {problem}", self.operation.label()));
        }
        self.reply.clone()
    }
}

#[allow(clippy::too_many_arguments)]
async fn mount(
    server: &Server,
    op: &'static Operation,
    reply: ResponseTemplate,
    extra: Vec<Box<dyn wiremock::Match>>,
    priority: u8,
    expect: Option<wiremock::Times>,
    up_to: Option<u64>,
    what: &str,
) {
    let mut builder = Mock::given(matchers::method(op.method)).and(OnPath(op));
    for m in extra {
        builder = builder.and(Boxed(m));
    }
    let mut mock = builder
        .respond_with(Checked {
            operation: op,
            reply,
            log: server.mismatches.clone(),
        })
        .with_priority(priority)
        .named(format!("{} ({what})", op.label()));
    if let Some(times) = expect {
        mock = mock.expect(times);
    }
    if let Some(n) = up_to {
        mock = mock.up_to_n_times(n);
    }
    mock.mount(&server.server).await;
}

/// Matches the requests whose path is an instance of the operation's template.
struct OnPath(&'static Operation);

impl wiremock::Match for OnPath {
    fn matches(&self, req: &Request) -> bool {
        self.0.matches_path(req.url.path())
    }
}

/// Matches the requests whose path segment at the template's `{name}` is `value`
/// (percent-decoded).
struct PathParam {
    template: &'static str,
    name: String,
    value: String,
}

impl wiremock::Match for PathParam {
    fn matches(&self, req: &Request) -> bool {
        let wanted = format!("{{{}}}", self.name);
        let got = req.url.path().trim_matches('/').split('/');
        self.template
            .trim_matches('/')
            .split('/')
            .zip(got)
            .any(|(t, g)| t == wanted && segment_matches(&self.value, g))
    }
}

struct Boxed(Box<dyn wiremock::Match>);

impl wiremock::Match for Boxed {
    fn matches(&self, req: &Request) -> bool {
        self.0.matches(req)
    }
}

/// The answer of one step, built with its methods and mounted by `.await` (or
/// [`StepMock::mount`]). It answers the requests of the step's operation that match
/// its `when_*` matchers, and checks each against the operation. An answer mounted
/// for a step wins over the happy path; of two answers of a step that both match a
/// request, the first mounted wins (use [`StepMock::up_to`] for sequences).
#[must_use = "an answer does nothing until it is mounted with `.await`"]
pub struct StepMock<'a> {
    server: &'a Server,
    operation: &'static Operation,
    status: u16,
    body: Option<(Vec<u8>, String)>,
    headers: Vec<(String, String)>,
    expect: Option<wiremock::Times>,
    up_to: Option<u64>,
    matchers: Vec<Box<dyn wiremock::Match>>,
    /// Problems found while building (a body that does not serialize, a bad header):
    /// mounting panics with them.
    problems: Vec<String>,
}

impl StepMock<'_> {
    /// Answers `status` with `body` as JSON: a generated type, a type of the test's
    /// own, or a `serde_json::Value`. Mounting panics when the operation documents a
    /// JSON schema for that status and the body does not match it.
    pub fn respond(mut self, status: u16, body: impl Serialize) -> Self {
        self.status = status;
        match serde_json::to_value(&body) {
            Ok(v) => {
                if let Some(schema) = self
                    .operation
                    .response_for(status)
                    .and_then(|r| r.schema)
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                {
                    let problems = check_body_schema(&schema, &v, Direction::Response);
                    self.problems.extend(problems.into_iter().map(|p| {
                        format!("the {status} body does not match the documented schema: {p}")
                    }));
                }
                self.body = Some((v.to_string().into_bytes(), "application/json".into()));
            }
            Err(e) => self
                .problems
                .push(format!("the body does not serialize as JSON: {e}")),
        }
        self
    }

    /// Answers `status` with no body.
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self.body = None;
        self
    }

    /// Answers `status` with `body` as it is, labelled `content_type` (a text body, a
    /// body that is not valid JSON on purpose). Not checked against the schema.
    pub fn respond_raw(
        mut self,
        status: u16,
        body: impl Into<Vec<u8>>,
        content_type: &str,
    ) -> Self {
        self.status = status;
        self.body = Some((body.into(), content_type.to_owned()));
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if header_pair(name, value).is_none() {
            self.problems
                .push(format!("`{name}: {value}` is not a valid header"));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// How many requests this answer must receive (`1`, `0`, `1..`, `..=3`): checked
    /// by [`Server::verify`] and when the double is dropped.
    pub fn expect(mut self, times: impl Into<wiremock::Times>) -> Self {
        self.expect = Some(times.into());
        self
    }

    /// Answers at most `n` requests; later ones go to the next answer (a retry that
    /// first gets 503, then 200).
    pub fn up_to(mut self, n: u64) -> Self {
        self.up_to = Some(n);
        self
    }

    /// Only answers requests with this header value.
    pub fn when_header(mut self, name: &str, value: &str) -> Self {
        if header_pair(name, value).is_none() {
            self.problems
                .push(format!("`{name}: {value}` is not a valid header"));
        } else {
            self.matchers.push(Box::new(matchers::header(name, value)));
        }
        self
    }

    /// Only answers requests whose parameter `name` (one the operation declares or the
    /// step sends: path, query or header) has this value. Mounting panics, listing the
    /// parameters, when the operation has no parameter of that name.
    pub fn when_param(mut self, name: &str, value: &str) -> Self {
        let found = self.operation.params.iter().find(|p| {
            if p.location == ParamIn::Header {
                p.name.eq_ignore_ascii_case(name)
            } else {
                p.name == name
            }
        });
        match found.map(|p| p.location) {
            Some(ParamIn::Path) => self.matchers.push(Box::new(PathParam {
                template: self.operation.path,
                name: name.to_owned(),
                value: value.to_owned(),
            })),
            Some(ParamIn::Query) => self
                .matchers
                .push(Box::new(matchers::query_param(name, value))),
            Some(ParamIn::Header) if header_pair(name, value).is_some() => {
                self.matchers.push(Box::new(matchers::header(name, value)))
            }
            Some(other) => self.problems.push(format!(
                "`when_param`: a {} parameter cannot be matched here (`{name}`)",
                location_name(other)
            )),
            None => {
                let known: Vec<&str> = self.operation.params.iter().map(|p| p.name).collect();
                self.problems.push(format!(
                    "`when_param`: the operation has no parameter `{name}` (it has: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
        self
    }

    /// Only answers requests with this query parameter value.
    pub fn when_query(mut self, name: &str, value: &str) -> Self {
        self.matchers
            .push(Box::new(matchers::query_param(name, value)));
        self
    }

    /// Only answers requests whose JSON body holds `body` (every member given, others
    /// ignored): a generated request type, a type of the test's own or a
    /// `serde_json::Value`. Mounting panics when no request of the operation can hold it
    /// (a member of the wrong type for the request schema).
    pub fn when_body(mut self, body: impl Serialize) -> Self {
        match serde_json::to_value(&body) {
            Ok(v) => {
                if let Some(schema) = self
                    .operation
                    .body
                    .and_then(|b| serde_json::from_str::<Value>(b.schema).ok())
                {
                    let problems = check_body_schema(&schema, &v, Direction::Partial);
                    self.problems.extend(problems.into_iter().map(|p| {
                        format!("`when_body` can match no request of the operation: {p}")
                    }));
                }
                self.matchers.push(Box::new(matchers::body_partial_json(v)));
            }
            Err(e) => self.problems.push(format!(
                "the matcher's body does not serialize as JSON: {e}"
            )),
        }
        self
    }

    /// Only answers requests the matcher accepts (any [`wiremock::Match`]).
    pub fn when(mut self, matcher: impl wiremock::Match + 'static) -> Self {
        self.matchers.push(Box::new(matcher));
        self
    }

    /// Mounts the answer on the double. Panics, naming the step, when the answer is
    /// not one the operation documents (a body that does not match its schema).
    pub async fn mount(self) {
        if !self.problems.is_empty() {
            panic!("{}: {}", self.operation.label(), self.problems.join("; "));
        }
        let mut reply = ResponseTemplate::new(self.status);
        for (n, v) in &self.headers {
            if header_pair(n, v).is_some() {
                reply = reply.append_header(n.as_str(), v.as_str());
            }
        }
        if let Some((body, ct)) = self.body {
            reply = reply.set_body_raw(body, &ct);
        }
        mount(
            self.server,
            self.operation,
            reply,
            self.matchers,
            STEP_PRIORITY,
            self.expect,
            self.up_to,
            "answer",
        )
        .await;
    }
}

impl<'a> IntoFuture for StepMock<'a> {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mount())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_check_names_the_pointer_and_what_differs() {
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"type": "string"}, "n": {"type": "array", "items": {"type": "integer"}}}
        });
        let check = |v: Value| check_body_schema(&schema, &v, Direction::Request);
        assert_eq!(check(json!({"a": "x", "n": [1, 2]})), Vec::<String>::new());
        assert_eq!(
            check(json!({"n": [1, "two"]})),
            [
                "at `/`: required property `a` is missing",
                "at `/n/1`: expected \"integer\", found string `\"two\"`"
            ]
        );
    }

    #[test]
    fn one_of_accepts_any_alternative_and_enum_is_checked() {
        let schema = json!({"oneOf": [{"type": "object"}, {"type": "array"}]});
        let check = |s: &Value, v: Value| check_body_schema(s, &v, Direction::Request);
        let mut out = check(&schema, json!([1]));
        out.extend(check(&json!({"enum": ["A", "B"]}), json!("B")));
        assert!(out.is_empty(), "{out:?}");
        out.extend(check(&schema, json!(3)));
        out.extend(check(&json!({"enum": ["A"]}), json!("C")));
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].contains("none of the oneOf"), "{out:?}");
        assert!(out[1].contains("not one of"), "{out:?}");
    }

    #[test]
    fn read_only_is_not_required_in_requests_nor_write_only_in_responses() {
        let schema = json!({
            "type": "object",
            "required": ["id", "token"],
            "properties": {"id": {"readOnly": true}, "token": {"writeOnly": true}}
        });
        let request = check_body_schema(&schema, &json!({"token": "t"}), Direction::Request);
        let response = check_body_schema(&schema, &json!({"id": "i"}), Direction::Response);
        assert_eq!((request, response), (Vec::new(), Vec::new()));
        let missing = check_body_schema(&schema, &json!({}), Direction::Response);
        assert_eq!(missing, ["at `/`: required property `id` is missing"]);
    }

    #[test]
    fn paths_match_templates_segment_by_segment() {
        static OP: Operation = Operation {
            workflow: "w",
            step: "s",
            source: "api",
            operation: "getMeter",
            method: "GET",
            path: "/meters/{id}/usage",
            params: &[],
            body: None,
            responses: &[],
            happy: None,
        };
        assert!(OP.matches_path("/meters/m-1/usage"));
        assert!(!OP.matches_path("/meters/usage"));
        assert!(!OP.matches_path("/meters/m-1/other"));
        assert!(!OP.matches_path("/meters//usage"));
    }
}

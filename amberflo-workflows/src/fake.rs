//! A faithful, stateful, in-memory fake of the Amberflo HTTP API.
//!
//! [`FakeAmberflo`] serves every operation of
//! `specs/openapi/amberflo-metering-openapi.yaml` and
//! `specs/openapi/amberflo-billing-openapi.yaml` on `127.0.0.1` (random
//! port). It validates requests by hand against the OpenAPI descriptions and
//! answers with bodies that match the documented response schemas.
//!
//! Behaviour and documented decisions:
//!
//! * **Authentication**: a missing or empty `X-API-KEY` header is answered
//!   with 401 `{"message": ..., "code": "UNAUTHORIZED"}`. A server started
//!   with [`FakeAmberflo::start_with_api_key`] also rejects any other key.
//! * **Validation**: a body that is missing, not JSON, of the wrong shape, has
//!   a missing required field, a field of the wrong JSON type or a value
//!   outside an enum is answered with 400 and code `BAD_REQUEST`; the message
//!   names the field (e.g. ``missing required field `customerId` ``,
//!   ``field `[1].meterApiName` ...``). JSON `null` in an optional field is
//!   treated as absent; unknown fields are ignored.
//! * **Unknown ids**: 404 with code `NOT_FOUND` (meters, customers).
//!   Creating a filtering rule or querying usage for an unknown meter is a
//!   400 (the OpenAPI documents no 404 there).
//! * **Duplicates**: creating a meter or a customer whose id already exists
//!   is a 400 with code `ALREADY_EXISTS`.
//! * **Ingestion** (as documented by Amberflo): the body is one record, an
//!   array of records, or NDJSON (one record per line, whatever the content
//!   type); the answer is 200 `text/plain` `N records were ingested`, where
//!   N counts the records received. Records are validated on read by
//!   Amberflo, not on write, so a record for an unknown meter is accepted
//!   (it shows in no usage report). A malformed record (missing
//!   `customerId` or `meterTimeInMillis`, a field of the wrong JSON type) is
//!   a 400 and a rejected batch changes nothing. The fake also needs
//!   `meterApiName` and `meterValue` (records of custom ingestion schemas
//!   are not supported). Records are idempotent by `uniqueId` (a re-sent
//!   record is counted but stored once); a missing `uniqueId` is generated.
//! * **Usage** (request as documented: `timeRange`, `filter`, `groupBy`,
//!   `take`): all matching events of the range `[start, end)` (`end`
//!   defaults to now) are aggregated into ONE bucket whatever the
//!   `timeGroupingInterval`; the answer is `{metadata: <the query>,
//!   secondsSinceEpochIntervals: [start], clientMeters: {<meter>: [group]}}`
//!   where each group has `records: [{"startTimeInSeconds": start, "value":
//!   v}]` (Amberflo does not document the shape of `clientMeters`; this is
//!   the fake's). `aggregation` defaults to `SUM`; `take` is validated and
//!   ignored. `groupBy` and `filter` keys are dimension names, or
//!   `customerId`. Without `groupBy`
//!   there is always exactly one group (`groupInfo: {}`), even with no
//!   events (value 0). Filtering rules are applied at query time: an event
//!   is dropped when an `EXCLUDE` rule of its meter matches it, or when its
//!   meter has `INCLUDE` rules and none matches.
//! * **Deleting a customer** hides it and answers it with `deleteTime` set,
//!   `enabled: false` and `lifecycleStage: OFFBOARDED`, as Amberflo's
//!   reinstate endpoint documents.
//! * **Invoices** are produced by billing, not by the API: tests add them
//!   with [`FakeAmberflo::add_invoice`]. Deleting a customer is always
//!   allowed and leaves its invoices in place.
//! * **Fault injection**: [`FakeAmberflo::fail_next`] queues failures per
//!   operation. They are checked after recording and before authentication,
//!   and never change state.
//! * **Recording**: every request that reaches an operation is recorded
//!   ([`FakeAmberflo::requests`]), including rejected and failed ones.
//!   Requests to unknown paths are recorded with an empty operation id and
//!   answered 404 with code `UNKNOWN_ROUTE`; a known path with a wrong method
//!   is answered 405 by the router and not recorded.

mod validate;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use validate::Obj;

const AGGREGATIONS: &[&str] = &["SUM", "COUNT", "MIN", "MAX"];
const INTERVALS: &[&str] = &["HOUR", "DAY", "WEEK", "MONTH"];
const FILTER_ACTIONS: &[&str] = &["INCLUDE", "EXCLUDE"];
const LIFECYCLE_STAGES: &[&str] = &["ONBOARDING", "TRIAL", "ACTIVE", "OFFBOARDED"];

/// Every operation id served by the fake, metering then billing.
pub const OPERATION_IDS: &[&str] = &[
    "createMeterDefinition",
    "listMeterDefinitions",
    "getMeterDefinitionById",
    "updateMeterDefinition",
    "deleteMeterDefinition",
    "ingestMeterEvents",
    "queryUsage",
    "createFilteringRule",
    "listFilteringRules",
    "listCustomers",
    "createCustomer",
    "updateCustomer",
    "getCustomerById",
    "deleteCustomer",
    "listInvoices",
    "createPrepaidOrder",
    "assignPricingPlan",
];

/// One HTTP request received by the fake, as recorded for assertions.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `"POST"`.
    pub method: String,
    /// Request path, without the query string, e.g. `"/customers/c-1"`.
    pub path: String,
    /// Raw query string (without `?`), empty when there is none.
    pub query: String,
    /// The OpenAPI operation id the request was routed to; empty for
    /// requests to an unknown path.
    pub operation_id: String,
    /// Request headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON; `Null` when empty, and a JSON string holding
    /// the raw text when the body is not valid JSON.
    pub body: Value,
}

impl RecordedRequest {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An error answered by the fake: a status and an `Error` body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    fn already_exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ALREADY_EXISTS", message)
    }

    fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "message": self.message, "code": self.code }));
        let mut response = (self.status, body).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        response
    }
}

/// A queued injected failure.
#[derive(Debug, Clone, Copy)]
struct Fault {
    status: u16,
    retry_after: Option<u64>,
}

impl Fault {
    fn into_error(self, operation_id: &str) -> ApiError {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match status.as_u16() {
            400 => "BAD_REQUEST",
            401 => "UNAUTHORIZED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            409 => "CONFLICT",
            429 => "TOO_MANY_REQUESTS",
            503 => "SERVICE_UNAVAILABLE",
            500..=599 => "INTERNAL_ERROR",
            _ => "INJECTED_FAULT",
        };
        ApiError {
            status,
            code,
            message: format!("injected fault for {operation_id}"),
            retry_after: self.retry_after,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Meter {
    id: String,
    meter_api_name: String,
    label: String,
    meter_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    dimensions: Vec<String>,
    create_time: i64,
    update_time: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    meter_api_name: String,
    customer_id: String,
    meter_value: f64,
    meter_time_in_millis: i64,
    unique_id: String,
    dimensions: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct FilteringRule {
    meter_api_name: String,
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimension_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimension_values: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<String>,
}

impl FilteringRule {
    /// Whether the rule's dimension condition matches `event`.
    fn matches(&self, event: &Event) -> bool {
        let Some(name) = &self.dimension_name else {
            return false;
        };
        let value = if name == "customerId" {
            Some(&event.customer_id)
        } else {
            event.dimensions.get(name)
        };
        match (value, &self.dimension_values) {
            (Some(v), Some(values)) => values.contains(v),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Customer {
    customer_id: String,
    customer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    test: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lifecycle_stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    traits: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address>,
    create_time: i64,
    update_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deactivate_time_stamp: Option<i64>,
    enabled: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PrepaidOrder {
    id: String,
    order_id: String,
    customer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_id: Option<String>,
    start_time_in_seconds: i64,
    prepaid_price: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    created_time_in_seconds: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PricingPlanAssignment {
    customer_id: String,
    product_plan_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_id: Option<String>,
    start_time_in_seconds: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_in_seconds: Option<i64>,
    relation_id: String,
    created_time_in_seconds: i64,
}

/// The whole in-memory state of the fake.
#[derive(Debug, Default)]
struct FakeState {
    api_key: Option<String>,
    meters: BTreeMap<String, Meter>,
    events: Vec<Event>,
    rules: Vec<FilteringRule>,
    customers: BTreeMap<String, Customer>,
    invoices: Vec<Value>,
    prepaid_orders: Vec<PrepaidOrder>,
    pricing_assignments: Vec<PricingPlanAssignment>,
    faults: HashMap<String, VecDeque<Fault>>,
    requests: Vec<RecordedRequest>,
    next_id: u64,
}

impl FakeState {
    fn fresh_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:06}", self.next_id)
    }
}

type Shared = Arc<Mutex<FakeState>>;

fn lock(shared: &Shared) -> MutexGuard<'_, FakeState> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A running fake Amberflo server; dropping it stops the server.
#[derive(Debug)]
pub struct FakeAmberflo {
    addr: SocketAddr,
    shared: Shared,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl FakeAmberflo {
    /// Starts a fake on a random local port that accepts any non-empty API key.
    pub async fn start() -> std::io::Result<FakeAmberflo> {
        Self::launch(None).await
    }

    /// Starts a fake on a random local port that only accepts `key`.
    pub async fn start_with_api_key(key: &str) -> std::io::Result<FakeAmberflo> {
        Self::launch(Some(key.to_owned())).await
    }

    async fn launch(api_key: Option<String>) -> std::io::Result<FakeAmberflo> {
        let shared: Shared = Arc::new(Mutex::new(FakeState {
            api_key,
            ..FakeState::default()
        }));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(FakeAmberflo {
            addr,
            shared,
            shutdown: Some(tx),
            task,
        })
    }

    /// The base URL of the server, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Makes the next `count` calls of `operation_id` answer `status` with an
    /// `Error` body (and a `Retry-After` header when `retry_after_secs` is
    /// given), without changing any state. Calls queue up in order.
    pub fn fail_next(
        &self,
        operation_id: &str,
        count: usize,
        status: u16,
        retry_after_secs: Option<u64>,
    ) {
        let mut state = lock(&self.shared);
        let queue = state.faults.entry(operation_id.to_owned()).or_default();
        queue.extend(std::iter::repeat_n(
            Fault {
                status,
                retry_after: retry_after_secs,
            },
            count,
        ));
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// How many requests were routed to `operation_id` (including rejected
    /// and fault-injected ones).
    pub fn request_count(&self, operation_id: &str) -> usize {
        lock(&self.shared)
            .requests
            .iter()
            .filter(|r| r.operation_id == operation_id)
            .count()
    }

    /// Forgets the recorded requests (state is kept).
    pub fn clear_requests(&self) {
        lock(&self.shared).requests.clear();
    }

    /// Adds an invoice, as billing would produce it. It should be an
    /// `Invoice` object of the billing OpenAPI (`invoiceUri`, `invoiceKey`,
    /// `paymentStatus`, `totalBill`, ...); it is returned verbatim by
    /// `listInvoices` for the customer of its `invoiceKey.customerId`.
    pub fn add_invoice(&self, invoice: Value) {
        lock(&self.shared).invoices.push(invoice);
    }

    /// The stored meter definitions, as `MeterDefinition` JSON.
    pub fn meters(&self) -> Vec<Value> {
        lock(&self.shared).meters.values().map(to_json).collect()
    }

    /// The stored customers, as `Customer` JSON.
    pub fn customers(&self) -> Vec<Value> {
        lock(&self.shared).customers.values().map(to_json).collect()
    }

    /// The stored meter events, as `MeterEvent` JSON (with `uniqueId`).
    pub fn events(&self) -> Vec<Value> {
        lock(&self.shared).events.iter().map(to_json).collect()
    }

    /// The stored filtering rules, as `FilteringRule` JSON.
    pub fn filtering_rules(&self) -> Vec<Value> {
        lock(&self.shared).rules.iter().map(to_json).collect()
    }

    /// The stored invoices.
    pub fn invoices(&self) -> Vec<Value> {
        lock(&self.shared).invoices.clone()
    }

    /// The stored prepaid orders, as `PrepaidOrder` JSON.
    pub fn prepaid_orders(&self) -> Vec<Value> {
        lock(&self.shared)
            .prepaid_orders
            .iter()
            .map(to_json)
            .collect()
    }

    /// The stored pricing plan assignments, as `PricingPlanAssignment` JSON.
    pub fn pricing_plan_assignments(&self) -> Vec<Value> {
        lock(&self.shared)
            .pricing_assignments
            .iter()
            .map(to_json)
            .collect()
    }
}

impl Drop for FakeAmberflo {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.abort();
    }
}

/// Builds a handler for `$op`, optionally extracting one path parameter.
macro_rules! op {
    ($op:literal) => {
        |State(shared): State<Shared>,
         method: Method,
         uri: Uri,
         headers: HeaderMap,
         body: Bytes| async move {
            handle(&shared, $op, None, &method, &uri, &headers, &body)
        }
    };
    ($op:literal, path) => {
        |State(shared): State<Shared>,
         Path(param): Path<String>,
         method: Method,
         uri: Uri,
         headers: HeaderMap,
         body: Bytes| async move {
            handle(&shared, $op, Some(param), &method, &uri, &headers, &body)
        }
    };
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/meters", post(op!("createMeterDefinition")))
        .route(
            "/meter-definition",
            get(op!("listMeterDefinitions")).put(op!("updateMeterDefinition")),
        )
        .route(
            "/meter-definition/{meterApiName}",
            get(op!("getMeterDefinitionById", path)).delete(op!("deleteMeterDefinition", path)),
        )
        .route("/ingest", post(op!("ingestMeterEvents")))
        .route("/usage", post(op!("queryUsage")))
        .route(
            "/meter-event-filtering-rules",
            post(op!("createFilteringRule")).get(op!("listFilteringRules")),
        )
        .route(
            "/customers",
            get(op!("listCustomers"))
                .post(op!("createCustomer"))
                .put(op!("updateCustomer")),
        )
        .route(
            "/customers/{customerId}",
            get(op!("getCustomerById", path)).delete(op!("deleteCustomer", path)),
        )
        .route(
            "/payments/billing/customer-product-invoice/all",
            get(op!("listInvoices")),
        )
        .route(
            "/payments/pricing/amberflo/customer-prepaid",
            post(op!("createPrepaidOrder")),
        )
        .route(
            "/payments/pricing/amberflo/customer-pricing",
            post(op!("assignPricingPlan")),
        )
        .fallback(
            |State(shared): State<Shared>,
             method: Method,
             uri: Uri,
             headers: HeaderMap,
             body: Bytes| async move {
                record(&shared, "", &method, &uri, &headers, &body);
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "UNKNOWN_ROUTE",
                    format!("no operation for {method} {}", uri.path()),
                )
                .into_response()
            },
        )
        .with_state(shared)
}

/// A parsed request handed to an operation.
struct Req {
    path_param: Option<String>,
    query: Vec<(String, String)>,
    body: Option<Result<Value, String>>,
    /// The body as received (ingestion also reads NDJSON).
    raw: Bytes,
}

impl Req {
    /// The JSON body; 400 when missing or unparseable.
    fn json(&self) -> Result<&Value, ApiError> {
        match &self.body {
            None => Err(ApiError::bad_request("request body is required")),
            Some(Err(e)) => Err(ApiError::bad_request(format!(
                "request body is not valid JSON: {e}"
            ))),
            Some(Ok(v)) => Ok(v),
        }
    }

    fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn path_param(&self) -> Result<&str, ApiError> {
        self.path_param
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("missing path parameter"))
    }
}

fn parse_body(body: &Bytes) -> Option<Result<Value, String>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(serde_json::from_slice(body).map_err(|e| e.to_string()))
    }
}

fn record(
    shared: &Shared,
    operation_id: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) {
    let body = match parse_body(body) {
        None => Value::Null,
        Some(Ok(v)) => v,
        Some(Err(_)) => Value::String(String::from_utf8_lossy(body).into_owned()),
    };
    let request = RecordedRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        operation_id: operation_id.to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    lock(shared).requests.push(request);
}

fn check_auth(state: &FakeState, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = headers
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .unwrap_or_default();
    if key.is_empty() {
        return Err(ApiError::unauthorized("missing X-API-KEY header"));
    }
    match &state.api_key {
        Some(expected) if *expected != key => Err(ApiError::unauthorized("invalid API key")),
        _ => Ok(()),
    }
}

fn handle(
    shared: &Shared,
    operation_id: &'static str,
    path_param: Option<String>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    record(shared, operation_id, method, uri, headers, body);
    let mut state = lock(shared);
    if let Some(fault) = state
        .faults
        .get_mut(operation_id)
        .and_then(VecDeque::pop_front)
    {
        return fault.into_error(operation_id).into_response();
    }
    if let Err(e) = check_auth(&state, headers) {
        return e.into_response();
    }
    let query = match Query::<Vec<(String, String)>>::try_from_uri(uri) {
        Ok(Query(q)) => q,
        Err(e) => {
            return ApiError::bad_request(format!("invalid query string: {e}")).into_response()
        }
    };
    let req = Req {
        path_param,
        query,
        body: parse_body(body),
        raw: body.clone(),
    };
    if operation_id == "ingestMeterEvents" {
        // Amberflo answers ingestion with a plain message, not JSON.
        return match ingest(&mut state, &req) {
            Ok(message) => (
                StatusCode::OK,
                [("content-type", "text/plain; charset=utf-8")],
                message,
            )
                .into_response(),
            Err(e) => e.into_response(),
        };
    }
    match dispatch(&mut state, operation_id, &req) {
        Ok(value) => (StatusCode::OK, Json(value)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn dispatch(state: &mut FakeState, operation_id: &str, req: &Req) -> Result<Value, ApiError> {
    match operation_id {
        "createMeterDefinition" => create_meter(state, req),
        "listMeterDefinitions" => Ok(to_json(&state.meters.values().collect::<Vec<_>>())),
        "getMeterDefinitionById" => {
            let name = req.path_param()?;
            state
                .meters
                .get(name)
                .map(to_json)
                .ok_or_else(|| unknown_meter(name))
        }
        "updateMeterDefinition" => update_meter(state, req),
        "deleteMeterDefinition" => {
            let name = req.path_param()?;
            state
                .meters
                .remove(name)
                .map(|m| to_json(&m))
                .ok_or_else(|| unknown_meter(name))
        }
        "queryUsage" => query_usage(state, req),
        "createFilteringRule" => create_rule(state, req),
        "listFilteringRules" => {
            let meter = req.query_param("meterApiName");
            let rules: Vec<&FilteringRule> = state
                .rules
                .iter()
                .filter(|r| meter.is_none_or(|m| r.meter_api_name == m))
                .collect();
            Ok(to_json(&rules))
        }
        "listCustomers" => Ok(to_json(&state.customers.values().collect::<Vec<_>>())),
        "createCustomer" => create_customer(state, req),
        "updateCustomer" => update_customer(state, req),
        "getCustomerById" => {
            let id = req.path_param()?;
            state
                .customers
                .get(id)
                .map(to_json)
                .ok_or_else(|| unknown_customer(id))
        }
        "deleteCustomer" => {
            let id = req.path_param()?;
            let mut customer = state
                .customers
                .remove(id)
                .ok_or_else(|| unknown_customer(id))?;
            // Amberflo hides a deleted customer and moves it to the
            // OFFBOARDED stage (it can be reinstated, still OFFBOARDED).
            customer.delete_time = Some(now_millis());
            customer.enabled = false;
            customer.lifecycle_stage = Some("OFFBOARDED".to_owned());
            Ok(to_json(&customer))
        }
        "listInvoices" => {
            let id = req.query_param("customerId").ok_or_else(|| {
                ApiError::bad_request("missing required query parameter `customerId`")
            })?;
            Ok(Value::Array(
                state
                    .invoices
                    .iter()
                    .filter(|inv| {
                        inv.pointer("/invoiceKey/customerId")
                            .and_then(Value::as_str)
                            == Some(id)
                    })
                    .cloned()
                    .collect(),
            ))
        }
        "createPrepaidOrder" => create_prepaid(state, req),
        "assignPricingPlan" => assign_pricing(state, req),
        other => Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "NOT_IMPLEMENTED",
            format!("operation {other} is not implemented"),
        )),
    }
}

fn unknown_meter(name: &str) -> ApiError {
    ApiError::not_found(format!("meter `{name}` not found"))
}

fn unknown_customer(id: &str) -> ApiError {
    ApiError::not_found(format!("customer `{id}` not found"))
}

/// The fields of a `MeterDefinitionRequest` that make a meter.
struct MeterFields {
    meter_api_name: String,
    label: String,
    meter_type: String,
    description: Option<String>,
    dimensions: Vec<String>,
}

/// Validates a `MeterDefinitionRequest`. Amberflo's `label` and
/// `meterType` are required; this project's older `displayName` and `type`
/// are accepted in their place (the seed workflow sends them).
fn meter_from_request(req: &Req) -> Result<MeterFields, ApiError> {
    let obj = Obj::new(req.json()?, "")?;
    let meter_api_name = obj.req_str("meterApiName")?;
    let label = match obj.opt_str("label")? {
        Some(label) => label,
        None => obj
            .opt_str("displayName")?
            .ok_or_else(|| ApiError::bad_request("missing required field `label`"))?,
    };
    let meter_type = match obj.opt_str("meterType")? {
        Some(t) => t,
        None => obj
            .opt_str("type")?
            .ok_or_else(|| ApiError::bad_request("missing required field `meterType`"))?,
    };
    let description = obj.opt_str("description")?;
    let dimensions = obj.opt_str_vec("dimensions")?.unwrap_or_default();
    obj.opt_str_vec("aggregationDimensions")?;
    obj.opt_bool("useInBilling")?;
    if meter_api_name.is_empty() {
        return Err(ApiError::bad_request(
            "field `meterApiName` must not be empty",
        ));
    }
    if meter_type.is_empty() {
        return Err(ApiError::bad_request("field `meterType` must not be empty"));
    }
    Ok(MeterFields {
        meter_api_name,
        label,
        meter_type,
        description,
        dimensions,
    })
}

fn create_meter(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let fields = meter_from_request(req)?;
    if state.meters.contains_key(&fields.meter_api_name) {
        return Err(ApiError::already_exists(format!(
            "meter `{}` already exists",
            fields.meter_api_name
        )));
    }
    let now = now_millis();
    let meter = Meter {
        id: state.fresh_id("meter"),
        meter_api_name: fields.meter_api_name,
        label: fields.label,
        meter_type: fields.meter_type,
        description: fields.description,
        dimensions: fields.dimensions,
        create_time: now,
        update_time: now,
    };
    let out = to_json(&meter);
    state.meters.insert(meter.meter_api_name.clone(), meter);
    Ok(out)
}

fn update_meter(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let fields = meter_from_request(req)?;
    let Some(slot) = state.meters.get_mut(&fields.meter_api_name) else {
        return Err(unknown_meter(&fields.meter_api_name));
    };
    slot.label = fields.label;
    slot.meter_type = fields.meter_type;
    slot.description = fields.description;
    slot.dimensions = fields.dimensions;
    slot.update_time = now_millis();
    Ok(to_json(slot))
}

/// Validates one `MeterEvent`; `what` prefixes field names in messages.
fn event_from_json(value: &Value, what: &str) -> Result<(Event, bool), ApiError> {
    let obj = Obj::new(value, what)?;
    let customer_id = obj.req_str("customerId")?;
    let meter_time_in_millis = obj.req_i64("meterTimeInMillis")?;
    // Documented as optional (custom ingestion schemas and multi-meter
    // `values` records need neither); the fake supports only plain records.
    let meter_api_name = obj.req_str("meterApiName")?;
    let meter_value = obj.req_f64("meterValue")?;
    let unique_id = obj.opt_str("uniqueId")?;
    let dimensions = obj.opt_str_map("dimensions")?.unwrap_or_default();
    let generated = unique_id.is_none();
    Ok((
        Event {
            meter_api_name,
            customer_id,
            meter_value,
            meter_time_in_millis,
            unique_id: unique_id.unwrap_or_default(),
            dimensions,
        },
        generated,
    ))
}

/// The records of an ingestion request: a JSON object, a JSON array of
/// objects, or NDJSON (one object per line), whatever the content type.
fn ingest_records(req: &Req) -> Result<Vec<Value>, ApiError> {
    match &req.body {
        None => Err(ApiError::bad_request("request body is required")),
        Some(Ok(Value::Array(items))) => Ok(items.clone()),
        Some(Ok(value @ Value::Object(_))) => Ok(vec![value.clone()]),
        Some(Ok(_)) => Err(ApiError::bad_request(
            "request body must be a meter record, an array of them, or NDJSON",
        )),
        Some(Err(json_error)) => {
            let text = String::from_utf8_lossy(&req.raw);
            let mut records = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(value @ Value::Object(_)) => records.push(value),
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "request body is neither JSON ({json_error}) nor NDJSON \
                             (line {} is not a JSON object)",
                            i + 1
                        )))
                    }
                }
            }
            Ok(records)
        }
    }
}

/// Ingests the records; answers Amberflo's message, e.g.
/// `1 records were ingested`.
fn ingest(state: &mut FakeState, req: &Req) -> Result<String, ApiError> {
    let records = ingest_records(req)?;
    let batch = records.len() > 1 || matches!(req.body, Some(Ok(Value::Array(_))) | Some(Err(_)));
    let mut parsed = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        let what = if batch {
            format!("[{i}]")
        } else {
            String::new()
        };
        parsed.push(event_from_json(record, &what)?);
    }
    let count = parsed.len();
    for (mut event, generated) in parsed {
        if generated {
            event.unique_id = state.fresh_id("evt");
        }
        if !state.events.iter().any(|e| e.unique_id == event.unique_id) {
            state.events.push(event);
        }
    }
    Ok(format!("{count} records were ingested"))
}

fn query_usage(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let body = req.json()?;
    let obj = Obj::new(body, "")?;
    let meter = obj.req_str("meterApiName")?;
    let range = obj
        .opt_obj("timeRange")?
        .ok_or_else(|| ApiError::bad_request("missing required field `timeRange`"))?;
    let start = range.req_i64("startTimeInSeconds")?;
    // Documented as optional: the range then ends now.
    let end = range
        .opt_i64("endTimeInSeconds")?
        .unwrap_or_else(|| now_millis() / 1000 + 1);
    // Undocumented default: SUM.
    let aggregation = obj
        .opt_enum("aggregation", AGGREGATIONS)?
        .unwrap_or_else(|| "SUM".to_owned());
    obj.req_enum("timeGroupingInterval", INTERVALS)?;
    let group_by = obj.opt_str_vec("groupBy")?.unwrap_or_default();
    let filter = obj.opt_str_vec_map("filter")?.unwrap_or_default();
    if let Some(take) = obj.opt_obj("take")? {
        take.opt_i64("limit")?;
        take.opt_bool("isAscending")?;
    }
    if !state.meters.contains_key(&meter) {
        return Err(ApiError::bad_request(format!(
            "field `meterApiName`: unknown meter `{meter}`"
        )));
    }
    if end <= start {
        return Err(ApiError::bad_request(
            "field `timeRange.endTimeInSeconds` must be greater than `timeRange.startTimeInSeconds`",
        ));
    }
    let dimension = |event: &Event, key: &str| -> String {
        if key == "customerId" {
            event.customer_id.clone()
        } else {
            event.dimensions.get(key).cloned().unwrap_or_default()
        }
    };
    let rules: Vec<&FilteringRule> = state
        .rules
        .iter()
        .filter(|r| r.meter_api_name == meter)
        .collect();
    let includes: Vec<&&FilteringRule> = rules
        .iter()
        .filter(|r| r.action.as_deref() == Some("INCLUDE"))
        .collect();
    let start_ms = start.saturating_mul(1000);
    let end_ms = end.saturating_mul(1000);
    let mut groups: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
    if group_by.is_empty() {
        groups.insert(Vec::new(), Vec::new());
    }
    for event in &state.events {
        let selected = event.meter_api_name == meter
            && (start_ms..end_ms).contains(&event.meter_time_in_millis)
            && filter
                .iter()
                .all(|(k, values)| values.contains(&dimension(event, k)))
            && !rules
                .iter()
                .any(|r| r.action.as_deref() == Some("EXCLUDE") && r.matches(event))
            && (includes.is_empty() || includes.iter().any(|r| r.matches(event)));
        if selected {
            let key = group_by.iter().map(|k| dimension(event, k)).collect();
            groups.entry(key).or_default().push(event.meter_value);
        }
    }
    let report: Vec<Value> = groups
        .into_iter()
        .map(|(key, values)| {
            let value = match aggregation.as_str() {
                "MAX" => values.iter().copied().reduce(f64::max).unwrap_or(0.0),
                "MIN" => values.iter().copied().reduce(f64::min).unwrap_or(0.0),
                "COUNT" => values.len() as f64,
                _ => values.iter().sum(),
            };
            let group_info: serde_json::Map<String, Value> = group_by
                .iter()
                .cloned()
                .zip(key.into_iter().map(Value::String))
                .collect();
            json!({
                "groupInfo": group_info,
                "records": [{ "startTimeInSeconds": start, "value": value }],
            })
        })
        .collect();
    Ok(json!({
        "metadata": body,
        "secondsSinceEpochIntervals": [start],
        "clientMeters": { meter: report },
    }))
}

fn create_rule(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let obj = Obj::new(req.json()?, "")?;
    let meter_api_name = obj.req_str("meterApiName")?;
    let rule_id = obj.opt_str("ruleId")?;
    let dimension_name = obj.opt_str("dimensionName")?;
    let dimension_values = obj.opt_str_vec("dimensionValues")?;
    let action = obj.opt_enum("action", FILTER_ACTIONS)?;
    if !state.meters.contains_key(&meter_api_name) {
        return Err(ApiError::bad_request(format!(
            "field `meterApiName`: unknown meter `{meter_api_name}`"
        )));
    }
    let rule_id = match rule_id {
        Some(id) => id,
        None => state.fresh_id("rule"),
    };
    let rule = FilteringRule {
        meter_api_name,
        rule_id,
        dimension_name,
        dimension_values,
        action,
    };
    let out = to_json(&rule);
    state.rules.retain(|r| r.rule_id != rule.rule_id);
    state.rules.push(rule);
    Ok(out)
}

/// Validates a `CustomerRequest` into a customer stamped with `now`.
fn customer_from_request(req: &Req, now: i64) -> Result<Customer, ApiError> {
    let obj = Obj::new(req.json()?, "")?;
    let customer_id = obj.req_str("customerId")?;
    let customer_name = obj.req_str("customerName")?;
    let customer_email = obj.opt_str("customerEmail")?;
    let description = obj.opt_str("description")?;
    let test = obj.opt_bool("test")?;
    let lifecycle_stage = obj.opt_enum("lifecycleStage", LIFECYCLE_STAGES)?;
    let traits = obj.opt_str_map("traits")?;
    let address = match obj.opt_obj("address")? {
        None => None,
        Some(a) => Some(Address {
            line1: a.opt_str("line1")?,
            city: a.opt_str("city")?,
            country: a.req_str("country")?,
            state: a.opt_str("state")?,
            postal_code: a.opt_str("postalCode")?,
            verified: a.opt_bool("verified")?,
        }),
    };
    if customer_id.is_empty() {
        return Err(ApiError::bad_request(
            "field `customerId` must not be empty",
        ));
    }
    Ok(Customer {
        customer_id,
        customer_name,
        customer_email,
        description,
        test,
        lifecycle_stage,
        traits,
        address,
        create_time: now,
        update_time: now,
        delete_time: None,
        deactivate_time_stamp: None,
        enabled: true,
    })
}

fn create_customer(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    if let Some(flag) = req.query_param("autoCreateCustomerInStripe") {
        if flag != "true" && flag != "false" {
            return Err(ApiError::bad_request(
                "query parameter `autoCreateCustomerInStripe` must be a boolean",
            ));
        }
    }
    let customer = customer_from_request(req, now_millis())?;
    if state.customers.contains_key(&customer.customer_id) {
        return Err(ApiError::already_exists(format!(
            "customer `{}` already exists",
            customer.customer_id
        )));
    }
    let out = to_json(&customer);
    state
        .customers
        .insert(customer.customer_id.clone(), customer);
    Ok(out)
}

fn update_customer(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let mut customer = customer_from_request(req, now_millis())?;
    let Some(slot) = state.customers.get_mut(&customer.customer_id) else {
        return Err(unknown_customer(&customer.customer_id));
    };
    customer.create_time = slot.create_time;
    *slot = customer;
    Ok(to_json(slot))
}

fn create_prepaid(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let obj = Obj::new(req.json()?, "")?;
    // Amberflo marks no field as required; the fake needs these two.
    let customer_id = obj.req_str("customerId")?;
    let prepaid_price = obj.req_f64("prepaidPrice")?;
    let id = obj.opt_str("id")?;
    let product_id = obj.opt_str("productId")?;
    let start = obj.opt_i64("startTimeInSeconds")?;
    let original_currency = obj.opt_str("originalCurrency")?;
    let label = obj.opt_str("label")?;
    if !state.customers.contains_key(&customer_id) {
        return Err(unknown_customer(&customer_id));
    }
    let now = now_millis() / 1000;
    let order = PrepaidOrder {
        id: id.unwrap_or_else(|| state.fresh_id("prepaid")),
        order_id: state.fresh_id("order"),
        customer_id,
        product_id,
        start_time_in_seconds: start.unwrap_or(now),
        prepaid_price,
        original_currency,
        label,
        created_time_in_seconds: now,
    };
    let out = to_json(&order);
    state.prepaid_orders.push(order);
    Ok(out)
}

fn assign_pricing(state: &mut FakeState, req: &Req) -> Result<Value, ApiError> {
    let obj = Obj::new(req.json()?, "")?;
    let customer_id = obj.req_str("customerId")?;
    let product_plan_id = obj.req_str("productPlanId")?;
    let product_id = obj.opt_str("productId")?;
    let start = obj.opt_i64("startTimeInSeconds")?;
    let end_time_in_seconds = obj.opt_i64("endTimeInSeconds")?;
    if !state.customers.contains_key(&customer_id) {
        return Err(unknown_customer(&customer_id));
    }
    let now = now_millis() / 1000;
    let assignment = PricingPlanAssignment {
        customer_id,
        product_plan_id,
        product_id,
        start_time_in_seconds: start.unwrap_or(now),
        end_time_in_seconds,
        relation_id: state.fresh_id("rel"),
        created_time_in_seconds: now,
    };
    let out = to_json(&assignment);
    state.pricing_assignments.push(assignment);
    Ok(out)
}

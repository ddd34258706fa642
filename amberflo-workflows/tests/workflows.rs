//! Every workflow end to end against the fake Amberflo, on each of its branches.

use amberflo_workflows::fake::FakeAmberflo;
use amberflo_workflows::registry;
use amberflo_workflows::{
    create_customer, create_meter_and_ingest_event, create_product_meter, get_customer_invoices,
    ingest_and_query_usage, launch_usage_based_product, offboard_customer,
    onboard_customer_with_first_usage, setup_meter_with_filtering_rule, top_up_prepaid_after_usage,
    upsert_customer,
};
use saphyr::{LoadableYamlNode, Yaml};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const KEY: &str = "sk-test-workflows";
const T0_MS: i64 = 1_700_000_000_000;
const T0_S: i64 = 1_700_000_000;

async fn fake() -> FakeAmberflo {
    FakeAmberflo::start_with_api_key(KEY).await.unwrap()
}

fn client(fake: &FakeAmberflo) -> arazzo::Client {
    arazzo::Client::builder()
        .server("meteringApi", fake.base_url())
        .server("billingApi", fake.base_url())
        .build()
        .unwrap()
}

/// Typed inputs from JSON, with the API key added.
fn inputs<T: DeserializeOwned>(mut v: Value) -> T {
    v["apiKey"] = json!(KEY);
    serde_json::from_value(v).unwrap()
}

async fn make_meter(fake: &FakeAmberflo, name: &str) {
    let out = create_product_meter::run(
        &client(fake),
        &inputs(json!({"meterApiName": name, "displayName": name})),
    )
    .await
    .unwrap();
    assert_eq!(out.meter_api_name, name);
}

async fn make_customer(fake: &FakeAmberflo, id: &str, email: Option<&str>) {
    let out = create_customer::run(
        &client(fake),
        &inputs(json!({"customerId": id, "customerName": format!("Customer {id}"), "customerEmail": email})),
    )
    .await
    .unwrap();
    assert_eq!(out.customer_id, id);
}

/// An invoice with some of the fields Amberflo documents.
fn invoice(uri: &str, customer: &str, status: &str) -> Value {
    json!({
        "invoiceUri": uri,
        "invoiceKey": { "accountId": "3", "customerId": customer, "productId": "1", "productPlanId": "plan-1", "year": 2023, "month": 11, "day": 1 },
        "planName": "Pro",
        "invoiceStartTimeInSeconds": T0_S,
        "invoiceEndTimeInSeconds": T0_S + 30 * 86_400,
        "paymentStatus": status,
        "totalBill": { "totalPrice": 12.5 },
    })
}

fn assert_every_request_authenticated(fake: &FakeAmberflo) {
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for r in requests {
        assert_eq!(r.header("x-api-key"), Some(KEY), "{} {}", r.method, r.path);
    }
}

fn customer_json(fake: &FakeAmberflo, id: &str) -> Option<Value> {
    fake.customers()
        .into_iter()
        .find(|c| c["customerId"] == json!(id))
}

fn usage_value(usage: &impl serde::Serialize, meter: &str) -> f64 {
    let usage = serde_json::to_value(usage).unwrap();
    usage[meter][0]["records"][0]["value"].as_f64().unwrap()
}

// ---------------------------------------------------------------- seed

#[tokio::test]
async fn seed_creates_meter_and_ingests_event() {
    let fake = fake().await;
    let out = create_meter_and_ingest_event::run(
        &client(&fake),
        &inputs(json!({
            "meterApiName": "api-calls", "displayName": "API calls", "type": "SUM_OF_ALL_USAGE",
            "customerId": "cust-1", "meterValue": 3, "meterTimeInMillis": T0_MS,
        })),
    )
    .await
    .unwrap();
    assert_eq!(out.meter_api_name, "api-calls");
    // Amberflo answers ingestion with a message; the seed's output is a String.
    let message: String = out.ingest_result;
    assert_eq!(message, "1 records were ingested");
    assert_eq!(fake.events().len(), 1);
    assert_every_request_authenticated(&fake);
}

// ---------------------------------------------------------------- upsert-customer

#[tokio::test]
async fn upsert_creates_an_absent_customer() {
    let fake = fake().await;
    let out = upsert_customer::run(
        &client(&fake),
        &inputs(json!({"customerId": "acme", "customerName": "Acme", "customerEmail": "billing@acme.io"})),
    )
    .await
    .unwrap();
    let created = out.created_customer.expect("created");
    assert!(out.updated_customer.is_none());
    assert_eq!(created.customer_name, "Acme");
    assert_eq!(fake.request_count("getCustomerById"), 1);
    assert_eq!(fake.request_count("createCustomer"), 1);
    assert_eq!(fake.request_count("updateCustomer"), 0);
    assert_eq!(
        customer_json(&fake, "acme").unwrap()["customerEmail"],
        "billing@acme.io"
    );
    assert_every_request_authenticated(&fake);
}

#[tokio::test]
async fn upsert_updates_an_existing_customer() {
    let fake = fake().await;
    make_customer(&fake, "acme", None).await;
    fake.clear_requests();
    let out = upsert_customer::run(
        &client(&fake),
        &inputs(
            json!({"customerId": "acme", "customerName": "Acme Corp", "lifecycleStage": "ACTIVE"}),
        ),
    )
    .await
    .unwrap();
    let updated = out.updated_customer.expect("updated");
    assert!(out.created_customer.is_none());
    assert_eq!(updated.customer_name, "Acme Corp");
    assert_eq!(fake.request_count("createCustomer"), 0);
    assert_eq!(fake.request_count("updateCustomer"), 1);
    let stored = customer_json(&fake, "acme").unwrap();
    assert_eq!(stored["customerName"], "Acme Corp");
    assert_eq!(stored["lifecycleStage"], "ACTIVE");
}

#[tokio::test]
async fn upsert_retries_a_throttled_creation() {
    let fake = fake().await;
    fake.fail_next("createCustomer", 2, 429, Some(0));
    let out = upsert_customer::run(
        &client(&fake),
        &inputs(json!({"customerId": "acme", "customerName": "Acme"})),
    )
    .await
    .unwrap();
    assert!(out.created_customer.is_some());
    assert_eq!(fake.request_count("createCustomer"), 3);
}

#[tokio::test]
async fn upsert_fails_on_an_unexpected_lookup_status() {
    let fake = fake().await;
    fake.fail_next("getCustomerById", 1, 500, None);
    let err = upsert_customer::run(
        &client(&fake),
        &inputs(json!({"customerId": "acme", "customerName": "Acme"})),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "findCustomer",
                status: 500,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.request_count("createCustomer"), 0);
}

#[tokio::test]
async fn upsert_with_a_wrong_api_key_fails_without_leaking_it() {
    let fake = fake().await;
    let mut i: upsert_customer::Inputs =
        inputs(json!({"customerId": "acme", "customerName": "Acme"}));
    i.api_key = "sk-wrong-SECRET".into();
    let err = upsert_customer::run(&client(&fake), &i).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(!format!("{err} {err:?} {i:?}").contains("sk-wrong-SECRET"));
}

// ---------------------------------------------------------------- offboard-customer

#[tokio::test]
async fn offboard_deletes_a_customer_without_invoices() {
    let fake = fake().await;
    make_customer(&fake, "gone", None).await;
    make_customer(&fake, "other", None).await;
    fake.add_invoice(invoice("inv-1", "other", "SETTLED"));
    let out = offboard_customer::run(&client(&fake), &inputs(json!({"customerId": "gone"})))
        .await
        .unwrap();
    let deleted = out.deleted_customer.expect("deleted");
    assert_eq!(deleted.customer_id, "gone");
    assert!(deleted.delete_time.is_some());
    assert!(out.invoices.is_empty());
    assert!(customer_json(&fake, "gone").is_none());
    assert!(customer_json(&fake, "other").is_some());
}

#[tokio::test]
async fn offboard_keeps_an_invoiced_customer() {
    let fake = fake().await;
    make_customer(&fake, "billed", None).await;
    fake.add_invoice(invoice("inv-1", "billed", "SETTLED"));
    let out = offboard_customer::run(&client(&fake), &inputs(json!({"customerId": "billed"})))
        .await
        .unwrap();
    assert!(out.deleted_customer.is_none());
    assert_eq!(out.invoices.len(), 1);
    assert_eq!(out.invoices[0].invoice_uri.as_deref(), Some("inv-1"));
    assert_eq!(out.customer_name, "Customer billed");
    assert_eq!(fake.request_count("deleteCustomer"), 0);
    assert!(customer_json(&fake, "billed").is_some());
}

#[tokio::test]
async fn offboard_fails_for_an_unknown_customer() {
    let fake = fake().await;
    let err = offboard_customer::run(&client(&fake), &inputs(json!({"customerId": "nobody"})))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "getCustomer",
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.request_count("listInvoices"), 0);
}

// ---------------------------------------------------------------- ingest-and-query-usage

fn usage_inputs(meter: &str, value: f64) -> ingest_and_query_usage::Inputs {
    inputs(json!({
        "meterApiName": meter, "customerId": "cust-1", "meterValue": value,
        "meterTimeInMillis": T0_MS, "startTimeInSeconds": T0_S - 3600, "endTimeInSeconds": T0_S + 3600,
    }))
}

#[tokio::test]
async fn ingest_then_query_reports_the_usage() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    let out = ingest_and_query_usage::run(&client(&fake), &usage_inputs("api-calls", 7.0))
        .await
        .unwrap();
    assert_eq!(out.ingest_message, "1 records were ingested");
    // The uniqueId is the template "{customerId}-{meterApiName}-{meterTimeInMillis}".
    // Read back from the request with `$request.body#/uniqueId`.
    assert_eq!(out.unique_id, json!("cust-1-api-calls-1700000000000"));
    assert_eq!(usage_value(&out.usage, "api-calls"), 7.0);
    // Re-running is idempotent: the same uniqueId is stored once.
    let again = ingest_and_query_usage::run(&client(&fake), &usage_inputs("api-calls", 7.0))
        .await
        .unwrap();
    assert_eq!(usage_value(&again.usage, "api-calls"), 7.0);
    assert_eq!(fake.events().len(), 1);
    let query = fake
        .requests()
        .into_iter()
        .find(|r| r.operation_id == "queryUsage")
        .unwrap();
    assert_eq!(query.body["filter"], json!({ "customerId": ["cust-1"] }));
    assert_eq!(
        query.body["timeRange"],
        json!({ "startTimeInSeconds": T0_S - 3600, "endTimeInSeconds": T0_S + 3600 })
    );
    assert_eq!(query.body["aggregation"], "SUM");
}

#[tokio::test]
async fn ingest_is_retried_on_429() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    fake.fail_next("ingestMeterEvents", 2, 429, Some(0));
    let out = ingest_and_query_usage::run(&client(&fake), &usage_inputs("api-calls", 2.0))
        .await
        .unwrap();
    assert_eq!(fake.request_count("ingestMeterEvents"), 3);
    assert_eq!(usage_value(&out.usage, "api-calls"), 2.0);
}

#[tokio::test]
async fn ingest_retry_without_retry_after_uses_the_documented_delay() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    fake.fail_next("ingestMeterEvents", 1, 429, None);
    let started = std::time::Instant::now();
    ingest_and_query_usage::run(&client(&fake), &usage_inputs("api-calls", 2.0))
        .await
        .unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(100));
    assert_eq!(fake.request_count("ingestMeterEvents"), 2);
}

#[tokio::test]
async fn ingest_gives_up_after_three_retries() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    fake.fail_next("ingestMeterEvents", 4, 429, Some(0));
    let err = ingest_and_query_usage::run(&client(&fake), &usage_inputs("api-calls", 2.0))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::RetriesExhausted {
                step: "ingestEvent",
                attempts: 4,
                status: 429,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.request_count("ingestMeterEvents"), 4);
    assert_eq!(fake.request_count("queryUsage"), 0);
    assert!(fake.events().is_empty());
}

#[tokio::test]
async fn ingest_does_not_retry_other_failures() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    // A 400, which the retry's criteria do not match.
    fake.fail_next("ingestMeterEvents", 1, 400, None);
    let err = ingest_and_query_usage::run(&client(&fake), &usage_inputs("api-calls", 2.0))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "ingestEvent",
                status: 400,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.request_count("ingestMeterEvents"), 1);
}

// ---------------------------------------------------------------- launch-usage-based-product

#[tokio::test]
async fn create_product_meter_alone() {
    let fake = fake().await;
    let out = create_product_meter::run(
        &client(&fake),
        &inputs(json!({"meterApiName": "llm-tokens", "displayName": "LLM tokens"})),
    )
    .await
    .unwrap();
    assert_eq!(out.meter_api_name, "llm-tokens");
    let meter_type: String = out.meter_type;
    assert_eq!(meter_type, "SUM_OF_ALL_USAGE");
    assert_eq!(fake.meters()[0]["dimensions"], json!(["region"]));
    // The body Amberflo documents: `label` and `meterType`.
    let sent = &fake.requests()[0].body;
    assert_eq!(
        sent,
        &json!({ "meterApiName": "llm-tokens", "label": "LLM tokens", "meterType": "SUM_OF_ALL_USAGE", "dimensions": ["region"] })
    );
}

#[tokio::test]
async fn launch_creates_meter_customer_and_plan() {
    let fake = fake().await;
    let out = launch_usage_based_product::run(
        &client(&fake),
        &inputs(json!({
            "meterApiName": "llm-tokens", "displayName": "LLM tokens", "customerId": "acme",
            "customerName": "Acme", "productPlanId": "pro-plan", "startTimeInSeconds": T0_S,
        })),
    )
    .await
    .unwrap();
    assert_eq!(out.meter_api_name, "llm-tokens");
    assert_eq!(out.customer_id, "acme");
    assert_eq!(out.product_plan_id.as_deref(), Some("pro-plan"));
    assert_eq!(out.plan_start_time_in_seconds, Some(T0_S));
    // dependsOn ran first, then the two billing steps, in order.
    let ops: Vec<String> = fake
        .requests()
        .into_iter()
        .map(|r| r.operation_id)
        .collect();
    assert_eq!(
        ops,
        [
            "createMeterDefinition",
            "createCustomer",
            "assignPricingPlan"
        ]
    );
    let create = &fake.requests()[1];
    assert_eq!(create.query, "autoCreateCustomerInStripe=false");
    let customer = customer_json(&fake, "acme").unwrap();
    assert_eq!(customer["traits"]["productMeter"], "llm-tokens");
    assert_eq!(customer["lifecycleStage"], "ONBOARDING");
    let assignment = &fake.pricing_plan_assignments()[0];
    assert_eq!(assignment["productPlanId"], "pro-plan");
    // An optional input left out is not sent.
    assert!(assignment.get("productId").is_none(), "{assignment}");
    assert_every_request_authenticated(&fake);
}

#[tokio::test]
async fn launch_stops_when_the_meter_already_exists() {
    let fake = fake().await;
    make_meter(&fake, "llm-tokens").await;
    let err = launch_usage_based_product::run(
        &client(&fake),
        &inputs(json!({
            "meterApiName": "llm-tokens", "displayName": "LLM tokens", "customerId": "acme",
            "customerName": "Acme", "productPlanId": "pro-plan",
        })),
    )
    .await
    .unwrap_err();
    assert_eq!(err.workflow(), Some("create-product-meter"));
    assert_eq!(err.status(), Some(400));
    assert!(fake.customers().is_empty());
}

// ---------------------------------------------------------------- top-up-prepaid-after-usage

fn top_up_inputs(currency: &str, event_ms: i64) -> top_up_prepaid_after_usage::Inputs {
    inputs(json!({
        "customerId": "prepaid-1", "meterApiName": "api-calls", "meterValue": 40,
        "meterTimeInMillis": event_ms, "periodStartInSeconds": T0_S, "periodEndInSeconds": T0_S + 86_400,
        "topUpAmount": 100, "currency": currency,
    }))
}

#[tokio::test]
async fn top_up_after_usage() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    make_customer(&fake, "prepaid-1", None).await;
    let out = top_up_prepaid_after_usage::run(&client(&fake), &top_up_inputs("EUR", T0_MS + 1000))
        .await
        .unwrap();
    assert!(out.order_id.is_some());
    assert_eq!(out.amount, Some(100.0));
    // The payload's USD placeholder was replaced with the requested currency.
    assert_eq!(out.currency.as_deref(), Some("EUR"));
    assert_eq!(usage_value(&out.usage, "api-calls"), 40.0);
    let orders = fake.prepaid_orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["originalCurrency"], "EUR");
    assert_eq!(orders[0]["prepaidPrice"], 100.0);
}

#[tokio::test]
async fn no_top_up_without_usage_in_the_period() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    make_customer(&fake, "prepaid-1", None).await;
    // The event is before the period: the period's usage is 0.
    let out = top_up_prepaid_after_usage::run(&client(&fake), &top_up_inputs("USD", T0_MS - 1000))
        .await
        .unwrap();
    assert!(out.order_id.is_none());
    assert_eq!(usage_value(&out.usage, "api-calls"), 0.0);
    assert!(fake.prepaid_orders().is_empty());
    assert_eq!(fake.request_count("createPrepaidOrder"), 0);
}

#[tokio::test]
async fn top_up_rejects_a_non_iso_currency_echo() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    make_customer(&fake, "prepaid-1", None).await;
    let err = top_up_prepaid_after_usage::run(&client(&fake), &top_up_inputs("euros", T0_MS))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "topUp",
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn top_up_for_an_unknown_customer_fails() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    let err = top_up_prepaid_after_usage::run(&client(&fake), &top_up_inputs("USD", T0_MS))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "topUp",
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- setup-meter-with-filtering-rule

#[tokio::test]
async fn filtering_rule_excludes_events() {
    let fake = fake().await;
    let c = client(&fake);
    let out = setup_meter_with_filtering_rule::run(
        &c,
        &inputs(json!({
            "meterApiName": "requests", "displayName": "Requests",
            "dimensionName": "environment", "excludedValues": ["staging", "dev"],
        })),
    )
    .await
    .unwrap();
    assert_eq!(out.meter_api_name, "requests");
    let rule_id = out.rule_id.clone().expect("rule id");
    assert_eq!(out.rules.len(), 1);
    assert_eq!(out.rules[0].rule_id.as_deref(), Some(rule_id.as_str()));
    assert_eq!(fake.meters()[0]["dimensions"], json!(["environment"]));
    assert_eq!(fake.filtering_rules()[0]["action"], "EXCLUDE");

    // A staging event is excluded from usage; a production one is counted.
    let mut staging = usage_inputs("requests", 5.0);
    staging.dimensions = Some([("environment".to_owned(), "staging".to_owned())].into());
    let out = ingest_and_query_usage::run(&c, &staging).await.unwrap();
    assert_eq!(usage_value(&out.usage, "requests"), 0.0);
    let mut prod = usage_inputs("requests", 3.0);
    prod.meter_time_in_millis += 1;
    prod.dimensions = Some([("environment".to_owned(), "prod".to_owned())].into());
    let out = ingest_and_query_usage::run(&c, &prod).await.unwrap();
    assert_eq!(usage_value(&out.usage, "requests"), 3.0);
}

#[tokio::test]
async fn filtering_rule_listing_failure_fails_the_workflow() {
    let fake = fake().await;
    // The rule is created but reading the rules back fails.
    fake.fail_next("listFilteringRules", 1, 503, None);
    let err = setup_meter_with_filtering_rule::run(
        &client(&fake),
        &inputs(json!({
            "meterApiName": "requests", "displayName": "Requests",
            "dimensionName": "environment", "excludedValues": ["staging"],
        })),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "listRules",
                status: 503,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- get-customer-invoices

#[tokio::test]
async fn customer_invoices_are_listed() {
    let fake = fake().await;
    make_customer(&fake, "acme", Some("billing@acme.io")).await;
    fake.add_invoice(invoice("inv-1", "acme", "SETTLED"));
    fake.add_invoice(invoice("inv-2", "acme", "PENDING"));
    fake.add_invoice(invoice("inv-3", "other", "SETTLED"));
    let out = get_customer_invoices::run(&client(&fake), &inputs(json!({"customerId": "acme"})))
        .await
        .unwrap();
    assert_eq!(out.customer_name, "Customer acme");
    assert_eq!(out.customer_email.as_deref(), Some("billing@acme.io"));
    let invoices = out.invoices.expect("invoices");
    let uris: Vec<Option<&str>> = invoices.iter().map(|i| i.invoice_uri.as_deref()).collect();
    assert_eq!(uris, [Some("inv-1"), Some("inv-2")]);
    let key = invoices[1].invoice_key.as_ref().expect("invoiceKey");
    assert_eq!(key.customer_id.as_deref(), Some("acme"));
    assert_eq!(invoices[1].payment_status.as_deref(), Some("PENDING"));
    assert_eq!(invoices[1].total_bill, Some(json!({ "totalPrice": 12.5 })));
}

#[tokio::test]
async fn customer_invoices_without_email_are_listed() {
    let fake = fake().await;
    make_customer(&fake, "acme", None).await;
    let out = get_customer_invoices::run(&client(&fake), &inputs(json!({"customerId": "acme"})))
        .await
        .unwrap();
    assert_eq!(out.invoices, Some(Vec::new()));
}

#[tokio::test]
async fn test_accounts_skip_the_invoice_lookup() {
    let fake = fake().await;
    make_customer(&fake, "qa", Some("qa-bot@example.com")).await;
    fake.add_invoice(invoice("inv-1", "qa", "SETTLED"));
    let out = get_customer_invoices::run(&client(&fake), &inputs(json!({"customerId": "qa"})))
        .await
        .unwrap();
    assert!(out.invoices.is_none());
    assert_eq!(fake.request_count("listInvoices"), 0);
}

#[tokio::test]
async fn invoices_of_an_unknown_customer_fail() {
    let fake = fake().await;
    let err = get_customer_invoices::run(&client(&fake), &inputs(json!({"customerId": "nobody"})))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "getCustomer",
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- create-customer / onboard

#[tokio::test]
async fn create_customer_fails_when_it_exists() {
    let fake = fake().await;
    make_customer(&fake, "acme", None).await;
    let err = create_customer::run(
        &client(&fake),
        &inputs(json!({"customerId": "acme", "customerName": "Acme"})),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "createCustomer",
                status: 400,
                ..
            }
        ),
        "{err:?}"
    );
}

fn onboard_inputs() -> onboard_customer_with_first_usage::Inputs {
    inputs(json!({
        "customerId": "newco", "customerName": "NewCo", "customerEmail": "ap@newco.io",
        "meterApiName": "api-calls", "meterValue": 1, "meterTimeInMillis": T0_MS,
    }))
}

#[tokio::test]
async fn onboard_creates_records_and_activates() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    fake.clear_requests();
    let out = onboard_customer_with_first_usage::run(&client(&fake), &onboard_inputs())
        .await
        .unwrap();
    assert_eq!(out.customer_id, "newco");
    // The id the step sent, read back with `$request.body#/uniqueId`.
    assert_eq!(out.first_event_id, json!("newco-api-calls-1700000000000"));
    assert_eq!(
        fake.events()[0]["uniqueId"],
        "newco-api-calls-1700000000000"
    );
    assert_eq!(
        serde_json::to_value(&out.lifecycle_stage).unwrap(),
        json!("ACTIVE")
    );
    let ops: Vec<String> = fake
        .requests()
        .into_iter()
        .map(|r| r.operation_id)
        .collect();
    assert_eq!(
        ops,
        ["createCustomer", "ingestMeterEvents", "updateCustomer"]
    );
    let customer = customer_json(&fake, "newco").unwrap();
    assert_eq!(customer["lifecycleStage"], "ACTIVE");
    assert_eq!(customer["customerEmail"], "ap@newco.io");
    assert_eq!(fake.events()[0]["customerId"], "newco");
    assert_every_request_authenticated(&fake);
}

#[tokio::test]
async fn onboard_retries_a_throttled_creation_inside_the_nested_workflow() {
    let fake = fake().await;
    make_meter(&fake, "api-calls").await;
    fake.fail_next("createCustomer", 3, 429, Some(0));
    let out = onboard_customer_with_first_usage::run(&client(&fake), &onboard_inputs())
        .await
        .unwrap();
    assert_eq!(out.customer_id, "newco");
    assert_eq!(fake.request_count("createCustomer"), 4);
}

#[tokio::test]
async fn onboard_fails_when_the_ingestion_is_rejected() {
    let fake = fake().await;
    // Amberflo validates records on read, so an unknown meter is no error
    // at ingestion; a rejected record is simulated.
    fake.fail_next("ingestMeterEvents", 1, 400, None);
    let err = onboard_customer_with_first_usage::run(&client(&fake), &onboard_inputs())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::CriteriaNotMet {
                step: "recordFirstUsage",
                status: 400,
                ..
            }
        ),
        "{err:?}"
    );
    // The customer was created by the nested workflow, but not activated.
    let customer = customer_json(&fake, "newco").unwrap();
    assert_eq!(customer["lifecycleStage"], "ONBOARDING");
}

// ---------------------------------------------------------------- secrets

#[test]
fn api_key_is_redacted_in_debug_output() {
    let i: onboard_customer_with_first_usage::Inputs = inputs(json!({
        "customerId": "c", "customerName": "n", "meterApiName": "m", "meterValue": 1, "meterTimeInMillis": 1,
    }));
    assert!(!format!("{i:?}").contains(KEY));
    let i: ingest_and_query_usage::Inputs = usage_inputs("m", 1.0);
    assert!(!format!("{i:?}").contains(KEY));
}

// ---------------------------------------------------------------- registry

/// The CLI registry (the workflows' generated metadata) matches the Arazzo
/// documents, read by another YAML parser: every workflow is registered with
/// its summary and its inputs (name, type, required, description) in
/// document order.
#[test]
fn registry_matches_the_arazzo_documents() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/arazzo");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("amberflo-") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let docs = Yaml::load_from_str(&text).unwrap();
        let workflows = docs[0]
            .as_mapping_get("workflows")
            .unwrap()
            .as_sequence()
            .unwrap();
        for wf in workflows {
            let id = wf.as_mapping_get("workflowId").unwrap().as_str().unwrap();
            let entry =
                registry::find(id).unwrap_or_else(|| panic!("{id} ({name}) is not registered"));
            assert_eq!(
                entry.summary(),
                wf.as_mapping_get("summary").unwrap().as_str().unwrap(),
                "{id}"
            );
            let schema = wf.as_mapping_get("inputs").unwrap();
            let required: Vec<&str> = schema
                .as_mapping_get("required")
                .unwrap()
                .as_sequence()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let props = schema
                .as_mapping_get("properties")
                .unwrap()
                .as_mapping()
                .unwrap();
            let names: Vec<&str> = props.keys().map(|k| k.as_str().unwrap()).collect();
            let registered: Vec<&str> = entry.inputs().iter().map(|i| i.name).collect();
            assert_eq!(registered, names, "{id}");
            for (key, prop) in props {
                let input = entry.input(key.as_str().unwrap()).unwrap();
                assert_eq!(
                    input.json_type.as_str(),
                    prop.as_mapping_get("type").unwrap().as_str().unwrap(),
                    "{id}.{}",
                    input.name
                );
                assert_eq!(
                    input.description.unwrap_or_default(),
                    prop.as_mapping_get("description")
                        .unwrap()
                        .as_str()
                        .unwrap(),
                    "{id}.{}",
                    input.name
                );
                assert_eq!(
                    input.required,
                    required.contains(&input.name),
                    "{id}.{}",
                    input.name
                );
            }
            seen.push(id.to_owned());
        }
    }
    seen.sort();
    let mut registered: Vec<String> = registry::workflows()
        .iter()
        .map(|w| w.id().to_owned())
        .collect();
    registered.sort();
    assert_eq!(seen, registered);
    assert!(seen.len() >= 9, "{seen:?}");
}

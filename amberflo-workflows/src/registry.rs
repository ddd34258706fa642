//! Every workflow of the crate, described for the `amberflo-workflows` CLI.
//!
//! Each [`WorkflowEntry`] names a workflow, lists its inputs and runs it on
//! untyped JSON: the JSON object is deserialized into the workflow's
//! generated `Inputs`, the workflow runs, and its `Outputs` are serialized
//! back to JSON. The entries are written by hand; a test checks them against
//! the Arazzo documents.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

/// A boxed, sendable future, as returned by [`WorkflowEntry::run`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs one workflow with JSON inputs, returning its outputs in the order
/// the workflow declares them.
pub type RunFn = for<'a> fn(&'a arazzo::Client, Value) -> BoxFuture<'a, Result<Outputs, RunError>>;

/// The outputs of a workflow run, as JSON values, in the order the workflow
/// declares them (a JSON object would sort them by name). Serializes as a
/// JSON object in that order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outputs(pub Vec<(String, Value)>);

impl Outputs {
    /// Converts a generated `Outputs` struct, keeping the field order (the
    /// order of the workflow's `outputs`).
    ///
    /// # Errors
    ///
    /// The serializer's message when `outputs` is not a JSON object.
    pub fn from_struct<T: serde::Serialize>(outputs: &T) -> Result<Self, String> {
        let text = serde_json::to_string(outputs).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    /// The value of output `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The outputs as a JSON object (sorted by name).
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.iter().cloned().collect())
    }
}

impl serde::Serialize for Outputs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Outputs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Outputs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of workflow outputs")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Outputs, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Outputs(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The name of the input every workflow takes the Amberflo API key in.
pub const API_KEY_INPUT: &str = "apiKey";

/// One input of a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputSpec {
    /// The input's name in the Arazzo document (e.g. `customerId`).
    pub name: &'static str,
    /// Its JSON Schema type: `string`, `number`, `integer`, `boolean`,
    /// `array` or `object`.
    pub json_type: &'static str,
    /// Whether the workflow requires it.
    pub required: bool,
    /// Its description from the Arazzo document.
    pub description: &'static str,
}

/// A workflow the CLI can list and run.
#[derive(Clone, Copy)]
pub struct WorkflowEntry {
    /// The `workflowId`.
    pub id: &'static str,
    /// The workflow's summary.
    pub summary: &'static str,
    /// What must already exist in Amberflo for the workflow to succeed
    /// (empty when it works against an empty account).
    pub prerequisites: &'static str,
    /// The workflow's inputs, in document order.
    pub inputs: &'static [InputSpec],
    /// Runs the workflow.
    pub run: RunFn,
}

impl std::fmt::Debug for WorkflowEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkflowEntry")
            .field("id", &self.id)
            .field("summary", &self.summary)
            .field("inputs", &self.inputs)
            .finish_non_exhaustive()
    }
}

impl WorkflowEntry {
    /// The input named `name`.
    pub fn input(&self, name: &str) -> Option<&'static InputSpec> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// Checks a JSON object of inputs against [`inputs`](Self::inputs): every
    /// key must be a known input of the declared JSON type, and every
    /// required input must be present. The message names the offending input.
    ///
    /// # Errors
    ///
    /// A [`RunError::Inputs`] describing the first problem found.
    pub fn check_inputs(&self, inputs: &Map<String, Value>) -> Result<(), RunError> {
        for (name, value) in inputs {
            let Some(spec) = self.input(name) else {
                let known: Vec<&str> = self.inputs.iter().map(|i| i.name).collect();
                return Err(RunError::Inputs(format!(
                    "unknown input `{name}` for workflow `{}`; its inputs are: {}",
                    self.id,
                    known.join(", ")
                )));
            };
            if !value.is_null() && !json_type_matches(spec.json_type, value) {
                let shown = if spec.name == API_KEY_INPUT {
                    "(hidden)".to_owned()
                } else {
                    truncate(&value.to_string(), 80)
                };
                return Err(RunError::Inputs(format!(
                    "input `{name}` must be of type {}, got {} {shown}",
                    spec.json_type,
                    json_type_name(value)
                )));
            }
        }
        let missing: Vec<&str> = self
            .inputs
            .iter()
            .filter(|i| i.required && inputs.get(i.name).is_none_or(Value::is_null))
            .map(|i| i.name)
            .collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            return Err(RunError::Inputs(format!(
                "missing required input{} {} for workflow `{}`",
                if missing.len() == 1 { "" } else { "s" },
                list.join(", "),
                self.id
            )));
        }
        Ok(())
    }
}

/// Why [`WorkflowEntry::run`] failed.
#[derive(Debug)]
pub enum RunError {
    /// The inputs do not fit the workflow's `Inputs` type.
    Inputs(String),
    /// The workflow ran and failed.
    Workflow(arazzo::Error),
    /// The outputs could not be turned into JSON (a bug).
    Outputs(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Inputs(m) => write!(f, "invalid inputs: {m}"),
            RunError::Workflow(e) => write!(f, "{e}"),
            RunError::Outputs(m) => write!(f, "cannot serialize the outputs: {m}"),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Workflow(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether `value` has JSON Schema type `ty`.
pub fn json_type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Deserializes `inputs`, runs the workflow module `$m` and serializes its outputs.
macro_rules! runner {
    ($m:ident) => {{
        fn run(client: &arazzo::Client, inputs: Value) -> BoxFuture<'_, Result<Outputs, RunError>> {
            Box::pin(async move {
                let inputs: crate::$m::Inputs =
                    serde_json::from_value(inputs).map_err(|e| RunError::Inputs(e.to_string()))?;
                let outputs = crate::$m::run(client, &inputs)
                    .await
                    .map_err(RunError::Workflow)?;
                Outputs::from_struct(&outputs).map_err(RunError::Outputs)
            })
        }
        run as RunFn
    }};
}

const fn input(
    name: &'static str,
    json_type: &'static str,
    required: bool,
    description: &'static str,
) -> InputSpec {
    InputSpec {
        name,
        json_type,
        required,
        description,
    }
}

const API_KEY: InputSpec = input(
    API_KEY_INPUT,
    "string",
    true,
    "Amberflo API key sent in the X-API-KEY header.",
);

static WORKFLOWS: &[WorkflowEntry] = &[
    WorkflowEntry {
        id: "create-meter-and-ingest-event",
        summary: "Define a meter then ingest a usage event for a customer.",
        prerequisites: "",
        inputs: &[
            input(API_KEY_INPUT, "string", true, "Amberflo API key supplied in the X-API-KEY header."),
            input("meterApiName", "string", true, "Unique API name for the meter (e.g. \"api-calls\")."),
            input("displayName", "string", true, "Human-readable display name for the meter."),
            input("type", "string", true, "Aggregation type (SUM_OF_ALL_USAGE, MAX_IN_PERIOD, UNIQUE_CUSTOMERS_COUNT)."),
            input("customerId", "string", true, "Customer the usage event is attributed to."),
            input("meterValue", "number", true, "The usage amount for the ingested event."),
            input("meterTimeInMillis", "integer", true, "Event timestamp in Unix milliseconds."),
            input("uniqueId", "string", false, "Optional idempotency identifier for the event."),
        ],
        run: runner!(create_meter_and_ingest_event),
    },
    WorkflowEntry {
        id: "upsert-customer",
        summary: "Create the customer if it does not exist yet, otherwise update it.",
        prerequisites: "",
        inputs: &[
            API_KEY,
            input("customerId", "string", true, "Identifier of the customer in your system, reused as the Amberflo customer id."),
            input("customerName", "string", true, "Display name of the customer."),
            input("customerEmail", "string", false, "Billing email address of the customer."),
            input("lifecycleStage", "string", false, "Lifecycle stage to record (ONBOARDING, TRIAL, ACTIVE or OFFBOARDED)."),
        ],
        run: runner!(upsert_customer),
    },
    WorkflowEntry {
        id: "offboard-customer",
        summary: "Delete a customer that has no invoices; keep one that has.",
        prerequisites: "the customer must exist",
        inputs: &[
            API_KEY,
            input("customerId", "string", true, "Identifier of the customer to offboard."),
        ],
        run: runner!(offboard_customer),
    },
    WorkflowEntry {
        id: "ingest-and-query-usage",
        summary: "Ingest one meter event, then query the customer's usage of the meter.",
        prerequisites: "the meter must exist",
        inputs: &[
            API_KEY,
            input("meterApiName", "string", true, "API name of an existing meter."),
            input("customerId", "string", true, "Customer the usage is attributed to."),
            input("meterValue", "number", true, "The usage amount of the event."),
            input("meterTimeInMillis", "integer", true, "When the usage happened, in Unix milliseconds."),
            input("dimensions", "object", false, "Dimension values of the event, keyed by dimension name."),
            input("startTimeInSeconds", "integer", true, "Start of the usage query range (inclusive), in Unix seconds."),
            input("endTimeInSeconds", "integer", true, "End of the usage query range (exclusive), in Unix seconds."),
        ],
        run: runner!(ingest_and_query_usage),
    },
    WorkflowEntry {
        id: "create-product-meter",
        summary: "Create the sum-of-usage meter a usage-based product is billed on.",
        prerequisites: "",
        inputs: &[
            API_KEY,
            input("meterApiName", "string", true, "Unique API name of the product's meter (e.g. \"llm-tokens\")."),
            input("displayName", "string", true, "Human-readable name of the product's meter."),
        ],
        run: runner!(create_product_meter),
    },
    WorkflowEntry {
        id: "launch-usage-based-product",
        summary: "Create a product meter, then a customer subscribed to the product's pricing plan.",
        prerequisites: "",
        inputs: &[
            API_KEY,
            input("meterApiName", "string", true, "Unique API name of the product's meter (e.g. \"llm-tokens\")."),
            input("displayName", "string", true, "Human-readable name of the product's meter."),
            input("customerId", "string", true, "Identifier of the product's first customer."),
            input("customerName", "string", true, "Display name of the product's first customer."),
            input("productPlanId", "string", true, "The pricing plan (product plan) assigned to the customer."),
            input("productId", "string", false, "The Amberflo product the plan belongs to (optional)."),
            input("startTimeInSeconds", "integer", false, "When the pricing plan takes effect, in Unix seconds (default now)."),
        ],
        run: runner!(launch_usage_based_product),
    },
    WorkflowEntry {
        id: "top-up-prepaid-after-usage",
        summary: "Ingest usage, query the period's usage and top up the prepaid balance when it is non-zero.",
        prerequisites: "the customer and the meter must exist",
        inputs: &[
            API_KEY,
            input("customerId", "string", true, "The prepaid customer (must exist)."),
            input("meterApiName", "string", true, "API name of the meter the usage is recorded on."),
            input("meterValue", "number", true, "The usage amount to record."),
            input("meterTimeInMillis", "integer", true, "When the usage happened, in Unix milliseconds."),
            input("periodStartInSeconds", "integer", true, "Start of the billing period (inclusive), in Unix seconds."),
            input("periodEndInSeconds", "integer", true, "End of the billing period (exclusive), in Unix seconds."),
            input("topUpAmount", "number", true, "The amount of prepaid credit to buy."),
            input("currency", "string", true, "ISO 4217 currency code of the top-up (e.g. USD)."),
        ],
        run: runner!(top_up_prepaid_after_usage),
    },
    WorkflowEntry {
        id: "setup-meter-with-filtering-rule",
        summary: "Create a meter and exclude the events whose dimension has one of the given values.",
        prerequisites: "",
        inputs: &[
            API_KEY,
            input("meterApiName", "string", true, "Unique API name of the new meter."),
            input("displayName", "string", true, "Human-readable name of the new meter."),
            input("dimensionName", "string", true, "The dimension the rule inspects (e.g. \"environment\")."),
            input("excludedValues", "array", true, "Values of the dimension whose events are excluded (e.g. [\"staging\"])."),
        ],
        run: runner!(setup_meter_with_filtering_rule),
    },
    WorkflowEntry {
        id: "get-customer-invoices",
        summary: "Get a customer and list its invoices (skipped for test accounts).",
        prerequisites: "the customer must exist",
        inputs: &[
            API_KEY,
            input("customerId", "string", true, "Identifier of the customer."),
        ],
        run: runner!(get_customer_invoices),
    },
    WorkflowEntry {
        id: "create-customer",
        summary: "Create a customer in the ONBOARDING stage.",
        prerequisites: "",
        inputs: &[
            API_KEY,
            input("customerId", "string", true, "Identifier of the new customer."),
            input("customerName", "string", true, "Display name of the new customer."),
            input("customerEmail", "string", false, "Billing email address of the new customer."),
        ],
        run: runner!(create_customer),
    },
    WorkflowEntry {
        id: "onboard-customer-with-first-usage",
        summary: "Create a customer, record its first usage event and mark it active.",
        prerequisites: "the meter must exist",
        inputs: &[
            API_KEY,
            input("customerId", "string", true, "Identifier of the new customer."),
            input("customerName", "string", true, "Display name of the new customer."),
            input("customerEmail", "string", false, "Billing email address of the new customer."),
            input("meterApiName", "string", true, "API name of the existing meter the first usage is recorded on."),
            input("meterValue", "number", true, "The amount of the first usage event."),
            input("meterTimeInMillis", "integer", true, "When the first usage happened, in Unix milliseconds."),
        ],
        run: runner!(onboard_customer_with_first_usage),
    },
];

/// Every workflow, in a stable order (the seed workflow first).
pub fn workflows() -> &'static [WorkflowEntry] {
    WORKFLOWS
}

/// The workflow whose `workflowId` is `id`.
pub fn find(id: &str) -> Option<&'static WorkflowEntry> {
    WORKFLOWS.iter().find(|w| w.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_unique_and_every_workflow_takes_the_api_key() {
        let mut ids: Vec<&str> = workflows().iter().map(|w| w.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), workflows().len());
        for w in workflows() {
            assert!(
                w.input(API_KEY_INPUT).is_some_and(|i| i.required),
                "{}",
                w.id
            );
        }
    }

    #[test]
    fn check_inputs_names_the_problem() {
        let w = find("upsert-customer").unwrap();
        let ok = json!({"apiKey": "k", "customerId": "c", "customerName": "n"});
        assert!(w.check_inputs(ok.as_object().unwrap()).is_ok());
        let missing = json!({"apiKey": "k", "customerId": "c"});
        let e = w.check_inputs(missing.as_object().unwrap()).unwrap_err();
        assert!(e.to_string().contains("`customerName`"), "{e}");
        let typed = json!({"apiKey": "k", "customerId": 3, "customerName": "n"});
        let e = w.check_inputs(typed.as_object().unwrap()).unwrap_err();
        assert!(e.to_string().contains("`customerId`"), "{e}");
        let unknown = json!({"apiKey": "k", "customerId": "c", "customerName": "n", "x": 1});
        let e = w.check_inputs(unknown.as_object().unwrap()).unwrap_err();
        assert!(e.to_string().contains("`x`"), "{e}");
        let secret = json!({"apiKey": 42, "customerId": "c", "customerName": "n"});
        let e = w.check_inputs(secret.as_object().unwrap()).unwrap_err();
        assert!(!e.to_string().contains("42"), "{e}");
    }
}

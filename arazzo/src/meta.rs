//! Static descriptions of compiled workflows, for tools that list and drive
//! them without repeating them.
//!
//! `arazzo_workflow!` writes one `pub const WORKFLOW: arazzo::meta::Workflow`
//! in every workflow module: its id, summary and description, its inputs and
//! outputs (JSON name, Rust field, Rust type, JSON type, whether required or
//! secret, description) and its steps with what each one calls. Everything is
//! `&'static` data, so the description is a true `const`, usable in `static`
//! tables and `match` guards.
//!
//! ```
//! use arazzo::meta::{Field, JsonType, Step, StepTarget, Workflow};
//!
//! // What the macro writes, in short (normally you read it, not write it).
//! const WORKFLOW: Workflow = Workflow {
//!     id: "upsert-customer",
//!     summary: Some("Create the customer, or update it."),
//!     description: None,
//!     inputs: &[Field {
//!         name: "customerId",
//!         rust_name: "customer_id",
//!         rust_type: "String",
//!         json_type: JsonType::String,
//!         required: true,
//!         secret: false,
//!         description: Some("Identifier of the customer."),
//!     }],
//!     outputs: &[],
//!     steps: &[Step {
//!         id: "getCustomer",
//!         description: None,
//!         target: StepTarget::Workflow { workflow_id: "get-customer" },
//!     }],
//! };
//! assert_eq!(WORKFLOW.input("customerId").map(|f| f.json_type), Some(JsonType::String));
//! assert!(WORKFLOW.required_inputs().all(|f| !f.secret));
//! ```

use std::fmt;

/// A compiled workflow, described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workflow {
    /// The `workflowId`.
    pub id: &'static str,
    /// The workflow's `summary`, when it has one.
    pub summary: Option<&'static str>,
    /// The workflow's `description`, when it has one.
    pub description: Option<&'static str>,
    /// The inputs (the fields of the generated `Inputs`), in document order.
    pub inputs: &'static [Field],
    /// The outputs (the fields of the generated `Outputs`), in document order.
    pub outputs: &'static [Field],
    /// The steps, in document order.
    pub steps: &'static [Step],
}

impl Workflow {
    /// The input whose JSON name is `name`.
    pub fn input(&self, name: &str) -> Option<&'static Field> {
        self.inputs.iter().find(|f| f.name == name)
    }

    /// The output whose name is `name`.
    pub fn output(&self, name: &str) -> Option<&'static Field> {
        self.outputs.iter().find(|f| f.name == name)
    }

    /// The step whose `stepId` is `id`.
    pub fn step(&self, id: &str) -> Option<&'static Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The inputs a run cannot do without.
    pub fn required_inputs(&self) -> impl Iterator<Item = &'static Field> {
        self.inputs.iter().filter(|f| f.required)
    }

    /// The inputs that carry secrets (API keys, tokens, passwords): a tool
    /// takes them from its own configuration and never prints them.
    pub fn secret_inputs(&self) -> impl Iterator<Item = &'static Field> {
        self.inputs.iter().filter(|f| f.secret)
    }
}

/// One input or output of a workflow: a field of the generated `Inputs` or
/// `Outputs` struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name in JSON and in the document (`customerId`).
    pub name: &'static str,
    /// The Rust field name (`customer_id`; `r#type` for a keyword).
    pub rust_name: &'static str,
    /// The Rust type of the field as written in the generated code
    /// (`String`, `Option<i64>`, `Vec<String>`, `types::Customer`).
    pub rust_type: &'static str,
    /// The JSON type of the value (for an optional field, of the value when present).
    pub json_type: JsonType,
    /// Whether the value must be present (the field is not an `Option`).
    pub required: bool,
    /// Whether it carries a secret (`format: password`, or flows into a
    /// credential): `Debug` shows it as `[redacted]`, tools must not print it.
    pub secret: bool,
    /// The description from the document or the schema, when there is one.
    pub description: Option<&'static str>,
}

/// The JSON type of a value (JSON Schema's `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// `string` (bytes too: they are sent as they are, never as JSON).
    String,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `array`.
    Array,
    /// `object`.
    Object,
    /// Any JSON value (a free-form schema, or one of several types).
    Any,
}

impl JsonType {
    /// JSON Schema's spelling: `string`, `integer`, ...; `any` for [`JsonType::Any`].
    pub const fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Any => "any",
        }
    }

    /// Whether `value` has this type (an integer is a number too; `null` has
    /// no type but [`JsonType::Any`]).
    pub fn matches(self, value: &serde_json::Value) -> bool {
        match self {
            JsonType::String => value.is_string(),
            JsonType::Integer => value.is_i64() || value.is_u64(),
            JsonType::Number => value.is_number(),
            JsonType::Boolean => value.is_boolean(),
            JsonType::Array => value.is_array(),
            JsonType::Object => value.is_object(),
            JsonType::Any => true,
        }
    }

    /// Reads a value of this type from command-line text: a string is the text
    /// as is (unless it is a quoted JSON string, which is unquoted); any other
    /// type is parsed as JSON, and text that is not JSON is kept as a string
    /// (so that deserializing it into the typed inputs names the input).
    pub fn parse_text(self, text: &str) -> serde_json::Value {
        use serde_json::Value;
        let parsed = serde_json::from_str::<Value>(text).ok();
        match (self, parsed) {
            (JsonType::String, Some(Value::String(s))) => Value::String(s),
            (JsonType::String, _) | (_, None) => Value::String(text.to_owned()),
            (_, Some(v)) => v,
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The `stepId`.
    pub id: &'static str,
    /// The step's `description`, when it has one.
    pub description: Option<&'static str>,
    /// What the step calls.
    pub target: StepTarget,
}

/// What a step calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTarget {
    /// An HTTP operation of an OpenAPI description.
    Operation(Operation),
    /// Another workflow (of this document or another one).
    Workflow {
        /// Its `workflowId`.
        workflow_id: &'static str,
    },
    /// A message sent or received on an AsyncAPI channel (Arazzo 1.1).
    Message(Message),
}

/// An HTTP operation a step calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The source description's name (`ClientBuilder::server` takes it).
    pub source: &'static str,
    /// The `operationId`, when the operation has one.
    pub operation_id: Option<&'static str>,
    /// The HTTP method, upper case (`POST`).
    pub method: &'static str,
    /// The OpenAPI path template (`/customers/{customerId}`).
    pub path: &'static str,
}

/// A message an event-driven step sends or receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The AsyncAPI source description's name.
    pub source: &'static str,
    /// The AsyncAPI operation id, or the channel key of a `channelPath` step.
    pub operation: &'static str,
    /// Whether the step sends or receives.
    pub action: MessageAction,
    /// The channel address.
    pub channel: &'static str,
}

/// Whether an event-driven step sends or receives its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageAction {
    /// `send`: publishes a message.
    Send,
    /// `receive`: waits for a message.
    Receive,
}

impl MessageAction {
    /// The spelling in documents: `send` or `receive`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MessageAction::Send => "send",
            MessageAction::Receive => "receive",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_types_match_and_parse_text() {
        assert!(JsonType::Number.matches(&json!(3)));
        assert!(!JsonType::Integer.matches(&json!(3.5)));
        assert!(!JsonType::String.matches(&json!(null)));
        assert!(JsonType::Any.matches(&json!(null)));
        assert_eq!(JsonType::String.parse_text("123"), json!("123"));
        assert_eq!(JsonType::String.parse_text("\"quoted\""), json!("quoted"));
        assert_eq!(
            JsonType::Integer.parse_text("1700000000000"),
            json!(1_700_000_000_000_i64)
        );
        assert_eq!(
            JsonType::Array.parse_text(r#"["a","b"]"#),
            json!(["a", "b"])
        );
        assert_eq!(JsonType::Number.parse_text("lots"), json!("lots"));
        assert_eq!(JsonType::Any.parse_text("true"), json!(true));
        assert_eq!(JsonType::Object.to_string(), "object");
    }
}

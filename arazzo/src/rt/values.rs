//! Typed values at the boundaries of generated code: step outputs computed
//! from expressions, workflow outputs, inputs of workflows started by a step,
//! request body replacements, and the `Debug` placeholder for secrets.

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

use super::StepInfo;
use crate::error::truncate_str;
use crate::Error;

/// Longest decoder message put into an error.
const MESSAGE: usize = 200;

/// Decodes a step output computed from an expression into its generated type.
///
/// `null` for a non-optional type is [`Error::MissingOutput`]; any other
/// mismatch is [`Error::Decode`].
pub fn decode<T: DeserializeOwned>(
    info: &'static StepInfo,
    output: &str,
    value: Value,
) -> Result<T, Error> {
    let was_null = value.is_null();
    serde_json::from_value(value).map_err(|e| {
        if was_null {
            Error::MissingOutput {
                workflow: info.workflow,
                step: info.step,
                operation: info.operation,
                output: output.to_owned(),
                pointer: String::new(),
            }
        } else {
            Error::Decode {
                workflow: info.workflow,
                step: info.step,
                operation: info.operation,
                output: output.to_owned(),
                pointer: String::new(),
                message: truncate_str(&e.to_string(), MESSAGE).to_owned(),
            }
        }
    })
}

/// Decodes a workflow output into its generated type.
pub fn decode_output<T: DeserializeOwned>(
    workflow: &'static str,
    output: &str,
    value: Value,
) -> Result<T, Error> {
    let was_null = value.is_null();
    serde_json::from_value(value).map_err(|e| Error::WorkflowOutput {
        workflow,
        output: output.to_owned(),
        message: if was_null {
            "no value (the step it comes from did not run)".to_owned()
        } else {
            truncate_str(&e.to_string(), MESSAGE).to_owned()
        },
    })
}

/// A required workflow output read as a typed field of a step's outputs:
/// `None` when that step did not run.
///
/// # Errors
///
/// [`Error::WorkflowOutput`] when `value` is `None`.
pub fn require_output<T>(
    workflow: &'static str,
    output: &str,
    value: Option<T>,
) -> Result<T, Error> {
    value.ok_or_else(|| Error::WorkflowOutput {
        workflow,
        output: output.to_owned(),
        message: "no value (the step it comes from did not run)".to_owned(),
    })
}

/// The inputs of a `dependsOn` workflow, taken from the caller's inputs by name.
pub fn decode_workflow_inputs<T: DeserializeOwned>(
    workflow: &'static str,
    target: &'static str,
    inputs: &Value,
) -> Result<T, Error> {
    serde_json::from_value(inputs.clone()).map_err(|e| Error::InvalidInputs {
        workflow,
        target,
        message: truncate_str(&e.to_string(), MESSAGE).to_owned(),
    })
}

/// Applies a payload replacement: sets the value at an RFC 6901 `pointer`,
/// creating objects on the way; an array index past the end appends. A pointer
/// that cannot be applied (through a scalar) leaves the body unchanged.
pub fn replace(body: &mut Value, pointer: &str, value: Value) {
    if pointer.is_empty() {
        *body = value;
        return;
    }
    let tokens: Vec<String> = pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    let mut cur = body;
    for t in parents {
        if cur.is_null() {
            *cur = Value::Object(serde_json::Map::new());
        }
        cur = match cur {
            Value::Object(m) => m
                .entry(t.clone())
                .or_insert_with(|| Value::Object(serde_json::Map::new())),
            Value::Array(items) => match t.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    if cur.is_null() {
        *cur = Value::Object(serde_json::Map::new());
    }
    match cur {
        Value::Object(m) => {
            m.insert(last.clone(), value);
        }
        Value::Array(items) => match last.parse::<usize>() {
            Ok(i) => match items.get_mut(i) {
                Some(slot) => *slot = value,
                None => items.push(value),
            },
            Err(_) if last == "-" => items.push(value),
            Err(_) => {}
        },
        _ => {}
    }
}

/// Applies an input's schema `default`: sets `key` of the inputs object when it is absent or null.
pub fn set_default(inputs: &mut Value, key: &str, default: Value) {
    if let Value::Object(m) = inputs {
        let slot = m.entry(key.to_owned()).or_insert(Value::Null);
        if slot.is_null() {
            *slot = default;
        }
    }
}

/// Printed by generated `Debug` implementations in place of a secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(super::redacted())
    }
}

/// Printed by generated `Debug` implementations in place of a bytes field
/// (`Vec<u8>`, or `Option<Vec<u8>>`): its length, not its content.
pub struct ByteCount<'a, T: ?Sized>(pub &'a T);

impl fmt::Debug for ByteCount<'_, Vec<u8>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

impl fmt::Debug for ByteCount<'_, Option<Vec<u8>>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(b) => f.debug_tuple("Some").field(&ByteCount(b)).finish(),
            None => f.write_str("None"),
        }
    }
}

/// `skip_serializing_if` of a body member that borrows an `Option`: left
/// out when `None`.
#[allow(clippy::ref_option_ref, clippy::trivially_copy_pass_by_ref)]
pub fn skip_none<T>(value: &&Option<T>) -> bool {
    value.is_none()
}

/// `skip_serializing_if` of a body member computed as JSON: left out when null.
pub fn skip_null(value: &serde_json::Value) -> bool {
    value.is_null()
}

/// `skip_serializing_if` of a body member that borrows a free-form JSON
/// value: left out when null.
#[allow(clippy::trivially_copy_pass_by_ref)]
pub fn skip_null_ref(value: &&serde_json::Value) -> bool {
    value.is_null()
}

/// A typed value that is bytes (a `Vec<u8>` input or step output, possibly
/// optional), read as the body or part to send.
pub trait BytesValue {
    /// The bytes to send; `None` when the value is absent (nothing is sent).
    fn to_bytes(&self) -> Option<Vec<u8>>;
}

impl BytesValue for Vec<u8> {
    fn to_bytes(&self) -> Option<Vec<u8>> {
        Some(self.clone())
    }
}

impl<T: BytesValue> BytesValue for Option<T> {
    fn to_bytes(&self) -> Option<Vec<u8>> {
        self.as_ref().and_then(BytesValue::to_bytes)
    }
}

impl<T: BytesValue + ?Sized> BytesValue for &T {
    fn to_bytes(&self) -> Option<Vec<u8>> {
        (**self).to_bytes()
    }
}

/// Bytes carried through JSON (a `Vec<u8>` serializes as an array of numbers):
/// the array's bytes, a string's UTF-8 bytes; `None` for null or anything else.
pub fn bytes_from_json(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::String(text) => Some(text.clone().into_bytes()),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect(),
        _ => None,
    }
}

/// `Some(value)`: the outputs of a workflow a step ran, as the generated
/// criteria and outputs of that step read them (`None` when it failed).
pub fn present<T>(value: &T) -> Option<&T> {
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static INFO: StepInfo = StepInfo {
        workflow: "w",
        step: "s",
        operation: "op",
        source: "api",
        default_server: "http://localhost",
        method: "GET",
        path: "/",
    };

    #[test]
    fn decode_reports_missing_and_wrong_shape() {
        assert_eq!(decode::<i64>(&INFO, "n", json!(3)).unwrap(), 3);
        assert_eq!(
            decode::<Option<i64>>(&INFO, "n", Value::Null).unwrap(),
            None
        );
        assert!(matches!(
            decode::<i64>(&INFO, "n", Value::Null),
            Err(Error::MissingOutput { .. })
        ));
        assert!(matches!(
            decode::<i64>(&INFO, "n", json!("x")),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            decode_output::<String>("w", "o", Value::Null),
            Err(Error::WorkflowOutput { .. })
        ));
    }

    #[test]
    fn replace_sets_creates_and_appends() {
        let mut v = json!({"a": {"b": 1}, "list": [1, 2]});
        replace(&mut v, "/a/b", json!(2));
        replace(&mut v, "/c/d", json!("x"));
        replace(&mut v, "/list/5", json!(3));
        replace(&mut v, "/list/0", json!(0));
        replace(&mut v, "/a~1b", json!(true));
        assert_eq!(
            v,
            json!({"a": {"b": 2}, "c": {"d": "x"}, "list": [0, 2, 3], "a/b": true})
        );
    }

    #[test]
    fn defaults_fill_absent_and_null_only() {
        let mut v = json!({"a": 1, "b": null});
        set_default(&mut v, "a", json!(9));
        set_default(&mut v, "b", json!(2));
        set_default(&mut v, "c", json!(3));
        assert_eq!(v, json!({"a": 1, "b": 2, "c": 3}));
    }

    #[test]
    fn redacted_debug() {
        assert_eq!(format!("{:?}", Redacted), "[redacted]");
        assert_eq!(format!("{:?}", ByteCount(&vec![1u8, 2, 3])), "<3 bytes>");
        assert_eq!(
            format!("{:?}", ByteCount(&Some(vec![0u8; 2048]))),
            "Some(<2048 bytes>)"
        );
        assert_eq!(format!("{:?}", ByteCount(&None::<Vec<u8>>)), "None");
    }

    #[test]
    fn bytes_values() {
        let input: Vec<u8> = vec![0, 255];
        assert_eq!(BytesValue::to_bytes(&input), Some(vec![0, 255]));
        let absent: Option<Vec<u8>> = None;
        assert_eq!(BytesValue::to_bytes(&absent), None);
        let step: Option<&Option<Vec<u8>>> = Some(&Some(vec![7]));
        assert_eq!(BytesValue::to_bytes(&step), Some(vec![7]));
        assert_eq!(bytes_from_json(&json!([1, 2, 255])), Some(vec![1, 2, 255]));
        assert_eq!(bytes_from_json(&json!([1, 256])), None);
        assert_eq!(
            bytes_from_json(&json!("hé")),
            Some("hé".as_bytes().to_vec())
        );
        assert_eq!(bytes_from_json(&json!(null)), None);
        assert_eq!(present(&3), Some(&3));
    }
}

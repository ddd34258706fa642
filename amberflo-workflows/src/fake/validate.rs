//! Hand-written request validation helpers for the fake Amberflo server.
//!
//! Each helper checks one field of a JSON object against the OpenAPI
//! description and produces a 400 [`ApiError`] naming the offending field.
//! JSON `null` in an optional field is treated as if the field were absent;
//! `null` in a required field is reported as missing.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::ApiError;

/// A JSON object being validated, with the path prefix used in messages.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Obj<'a> {
    /// Wraps `value`, which must be a JSON object; `what` names it in errors.
    pub(crate) fn new(value: &'a Value, what: &str) -> Result<Self, ApiError> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                prefix: if what.is_empty() {
                    String::new()
                } else {
                    format!("{what}.")
                },
            }),
            _ => Err(ApiError::bad_request(format!(
                "{} must be a JSON object",
                if what.is_empty() {
                    "request body"
                } else {
                    what
                }
            ))),
        }
    }

    /// The full, prefixed name of `field`.
    pub(crate) fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn get(&self, field: &str) -> Option<&'a Value> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn missing(&self, field: &str) -> ApiError {
        ApiError::bad_request(format!("missing required field `{}`", self.name(field)))
    }

    fn wrong_type(&self, field: &str, expected: &str) -> ApiError {
        ApiError::bad_request(format!("field `{}` must be {expected}", self.name(field)))
    }

    /// An optional string field.
    pub(crate) fn opt_str(&self, field: &str) -> Result<Option<String>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong_type(field, "a string")),
        }
    }

    /// A required string field.
    pub(crate) fn req_str(&self, field: &str) -> Result<String, ApiError> {
        self.opt_str(field)?.ok_or_else(|| self.missing(field))
    }

    /// An optional number field.
    pub(crate) fn opt_f64(&self, field: &str) -> Result<Option<f64>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.wrong_type(field, "a number")),
            Some(_) => Err(self.wrong_type(field, "a number")),
        }
    }

    /// A required number field.
    pub(crate) fn req_f64(&self, field: &str) -> Result<f64, ApiError> {
        self.opt_f64(field)?.ok_or_else(|| self.missing(field))
    }

    /// An optional 64-bit integer field.
    pub(crate) fn opt_i64(&self, field: &str) -> Result<Option<i64>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong_type(field, "a 64-bit integer")),
            Some(_) => Err(self.wrong_type(field, "an integer")),
        }
    }

    /// A required 64-bit integer field.
    pub(crate) fn req_i64(&self, field: &str) -> Result<i64, ApiError> {
        self.opt_i64(field)?.ok_or_else(|| self.missing(field))
    }

    /// An optional boolean field.
    pub(crate) fn opt_bool(&self, field: &str) -> Result<Option<bool>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong_type(field, "a boolean")),
        }
    }

    /// An optional string field restricted to `allowed`.
    pub(crate) fn opt_enum(
        &self,
        field: &str,
        allowed: &[&str],
    ) -> Result<Option<String>, ApiError> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(s) if allowed.contains(&s.as_str()) => Ok(Some(s)),
            Some(s) => Err(ApiError::bad_request(format!(
                "field `{}` must be one of {} (got {s:?})",
                self.name(field),
                allowed.join(", ")
            ))),
        }
    }

    /// A required string field restricted to `allowed`.
    pub(crate) fn req_enum(&self, field: &str, allowed: &[&str]) -> Result<String, ApiError> {
        self.opt_enum(field, allowed)?
            .ok_or_else(|| self.missing(field))
    }

    /// An optional array-of-strings field.
    pub(crate) fn opt_str_vec(&self, field: &str) -> Result<Option<Vec<String>>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(self.wrong_type(field, "an array of strings")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.wrong_type(field, "an array of strings")),
        }
    }

    /// An optional object-of-strings field.
    pub(crate) fn opt_str_map(
        &self,
        field: &str,
    ) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(self.wrong_type(field, "an object whose values are strings")),
                })
                .collect::<Result<BTreeMap<_, _>, _>>()
                .map(Some),
            Some(_) => Err(self.wrong_type(field, "an object whose values are strings")),
        }
    }

    /// An optional object-of-string-arrays field.
    pub(crate) fn opt_str_vec_map(
        &self,
        field: &str,
    ) -> Result<Option<BTreeMap<String, Vec<String>>>, ApiError> {
        let expected = "an object whose values are arrays of strings";
        match self.get(field) {
            None => Ok(None),
            Some(Value::Object(map)) => {
                let mut out = BTreeMap::new();
                for (k, v) in map {
                    let Value::Array(items) = v else {
                        return Err(self.wrong_type(field, expected));
                    };
                    let mut values = Vec::with_capacity(items.len());
                    for item in items {
                        let Value::String(s) = item else {
                            return Err(self.wrong_type(field, expected));
                        };
                        values.push(s.clone());
                    }
                    out.insert(k.clone(), values);
                }
                Ok(Some(out))
            }
            Some(_) => Err(self.wrong_type(field, expected)),
        }
    }

    /// An optional nested object field.
    pub(crate) fn opt_obj(&self, field: &str) -> Result<Option<Obj<'a>>, ApiError> {
        match self.get(field) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => Obj::new(v, &self.name(field)).map(Some),
            Some(_) => Err(self.wrong_type(field, "an object")),
        }
    }
}

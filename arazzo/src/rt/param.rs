//! [`ParamValue`]: the values a parameter can be set from, typed or JSON.
//!
//! Generated code passes the typed fields of `Inputs` and step outputs
//! (`&inputs.meter_api_name`) straight to the [`Request`](super::Request)
//! parameter methods; free-form values and computed ones arrive as
//! [`serde_json::Value`]. Both serialize the same way.

use serde_json::Value;

/// How a value becomes the text of a `simple`-style parameter (path,
/// header, cookie).
pub enum Text {
    /// Null or `None`: the parameter is left out.
    Absent,
    /// The text.
    Present(String),
}

/// A value a request parameter can be set from.
pub trait ParamValue {
    /// The `simple`-style text: scalars as is, arrays of scalars comma-joined.
    ///
    /// # Errors
    ///
    /// A short reason when the value cannot be written this way (an object,
    /// a nested array).
    fn simple(&self) -> Result<Text, &'static str>;

    /// The `simple`-style text when the value already holds it as a string
    /// (no allocation); `None` otherwise, and [`simple`](ParamValue::simple)
    /// is used.
    fn simple_str(&self) -> Option<&str> {
        None
    }

    /// The `form`-style, exploded query pairs of parameter `name`: one per
    /// scalar, one per array item, one per object member.
    ///
    /// # Errors
    ///
    /// A short reason for nested arrays and objects.
    fn query_pairs(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), &'static str> {
        match self.simple()? {
            Text::Absent => {}
            Text::Present(text) => out.push((name.to_owned(), text)),
        }
        Ok(())
    }
}

/// Scalar text of a JSON value: strings as is, numbers and booleans via `to_string`.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

const NESTED: &str = "nested arrays and objects cannot be serialized in a query";

impl ParamValue for Value {
    fn simple_str(&self) -> Option<&str> {
        self.as_str()
    }

    fn simple(&self) -> Result<Text, &'static str> {
        match self {
            Value::Null => Ok(Text::Absent),
            Value::Array(items) => items
                .iter()
                .map(|item| {
                    scalar_text(item).ok_or("array items must be strings, numbers or booleans")
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| Text::Present(parts.join(","))),
            Value::Object(_) => Err("an object cannot be serialized here"),
            scalar => scalar_text(scalar)
                .map(Text::Present)
                .ok_or("unsupported value"),
        }
    }

    fn query_pairs(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), &'static str> {
        match self {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    match scalar_text(item) {
                        Some(text) => out.push((name.to_owned(), text)),
                        None if item.is_null() => {}
                        None => return Err(NESTED),
                    }
                }
            }
            Value::Object(members) => {
                for (key, item) in members {
                    match scalar_text(item) {
                        Some(text) => out.push((key.clone(), text)),
                        None if item.is_null() => {}
                        None => return Err(NESTED),
                    }
                }
            }
            scalar => {
                if let Some(text) = scalar_text(scalar) {
                    out.push((name.to_owned(), text));
                }
            }
        }
        Ok(())
    }
}

impl ParamValue for str {
    fn simple(&self) -> Result<Text, &'static str> {
        Ok(Text::Present(self.to_owned()))
    }
    fn simple_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl ParamValue for String {
    fn simple(&self) -> Result<Text, &'static str> {
        Ok(Text::Present(self.clone()))
    }
    fn simple_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl ParamValue for bool {
    fn simple(&self) -> Result<Text, &'static str> {
        Ok(Text::Present(self.to_string()))
    }
}

macro_rules! integer_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn simple(&self) -> Result<Text, &'static str> {
                Ok(Text::Present(self.to_string()))
            }
        }
    )*};
}
integer_param!(i32, i64, u32, u64);

impl ParamValue for f64 {
    /// Written as JSON writes it (`3.0`, `0.5`), as a [`Value`] number would be.
    fn simple(&self) -> Result<Text, &'static str> {
        serde_json::Number::from_f64(*self)
            .map(|n| Text::Present(n.to_string()))
            .ok_or("a number that is NaN or infinite cannot be sent")
    }
}

impl ParamValue for f32 {
    fn simple(&self) -> Result<Text, &'static str> {
        f64::from(*self).simple()
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn simple(&self) -> Result<Text, &'static str> {
        (**self).simple()
    }
    fn simple_str(&self) -> Option<&str> {
        (**self).simple_str()
    }
    fn query_pairs(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), &'static str> {
        (**self).query_pairs(name, out)
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn simple(&self) -> Result<Text, &'static str> {
        match self {
            None => Ok(Text::Absent),
            Some(v) => v.simple(),
        }
    }
    fn simple_str(&self) -> Option<&str> {
        self.as_ref().and_then(ParamValue::simple_str)
    }
    fn query_pairs(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), &'static str> {
        match self {
            None => Ok(()),
            Some(v) => v.query_pairs(name, out),
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn simple(&self) -> Result<Text, &'static str> {
        let mut parts = Vec::with_capacity(self.len());
        for item in self {
            match item.simple()? {
                Text::Absent => {}
                Text::Present(text) => parts.push(text),
            }
        }
        Ok(Text::Present(parts.join(",")))
    }
    fn query_pairs(&self, name: &str, out: &mut Vec<(String, String)>) -> Result<(), &'static str> {
        for item in self {
            match item.simple()? {
                Text::Absent => {}
                Text::Present(text) => out.push((name.to_owned(), text)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type Case = (Box<dyn Fn() -> Result<Text, &'static str>>, Value);

    fn text(v: &dyn Fn() -> Result<Text, &'static str>) -> Option<String> {
        match v() {
            Ok(Text::Present(t)) => Some(t),
            _ => None,
        }
    }

    #[test]
    fn typed_values_write_as_their_json_would() {
        let cases: Vec<Case> = vec![
            (Box::new(|| "a b".to_owned().simple()), json!("a b")),
            (Box::new(|| 3i64.simple()), json!(3)),
            (Box::new(|| 3.0f64.simple()), json!(3.0)),
            (Box::new(|| 0.5f64.simple()), json!(0.5)),
            (Box::new(|| true.simple()), json!(true)),
            (Box::new(|| vec![1i64, 2].simple()), json!([1, 2])),
            (Box::new(|| Some("x".to_owned()).simple()), json!("x")),
        ];
        for (typed, value) in cases {
            assert_eq!(text(&*typed), text(&|| value.simple()), "{value}");
        }
        assert!(matches!(None::<String>.simple(), Ok(Text::Absent)));
        assert!(f64::NAN.simple().is_err());
        let mut pairs = Vec::new();
        vec!["a".to_owned(), "b".to_owned()]
            .query_pairs("t", &mut pairs)
            .ok();
        assert_eq!(pairs, [("t".into(), "a".into()), ("t".into(), "b".into())]);
    }
}

//! Arazzo runtime-expression and criteria semantics over [`serde_json::Value`].
//!
//! Values of runtime expressions (`$inputs.x`, `$response.body#/id`,
//! `$statusCode`, ...) are plain [`Value`]s. The comparison helpers implement
//! the Arazzo "simple" condition semantics:
//!
//! * numbers compare numerically (`200 == 200.0`);
//! * a number and a numeric string compare numerically (a header `"200"`
//!   equals `200`);
//! * strings compare case-insensitively (Arazzo: "String comparisons MUST be
//!   case insensitive");
//! * booleans and null compare by value; a boolean also equals the strings
//!   `"true"`/`"false"` (in any case), since header values are always strings;
//! * arrays and objects compare structurally with the same rules.
//!
//! Logical operators: generated code combines [`truthy`] results with Rust's
//! `&&`, `||` and `!` (so `&&`/`||` short-circuit); [`not`] exists for
//! expressions whose negation must stay a [`Value`].
//!
//! None of these functions panics, whatever the input.

use serde_json::Value;

/// RFC 6901 JSON pointer lookup; [`Value::Null`] when absent.
///
/// `""` is the whole value. A pointer in URI-fragment form (`"#/a/b"`, as in
/// `$response.body#/a/b`) is accepted too: the `#` is dropped and the rest
/// percent-decoded.
pub fn pointer(value: &Value, pointer: &str) -> Value {
    lookup(value, pointer).cloned().unwrap_or(Value::Null)
}

/// Like [`pointer`] but borrowing; `None` when absent.
pub(crate) fn lookup<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    match pointer.strip_prefix('#') {
        Some(fragment) => {
            let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
            value.pointer(&decoded)
        }
        None => value.pointer(pointer),
    }
}

/// Serializes `value` into a [`Value`]; [`Value::Null`] if that fails
/// (which cannot happen for the types the macro generates).
pub fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A string parsed as a number, if it is one (surrounding whitespace allowed).
fn numeric_str(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Numeric view of a number or numeric string.
fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => numeric_str(s),
        _ => None,
    }
}

/// Exact comparison of two JSON numbers (integers exactly, else as f64).
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Equality with Arazzo semantics (see the [module docs](self)).
pub fn eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => s
            .trim()
            .eq_ignore_ascii_case(if *x { "true" } else { "false" }),
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Number(x), Value::String(s)) | (Value::String(s), Value::Number(x)) => {
            match (x.as_f64(), numeric_str(s)) {
                (Some(n), Some(m)) => n == m,
                _ => false,
            }
        }
        (Value::String(x), Value::String(y)) => x == y || fold(x) == fold(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|other| eq(v, other)))
        }
        _ => false,
    }
}

/// Inequality: `!eq(a, b)`.
pub fn ne(a: &Value, b: &Value) -> bool {
    !eq(a, b)
}

/// Ordering used by [`lt`], [`le`], [`gt`], [`ge`]: numeric when one side is
/// a number and the other a number or numeric string, or both are numeric
/// strings; otherwise case-insensitive lexicographic for two strings;
/// otherwise no ordering.
fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => match (numeric_str(x), numeric_str(y)) {
            (Some(n), Some(m)) => n.partial_cmp(&m),
            _ => Some(fold(x).cmp(&fold(y))),
        },
        (Value::Number(_), Value::Number(_) | Value::String(_))
        | (Value::String(_), Value::Number(_)) => match (as_number(a), as_number(b)) {
            (Some(n), Some(m)) => n.partial_cmp(&m),
            _ => None,
        },
        _ => None,
    }
}

/// `a < b` (see [`compare`](self) rules in the module docs); `false` when
/// the values are not comparable.
pub fn lt(a: &Value, b: &Value) -> bool {
    compare(a, b).is_some_and(|o| o.is_lt())
}

/// `a <= b`; `false` when the values are not comparable.
pub fn le(a: &Value, b: &Value) -> bool {
    compare(a, b).is_some_and(|o| o.is_le())
}

/// `a > b`; `false` when the values are not comparable.
pub fn gt(a: &Value, b: &Value) -> bool {
    compare(a, b).is_some_and(|o| o.is_gt())
}

/// `a >= b`; `false` when the values are not comparable.
pub fn ge(a: &Value, b: &Value) -> bool {
    compare(a, b).is_some_and(|o| o.is_ge())
}

/// Truthiness of a value used as a condition: `Bool(b)` is `b`, null is
/// false, a number is true when non-zero, a string when non-empty, arrays
/// and objects are always true.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Logical negation as a value: `Bool(!truthy(v))`.
pub fn not(v: &Value) -> Value {
    Value::Bool(!truthy(v))
}

/// `base[index]`: an array element (index a non-negative integer or a
/// numeric string) or an object member (index a string, or a number used
/// as its decimal text). [`Value::Null`] when absent.
pub fn index(base: &Value, index: &Value) -> Value {
    match (base, index) {
        (Value::Array(items), Value::Number(n)) => n
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.get(i))
            .cloned()
            .unwrap_or(Value::Null),
        (Value::Array(items), Value::String(s)) => s
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i))
            .cloned()
            .unwrap_or(Value::Null),
        (Value::Object(map), Value::String(key)) => map.get(key).cloned().unwrap_or(Value::Null),
        (Value::Object(map), Value::Number(n)) => {
            map.get(&n.to_string()).cloned().unwrap_or(Value::Null)
        }
        _ => Value::Null,
    }
}

/// `base.name`: an object member. As a convenience, on an array `length`
/// gives its length and a decimal name gives that element. [`Value::Null`]
/// when absent.
pub fn member(base: &Value, name: &str) -> Value {
    match base {
        Value::Object(map) => map.get(name).cloned().unwrap_or(Value::Null),
        Value::Array(items) if name == "length" => Value::from(items.len()),
        Value::Array(_) => index(base, &Value::String(name.to_owned())),
        _ => Value::Null,
    }
}

/// Text of a scalar for matching and templates: strings as is, numbers and
/// booleans via `to_string`, null empty, arrays and objects as JSON text.
pub fn to_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) | Value::Object(_) => v.to_string(),
    }
}

/// Concatenation for string templates such as `"Bearer {$inputs.token}"`:
/// each value is converted with [`to_text`] (null becomes empty).
pub fn concat(values: &[Value]) -> String {
    values.iter().map(to_text).collect()
}

/// Whether `re` matches somewhere in `value` (strings as is, numbers and
/// booleans via `to_string`; null, arrays and objects never match).
fn regex_matches(re: &regex::Regex, value: &Value) -> bool {
    match value {
        Value::String(s) => re.is_match(s),
        Value::Number(n) => re.is_match(&n.to_string()),
        Value::Bool(b) => re.is_match(if *b { "true" } else { "false" }),
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

/// Criteria of type `regex`: whether `pattern` matches somewhere in the
/// value (strings as is, numbers and booleans as text), compiling the pattern on each call;
/// generated code uses [`regex_match_in`], which compiles it once. An invalid
/// pattern never matches.
pub fn regex_match(pattern: &str, value: &Value) -> bool {
    regex::Regex::new(pattern).is_ok_and(|re| regex_matches(&re, value))
}

/// A regular expression compiled on first use into a `static` of the
/// generated code (one per criterion); `None` when it does not compile
/// (normally rejected at build time).
pub type RegexCell = std::sync::OnceLock<Option<regex::Regex>>;

/// A JSONPath query compiled on first use into a `static` of the generated
/// code (one per criterion or selector).
pub type JsonPathCell = std::sync::OnceLock<Option<serde_json_path::JsonPath>>;

/// As [`regex_match`], with the pattern compiled once into `cell` (no lock,
/// no map lookup on later calls).
pub fn regex_match_in(cell: &'static RegexCell, pattern: &str, value: &Value) -> bool {
    cell.get_or_init(|| regex::Regex::new(pattern).ok())
        .as_ref()
        .is_some_and(|re| regex_matches(re, value))
}

/// Criteria of type `jsonpath` (RFC 9535): whether `query` selects at least
/// one node of `value`, parsing the query on each call; generated code uses
/// [`jsonpath_match_in`]. An invalid query, or one nested deeper than
/// [`MAX_NESTING`], selects nothing.
pub fn jsonpath_match(query: &str, value: &Value) -> bool {
    parse_jsonpath(query).is_some_and(|p| !p.query(value).is_empty())
}

/// As [`jsonpath_match`], with the query compiled once into `cell`.
pub fn jsonpath_match_in(cell: &'static JsonPathCell, query: &str, value: &Value) -> bool {
    cell.get_or_init(|| parse_jsonpath(query))
        .as_ref()
        .is_some_and(|path| !path.query(value).is_empty())
}

/// The deepest nesting of brackets `(`, `[` and `{` in `text` (a JSONPath
/// query, a regular expression), outside string literals quoted with `'` or
/// `"` (where `\` escapes the next character). Counted without recursion,
/// in one pass, whatever the text.
///
/// The compiler has its own quote-aware scan (`arazzo_compiler::condition::jsonpath_unquoted`)
/// for the queries it checks: the runtime must not depend on the compiler, so the two stay
/// apart.
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in unquoted(text) {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The characters of `text` outside string literals quoted with `'` or `"` (where `\\`
/// escapes the next character); the quotes themselves are left out too.
fn unquoted(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    text.chars().filter(move |&c| {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None => return true,
        }
        false
    })
}

/// How deeply a JSONPath query or a regular expression handled at run time
/// may nest (see [`nesting_depth`]): deeper text is refused before it reaches
/// a recursive parser, whose stack it could exhaust (a stack overflow aborts
/// the whole process; it cannot be caught).
pub const MAX_NESTING: usize = 64;

/// The deepest nesting of filter selectors (`[?...]`) in a JSONPath query, outside string
/// literals: the JSONPath parser's time doubles with each level of filters inside filters.
/// (The compiler bounds documents the same way; the runtime does not depend on it.)
pub fn filter_nesting(query: &str) -> usize {
    let mut open: Vec<bool> = Vec::new();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in unquoted(query) {
        match c {
            '[' | '(' => open.push(false),
            // Closing a filter's bracket leaves that filter.
            ']' | ')' => depth -= usize::from(open.pop() == Some(true)),
            '?' => {
                if let Some(filter @ false) = open.last_mut() {
                    *filter = true;
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

/// How deeply filter selectors of a JSONPath query handled at run time may nest
/// (see [`filter_nesting`]); deeper queries select nothing.
pub const MAX_FILTER_NESTING: usize = 6;

/// A JSONPath query parsed, unless it is invalid, nested deeper than [`MAX_NESTING`], or
/// with filters nested deeper than [`MAX_FILTER_NESTING`].
fn parse_jsonpath(query: &str) -> Option<serde_json_path::JsonPath> {
    if nesting_depth(query) > MAX_NESTING || filter_nesting(query) > MAX_FILTER_NESTING {
        tracing::debug!(
            limit = MAX_NESTING,
            filter_limit = MAX_FILTER_NESTING,
            "JSONPath query nested too deeply: refused"
        );
        return None;
    }
    serde_json_path::JsonPath::parse(query).ok()
}

/// One piece of a regex or JSONPath condition with embedded runtime
/// expressions (Arazzo 1.1), as generated code passes it to [`embedded_match`].
#[derive(Debug, Clone, PartialEq)]
pub enum Embedded<'a> {
    /// Text of the document, used as written.
    Text(&'a str),
    /// The value of an embedded `{$...}` expression: always a literal, never query
    /// or pattern syntax.
    Value(Value),
}

/// A regex or JSONPath criterion whose condition embeds runtime expressions
/// (Arazzo 1.1): whether the condition assembled from `parts` matches `value`.
///
/// A substituted value can never change the structure of the condition:
///
/// * in a JSONPath query, a value inside a string literal of the document
///   (`'{$inputs.name}'`) is escaped for that literal (quotes, backslashes and
///   control characters); elsewhere a string becomes a double-quoted string
///   literal, a number a number, a boolean or null itself; an array or an
///   object cannot be a literal, and fails the criterion;
/// * in a regular expression, a value is matched literally
///   ([`regex::escape`]).
///
/// A condition that is then invalid (the document's text around the value can
/// make one), a JSONPath query nested deeper than [`MAX_NESTING`] or a
/// pattern nested deeper than the regex crate allows, fails the criterion.
pub fn embedded_match(jsonpath: bool, parts: &[Embedded<'_>], value: &Value) -> bool {
    if jsonpath {
        jsonpath_with_values(parts).is_some_and(|query| jsonpath_match(&query, value))
    } else {
        let mut pattern = String::new();
        for part in parts {
            match part {
                Embedded::Text(text) => pattern.push_str(text),
                Embedded::Value(v) => pattern.push_str(&regex::escape(&to_text(v))),
            }
        }
        // The regex crate bounds nesting itself (and reports an error).
        regex_match(&pattern, value)
    }
}

/// The JSONPath query of `parts`, each value written as a literal (see
/// [`embedded_match`]); `None` when a value cannot be one.
fn jsonpath_with_values(parts: &[Embedded<'_>]) -> Option<String> {
    let mut query = String::new();
    // The string literal of the document the text so far ends in, if any.
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for part in parts {
        match part {
            Embedded::Text(text) => {
                query.push_str(text);
                for c in text.chars() {
                    match quote {
                        Some(_) if escaped => escaped = false,
                        Some(_) if c == '\\' => escaped = true,
                        Some(q) if c == q => quote = None,
                        Some(_) => {}
                        None if c == '\'' || c == '"' => quote = Some(c),
                        None => {}
                    }
                }
            }
            // A value right after a backslash would have its first character escaped.
            Embedded::Value(_) if escaped => return None,
            Embedded::Value(v) => match (quote, v) {
                (Some(q), _) => escape_jsonpath_string(&to_text(v), q, &mut query),
                (None, Value::String(s)) => {
                    query.push('"');
                    escape_jsonpath_string(s, '"', &mut query);
                    query.push('"');
                }
                (None, Value::Number(_) | Value::Bool(_) | Value::Null) => {
                    query.push_str(&v.to_string());
                }
                (None, Value::Array(_) | Value::Object(_)) => return None,
            },
        }
    }
    Some(query)
}

/// Appends `text` escaped for an RFC 9535 string literal quoted with `quote`:
/// the quote, backslashes and control characters are escaped.
fn escape_jsonpath_string(text: &str, quote: char, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// A JSONPath Selector Object (Arazzo 1.1, RFC 9535) applied to `value`: with
/// `singular` (a query of names and indices only) the node it selects, or null
/// when it selects none; otherwise the array of the nodes it selects, in order.
/// An invalid query (rejected at build time) selects nothing. Parses the query
/// on each call; generated code uses [`select_jsonpath_in`].
pub fn select_jsonpath(query: &str, singular: bool, value: &Value) -> Value {
    select(parse_jsonpath(query).as_ref(), singular, value)
}

/// As [`select_jsonpath`], with the query compiled once into `cell`.
pub fn select_jsonpath_in(
    cell: &'static JsonPathCell,
    query: &str,
    singular: bool,
    value: &Value,
) -> Value {
    select(
        cell.get_or_init(|| parse_jsonpath(query)).as_ref(),
        singular,
        value,
    )
}

fn select(path: Option<&serde_json_path::JsonPath>, singular: bool, value: &Value) -> Value {
    let Some(path) = path else {
        return if singular {
            Value::Null
        } else {
            Value::Array(Vec::new())
        };
    };
    let nodes = path.query(value);
    if singular {
        nodes.all().first().map_or(Value::Null, |v| (*v).clone())
    } else {
        Value::Array(nodes.all().into_iter().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equality() {
        assert!(eq(&json!(200), &json!(200.0)));
        assert!(eq(&json!("200"), &json!(200)));
        assert!(eq(&json!(200), &json!(" 200 ")));
        assert!(!eq(&json!("abc"), &json!(200)));
        assert!(eq(&json!("Active"), &json!("ACTIVE")));
        assert!(eq(&json!("ÄBC"), &json!("äbc")));
        assert!(!eq(&json!("a"), &json!("b")));
        assert!(eq(&json!(null), &json!(null)));
        assert!(!eq(&json!(null), &json!(0)));
        assert!(!eq(&json!(null), &json!("")));
        assert!(eq(&json!(true), &json!(true)));
        assert!(eq(&json!(true), &json!("TRUE")));
        assert!(!eq(&json!(false), &json!(0)));
        assert!(eq(&json!([1, "A"]), &json!([1.0, "a"])));
        assert!(!eq(&json!([1]), &json!([1, 2])));
        assert!(eq(&json!({"a": "X", "b": 1}), &json!({"b": 1, "a": "x"})));
        assert!(!eq(&json!({"a": 1}), &json!({"b": 1})));
        assert!(eq(&json!(u64::MAX), &json!(u64::MAX)));
        assert!(!eq(&json!(i64::MAX), &json!(i64::MAX - 1)));
        assert!(ne(&json!(1), &json!(2)));
        assert!(!ne(&json!("x"), &json!("X")));
    }

    #[test]
    fn ordering() {
        assert!(lt(&json!(1), &json!(2)));
        assert!(lt(&json!("10"), &json!(20)));
        assert!(
            lt(&json!("9"), &json!("10")),
            "numeric strings compare numerically"
        );
        assert!(le(&json!(2), &json!(2.0)));
        assert!(gt(&json!(3.5), &json!(3)));
        assert!(ge(&json!("b"), &json!("A")));
        assert!(lt(&json!("apple"), &json!("Banana")));
        assert!(!lt(&json!(null), &json!(1)));
        assert!(!gt(&json!(true), &json!(false)));
        assert!(!lt(&json!("x"), &json!(1)));
        assert!(!ge(&json!([1]), &json!([0])));
    }

    #[test]
    fn truthiness() {
        assert!(truthy(&json!(true)));
        assert!(!truthy(&json!(false)));
        assert!(!truthy(&json!(null)));
        assert!(!truthy(&json!(0)));
        assert!(truthy(&json!(0.5)));
        assert!(!truthy(&json!("")));
        assert!(truthy(&json!("false")));
        assert!(truthy(&json!([])));
        assert!(truthy(&json!({})));
        assert_eq!(not(&json!(null)), json!(true));
        assert_eq!(not(&json!(1)), json!(false));
    }

    #[test]
    fn indexing_and_members() {
        let v = json!({"items": [10, 20, 30], "m": {"1": "one"}});
        let items = member(&v, "items");
        assert_eq!(member(&items, "length"), json!(3));
        assert_eq!(member(&items, "1"), json!(20));
        assert_eq!(index(&items, &json!(2)), json!(30));
        assert_eq!(index(&items, &json!("0")), json!(10));
        assert_eq!(index(&items, &json!(3)), json!(null));
        assert_eq!(index(&items, &json!(-1)), json!(null));
        assert_eq!(index(&items, &json!(1.5)), json!(null));
        assert_eq!(index(&member(&v, "m"), &json!(1)), json!("one"));
        assert_eq!(index(&v, &json!("missing")), json!(null));
        assert_eq!(member(&json!(5), "x"), json!(null));
        assert_eq!(member(&v, "nope"), json!(null));
    }

    #[test]
    fn pointers() {
        let v = json!({"a": {"b c": [1, {"d": true}]}, "x/y": 1});
        assert_eq!(pointer(&v, "/a/b c/1/d"), json!(true));
        assert_eq!(pointer(&v, "#/a/b%20c/0"), json!(1));
        assert_eq!(pointer(&v, "/x~1y"), json!(1));
        assert_eq!(pointer(&v, "/missing"), json!(null));
        assert_eq!(pointer(&v, ""), v);
        assert_eq!(pointer(&v, "no-slash"), json!(null));
    }

    #[test]
    fn regexes() {
        assert!(regex_match("^2\\d\\d$", &json!(201)));
        assert!(regex_match("^ok", &json!("okay")));
        assert!(!regex_match("^ok", &json!("not ok")));
        assert!(regex_match("true", &json!(true)));
        assert!(!regex_match(".*", &json!(null)));
        assert!(!regex_match("(unclosed", &json!("(unclosed")));
        // Cached second use gives the same answer.
        assert!(regex_match("^ok", &json!("ok")));
    }

    #[test]
    fn jsonpaths() {
        let v = json!({"items": [{"id": 1, "state": "done"}, {"id": 2, "state": "new"}]});
        assert!(jsonpath_match("$.items[?@.state == 'done']", &v));
        assert!(!jsonpath_match("$.items[?@.state == 'gone']", &v));
        assert!(jsonpath_match("$.items[1].id", &v));
        assert!(!jsonpath_match("$.nothing", &v));
        assert!(!jsonpath_match("$[?", &v));
    }

    #[test]
    fn embedded_values_cannot_change_a_jsonpath_query() {
        use Embedded::{Text, Value as V};
        let v = json!([{"name": "alice", "n": 3}, {"name": "it's \"q\" \\ \n"}]);
        let quoted = |q: &str, value: Value| {
            embedded_match(
                true,
                &[
                    Text(&format!("$[?@.name == {q}")),
                    V(value),
                    Text(&format!("{q}]")),
                ],
                &v,
            )
        };
        // The injection of issue 30: the value stays one string literal.
        let injection = json!("nope' || @.name == @.name || @.x == 'y");
        assert!(!quoted("'", injection.clone()));
        assert!(!quoted(
            "\"",
            json!("nope\" || @.name == @.name || @.x == \"y")
        ));
        assert!(quoted("'", json!("alice")));
        assert!(!quoted("'", json!("Alice")), "a literal compares exactly");
        // Quotes, backslashes and control characters are escaped, not dropped.
        assert!(quoted("'", json!("it's \"q\" \\ \n")));
        assert!(quoted("\"", json!("it's \"q\" \\ \n")));
        // Outside quotes: a string is a string literal, a number a number.
        let bare = |value: Value, field: &str| {
            embedded_match(
                true,
                &[Text(&format!("$[?@.{field} == ")), V(value), Text("]")],
                &v,
            )
        };
        assert!(bare(json!("alice"), "name"));
        assert!(!bare(injection, "name"));
        assert!(!bare(json!("alice || @.name"), "name"));
        assert!(bare(json!(3), "n"));
        assert!(!bare(json!("3"), "n"), "a string never becomes a number");
        assert!(!bare(json!(4), "n"));
        assert!(!bare(json!([1]), "n"), "an array cannot be a literal");
        assert!(!bare(json!({"a": 1}), "n"));
        // A value right after a backslash of the document fails the criterion.
        assert!(!embedded_match(
            true,
            &[Text("$[?@.name == 'a\\"), V(json!("x")), Text("']")],
            &v
        ));
    }

    #[test]
    fn embedded_values_are_matched_literally_in_regexes() {
        use Embedded::{Text, Value as V};
        let pattern = |value: Value| [Text("^id-"), V(value), Text("$")];
        assert!(embedded_match(
            false,
            &pattern(json!("a.c")),
            &json!("id-a.c")
        ));
        assert!(!embedded_match(
            false,
            &pattern(json!("a.c")),
            &json!("id-abc")
        ));
        assert!(!embedded_match(
            false,
            &pattern(json!(".*")),
            &json!("id-anything")
        ));
        assert!(!embedded_match(false, &pattern(json!("x|")), &json!("id-")));
        assert!(embedded_match(false, &pattern(json!(12)), &json!("id-12")));
    }

    #[test]
    fn nested_filters_are_refused_before_parsing() {
        // Each level of filters inside filters doubles the parser's time: 35 levels ran for
        // minutes. Up to the limit they are parsed and applied; beyond it, refused at once.
        let v = json!([[[[[[[{"x": 1}]]]]]]]);
        let nested = |n: usize| format!("${}.x{}", "[?@".repeat(n), "]".repeat(n));
        assert_eq!(
            filter_nesting(&nested(MAX_FILTER_NESTING)),
            MAX_FILTER_NESTING
        );
        assert!(serde_json_path::JsonPath::parse(&nested(MAX_FILTER_NESTING)).is_ok());
        assert!(parse_jsonpath(&nested(MAX_FILTER_NESTING)).is_some());
        for n in [MAX_FILTER_NESTING + 1, 35] {
            assert_eq!(filter_nesting(&nested(n)), n);
            assert!(parse_jsonpath(&nested(n)).is_none());
            assert!(!jsonpath_match(&nested(n), &v));
        }
        assert_eq!(filter_nesting("$[?@.a == '[?@'][?@.b, ?@.c]"), 1);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let v = json!([{"a": 1}]);
        // 2 000 levels (as an input could make them) would exhaust the parser's
        // stack and abort the process; they are refused instead.
        for deep in [
            format!("$[?{}@.a == 1{}]", "(".repeat(2000), ")".repeat(2000)),
            format!("$[?{}@.a == 1]", "(".repeat(2000)),
            format!("${}", "[?@".repeat(2000)),
        ] {
            assert!(nesting_depth(&deep) > MAX_NESTING);
            assert!(!jsonpath_match(&deep, &v));
            assert_eq!(select_jsonpath(&deep, true, &v), Value::Null);
        }
        // Through an embedded value, whether quoted or not.
        let parens = json!("(".repeat(2000));
        for (before, after) in [("$[?", " == 1]"), ("$[?@.a == '", "']")] {
            assert!(!embedded_match(
                true,
                &[
                    Embedded::Text(before),
                    Embedded::Value(parens.clone()),
                    Embedded::Text(after)
                ],
                &v
            ));
        }
        let ok = format!(
            "$[?{}@.a == 1{}]",
            "(".repeat(MAX_NESTING - 1),
            ")".repeat(MAX_NESTING - 1)
        );
        assert!(jsonpath_match(&ok, &v));
        assert_eq!(nesting_depth("$['(((' , \"[[\\\"\"]"), 1);
        assert_eq!(nesting_depth("$[?(@.a[0] == 1)]"), 3);
        assert_eq!(nesting_depth(")))"), 0);
    }

    #[test]
    fn jsonpath_selectors() {
        let v = json!({"user": {"email": "a@b.c"}, "items": [{"id": 1}, {"id": 2}]});
        assert_eq!(select_jsonpath("$.user.email", true, &v), json!("a@b.c"));
        assert_eq!(select_jsonpath("$.missing", true, &v), Value::Null);
        assert_eq!(select_jsonpath("$.items[*].id", false, &v), json!([1, 2]));
        assert_eq!(select_jsonpath("$[", false, &v), json!([]));
    }

    #[test]
    fn templates() {
        assert_eq!(
            concat(&[
                json!("Bearer "),
                json!("tok"),
                json!(null),
                json!(1),
                json!(true)
            ]),
            "Bearer tok1true"
        );
        assert_eq!(to_text(&json!([1, 2])), "[1,2]");
        assert_eq!(to_value(&vec![1, 2]), json!([1, 2]));
    }
}

//! Schemas of the source descriptions as the checker reads them: a schema node with how
//! to resolve its `$ref`s (in the OpenAPI store or in the Arazzo document), the
//! [`Resolver`] that follows them, the flags and types a schema declares, and walking a
//! schema along a JSON pointer. The Rust types made from schemas are [`crate::types`].

use crate::openapi::{At, Store, MAX_REF_HOPS};
use crate::yaml::{Node, Value};

/// A schema node and how to resolve its `$ref`s.
#[derive(Clone, Copy, Debug)]
pub enum Schema<'a> {
    /// A schema inside an OpenAPI file of the store.
    Api(At<'a>),
    /// A schema inside the Arazzo document (`$ref: '#/components/inputs/x'`).
    Doc(&'a Node),
}

impl<'a> Schema<'a> {
    /// The node.
    pub fn node(&self) -> &'a Node {
        match self {
            Schema::Api(at) => at.node,
            Schema::Doc(n) => n,
        }
    }

    /// Another node of the same file or document (a subschema of this one).
    pub fn with(&self, node: &'a Node) -> Schema<'a> {
        match self {
            Schema::Api(at) => Schema::Api(At {
                file: at.file,
                node,
            }),
            Schema::Doc(_) => Schema::Doc(node),
        }
    }
}

/// True when the schema (or, through `$ref`, the schema it names) sets `flag: true`
/// (`readOnly`, `writeOnly`); a `$ref` sibling counts too (OpenAPI 3.1).
pub fn schema_flag(r: &Resolver<'_>, s: Schema<'_>, flag: &str) -> bool {
    let own = |n: &Node| n.get(flag).and_then(Node::as_bool) == Some(true);
    own(s.node()) || r.resolve(s).is_some_and(|(x, _)| own(x.node()))
}

/// True when a schema describes raw bytes rather than a JSON value: `type: string`
/// (or no type) with `format: binary` (OpenAPI 3.0), or a `contentMediaType` without a
/// `contentEncoding` (OpenAPI 3.1; with `contentEncoding: base64` the value is text).
pub fn is_binary(r: &Resolver<'_>, s: Schema<'_>) -> bool {
    let Some((s, _)) = r.resolve(s) else {
        return false;
    };
    let n = s.node();
    let types: Vec<&str> = schema_types(n)
        .into_iter()
        .filter(|t| *t != "null")
        .collect();
    if !(types.is_empty() || types == ["string"]) {
        return false;
    }
    n.get("format").and_then(Node::as_str) == Some("binary")
        || (n.get("contentMediaType").is_some() && n.get("contentEncoding").is_none())
}

/// Resolves `$ref`s of schemas from both kinds of documents.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    /// OpenAPI files.
    pub store: &'a Store,
    /// The Arazzo document root.
    pub doc: &'a Node,
}

impl<'a> Resolver<'a> {
    /// Follows `$ref`s; returns the target and the name of the last component schema passed.
    pub fn resolve(&self, s: Schema<'a>) -> Option<(Schema<'a>, Option<String>)> {
        match s {
            Schema::Api(at) => {
                let mut cur = at;
                let mut name = None;
                for _ in 0..MAX_REF_HOPS {
                    let Some(r) = cur.node.get("$ref").and_then(Node::as_str) else {
                        return Some((Schema::Api(cur), name));
                    };
                    name = ref_name(r);
                    cur = self.store.follow(cur.file, r)?;
                }
                None
            }
            Schema::Doc(n) => {
                let mut cur = n;
                let mut name = None;
                for _ in 0..MAX_REF_HOPS {
                    let Some(r) = cur.get("$ref").and_then(Node::as_str) else {
                        return Some((Schema::Doc(cur), name));
                    };
                    let frag = r.strip_prefix('#')?;
                    name = ref_name(r);
                    cur = self.doc.pointer(&crate::openapi::pointer_tokens(frag)?)?;
                }
                None
            }
        }
    }
}

fn ref_name(r: &str) -> Option<String> {
    let frag = r.split_once('#')?.1;
    let parts: Vec<&str> = frag.split('/').collect();
    match parts.as_slice() {
        ["", "components", "schemas" | "inputs", name] => Some((*name).to_owned()),
        ["", "definitions" | "$defs", name] => Some((*name).to_owned()),
        _ => None,
    }
}

/// The JSON `type`s a schema allows (`type: [a, b]` or `type: a`), empty when untyped.
pub fn schema_types(node: &Node) -> Vec<&str> {
    match node.get("type") {
        Some(t) => match &t.value {
            Value::Str(s) => vec![s.as_str()],
            Value::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// True when the schema allows `null` (`nullable: true` or a `null` type).
pub fn is_nullable(node: &Node) -> bool {
    node.get("nullable")
        .and_then(Node::as_bool)
        .unwrap_or(false)
        || schema_types(node).contains(&"null")
}

/// The `description` (or `title`) of a schema.
pub fn description(node: &Node) -> Option<String> {
    node.get("description")
        .or_else(|| node.get("title"))
        .and_then(Node::as_str)
        .map(str::to_owned)
}

/// Outcome of walking a schema along pointer tokens.
#[derive(Debug)]
pub enum Walk<'a> {
    /// The pointer lands on this schema; `optional` when some step may be absent.
    Found(Schema<'a>, bool),
    /// Somewhere along the way anything goes (untyped / additionalProperties / oneOf mix).
    Open(bool),
    /// Token `index` is not in the schema; the names that are.
    Missing {
        /// Index of the offending token.
        index: usize,
        /// Property names available at that point.
        available: Vec<String>,
    },
}

/// Walks `tokens` into `schema`, following `$ref`, `allOf`, `oneOf`/`anyOf`, properties, items.
pub fn walk<'a>(r: &Resolver<'a>, schema: Schema<'a>, tokens: &[String]) -> Walk<'a> {
    let mut cur = schema;
    let mut optional = false;
    for (i, t) in tokens.iter().enumerate() {
        match step_into(r, cur, t, 0) {
            Step::Into(next, opt) => {
                cur = next;
                optional |= opt;
            }
            Step::Open => return Walk::Open(true),
            Step::Missing(available) => {
                return Walk::Missing {
                    index: i,
                    available,
                }
            }
        }
    }
    Walk::Found(cur, optional)
}

enum Step<'a> {
    Into(Schema<'a>, bool),
    Open,
    Missing(Vec<String>),
}

fn step_into<'a>(r: &Resolver<'a>, s: Schema<'a>, token: &str, depth: usize) -> Step<'a> {
    if depth > 16 {
        return Step::Open;
    }
    let Some((s, _)) = r.resolve(s) else {
        return Step::Open;
    };
    let node = s.node();
    let mut available = Vec::new();
    // allOf: the property may come from any branch; all apply, so not optional by itself.
    let mut composite_open = false;
    for (k, all_apply) in [("allOf", true), ("oneOf", false), ("anyOf", false)] {
        for b in node.get(k).map(Node::items).unwrap_or(&[]) {
            match step_into(r, s.with(b), token, depth + 1) {
                Step::Into(n, opt) => return Step::Into(n, opt || !all_apply),
                Step::Open => composite_open = true,
                Step::Missing(mut a) => available.append(&mut a),
            }
        }
    }
    let types = schema_types(node);
    let is_array = types.contains(&"array") || (types.is_empty() && node.get("items").is_some());
    if is_array {
        return match (token.parse::<usize>(), node.get("items")) {
            (Ok(_), Some(items)) => Step::Into(s.with(items), true),
            (Ok(_), None) => Step::Open,
            (Err(_), _) => Step::Missing(vec!["an array index such as `0`".into()]),
        };
    }
    if let Some(props) = node.get("properties") {
        if let Some(p) = props.get(token) {
            let required = node
                .get("required")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .any(|q| q.as_str() == Some(token));
            let write_only = schema_flag(r, s.with(p), "writeOnly");
            return Step::Into(s.with(p), !required || write_only);
        }
        available.extend(props.entries().iter().map(|(k, _)| k.text.clone()));
    }
    match node.get("additionalProperties") {
        Some(ap) if ap.as_bool() == Some(false) => {}
        Some(ap) if matches!(ap.value, Value::Map(_)) => return Step::Into(s.with(ap), true),
        Some(_) => return Step::Open,
        None => {
            // Declared properties are taken as the whole shape (that is what catches a
            // renamed field); an untyped or property-less object accepts anything.
            let scalar = types
                .iter()
                .any(|t| matches!(*t, "string" | "integer" | "number" | "boolean" | "null"));
            let declared = node.get("properties").is_some() || !available.is_empty();
            if composite_open || (!scalar && !declared) {
                return Step::Open;
            }
        }
    }
    Step::Missing(available)
}

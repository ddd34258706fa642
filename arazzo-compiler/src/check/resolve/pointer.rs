//! A JSON pointer into the schemas of a response or a message, shared by `$response`
//! and `$message`: the first schema it lands in, else the problem at the deepest token
//! that no schema has, with the one nearby pointer that exists, if any.

use super::{Env, Resolved, Typed};
use crate::diag::{Applicability, Code, Diagnostic};
use crate::openapi::At;
use crate::types::{self, Resolver, Schema, Walk};
use crate::yaml::Node;

/// Where a pointer lands among several schemas (tried in order).
pub(super) enum Landing<'a, K> {
    /// In this schema; `optional` when some step may be absent.
    Found(Schema<'a>, bool),
    /// Somewhere along the way anything goes.
    Open,
    /// No schema has it: the deepest missing token, the names there, and which schema
    /// (`key`, `schema`) got that far.
    Missing {
        index: usize,
        available: Vec<String>,
        key: K,
        schema: At<'a>,
    },
    /// There is no schema to walk.
    Untyped,
}

/// Walks `tokens` into each of `schemas` in turn: the first that has them, else the one
/// that gets deepest.
pub(super) fn land<'a, K>(
    r: &Resolver<'a>,
    schemas: impl IntoIterator<Item = (K, At<'a>)>,
    tokens: &[String],
) -> Landing<'a, K> {
    let mut deepest = Landing::Untyped;
    for (key, schema) in schemas {
        match types::walk(r, Schema::Api(schema), tokens) {
            Walk::Found(s, optional) => return Landing::Found(s, optional),
            Walk::Open(_) => return Landing::Open,
            Walk::Missing { index, available } => {
                let deeper = match &deepest {
                    Landing::Missing { index: i, .. } => index > *i,
                    _ => true,
                };
                if deeper {
                    deepest = Landing::Missing {
                        index,
                        available,
                        key,
                        schema,
                    };
                }
            }
        }
    }
    deepest
}

/// `untyped` (an expression read as JSON) landed in schema `s` (`optional` when some
/// step there may be absent): typed from `s` when `hint` names the struct it may become
/// (in step outputs, typed from the success response), declared where `s` is written.
pub(super) fn landed<'a>(
    env: &Env<'_, 'a>,
    untyped: Resolved<'a>,
    (s, optional): (Schema<'a>, bool),
    hint: Option<&'static str>,
) -> Resolved<'a> {
    Resolved {
        ty: match hint {
            Some(hint) => Typed::Schema {
                schema: s,
                hint,
                optional,
            },
            None => untyped.ty,
        },
        schema: Some(s),
        declared_at: env.schema_location(s),
        expr: untyped.expr,
    }
}

/// The problem of a pointer (`raw`, its `tokens`, underlined at `span` of `node`) whose
/// token `index` is not among the `available` names of `schema`: `message` is given the
/// token and the pointer up to it; the help lists the names there and the one nearby
/// pointer that exists.
#[allow(clippy::too_many_arguments)]
pub(super) fn no_property(
    env: &Env<'_, '_>,
    node: &Node,
    span: &std::ops::Range<usize>,
    (raw, tokens): (&str, &[String]),
    index: usize,
    available: &[String],
    schema: At<'_>,
    message: impl FnOnce(&str, &str) -> String,
) -> Diagnostic {
    let tok = tokens.get(index).map_or("", String::as_str);
    let at: String = tokens[..=index.min(tokens.len().saturating_sub(1))]
        .iter()
        .map(|t| format!("/{}", crate::expr::escape_token(t)))
        .collect();
    let mut d = env.problem(Code::UnknownProperty, node, span, message(tok, &at));
    d.candidates(
        "the schema there has",
        available.iter().map(String::as_str),
        tok,
    );
    if let Some(near) = nearby_pointer(env.resolver, schema, tokens, index, available) {
        let pointer: String = near
            .iter()
            .map(|t| format!("/{}", crate::expr::escape_token(t)))
            .collect();
        d.add_help(format!(
            "`#{pointer}` is one level away and exists: did you mean it?"
        ));
        d.suggest_within(raw, pointer, Applicability::MaybeIncorrect);
    }
    d
}

/// The pointer tokens one level away from `tokens` (missing at `index`) that land on a
/// property of `schema`: a property inserted before the missing token, whose schema has
/// it (deeper), or the token before it dropped (shallower). `None` unless exactly one
/// such pointer exists.
fn nearby_pointer(
    r: &Resolver<'_>,
    schema: At<'_>,
    tokens: &[String],
    index: usize,
    available: &[String],
) -> Option<Vec<String>> {
    let found = |t: &[String]| matches!(types::walk(r, Schema::Api(schema), t), Walk::Found(..));
    let mut candidates: Vec<Vec<String>> = Vec::new();
    for name in available {
        let mut deeper = tokens[..index].to_vec();
        deeper.push(name.clone());
        deeper.extend_from_slice(&tokens[index..]);
        if found(&deeper) {
            candidates.push(deeper);
        }
    }
    if index > 0 {
        let mut shallower = tokens.to_vec();
        shallower.remove(index - 1);
        if found(&shallower) {
            candidates.push(shallower);
        }
    }
    match candidates.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

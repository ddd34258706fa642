//! `$response.*`: the response a step received (in its criteria and outputs).

use super::super::{Ectx, Target, Wf};
use super::pointer::{land, landed, no_property, Landing};
use super::{need_response, target_of, Env, Resolution, Resolved, Unresolved};
use crate::diag::Code;
use crate::expr::{Expr, Pointer, Source};
use crate::ir::RtExpr;
use crate::openapi::{At, Operation};
use crate::types::Ty;
use crate::yaml::Node;

/// `$response.<source>`: the status, a header or the body of the response.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
    src: &Source,
) -> Resolution<'a> {
    let text = &e.text;
    let target = target_of(st, ec);
    need_response(env, st, ec, node, e, "there is no response yet")?;
    let Some(Target::Op { op, .. }) = target else {
        // A step that runs a workflow was reported by `need_response`; an unresolved
        // target where it is written.
        return Err(Unresolved::Reported);
    };
    let op_name = op
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{} {}", op.method, op.path));
    match src {
        Source::Header(h) => {
            let store = &env.sources.store;
            let success = store.success_response(op).filter(|_| ec.success);
            let documented = success.and_then(|(code, resp)| {
                let headers = store.response_headers(resp)?;
                Some((code, resp, headers))
            });
            if let Some((code, resp, headers)) = documented {
                if !headers.iter().any(|x| x.eq_ignore_ascii_case(&h.text)) {
                    let mut d = env.problem(
                        Code::UnknownParameter,
                        node,
                        &h.span,
                        format!("the {code} response of `{op_name}` documents no header `{}` (in `{text}`)", h.text),
                    );
                    d.candidates("it documents", headers.iter().map(String::as_str), &h.text);
                    d.add_label(
                        env.response_location(op, &code, resp),
                        format!("the {code} response is declared here"),
                    );
                    return Err(d.into());
                }
            }
            Ok(Resolved::new(
                RtExpr::ResponseHeader(h.text.clone()),
                Ty::String,
            ))
        }
        Source::Body(ptr) => body(env, (st, ec), (node, e), op, &op_name, ptr.as_ref()),
        Source::Query(_) | Source::Path(_) => {
            let mut d = env.problem(
                Code::NoValue,
                node,
                &e.span,
                format!("`{text}`: a response has no query or path parameters"),
            );
            d.add_help("use `$response.header.<name>` or `$response.body#/pointer`");
            Err(d.into())
        }
    }
}

/// `$response.body[#pointer]`: typed from the success response in outputs, checked
/// against every documented response elsewhere.
fn body<'a>(
    env: &Env<'_, 'a>,
    (st, ec): (&Wf<'a>, &Ectx<'_>),
    (node, e): (&Node, &Expr),
    op: &'a Operation,
    op_name: &str,
    ptr: Option<&Pointer>,
) -> Resolution<'a> {
    let store = &env.sources.store;
    let tokens = ptr.map(|p| p.tokens.clone()).unwrap_or_default();
    let raw = ptr.map(|p| p.raw.clone()).unwrap_or_default();
    let untyped = Resolved::new(RtExpr::ResponseBody(raw.clone()), Ty::Json);
    // Outputs: the success response first (it names the type), then the other
    // responses the success criteria admit (an upsert's 404 body may hold what the 200
    // body lacks; the output's type is their join, computed with the step's outputs).
    let responses: Vec<(String, At<'a>)> = if ec.success {
        let mut list: Vec<_> = store.success_response(op).into_iter().collect();
        for r in env.admitted_responses(st, ec, op) {
            if list.iter().all(|(c, _)| *c != r.0) {
                list.push(r);
            }
        }
        list
    } else {
        store.responses(op)
    };
    let schemas = responses.iter().filter_map(|(code, resp)| {
        let schema = store.response_schema(*resp)?;
        Some(((code.clone(), *resp), schema))
    });
    match land(env.resolver, schemas, &tokens) {
        Landing::Found(s, optional) => {
            let hint = ec.success.then_some("Body");
            Ok(landed(env, untyped, (s, optional), hint))
        }
        Landing::Open | Landing::Untyped => Ok(untyped),
        Landing::Missing {
            index,
            available,
            key: (code, resp),
            schema,
        } => {
            let span = ptr.map_or(e.span.clone(), |p| p.span.clone());
            let text = &e.text;
            let message = |tok: &str, at: &str| {
                if ec.success {
                    format!("the {code} response of `{op_name}` has no property `{tok}` at `{at}` (in `{text}`)")
                } else {
                    format!("no documented response of `{op_name}` has a property `{tok}` at `{at}` (in `{text}`)")
                }
            };
            let mut d = no_property(
                env,
                node,
                &span,
                (&raw, &tokens),
                index,
                &available,
                schema,
                message,
            );
            if ec.success {
                d.add_label(
                    env.response_location(op, &code, resp),
                    format!("the {code} response is declared here"),
                );
            }
            Err(d.into())
        }
    }
}

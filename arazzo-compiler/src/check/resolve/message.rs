//! `$message.*`: the message an event-driven step sent or received (Arazzo 1.1), and
//! the HTTP expressions such a step cannot read.

use super::super::{Ectx, Target, Wf};
use super::pointer::{land, landed, no_property, Landing};
use super::{target_of, Env, Resolution, Resolved, Unresolved};
use crate::diag::Code;
use crate::expr::{Expr, ExprKind, Pointer, Source};
use crate::ir::RtExpr;
use crate::model::{self, Version};
use crate::types::{self, Schema, Ty, Walk};
use crate::yaml::Node;

/// `$message.payload[#pointer]` or `$message.header.<name>`, typed from the message
/// schemas of the step it is read in.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
    src: &Source,
) -> Resolution<'a> {
    let text = &e.text;
    if env.doc.version < Version::V1_1 {
        let mut d = env.problem(
            Code::Arazzo11Only,
            node,
            &e.span,
            format!("`{text}` is an Arazzo 1.1 expression"),
        );
        model::requires_1_1(&mut d, &env.declared());
        return Err(d.into());
    }
    let step_id = ec
        .step
        .and_then(|i| st.step_ids.get(i))
        .map_or("", String::as_str);
    let target = match target_of(st, ec) {
        Some(t @ Target::Msg { .. }) => t,
        Some(Target::Unknown) => return Err(Unresolved::Reported),
        Some(t) => {
            let workflow = matches!(t, Target::Workflow(_));
            let what = if workflow {
                "runs a workflow"
            } else {
                "calls an HTTP operation"
            };
            let mut d = env.problem(
                Code::NoValue,
                node,
                &e.span,
                format!("`{text}` has no value: step `{step_id}` {what}, it sends or receives no message"),
            );
            d.add_help(if workflow {
                "use `$outputs.<name>` for the outputs of the workflow it ran"
            } else {
                "use `$response.body#/...` or `$response.header.<name>`"
            });
            return Err(d.into());
        }
        None => {
            let mut d = env.problem(
                Code::NoValue,
                node,
                &e.span,
                format!(
                    "`{text}` has no value in {}: there is no message there",
                    ec.place
                ),
            );
            d.add_help(
                "read the message in the step's `outputs` and use `$steps.<stepId>.outputs.<name>`",
            );
            return Err(d.into());
        }
    };
    if !ec.response {
        let mut d = env.problem(
            Code::NoValue,
            node,
            &e.span,
            format!(
                "`{text}` has no value in {}: the message is not sent or received yet",
                ec.place
            ),
        );
        d.add_help("it can be used in `successCriteria`, action criteria and step `outputs`");
        return Err(d.into());
    }
    match src {
        Source::Header(h) => header(env, ec, (node, e), target, h),
        Source::Body(ptr) => payload(env, ec, (node, e), target, ptr.as_ref()),
        Source::Query(_) | Source::Path(_) => Err(Unresolved::Reported),
    }
}

/// `$message.header.<name>`: a header some message of the step documents.
fn header<'a>(
    env: &Env<'_, 'a>,
    ec: &Ectx<'_>,
    (node, e): (&Node, &Expr),
    target: Target<'a>,
    h: &crate::expr::Name,
) -> Resolution<'a> {
    let rt = RtExpr::MessageHeader(h.text.clone());
    let mut documented: Vec<String> = Vec::new();
    let mut any_schema = false;
    for (_, m) in env.step_messages(target) {
        let Some(hs) = m.headers else { continue };
        any_schema = true;
        match types::walk(env.resolver, Schema::Api(hs), std::slice::from_ref(&h.text)) {
            Walk::Found(_, optional) => {
                let ty = if optional && ec.success {
                    Ty::String.optional()
                } else {
                    Ty::String
                };
                return Ok(Resolved::new(rt, ty));
            }
            Walk::Open(_) => return Ok(Resolved::new(rt, Ty::String)),
            Walk::Missing { available, .. } => {
                for a in available {
                    if !documented.contains(&a) {
                        documented.push(a);
                    }
                }
            }
        }
    }
    if !any_schema {
        return Ok(Resolved::new(rt, Ty::String));
    }
    let mut d = env.problem(
        Code::UnknownParameter,
        node,
        &h.span,
        format!(
            "the messages of `{}` document no header `{}` (in `{}`)",
            env.msg_target_name(target),
            h.text,
            e.text
        ),
    );
    d.candidates(
        "they document",
        documented.iter().map(String::as_str),
        &h.text,
    );
    Err(d.into())
}

/// `$message.payload[#pointer]`: typed from the first message payload that has it.
fn payload<'a>(
    env: &Env<'_, 'a>,
    ec: &Ectx<'_>,
    (node, e): (&Node, &Expr),
    target: Target<'a>,
    ptr: Option<&Pointer>,
) -> Resolution<'a> {
    let tokens = ptr.map(|p| p.tokens.clone()).unwrap_or_default();
    let raw = ptr.map(|p| p.raw.clone()).unwrap_or_default();
    let untyped = Resolved::new(RtExpr::MessagePayload(raw.clone()), Ty::Json);
    let messages = env.step_messages(target);
    let schemas = messages
        .iter()
        .filter_map(|(loc, m)| Some((m.name(loc), m.payload?)));
    match land(env.resolver, schemas, &tokens) {
        Landing::Found(s, optional) => {
            let hint = ec.success.then_some("Payload");
            Ok(landed(env, untyped, (s, optional), hint))
        }
        Landing::Open | Landing::Untyped => Ok(untyped),
        Landing::Missing {
            index,
            available,
            key: message,
            schema,
        } => {
            let span = ptr.map_or(e.span.clone(), |p| p.span.clone());
            let op_name = env.msg_target_name(target);
            let text = &e.text;
            Err(no_property(
                env,
                node,
                &span,
                (&raw, &tokens),
                index,
                &available,
                schema,
                |tok, at| format!("message `{message}` of `{op_name}` has no property `{tok}` at `{at}` (in `{text}`)"),
            )
            .into())
        }
    }
}

/// `$statusCode`, `$url`, `$method`, `$request.*` and `$response.*` read in an
/// event-driven step: the problem, as a message step has no HTTP exchange.
pub(super) fn http_on_message_step(
    env: &Env<'_, '_>,
    st: &Wf<'_>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
) -> Result<(), Unresolved> {
    let http = matches!(
        e.kind,
        ExprKind::StatusCode
            | ExprKind::Url
            | ExprKind::Method
            | ExprKind::Request(_)
            | ExprKind::Response(_)
    );
    if !http || !matches!(target_of(st, ec), Some(Target::Msg { .. })) {
        return Ok(());
    }
    let step_id = ec
        .step
        .and_then(|i| st.step_ids.get(i))
        .map_or("", String::as_str);
    let help = match &e.kind {
        ExprKind::Response(Source::Header(_)) => {
            "read a header of the message with `$message.header.<name>`"
        }
        ExprKind::Response(_) => "read the message with `$message.payload#/<pointer>`",
        _ => "an event-driven step's criteria and outputs read the message: `$message.payload#/<pointer>` or `$message.header.<name>`",
    };
    let mut d = env.problem(
        Code::NoValue,
        node,
        &e.span,
        format!(
            "`{}` has no value: step `{step_id}` sends or receives a message, it has no HTTP exchange",
            e.text
        ),
    );
    d.add_help(help);
    Err(d.into())
}

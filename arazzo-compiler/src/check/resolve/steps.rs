//! `$steps.*`: the outputs of the earlier steps of the workflow.

use super::super::{Ectx, Wf};
use super::{Env, Resolution, Resolved, Typed, Unresolved};
use crate::diag::Code;
use crate::expr::{Expr, Name, Pointer};
use crate::ir::{RtExpr, StepIdx};
use crate::types::{self, Ty, Walk};
use crate::yaml::Node;

/// `$steps.<step>.outputs.<name>[#pointer]`: an output of an earlier step.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
    (step, name): (&Name, &Name),
    pointer: &Option<Pointer>,
) -> Resolution<'a> {
    let text = &e.text;
    let Some(j) = st.step_ids.iter().position(|s| *s == step.text) else {
        let ids: Vec<&str> = st.step_ids.iter().map(String::as_str).collect();
        return Err(env
            .unknown(
                Code::UnknownStep,
                node,
                &step.span,
                format!("unknown step `{}` in `{text}`", step.text),
                &format!("workflow `{}` has the steps", st.id),
                &ids,
                &step.text,
                |best| env.step_location(st, best),
            )
            .into());
    };
    ran_before(env, st, ec, (node, e), step, j)?;
    let outputs = st.outputs.get(j).map_or(&[][..], Vec::as_slice);
    let Some(out) = outputs.iter().find(|o| o.name == name.text) else {
        let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
        let mut d = env.unknown(
            Code::UnknownOutput,
            node,
            &name.span,
            format!(
                "step `{}` has no output `{}` (in `{text}`)",
                step.text, name.text
            ),
            "it declares",
            &names,
            &name.text,
            |best| {
                outputs
                    .iter()
                    .find(|o| o.name == best)
                    .and_then(|o| o.declared.clone())
            },
        );
        if let Some((a, b)) = name.text.split_once('.').filter(|(a, _)| names.contains(a)) {
            d.add_help(format!(
                "to read into an output use a JSON pointer: `$steps.{}.outputs.{a}#/{}`",
                step.text,
                b.replace('.', "/")
            ));
        }
        return Err(d.into());
    };
    // A step that may not have run leaves its outputs absent.
    let always = !ec.unreachable && ec.must.get(j).copied().unwrap_or(false);
    let optional = |t: Ty| if always { t } else { t.optional() };
    let declared_at = out
        .declared
        .clone()
        .or_else(|| env.step_location(st, &step.text));
    let mut resolved = Resolved {
        expr: RtExpr::StepOutput {
            step: StepIdx(j),
            field: out.field.clone(),
            pointer: pointer.as_ref().map(|p| p.raw.clone()).unwrap_or_default(),
        },
        ty: Typed::Ty(optional(out.ty.clone())),
        schema: out.schema,
        declared_at,
    };
    match pointer {
        Some(p) => {
            resolved.ty = Typed::Ty(optional(Ty::Json));
            member(env, resolved, (node, e), (step, name), p)
        }
        None => Ok(resolved),
    }
}

/// `Ok` when step `j` (named `step`) has run, and succeeded, on every path to where the
/// expression is read; else the problem.
fn ran_before(
    env: &Env<'_, '_>,
    st: &Wf<'_>,
    ec: &Ectx<'_>,
    (node, e): (&Node, &Expr),
    step: &Name,
    j: usize,
) -> Result<(), Unresolved> {
    let text = &e.text;
    if ec.step == Some(j) {
        let mut d = env.problem(
            Code::StepNotRun,
            node,
            &step.span,
            if ec.response {
                format!("step `{}` reads its own outputs in `{text}`", step.text)
            } else {
                format!(
                    "step `{}` reads its own outputs in `{text}` before it has run",
                    step.text
                )
            },
        );
        if ec.response {
            d.add_help(
                "use `$response.body#/...` or `$response.header.<name>` for the current response",
            );
        }
        return Err(d.into());
    }
    // An unreachable step (reported as such) is not judged by flow: nothing ran before
    // it, but its names and types are still checked.
    if !ec.unreachable && !ec.may.get(j).copied().unwrap_or(false) {
        let mut d = env.problem(
            Code::StepNotRun,
            node,
            &step.span,
            format!(
                "step `{}` cannot have run before {} (in `{text}`)",
                step.text, ec.place
            ),
        );
        d.add_help(match ec.step {
            Some(i) if j > i => format!("`{}` comes after `{}` and no `goto` leads back; move it earlier or read the value elsewhere", step.text, st.step_ids[i]),
            _ => "on every path to this point that step is skipped or fails".to_owned(),
        });
        return Err(d.into());
    }
    Ok(())
}

/// Output `name` of `step` (`resolved`, typed as JSON) read at pointer `p`: typed from
/// the output's schema when it has one.
fn member<'a>(
    env: &Env<'_, 'a>,
    mut resolved: Resolved<'a>,
    (node, e): (&Node, &Expr),
    (step, name): (&Name, &Name),
    p: &Pointer,
) -> Resolution<'a> {
    let text = &e.text;
    let Some(s) = resolved.schema else {
        return Ok(resolved);
    };
    match types::walk(env.resolver, s, &p.tokens) {
        Walk::Found(found, _) => {
            resolved.ty = Typed::Schema {
                schema: found,
                hint: "Value",
                optional: true,
            };
            resolved.schema = Some(found);
            Ok(resolved)
        }
        Walk::Open(_) => {
            resolved.schema = None;
            Ok(resolved)
        }
        Walk::Missing { index, available } => {
            let tok = p.tokens.get(index).map_or("", String::as_str);
            let mut d = env.problem(
                Code::UnknownProperty,
                node,
                &p.span,
                format!(
                    "output `{}` of step `{}` has no member `{tok}` (in `{text}`)",
                    name.text, step.text
                ),
            );
            d.candidates("its schema has", available.iter().map(String::as_str), tok);
            Err(d.into())
        }
    }
}

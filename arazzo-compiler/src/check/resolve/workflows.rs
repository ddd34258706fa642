//! `$workflows.*`: the inputs and outputs of the workflows this one depends on.

use super::super::Wf;
use super::{Env, Resolution, Resolved, Unresolved};
use crate::diag::Code;
use crate::expr::{Expr, Name, Pointer, WorkflowField};
use crate::ir::{RtExpr, WorkflowRef};
use crate::types::Ty;
use crate::yaml::Node;

/// `$workflows.<workflow>.<inputs|outputs>.<name>[#pointer]`: a value of another workflow.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    node: &Node,
    e: &Expr,
    (workflow, field, name): (&Name, WorkflowField, &Name),
    pointer: &Option<Pointer>,
) -> Resolution<'a> {
    let text = &e.text;
    let Some(j) = env.workflow_index(&workflow.text) else {
        let ids: Vec<&str> = env.doc.workflows.iter().map(|w| w.id.as_str()).collect();
        let mut d = env.problem(
            Code::UnknownWorkflow,
            node,
            &workflow.span,
            format!("unknown workflow `{}` in `{text}`", workflow.text),
        );
        d.candidates("the document declares", ids, &workflow.text);
        return Err(d.into());
    };
    let j = WorkflowRef::Local(j);
    if !st.depends_on.contains(&j) {
        let mut d = env.problem(
            Code::StepNotRun,
            node,
            &workflow.span,
            format!(
                "`{text}` reads workflow `{}`, which workflow `{}` does not depend on",
                workflow.text, st.id
            ),
        );
        d.add_help(format!(
            "add `dependsOn: [{}]` to workflow `{}` so that it runs first",
            workflow.text, st.id
        ));
        return Err(d.into());
    }
    let raw = pointer.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
    let declared_at = env.workflow_location(&workflow.text);
    let (names, side) = match field {
        // Not lowered yet only inside a dependency cycle, which is reported.
        WorkflowField::Outputs => (
            env.outputs_of(j).ok_or(Unresolved::Reported)?.as_slice(),
            "output",
        ),
        WorkflowField::Inputs => (env.inputs_of(j).map_or(&[][..], Vec::as_slice), "input"),
    };
    let Some((json, rust, ty)) = names.iter().find(|(n, _, _)| *n == name.text) else {
        let list: Vec<&str> = names.iter().map(|(n, _, _)| n.as_str()).collect();
        let mut d = env.problem(
            if side == "output" {
                Code::UnknownOutput
            } else {
                Code::UnknownInput
            },
            node,
            &name.span,
            format!(
                "workflow `{}` has no {side} `{}` (in `{text}`)",
                workflow.text, name.text
            ),
        );
        d.candidates("it declares", list, &name.text);
        return Err(d.into());
    };
    let resolved = match field {
        WorkflowField::Outputs => Resolved::new(
            RtExpr::WorkflowOutput {
                workflow: j,
                field: rust.clone(),
                pointer: raw,
            },
            if pointer.is_some() {
                Ty::Json
            } else {
                ty.clone()
            },
        ),
        // An input of another workflow may have been left out by its caller.
        WorkflowField::Inputs => Resolved::new(
            RtExpr::Input(format!("/{}{raw}", crate::expr::escape_token(json))),
            if pointer.is_some() {
                Ty::Json
            } else {
                ty.clone().optional()
            },
        ),
    };
    Ok(resolved.declared(declared_at))
}

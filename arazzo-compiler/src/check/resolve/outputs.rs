//! `$outputs.*`: the outputs of the workflow a step ran.

use super::super::{Ectx, Target, Wf};
use super::{target_of, Env, Resolution, Resolved, Unresolved};
use crate::diag::Code;
use crate::expr::{Expr, Name, Pointer};
use crate::ir::RtExpr;
use crate::types::Ty;
use crate::yaml::Node;

/// `$outputs.<name>[#pointer]`: an output of the workflow the step ran.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
    name: &Name,
    pointer: &Option<Pointer>,
) -> Resolution<'a> {
    let text = &e.text;
    let Some(Target::Workflow(j)) = target_of(st, ec).filter(|_| ec.response) else {
        let mut d = env.problem(Code::NoValue, node, &e.span, format!("`{text}` can only be used in the outputs and criteria of a step that runs a workflow"));
        d.add_help("to use a workflow output elsewhere, read it from the step: `$steps.<stepId>.outputs.<name>`");
        return Err(d.into());
    };
    // Not lowered yet only inside a dependency cycle, which is reported.
    let outs = env.outputs_of(j).ok_or(Unresolved::Reported)?;
    let Some((_, field, ty)) = outs.iter().find(|(n, _, _)| *n == name.text) else {
        let names: Vec<&str> = outs.iter().map(|(n, _, _)| n.as_str()).collect();
        let mut d = env.problem(
            Code::UnknownOutput,
            node,
            &name.span,
            format!(
                "workflow `{}` has no output `{}` (in `{text}`)",
                env.wf_id(j),
                name.text
            ),
        );
        d.candidates("it declares", names, &name.text);
        return Err(d.into());
    };
    let ty = if pointer.is_some() {
        Ty::Json
    } else {
        ty.clone()
    };
    let expr = RtExpr::SubOutput {
        field: field.clone(),
        pointer: pointer.as_ref().map(|p| p.raw.clone()).unwrap_or_default(),
    };
    let declared_at = match j {
        crate::ir::WorkflowRef::Local(_) => env.workflow_location(&env.wf_id(j)),
        crate::ir::WorkflowRef::External(_) => None,
    };
    Ok(Resolved::new(expr, ty).declared(declared_at))
}

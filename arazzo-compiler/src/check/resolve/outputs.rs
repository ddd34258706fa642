//! `$outputs.*`: the outputs of the workflow a step ran.

use super::super::*;
use super::Resolution;
use crate::expr::{Name, Pointer};

impl<'a> Checker<'a> {
    /// `$outputs.<name>[#pointer]`: an output of the workflow the step ran.
    pub(in crate::check) fn resolve_outputs(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
        name: &Name,
        pointer: &Option<Pointer>,
    ) -> Resolution<'a> {
        let text = e.text.clone();
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        let Some(Target::Workflow(j)) = target.filter(|_| ec.response) else {
            self.err_span(Code::NoValue, node, &e.span, format!("`{text}` can only be used in the outputs and criteria of a step that runs a workflow"))
                .help.push("to use a workflow output elsewhere, read it from the step: `$steps.<stepId>.outputs.<name>`".into());
            return None;
        };
        let outs = self.outputs_of(j)?.clone();
        match outs.iter().find(|(n, _, _)| *n == name.text) {
            Some((_, field, ty)) => {
                let pointer_raw = pointer.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
                let ty = if pointer.is_some() {
                    Ty::Json
                } else {
                    ty.clone()
                };
                Some((
                    RtExpr::SubOutput {
                        field: field.clone(),
                        pointer: pointer_raw,
                    },
                    ty,
                    None,
                ))
            }
            None => {
                let names: Vec<&str> = outs.iter().map(|(n, _, _)| n.as_str()).collect();
                let wid = self.wf_id(j);
                self.unknown_name(
                    Code::UnknownOutput,
                    node,
                    &name.span,
                    format!(
                        "workflow `{wid}` has no output `{}` (in `{text}`)",
                        name.text
                    ),
                    "it declares",
                    &names,
                    &name.text,
                );
                None
            }
        }
    }
}

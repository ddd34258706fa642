//! `$workflows.*`: the inputs and outputs of the workflows this one depends on.

use super::super::*;
use super::Resolution;
use crate::expr::{Name, Pointer};

impl<'a> Checker<'a> {
    /// `$workflows.<workflow>.<inputs|outputs>.<name>[#pointer]`: a value of another workflow.
    #[allow(clippy::too_many_arguments)]
    pub(in crate::check) fn resolve_workflows(
        &mut self,
        st: &mut Wf<'a>,
        node: &Node,
        e: &Expr,
        workflow: &Name,
        field: &WorkflowField,
        name: &Name,
        pointer: &Option<Pointer>,
    ) -> Resolution<'a> {
        let text = e.text.clone();
        let Some(j) = self.workflow_index(&workflow.text) else {
            let ids: Vec<String> = self
                .doc
                .workflows
                .iter()
                .map(|w| w.id.value.clone())
                .collect();
            let ids_ref: Vec<&str> = ids.iter().map(String::as_str).collect();
            self.unknown_name(
                Code::UnknownWorkflow,
                node,
                &workflow.span,
                format!("unknown workflow `{}` in `{text}`", workflow.text),
                "the document declares",
                &ids_ref,
                &workflow.text,
            );
            return None;
        };
        let j = WorkflowRef::Local(j);
        if !st.depends_on.contains(&j) {
            self.err_span(
                Code::StepNotRun,
                node,
                &workflow.span,
                format!(
                    "`{text}` reads workflow `{}`, which workflow `{}` does not depend on",
                    workflow.text, st.id
                ),
            )
            .help
            .push(format!(
                "add `dependsOn: [{}]` to workflow `{}` so that it runs first",
                workflow.text, st.id
            ));
            return None;
        }
        let raw = pointer.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
        match field {
            WorkflowField::Outputs => {
                // Not lowered yet only inside a dependency cycle, which is reported.
                let outs = self.outputs_of(j)?.clone();
                match outs.iter().find(|(n, _, _)| *n == name.text) {
                    Some((_, f, ty)) => Some((
                        RtExpr::WorkflowOutput {
                            workflow: j,
                            field: f.clone(),
                            pointer: raw,
                        },
                        if pointer.is_some() {
                            Ty::Json
                        } else {
                            ty.clone()
                        },
                        None,
                    )),
                    None => {
                        let names: Vec<&str> = outs.iter().map(|(n, _, _)| n.as_str()).collect();
                        self.unknown_name(
                            Code::UnknownOutput,
                            node,
                            &name.span,
                            format!(
                                "workflow `{}` has no output `{}` (in `{text}`)",
                                workflow.text, name.text
                            ),
                            "it declares",
                            &names,
                            &name.text,
                        );
                        None
                    }
                }
            }
            WorkflowField::Inputs => {
                let names = self.inputs_of(j).cloned().unwrap_or_default();
                match names.iter().find(|(n, _, _)| *n == name.text) {
                    Some((n, _, ty)) => Some((
                        RtExpr::Input(format!("/{}{raw}", crate::expr::escape_token(n))),
                        if pointer.is_some() {
                            Ty::Json
                        } else {
                            ty.clone().optional()
                        },
                        None,
                    )),
                    None => {
                        let list: Vec<&str> = names.iter().map(|(n, _, _)| n.as_str()).collect();
                        self.unknown_name(
                            Code::UnknownInput,
                            node,
                            &name.span,
                            format!(
                                "workflow `{}` has no input `{}` (in `{text}`)",
                                workflow.text, name.text
                            ),
                            "it declares",
                            &list,
                            &name.text,
                        );
                        None
                    }
                }
            }
        }
    }
}

//! `$steps.*`: the outputs of the earlier steps of the workflow.

use super::super::*;
use super::Resolution;
use crate::expr::{Name, Pointer};

impl<'a> Checker<'a> {
    /// `$steps.<step>.outputs.<name>[#pointer]`: an output of an earlier step.
    #[allow(clippy::too_many_arguments)]
    pub(in crate::check) fn resolve_steps(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
        step: &Name,
        name: &Name,
        pointer: &Option<Pointer>,
    ) -> Resolution<'a> {
        let text = e.text.clone();
        let Some(j) = st.step_ids.iter().position(|s| *s == step.text) else {
            let ids: Vec<&str> = st.step_ids.iter().map(String::as_str).collect();
            self.unknown_name(
                Code::UnknownStep,
                node,
                &step.span,
                format!("unknown step `{}` in `{text}`", step.text),
                &format!("workflow `{}` has the steps", st.id),
                &ids,
                &step.text,
            );
            self.label_candidate(&step.text, &ids, |c, best| c.step_location(st, best));
            return None;
        };
        if ec.step == Some(j) && !ec.response {
            self.err_span(
                Code::StepNotRun,
                node,
                &step.span,
                format!(
                    "step `{}` reads its own outputs in `{text}` before it has run",
                    step.text
                ),
            );
            return None;
        }
        if ec.step == Some(j) {
            self.err_span(
                Code::StepNotRun,
                node,
                &step.span,
                format!("step `{}` reads its own outputs in `{text}`", step.text),
            )
            .help
            .push(
                "use `$response.body#/...` or `$response.header.<name>` for the current response"
                    .into(),
            );
            return None;
        }
        // An unreachable step (reported as such) is not judged by flow: nothing
        // ran before it, but its names and types are still checked.
        if !ec.unreachable && !ec.may.get(j).copied().unwrap_or(false) {
            let d = self.err_span(
                Code::StepNotRun,
                node,
                &step.span,
                format!(
                    "step `{}` cannot have run before {} (in `{text}`)",
                    step.text, ec.place
                ),
            );
            d.help.push(match ec.step {
                Some(i) if j > i => format!("`{}` comes after `{}` and no `goto` leads back; move it earlier or read the value elsewhere", step.text, st.step_ids[i]),
                _ => "on every path to this point that step is skipped or fails".to_owned(),
            });
            return None;
        }
        let Some(out) = st.outputs[j].iter().find(|o| o.name == name.text).cloned() else {
            let names: Vec<&str> = st.outputs[j].iter().map(|o| o.name.as_str()).collect();
            let dotted = name.text.split_once('.').filter(|(a, _)| names.contains(a));
            self.unknown_name(
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
            );
            self.label_candidate(&name.text, &names, |_, best| {
                st.outputs[j]
                    .iter()
                    .find(|o| o.name == best)
                    .and_then(|o| o.declared.clone())
            });
            if let Some((a, b)) = dotted {
                if let Some(d) = self.diags.last_mut() {
                    d.help.push(format!(
                        "to read into an output use a JSON pointer: `$steps.{}.outputs.{a}#/{}`",
                        step.text,
                        b.replace('.', "/")
                    ));
                }
            }
            return None;
        };
        let always = !ec.unreachable && ec.must.get(j).copied().unwrap_or(false);
        let mut ty = out.ty.clone();
        let mut schema = out.schema;
        let mut raw = String::new();
        if let Some(p) = pointer {
            raw = p.raw.clone();
            ty = Ty::Json;
            if let Some(s) = out.schema {
                match types::walk(&self.resolver, s, &p.tokens) {
                    Walk::Found(found, _) => {
                        ty = self
                            .types
                            .ty_of(&self.resolver, found, "Value", Scope::Workflow(st.index))
                            .optional();
                        schema = Some(found);
                    }
                    Walk::Open(_) => schema = None,
                    Walk::Missing { index, available } => {
                        let tok = p.tokens.get(index).cloned().unwrap_or_default();
                        let names: Vec<&str> = available.iter().map(String::as_str).collect();
                        self.unknown_name(
                            Code::UnknownProperty,
                            node,
                            &p.span,
                            format!(
                                "output `{}` of step `{}` has no member `{tok}` (in `{text}`)",
                                name.text, step.text
                            ),
                            "its schema has",
                            &names,
                            &tok,
                        );
                        return None;
                    }
                }
            }
        }
        if !always {
            ty = ty.optional();
        }
        Some((
            RtExpr::StepOutput {
                step: StepIdx(j),
                field: out.field,
                pointer: raw,
            },
            ty,
            schema,
        ))
    }
}

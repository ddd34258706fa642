//! Success and failure actions: inline, from `components`, and the workflow defaults.

use super::*;

impl<'a> Checker<'a> {
    /// Resolves action references into the actions they name.
    pub(super) fn actions(
        &mut self,
        list: &'a [ActionOrRef<'a>],
        failure: bool,
    ) -> Vec<&'a model::Action<'a>> {
        let mut out = Vec::new();
        for a in list {
            match a {
                ActionOrRef::Action(a) => out.push(a),
                ActionOrRef::Ref(r) => {
                    let doc = self.doc;
                    let (kind, comps) = if failure {
                        ("failureActions", &doc.components.failure_actions)
                    } else {
                        ("successActions", &doc.components.success_actions)
                    };
                    let prefix = format!("$components.{kind}.");
                    match r.value.strip_prefix(&prefix) {
                        Some(name) => match comps.iter().find(|(k, _)| k.value == name) {
                            Some((_, a)) => out.push(a),
                            None => {
                                let names: Vec<&str> =
                                    comps.iter().map(|(k, _)| k.as_str()).collect();
                                let help = did_you_mean(name, names.iter().copied());
                                let mut d = self.err(
                                    Code::UnknownComponent,
                                    &r.node,
                                    format!("unknown component `{}`", r.value),
                                );
                                d.help.push(format!(
                                    "`components.{kind}` declares: {}",
                                    list_names(names)
                                ));
                                if let Some(h) = help {
                                    d.help.push(h);
                                }
                            }
                        },
                        None => {
                            self.err(
                                Code::InvalidReference,
                                &r.node,
                                format!(
                                    "an action `reference` must be `{prefix}<name>`, found `{}`",
                                    r.value
                                ),
                            );
                        }
                    }
                }
            }
        }
        out
    }

    pub(super) fn action_kind(&mut self, a: &model::Action, st: &Wf<'_>) -> Option<ActionKind> {
        let step_target = |me: &mut Self, t: &Text| -> Option<StepIdx> {
            match st.step_ids.iter().position(|s| *s == t.value) {
                Some(i) => Some(StepIdx(i)),
                None => {
                    let help = did_you_mean(&t.value, st.step_ids.iter().map(String::as_str));
                    let ids: Vec<&str> = st.step_ids.iter().map(String::as_str).collect();
                    let closest = crate::diag::closest(&t.value, ids.iter().copied())
                        .map(|(best, _)| (best, me.env().step_location(st, best)));
                    let mut d = me.err(
                        Code::UnknownStep,
                        &t.node,
                        format!(
                            "action `{}` goes to unknown step `{}`",
                            a.name.value, t.value
                        ),
                    );
                    d.help.push(format!(
                        "workflow `{}` has the steps: {}",
                        st.id,
                        list_names(st.step_ids.iter().map(String::as_str))
                    ));
                    if let Some(h) = help {
                        d.help.push(h);
                    }
                    d.suggest_name(&t.value, st.step_ids.iter().map(String::as_str));
                    if let Some((best, location)) = closest {
                        d.add_label(location, format!("`{best}` is declared here"));
                    }
                    None
                }
            }
        };
        let workflow = match &a.workflow_id {
            None => None,
            Some(wid) => match self
                .other_document_workflow(&wid.node, &wid.value)
                .map_or_else(|| Ok(self.env().workflow_index(&wid.value)), Err)
            {
                // A workflow of another Arazzo document (`None`: reported).
                Err(other) => Some(other?),
                Ok(found) => match found {
                    Some(j) if j == st.index => {
                        self.err(
                            Code::DependencyCycle,
                            &wid.node,
                            format!(
                                "action `{}` transfers to its own workflow `{}`",
                                a.name.value, wid.value
                            ),
                        )
                        .help
                        .push(
                            "use `goto` with a `stepId` to go back to a step of this workflow"
                                .into(),
                        );
                        return None;
                    }
                    Some(j) => Some(WorkflowRef::Local(j)),
                    None => {
                        let ids: Vec<&str> =
                            self.doc.workflows.iter().map(|x| x.id.as_str()).collect();
                        self.err(
                            Code::UnknownWorkflow,
                            &wid.node,
                            format!(
                                "action `{}` names unknown workflow `{}`",
                                a.name.value, wid.value
                            ),
                        )
                        .candidates(
                            "the document declares",
                            ids.iter().copied(),
                            &wid.value,
                        );
                        return None;
                    }
                },
            },
        };
        if let (Some(j), Some(wid)) = (workflow, &a.workflow_id) {
            // The target runs with this workflow's inputs, matched by name (as for dependsOn).
            let theirs = self.env().inputs_of(j).cloned().unwrap_or_default();
            for (json, _, ty) in &theirs {
                if !ty.is_option() && !st.input_names.iter().any(|(n, _, _)| n == json) {
                    self.err(Code::MissingInput, &wid.node, format!(
                        "action `{}` runs workflow `{}`, which requires the input `{json}` that `{}` does not declare",
                        a.name.value, wid.value, st.id
                    ))
                    .help.push(format!("the workflow runs with this workflow's inputs, matched by name: declare `{json}` in the inputs of `{}`", st.id));
                }
            }
        }
        if let Some(j) = workflow {
            if a.kind == ActionType::Goto {
                return Some(ActionKind::GotoWorkflow(j));
            }
        }
        match a.kind {
            ActionType::End => Some(ActionKind::End),
            ActionType::Goto => {
                let t = a.step_id.as_ref()?;
                step_target(self, t).map(ActionKind::Goto)
            }
            ActionType::Retry => {
                let target = match &a.step_id {
                    Some(t) => Some(step_target(self, t)?),
                    None => None,
                };
                Some(ActionKind::Retry {
                    after: a.retry_after,
                    limit: a.retry_limit.unwrap_or(1),
                    target,
                    workflow,
                })
            }
        }
    }
}

//! Secrets follow the data: which inputs and outputs are credentials.
//!
//! A value is secret when it flows into a credential (a header or query
//! parameter named by a security scheme, `Authorization`, a cookie, or an input of
//! another workflow that is itself secret), or when it is read from a secret.
//! Secret fields print as `[redacted]` in the `Debug` output of the generated
//! `Inputs`, step outputs and `Outputs`. This pass runs after every workflow is
//! lowered and iterates to a fixpoint, so a secret travels across workflow
//! steps, `dependsOn` and workflow transfers in any order.

use crate::ir::{self, ActionKind, RtExpr, StepKind, TPart, Val, WorkflowRef};
use crate::types::TypeSpace;

/// One place that holds a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Slot {
    /// An input (JSON name) of a local workflow.
    Input(usize, String),
    /// An output (Rust field) of a step of a local workflow.
    StepOutput(usize, usize, String),
    /// An output (Rust field) of a local workflow.
    Output(usize, String),
}

/// Every slot `v` reads, as seen from workflow `w` (and, for `$outputs.x` of a
/// workflow step, from the workflow `sub` that step runs).
/// Outputs of workflows of other documents are never secret slots: their documents
/// are analysed on their own.
fn reads(v: &Val, w: usize, sub: Option<WorkflowRef>, out: &mut Vec<Slot>) {
    let mut add = |e: &RtExpr| match e {
        RtExpr::Input(p) => {
            if let Some(first) =
                crate::openapi::pointer_tokens(p).and_then(|t| t.into_iter().next())
            {
                out.push(Slot::Input(w, first));
            }
        }
        RtExpr::StepOutput { step, field, .. } => {
            out.push(Slot::StepOutput(w, step.0, field.clone()));
        }
        RtExpr::WorkflowOutput {
            workflow: WorkflowRef::Local(j),
            field,
            ..
        } => out.push(Slot::Output(*j, field.clone())),
        RtExpr::SubOutput { field, .. } => {
            if let Some(WorkflowRef::Local(j)) = sub {
                out.push(Slot::Output(j, field.clone()));
            }
        }
        RtExpr::Request { value, .. } => reads(value, w, sub, out),
        _ => {}
    };
    match v {
        Val::Expr(e, _) => add(e),
        Val::Template(parts) => parts.iter().for_each(|p| {
            if let TPart::Expr(e) = p {
                add(e);
            }
        }),
        Val::Array(items) => items.iter().for_each(|i| reads(i, w, sub, out)),
        Val::Object(members) => members.iter().for_each(|(_, i)| reads(i, w, sub, out)),
        Val::Lit(_) => {}
    }
}

/// The state of the analysis: local workflows and the secret inputs of
/// workflows of other documents (by [`WorkflowRef::External`] index).
struct Secrets<'a> {
    workflows: &'a mut [Option<ir::Workflow>],
    types: &'a mut TypeSpace,
    external: &'a [Vec<String>],
}

impl Secrets<'_> {
    fn is_secret(&self, slot: &Slot) -> bool {
        match slot {
            Slot::Input(w, name) => self.input_secret(WorkflowRef::Local(*w), name),
            Slot::StepOutput(w, s, field) => self
                .wf(*w)
                .and_then(|wf| wf.steps.get(*s))
                .is_some_and(|st| st.outputs.iter().any(|o| o.field == *field && o.secret)),
            Slot::Output(w, field) => self
                .wf(*w)
                .is_some_and(|wf| wf.outputs.iter().any(|o| o.field == *field && o.secret)),
        }
    }

    fn wf(&self, w: usize) -> Option<&ir::Workflow> {
        self.workflows.get(w).and_then(Option::as_ref)
    }

    /// Whether input `name` (JSON) of workflow `w` (local or external) is secret.
    fn input_secret(&self, w: WorkflowRef, name: &str) -> bool {
        match w {
            WorkflowRef::Local(w) => self.wf(w).is_some_and(|wf| {
                self.types
                    .def(wf.inputs)
                    .is_some_and(|d| d.fields.iter().any(|f| f.json == name && f.secret))
            }),
            WorkflowRef::External(k) => self
                .external
                .get(k)
                .is_some_and(|names| names.iter().any(|n| n == name)),
        }
    }

    /// The names of the secret inputs of workflow `w`.
    fn secret_inputs(&self, w: WorkflowRef) -> Vec<String> {
        match w {
            WorkflowRef::Local(w) => self
                .wf(w)
                .map(|wf| self.types.secret_fields(wf.inputs))
                .unwrap_or_default(),
            WorkflowRef::External(k) => self.external.get(k).cloned().unwrap_or_default(),
        }
    }

    /// Marks a slot secret; true when it was not already.
    fn mark(&mut self, slot: &Slot) -> bool {
        if self.is_secret(slot) {
            return false;
        }
        match slot {
            Slot::Input(w, name) => {
                let Some(inputs) = self.wf(*w).map(|wf| wf.inputs) else {
                    return false;
                };
                let Some(def) = self.types.def_mut(inputs) else {
                    return false;
                };
                let mut changed = false;
                for f in def.fields.iter_mut().filter(|f| f.json == *name) {
                    f.secret = true;
                    changed = true;
                }
                changed
            }
            Slot::StepOutput(w, s, field) => {
                let Some(step) = self
                    .workflows
                    .get_mut(*w)
                    .and_then(Option::as_mut)
                    .and_then(|wf| wf.steps.get_mut(*s))
                else {
                    return false;
                };
                let mut changed = false;
                for o in step.outputs.iter_mut().filter(|o| o.field == *field) {
                    o.secret = true;
                    changed = true;
                }
                changed
            }
            Slot::Output(w, field) => {
                let Some(wf) = self.workflows.get_mut(*w).and_then(Option::as_mut) else {
                    return false;
                };
                let mut changed = false;
                for o in wf.outputs.iter_mut().filter(|o| o.field == *field) {
                    o.secret = true;
                    changed = true;
                }
                changed
            }
        }
    }

    /// Slots workflow `w` makes secret in one round: what flows into its
    /// credentials, and what is read from a secret.
    fn round(&self, w: usize) -> Vec<Slot> {
        let Some(wf) = self.wf(w) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for (si, step) in wf.steps.iter().enumerate() {
            let sub = match &step.kind {
                StepKind::Operation { params, .. }
                | StepKind::Message {
                    headers: params, ..
                } => {
                    for p in params.iter().filter(|p| p.secret) {
                        reads(&p.value, w, None, &mut found);
                    }
                    None
                }
                StepKind::Unresolved => None,
                StepKind::Workflow { workflow, inputs } => {
                    for (name, value) in inputs {
                        if self.input_secret(*workflow, name) {
                            reads(value, w, None, &mut found);
                        }
                    }
                    Some(*workflow)
                }
            };
            for o in &step.outputs {
                let mut from = Vec::new();
                reads(&o.value, w, sub, &mut from);
                if o.secret {
                    // A secret output of a workflow step: what it reads is secret too.
                    found.extend(from);
                } else if from.iter().any(|s| self.is_secret(s)) {
                    found.push(Slot::StepOutput(w, si, o.field.clone()));
                }
            }
            // Workflows run by name-matched inputs: `goto`/`retry` to a workflow.
            for a in step.on_success.iter().chain(step.on_failure.iter()) {
                let target = match a.kind {
                    ActionKind::GotoWorkflow(j) => Some(j),
                    ActionKind::Retry { workflow, .. } => workflow,
                    ActionKind::End | ActionKind::Goto(_) => None,
                };
                if let Some(j) = target {
                    self.by_name(w, j, &mut found);
                }
            }
        }
        for &j in &wf.depends_on {
            self.by_name(w, j, &mut found);
        }
        for o in &wf.outputs {
            let mut from = Vec::new();
            reads(&o.value, w, None, &mut from);
            if !o.secret && from.iter().any(|s| self.is_secret(s)) {
                found.push(Slot::Output(w, o.field.clone()));
            }
        }
        found
    }

    /// Inputs of `w` passed by name to workflow `j` where `j` treats them as secrets.
    fn by_name(&self, w: usize, j: WorkflowRef, found: &mut Vec<Slot>) {
        for name in self.secret_inputs(j) {
            found.push(Slot::Input(w, name));
        }
    }
}

/// Marks every input and output that is a secret, across all workflows.
/// `external` holds the secret input names of the workflows of other
/// documents, by [`WorkflowRef::External`] index.
pub(crate) fn propagate(
    workflows: &mut [Option<ir::Workflow>],
    types: &mut TypeSpace,
    external: &[Vec<String>],
) {
    let mut s = Secrets {
        workflows,
        types,
        external,
    };
    // A round that changes something marks at least one more slot, and slots are finite.
    loop {
        let mut changed = false;
        for w in 0..s.workflows.len() {
            for slot in s.round(w) {
                changed |= s.mark(&slot);
            }
        }
        if !changed {
            break;
        }
    }
}

//! The read-only environment of resolution: the document, its loaded sources, the
//! `$ref` resolver and the inputs and outputs of the workflows lowered so far, with
//! the lookups and locations every resolver (and the checker) asks of them.

use super::super::*;
use crate::asyncapi::{AsyncApi, AsyncOperation, MessageView, MsgLoc};

/// What an expression is resolved against, read-only. The checker lends one out with
/// [`Checker::env`]; tests build one by hand.
#[derive(Clone, Copy)]
pub(in crate::check) struct Env<'r, 'a> {
    /// The Arazzo document's file (for locations).
    pub(in crate::check) file: &'r Arc<SourceFile>,
    /// The document.
    pub(in crate::check) doc: &'a Document<'a>,
    /// Its loaded sources.
    pub(in crate::check) sources: &'a Sources,
    /// Follows `$ref`s in the document and the sources.
    pub(in crate::check) resolver: &'r Resolver<'a>,
    /// The inputs of the workflows of this document lowered so far, by index.
    pub(in crate::check) wf_inputs: &'r [Option<NamedTys>],
    /// The outputs of the workflows of this document lowered so far, by index.
    pub(in crate::check) wf_outputs: &'r [Option<NamedTys>],
}

impl<'a> Checker<'a> {
    /// The read-only environment over this checker's document, sources and the workflows
    /// lowered so far.
    pub(in crate::check) fn env(&self) -> Env<'_, 'a> {
        Env {
            file: &self.file,
            doc: self.doc,
            sources: self.sources,
            resolver: &self.resolver,
            wf_inputs: &self.wf_inputs,
            wf_outputs: &self.wf_outputs,
        }
    }
}

impl<'r, 'a> Env<'r, 'a> {
    /// A diagnostic of kind `code` at the part `span` of scalar `node` of the document.
    pub(in crate::check) fn problem(
        &self,
        code: Code,
        node: &Node,
        span: &std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::at(code, loc_span(self.file, node, span), message)
    }

    /// A diagnostic about a name not declared where it is looked up: what is declared
    /// there (`declared: a, b`), the closest name, and (`location` of a name) where the
    /// closest is declared as a secondary label.
    #[allow(clippy::too_many_arguments)]
    pub(in crate::check) fn unknown(
        &self,
        code: Code,
        node: &Node,
        span: &std::ops::Range<usize>,
        message: String,
        declared: &str,
        names: &[&str],
        wanted: &str,
        location: impl FnOnce(&str) -> Option<Location>,
    ) -> Diagnostic {
        let mut d = self.problem(code, node, span, message);
        d.candidates(declared, names.iter().copied(), wanted);
        if let Some((best, _)) = crate::diag::closest(wanted, names.iter().copied()) {
            d.add_label(location(best), format!("`{best}` is declared here"));
        }
        d
    }

    /// The `arazzo` version as the document writes it.
    pub(in crate::check) fn declared(&self) -> String {
        self.doc
            .arazzo
            .as_ref()
            .map_or_else(|| "1.0".to_owned(), |t| t.value.clone())
    }

    /// The index of workflow `id` of this document.
    pub(in crate::check) fn workflow_index(&self, id: &str) -> Option<usize> {
        self.doc.workflows.iter().position(|w| w.id.value == id)
    }

    /// The id of a workflow as a document names it (`$sourceDescriptions.x.id` for one of
    /// another Arazzo document).
    pub(in crate::check) fn wf_id(&self, r: WorkflowRef) -> String {
        match r {
            WorkflowRef::Local(j) => self
                .doc
                .workflows
                .get(j)
                .map_or_else(String::new, |w| w.id.value.clone()),
            WorkflowRef::External(k) => self
                .sources
                .arazzo_workflows()
                .nth(k)
                .map_or_else(String::new, |(src, w)| {
                    format!("$sourceDescriptions.{src}.{}", w.id)
                }),
        }
    }

    /// The inputs of a workflow: (JSON name, Rust field, type); `None` for a workflow of
    /// this document not lowered yet (only inside a dependency cycle, which is reported).
    pub(in crate::check) fn inputs_of(&self, r: WorkflowRef) -> Option<&'r NamedTys> {
        match r {
            WorkflowRef::Local(j) => self.wf_inputs.get(j)?.as_ref(),
            WorkflowRef::External(k) => self
                .sources
                .arazzo_workflows()
                .nth(k)
                .map(|(_, w)| &w.inputs),
        }
    }

    /// The outputs of a workflow, as [`Self::inputs_of`].
    pub(in crate::check) fn outputs_of(&self, r: WorkflowRef) -> Option<&'r NamedTys> {
        match r {
            WorkflowRef::Local(j) => self.wf_outputs.get(j)?.as_ref(),
            WorkflowRef::External(k) => self
                .sources
                .arazzo_workflows()
                .nth(k)
                .map(|(_, w)| &w.outputs),
        }
    }

    /// AsyncAPI source `index`: its name and description (`None` when it did not load).
    pub(in crate::check) fn async_api(&self, index: usize) -> Option<(&'a str, &'a AsyncApi)> {
        let sources = self.sources;
        let (name, api) = sources.asyncapis.get(index)?;
        Some((name.as_str(), api.as_ref()?))
    }

    /// What a message step runs: its AsyncAPI description, the operation (`None` for a
    /// channel alone), whether it is the operation's reply, and the channel.
    fn message_target(
        &self,
        target: Target<'a>,
    ) -> Option<(&'a AsyncApi, Option<&'a AsyncOperation>, bool, usize)> {
        let Target::Msg {
            api,
            op,
            channel,
            reply,
        } = target
        else {
            return None;
        };
        let (_, a) = self.async_api(api)?;
        Some((a, op.and_then(|k| a.operations.get(k)), reply, channel))
    }

    /// The messages a message step may send or receive.
    pub(in crate::check) fn step_messages(
        &self,
        target: Target<'a>,
    ) -> Vec<(&'a MsgLoc, MessageView<'a>)> {
        let Some((a, op, reply, channel)) = self.message_target(target) else {
            return Vec::new();
        };
        let locs: &'a [MsgLoc] = match op {
            Some(o) if reply => o.reply.as_ref().map_or(&[], |r| r.messages.as_slice()),
            Some(o) => &o.messages,
            None => a
                .channels
                .get(channel)
                .map(|c| c.messages.as_slice())
                .unwrap_or(&[]),
        };
        let store = &self.sources.store;
        locs.iter()
            .filter_map(|l| store.async_message(l).map(|v| (l, v)))
            .collect()
    }

    /// The name of what a message step runs: its operation id, `<operationId>/reply`
    /// for the reply of one, or its channel's key.
    pub(in crate::check) fn msg_target_name(&self, target: Target<'a>) -> String {
        let Some((a, op, reply, channel)) = self.message_target(target) else {
            return String::new();
        };
        match op {
            Some(o) if reply => format!("{}/reply", o.id),
            Some(o) => o.id.clone(),
            None => a
                .channels
                .get(channel)
                .map(|c| c.key.clone())
                .unwrap_or_default(),
        }
    }

    /// The documented responses of `op` that can satisfy the success criteria of the step
    /// `ec` belongs to ([`crate::status`]), in document order; empty when none can (or the
    /// expression belongs to no step).
    pub(in crate::check) fn admitted_responses(
        &self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        op: &'a Operation,
    ) -> Vec<(String, At<'a>)> {
        let Some(step) = ec
            .step
            .and_then(|i| self.doc.workflows.get(st.index)?.steps.get(i))
        else {
            return Vec::new();
        };
        let responses = self.sources.store.responses(op);
        let codes: Vec<&str> = responses.iter().map(|(c, _)| c.as_str()).collect();
        let admitted = crate::status::admitted(&step.success_criteria, &codes);
        responses
            .into_iter()
            .zip(admitted)
            .filter_map(|(r, ok)| ok.then_some(r))
            .collect()
    }

    /// The location of a node of an OpenAPI file of the store.
    pub(in crate::check) fn api_location(&self, at: At<'_>) -> Option<Location> {
        let file = &self.sources.store.files.get(at.file)?.file;
        model::location(file, at.node)
    }

    /// Where a schema is written (in the document or an OpenAPI file).
    pub(in crate::check) fn schema_location(&self, s: Schema<'_>) -> Option<Location> {
        match s {
            Schema::Doc(n) => model::location(self.file, n),
            Schema::Api(at) => self.api_location(at),
        }
    }

    /// Where operation `op` is declared: its `operationId`, else the start of the
    /// operation object.
    pub(in crate::check) fn operation_location(&self, op: &Operation) -> Option<Location> {
        let at = self.sources.store.operation_node(op)?;
        let node = at
            .node
            .get("operationId")
            .filter(|n| n.as_str().is_some())
            .unwrap_or(at.node);
        self.api_location(At {
            file: at.file,
            node,
        })
    }

    /// Where response `code` of operation `op` is declared: its key under `responses`
    /// (else the response object `resp` itself).
    pub(in crate::check) fn response_location(
        &self,
        op: &Operation,
        code: &str,
        resp: At<'_>,
    ) -> Option<Location> {
        let key = self.sources.store.operation_node(op).and_then(|at| {
            let (key, _) = at
                .node
                .get("responses")?
                .entries()
                .iter()
                .find(|(k, _)| k.text == code)?;
            Some((at.file, key.node()))
        });
        match key {
            Some((file, node)) => self.api_location(At { file, node: &node }),
            None => self.api_location(resp),
        }
    }

    /// Where input `name` of the workflow is declared: its key under the inputs schema's
    /// `properties` (in the document or, through a `$ref`, in an OpenAPI file).
    pub(in crate::check) fn input_location(&self, st: &Wf<'_>, name: &str) -> Option<Location> {
        let schema = st.inputs_schema?;
        let (key, _) = schema
            .node()
            .get("properties")?
            .entries()
            .iter()
            .find(|(k, _)| k.text == name)?;
        let node = key.node();
        match schema {
            Schema::Doc(_) => model::location(self.file, &node),
            Schema::Api(at) => self.api_location(At {
                file: at.file,
                node: &node,
            }),
        }
    }

    /// Where step `id` of the workflow is declared (its `stepId`).
    pub(in crate::check) fn step_location(&self, st: &Wf<'_>, id: &str) -> Option<Location> {
        let step = self
            .doc
            .workflows
            .get(st.index)?
            .steps
            .iter()
            .find(|s| s.id.value == id)?;
        model::location(self.file, &step.id.node)
    }

    /// Where workflow `id` of this document is declared (its `workflowId`).
    pub(in crate::check) fn workflow_location(&self, id: &str) -> Option<Location> {
        self.doc
            .workflows
            .iter()
            .find(|w| w.id.value == id)
            .and_then(|w| model::location(self.file, &w.id.node))
    }

    /// Where source description `name` is declared (its `name`).
    pub(in crate::check) fn source_location(&self, name: &str) -> Option<Location> {
        self.doc
            .sources
            .iter()
            .find(|s| s.name.value == name)
            .and_then(|s| model::location(self.file, &s.name.node))
    }
}

//! Secondary labels: where the things a diagnostic names are declared (an input, a step
//! output, an earlier step, the OpenAPI operation or response), for the renderer to show
//! next to the primary span.

use super::*;

/// The codes of the diagnostics about a step's request body as a whole (its content
/// type, and values against its schema): they get the operation as a secondary label.
const BODY_CODES: &[Code] = &[
    Code::UnsupportedContentType,
    Code::UndocumentedContentType,
    Code::BodyTypeMismatch,
    Code::BodyUnknownProperty,
    Code::BodyMissingProperty,
    Code::NotAllowedValue,
];

impl<'a> Checker<'a> {
    /// The location of a node of an OpenAPI file of the store.
    pub(super) fn api_location(&self, at: At<'_>) -> Option<Location> {
        let file = &self.sources.store.files.get(at.file)?.file;
        model::location(file, at.node)
    }

    /// Where operation `op` is declared: its `operationId`, else the start of the
    /// operation object.
    pub(super) fn operation_location(&self, op: &Operation) -> Option<Location> {
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
    pub(super) fn response_location(
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
    pub(super) fn input_location(&self, st: &Wf<'a>, name: &str) -> Option<Location> {
        let schema = st.inputs_schema?;
        let (key, _) = schema
            .node()
            .get("properties")?
            .entries()
            .iter()
            .find(|(k, _)| k.text == name)?;
        let node = key.node();
        match schema {
            Schema::Doc(_) => model::location(&self.file, &node),
            Schema::Api(at) => self.api_location(At {
                file: at.file,
                node: &node,
            }),
        }
    }

    /// Where step `id` of the workflow is declared (its `stepId`).
    pub(super) fn step_location(&self, st: &Wf<'_>, id: &str) -> Option<Location> {
        let step = self
            .doc
            .workflows
            .get(st.index)?
            .steps
            .iter()
            .find(|s| s.id.value == id)?;
        model::location(&self.file, &step.id.node)
    }

    /// Adds a secondary label to the diagnostic recorded last.
    pub(super) fn label_last(&mut self, location: Option<Location>, message: impl Into<String>) {
        if let Some(d) = self.diags.last_mut() {
            d.add_label(location, message);
        }
    }

    /// Labels the closest of `names` to `wanted` (the "did you mean" candidate) on the
    /// diagnostic recorded last, at the location `declared` gives for it.
    pub(super) fn label_candidate(
        &mut self,
        wanted: &str,
        names: &[&str],
        declared: impl FnOnce(&Self, &str) -> Option<Location>,
    ) {
        if let Some((best, _)) = crate::diag::closest(wanted, names.iter().copied()) {
            let location = declared(self, best);
            self.label_last(location, format!("`{best}` is declared here"));
        }
    }

    /// Labels operation `op` on the diagnostics about the request body (by code, see
    /// [`BODY_CODES`]) recorded since `since`, and on the mismatches held since `held`.
    pub(super) fn label_body_diagnostics(&mut self, (since, held): (usize, usize), op: &Operation) {
        let location = self.operation_location(op);
        let label = |d: &mut Diagnostic| {
            if BODY_CODES.contains(&d.code) && d.labels.is_empty() {
                d.add_label(location.clone(), "the operation is declared here");
            }
        };
        for i in since..self.diags.len() {
            if let Some(d) = self.diags.get_mut(i) {
                label(d);
            }
        }
        for d in self.input_uses.iter_mut().skip(held) {
            if let Some(d) = d.mismatch.as_mut() {
                label(d);
            }
        }
    }
}

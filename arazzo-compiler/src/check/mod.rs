//! Checking and lowering: every expression, name, parameter, body, criterion and
//! action of a document is checked against the inputs, the earlier steps and the
//! OpenAPI descriptions, and lowered into the [`crate::ir`]. Each runtime expression is
//! resolved once, read-only, by `resolve` (what it is, its type and schema, where it
//! is declared, or the problem); the checker is the only code that mutates: it builds
//! the scope of each step (`Wf`, `Ectx`), names types and Rust items, lowers, and
//! reports into the shared sink. Problems are collected, never fatal.

mod actions;
mod credentials;
mod criteria;
mod exprs;
mod facts; // editor queries (crate::query)
mod flow;
mod labels;
mod message;
mod outputs;
mod payload;
mod refs;
mod resolve;
mod secrets;
mod step;
mod targets;
#[cfg(test)]
mod tests;
mod workflow;

use exprs::goessner_help;
use exprs::jsonpath_singular;
pub use flow::Flow;
pub use refs::collect_criterion_steps;
use refs::*;
use resolve::{Resolution, Typed, Unresolved};
use targets::same_param;

use crate::condition::{self, CondKind};
use crate::diag::{
    did_you_mean, list_names, Applicability, Code, Diagnostic, Diagnostics, Location, Report,
    SourceFile,
};
use crate::expr::{
    self, Classified, ComponentKind, Expr, ExprKind, ParseError, Segment, Source, WorkflowField,
};
use crate::ir::{self, ActionKind, BodyKind, Lit, RtExpr, StepIdx, TPart, Val, WorkflowRef};
use crate::model::{
    self, ActionOrRef, ActionType, CriterionType, Document, ParamIn, ParamOrRef, StepTarget, Text,
};
use crate::names::{self, Case, Namer, Style};
use crate::openapi::{At, MediaKind, Operation};
use crate::resolve::Sources;
use crate::types::{self, Resolver, Schema, Scope, Ty, TypeDef, TypeSpace, Walk};
use crate::yaml::span_location as loc_span;
use crate::yaml::{Node, Value};
use std::sync::Arc;

/// The result of checking: the types and the lowered workflows.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every generated struct.
    pub types: TypeSpace,
    /// Lowered workflows, in document order.
    pub workflows: Vec<ir::Workflow>,
}

/// (JSON name, Rust field name, type) of each input or output of a workflow.
type NamedTys = Vec<(String, String, Ty)>;
/// An action of a step, resolved once: the action and what it does (`None` when its
/// target did not resolve, which was reported).
type Resolved<'a> = (&'a model::Action<'a>, Option<ActionKind>);
/// A step's success and failure actions, resolved (the step's own, then the workflow's).
type StepActions<'a> = (Vec<Resolved<'a>>, Vec<Resolved<'a>>);
/// A step's success and failure actions as seen by the flow analysis: (what it does, unconditional).
pub type FlowActions = (Vec<(ActionKind, bool)>, Vec<(ActionKind, bool)>);

/// What a compared operand is statically known to be.
enum OperandTy {
    Number,
    Boolean,
    Enum(Vec<String>),
    Unknown,
}

/// What a step resolved to.
#[derive(Clone, Copy)]
enum Target<'a> {
    Op {
        api: usize,
        op: &'a Operation,
    },
    /// An AsyncAPI operation (`op`, an index in its operations), the `reply` of one
    /// (`reply`), or a channel alone (`channelPath`), with its channel's index.
    Msg {
        api: usize,
        op: Option<usize>,
        channel: usize,
        reply: bool,
    },
    Workflow(WorkflowRef),
    Unknown,
}

/// A step output known so far: its type and, when it came from a response, its schema.
#[derive(Clone)]
struct OutInfo<'a> {
    name: String,
    field: String,
    ty: Ty,
    schema: Option<Schema<'a>>,
    /// Where the output is declared (its name in the step's `outputs`).
    declared: Option<Location>,
}

/// Where an expression is evaluated.
struct Ectx<'e> {
    /// The step it belongs to (`None` for workflow outputs and workflow parameters).
    step: Option<usize>,
    /// A response exists (outputs and criteria), as opposed to building the request.
    response: bool,
    /// Success outputs (types come from the success response).
    success: bool,
    /// Steps that may have run (and succeeded) before.
    may: &'e [bool],
    /// Steps that surely ran (and succeeded) before.
    must: &'e [bool],
    /// Words for messages: "a parameter of step `x`".
    place: String,
    /// The step can never run (reported once; its expressions are not judged by flow).
    unreachable: bool,
}

/// The part of a step an expression is written in.
#[derive(Clone, Copy)]
enum StepPart {
    /// Parameters and request body: built before the request is sent.
    Request,
    /// Success criteria and success actions: a response exists.
    Criterion,
    /// Failure actions: a response (or its absence) exists.
    FailureAction,
    /// Step outputs: read from the success response.
    Output,
}

impl<'e> Ectx<'e> {
    /// The scope of an expression in `part` of step `i` (id `id`), as the flow analysis
    /// sees it.
    fn step(flow: &'e Flow, i: usize, id: &str, part: StepPart) -> Self {
        let (response, success, place) = match part {
            StepPart::Request => (false, false, format!("step `{id}`")),
            StepPart::Criterion => (true, false, format!("a criterion of step `{id}`")),
            StepPart::FailureAction => (true, false, format!("a failure action of step `{id}`")),
            StepPart::Output => (true, true, format!("an output of step `{id}`")),
        };
        Ectx {
            step: Some(i),
            response,
            success,
            may: &flow.may_in[i],
            must: &flow.must_in[i],
            place,
            unreachable: !flow.reachable[i],
        }
    }

    /// The scope of the outputs of workflow `id`: after its steps.
    fn workflow_outputs(flow: &'e Flow, id: &str) -> Self {
        Ectx {
            step: None,
            response: false,
            success: false,
            may: &flow.may_exit,
            must: &flow.must_exit,
            place: format!("an output of workflow `{id}`"),
            unreachable: false,
        }
    }

    /// This scope with other steps that may and must have run before (those after the
    /// step itself succeeded, for its success actions).
    fn with_runs(self, may: &'e [bool], must: &'e [bool]) -> Self {
        Ectx { may, must, ..self }
    }
}

/// The scope of a workflow as far as it is lowered: its inputs, its steps' targets and
/// the outputs of the steps lowered so far. Lowering extends it step by step; resolution
/// reads it.
struct Wf<'a> {
    index: usize,
    id: String,
    inputs_schema: Option<Schema<'a>>,
    input_names: Vec<(String, String, Ty)>,
    step_ids: Vec<String>,
    targets: Vec<Target<'a>>,
    outputs: Vec<Vec<OutInfo<'a>>>,
    depends_on: Vec<WorkflowRef>,
    /// The inputs schema did not resolve (reported once): `$inputs` are not judged.
    inputs_broken: bool,
    /// The request of the step being lowered (for `$request.*` in its criteria and outputs).
    request: Option<(Vec<ir::Param>, Option<ir::Body>)>,
}

/// A use of a whole input (`$inputs.x`) as a request body value where the body requires
/// one JSON type.
struct InputUse {
    /// The input.
    name: String,
    /// The one JSON type the body requires there.
    required: &'static str,
    /// The mismatch diagnostic when the input's type does not fit, held back until the
    /// end of the workflow decides whether it suggests retyping the input.
    mismatch: Option<Diagnostic>,
    /// For `array`: the body's `items` schema as JSON text, when it can be copied as it is
    /// (no `$ref` inside).
    items: Option<String>,
}

/// Checks a whole document and lowers it.
pub struct Checker<'a> {
    file: Arc<SourceFile>,
    /// Uses of a whole input in a request body of the workflow being checked, read at the
    /// end of the workflow to suggest retyping the input.
    input_uses: Vec<InputUse>,
    /// The Rust names given to the steps of the workflow lowered so far (functions, enum
    /// variants): a step whose id reads the same in Rust as an earlier one's gets a suffix.
    fn_names: Namer,
    variants: Namer,
    /// The parameters each step of the workflow sends, for the `manual_credential` lint.
    cred_uses: Vec<credentials::CredUse<'a>>,
    /// Above 0 while payloads are checked quietly against `oneOf`/`anyOf` branches.
    quiet: usize,
    diags: &'a Diagnostics,
    doc: &'a Document<'a>,
    sources: &'a Sources,
    resolver: Resolver<'a>,
    types: TypeSpace,
    /// Outputs of the workflows of this document already lowered, by index.
    wf_outputs: Vec<Option<NamedTys>>,
    /// Inputs of the workflows of this document already lowered, by index.
    wf_inputs: Vec<Option<NamedTys>>,
    modules: Vec<String>,
    /// Editor queries: where facts and scopes are recorded (see `facts.rs`).
    facts: Option<&'a mut crate::query::Recorded>,
    /// While a step's request body is checked: where its operation is declared, the
    /// secondary label of the diagnostics about the body (see `labels.rs`).
    body_operation: Option<Location>,
    /// While a step target written in a dialect is resolved: how it is read, the first
    /// help line of the errors it causes.
    reading: Option<String>,
}

impl<'a> Checker<'a> {
    /// A checker over a document and its loaded sources.
    pub fn new(
        file: Arc<SourceFile>,
        diags: &'a Diagnostics,
        doc: &'a Document<'a>,
        root: &'a Node,
        sources: &'a Sources,
    ) -> Self {
        let doc_file = Some(file.clone());
        Checker {
            file,
            diags,
            doc,
            sources,
            resolver: Resolver {
                store: &sources.store,
                doc: root,
            },
            types: {
                let mut types = TypeSpace::default();
                types.doc_file = doc_file;
                types
            },
            wf_outputs: vec![None; doc.workflows.len()],
            wf_inputs: vec![None; doc.workflows.len()],
            modules: Vec::new(),
            input_uses: Vec::new(),
            fn_names: Namer::new(Style::FIELD),
            variants: Namer::new(Style::STEP_VARIANT),
            cred_uses: Vec::new(),
            quiet: 0,
            facts: None,
            body_operation: None,
            reading: None,
        }
    }

    /// The input a request body value is when it is a whole input (`$inputs.x`) where the
    /// body requires one JSON type among string, integer, number, boolean, array and object: (input,
    /// that type). `None` while payloads are checked quietly.
    fn whole_input_use(&self, e: &RtExpr, allowed: &[&str]) -> Option<(String, &'static str)> {
        let RtExpr::Input(p) = e else { return None };
        let tokens = crate::openapi::pointer_tokens(p)?;
        let ([name], [required]) = (tokens.as_slice(), allowed) else {
            return None;
        };
        if self.quiet > 0 {
            return None;
        }
        let required = ["string", "integer", "number", "boolean", "array", "object"]
            .into_iter()
            .find(|t| t == required)?;
        Some((name.clone(), required))
    }

    /// Records a request body value of type-mismatch diagnostic `mismatch` (if it did not
    /// fit): a use of a whole input is held until the end of the workflow (see
    /// [`Self::suggest_input_types`]), any other mismatch is reported now.
    fn body_value_use(
        &mut self,
        e: &RtExpr,
        allowed: &[&str],
        mismatch: Option<Diagnostic>,
        items: Option<String>,
    ) {
        match self.whole_input_use(e, allowed) {
            Some((name, required)) => self.input_uses.push(InputUse {
                name,
                required,
                mismatch,
                items,
            }),
            None => {
                if let Some(d) = mismatch {
                    self.diags.push(d);
                }
            }
        }
    }

    /// After a workflow: an input every body use of which requires one other type gets a
    /// machine-applicable edit of its schema `type` (on its first mismatch); then the
    /// mismatches held are reported.
    fn suggest_input_types(&mut self, w: usize) {
        let mut uses = std::mem::take(&mut self.input_uses);
        let mut names: Vec<String> = uses.iter().map(|u| u.name.clone()).collect();
        names.sort_unstable();
        names.dedup();
        for name in &names {
            let mine: Vec<usize> = (0..uses.len()).filter(|&i| uses[i].name == *name).collect();
            let Some(first) = mine.iter().copied().find(|&i| uses[i].mismatch.is_some()) else {
                continue;
            };
            let required = uses[mine[0]].required;
            let items = uses[mine[0]].items.clone();
            // Every use asks for the same type (and, for arrays, the same items).
            if mine
                .iter()
                .any(|&i| uses[i].required != required || uses[i].items != items)
            {
                continue;
            }
            let Some(property) = self.doc.workflows[w]
                .inputs
                .as_ref()
                .and_then(|i| i.get("properties"))
                .and_then(|p| p.get(name))
            else {
                continue;
            };
            let Some(type_node) = property.get("type") else {
                continue;
            };
            let structured = matches!(required, "array" | "object");
            // A scalar's other keywords (`format`, `enum`, `default`, ...) would not fit a
            // structure: only a property that says no more than its type is retyped so.
            if structured
                && property
                    .entries()
                    .iter()
                    .any(|(k, _)| !matches!(k.text.as_str(), "type" | "description" | "title"))
            {
                continue;
            }
            if required == "array" && items.is_none() {
                continue;
            }
            let Some(declared) = type_node.as_str() else {
                continue;
            };
            if declared == required {
                continue;
            }
            let Some(location) = model::location(&self.file, type_node) else {
                continue;
            };
            if let Some(d) = uses[first].mismatch.as_mut() {
                d.suggest_at(
                    &location,
                    declared,
                    required,
                    crate::diag::Applicability::MachineApplicable,
                );
                if let (Some(items), Some(range)) = (&items, location.byte_range()) {
                    // `items` on a line of its own after `type`, at its indentation.
                    let text = &location.file.text;
                    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    let line_end = text[range.end..]
                        .find('\n')
                        .map_or(text.len(), |i| range.end + i);
                    let indent = &text[line_start..range.start];
                    let key = indent.trim_start();
                    let indent = &indent[..indent.len() - key.len()];
                    // A block mapping (`type: x` starting its line): else, no edit at all.
                    if key.starts_with("type") && !indent.contains('-') {
                        let at =
                            Location::new(location.file.clone(), location.pos, line_end..line_end);
                        d.suggest_at(
                            &at,
                            "",
                            format!("\n{indent}items: {items}"),
                            crate::diag::Applicability::MachineApplicable,
                        );
                    } else {
                        d.suggestions.retain(|s| s.range != range);
                    }
                }
            }
        }
        for u in uses {
            if let Some(d) = u.mismatch {
                self.diags.push(d);
            }
        }
    }

    /// Records an error of kind `code` at `node`.
    fn err(&self, code: Code, node: &Node, message: impl Into<String>) -> Report<'_> {
        self.report(Diagnostic::at(
            code,
            model::location(&self.file, node),
            message,
        ))
    }

    /// Records a warning of lint `lint` at `node`.
    fn warn(&self, lint: Code, node: &Node, message: impl Into<String>) -> Report<'_> {
        self.report(Diagnostic::warning(
            lint,
            model::location(&self.file, node),
            message,
        ))
    }

    /// Records an error of kind `code` at the part `span` of scalar `node`.
    fn err_span(
        &self,
        code: Code,
        node: &Node,
        span: &std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Report<'_> {
        let loc = loc_span(&self.file, node, span);
        self.report(Diagnostic::at(code, loc, message))
    }

    /// Starts reporting `d` with what the context adds to it: the operation, for a
    /// diagnostic about a request body (`labels.rs`); how a target written in a dialect
    /// is read, first among the help lines of an error about it.
    fn report(&self, mut d: Diagnostic) -> Report<'_> {
        if let Some(reading) = self.reading.as_ref().filter(|_| d.is_error()) {
            d.help.push(reading.clone());
        }
        self.diags.report(self.body_labelled(d))
    }

    fn parse_error(&mut self, node: &Node, base: usize, e: ParseError, what: &str) {
        let span = (base + e.span.start)..(base + e.span.end);
        let text = node.as_str().unwrap_or_default().to_owned();
        let mut d = self.err_span(
            Code::InvalidExpression,
            node,
            &span,
            format!("{} in {what} `{text}`", e.message),
        );
        if let Some(h) = e.help {
            d.help.push(h);
        }
    }

    /// Checks and lowers every workflow.
    pub fn run(mut self) -> Checked {
        let doc = self.doc;
        // Duplicate workflow ids and module names.
        let mut seen: Vec<&str> = Vec::new();
        let mut module_names = Namer::new(Style::MODULE);
        for w in &doc.workflows {
            if seen.contains(&w.id.as_str()) {
                let first = doc
                    .workflows
                    .iter()
                    .find(|x| x.id.value == w.id.value)
                    .and_then(|x| model::location(&self.file, &x.id.node));
                self.err(
                    Code::Duplicate,
                    &w.id.node,
                    format!("duplicate workflowId `{}`", w.id.value),
                )
                .add_label(first, "first declared here")
                .help
                .push("workflowIds must be unique within a document".into());
            }
            seen.push(w.id.as_str());
            let module = module_names.name(&w.id.value);
            self.modules.push(module);
        }
        // Workflows of other Arazzo documents get indices after the local ones.
        let sources = self.sources;
        for (_, w) in sources.arazzo_workflows() {
            self.modules.push(w.module.clone());
        }
        let order = self.workflow_order();
        let mut lowered: Vec<Option<ir::Workflow>> = vec![None; doc.workflows.len()];
        for w in order {
            let wf = self.workflow(w);
            lowered[w] = Some(wf);
        }
        let external: Vec<Vec<String>> = sources
            .arazzo_workflows()
            .map(|(_, w)| w.secret_inputs.clone())
            .collect();
        secrets::propagate(&mut lowered, &mut self.types, &external);
        self.fact_document(); // editor queries (facts.rs)
        Checked {
            types: self.types,
            workflows: lowered.into_iter().flatten().collect(),
        }
    }

    /// Orders workflows so that those run by a step or named in `dependsOn` come first.
    fn workflow_order(&mut self) -> Vec<usize> {
        let n = self.doc.workflows.len();
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, w) in self.doc.workflows.iter().enumerate() {
            for s in &w.steps {
                if let Some(StepTarget::WorkflowId(t)) = &s.target {
                    if let Some(j) = self.env().workflow_index(&t.value) {
                        deps[i].push(j);
                    }
                }
            }
            for d in &w.depends_on {
                if let Some(j) = self.env().workflow_index(&d.value) {
                    deps[i].push(j);
                }
            }
            // Workflows that actions transfer to (inline or from components).
            let inline = w
                .steps
                .iter()
                .flat_map(|s| s.on_success.iter().chain(s.on_failure.iter()));
            let defaults = w.success_actions.iter().chain(w.failure_actions.iter());
            let components = self
                .doc
                .components
                .success_actions
                .iter()
                .chain(self.doc.components.failure_actions.iter())
                .map(|(_, a)| a);
            let targets = inline
                .chain(defaults)
                .filter_map(|a| match a {
                    ActionOrRef::Action(a) => a.workflow_id.as_ref(),
                    ActionOrRef::Ref(_) => None,
                })
                .chain(components.filter_map(|a| a.workflow_id.as_ref()));
            for t in targets {
                if let Some(j) = self.env().workflow_index(&t.value) {
                    if j != i {
                        deps[i].push(j);
                    }
                }
            }
        }
        let mut state = vec![0u8; n];
        let mut order = Vec::new();
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            state[start] = 1;
            while let Some((v, k)) = stack.pop() {
                if let Some(&d) = deps[v].get(k) {
                    stack.push((v, k + 1));
                    match state[d] {
                        0 => {
                            state[d] = 1;
                            stack.push((d, 0));
                        }
                        1 => {
                            let node = self.doc.workflows[v].id.node.clone();
                            let msg = format!(
                                "workflow `{}` depends on itself through `{}` (a cycle of workflow steps or dependsOn)",
                                self.doc.workflows[v].id.value, self.doc.workflows[d].id.value
                            );
                            self.err(Code::DependencyCycle, &node, msg);
                        }
                        _ => {}
                    }
                } else {
                    state[v] = 2;
                    order.push(v);
                }
            }
        }
        order
    }
}

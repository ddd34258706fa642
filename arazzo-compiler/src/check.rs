//! Checking and lowering: every expression, name, parameter, body, criterion and
//! action of a document is checked against the inputs, the earlier steps and the
//! OpenAPI descriptions, and lowered into the [`crate::ir`] at the same time
//! (each expression is resolved once). Problems are collected, never fatal.

mod secrets;

use crate::condition::{self, CondKind};
use crate::diag::{
    did_you_mean, list_names, Applicability, Diagnostic, Diagnostics, Location, SourceFile,
};
use crate::expr::{
    self, Classified, ComponentKind, Expr, ExprKind, ParseError, Segment, Source, WorkflowField,
};
use crate::ir::{self, ActionKind, BodyKind, RtExpr, TPart, Val};
use crate::model::{
    self, ActionOrRef, ActionType, CriterionType, Document, ParamIn, ParamOrRef, StepTarget, Text,
};
use crate::openapi::{At, Operation};
use crate::resolve::Sources;
use crate::types::{self, field_ident, Resolver, Schema, Scope, Ty, TypeDef, TypeSpace, Walk};
use crate::yaml::{Node, Value};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;
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
/// A step's success and failure actions (each: the action, and whether it came from `components`).
type StepActions = (Vec<(model::Action, bool)>, Vec<(model::Action, bool)>);
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
    Op { api: usize, op: &'a Operation },
    Workflow(usize),
    Unknown,
}

/// A step output known so far: its type and, when it came from a response, its schema.
#[derive(Clone)]
struct OutInfo<'a> {
    name: String,
    field: String,
    ty: Ty,
    schema: Option<Schema<'a>>,
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

/// Per-workflow state.
struct Wf<'a> {
    index: usize,
    id: String,
    inputs_ty: usize,
    inputs_schema: Option<Schema<'a>>,
    input_names: Vec<(String, String, Ty)>,
    step_ids: Vec<String>,
    targets: Vec<Target<'a>>,
    outputs: Vec<Vec<OutInfo<'a>>>,
    depends_on: Vec<usize>,
    /// The inputs schema did not resolve (reported once): `$inputs` are not judged.
    inputs_broken: bool,
    /// The request of the step being lowered (for `$request.*` in its criteria and outputs).
    request: Option<(Vec<ir::Param>, Option<ir::Body>)>,
}

/// Checks a whole document and lowers it.
pub struct Checker<'a> {
    file: Arc<SourceFile>,
    /// Uses of a whole input in a request body of the workflow being checked: (input,
    /// the one JSON type the body requires there, the index of the mismatch diagnostic
    /// when it did not fit). Read at the end of the workflow to suggest retyping the input.
    input_uses: Vec<(String, &'static str, Option<usize>)>,
    /// Above 0 while payloads are checked quietly against `oneOf`/`anyOf` branches.
    quiet: usize,
    diags: &'a mut Diagnostics,
    doc: &'a Document,
    sources: &'a Sources,
    resolver: Resolver<'a>,
    types: TypeSpace,
    /// Outputs of workflows already lowered: (name, field, ty) per workflow.
    wf_outputs: Vec<Option<Vec<(String, String, Ty)>>>,
    wf_inputs: Vec<Option<(usize, NamedTys)>>,
    modules: Vec<String>,
    /// Types of whole-value expressions by the position of their YAML node.
    expr_types: std::collections::HashMap<crate::diag::Pos, Ty>,
}

fn loc_span(
    file: &Arc<SourceFile>,
    node: &Node,
    span: &std::ops::Range<usize>,
) -> Option<Location> {
    let len = match &node.value {
        Value::Str(s) => s.get(span.clone()).map_or(1, |p| p.chars().count().max(1)),
        _ => 1,
    };
    let pos = if node.content_offset.is_some() || node.col_map.is_some() {
        node.pos_at(span.start)
    } else {
        node.pos
    };
    Some(Location {
        file: file.clone(),
        pos,
        len,
    })
}

impl<'a> Checker<'a> {
    /// A checker over a document and its loaded sources.
    pub fn new(
        file: Arc<SourceFile>,
        diags: &'a mut Diagnostics,
        doc: &'a Document,
        root: &'a Node,
        sources: &'a Sources,
    ) -> Self {
        Checker {
            file,
            diags,
            doc,
            sources,
            resolver: Resolver {
                store: &sources.store,
                doc: root,
            },
            types: TypeSpace::default(),
            wf_outputs: vec![None; doc.workflows.len()],
            wf_inputs: vec![None; doc.workflows.len()],
            modules: Vec::new(),
            expr_types: std::collections::HashMap::new(),
            input_uses: Vec::new(),
            quiet: 0,
        }
    }

    /// Records a use of a whole input (`$inputs.x`) where a request body requires one
    /// JSON type, and whether it was reported as not fitting (the last diagnostic).
    fn record_input_use(&mut self, e: &RtExpr, allowed: &[&str], reported: bool) {
        let RtExpr::Input(p) = e else { return };
        let Some(tokens) = crate::openapi::pointer_tokens(p) else {
            return;
        };
        let ([name], [required]) = (tokens.as_slice(), allowed) else {
            return;
        };
        if self.quiet > 0 {
            return;
        }
        let Some(required) = ["string", "integer", "number", "boolean"]
            .into_iter()
            .find(|t| t == required)
        else {
            return;
        };
        let index = reported.then(|| self.diags.len().saturating_sub(1));
        self.input_uses.push((name.clone(), required, index));
    }

    /// After a workflow: an input every body use of which requires one other type gets a
    /// machine-applicable edit of its schema `type` (on the first mismatch reported).
    fn suggest_input_types(&mut self, w: usize) {
        let uses = std::mem::take(&mut self.input_uses);
        let mut names: Vec<&str> = uses.iter().map(|(n, _, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let mine: Vec<&(String, &'static str, Option<usize>)> =
                uses.iter().filter(|(n, _, _)| n == name).collect();
            let Some(first) = mine.iter().find_map(|(_, _, d)| *d) else {
                continue;
            };
            let required = mine[0].1;
            if mine.iter().any(|(_, t, _)| *t != required) {
                continue;
            }
            let Some(type_node) = self.doc.workflows[w]
                .inputs
                .as_ref()
                .and_then(|i| i.get("properties"))
                .and_then(|p| p.get(name))
                .and_then(|p| p.get("type"))
            else {
                continue;
            };
            let Some(declared) = type_node.as_str() else {
                continue;
            };
            if declared == required {
                continue;
            }
            let Some(location) = model::location(&self.file, type_node) else {
                continue;
            };
            if let Some(d) = self
                .diags
                .get_mut(first)
                .filter(|d| d.message.contains("but the request body expects"))
            {
                d.suggest_at(
                    &location,
                    declared,
                    required,
                    crate::diag::Applicability::MachineApplicable,
                );
            }
        }
    }

    fn err(&mut self, node: &Node, message: impl Into<String>) -> &mut Diagnostic {
        self.diags
            .push_mut(Diagnostic::at(model::location(&self.file, node), message))
    }

    fn warn(
        &mut self,
        lint: &'static str,
        node: &Node,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push_mut(Diagnostic::warning(
            lint,
            model::location(&self.file, node),
            message,
        ))
    }

    fn err_span(
        &mut self,
        node: &Node,
        span: &std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let loc = loc_span(&self.file, node, span);
        self.diags.push_mut(Diagnostic::at(loc, message))
    }

    fn parse_error(&mut self, node: &Node, base: usize, e: ParseError, what: &str) {
        let span = (base + e.span.start)..(base + e.span.end);
        let text = node.as_str().unwrap_or_default().to_owned();
        let d = self.err_span(node, &span, format!("{} in {what} `{text}`", e.message));
        if let Some(h) = e.help {
            d.help.push(h);
        }
    }

    /// Checks and lowers every workflow.
    pub fn run(mut self) -> Checked {
        let doc = self.doc;
        // Duplicate workflow ids and module names.
        let mut seen: Vec<&str> = Vec::new();
        for w in &doc.workflows {
            if seen.contains(&w.id.as_str()) {
                self.err(&w.id.node, format!("duplicate workflowId `{}`", w.id.value))
                    .help
                    .push("workflowIds must be unique within a document".into());
            }
            seen.push(w.id.as_str());
            let mut m = w.id.value.to_snake_case();
            m.retain(|c| c.is_ascii_alphanumeric() || c == '_');
            if m.is_empty() || m.starts_with(|c: char| c.is_ascii_digit()) {
                m.insert_str(0, "workflow_");
            }
            if syn::parse_str::<syn::Ident>(&m).is_err() || m == "types" {
                m.push('_');
            }
            let mut unique = m.clone();
            let mut n = 2;
            while self.modules.contains(&unique) {
                unique = format!("{m}_{n}");
                n += 1;
            }
            self.modules.push(unique);
        }
        // Workflows of other Arazzo documents get indices after the local ones.
        let sources = self.sources;
        for (src, w) in sources.arazzo_workflows() {
            self.modules.push(format!(
                "{}::{}",
                crate::resolve::source_module(src),
                w.module
            ));
            self.wf_inputs.push(Some((usize::MAX, w.inputs.clone())));
            self.wf_outputs.push(Some(w.outputs.clone()));
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
        Checked {
            types: self.types,
            workflows: lowered.into_iter().flatten().collect(),
        }
    }

    /// The id of a workflow by index (local, or a workflow of another Arazzo document).
    fn wf_id(&self, j: usize) -> String {
        match self.doc.workflows.get(j) {
            Some(w) => w.id.value.clone(),
            None => self
                .sources
                .arazzo_workflows()
                .nth(j.saturating_sub(self.doc.workflows.len()))
                .map_or_else(String::new, |(src, w)| {
                    format!("$sourceDescriptions.{src}.{}", w.id)
                }),
        }
    }

    fn workflow_index(&self, id: &str) -> Option<usize> {
        self.doc.workflows.iter().position(|w| w.id.value == id)
    }

    /// Orders workflows so that those run by a step or named in `dependsOn` come first.
    fn workflow_order(&mut self) -> Vec<usize> {
        let n = self.doc.workflows.len();
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, w) in self.doc.workflows.iter().enumerate() {
            for s in &w.steps {
                if let Some(StepTarget::WorkflowId(t)) = &s.target {
                    if let Some(j) = self.workflow_index(&t.value) {
                        deps[i].push(j);
                    }
                }
            }
            for d in &w.depends_on {
                if let Some(j) = self.workflow_index(&d.value) {
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
                if let Some(j) = self.workflow_index(&t.value) {
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
                            self.err(&node, msg);
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

    fn workflow(&mut self, w: usize) -> ir::Workflow {
        let doc = self.doc;
        let wf = &doc.workflows[w];
        // Inputs.
        let scope = Scope::Workflow(w);
        let inputs_schema = wf
            .inputs
            .as_ref()
            .and_then(|n| self.resolver.resolve(Schema::Doc(n)))
            .map(|(s, _)| s);
        if let (Some(n), None) = (&wf.inputs, inputs_schema) {
            let r = n.get("$ref").unwrap_or(n).clone();
            let names: Vec<&str> = doc
                .components
                .inputs
                .iter()
                .map(|(k, _)| k.as_str())
                .collect();
            let wanted = r
                .as_str()
                .and_then(|x| x.rsplit('/').next())
                .unwrap_or("")
                .to_owned();
            self.err(
                &r,
                format!(
                    "the inputs `$ref` of workflow `{}` does not resolve",
                    wf.id.value
                ),
            )
            .candidates(
                "`components.inputs` declares",
                names.iter().copied(),
                &wanted,
            );
        }
        if let Some(s) = inputs_schema {
            let props = s.node().get("properties");
            for req in s.node().get("required").map(Node::items).unwrap_or(&[]) {
                if let Some(name) = req.as_str() {
                    if props.and_then(|p| p.get(name)).is_none() && s.node().get("allOf").is_none()
                    {
                        let names: Vec<&str> = props
                            .map(Node::entries)
                            .unwrap_or(&[])
                            .iter()
                            .map(|(k, _)| k.text.as_str())
                            .collect();
                        self.err(req, format!("required input `{name}` of workflow `{}` is not among its `properties`", wf.id.value))
                    .candidates("its properties", names.iter().copied(), name);
                    }
                }
            }
        }
        let inputs_ty = match inputs_schema {
            Some(s) if s.node().get("properties").is_some() => {
                match self.types.ty_of(&self.resolver, s, "Inputs", scope) {
                    Ty::Named(i) => {
                        if let Some(def) = self.types.defs.get_mut(i) {
                            def.name = "Inputs".into();
                            if def.doc.is_none() {
                                def.doc =
                                    Some(format!("The inputs of workflow `{}`.", wf.id.value));
                            }
                        }
                        i
                    }
                    _ => self.empty_struct("Inputs", scope),
                }
            }
            Some(s) => {
                if !types::schema_types(s.node()).is_empty()
                    && !types::schema_types(s.node()).contains(&"object")
                {
                    let node = s.node().clone();
                    self.err(
                        &node,
                        format!(
                            "the inputs of workflow `{}` must be an object schema",
                            wf.id.value
                        ),
                    );
                }
                self.empty_struct("Inputs", scope)
            }
            None => self.empty_struct("Inputs", scope),
        };
        let input_names: Vec<(String, String, Ty)> = self.types.defs[inputs_ty]
            .fields
            .iter()
            .map(|f| (f.json.clone(), f.rust.clone(), f.ty.clone()))
            .collect();
        self.wf_inputs[w] = Some((inputs_ty, input_names.clone()));
        let mut st = Wf {
            index: w,
            id: wf.id.value.clone(),
            inputs_ty,
            inputs_schema,
            input_names,
            step_ids: wf.steps.iter().map(|s| s.id.value.clone()).collect(),
            targets: Vec::new(),
            outputs: vec![Vec::new(); wf.steps.len()],
            depends_on: Vec::new(),
            inputs_broken: wf.inputs.is_some() && inputs_schema.is_none(),
            request: None,
        };
        for d in &wf.depends_on {
            let id = d
                .value
                .strip_prefix("$sourceDescriptions.")
                .map_or(d.value.as_str(), |_| "");
            match self.workflow_index(id) {
                Some(j) if j != w => {
                    st.depends_on.push(j);
                    // A dependency runs with this workflow's inputs, matched by name.
                    let theirs = self.wf_inputs[j]
                        .as_ref()
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default();
                    for (json, _, ty) in &theirs {
                        if !ty.is_option() && !st.input_names.iter().any(|(n, _, _)| n == json) {
                            self.err(&d.node, format!(
                                "workflow `{}` depends on `{}`, which requires the input `{json}` that `{}` does not declare",
                                wf.id.value, d.value, wf.id.value
                            ))
                            .help.push(format!("a `dependsOn` workflow runs with this workflow's inputs, matched by name: declare `{json}` in the inputs of `{}`", wf.id.value));
                        }
                    }
                }
                _ if d.value.starts_with("$sourceDescriptions.") => {
                    self.err(&d.node, format!("`dependsOn` on a workflow of another document (`{}`) is not supported yet", d.value))
                        .help.push("name a workflow of this document".into());
                }
                _ => {
                    let ids: Vec<&str> = doc.workflows.iter().map(|x| x.id.as_str()).collect();
                    self.err(
                        &d.node,
                        format!("`dependsOn` names unknown workflow `{}`", d.value),
                    )
                    .candidates(
                        "the document declares",
                        ids.iter().copied(),
                        &d.value,
                    );
                }
            }
        }
        // Step ids.
        for (i, s) in wf.steps.iter().enumerate() {
            if wf.steps[..i].iter().any(|p| p.id.value == s.id.value) {
                self.err(
                    &s.id.node,
                    format!(
                        "duplicate stepId `{}` in workflow `{}`",
                        s.id.value, wf.id.value
                    ),
                )
                .help
                .push("stepIds must be unique within a workflow".into());
            }
            if s.id.value.is_empty()
                || !s
                    .id
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                self.err(&s.id.node, format!("stepId `{}` must match `[A-Za-z0-9_-]+`", s.id.value))
                    .help.push("runtime expressions such as `$steps.<stepId>.outputs.x` cannot name it otherwise".into());
            }
        }
        // Targets.
        for s in &wf.steps {
            let t = self.target(s, w);
            st.targets.push(t);
        }
        // Actions and control flow.
        let mut actions: Vec<StepActions> = Vec::new();
        for s in &wf.steps {
            let mut succ = self.actions(&s.on_success, false);
            succ.extend(self.actions(&wf.success_actions, false));
            let mut fail = self.actions(&s.on_failure, true);
            fail.extend(self.actions(&wf.failure_actions, true));
            actions.push((succ, fail));
        }
        let n = wf.steps.len();
        let mut lowered_kinds: Vec<FlowActions> = Vec::new();
        for (succ, fail) in &actions {
            let s: Vec<(ActionKind, bool)> = succ
                .iter()
                .filter_map(|(a, _)| self.action_kind(a, &st).map(|k| (k, a.criteria.is_empty())))
                .collect();
            let f: Vec<(ActionKind, bool)> = fail
                .iter()
                .filter_map(|(a, _)| self.action_kind(a, &st).map(|k| (k, a.criteria.is_empty())))
                .collect();
            lowered_kinds.push((s, f));
        }
        let flow = Flow::analyse(n, &lowered_kinds);
        for (i, s) in wf.steps.iter().enumerate() {
            if !flow.reachable[i] {
                self.warn("unreachable_step", &s.id.node, format!("step `{}` can never run", s.id.value))
                    .help.push("no step leads to it: every earlier path ends or jumps past it; remove it or add a `goto` to it".into());
            }
        }
        // Outputs of each step first (later steps and loops read them).
        for (i, s) in wf.steps.iter().enumerate() {
            let ec = Ectx {
                step: Some(i),
                response: true,
                success: true,
                may: &flow.may_in[i],
                must: &flow.must_in[i],
                place: format!("an output of step `{}`", s.id.value),
                unreachable: !flow.reachable[i],
            };
            let mut used = HashSet::new();
            let mut outs = Vec::new();
            for (name, value) in &s.outputs {
                let field = field_ident(&name.value, &mut used);
                let hint = format!(
                    "{}{}",
                    s.id.value.to_upper_camel_case(),
                    name.value.to_upper_camel_case()
                );
                let (ty, schema) = self.output_type(&st, &ec, value, &hint);
                outs.push(OutInfo {
                    name: name.value.clone(),
                    field,
                    ty,
                    schema,
                });
            }
            st.outputs[i] = outs;
        }
        // Everything else of each step.
        let mut steps = Vec::new();
        for (i, s) in wf.steps.iter().enumerate() {
            let step = self.step(&mut st, i, s, &flow, &actions[i]);
            steps.push(step);
        }
        // Workflow outputs.
        let ec = Ectx {
            step: None,
            response: false,
            success: false,
            may: &flow.may_exit,
            must: &flow.must_exit,
            place: format!("an output of workflow `{}`", wf.id.value),
            unreachable: false,
        };
        let mut used = HashSet::new();
        let mut outputs = Vec::new();
        for (name, value) in &wf.outputs {
            let field = field_ident(&name.value, &mut used);
            let (val, ty, _) = self.value_expr(&mut st, &ec, &value.node);
            outputs.push(ir::Output {
                name: name.value.clone(),
                field,
                ty,
                value: val,
                secret: false,
            });
        }
        self.wf_outputs[w] = Some(
            outputs
                .iter()
                .map(|o| (o.name.clone(), o.field.clone(), o.ty.clone()))
                .collect(),
        );
        self.suggest_input_types(w);
        let mut docs = Vec::new();
        if let Some(s) = &wf.summary {
            docs.push(s.clone());
        }
        if let Some(d) = &wf.description {
            docs.push(d.clone());
        }
        ir::Workflow {
            id: wf.id.value.clone(),
            module: self.modules[w].clone(),
            doc: docs.join("\n\n"),
            inputs: st.inputs_ty,
            steps,
            outputs,
            depends_on: st.depends_on.clone(),
        }
    }

    fn empty_struct(&mut self, name: &str, scope: Scope) -> usize {
        let name = if self
            .types
            .defs
            .iter()
            .any(|d| d.name == name && d.scope == scope)
        {
            self.types.unique_name(name, scope)
        } else {
            name.to_owned()
        };
        self.types.defs.push(TypeDef {
            name,
            doc: Some("The inputs of the workflow (it declares none).".to_owned()),
            fields: Vec::new(),
            kind: types::DefKind::Struct,
            scope,
        });
        self.types.defs.len() - 1
    }

    fn target(&mut self, s: &'a model::Step, w: usize) -> Target<'a> {
        let sources = self.sources;
        match &s.target {
            None => Target::Unknown,
            Some(StepTarget::OperationId(t)) => {
                let (source, id) = match t.value.strip_prefix("$sourceDescriptions.") {
                    Some(rest) => match rest.split_once('.') {
                        Some((src, id)) => (Some(src), id),
                        None => {
                            self.err(
                                &t.node,
                                format!(
                                    "`{}` must be `$sourceDescriptions.<name>.<operationId>`",
                                    t.value
                                ),
                            );
                            return Target::Unknown;
                        }
                    },
                    None => (None, t.value.as_str()),
                };
                let mut found: Vec<(usize, &'a Operation)> = Vec::new();
                for (ai, (name, api)) in sources.apis.iter().enumerate() {
                    if source.is_some_and(|s| s != name) {
                        continue;
                    }
                    if let Some(api) = api {
                        for op in &api.operations {
                            if op.operation_id.as_deref() == Some(id) {
                                found.push((ai, op));
                            }
                        }
                    }
                }
                if let Some(src) = source {
                    if !sources.apis.iter().any(|(n, _)| n == src) {
                        let names: Vec<&str> =
                            sources.apis.iter().map(|(n, _)| n.as_str()).collect();
                        self.err_span(
                            &t.node,
                            &(20..20 + src.len()),
                            format!("unknown source description `{src}` in `{}`", t.value),
                        )
                        .candidates(
                            "the document's OpenAPI source descriptions",
                            names,
                            src,
                        );
                        return Target::Unknown;
                    }
                }
                match found.len() {
                    1 => Target::Op {
                        api: found[0].0,
                        op: found[0].1,
                    },
                    0 => {
                        if sources.apis.iter().any(|(_, a)| a.is_none()) {
                            return Target::Unknown; // a source failed to load: already reported
                        }
                        let all: Vec<&str> = sources
                            .apis
                            .iter()
                            .filter(|(n, _)| source.is_none_or(|s| s == n))
                            .filter_map(|(_, a)| a.as_ref())
                            .flat_map(|a| {
                                a.operations
                                    .iter()
                                    .filter_map(|o| o.operation_id.as_deref())
                            })
                            .collect();
                        self.err(
                            &t.node,
                            format!("unknown operationId `{id}` in step `{}`", s.id.value),
                        )
                        .candidates(
                            "the OpenAPI descriptions define",
                            all.iter().copied(),
                            id,
                        );
                        Target::Unknown
                    }
                    _ => {
                        let cands: Vec<String> = found
                            .iter()
                            .map(|(ai, _)| {
                                format!("$sourceDescriptions.{}.{id}", sources.apis[*ai].0)
                            })
                            .collect();
                        self.err(&t.node, format!("operationId `{id}` is ambiguous: several source descriptions define it"))
                            .help.push(format!("name the source: {}", cands.join(" or ")));
                        Target::Unknown
                    }
                }
            }
            Some(StepTarget::OperationPath(t)) => self.operation_path(t),
            Some(StepTarget::WorkflowId(t)) => {
                if let Some(rest) = t.value.strip_prefix("$sourceDescriptions.") {
                    let (src, id) = rest.split_once('.').unwrap_or((rest, ""));
                    let Some((_, exports)) = self.sources.arazzo.iter().find(|(n, _)| n == src)
                    else {
                        let names: Vec<&str> = self
                            .sources
                            .arazzo
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect();
                        self.err(
                            &t.node,
                            format!("`{}` names no Arazzo source description `{src}`", t.value),
                        )
                        .candidates(
                            "the document's Arazzo source descriptions (`type: arazzo`)",
                            names.iter().copied(),
                            src,
                        );
                        return Target::Unknown;
                    };
                    let exports = exports.clone();
                    return match self
                        .sources
                        .arazzo_workflows()
                        .position(|(n, w)| n == src && w.id == id)
                    {
                        Some(k) => Target::Workflow(self.doc.workflows.len() + k),
                        None => {
                            self.err(
                                &t.node,
                                format!("Arazzo source `{src}` has no workflow `{id}`"),
                            )
                            .candidates(
                                "it declares",
                                exports.iter().map(|w| w.id.as_str()),
                                id,
                            );
                            Target::Unknown
                        }
                    };
                }
                match self.workflow_index(&t.value) {
                    Some(j) if j == w => {
                        self.err(
                            &t.node,
                            format!("step `{}` runs its own workflow `{}`", s.id.value, t.value),
                        );
                        Target::Unknown
                    }
                    Some(j) => Target::Workflow(j),
                    None => {
                        let ids: Vec<&str> =
                            self.doc.workflows.iter().map(|x| x.id.as_str()).collect();
                        self.err(
                            &t.node,
                            format!("unknown workflowId `{}` in step `{}`", t.value, s.id.value),
                        )
                        .candidates(
                            "the document declares",
                            ids.iter().copied(),
                            &t.value,
                        );
                        Target::Unknown
                    }
                }
            }
        }
    }

    fn operation_path(&mut self, t: &Text) -> Target<'a> {
        let sources = self.sources;
        let mut value = t.value.as_str();
        // Dialect: `someSource#/paths/...` names a declared source description directly.
        let canonical;
        if let Some((name, frag)) = value.split_once('#') {
            if !name.starts_with('{') && sources.apis.iter().any(|(n, _)| n == name) {
                canonical = format!("{{$sourceDescriptions.{name}.url}}#{frag}");
                self.warn(
                    "dialect",
                    &t.node,
                    format!("`operationPath` `{value}` is read as `{canonical}`"),
                )
                .add_help(format!("an `operationPath` starts with the source description's url as a runtime expression: write `{canonical}`"))
                .suggest_scalar(value, &canonical, Applicability::MachineApplicable);
                value = canonical.as_str();
            }
        }
        let Some(rest) = value.strip_prefix("{$sourceDescriptions.") else {
            self.err(&t.node, format!("`operationPath` `{value}` must start with `{{$sourceDescriptions.<name>.url}}#`"))
                .help.push("for example `{$sourceDescriptions.api.url}#/paths/~1customers~1{id}/get`".into());
            return Target::Unknown;
        };
        let Some((name, after)) = rest.split_once(".url}") else {
            self.err(&t.node, format!("`operationPath` `{value}` must start with `{{$sourceDescriptions.<name>.url}}#`"));
            return Target::Unknown;
        };
        let Some(ai) = sources.apis.iter().position(|(n, _)| n == name) else {
            let names: Vec<&str> = sources.apis.iter().map(|(n, _)| n.as_str()).collect();
            self.err_span(
                &t.node,
                &(20..20 + name.len()),
                format!("unknown source description `{name}` in `operationPath`"),
            )
            .candidates("the document's OpenAPI source descriptions", names, name);
            return Target::Unknown;
        };
        let Some(api) = &sources.apis[ai].1 else {
            return Target::Unknown;
        };
        let frag = after.strip_prefix('#').unwrap_or(after);
        let Some(tokens) = crate::openapi::pointer_tokens(frag) else {
            self.err(
                &t.node,
                format!("`operationPath` `{value}` has a malformed JSON pointer"),
            )
            .help
            .push("escape `/` in the path as `~1`: `#/paths/~1customers~1{id}/get`".into());
            return Target::Unknown;
        };
        match tokens.as_slice() {
            [p, path, method] if p == "paths" => {
                match api
                    .operations
                    .iter()
                    .find(|o| o.path == *path && o.method.eq_ignore_ascii_case(method))
                {
                    Some(op) => Target::Op { api: ai, op },
                    None => {
                        let paths: Vec<String> = api
                            .operations
                            .iter()
                            .map(|o| format!("{} {}", o.method, o.path))
                            .collect();
                        let help = did_you_mean(
                            &format!("{} {}", method.to_ascii_uppercase(), path),
                            paths.iter().map(String::as_str),
                        );
                        let d = self.err(&t.node, format!("`operationPath` does not resolve: no operation `{} {path}` in source `{name}`", method.to_ascii_uppercase()));
                        d.help.push(format!(
                            "operations: {}",
                            list_names(paths.iter().map(String::as_str))
                        ));
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        Target::Unknown
                    }
                }
            }
            [p, path] if p == "paths" => {
                let methods: Vec<String> = api
                    .operations
                    .iter()
                    .filter(|o| o.path == *path)
                    .map(|o| o.method.to_ascii_lowercase())
                    .collect();
                self.err(
                    &t.node,
                    format!("`operationPath` points at the path `{path}`, not at an operation"),
                )
                .help
                .push(format!(
                    "add the HTTP method: `{value}/{}`",
                    methods.first().map_or("get", String::as_str)
                ));
                Target::Unknown
            }
            _ => {
                self.err(
                    &t.node,
                    format!("`operationPath` `{value}` does not point at an operation"),
                )
                .help
                .push(
                    "it must look like `{$sourceDescriptions.api.url}#/paths/~1customers/get`"
                        .into(),
                );
                Target::Unknown
            }
        }
    }

    /// Resolves action references into actions (flag: came from a component).
    fn actions(&mut self, list: &'a [ActionOrRef], failure: bool) -> Vec<(model::Action, bool)> {
        let mut out = Vec::new();
        for a in list {
            match a {
                ActionOrRef::Action(a) => out.push((a.clone(), false)),
                ActionOrRef::Ref(r) => {
                    let (kind, comps) = if failure {
                        ("failureActions", &self.doc.components.failure_actions)
                    } else {
                        ("successActions", &self.doc.components.success_actions)
                    };
                    let prefix = format!("$components.{kind}.");
                    match r.value.strip_prefix(&prefix) {
                        Some(name) => match comps.iter().find(|(k, _)| k.value == name) {
                            Some((_, a)) => out.push((a.clone(), true)),
                            None => {
                                let names: Vec<&str> =
                                    comps.iter().map(|(k, _)| k.as_str()).collect();
                                let help = did_you_mean(name, names.iter().copied());
                                let d =
                                    self.err(&r.node, format!("unknown component `{}`", r.value));
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

    fn action_kind(&mut self, a: &model::Action, st: &Wf<'_>) -> Option<ActionKind> {
        let step_target = |me: &mut Self, t: &Text| -> Option<usize> {
            match st.step_ids.iter().position(|s| *s == t.value) {
                Some(i) => Some(i),
                None => {
                    let help = did_you_mean(&t.value, st.step_ids.iter().map(String::as_str));
                    let d = me.err(
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
                    None
                }
            }
        };
        let workflow = match &a.workflow_id {
            None => None,
            Some(wid) => match self.workflow_index(&wid.value) {
                Some(j) if j == st.index => {
                    self.err(
                        &wid.node,
                        format!(
                            "action `{}` transfers to its own workflow `{}`",
                            a.name.value, wid.value
                        ),
                    )
                    .help
                    .push(
                        "use `goto` with a `stepId` to go back to a step of this workflow".into(),
                    );
                    return None;
                }
                Some(j) => Some(j),
                None => {
                    let ids: Vec<&str> = self.doc.workflows.iter().map(|x| x.id.as_str()).collect();
                    self.err(
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
        };
        if let (Some(j), Some(wid)) = (workflow, &a.workflow_id) {
            // The target runs with this workflow's inputs, matched by name (as for dependsOn).
            let theirs = self.wf_inputs[j]
                .as_ref()
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            for (json, _, ty) in &theirs {
                if !ty.is_option() && !st.input_names.iter().any(|(n, _, _)| n == json) {
                    self.err(&wid.node, format!(
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

    /// The type of `$response.body#<tokens>` joined over every documented response that
    /// can satisfy the step's success criteria ([`crate::status`]): `Option` when some of
    /// them may lack the value, `serde_json::Value` when they disagree on its type. `None`
    /// when only the success response is admitted (the plain case).
    fn joined_body_output(
        &mut self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        op: &'a Operation,
        tokens: &[String],
        hint: &str,
    ) -> Option<(Ty, Option<Schema<'a>>)> {
        let store = &self.sources.store;
        let step = ec
            .step
            .and_then(|i| self.doc.workflows.get(st.index)?.steps.get(i))?;
        let responses = all_responses(store, op);
        let codes: Vec<&str> = responses.iter().map(|(c, _)| c.as_str()).collect();
        let admitted: Vec<&(String, At<'a>)> =
            crate::status::admitted(&step.success_criteria, &codes)
                .into_iter()
                .zip(&responses)
                .filter_map(|(ok, r)| ok.then_some(r))
                .collect();
        let success = store.success_response(op).map(|(c, _)| c);
        if admitted.is_empty() || (admitted.len() == 1 && Some(&admitted[0].0) == success.as_ref())
        {
            return None;
        }
        // The response that names the type: the success response when admitted.
        let walks: Vec<Option<Walk<'a>>> = admitted
            .iter()
            .map(|(_, r)| {
                store
                    .response_schema(*r)
                    .map(|s| types::walk(&self.resolver, Schema::Api(s), tokens))
            })
            .collect();
        let primary = admitted
            .iter()
            .position(|(c, _)| Some(c) == success.as_ref())
            .filter(|&i| matches!(walks[i], Some(Walk::Found(..))))
            .or_else(|| {
                walks
                    .iter()
                    .position(|w| matches!(w, Some(Walk::Found(..))))
            })?;
        let Some(Walk::Found(main, main_optional)) = walks[primary] else {
            return None;
        };
        let same = |a: Schema<'a>, b: Schema<'a>| -> bool {
            let (Some((a, _)), Some((b, _))) = (self.resolver.resolve(a), self.resolver.resolve(b))
            else {
                return false;
            };
            if std::ptr::eq(a.node(), b.node()) {
                return true;
            }
            let (ta, tb) = (types::schema_types(a.node()), types::schema_types(b.node()));
            let scalar = ta.len() == 1
                && matches!(ta[0], "string" | "integer" | "number" | "boolean")
                && a.node().get("enum").is_none()
                && b.node().get("enum").is_none();
            scalar
                && ta == tb
                && a.node().get("format").map(Node::to_json)
                    == b.node().get("format").map(Node::to_json)
        };
        let mut optional = main_optional;
        let mut agree = true;
        for (i, w) in walks.iter().enumerate() {
            if i == primary {
                continue;
            }
            match w {
                Some(Walk::Found(s, opt)) => {
                    optional |= *opt;
                    agree &= same(main, *s);
                }
                // No body, an undocumented body, or a body without the value.
                _ => optional = true,
            }
        }
        if !agree {
            return Some((Ty::Json.optional(), None));
        }
        let ty = self
            .types
            .ty_of(&self.resolver, main, hint, Scope::Workflow(st.index));
        Some((if optional { ty.optional() } else { ty }, Some(main)))
    }

    /// The type of a step output (and its schema when it points into a response body).
    fn output_type(
        &mut self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        value: &Text,
        hint: &str,
    ) -> (Ty, Option<Schema<'a>>) {
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        if matches!(value.node.value, Value::Map(_)) {
            // A Selector Object: a JSON pointer is typed as its pointer form.
            return match model::Selector::read(&value.node) {
                Some(sel) => match Self::pointer_selector(&sel) {
                    Some(t) => self.output_type(st, ec, &t, hint),
                    None if sel.kind == Some(model::SelectorType::JsonPath)
                        && !jsonpath_singular(&sel.selector.value) =>
                    {
                        (Ty::Vec(Box::new(Ty::Json)), None)
                    }
                    None => (Ty::Json, None),
                },
                None => (Ty::Json, None),
            };
        }
        match expr::classify(&value.value) {
            Ok(Classified::Expression(e)) => match &e.kind {
                ExprKind::Response(Source::Body(ptr)) => {
                    if let Some(Target::Op { op, .. }) = target {
                        let tokens = ptr.as_ref().map(|p| p.tokens.clone()).unwrap_or_default();
                        if let Some(joined) = self.joined_body_output(st, ec, op, &tokens, hint) {
                            return joined;
                        }
                        let store = &self.sources.store;
                        let schema = store
                            .success_response(op)
                            .and_then(|(_, r)| store.response_schema(r));
                        if let Some(schema) = schema {
                            let tokens = ptr.as_ref().map(|p| p.tokens.clone()).unwrap_or_default();
                            return match types::walk(&self.resolver, Schema::Api(schema), &tokens) {
                                Walk::Found(s, optional) => {
                                    let ty = self.types.ty_of(
                                        &self.resolver,
                                        s,
                                        hint,
                                        Scope::Workflow(st.index),
                                    );
                                    (if optional { ty.optional() } else { ty }, Some(s))
                                }
                                // Reported when the value is lowered.
                                _ => (Ty::Json, None),
                            };
                        }
                    }
                    (Ty::Json, None)
                }
                ExprKind::Outputs { name, pointer } => {
                    if let Some(Target::Workflow(j)) = target {
                        if let Some(outs) = &self.wf_outputs[j] {
                            if let Some((_, _, ty)) = outs.iter().find(|(n, _, _)| *n == name.text)
                            {
                                return (
                                    if pointer.is_some() {
                                        Ty::Json
                                    } else {
                                        ty.clone()
                                    },
                                    None,
                                );
                            }
                        }
                    }
                    (Ty::Json, None)
                }
                ExprKind::StatusCode => (Ty::Integer, None),
                ExprKind::Response(Source::Header(h)) => {
                    // A header the success response documents without `required: true` may be absent.
                    let optional = match target {
                        Some(Target::Op { op, .. }) => {
                            let store = &self.sources.store;
                            store.success_response(op).and_then(|(_, r)| {
                                let headers = r.node.get("headers")?;
                                let (_, h) = headers
                                    .entries()
                                    .iter()
                                    .find(|(k, _)| k.text.eq_ignore_ascii_case(&h.text))?;
                                let h = store.resolve(At {
                                    file: r.file,
                                    node: h,
                                })?;
                                Some(h.node.get("required").and_then(Node::as_bool) != Some(true))
                            })
                        }
                        _ => None,
                    };
                    (
                        if optional == Some(true) {
                            Ty::String.optional()
                        } else {
                            Ty::String
                        },
                        None,
                    )
                }
                ExprKind::Url | ExprKind::Method => (Ty::String, None),
                ExprKind::Request(Source::Header(n) | Source::Query(n) | Source::Path(n)) => {
                    // A parameter written as a string (literal or template) is a string.
                    let step = ec
                        .step
                        .and_then(|i| self.doc.workflows.get(st.index)?.steps.get(i));
                    let is_text = step.is_some_and(|s| {
                        s.parameters.iter().any(|p| match p {
                            ParamOrRef::Param(p) => {
                                p.name.value.eq_ignore_ascii_case(&n.text)
                                    && matches!(
                                        p.value.as_str().map(expr::classify),
                                        Some(Ok(Classified::Literal | Classified::Template(_)))
                                    )
                            }
                            ParamOrRef::Ref { .. } => false,
                        })
                    });
                    (if is_text { Ty::String } else { Ty::Json }, None)
                }
                ExprKind::Inputs { name, pointer } => {
                    match (
                        st.input_names.iter().find(|(j, _, _)| *j == name.text),
                        pointer,
                    ) {
                        (Some((_, _, ty)), None) => (ty.clone(), None),
                        _ => (Ty::Json, None),
                    }
                }
                ExprKind::Steps {
                    step,
                    name,
                    pointer: None,
                } => {
                    let found = st
                        .step_ids
                        .iter()
                        .position(|s| *s == step.text)
                        .and_then(|j| {
                            st.outputs
                                .get(j)?
                                .iter()
                                .find(|o| o.name == name.text)
                                .map(|o| (j, o.ty.clone(), o.schema))
                        });
                    match found {
                        Some((j, ty, schema)) => (
                            if ec.must.get(j).copied().unwrap_or(false) {
                                ty
                            } else {
                                ty.optional()
                            },
                            schema,
                        ),
                        None => (Ty::Json, None),
                    }
                }
                _ => (Ty::Json, None),
            },
            Ok(Classified::Template(_)) | Ok(Classified::Literal) => (Ty::String, None),
            Err(_) => (Ty::Json, None),
        }
    }

    fn step(
        &mut self,
        st: &mut Wf<'a>,
        i: usize,
        s: &'a model::Step,
        flow: &Flow,
        actions: &StepActions,
    ) -> ir::Step {
        let wf = &self.doc.workflows[st.index];
        let target = st.targets[i];
        let req_ec = Ectx {
            step: Some(i),
            response: false,
            success: false,
            may: &flow.may_in[i],
            must: &flow.must_in[i],
            place: format!("step `{}`", s.id.value),
            unreachable: !flow.reachable[i],
        };
        // Step `dependsOn` (Arazzo 1.1): steps run in document order here, so an
        // earlier step of the same workflow is a prerequisite already met.
        for d in &s.depends_on {
            match st.step_ids.iter().position(|x| *x == d.value) {
                Some(j) if j < i => {}
                Some(j) if j == i => {
                    self.err(&d.node, format!("step `{}` depends on itself", s.id.value));
                }
                Some(_) => {
                    self.err(&d.node, format!("step `{}` depends on `{}`, which comes after it", s.id.value, d.value))
                        .help
                        .push("steps run in the order they are listed: move the step it depends on before it".into());
                }
                None if d.value.starts_with('$') => {
                    self.err(&d.node, format!("`{}`: a step `dependsOn` on a step of another workflow is not supported yet", d.value))
                        .help
                        .push("name a step of this workflow, or depend on the workflow (`dependsOn` of the workflow)".into());
                }
                None => {
                    let names: Vec<&str> = st.step_ids.iter().map(String::as_str).collect();
                    self.unknown_name(
                        &d.node,
                        &(0..d.value.len()),
                        format!(
                            "step `{}` depends on unknown step `{}`",
                            s.id.value, d.value
                        ),
                        "the workflow's steps",
                        &names,
                        &d.value,
                    );
                }
            }
        }
        // Parameters: the workflow's, overridden by the step's (same name and location).
        let mut params: Vec<(model::Parameter, Option<Node>)> = Vec::new();
        // Workflow-level parameters apply to the steps that call operations; the
        // parameters of a step that runs a workflow are that workflow's inputs.
        let runs_workflow = matches!(target, Target::Workflow(_));
        let inherited: &[ParamOrRef] = if runs_workflow { &[] } else { &wf.parameters };
        for p in inherited.iter().chain(s.parameters.iter()) {
            let resolved = match p {
                ParamOrRef::Param(p) => Some((p.clone(), None)),
                ParamOrRef::Ref { reference, value } => self.param_ref(reference, value.clone()),
            };
            if let Some((p, ov)) = resolved {
                params.retain(|(q, _)| !same_param(q, &p));
                params.push((p, ov));
            }
        }
        // Duplicate check within the step itself.
        let own: Vec<&model::Parameter> = s
            .parameters
            .iter()
            .filter_map(|p| {
                if let ParamOrRef::Param(p) = p {
                    Some(p)
                } else {
                    None
                }
            })
            .collect();
        for (k, p) in own.iter().enumerate() {
            let dup = own[..k].iter().any(|q| {
                q.location == p.location
                    && if p.location == Some(ParamIn::Header) {
                        q.name.value.eq_ignore_ascii_case(&p.name.value)
                    } else {
                        q.name.value == p.name.value
                    }
            });
            if dup {
                self.err(
                    &p.name.node,
                    format!(
                        "parameter `{}` is given twice in step `{}`",
                        p.name.value, s.id.value
                    ),
                )
                .help
                .push("parameters are unique by `name` and `in`".into());
            }
        }
        let kind = match target {
            Target::Op { api, op } => {
                let (source_name, api_model) =
                    (&self.sources.apis[api].0, self.sources.apis[api].1.as_ref());
                let mut lowered = Vec::new();
                for (p, override_value) in &params {
                    let value_node = override_value.as_ref().unwrap_or(&p.value);
                    let Some(location) = p.location else {
                        self.err(&p.name.node, format!("parameter `{}` of step `{}` has no `in`", p.name.value, s.id.value))
                            .help.push("a step that calls an operation must say where each parameter goes: `in: path | query | header | cookie`".into());
                        continue;
                    };
                    let declared = op.parameters.iter().any(|q| {
                        q.location == location
                            && if location == ParamIn::Header {
                                q.name.eq_ignore_ascii_case(&p.name.value)
                            } else {
                                q.name == p.name.value
                            }
                    });
                    let credential = api_model.is_some_and(|a| match location {
                        ParamIn::Header => a
                            .credential_headers
                            .contains(&p.name.value.to_ascii_lowercase()),
                        ParamIn::Cookie => a.credential_cookies.contains(&p.name.value),
                        ParamIn::Query => a.credential_queries.contains(&p.name.value),
                        ParamIn::Path | ParamIn::QueryString => false,
                    });
                    if !declared
                        && !credential
                        && matches!(
                            location,
                            ParamIn::Path | ParamIn::Query | ParamIn::QueryString
                        )
                    {
                        let names: Vec<&str> = op
                            .parameters
                            .iter()
                            .filter(|q| q.location == location)
                            .map(|q| q.name.as_str())
                            .collect();
                        let help = did_you_mean(&p.name.value, names.iter().copied());
                        let d = self.err(
                            &p.name.node,
                            format!(
                                "operation `{}` has no {} parameter `{}`",
                                op.operation_id.as_deref().unwrap_or(&op.path),
                                location.as_str(),
                                p.name.value
                            ),
                        );
                        d.help.push(format!(
                            "its {} parameters: {}",
                            location.as_str(),
                            list_names(names.iter().copied())
                        ));
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        d.suggest_name(&p.name.value, names.iter().copied());
                    }
                    let (value, _, _) = self.value_expr(st, &req_ec, value_node);
                    let secret = credential
                        || (location == ParamIn::Header
                            && p.name.value.eq_ignore_ascii_case("authorization"))
                        || location == ParamIn::Cookie
                        || p.name.value.eq_ignore_ascii_case("proxy-authorization");
                    lowered.push(ir::Param {
                        name: p.name.value.clone(),
                        location,
                        value,
                        secret,
                    });
                }
                for q in &op.parameters {
                    if !q.required {
                        continue;
                    }
                    let supplied = lowered.iter().any(|p| {
                        p.location == q.location
                            && if q.location == ParamIn::Header {
                                p.name.eq_ignore_ascii_case(&q.name)
                            } else {
                                p.name == q.name
                            }
                    });
                    // A parameter of that name without `in` was already reported.
                    let unplaced = params.iter().any(|(p, _)| {
                        p.location.is_none() && p.name.value.eq_ignore_ascii_case(&q.name)
                    });
                    if !supplied && !unplaced {
                        self.err(&s.id.node, format!(
                            "step `{}` does not supply the required {} parameter `{}` of operation `{}`",
                            s.id.value, q.location.as_str(), q.name, op.operation_id.as_deref().unwrap_or(&op.path)
                        ))
                        .help.push(format!("add `- name: {}\n            in: {}\n            value: ...` to its parameters", q.name, q.location.as_str()));
                    }
                }
                let body = s
                    .request_body
                    .as_ref()
                    .and_then(|rb| self.body(st, &req_ec, rb, op, s));
                if s.request_body.is_none() {
                    if let Some(opn) = self.sources.store.operation_node(op) {
                        let rb = opn.node.get("requestBody").and_then(|n| {
                            self.sources.store.resolve(At {
                                file: opn.file,
                                node: n,
                            })
                        });
                        if rb.is_some_and(|r| {
                            r.node.get("required").and_then(Node::as_bool) == Some(true)
                        }) {
                            self.err(&s.id.node, format!(
                                "operation `{}` requires a request body, but step `{}` has no `requestBody`",
                                op.operation_id.as_deref().unwrap_or(&op.path), s.id.value
                            ));
                        }
                    }
                }
                ir::StepKind::Operation {
                    source: source_name.clone(),
                    operation: op
                        .operation_id
                        .clone()
                        .unwrap_or_else(|| format!("{} {}", op.method, op.path)),
                    method: op.method.clone(),
                    path: op.path.clone(),
                    default_server: api_model.and_then(|a| a.server.clone()).unwrap_or_default(),
                    params: lowered,
                    body,
                }
            }
            Target::Workflow(j) => {
                let mut inputs = Vec::new();
                let names = self.wf_inputs[j]
                    .as_ref()
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                for (p, ov) in &params {
                    if p.location.is_some() {
                        self.err(&p.name.node, format!("parameter `{}` of step `{}` has `in`, but the step runs a workflow", p.name.value, s.id.value))
                            .help.push("parameters of a workflow step become that workflow's inputs: remove `in`".into());
                    }
                    if !names.iter().any(|(n, _, _)| *n == p.name.value) {
                        self.err(
                            &p.name.node,
                            format!(
                                "workflow `{}` has no input `{}`",
                                self.wf_id(j),
                                p.name.value
                            ),
                        )
                        .candidates(
                            "its inputs",
                            names.iter().map(|(n, _, _)| n.as_str()),
                            &p.name.value,
                        );
                    }
                    let (value, _, _) =
                        self.value_expr(st, &req_ec, ov.as_ref().unwrap_or(&p.value));
                    inputs.push((p.name.value.clone(), value));
                }
                for (json, _, ty) in &names {
                    if !ty.is_option() && !inputs.iter().any(|(n, _)| n == json) {
                        self.err(&s.id.node, format!(
                            "step `{}` does not supply the required input `{json}` of workflow `{}`",
                            s.id.value, self.wf_id(j)
                        ))
                        .help.push(format!("add `- name: {json}\n            value: ...` to the step's parameters"));
                    }
                }
                if let Some(rb) = &s.request_body {
                    self.err(
                        &rb.node,
                        format!(
                            "step `{}` runs a workflow and cannot have a `requestBody`",
                            s.id.value
                        ),
                    );
                }
                for (what, present) in [
                    ("successCriteria", !s.success_criteria.is_empty()),
                    ("onFailure", !s.on_failure.is_empty()),
                ] {
                    if present {
                        self.err(&s.id.node, format!(
                            "`{what}` on step `{}`, which runs a workflow, is not supported yet",
                            s.id.value
                        ))
                        .help.push("the step succeeds when the workflow it runs succeeds; handle failures inside that workflow".into());
                    }
                }
                ir::StepKind::Workflow {
                    workflow: j,
                    inputs,
                }
            }
            Target::Unknown => ir::StepKind::Workflow {
                workflow: usize::MAX,
                inputs: Vec::new(),
            },
        };
        st.request = match &kind {
            ir::StepKind::Operation { params, body, .. } => Some((params.clone(), body.clone())),
            ir::StepKind::Workflow { .. } => None,
        };
        // Criteria and actions, evaluated once the response is there.
        let resp_ec = Ectx {
            step: Some(i),
            response: true,
            success: false,
            may: &flow.may_in[i],
            must: &flow.must_in[i],
            place: format!("a criterion of step `{}`", s.id.value),
            unreachable: !flow.reachable[i],
        };
        let success: Vec<ir::Criterion> = s
            .success_criteria
            .iter()
            .filter_map(|c| self.criterion(st, &resp_ec, c))
            .collect();
        let mut after_success_may = flow.may_in[i].clone();
        let mut after_success_must = flow.must_in[i].clone();
        if let Some(x) = after_success_may.get_mut(i) {
            *x = true;
        }
        if let Some(x) = after_success_must.get_mut(i) {
            *x = true;
        }
        let succ_ec = Ectx {
            may: &after_success_may,
            must: &after_success_must,
            ..resp_ec
        };
        let mut lower_actions =
            |me: &mut Self, list: &[(model::Action, bool)], ec: &Ectx<'_>| -> Vec<ir::Action> {
                list.iter()
                    .filter_map(|(a, _)| {
                        let kind = me.action_kind_quiet(a, st)?;
                        let criteria = a
                            .criteria
                            .iter()
                            .filter_map(|c| me.criterion(st, ec, c))
                            .collect();
                        Some(ir::Action {
                            name: a.name.value.clone(),
                            kind,
                            criteria,
                        })
                    })
                    .collect()
            };
        let on_success = lower_actions(self, &actions.0, &succ_ec);
        let fail_ec = Ectx {
            step: Some(i),
            response: true,
            success: false,
            may: &flow.may_in[i],
            must: &flow.must_in[i],
            place: format!("a failure action of step `{}`", s.id.value),
            unreachable: !flow.reachable[i],
        };
        let on_failure = lower_actions(self, &actions.1, &fail_ec);
        // Outputs (values now, types were computed earlier).
        let out_ec = Ectx {
            step: Some(i),
            response: true,
            success: true,
            may: &flow.may_in[i],
            must: &flow.must_in[i],
            place: format!("an output of step `{}`", s.id.value),
            unreachable: !flow.reachable[i],
        };
        let mut outputs = Vec::new();
        for (k, (name, value)) in s.outputs.iter().enumerate() {
            let (val, _, _) = self.value_expr(st, &out_ec, &value.node);
            let info = st.outputs[i].get(k).cloned();
            let (field, ty) = info
                .map(|o| (o.field, o.ty))
                .unwrap_or_else(|| (name.value.to_snake_case(), Ty::Json));
            outputs.push(ir::StepOutput {
                name: name.value.clone(),
                field,
                ty,
                value: val,
                doc: format!(
                    "`{}` of step `{}`: `{}`",
                    name.value, s.id.value, value.value
                ),
                secret: false,
            });
        }
        let mut deps: Vec<(usize, bool)> = Vec::new();
        let mut refs = Vec::new();
        for o in &outputs {
            collect_steps(&o.value, &mut refs);
        }
        if let ir::StepKind::Operation { params, body, .. } = &kind {
            for p in params {
                collect_steps(&p.value, &mut refs);
            }
            if let Some(b) = body {
                collect_steps(&b.value, &mut refs);
                for (_, v) in &b.replacements {
                    collect_steps(v, &mut refs);
                }
            }
        }
        if let ir::StepKind::Workflow { inputs, .. } = &kind {
            for (_, v) in inputs {
                collect_steps(v, &mut refs);
            }
        }
        for c in &success {
            collect_criterion_steps(c, &mut refs);
        }
        refs.sort_unstable();
        refs.dedup();
        for r in refs {
            if r != i {
                deps.push((r, flow.must_in[i].get(r).copied().unwrap_or(false)));
            }
        }
        let mut doc = Vec::new();
        if let Some(d) = &s.description {
            doc.push(d.clone());
        }
        let fn_name = {
            let mut used: HashSet<String> =
                st.step_ids[..i].iter().map(|x| x.to_snake_case()).collect();
            field_ident(&s.id.value, &mut used)
        };
        let mut variant = s.id.value.to_upper_camel_case();
        variant.retain(|c| c.is_ascii_alphanumeric());
        if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
            variant.insert(0, 'S');
        }
        if st.step_ids[..i].iter().any(|x| {
            let mut v = x.to_upper_camel_case();
            v.retain(|c| c.is_ascii_alphanumeric());
            v == variant
        }) {
            variant.push_str(&i.to_string());
        }
        let mut step = ir::Step {
            id: s.id.value.clone(),
            fn_name,
            variant,
            doc: doc.join("\n\n"),
            kind,
            success,
            on_success,
            on_failure,
            outputs,
            deps,
            workflow_deps: Vec::new(),
            timeout_ms: s.timeout,
        };
        if let (Some(_), ir::StepKind::Workflow { .. }) = (s.timeout, &step.kind) {
            if let Some(t) = s.node.get("timeout") {
                self.err(t, format!("a `timeout` on step `{}`, which runs a workflow, is not supported yet", s.id.value))
                    .help
                    .push("a `timeout` bounds the HTTP exchange of a step that calls an operation; `Client::workflow_timeout` bounds a whole run".into());
            }
        }
        step.workflow_deps = workflow_refs(&step);
        step
    }

    /// Like [`Self::action_kind`] but without reporting again (problems were reported once).
    fn action_kind_quiet(&mut self, a: &model::Action, st: &Wf<'_>) -> Option<ActionKind> {
        let mut scratch = Diagnostics::default();
        let saved = std::mem::replace(self.diags, scratch);
        let k = self.action_kind(a, st);
        scratch = std::mem::replace(self.diags, saved);
        drop(scratch);
        k
    }

    fn param_ref(
        &mut self,
        reference: &Text,
        value: Option<Node>,
    ) -> Option<(model::Parameter, Option<Node>)> {
        let Some(name) = reference.value.strip_prefix("$components.parameters.") else {
            self.err(
                &reference.node,
                format!(
                    "a parameter `reference` must be `$components.parameters.<name>`, found `{}`",
                    reference.value
                ),
            );
            return None;
        };
        match self
            .doc
            .components
            .parameters
            .iter()
            .find(|(k, _)| k.value == name)
        {
            Some((_, p)) => Some((p.clone(), value)),
            None => {
                let names: Vec<&str> = self
                    .doc
                    .components
                    .parameters
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect();
                self.err(
                    &reference.node,
                    format!("unknown component parameter `{name}`"),
                )
                .candidates("`components.parameters` declares", names, name);
                None
            }
        }
    }

    fn body(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        rb: &model::RequestBody,
        op: &'a Operation,
        s: &model::Step,
    ) -> Option<ir::Body> {
        let store = &self.sources.store;
        let ct_wanted = rb.content_type.as_ref().map(|t| t.value.clone());
        let documented = store.request_schema(op, ct_wanted.as_deref());
        let content_type = match (&ct_wanted, &documented) {
            (Some(c), _) => c.clone(),
            (None, Some((c, _))) => c.clone(),
            (None, None) => "application/json".to_owned(),
        };
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let kind = if crate::openapi::is_json(&media) {
            BodyKind::Json
        } else if media == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if media.starts_with("text/") || media == "application/xml" {
            BodyKind::Text
        } else {
            let node = rb
                .content_type
                .as_ref()
                .map_or(&rb.node, |t| &t.node)
                .clone();
            self.err(&node, format!("request body content type `{content_type}` is not supported"))
                .help.push("supported: application/json (and +json), application/x-www-form-urlencoded, text/* and application/xml as text".into());
            return None;
        };
        if let (Some(ct), None) = (&rb.content_type, &documented) {
            if let Some(opn) = store.operation_node(op) {
                if opn.node.get("requestBody").is_some() {
                    let node = ct.node.clone();
                    let media_types: Vec<String> = opn
                        .node
                        .get("requestBody")
                        .and_then(|rb| {
                            self.sources.store.resolve(At {
                                file: opn.file,
                                node: rb,
                            })
                        })
                        .and_then(|rb| rb.node.get("content"))
                        .map(|c| c.entries().iter().map(|(k, _)| k.text.clone()).collect())
                        .unwrap_or_default();
                    self.warn(
                        "undocumented_content_type",
                        &node,
                        format!(
                            "operation `{}` does not document a `{}` request body; it is sent as written, unchecked",
                            op.operation_id.as_deref().unwrap_or(&op.path),
                            ct.value
                        ),
                    )
                    .candidates("it documents", media_types.iter().map(String::as_str), &ct.value);
                }
            }
        }
        let payload = rb.payload.clone().unwrap_or(Node {
            value: Value::Null,
            pos: rb.node.pos,
            content_offset: None,
            col_map: None,
        });
        let (value, _, _) = self.value_expr(st, ec, &payload);
        if kind == BodyKind::Text
            && !matches!(
                value,
                Val::Lit(serde_json::Value::String(_)) | Val::Template(_) | Val::Expr(_)
            )
        {
            self.err(
                &payload,
                format!("a `{content_type}` body must be a string payload"),
            );
        }
        let mut replacements = Vec::new();
        for (target, v) in &rb.replacements {
            match crate::openapi::pointer_tokens(&target.value) {
                Some(_) => {
                    let (val, _, _) = self.value_expr(st, ec, v);
                    replacements.push((target.value.clone(), val));
                }
                None => {
                    self.err(
                        &target.node,
                        format!(
                            "replacement target `{}` is not a JSON pointer",
                            target.value
                        ),
                    )
                    .help
                    .push("targets are RFC 6901 pointers such as `/customer/id`".into());
                }
            }
        }
        // Check the payload against the request schema (JSON and form bodies).
        if let (Some((_, Some(schema))), true) = (&documented, kind != BodyKind::Text) {
            let schema = Schema::Api(*schema);
            let replaced: Vec<String> = rb
                .replacements
                .iter()
                .map(|(t, _)| t.value.clone())
                .collect();
            // A replacement target must exist where the schema allows no other properties.
            for (target, _) in &rb.replacements {
                let Some(tokens) = crate::openapi::pointer_tokens(&target.value) else {
                    continue;
                };
                if let Walk::Missing { index, available } =
                    types::walk(&self.resolver, schema, &tokens)
                {
                    let closed = match types::walk(&self.resolver, schema, &tokens[..index]) {
                        Walk::Found(parent, _) => {
                            self.resolver.resolve(parent).is_some_and(|(p, _)| {
                                p.node().get("additionalProperties").and_then(Node::as_bool)
                                    == Some(false)
                            })
                        }
                        _ => false,
                    };
                    if closed {
                        let tok = tokens.get(index).cloned().unwrap_or_default();
                        self.err(&target.node, format!("replacement target `{}`: the request body schema has no property `{tok}` there and allows no others", target.value))
                            .candidates("its properties", available.iter().map(String::as_str), &tok);
                    }
                }
            }
            self.check_payload(&payload, &value, schema, "", &replaced, s);
        }
        Some(ir::Body {
            content_type,
            kind,
            value,
            replacements,
        })
    }

    /// Checks a lowered payload against a schema: unknown properties (when extras are
    /// forbidden), missing required properties, literals or typed values that cannot fit.
    fn check_payload(
        &mut self,
        node: &Node,
        val: &Val,
        schema: Schema<'a>,
        path: &str,
        replaced: &[String],
        s: &model::Step,
    ) {
        let Some((schema, _)) = self.resolver.resolve(schema) else {
            return;
        };
        let sn = schema.node();
        if sn.get("oneOf").is_some() || sn.get("anyOf").is_some() {
            // Fits if it fits one branch: check quietly against each.
            let key = if sn.get("oneOf").is_some() {
                "oneOf"
            } else {
                "anyOf"
            };
            let branches: Vec<Schema<'a>> = sn
                .get(key)
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .map(|b| match schema {
                    Schema::Api(at) => Schema::Api(At {
                        file: at.file,
                        node: b,
                    }),
                    Schema::Doc(_) => Schema::Doc(b),
                })
                .collect();
            let mut best: Option<Diagnostics> = None;
            for b in branches {
                let mut scratch = Diagnostics::default();
                let saved = std::mem::replace(self.diags, scratch);
                self.quiet += 1;
                self.check_payload(node, val, b, path, replaced, s);
                self.quiet -= 1;
                scratch = std::mem::replace(self.diags, saved);
                if scratch.is_empty() {
                    return;
                }
                if best.as_ref().is_none_or(|b| scratch.len() < b.len()) {
                    best = Some(scratch);
                }
            }
            if let Some(b) = best {
                for d in b.into_vec() {
                    self.diags.push(d);
                }
            }
            return;
        }
        let props_of = |sch: Schema<'a>,
                        me: &Self|
         -> (Vec<(String, Schema<'a>)>, Vec<String>, Option<bool>) {
            let mut props = Vec::new();
            let mut required = Vec::new();
            let mut closed = None;
            let mut parts = vec![sch];
            for b in sch.node().get("allOf").map(Node::items).unwrap_or(&[]) {
                let b = match sch {
                    Schema::Api(at) => Schema::Api(At {
                        file: at.file,
                        node: b,
                    }),
                    Schema::Doc(_) => Schema::Doc(b),
                };
                if let Some((r, _)) = me.resolver.resolve(b) {
                    parts.push(r);
                }
            }
            for p in parts {
                let n = p.node();
                for (k, v) in n.get("properties").map(Node::entries).unwrap_or(&[]) {
                    let v = match p {
                        Schema::Api(at) => Schema::Api(At {
                            file: at.file,
                            node: v,
                        }),
                        Schema::Doc(_) => Schema::Doc(v),
                    };
                    props.push((k.text.clone(), v));
                }
                required.extend(
                    n.get("required")
                        .map(Node::items)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(Node::as_str)
                        .map(str::to_owned),
                );
                if let Some(ap) = n.get("additionalProperties") {
                    if ap.as_bool() == Some(false) {
                        closed = Some(true);
                    }
                }
            }
            (props, required, closed)
        };
        let types_allowed = types::schema_types(sn);
        match val {
            Val::Object(members) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"object") {
                    self.err(
                        node,
                        format!(
                            "the request body at `{}` must be {}, found an object",
                            if path.is_empty() { "/" } else { path },
                            types_allowed.join(" or ")
                        ),
                    );
                    return;
                }
                let (props, required, closed) = props_of(schema, self);
                for (k, v) in members {
                    let child_node = node.get(k).cloned().unwrap_or_else(|| node.clone());
                    let key_node =
                        node.entries()
                            .iter()
                            .find(|(kk, _)| kk.text == *k)
                            .map(|(kk, _)| Node {
                                value: Value::Str(kk.text.clone()),
                                pos: kk.pos,
                                content_offset: Some(0),
                                col_map: None,
                            });
                    match props.iter().find(|(n, _)| n == k) {
                        Some((_, ps)) => self.check_payload(
                            &child_node,
                            v,
                            *ps,
                            &format!("{path}/{k}"),
                            replaced,
                            s,
                        ),
                        None if closed == Some(true) => {
                            let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
                            self.err(key_node.as_ref().unwrap_or(&child_node), format!("the request body schema has no property `{k}` (at `{path}/{k}`) and allows no others"))
                    .candidates("its properties", names.iter().copied(), k);
                        }
                        None => {}
                    }
                }
                for r in &required {
                    // A `readOnly` property is never sent, so never required in a request.
                    let read_only = props.iter().any(|(n, ps)| {
                        n == r && types::schema_flag(&self.resolver, *ps, "readOnly")
                    });
                    if read_only {
                        continue;
                    }
                    let ptr = format!("{path}/{}", crate::expr::escape_token(r));
                    if !members.iter().any(|(k, _)| k == r) && !replaced.contains(&ptr) {
                        self.err(node, format!("the request body of step `{}` is missing the required property `{r}` (at `{ptr}`)", s.id.value))
                            .help.push(format!("add `{r}: ...` to the payload"));
                    }
                }
            }
            Val::Array(items) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"array") {
                    self.err(
                        node,
                        format!(
                            "the request body at `{}` must be {}, found an array",
                            if path.is_empty() { "/" } else { path },
                            types_allowed.join(" or ")
                        ),
                    );
                    return;
                }
                if let Some(items_schema) = sn.get("items") {
                    let is = match schema {
                        Schema::Api(at) => Schema::Api(At {
                            file: at.file,
                            node: items_schema,
                        }),
                        Schema::Doc(_) => Schema::Doc(items_schema),
                    };
                    for (k, v) in items.iter().enumerate() {
                        let child = node.items().get(k).cloned().unwrap_or_else(|| node.clone());
                        self.check_payload(&child, v, is, &format!("{path}/{k}"), replaced, s);
                    }
                }
            }
            Val::Lit(lit) => {
                if types_allowed.is_empty() {
                    return;
                }
                let kind = match lit {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Bool(_) => "boolean",
                    serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                    serde_json::Value::Number(_) => "number",
                    serde_json::Value::String(_) => "string",
                    serde_json::Value::Array(_) => "array",
                    serde_json::Value::Object(_) => "object",
                };
                let fits = types_allowed.contains(&kind)
                    || (kind == "integer" && types_allowed.contains(&"number"))
                    || (kind == "null" && types::is_nullable(sn));
                if !fits {
                    self.err(node, format!("the literal {lit} does not fit the request body at `{path}`: the schema expects {}", types_allowed.join(" or ")));
                } else if let (Some(e), serde_json::Value::String(sv)) = (sn.get("enum"), lit) {
                    let options: Vec<&str> = e.items().iter().filter_map(Node::as_str).collect();
                    if !options.is_empty() && !options.contains(&sv.as_str()) {
                        let help = did_you_mean(sv, options.iter().copied());
                        let d = self.err(node, format!("`{sv}` is not one of the values the request body allows at `{path}`"));
                        d.help
                            .push(format!("allowed: {}", list_names(options.iter().copied())));
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        d.suggest_name(sv, options.iter().copied());
                    }
                }
            }
            Val::Expr(e) => {
                if types_allowed.is_empty() {
                    return;
                }
                let ty = self
                    .expr_types
                    .get(&node.pos)
                    .cloned()
                    .or_else(|| self.expr_ty(e));
                let fits = match ty.as_ref() {
                    None | Some(Ty::Json) => true,
                    Some(t) => ty_fits(t, &types_allowed, &self.types),
                };
                if !fits {
                    let found = ty.map(|t| t.json_kind(&self.types)).unwrap_or_default();
                    self.err(
                        node,
                        format!(
                            "`{}` gives {found}, but the request body expects {} at `{path}`",
                            node.as_str().unwrap_or("the value"),
                            types_allowed.join(" or ")
                        ),
                    )
                    .help
                    .push("convert the value, or change the input's schema type".into());
                }
                self.record_input_use(e, &types_allowed, !fits);
            }
            Val::Template(_) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"string") {
                    self.err(node, format!("a string template does not fit the request body at `{path}`: the schema expects {}", types_allowed.join(" or ")));
                }
            }
        }
    }

    /// The type of a lowered expression when known without its workflow state (inputs and steps are typed on the value).
    fn expr_ty(&self, e: &RtExpr) -> Option<Ty> {
        match e {
            RtExpr::StatusCode => Some(Ty::Integer),
            RtExpr::ResponseHeader(_) | RtExpr::Url | RtExpr::Method => Some(Ty::String),
            RtExpr::Const(v) => Some(match v {
                serde_json::Value::String(_) => Ty::String,
                // Also the placeholder of an expression already reported: fits anything.
                _ => Ty::Json,
            }),
            _ => None,
        }
    }
}

/// Same parameter: same `in` and name (header names compare case-insensitively).
fn same_param(q: &model::Parameter, p: &model::Parameter) -> bool {
    q.location == p.location
        && if p.location == Some(ParamIn::Header) {
            q.name.value.eq_ignore_ascii_case(&p.name.value)
        } else {
            q.name.value == p.name.value
        }
}

/// True when a value of type `t` serializes to one of the JSON `types`.
/// Decision (README): integers fit `number`; numbers and booleans do NOT fit `string`.
fn ty_fits(t: &Ty, types: &[&str], space: &TypeSpace) -> bool {
    let kind = match t {
        Ty::Option(inner) => return types.contains(&"null") || ty_fits(inner, types, space),
        Ty::String => "string",
        Ty::Integer | Ty::I32 => "integer",
        Ty::Number | Ty::F32 => "number",
        Ty::Boolean => "boolean",
        Ty::Json => return true,
        Ty::Vec(_) => "array",
        Ty::Map(_) => "object",
        Ty::Extern(_) => return true,
        Ty::Named(i) => match space.defs.get(*i).map(|d| &d.kind) {
            Some(types::DefKind::Enum(_)) => "string",
            Some(types::DefKind::Union(alts)) => {
                return alts.iter().any(|(_, t)| ty_fits(t, types, space))
            }
            _ => "object",
        },
    };
    types.contains(&kind) || (kind == "integer" && types.contains(&"number"))
}

fn collect_steps(v: &Val, out: &mut Vec<usize>) {
    collect_refs(v, &mut |e| {
        if let RtExpr::StepOutput { step, .. } = e {
            out.push(*step);
        }
    });
}

/// Calls `f` on every runtime expression of a value.
fn collect_refs(v: &Val, f: &mut dyn FnMut(&RtExpr)) {
    match v {
        Val::Expr(e) => visit_rt(e, f),
        Val::Template(parts) => {
            for p in parts {
                if let TPart::Expr(e) = p {
                    visit_rt(e, f);
                }
            }
        }
        Val::Array(items) => items.iter().for_each(|i| collect_refs(i, f)),
        Val::Object(m) => m.iter().for_each(|(_, i)| collect_refs(i, f)),
        Val::Lit(_) => {}
    }
}

/// Calls `f` on an expression and on the context of a selector.
fn visit_rt(e: &RtExpr, f: &mut dyn FnMut(&RtExpr)) {
    f(e);
    if let RtExpr::Select { context, .. } = e {
        visit_rt(context, f);
    }
}

/// Whether an RFC 9535 query is singular (names and indices only: no wildcard,
/// descendant, slice, union or filter outside quoted names).
fn jsonpath_singular(query: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut prev = '\0';
    let mut escaped = false;
    for c in query.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '*' | '?' | ':' | ',' => return false,
            '.' if prev == '.' => return false,
            _ => {}
        }
        prev = c;
    }
    true
}

fn collect_cond_refs(c: &ir::Cond, f: &mut dyn FnMut(&RtExpr)) {
    match c {
        ir::Cond::Expr(e) => f(e),
        ir::Cond::Not(a) | ir::Cond::Member(a, _) => collect_cond_refs(a, f),
        ir::Cond::Bin(_, a, b) | ir::Cond::Index(a, b) => {
            collect_cond_refs(a, f);
            collect_cond_refs(b, f);
        }
        ir::Cond::Lit(_) => {}
    }
}

/// `dependsOn` workflows read anywhere in a step's request, criteria or outputs.
fn workflow_refs(step: &ir::Step) -> Vec<usize> {
    let mut out = Vec::new();
    let mut f = |e: &RtExpr| {
        if let RtExpr::WorkflowOutput { workflow, .. } = e {
            out.push(*workflow);
        }
    };
    match &step.kind {
        ir::StepKind::Operation { params, body, .. } => {
            params.iter().for_each(|p| collect_refs(&p.value, &mut f));
            if let Some(b) = body {
                collect_refs(&b.value, &mut f);
                b.replacements
                    .iter()
                    .for_each(|(_, v)| collect_refs(v, &mut f));
            }
        }
        ir::StepKind::Workflow { inputs, .. } => {
            inputs.iter().for_each(|(_, v)| collect_refs(v, &mut f))
        }
    }
    step.outputs
        .iter()
        .for_each(|o| collect_refs(&o.value, &mut f));
    for c in &step.success {
        collect_criterion_refs(c, &mut f);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Steps read by a criterion.
pub fn collect_criterion_steps(c: &ir::Criterion, out: &mut Vec<usize>) {
    collect_criterion_refs(c, &mut |e: &RtExpr| {
        if let RtExpr::StepOutput { step, .. } = e {
            out.push(*step);
        }
    });
}

/// Calls `f` on every runtime expression a criterion reads.
fn collect_criterion_refs(c: &ir::Criterion, f: &mut impl FnMut(&RtExpr)) {
    match c {
        ir::Criterion::Simple(c) => collect_cond_refs(c, f),
        ir::Criterion::Regex {
            context, embedded, ..
        }
        | ir::Criterion::JsonPath {
            context, embedded, ..
        } => {
            f(context);
            embedded.iter().for_each(|p| {
                if let TPart::Expr(e) = p {
                    f(e);
                }
            });
        }
    }
}

/// Control flow of one workflow: which steps may or must have run (and succeeded) before each step.
#[derive(Debug)]
pub struct Flow {
    /// Step reachable from the first step.
    pub reachable: Vec<bool>,
    /// `may_in[i][j]`: step j may have succeeded before step i runs.
    pub may_in: Vec<Vec<bool>>,
    /// `must_in[i][j]`: step j surely succeeded before step i runs.
    pub must_in: Vec<Vec<bool>>,
    /// Steps that may have succeeded when the workflow ends successfully.
    pub may_exit: Vec<bool>,
    /// Steps that surely succeeded when the workflow ends successfully.
    pub must_exit: Vec<bool>,
}

impl Flow {
    /// Analyses the step graph: `actions[i]` = (success actions, failure actions),
    /// each with whether it is unconditional.
    pub fn analyse(n: usize, actions: &[FlowActions]) -> Flow {
        // Edges: (from, to or None for a successful end, succeeded).
        let mut edges: Vec<(usize, Option<usize>, bool)> = Vec::new();
        for i in 0..n {
            let (succ, fail) = actions.get(i).cloned().unwrap_or_default();
            let mut unconditional = false;
            for (k, always) in &succ {
                match k {
                    ActionKind::End => edges.push((i, None, true)),
                    ActionKind::Goto(j) => edges.push((i, Some(*j), true)),
                    ActionKind::GotoWorkflow(_) => edges.push((i, None, true)),
                    ActionKind::Retry { .. } => {}
                }
                if *always {
                    unconditional = true;
                    break;
                }
            }
            if !unconditional {
                edges.push((i, if i + 1 < n { Some(i + 1) } else { None }, true));
            }
            for (k, always) in &fail {
                match k {
                    ActionKind::End => edges.push((i, None, false)),
                    ActionKind::Goto(j) => edges.push((i, Some(*j), false)),
                    ActionKind::GotoWorkflow(_) => edges.push((i, None, false)),
                    ActionKind::Retry { target, .. } => {
                        edges.push((i, Some(target.unwrap_or(i)), false));
                        if target.is_some() {
                            // After the target runs, the step is retried.
                            if let Some(t) = target {
                                edges.push((*t, Some(i), true));
                            }
                        }
                    }
                }
                if *always {
                    break;
                }
            }
        }
        let mut reachable = vec![false; n];
        let mut may_in = vec![vec![false; n]; n];
        let mut must_in = vec![vec![true; n]; n];
        if n > 0 {
            reachable[0] = true;
            must_in[0] = vec![false; n];
        }
        let mut may_exit = vec![false; n];
        let mut must_exit = vec![true; n];
        let mut exit_reached = false;
        // Iterate to a fixpoint (monotone; bounded by n² rounds).
        let mut changed = true;
        let mut rounds = 0;
        while changed && rounds <= n * n + 2 {
            changed = false;
            rounds += 1;
            for &(from, to, ok) in &edges {
                if !reachable[from] {
                    continue;
                }
                let mut may_out = may_in[from].clone();
                let mut must_out = must_in[from].clone();
                if ok {
                    may_out[from] = true;
                    must_out[from] = true;
                }
                let (may_t, must_t, first) = match to {
                    Some(t) => {
                        let first = !reachable[t];
                        if first {
                            reachable[t] = true;
                            changed = true;
                        }
                        (&mut may_in[t], &mut must_in[t], first)
                    }
                    None => {
                        // An `end` (after success or failure) ends the workflow with its outputs.
                        let first = !exit_reached;
                        exit_reached = true;
                        (&mut may_exit, &mut must_exit, first)
                    }
                };
                for j in 0..n {
                    let m = may_t[j] || may_out[j];
                    let s = if first {
                        must_out[j]
                    } else {
                        must_t[j] && must_out[j]
                    };
                    if m != may_t[j] || s != must_t[j] {
                        changed = true;
                    }
                    may_t[j] = m;
                    must_t[j] = s;
                }
            }
        }
        for i in 0..n {
            if !reachable[i] {
                must_in[i] = vec![false; n];
            }
        }
        if !exit_reached {
            must_exit = vec![false; n];
        }
        Flow {
            reachable,
            may_in,
            must_in,
            may_exit,
            must_exit,
        }
    }
}

/// A help line for a JSONPath written in the Goessner / JavaScript style.
fn goessner_help(query: &str, context: &str) -> Option<String> {
    let first = if context.contains('#') {
        format!("{context}/0")
    } else {
        format!("{context}#/0")
    };
    let q: String = query.split_whitespace().collect::<Vec<_>>().join(" ");
    for (op, simple) in [
        ("== 0", "== null"),
        ("< 1", "== null"),
        ("> 0", "!= null"),
        ("!= 0", "!= null"),
        (">= 1", "!= null"),
    ] {
        if q == format!("$.length {op}") {
            return Some(format!(
                "JSONPath selects nodes and cannot compare; to test whether the list is {}, use a simple criterion: `condition: {first} {simple}` (no `type`, no `context`)",
                if simple == "== null" { "empty" } else { "not empty" }
            ));
        }
    }
    if q.contains(".length") {
        return Some(format!("RFC 9535 JSONPath has no `.length`; in a filter use `length(@.items) > 0`, or test an index with a simple criterion (`{first} != null`)"));
    }
    if q.contains("==") && !q.contains('?') {
        return Some("comparisons belong in a filter selector: `$[?@.status == 'PAID']`".into());
    }
    None
}

impl<'a> Checker<'a> {
    /// Lowers a YAML value (literal, expression, template, or a tree of them).
    fn value_expr(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
    ) -> (Val, Ty, Option<Schema<'a>>) {
        match &node.value {
            Value::Str(s) => match expr::classify(s) {
                Ok(Classified::Literal) => {
                    self.bare_expressions(node, s, &[]);
                    (
                        Val::Lit(serde_json::Value::String(s.clone())),
                        Ty::String,
                        None,
                    )
                }
                Ok(Classified::Expression(e)) => match self.expr(st, ec, node, &e) {
                    Some((r, ty, schema)) => {
                        self.expr_types.insert(node.pos, ty.clone());
                        (Val::Expr(r), ty, schema)
                    }
                    None => (
                        Val::Expr(RtExpr::Const(serde_json::Value::Null)),
                        Ty::Json,
                        None,
                    ),
                },
                Ok(Classified::Template(segments)) => {
                    let embedded: Vec<expr::Span> = segments
                        .iter()
                        .filter_map(|seg| match seg {
                            Segment::Expr(e) => Some(e.span.clone()),
                            Segment::Literal(_) => None,
                        })
                        .collect();
                    self.bare_expressions(node, s, &embedded);
                    let mut parts = Vec::new();
                    for seg in segments {
                        match seg {
                            Segment::Literal(l) => parts.push(TPart::Lit(l)),
                            Segment::Expr(e) => {
                                if let Some((r, _, _)) = self.expr(st, ec, node, &e) {
                                    parts.push(TPart::Expr(r));
                                }
                            }
                        }
                    }
                    (Val::Template(parts), Ty::String, None)
                }
                Err(e) => {
                    self.parse_error(node, 0, e, "runtime expression");
                    (
                        Val::Expr(RtExpr::Const(serde_json::Value::Null)),
                        Ty::Json,
                        None,
                    )
                }
            },
            Value::Seq(items) => {
                let vals = items.iter().map(|i| self.value_expr(st, ec, i).0).collect();
                (Val::Array(vals), Ty::Vec(Box::new(Ty::Json)), None)
            }
            Value::Map(_)
                if self.doc.version >= model::Version::V1_1
                    && model::Selector::is_selector(node) =>
            {
                self.selector(st, ec, node)
            }
            Value::Map(entries) => {
                let vals = entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), self.value_expr(st, ec, v).0))
                    .collect();
                (Val::Object(vals), Ty::Json, None)
            }
            Value::Null => (Val::Lit(serde_json::Value::Null), Ty::Json, None),
            Value::Bool(_) => (Val::Lit(node.to_json()), Ty::Boolean, None),
            Value::Int(_) => (Val::Lit(node.to_json()), Ty::Integer, None),
            Value::Float(_) => (Val::Lit(node.to_json()), Ty::Number, None),
        }
    }

    /// The expression a JSON pointer Selector Object stands for (`context` with the
    /// pointer appended: `$response.body` + `/a/b` → `$response.body#/a/b`), as a
    /// string node placed at the context (diagnostics inside it point there).
    fn pointer_selector(sel: &model::Selector) -> Option<Text> {
        if sel.kind != Some(model::SelectorType::JsonPointer) {
            return None;
        }
        let ctx = sel.context.value.trim();
        let ptr = sel.selector.value.as_str();
        if !(ptr.is_empty() || ptr.starts_with('/')) {
            return None;
        }
        let Ok(Classified::Expression(e)) = expr::classify(ctx) else {
            return None;
        };
        let has_pointer = match &e.kind {
            ExprKind::Inputs { pointer, .. }
            | ExprKind::Outputs { pointer, .. }
            | ExprKind::Steps { pointer, .. }
            | ExprKind::Workflows { pointer, .. }
            | ExprKind::Response(Source::Body(pointer))
            | ExprKind::Request(Source::Body(pointer))
            | ExprKind::Message(Source::Body(pointer)) => pointer.is_some(),
            _ => return None,
        };
        let text = if has_pointer {
            format!("{ctx}{ptr}")
        } else {
            format!("{ctx}#{ptr}")
        };
        Some(Text {
            value: text.clone(),
            node: Node {
                value: Value::Str(text),
                pos: sel.context.node.pos,
                content_offset: None,
                col_map: None,
            },
        })
    }

    /// Lowers a Selector Object (Arazzo 1.1): a JSON pointer is read as the pointer
    /// form of its context expression (typed from the schema there); a JSONPath
    /// query is validated now and applied at run time (a JSON value).
    fn selector(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
    ) -> (Val, Ty, Option<Schema<'a>>) {
        let none = (
            Val::Expr(RtExpr::Const(serde_json::Value::Null)),
            Ty::Json,
            None,
        );
        let Some(sel) = model::Selector::read(node) else {
            self.err(
                node,
                "a Selector Object's `context` and `selector` must be strings",
            );
            return none;
        };
        let version = match &sel.type_node.value {
            Value::Map(_) => sel
                .type_node
                .get("version")
                .and_then(Node::as_str)
                .map(str::to_owned),
            _ => None,
        };
        let context = match expr::classify(&sel.context.value) {
            Ok(Classified::Expression(e)) => Some(e),
            Ok(_) => {
                self.err(
                    &sel.context.node,
                    format!(
                        "a Selector Object `context` must be a runtime expression, found `{}`",
                        sel.context.value
                    ),
                )
                .help
                .push("e.g. `context: $response.body`".into());
                return none;
            }
            Err(e) => {
                self.parse_error(&sel.context.node, 0, e, "runtime expression");
                return none;
            }
        };
        match sel.kind {
            None => {
                let name = match &sel.type_node.value {
                    Value::Map(_) => sel.type_node.get("type").and_then(Node::as_str),
                    _ => sel.type_node.as_str(),
                }
                .unwrap_or("?")
                .to_owned();
                let d = self.err(&sel.type_node, format!("unknown selector type `{name}`"));
                d.help.push("use jsonpath, jsonpointer or xpath".into());
                if let Some(h) = did_you_mean(&name, ["jsonpath", "jsonpointer", "xpath"]) {
                    d.help.push(h);
                }
                none
            }
            Some(model::SelectorType::XPath) => {
                self.err(&sel.type_node, "XPath selectors are not supported")
                    .help
                    .push("JSON values only: select with `type: jsonpointer` (typed from the schema) or `type: jsonpath`".into());
                none
            }
            Some(model::SelectorType::JsonPointer) => {
                if let Some(v) = version.filter(|v| v != "rfc6901") {
                    self.err(
                        &sel.type_node,
                        format!("unknown JSON pointer version `{v}`"),
                    )
                    .help
                    .push("the JSON pointer version is `rfc6901`".into());
                    return none;
                }
                let ptr = &sel.selector.value;
                if !(ptr.is_empty() || ptr.starts_with('/')) {
                    self.err(
                        &sel.selector.node,
                        format!("a JSON pointer selector must start with `/`, found `{ptr}`"),
                    )
                    .help
                    .push(format!(
                        "write `/{}`",
                        ptr.trim_start_matches(['#', '$', '.']).replace('.', "/")
                    ));
                    return none;
                }
                match Self::pointer_selector(&sel) {
                    Some(t) => self.value_expr(st, ec, &t.node),
                    None => {
                        if let Some(e) = &context {
                            // Reports what is wrong with the context itself, if anything.
                            if self.expr(st, ec, &sel.context.node, e).is_some() {
                                self.err(&sel.context.node, format!("`{}` is not a structured value a JSON pointer can select from", sel.context.value))
                                    .help
                                    .push("use an input, a step or workflow output, or a request or response body".into());
                            }
                        }
                        none
                    }
                }
            }
            Some(model::SelectorType::JsonPath) => {
                if let Some(v) =
                    version.filter(|v| v != "rfc9535" && v != "draft-goessner-dispatch-jsonpath-00")
                {
                    self.err(&sel.type_node, format!("unknown JSONPath version `{v}`"))
                        .help
                        .push("use `rfc9535` or `draft-goessner-dispatch-jsonpath-00` (both read as RFC 9535)".into());
                    return none;
                }
                let query = sel.selector.value.clone();
                if let Err(e) = serde_json_path::JsonPath::parse(&query) {
                    self.err(
                        &sel.selector.node,
                        format!("invalid JSONPath `{query}`: {e}"),
                    )
                    .help
                    .push(
                        "JSONPath selectors are RFC 9535 queries, such as `$.items[0].id`".into(),
                    );
                    return none;
                }
                let Some(e) = context else { return none };
                let Some((ctx, _, _)) = self.expr(st, ec, &sel.context.node, &e) else {
                    return none;
                };
                let singular = jsonpath_singular(&query);
                (
                    Val::Expr(RtExpr::Select {
                        context: Box::new(ctx),
                        query,
                        singular,
                    }),
                    if singular {
                        Ty::Json
                    } else {
                        Ty::Vec(Box::new(Ty::Json))
                    },
                    None,
                )
            }
        }
    }

    /// Reports runtime expressions written outside `{…}` in a string value: they would be
    /// sent as literal text (`Bearer $inputs.token`).
    fn bare_expressions(&mut self, node: &Node, value: &str, embedded: &[expr::Span]) {
        let spans = expr::bare_expressions(value, embedded);
        if spans.is_empty() {
            return;
        }
        let fixed = expr::brace_spans(value, &spans);
        for span in &spans {
            let text = value.get(span.clone()).unwrap_or_default().to_owned();
            self.err_span(
                node,
                span,
                format!("`{text}` would be sent as literal text: a runtime expression inside a string must be wrapped in braces"),
            )
            .add_help(format!("write `{fixed}`"))
            .suggest_location(&text, format!("{{{text}}}"), Applicability::MachineApplicable);
        }
    }

    fn unknown_name(
        &mut self,
        node: &Node,
        span: &std::ops::Range<usize>,
        message: String,
        declared: &str,
        names: &[&str],
        wanted: &str,
    ) {
        self.err_span(node, span, message)
            .candidates(declared, names.iter().copied(), wanted);
    }

    /// Checks and resolves one runtime expression (spans relative to the node's string),
    /// reading the dialects public documents use (see [`Self::dotted_readings`] and
    /// [`Expr::dialect`]) as their canonical form with a `dialect` warning.
    fn expr(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
    ) -> Option<(RtExpr, Ty, Option<Schema<'a>>)> {
        let mark = self.diags.len();
        let errors = self.diags.error_count();
        let first = self.expr_resolved(st, ec, node, e);
        if self.diags.error_count() == errors {
            if let (Some((canonical, span)), Some(_)) = (e.dialect.as_deref(), &first) {
                self.dialect_warning(node, span, &e.text, canonical);
            }
            return first;
        }
        let kept = self.diags.split_off(mark);
        for (alt, canonical, span) in self.dotted_readings(st, e) {
            let errors = self.diags.error_count();
            let mark = self.diags.len();
            let r = self.expr_resolved(st, ec, node, &alt);
            if r.is_some() && self.diags.error_count() == errors {
                let span = match e.dialect.as_deref() {
                    Some((_, d)) => span.start.min(d.start)..span.end.max(d.end),
                    None => span,
                };
                self.dialect_warning(node, &span, &e.text, &canonical);
                return r;
            }
            drop(self.diags.split_off(mark));
        }
        // Not an unambiguous dialect: the errors of the expression as written stand.
        let help = e.dialect.as_deref().map(|(canonical, _)| {
            format!(
                "`{}` is read as the JSON pointer form `{canonical}`",
                e.text
            )
        });
        for mut d in kept {
            if let (Some(h), true) = (&help, d.is_error()) {
                d.help.push(h.clone());
            }
            self.diags.push(d);
        }
        first
    }

    /// The `dialect` warning: `written` is read as `canonical`.
    fn dialect_warning(
        &mut self,
        node: &Node,
        span: &std::ops::Range<usize>,
        written: &str,
        canonical: &str,
    ) {
        let loc = loc_span(&self.file, node, span);
        let underlined = node.as_str().and_then(|v| v.get(span.clone()));
        let edit = underlined.and_then(|u| crate::diag::rewrite_part(written, canonical, u));
        let d = self
            .diags
            .push_mut(Diagnostic::warning(
                "dialect",
                loc,
                format!("`{written}` is read as `{canonical}`"),
            ))
            .add_help(format!("Arazzo selects a value inside an input, an output or a body with a JSON pointer after `#`: write `{canonical}`"));
        if let (Some(u), Some(new)) = (underlined, edit) {
            d.suggest_location(u, new, Applicability::MachineApplicable);
        }
        if d.suggestions.is_empty() {
            // The location is the scalar's start (no column map): the whole expression.
            d.suggest_on_line(written, canonical, Applicability::MachineApplicable);
        }
    }

    /// Readings of a dotted name that is not declared (`$inputs.a.b`, `$steps.s.outputs.a.b`)
    /// as a declared prefix and a JSON pointer (`$inputs.a#/b`), longest prefix first:
    /// (expression, canonical text, span of the dotted rest).
    fn dotted_readings(
        &self,
        st: &Wf<'a>,
        e: &Expr,
    ) -> Vec<(Expr, String, std::ops::Range<usize>)> {
        // The names declared where the expression looks (inputs, a step's or a workflow's outputs).
        let (name, pointer, names): (_, _, Vec<&str>) = match &e.kind {
            ExprKind::Inputs { name, pointer } => (
                name,
                pointer,
                st.input_names.iter().map(|(n, _, _)| n.as_str()).collect(),
            ),
            ExprKind::Steps {
                step,
                name,
                pointer,
            } => match st
                .step_ids
                .iter()
                .position(|s| *s == step.text)
                .and_then(|j| st.outputs.get(j))
            {
                Some(outs) => (
                    name,
                    pointer,
                    outs.iter().map(|o| o.name.as_str()).collect(),
                ),
                None => return Vec::new(),
            },
            ExprKind::Workflows {
                workflow,
                field,
                name,
                pointer,
            } => {
                let Some(j) = self.workflow_index(&workflow.text) else {
                    return Vec::new();
                };
                let declared = match field {
                    WorkflowField::Outputs => self.wf_outputs.get(j).and_then(Option::as_ref),
                    WorkflowField::Inputs => self
                        .wf_inputs
                        .get(j)
                        .and_then(Option::as_ref)
                        .map(|(_, n)| n),
                };
                match declared {
                    Some(list) => (
                        name,
                        pointer,
                        list.iter().map(|(n, _, _)| n.as_str()).collect(),
                    ),
                    None => return Vec::new(),
                }
            }
            _ => return Vec::new(),
        };
        if names.contains(&name.text.as_str()) {
            return Vec::new();
        }
        let declared = |prefix: &str| names.contains(&prefix);
        let offset = name.span.start.saturating_sub(e.span.start);
        let before = e.text.get(..offset).unwrap_or("");
        let mut out = Vec::new();
        for (dot, _) in name
            .text
            .match_indices('.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let (prefix, rest) = (&name.text[..dot], &name.text[dot + 1..]);
            let tokens: Vec<String> = rest.split('.').map(str::to_owned).collect();
            if tokens.iter().any(String::is_empty) || !declared(prefix) {
                continue;
            }
            let mut raw: String = tokens
                .iter()
                .map(|t| format!("/{}", expr::escape_token(t)))
                .collect();
            let mut all = tokens;
            if let Some(p) = pointer {
                raw.push_str(&p.raw);
                all.extend(p.tokens.iter().cloned());
            }
            let rest_span = name.span.start + dot..name.span.end;
            let end = pointer.as_ref().map_or(name.span.end, |p| p.span.end);
            let ptr = Some(expr::Pointer {
                raw: raw.clone(),
                tokens: all,
                span: name.span.start + dot..end,
            });
            let short = expr::Name {
                text: prefix.to_owned(),
                span: name.span.start..name.span.start + dot,
            };
            let kind = match &e.kind {
                ExprKind::Inputs { .. } => ExprKind::Inputs {
                    name: short,
                    pointer: ptr,
                },
                ExprKind::Steps { step, .. } => ExprKind::Steps {
                    step: step.clone(),
                    name: short,
                    pointer: ptr,
                },
                ExprKind::Workflows {
                    workflow, field, ..
                } => ExprKind::Workflows {
                    workflow: workflow.clone(),
                    field: *field,
                    name: short,
                    pointer: ptr,
                },
                _ => continue,
            };
            let canonical = format!("{before}{prefix}#{raw}");
            let alt = Expr {
                kind,
                span: e.span.clone(),
                text: e.text.clone(),
                dialect: None,
            };
            out.push((alt, canonical, rest_span));
        }
        out
    }

    /// Checks and resolves one runtime expression as written.
    fn expr_resolved(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
    ) -> Option<(RtExpr, Ty, Option<Schema<'a>>)> {
        let text = e.text.clone();
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        let need_response = |me: &mut Self, what: &str| -> bool {
            if ec.response && matches!(target, Some(Target::Workflow(_))) {
                me.err_span(
                    node,
                    &e.span,
                    format!("`{text}`: the step runs a workflow, which has no HTTP exchange"),
                )
                .help
                .push("use `$outputs.<name>` for the outputs of the workflow it ran".into());
                return false;
            }
            if ec.response {
                return true;
            }
            me.err_span(
                node,
                &e.span,
                format!("`{text}` has no value in {}: {what}", ec.place),
            )
            .help
            .push("it can be used in `successCriteria`, action criteria and step `outputs`".into());
            false
        };
        match &e.kind {
            ExprKind::StatusCode => need_response(self, "there is no response yet").then_some((
                RtExpr::StatusCode,
                Ty::Integer,
                None,
            )),
            ExprKind::Url => need_response(self, "the request is not sent yet").then_some((
                RtExpr::Url,
                Ty::String,
                None,
            )),
            ExprKind::Method => need_response(self, "the request is not sent yet").then_some((
                RtExpr::Method,
                Ty::String,
                None,
            )),
            ExprKind::Request(src) => {
                if !ec.response {
                    self.err_span(node, &e.span, format!("`{text}` has no value in {}: the request is being built", ec.place))
                        .help.push("`$request` can be used in `successCriteria`, action criteria and step `outputs`; here, use the expression the value comes from".into());
                    return None;
                }
                let Some((params, body)) = st.request.clone() else {
                    self.err_span(
                        node,
                        &e.span,
                        format!("`{text}`: the step runs a workflow, which has no HTTP request"),
                    );
                    return None;
                };
                let (location, name) = match src {
                    Source::Header(n) => (ParamIn::Header, n),
                    Source::Query(n) => (ParamIn::Query, n),
                    Source::Path(n) => (ParamIn::Path, n),
                    Source::Body(ptr) => {
                        let Some(b) = body else {
                            self.err_span(
                                node,
                                &e.span,
                                format!("`{text}`: the step sends no request body"),
                            );
                            return None;
                        };
                        let pointer = ptr.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
                        return Some((
                            RtExpr::Request {
                                value: Box::new(b.value),
                                replacements: b.replacements,
                                pointer,
                            },
                            Ty::Json,
                            None,
                        ));
                    }
                };
                let found = params.iter().find(|p| {
                    p.location == location
                        && if location == ParamIn::Header {
                            p.name.eq_ignore_ascii_case(&name.text)
                        } else {
                            p.name == name.text
                        }
                });
                match found {
                    Some(p) => {
                        let ty = if matches!(p.value, Val::Template(_)) {
                            Ty::String
                        } else {
                            Ty::Json
                        };
                        Some((
                            RtExpr::Request {
                                value: Box::new(p.value.clone()),
                                replacements: Vec::new(),
                                pointer: String::new(),
                            },
                            ty,
                            None,
                        ))
                    }
                    None => {
                        let names: Vec<&str> = params
                            .iter()
                            .filter(|p| p.location == location)
                            .map(|p| p.name.as_str())
                            .collect();
                        self.unknown_name(
                            node,
                            &name.span,
                            format!(
                                "the step sends no {} parameter `{}` (in `{text}`)",
                                location.as_str(),
                                name.text
                            ),
                            "it sends",
                            &names,
                            &name.text,
                        );
                        None
                    }
                }
            }
            ExprKind::Response(src) => {
                if !need_response(self, "there is no response yet") {
                    return None;
                }
                let Some(Target::Op { op, .. }) = target else {
                    if matches!(target, Some(Target::Workflow(_))) {
                        self.err_span(
                            node,
                            &e.span,
                            format!(
                                "`{text}`: the step runs a workflow, which has no HTTP response"
                            ),
                        )
                        .help
                        .push(
                            "use `$outputs.<name>` for the outputs of the workflow it ran".into(),
                        );
                    }
                    return None;
                };
                let op_name = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{} {}", op.method, op.path));
                let store = &self.sources.store;
                match src {
                    Source::Header(h) => {
                        if ec.success {
                            if let Some((code, resp)) = store.success_response(op) {
                                if let Some(headers) = store.response_headers(resp) {
                                    if !headers.iter().any(|x| x.eq_ignore_ascii_case(&h.text)) {
                                        let names: Vec<&str> =
                                            headers.iter().map(String::as_str).collect();
                                        self.unknown_name(node, &h.span, format!("the {code} response of `{op_name}` documents no header `{}` (in `{text}`)", h.text), "it documents", &names, &h.text);
                                        return None;
                                    }
                                }
                            }
                        }
                        Some((RtExpr::ResponseHeader(h.text.clone()), Ty::String, None))
                    }
                    Source::Body(ptr) => {
                        let tokens = ptr.as_ref().map(|p| p.tokens.clone()).unwrap_or_default();
                        let raw = ptr.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
                        let rt = RtExpr::ResponseBody(raw.clone());
                        let responses: Vec<(String, At<'a>)> = if ec.success {
                            store.success_response(op).into_iter().collect()
                        } else {
                            all_responses(store, op)
                        };
                        let mut missing: Option<(usize, Vec<String>, String)> = None;
                        let mut any_schema = false;
                        for (code, resp) in &responses {
                            let Some(schema) = store.response_schema(*resp) else {
                                continue;
                            };
                            any_schema = true;
                            match types::walk(&self.resolver, Schema::Api(schema), &tokens) {
                                Walk::Found(s, optional) => {
                                    let ty = if ec.success {
                                        let t = self.types.ty_of(
                                            &self.resolver,
                                            s,
                                            "Body",
                                            Scope::Workflow(st.index),
                                        );
                                        if optional {
                                            t.optional()
                                        } else {
                                            t
                                        }
                                    } else {
                                        Ty::Json
                                    };
                                    return Some((rt, ty, Some(s)));
                                }
                                Walk::Open(_) => return Some((rt, Ty::Json, None)),
                                Walk::Missing { index, available } => {
                                    if missing.as_ref().is_none_or(|m| index > m.0) {
                                        missing = Some((index, available, code.clone()));
                                    }
                                }
                            }
                        }
                        match (missing, any_schema) {
                            (Some((index, available, code)), true) => {
                                let tok = tokens.get(index).cloned().unwrap_or_default();
                                let at: String = tokens
                                    [..=index.min(tokens.len().saturating_sub(1))]
                                    .iter()
                                    .map(|t| format!("/{}", crate::expr::escape_token(t)))
                                    .collect();
                                let span = ptr.as_ref().map_or(e.span.clone(), |p| p.span.clone());
                                let names: Vec<&str> =
                                    available.iter().map(String::as_str).collect();
                                let which = if ec.success {
                                    format!("the {code} response")
                                } else {
                                    "no documented response".to_owned()
                                };
                                let msg = if ec.success {
                                    format!("{which} of `{op_name}` has no property `{tok}` at `{at}` (in `{text}`)")
                                } else {
                                    format!("{which} of `{op_name}` has a property `{tok}` at `{at}` (in `{text}`)")
                                };
                                self.unknown_name(
                                    node,
                                    &span,
                                    msg,
                                    "the schema there has",
                                    &names,
                                    &tok,
                                );
                                None
                            }
                            _ => Some((rt, Ty::Json, None)),
                        }
                    }
                    Source::Query(_) | Source::Path(_) => {
                        self.err_span(
                            node,
                            &e.span,
                            format!("`{text}`: a response has no query or path parameters"),
                        )
                        .help
                        .push("use `$response.header.<name>` or `$response.body#/pointer`".into());
                        None
                    }
                }
            }
            ExprKind::Inputs { name, pointer } => {
                let found = st
                    .input_names
                    .iter()
                    .find(|(j, _, _)| *j == name.text)
                    .cloned();
                if found.is_none() && st.inputs_broken {
                    return None;
                }
                let Some((json, _, ty)) = found else {
                    let names: Vec<String> =
                        st.input_names.iter().map(|(j, _, _)| j.clone()).collect();
                    let names_ref: Vec<&str> = names.iter().map(String::as_str).collect();
                    let dotted = name
                        .text
                        .split_once('.')
                        .filter(|(a, _)| names.iter().any(|n| n == a));
                    self.unknown_name(
                        node,
                        &name.span,
                        format!("unknown input `{}` in `{text}`", name.text),
                        "the workflow declares",
                        &names_ref,
                        &name.text,
                    );
                    if let Some((a, b)) = dotted {
                        if let Some(d) = self.diags.last_mut() {
                            d.help.push(format!("to read a member of an object input use a JSON pointer: `$inputs.{a}#/{}`", b.replace('.', "/")));
                        }
                    }
                    return None;
                };
                let mut ptr = format!("/{}", crate::expr::escape_token(&json));
                let mut ty = ty;
                if let Some(p) = pointer {
                    ptr.push_str(&p.raw);
                    let mut tokens = vec![json.clone()];
                    tokens.extend(p.tokens.iter().cloned());
                    ty = Ty::Json;
                    if let Some(schema) = st.inputs_schema {
                        match types::walk(&self.resolver, schema, &tokens) {
                            Walk::Found(s, optional) => {
                                let t = self.types.ty_of(
                                    &self.resolver,
                                    s,
                                    "InputValue",
                                    Scope::Workflow(st.index),
                                );
                                ty = t.optional();
                                let _ = optional;
                            }
                            Walk::Open(_) => {}
                            Walk::Missing { index, available } => {
                                let tok = tokens.get(index).cloned().unwrap_or_default();
                                let names: Vec<&str> =
                                    available.iter().map(String::as_str).collect();
                                self.unknown_name(
                                    node,
                                    &p.span,
                                    format!("input `{json}` has no member `{tok}` (in `{text}`)"),
                                    "its schema has",
                                    &names,
                                    &tok,
                                );
                                return None;
                            }
                        }
                    }
                }
                Some((RtExpr::Input(ptr), ty, None))
            }
            ExprKind::Outputs { name, pointer } => {
                let Some(Target::Workflow(j)) = target.filter(|_| ec.response) else {
                    self.err_span(node, &e.span, format!("`{text}` can only be used in the outputs and criteria of a step that runs a workflow"))
                        .help.push("to use a workflow output elsewhere, read it from the step: `$steps.<stepId>.outputs.<name>`".into());
                    return None;
                };
                let outs = self.wf_outputs[j].clone()?;
                match outs.iter().find(|(n, _, _)| *n == name.text) {
                    Some((_, field, ty)) => {
                        let pointer_raw =
                            pointer.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
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
            ExprKind::Steps {
                step,
                name,
                pointer,
            } => {
                let Some(j) = st.step_ids.iter().position(|s| *s == step.text) else {
                    let ids: Vec<&str> = st.step_ids.iter().map(String::as_str).collect();
                    self.unknown_name(
                        node,
                        &step.span,
                        format!("unknown step `{}` in `{text}`", step.text),
                        &format!("workflow `{}` has the steps", st.id),
                        &ids,
                        &step.text,
                    );
                    return None;
                };
                if ec.step == Some(j) && !ec.response {
                    self.err_span(
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
                    self.err_span(node, &step.span, format!("step `{}` reads its own outputs in `{text}`", step.text))
                        .help.push("use `$response.body#/...` or `$response.header.<name>` for the current response".into());
                    return None;
                }
                // An unreachable step (reported as such) is not judged by flow: nothing
                // ran before it, but its names and types are still checked.
                if !ec.unreachable && !ec.may.get(j).copied().unwrap_or(false) {
                    let d = self.err_span(
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
                    if let Some((a, b)) = dotted {
                        if let Some(d) = self.diags.last_mut() {
                            d.help.push(format!("to read into an output use a JSON pointer: `$steps.{}.outputs.{a}#/{}`", step.text, b.replace('.', "/")));
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
                                    .ty_of(
                                        &self.resolver,
                                        found,
                                        "Value",
                                        Scope::Workflow(st.index),
                                    )
                                    .optional();
                                schema = Some(found);
                            }
                            Walk::Open(_) => schema = None,
                            Walk::Missing { index, available } => {
                                let tok = p.tokens.get(index).cloned().unwrap_or_default();
                                let names: Vec<&str> =
                                    available.iter().map(String::as_str).collect();
                                self.unknown_name(node, &p.span, format!("output `{}` of step `{}` has no member `{tok}` (in `{text}`)", name.text, step.text), "its schema has", &names, &tok);
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
                        step: j,
                        field: out.field,
                        pointer: raw,
                    },
                    ty,
                    schema,
                ))
            }
            ExprKind::Workflows {
                workflow,
                field,
                name,
                pointer,
            } => {
                let Some(j) = self.workflow_index(&workflow.text) else {
                    let ids: Vec<String> = self
                        .doc
                        .workflows
                        .iter()
                        .map(|w| w.id.value.clone())
                        .collect();
                    let ids_ref: Vec<&str> = ids.iter().map(String::as_str).collect();
                    self.unknown_name(
                        node,
                        &workflow.span,
                        format!("unknown workflow `{}` in `{text}`", workflow.text),
                        "the document declares",
                        &ids_ref,
                        &workflow.text,
                    );
                    return None;
                };
                if !st.depends_on.contains(&j) {
                    self.err_span(
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
                        let outs = self.wf_outputs[j].clone()?;
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
                                let names: Vec<&str> =
                                    outs.iter().map(|(n, _, _)| n.as_str()).collect();
                                self.unknown_name(
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
                        let names = self.wf_inputs[j]
                            .as_ref()
                            .map(|(_, n)| n.clone())
                            .unwrap_or_default();
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
                                let list: Vec<&str> =
                                    names.iter().map(|(n, _, _)| n.as_str()).collect();
                                self.unknown_name(
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
            ExprKind::SourceDescriptions { source, name } => {
                let Some(sd) = self
                    .doc
                    .sources
                    .iter()
                    .find(|s| s.name.value == source.text)
                else {
                    let names: Vec<String> = self
                        .doc
                        .sources
                        .iter()
                        .map(|s| s.name.value.clone())
                        .collect();
                    let names_ref: Vec<&str> = names.iter().map(String::as_str).collect();
                    self.unknown_name(
                        node,
                        &source.span,
                        format!("unknown source description `{}` in `{text}`", source.text),
                        "the document declares",
                        &names_ref,
                        &source.text,
                    );
                    return None;
                };
                // Arazzo 1.1 resolution order: an operationId (OpenAPI source) or a
                // workflowId (Arazzo source) first, then a field of the source description.
                let names_operation = self
                    .sources
                    .apis
                    .iter()
                    .find(|(n, _)| *n == source.text)
                    .and_then(|(_, a)| a.as_ref())
                    .is_some_and(|a| {
                        a.operations
                            .iter()
                            .any(|o| o.operation_id.as_deref() == Some(name.text.as_str()))
                    })
                    || self
                        .sources
                        .arazzo
                        .iter()
                        .find(|(n, _)| *n == source.text)
                        .is_some_and(|(_, ws)| ws.iter().any(|w| w.id == name.text));
                let v11 = self.doc.version >= model::Version::V1_1;
                let field = match name.text.as_str() {
                    _ if names_operation => None,
                    "url" => Some(sd.url.value.clone()),
                    "name" if v11 => Some(sd.name.value.clone()),
                    "type" if v11 => Some(
                        match sd.kind {
                            Some(model::SourceType::Arazzo) => "arazzo",
                            Some(model::SourceType::AsyncApi) => "asyncapi",
                            Some(model::SourceType::OpenApi) | None => "openapi",
                        }
                        .to_owned(),
                    ),
                    _ => None,
                };
                if let Some(v) = field {
                    Some((
                        RtExpr::Const(serde_json::Value::String(v)),
                        Ty::String,
                        None,
                    ))
                } else if names_operation {
                    self.err_span(node, &name.span, format!("`{text}` names an operation or workflow of `{}`, which is not a value", source.text))
                        .help.push("an operationId or workflowId takes precedence over the source description's fields; operations are named in `operationId`, not in values".into());
                    None
                } else if !v11 && (name.text == "type" || name.text == "name") {
                    let declared = self.declared();
                    let d = self.err_span(
                        node,
                        &name.span,
                        format!("`{text}` is an Arazzo 1.1 expression"),
                    );
                    model::requires_1_1(d, &declared);
                    None
                } else {
                    self.err_span(node, &name.span, format!("`{text}` has no value here; only `$sourceDescriptions.{}.url` is a value", source.text))
                        .help.push("operations are named in `operationId`, not in values".into());
                    None
                }
            }
            ExprKind::Components { kind, .. } => {
                let what = match kind {
                    ComponentKind::Inputs => "component inputs are referenced with `$ref: '#/components/inputs/<name>'` inside an `inputs` schema",
                    ComponentKind::Parameters => "component parameters are used with `- reference: $components.parameters.<name>` in a `parameters` list",
                    ComponentKind::SuccessActions | ComponentKind::FailureActions => "component actions are used with `- reference: $components.successActions.<name>` in an action list",
                };
                self.err_span(node, &e.span, format!("`{text}` is not a value"))
                    .help
                    .push(what.to_owned());
                None
            }
            ExprKind::SelfUri => {
                if self.doc.version < model::Version::V1_1 {
                    let declared = self.declared();
                    let d = self.err_span(
                        node,
                        &e.span,
                        "`$self` is an Arazzo 1.1 expression".to_owned(),
                    );
                    model::requires_1_1(d, &declared);
                    return None;
                }
                match &self.doc.self_uri {
                    Some(u) => Some((
                        RtExpr::Const(serde_json::Value::String(u.value.clone())),
                        Ty::String,
                        None,
                    )),
                    None => {
                        self.err_span(node, &e.span, "`$self` has no value: the document has no `$self` field")
                            .help
                            .push("declare the document's URI at its root: `$self: https://example.com/workflows/this.arazzo.yaml`".into());
                        None
                    }
                }
            }
            ExprKind::Message(_) => {
                if self.doc.version < model::Version::V1_1 {
                    let declared = self.declared();
                    let d = self.err_span(
                        node,
                        &e.span,
                        format!("`{text}` is an Arazzo 1.1 expression"),
                    );
                    model::requires_1_1(d, &declared);
                } else {
                    self.err_span(node, &e.span, format!("`{text}` reads a message of an event-driven (AsyncAPI) step, which are not supported yet"))
                        .help
                        .push("this compiler runs steps over HTTP: use `$response.body` or `$response.header.<name>`".into());
                }
                None
            }
        }
    }

    /// The `arazzo` version as the document writes it.
    fn declared(&self) -> String {
        self.doc
            .arazzo
            .as_ref()
            .map_or_else(|| "1.0".to_owned(), |t| t.value.clone())
    }

    fn criterion(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        c: &model::Criterion,
    ) -> Option<ir::Criterion> {
        let context = match &c.context {
            Some(ctx) => match expr::classify(&ctx.value) {
                Ok(Classified::Expression(e)) => self.expr(st, ec, &ctx.node, &e).map(|r| r.0),
                Ok(_) => {
                    self.err(
                        &ctx.node,
                        format!(
                            "a criterion `context` must be a runtime expression, found `{}`",
                            ctx.value
                        ),
                    )
                    .help
                    .push("for example `context: $response.body`".into());
                    None
                }
                Err(e) => {
                    self.parse_error(&ctx.node, 0, e, "criterion context");
                    None
                }
            },
            None => None,
        };
        let cond = &c.condition;
        // Arazzo 1.1: `{$...}` expressions embedded in a regex or JSONPath condition are
        // substituted at run time; the text is validated with each replaced by a placeholder.
        let mut embedded = Vec::new();
        let mut checked = cond.value.clone();
        if self.doc.version >= model::Version::V1_1
            && matches!(c.kind, CriterionType::Regex | CriterionType::JsonPath(_))
            && cond.value.contains("{$")
        {
            match expr::parse_template(&cond.value) {
                Ok(segments) => {
                    checked.clear();
                    for seg in segments {
                        match seg {
                            Segment::Literal(l) => {
                                checked.push_str(&l);
                                embedded.push(TPart::Lit(l));
                            }
                            Segment::Expr(e) => {
                                let quoted = checked.ends_with(['\'', '"']);
                                checked.push_str(if quoted { "x" } else { "0" });
                                if let Some((r, _, _)) = self.expr(st, ec, &cond.node, &e) {
                                    embedded.push(TPart::Expr(r));
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    self.parse_error(&cond.node, 0, e, "condition");
                    return None;
                }
            }
        }
        match &c.kind {
            CriterionType::Simple => match condition::parse_condition(&cond.value) {
                Ok(parsed) => self
                    .lower_cond(st, ec, &cond.node, &parsed)
                    .map(ir::Criterion::Simple),
                Err(e) => {
                    self.parse_error(&cond.node, 0, e, "condition");
                    None
                }
            },
            CriterionType::Regex => {
                if let Err(e) = regex::Regex::new(&checked) {
                    let msg = e.to_string();
                    let last = msg
                        .lines()
                        .last()
                        .unwrap_or("invalid pattern")
                        .trim()
                        .to_owned();
                    self.err(&cond.node, format!("invalid regular expression `{}`: {last}", cond.value))
                        .help.push("patterns use the syntax of the `regex` crate (RE2-like: no look-around or backreferences)".into());
                    return None;
                }
                Some(ir::Criterion::Regex {
                    context: context?,
                    pattern: cond.value.clone(),
                    embedded,
                })
            }
            CriterionType::JsonPath(version) => {
                if let Some(v) = version {
                    if v != "draft-goessner-dispatch-jsonpath-00" && v != "rfc9535" {
                        self.err(&c.node, format!("unknown JSONPath version `{v}`"))
                            .help.push("use `draft-goessner-dispatch-jsonpath-00` (evaluated with RFC 9535 semantics) or `rfc9535`".into());
                    }
                }
                match serde_json_path::JsonPath::parse(&checked) {
                    Ok(_) => Some(ir::Criterion::JsonPath {
                        context: context?,
                        query: cond.value.clone(),
                        embedded,
                    }),
                    Err(e) => {
                        let ctx_text = c
                            .context
                            .as_ref()
                            .map_or("$response.body", |t| t.value.as_str());
                        let help = goessner_help(&cond.value, ctx_text);
                        let d = self.err(
                            &cond.node,
                            format!("invalid JSONPath `{}`: {e}", cond.value),
                        );
                        d.help.push("JSONPath criteria are RFC 9535 queries; the criterion holds when the query selects at least one node".into());
                        if !embedded.is_empty() {
                            d.help.push(format!("checked as `{checked}`: each embedded `{{$...}}` stands for a value (`x` inside quotes, `0` elsewhere)"));
                        }
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        None
                    }
                }
            }
            CriterionType::XPath(_) => {
                self.err(&c.node, "XPath criteria are not supported")
                    .help
                    .push(
                    "this compiler evaluates JSON responses; use a `jsonpath` or simple criterion"
                        .into(),
                );
                None
            }
        }
    }

    fn lower_cond(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        c: &condition::Cond,
    ) -> Option<ir::Cond> {
        self.lower_cond_typed(st, ec, node, c).map(|(c, _, _)| c)
    }

    /// Lowers a condition and returns the static type of a runtime-expression operand.
    fn lower_cond_typed(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        c: &condition::Cond,
    ) -> Option<(ir::Cond, Option<Ty>, Option<Schema<'a>>)> {
        Some(match &c.kind {
            CondKind::Literal(l) => (
                ir::Cond::Lit(match l {
                    condition::Literal::Null => serde_json::Value::Null,
                    condition::Literal::Bool(b) => serde_json::Value::Bool(*b),
                    condition::Literal::Number(n) => serde_json::Value::Number(n.clone()),
                    condition::Literal::String(s) => serde_json::Value::String(s.clone()),
                }),
                None,
                None,
            ),
            CondKind::Expr(e) => {
                let (r, ty, schema) = self.expr(st, ec, node, e)?;
                (ir::Cond::Expr(r), Some(ty), schema)
            }
            CondKind::Not(a) => (
                ir::Cond::Not(Box::new(self.lower_cond(st, ec, node, a)?)),
                None,
                None,
            ),
            CondKind::Binary { op, lhs, rhs } => {
                let l = self.lower_cond_typed(st, ec, node, lhs);
                let r = self.lower_cond_typed(st, ec, node, rhs);
                let (l, r) = (l?, r?);
                if !matches!(op, condition::BinaryOp::And | condition::BinaryOp::Or) {
                    let lt = self.operand_ty(l.1.clone(), l.2);
                    let rt = self.operand_ty(r.1.clone(), r.2);
                    self.check_comparison(node, (&lt, lhs), (&rt, rhs));
                }
                (ir::Cond::Bin(*op, Box::new(l.0), Box::new(r.0)), None, None)
            }
            CondKind::Index { base, index } => {
                let b = self.lower_cond(st, ec, node, base);
                let i = self.lower_cond(st, ec, node, index);
                (ir::Cond::Index(Box::new(b?), Box::new(i?)), None, None)
            }
            CondKind::Member { base, name } => (
                ir::Cond::Member(Box::new(self.lower_cond(st, ec, node, base)?), name.clone()),
                None,
                None,
            ),
        })
    }

    /// What a compared operand is known to be: its type, or (for untyped criteria
    /// operands that point into a response schema) the schema's scalar type or enum.
    fn operand_ty(&self, ty: Option<Ty>, schema: Option<Schema<'a>>) -> OperandTy {
        match (ty, schema) {
            (Some(Ty::Json), Some(s)) | (None, Some(s)) => {
                let Some((s, _)) = self.resolver.resolve(s) else {
                    return OperandTy::Unknown;
                };
                let n = s.node();
                if let Some(values) = n.get("enum") {
                    let strings: Vec<String> = values
                        .items()
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    if !strings.is_empty() && strings.len() == values.items().len() {
                        return OperandTy::Enum(strings);
                    }
                }
                match types::schema_types(n).as_slice() {
                    ["integer"] | ["number"] => OperandTy::Number,
                    ["boolean"] => OperandTy::Boolean,
                    _ => OperandTy::Unknown,
                }
            }
            (Some(t), _) => {
                let t = match t {
                    Ty::Option(inner) => *inner,
                    other => other,
                };
                match t {
                    Ty::Integer | Ty::I32 | Ty::Number | Ty::F32 => OperandTy::Number,
                    Ty::Boolean => OperandTy::Boolean,
                    Ty::Named(i) => match self.types.defs.get(i).map(|d| &d.kind) {
                        Some(types::DefKind::Enum(values)) => {
                            OperandTy::Enum(values.iter().map(|(_, v)| v.clone()).collect())
                        }
                        _ => OperandTy::Unknown,
                    },
                    _ => OperandTy::Unknown,
                }
            }
            (None, None) => OperandTy::Unknown,
        }
    }

    /// A comparison between a typed expression and a string literal that can never hold.
    fn check_comparison(
        &mut self,
        node: &Node,
        a: (&OperandTy, &condition::Cond),
        b: (&OperandTy, &condition::Cond),
    ) {
        for ((ty, _), (_, lit)) in [(a, b), (b, a)] {
            let CondKind::Literal(condition::Literal::String(text)) = &lit.kind else {
                continue;
            };
            match ty {
                OperandTy::Number if text.trim().parse::<f64>().is_err() => {
                    self.err_span(
                        node,
                        &lit.span,
                        format!(
                            "`'{text}'` is compared with a number: the comparison can never hold"
                        ),
                    )
                    .help
                    .push("compare with a number literal, for example `== 201`".into());
                }
                OperandTy::Boolean
                    if !text.eq_ignore_ascii_case("true")
                        && !text.eq_ignore_ascii_case("false") =>
                {
                    self.err_span(
                        node,
                        &lit.span,
                        format!(
                            "`'{text}'` is compared with a boolean: the comparison can never hold"
                        ),
                    )
                    .help
                    .push("compare with `true` or `false`".into());
                }
                OperandTy::Enum(values) if !values.iter().any(|v| v.eq_ignore_ascii_case(text)) => {
                    self.err_span(node, &lit.span, format!("`'{text}'` is not one of the values the schema allows here: the comparison can never hold"))
                    .candidates("allowed", values.iter().map(String::as_str), text);
                }
                _ => {}
            }
        }
    }
}

/// Every documented response of an operation with its code.
fn all_responses<'s>(store: &'s crate::openapi::Store, op: &Operation) -> Vec<(String, At<'s>)> {
    let Some(opn) = store.operation_node(op) else {
        return Vec::new();
    };
    let Some(responses) = opn.node.get("responses") else {
        return Vec::new();
    };
    responses
        .entries()
        .iter()
        .filter(|(k, _)| !k.text.starts_with("x-"))
        .filter_map(|(k, v)| {
            store
                .resolve(At {
                    file: opn.file,
                    node: v,
                })
                .map(|r| (k.text.clone(), r))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::jsonpath_singular;

    #[test]
    fn singular_jsonpath_queries() {
        for q in [
            "$",
            "$.a.b",
            "$['a.b'][0]",
            "$.items[-1].id",
            "$['x*y']",
            "$[\"a,b\"]",
        ] {
            assert!(jsonpath_singular(q), "{q}");
        }
        for q in [
            "$.items[*].id",
            "$..id",
            "$[0:2]",
            "$[0,1]",
            "$[?@.a]",
            "$.a.*",
        ] {
            assert!(!jsonpath_singular(q), "{q}");
        }
    }
}

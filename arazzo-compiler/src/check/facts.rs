//! Recording, for editors ([`crate::query`]), what the checker resolved: each expression
//! where its resolution returns ([`Checker::fact_expr`]), each step's scope where its
//! context is built ([`Checker::fact_scope`]), and the document's declarations at the
//! end ([`Checker::fact_document`]). Nothing is recorded (and nothing costs) unless a
//! sink was given with [`Checker::with_facts`].

use super::*;
use crate::query::{
    DocumentInfo, Fact, FactKind, Item, Named, OperationInfo, ParamInfo, Recorded, ResponseInfo,
    Scope as QScope, StepInfo, WorkflowInfo, SCHEMA_DEPTH,
};

/// Most properties of one schema copied into a fact.
const MAX_PROPERTIES: usize = 500;

/// A schema as JSON: `$ref`s resolved up to `depth` levels of nesting, then cut.
pub(super) fn schema_json(r: &Resolver<'_>, s: Schema<'_>, depth: usize) -> serde_json::Value {
    use serde_json::{Map, Value as J};
    let Some((s, name)) = r.resolve(s) else {
        return s.node().to_json();
    };
    let node = s.node();
    let Value::Map(entries) = &node.value else {
        return node.to_json();
    };
    let mut out = Map::new();
    if let Some(n) = name {
        out.insert("x-name".into(), J::String(n));
    }
    let child = |n: &Node| {
        if depth == 0 {
            J::Object(Map::new())
        } else {
            schema_json(r, s.with(n), depth - 1)
        }
    };
    for (k, v) in entries {
        let value = match k.text.as_str() {
            "properties" | "patternProperties" => J::Object(
                v.entries()
                    .iter()
                    .take(MAX_PROPERTIES)
                    .map(|(p, n)| (p.text.clone(), child(n)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" | "contains"
                if matches!(v.value, Value::Map(_)) =>
            {
                child(v)
            }
            "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                J::Array(v.items().iter().map(child).collect())
            }
            "$defs" | "definitions" | "examples" | "example" | "x-examples" => continue,
            _ => v.to_json(),
        };
        out.insert(k.text.clone(), value);
    }
    J::Object(out)
}

impl<'a> Checker<'a> {
    /// Records facts and scopes into `sink` while checking.
    pub fn with_facts(mut self, sink: &'a mut Recorded) -> Self {
        self.facts = Some(sink);
        self
    }

    /// A type as the generated code spells it from the module of workflow `w`.
    fn rust_type(&self, ty: &Ty, w: usize) -> String {
        self.types
            .rust_name(ty, w, &|x| self.modules.get(x).map(String::as_str))
    }

    fn schema_desc(&self, s: Option<Schema<'a>>) -> (Option<serde_json::Value>, Option<String>) {
        let Some(s) = s else { return (None, None) };
        let described = self
            .resolver
            .resolve(s)
            .and_then(|(x, _)| types::description(x.node()))
            .or_else(|| types::description(s.node()));
        (
            Some(schema_json(&self.resolver, s, SCHEMA_DEPTH)),
            described,
        )
    }

    /// The inputs of the workflow being checked.
    fn fact_inputs(&self, st: &Wf<'a>) -> Vec<Item> {
        st.input_names
            .iter()
            .map(|(json, _, ty)| {
                let prop = st.inputs_schema.and_then(|s| {
                    let (_, n) = s
                        .node()
                        .get("properties")?
                        .entries()
                        .iter()
                        .find(|(k, _)| k.text == *json)?;
                    Some(match s {
                        Schema::Doc(_) => Schema::Doc(n),
                        Schema::Api(at) => Schema::Api(At {
                            file: at.file,
                            node: n,
                        }),
                    })
                });
                let (schema, description) = self.schema_desc(prop);
                Item {
                    name: json.clone(),
                    rust_type: Some(self.rust_type(ty, st.index)),
                    description,
                    schema,
                    declared_at: self.env().input_location(st, json),
                }
            })
            .collect()
    }

    fn fact_outputs(&self, st: &Wf<'a>, j: usize) -> Vec<Item> {
        st.outputs
            .get(j)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|o| {
                let (schema, description) = self.schema_desc(o.schema);
                Item {
                    name: o.name.clone(),
                    rust_type: Some(self.rust_type(&o.ty, st.index)),
                    description,
                    schema,
                    declared_at: o.declared.clone(),
                }
            })
            .collect()
    }

    fn operation_info(&self, source: &str, op: &Operation, params: bool) -> OperationInfo {
        let node = self.sources.store.operation_node(op);
        let text = |k: &str| {
            node.and_then(|n| n.node.get(k))
                .and_then(Node::as_str)
                .map(str::to_owned)
        };
        OperationInfo {
            source: source.to_owned(),
            operation_id: op.operation_id.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            summary: text("summary"),
            description: text("description"),
            parameters: if params {
                self.sources
                    .store
                    .parameters(op)
                    .iter()
                    .map(|p| ParamInfo {
                        name: p.name.clone(),
                        location: p.location.as_str().to_owned(),
                        required: p.required,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            declared_at: self.env().operation_location(op),
        }
    }

    fn push_fact(&mut self, fact: Fact) {
        if let Some(f) = self.facts.as_mut() {
            f.facts.push(fact);
        }
    }

    /// A reference fact on a whole scalar of the document.
    fn fact_node(&mut self, node: &Node, kind: FactKind, declared_at: Option<Location>) {
        let Some(loc) = model::location(&self.file, node) else {
            return;
        };
        self.push_fact(Fact {
            range: loc.range,
            kind,
            text: node.as_str().unwrap_or_default().to_owned(),
            rust_type: None,
            schema: None,
            description: None,
            declared_at,
            operation: None,
        });
    }

    /// Records an expression: its type, schema and declaration when it resolved (`r`),
    /// else where the root it names is declared.
    pub(super) fn fact_expr(
        &mut self,
        st: &Wf<'a>,
        node: &Node,
        e: &Expr,
        r: Option<(&Ty, Option<Schema<'a>>, Option<Location>)>,
    ) {
        if self.facts.is_none() || self.quiet > 0 {
            return;
        }
        let Some(loc) = loc_span(&self.file, node, &e.span) else {
            return;
        };
        let (rust_type, schema, declared_at) = match r {
            Some((ty, schema, declared_at)) => {
                (Some(self.rust_type(ty, st.index)), schema, declared_at)
            }
            None => (None, None, self.root_location(st, e)),
        };
        let (mut json, mut description) = self.schema_desc(schema);
        if let ExprKind::Inputs { name, pointer } = &e.kind {
            if description.is_none() || json.is_none() {
                let input = self
                    .fact_inputs(st)
                    .into_iter()
                    .find(|i| i.name == name.text);
                if let Some(i) = input {
                    description = description.or(i.description);
                    if pointer.is_none() {
                        json = json.or(i.schema);
                    }
                }
            }
        }
        self.push_fact(Fact {
            range: loc.range,
            kind: FactKind::Expression,
            text: e.text.clone(),
            rust_type,
            schema: json,
            description,
            declared_at,
            operation: None,
        });
    }

    /// Where the root an expression that did not resolve names is declared: its input,
    /// step, workflow, source description or component, when that much exists.
    fn root_location(&self, st: &Wf<'a>, e: &Expr) -> Option<Location> {
        let env = self.env();
        match &e.kind {
            ExprKind::Inputs { name, .. } => env.input_location(st, &name.text),
            ExprKind::Steps { step, name, .. } => {
                let j = st.step_ids.iter().position(|x| *x == step.text);
                j.and_then(|j| st.outputs.get(j)?.iter().find(|o| o.name == name.text))
                    .and_then(|o| o.declared.clone())
                    .or_else(|| env.step_location(st, &step.text))
            }
            ExprKind::Workflows { workflow, .. } => env.workflow_location(&workflow.text),
            ExprKind::SourceDescriptions { source, .. } => env.source_location(&source.text),
            ExprKind::Components { kind, name } => self.component_location(*kind, &name.text),
            _ => None,
        }
    }

    fn component_location(&self, kind: ComponentKind, name: &str) -> Option<Location> {
        let c = &self.doc.components;
        let node = match kind {
            ComponentKind::Inputs => c
                .inputs
                .iter()
                .find(|(k, _)| k.value == name)
                .map(|(k, _)| k),
            ComponentKind::Parameters => c
                .parameters
                .iter()
                .find(|(k, _)| k.value == name)
                .map(|(k, _)| k),
            ComponentKind::SuccessActions => c
                .success_actions
                .iter()
                .find(|(k, _)| k.value == name)
                .map(|(k, _)| k),
            ComponentKind::FailureActions => c
                .failure_actions
                .iter()
                .find(|(k, _)| k.value == name)
                .map(|(k, _)| k),
        }?;
        model::location(&self.file, &node.node)
    }

    /// A `reference: $components.<kind>.<name>` field.
    fn fact_component_ref(&mut self, t: &Text) {
        let Ok(e) = expr::parse_expression(&t.value) else {
            return;
        };
        if let ExprKind::Components { kind, name } = &e.kind {
            let declared = self.component_location(*kind, &name.text);
            self.fact_node(&t.node, FactKind::Expression, declared);
        }
    }

    /// The `stepId`/`workflowId` targets of actions.
    fn fact_actions(&mut self, st: Option<&Wf<'a>>, actions: &[ActionOrRef<'a>]) {
        for a in actions {
            match a {
                ActionOrRef::Ref(t) => self.fact_component_ref(t),
                ActionOrRef::Action(a) => self.fact_action(st, a),
            }
        }
    }

    fn fact_action(&mut self, st: Option<&Wf<'a>>, a: &model::Action<'a>) {
        if let (Some(t), Some(st)) = (&a.step_id, st) {
            let declared = self.env().step_location(st, &t.value);
            self.fact_node(&t.node, FactKind::StepRef, declared);
        }
        if let Some(t) = &a.workflow_id {
            let declared = self.env().workflow_location(&t.value);
            self.fact_node(&t.node, FactKind::WorkflowId, declared);
        }
    }

    /// Records the scope of step `ec.step` (or of the workflow's outputs), its target
    /// and references, where its context is built.
    pub(super) fn fact_scope(&mut self, st: &Wf<'a>, ec: &Ectx<'_>) {
        if self.facts.is_none() {
            return;
        }
        let doc = self.doc;
        let wf = &doc.workflows[st.index];
        let step = ec.step.and_then(|i| wf.steps.get(i));
        let earlier: Vec<usize> = match ec.step {
            Some(i) => (0..i)
                .filter(|&j| ec.may.get(j).copied().unwrap_or(true))
                .collect(),
            None => (0..wf.steps.len()).collect(),
        };
        let steps = earlier
            .into_iter()
            .filter_map(|j| {
                let s = wf.steps.get(j)?;
                Some(StepInfo {
                    id: s.id.value.clone(),
                    description: s.description.clone(),
                    outputs: self.fact_outputs(st, j),
                    declared_at: model::location(&self.file, &s.id.node),
                })
            })
            .collect();
        let mut scope = QScope {
            workflow: wf.id.value.clone(),
            step: step.map(|s| s.id.value.clone()),
            range: step.map_or(wf.node.span.clone(), |s| s.node.span.clone()),
            inputs: self.fact_inputs(st),
            steps,
            ..QScope::default()
        };
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        match target {
            Some(Target::Op { api, op }) => {
                let source = self.sources.apis.get(api).map_or("", |(n, _)| n.as_str());
                let info = self.operation_info(source, op, true);
                let store = &self.sources.store;
                scope.status_codes = store
                    .responses(op)
                    .into_iter()
                    .map(|(code, r)| {
                        let d = r.node.get("description").and_then(Node::as_str);
                        (code, d.map(str::to_owned))
                    })
                    .collect();
                let mut responses: Vec<(String, At<'a>)> =
                    store.success_response(op).into_iter().collect();
                for r in self.env().admitted_responses(st, ec, op) {
                    if responses.iter().all(|(c, _)| *c != r.0) {
                        responses.push(r);
                    }
                }
                scope.responses = responses
                    .into_iter()
                    .map(|(code, resp)| ResponseInfo {
                        code,
                        schema: store
                            .response_schema(resp)
                            .map(|s| schema_json(&self.resolver, Schema::Api(s), SCHEMA_DEPTH)),
                    })
                    .collect();
                let ct = step
                    .and_then(|s| s.request_body.as_ref())
                    .and_then(|b| b.content_type.as_ref())
                    .map(|t| t.value.as_str());
                scope.request_body = store
                    .request_schema(op, ct)
                    .and_then(|(_, s)| s)
                    .map(|s| schema_json(&self.resolver, Schema::Api(s), SCHEMA_DEPTH));
                if let Some(s) = step {
                    let kind = match &s.target {
                        Some(StepTarget::OperationPath(_)) => FactKind::OperationPath,
                        _ => FactKind::OperationId,
                    };
                    if let Some(StepTarget::OperationId(t) | StepTarget::OperationPath(t)) =
                        &s.target
                    {
                        if let Some(loc) = model::location(&self.file, &t.node) {
                            self.push_fact(Fact {
                                range: loc.range,
                                kind,
                                text: t.value.clone(),
                                rust_type: None,
                                schema: None,
                                description: info.description.clone(),
                                declared_at: info.declared_at.clone(),
                                operation: Some(info.clone()),
                            });
                        }
                    }
                }
                scope.operation = Some(info);
            }
            Some(Target::Msg { .. }) => {
                let target = target.unwrap_or(Target::Unknown);
                scope.message_payloads = self
                    .env()
                    .step_messages(target)
                    .into_iter()
                    .filter_map(|(_, m)| m.payload)
                    .map(|p| schema_json(&self.resolver, Schema::Api(p), SCHEMA_DEPTH))
                    .collect();
                if let Some(StepTarget::OperationId(t) | StepTarget::ChannelPath(t)) =
                    step.and_then(|s| s.target.as_ref())
                {
                    self.fact_node(&t.node, FactKind::OperationId, None);
                }
            }
            Some(Target::Workflow(WorkflowRef::Local(_))) => {
                if let Some(StepTarget::WorkflowId(t)) = step.and_then(|s| s.target.as_ref()) {
                    let declared = self.env().workflow_location(&t.value);
                    self.fact_node(&t.node, FactKind::WorkflowId, declared);
                }
            }
            _ => {}
        }
        if let Some(s) = step {
            for d in &s.depends_on {
                let declared = self.env().step_location(st, &d.value);
                self.fact_node(&d.node, FactKind::StepRef, declared);
            }
            for p in &s.parameters {
                if let ParamOrRef::Ref { reference, .. } = p {
                    self.fact_component_ref(reference);
                }
            }
            self.fact_actions(Some(st), &s.on_success);
            self.fact_actions(Some(st), &s.on_failure);
            let declared = model::location(&self.file, &s.id.node);
            self.fact_node(&s.id.node, FactKind::Declaration, declared);
        } else {
            self.fact_actions(Some(st), &wf.success_actions);
            self.fact_actions(Some(st), &wf.failure_actions);
            for p in &wf.parameters {
                if let ParamOrRef::Ref { reference, .. } = p {
                    self.fact_component_ref(reference);
                }
            }
            for item in self.fact_inputs(st) {
                if let Some(loc) = item
                    .declared_at
                    .clone()
                    .filter(|l| Arc::ptr_eq(&l.file, &self.file))
                {
                    self.push_fact(Fact {
                        range: loc.range.clone(),
                        kind: FactKind::Declaration,
                        text: item.name.clone(),
                        rust_type: item.rust_type.clone(),
                        schema: item.schema.clone(),
                        description: item.description.clone(),
                        declared_at: Some(loc),
                        operation: None,
                    });
                }
            }
        }
        if let Some(f) = self.facts.as_mut() {
            f.scopes.push(scope);
        }
    }

    /// Records the document's declarations, after every workflow was lowered.
    pub(super) fn fact_document(&mut self) {
        if self.facts.is_none() {
            return;
        }
        let doc = self.doc;
        let mut info = DocumentInfo::default();
        for (w, wf) in doc.workflows.iter().enumerate() {
            let declared = model::location(&self.file, &wf.id.node);
            self.fact_node(&wf.id.node, FactKind::Declaration, declared.clone());
            for d in &wf.depends_on {
                let declared = self.env().workflow_location(&d.value);
                self.fact_node(&d.node, FactKind::WorkflowId, declared);
            }
            let named = |list: &Option<NamedTys>| -> Vec<Item> {
                list.iter()
                    .flatten()
                    .map(|(json, _, ty)| Item {
                        name: json.clone(),
                        rust_type: Some(self.rust_type(ty, w)),
                        description: None,
                        schema: None,
                        declared_at: None,
                    })
                    .collect()
            };
            let mut outputs = named(&self.wf_outputs[w]);
            for o in &mut outputs {
                o.declared_at = wf
                    .outputs
                    .iter()
                    .find(|(k, _)| k.value == o.name)
                    .and_then(|(k, _)| model::location(&self.file, &k.node));
            }
            info.workflows.push(WorkflowInfo {
                id: wf.id.value.clone(),
                description: wf.summary.clone().or_else(|| wf.description.clone()),
                range: wf.node.span.clone(),
                declared_at: declared,
                inputs: named(&self.wf_inputs[w]),
                outputs,
                steps: wf
                    .steps
                    .iter()
                    .map(|s| (s.id.value.clone(), model::location(&self.file, &s.id.node)))
                    .collect(),
            });
        }
        for (k, a) in doc
            .components
            .success_actions
            .iter()
            .chain(doc.components.failure_actions.iter())
        {
            let _ = k;
            self.fact_action(None, a);
        }
        for sd in &doc.sources {
            info.sources.push(Named {
                name: sd.name.value.clone(),
                kind: match sd.kind {
                    Some(model::SourceType::Arazzo) => "arazzo",
                    Some(model::SourceType::AsyncApi) => "asyncapi",
                    _ => "openapi",
                }
                .to_owned(),
                declared_at: model::location(&self.file, &sd.name.node),
            });
        }
        let c = &doc.components;
        let sections = [
            (
                "inputs",
                c.inputs.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ),
            ("parameters", c.parameters.iter().map(|(k, _)| k).collect()),
            (
                "successActions",
                c.success_actions.iter().map(|(k, _)| k).collect(),
            ),
            (
                "failureActions",
                c.failure_actions.iter().map(|(k, _)| k).collect(),
            ),
        ];
        for (kind, names) in sections {
            for k in names {
                info.components.push(Named {
                    name: k.value.clone(),
                    kind: kind.to_owned(),
                    declared_at: model::location(&self.file, &k.node),
                });
            }
        }
        let sources = self.sources;
        for (name, api) in &sources.apis {
            for op in api.iter().flat_map(|a| a.operations.iter()) {
                let summary = sources
                    .store
                    .operation_node(op)
                    .and_then(|n| n.node.get("summary"))
                    .and_then(Node::as_str)
                    .map(str::to_owned);
                info.operations.push(OperationInfo {
                    source: name.clone(),
                    operation_id: op.operation_id.clone(),
                    method: op.method.clone(),
                    path: op.path.clone(),
                    summary,
                    description: None,
                    parameters: Vec::new(),
                    declared_at: None,
                });
            }
        }
        for (name, api) in &sources.asyncapis {
            let Some(api) = api else { continue };
            for op in &api.operations {
                let channel = op
                    .channel
                    .and_then(|c| api.channels.get(c))
                    .map(|c| c.address_or_key().to_owned())
                    .unwrap_or_default();
                info.operations.push(OperationInfo {
                    source: name.clone(),
                    operation_id: Some(op.id.clone()),
                    method: op.action.map_or("", |a| a.as_str()).to_uppercase(),
                    path: channel,
                    summary: None,
                    description: None,
                    parameters: Vec::new(),
                    declared_at: None,
                });
            }
        }
        if let Some(f) = self.facts.as_mut() {
            f.document = info;
        }
    }
}

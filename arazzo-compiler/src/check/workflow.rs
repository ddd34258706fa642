//! Lowering one workflow: its inputs, steps in order, flow analysis and outputs.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn workflow(&mut self, w: usize) -> ir::Workflow {
        let doc = self.doc;
        let wf = &doc.workflows[w];
        let (inputs_schema, inputs_ty, input_names) = self.workflow_inputs(w);
        self.wf_inputs[w] = Some(input_names.clone());
        let mut st = Wf {
            index: w,
            id: wf.id.value.clone(),
            inputs_schema,
            input_names,
            step_ids: wf.steps.iter().map(|s| s.id.value.clone()).collect(),
            targets: Vec::new(),
            outputs: vec![Vec::new(); wf.steps.len()],
            depends_on: Vec::new(),
            inputs_broken: wf.inputs.is_some() && inputs_schema.is_none(),
            request: None,
        };
        self.fn_names = Namer::new(Style::FIELD);
        self.variants = Namer::new(Style::STEP_VARIANT);
        self.cred_uses.clear();
        self.workflow_depends_on(&mut st, w);
        self.check_step_ids(w);
        // Targets.
        for s in &wf.steps {
            let t = self.target(s, w);
            self.check_message_fields(s, t);
            st.targets.push(t);
        }
        // Actions and control flow.
        // Each action is resolved once per workflow: a step's own, the workflow's defaults
        // (shared by every step) and each component it references (shared by the steps
        // that reference it), so that a problem is reported once, where it is written.
        let mut resolved: Vec<Resolved<'a>> = Vec::new();
        let mut resolve = |me: &mut Self, list: &'a [ActionOrRef<'a>], failure: bool| {
            me.actions(list, failure)
                .into_iter()
                .map(
                    |a| match resolved.iter().find(|(r, _)| std::ptr::eq(*r, a)) {
                        Some(done) => done.clone(),
                        None => {
                            let done = (a, me.action_kind(a, &st));
                            resolved.push(done.clone());
                            done
                        }
                    },
                )
                .collect::<Vec<Resolved<'a>>>()
        };
        let defaults = (
            resolve(self, &wf.success_actions, false),
            resolve(self, &wf.failure_actions, true),
        );
        let mut actions: Vec<StepActions<'a>> = Vec::new();
        for s in &wf.steps {
            let mut succ = resolve(self, &s.on_success, false);
            succ.extend(defaults.0.iter().cloned());
            let mut fail = resolve(self, &s.on_failure, true);
            fail.extend(defaults.1.iter().cloned());
            actions.push((succ, fail));
        }
        let n = wf.steps.len();
        let flow_kinds = |list: &[Resolved<'a>]| -> Vec<(ActionKind, bool)> {
            list.iter()
                .filter_map(|(a, k)| k.clone().map(|k| (k, a.criteria.is_empty())))
                .collect()
        };
        let lowered_kinds: Vec<FlowActions> = actions
            .iter()
            .map(|(s, f)| (flow_kinds(s), flow_kinds(f)))
            .collect();
        let flow = Flow::analyse(n, &lowered_kinds);
        for (i, s) in wf.steps.iter().enumerate() {
            if !flow.reachable[i] {
                self.warn(Code::UnreachableStep, &s.id.node, format!("step `{}` can never run", s.id.value))
                    .help.push("no step leads to it: every earlier path ends or jumps past it; remove it or add a `goto` to it".into());
            }
        }
        // Outputs of each step first (later steps and loops read them).
        for (i, s) in wf.steps.iter().enumerate() {
            let ec = Ectx::step(&flow, i, &s.id.value, StepPart::Output);
            let mut used = Namer::new(Style::FIELD);
            let mut outs = Vec::new();
            for (name, value) in &s.outputs {
                let field = used.name(&name.value);
                let hint = format!(
                    "{}{}",
                    names::recase(&s.id.value, Case::Pascal),
                    names::recase(&name.value, Case::Pascal)
                );
                let (ty, schema) = self.output_type(&st, &ec, value, &hint);
                outs.push(OutInfo {
                    name: name.value.clone(),
                    field,
                    ty,
                    schema,
                    declared: model::location(&self.file, &name.node),
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
        let ec = Ectx::workflow_outputs(&flow, &wf.id.value);
        self.fact_scope(&st, &ec); // editor queries (facts.rs)
        let mut used = Namer::new(Style::FIELD);
        let mut outputs = Vec::new();
        for (name, value) in &wf.outputs {
            let field = used.name(&name.value);
            let (val, ty, schema) = self.value_expr(&mut st, &ec, &value.node);
            let described = schema
                .and_then(|s| self.resolver.resolve(s))
                .and_then(|(s, _)| types::description(s.node()));
            let mut doc = format!("Workflow output `{}`: `{}`.", name.value, value.value);
            if let Some(d) = &described {
                doc = format!("{d}\n\n{doc}");
            }
            outputs.push(ir::Output {
                name: name.value.clone(),
                field,
                ty,
                value: val,
                secret: false,
                doc,
                description: described, // metadata (emit_meta)
                origin: self.file.origin(name.node.pos),
            });
        }
        self.wf_outputs[w] = Some(
            outputs
                .iter()
                .map(|o| (o.name.clone(), o.field.clone(), o.ty.clone()))
                .collect(),
        );
        self.suggest_input_types(w);
        self.lint_manual_credentials(&st);
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
            // metadata (emit_meta)
            summary: wf.summary.clone(),
            description: wf.description.clone(),
            inputs: inputs_ty,
            steps,
            outputs,
            depends_on: st.depends_on.clone(),
            origin: self.file.origin(wf.id.node.pos),
        }
    }

    pub(super) fn empty_struct(&mut self, name: &str, scope: Scope) -> types::TypeId {
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
            origin: None,
        });
        types::TypeId(self.types.defs.len() - 1)
    }
    /// The inputs of workflow `w`: its schema (when it resolves; a `$ref` that does not is
    /// reported), the generated `Inputs` struct, and its fields (JSON name, Rust field, type).
    fn workflow_inputs(&mut self, w: usize) -> (Option<Schema<'a>>, types::TypeId, NamedTys) {
        let doc = self.doc;
        let wf = &doc.workflows[w];
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
                Code::InvalidInputs,
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
                        self.err(Code::InvalidInputs, req, format!("required input `{name}` of workflow `{}` is not among its `properties`", wf.id.value))
                    .candidates("its properties", names.iter().copied(), name);
                    }
                }
            }
        }
        let inputs_ty = match inputs_schema {
            Some(s) if s.node().get("properties").is_some() => {
                match self.types.inputs_of(&self.resolver, s, "Inputs", scope) {
                    Ty::Named(i) => {
                        if let Some(def) = self.types.def_mut(i) {
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
                        Code::InvalidInputs,
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
        let input_names: Vec<(String, String, Ty)> = self
            .types
            .def(inputs_ty)
            .map(|d| {
                d.fields
                    .iter()
                    .map(|f| (f.json.clone(), f.rust.clone(), f.ty.clone()))
                    .collect()
            })
            .unwrap_or_default();
        (inputs_schema, inputs_ty, input_names)
    }

    /// The workflow's `dependsOn`: each names another workflow, recorded in `st`; one whose
    /// required inputs this workflow does not declare is reported.
    fn workflow_depends_on(&mut self, st: &mut Wf<'a>, w: usize) {
        let wf = &self.doc.workflows[w];
        for d in &wf.depends_on {
            let other = self.other_document_workflow(&d.node, &d.value);
            let found = match other {
                Some(found) => found,
                None => self
                    .env()
                    .workflow_index(&d.value)
                    .filter(|&j| j != w)
                    .map(WorkflowRef::Local),
            };
            match found {
                Some(j) => {
                    st.depends_on.push(j);
                    // A dependency runs with this workflow's inputs, matched by name.
                    let theirs = self.env().inputs_of(j).cloned().unwrap_or_default();
                    for (json, _, ty) in &theirs {
                        if !ty.is_option() && !st.input_names.iter().any(|(n, _, _)| n == json) {
                            self.err(Code::MissingInput, &d.node, format!(
                                "workflow `{}` depends on `{}`, which requires the input `{json}` that `{}` does not declare",
                                wf.id.value, d.value, wf.id.value
                            ))
                            .help.push(format!("a `dependsOn` workflow runs with this workflow's inputs, matched by name: declare `{json}` in the inputs of `{}`", wf.id.value));
                        }
                    }
                }
                // Reported by `other_document_workflow`.
                _ if other.is_some() => {}
                _ => {
                    let ids: Vec<&str> = self.doc.workflows.iter().map(|x| x.id.as_str()).collect();
                    self.err(
                        Code::UnknownWorkflow,
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
    }

    /// Step ids: unique within the workflow, and of the characters expressions can name.
    fn check_step_ids(&mut self, w: usize) {
        let wf = &self.doc.workflows[w];
        for (i, s) in wf.steps.iter().enumerate() {
            if let Some(first) = wf.steps[..i].iter().find(|p| p.id.value == s.id.value) {
                let first = model::location(&self.file, &first.id.node);
                self.err(
                    Code::Duplicate,
                    &s.id.node,
                    format!(
                        "duplicate stepId `{}` in workflow `{}`",
                        s.id.value, wf.id.value
                    ),
                )
                .add_label(first, "first declared here")
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
                self.err(Code::InvalidName, &s.id.node, format!("stepId `{}` must match `[A-Za-z0-9_-]+`", s.id.value))
                    .help.push("runtime expressions such as `$steps.<stepId>.outputs.x` cannot name it otherwise".into());
            }
        }
    }
}

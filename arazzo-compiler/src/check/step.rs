//! One step: parameters, request body, criteria, actions and outputs, checked and lowered.

use super::*;

/// The parameters of a step, each with the value that overrides a component's.
type StepParams<'a> = Vec<(model::Parameter<'a>, Option<&'a Node>)>;

impl<'a> Checker<'a> {
    pub(super) fn step(
        &mut self,
        st: &mut Wf<'a>,
        i: usize,
        s: &'a model::Step<'a>,
        flow: &Flow,
        actions: &StepActions<'a>,
    ) -> ir::Step {
        let target = st.targets[i];
        let req_ec = Ectx::step(flow, i, &s.id.value, StepPart::Request);
        // Editor queries (facts.rs): the step's scope.
        self.fact_scope(st, &req_ec);
        self.step_depends_on(st, i, s);
        let (params, origins, unresolved_reference) = self.step_params(st, s, target);
        let kind = match target {
            Target::Op { api, op } => {
                self.operation_step(st, &req_ec, s, (api, op), (&params, unresolved_reference))
            }
            Target::Workflow(j) => self.workflow_step(st, &req_ec, s, j, &params),
            Target::Msg { .. } => self.message_step(st, &req_ec, s, target, &params),
            Target::Unknown => ir::StepKind::Unresolved,
        };
        self.record_credential_uses(i, &origins, &params, &kind);
        st.request = match &kind {
            ir::StepKind::Operation { params, body, .. } => Some((params.clone(), body.clone())),
            ir::StepKind::Message { .. }
            | ir::StepKind::Workflow { .. }
            | ir::StepKind::Unresolved => None,
        };
        // Criteria and actions, evaluated once the response is there.
        let resp_ec = Ectx::step(flow, i, &s.id.value, StepPart::Criterion);
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
        let succ_ec = resp_ec.with_runs(&after_success_may, &after_success_must);
        let mut lower_actions =
            |me: &mut Self, list: &[Resolved<'a>], ec: &Ectx<'_>| -> Vec<ir::Action> {
                list.iter()
                    .filter_map(|(a, kind)| {
                        let kind = kind.clone()?;
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
        let fail_ec = Ectx::step(flow, i, &s.id.value, StepPart::FailureAction);
        let on_failure = lower_actions(self, &actions.1, &fail_ec);
        // Outputs (values now, types were computed earlier).
        let out_ec = Ectx::step(flow, i, &s.id.value, StepPart::Output);
        let mut outputs = Vec::new();
        for (k, (name, value)) in s.outputs.iter().enumerate() {
            let (val, _, _) = self.value_expr(st, &out_ec, &value.node);
            let info = st.outputs[i].get(k).cloned();
            let (field, ty) = info
                .map(|o| (o.field, o.ty))
                .unwrap_or_else(|| (Style::FIELD.name(&name.value), Ty::Json));
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
                origin: self.file.origin(name.node.pos),
            });
        }
        let deps = step_deps(i, flow, &kind, &outputs, &success);
        let mut doc = Vec::new();
        if let Some(d) = &s.description {
            doc.push(d.clone());
        }
        let fn_name = self.fn_names.name(&s.id.value);
        let variant = self.variants.name(&s.id.value);
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
            origin: self.file.origin(s.id.node.pos),
        };
        if let (Some(_), ir::StepKind::Workflow { .. }) = (s.timeout, &step.kind) {
            if let Some(t) = s.node.get("timeout") {
                self.err(Code::Unsupported, t, format!("a `timeout` on step `{}`, which runs a workflow, is not supported yet", s.id.value))
                    .help
                    .push("a `timeout` bounds the HTTP exchange of a step that calls an operation; `Client::workflow_timeout` bounds a whole run".into());
            }
        }
        step.workflow_deps = workflow_refs(&step);
        step
    }

    /// Step `dependsOn` (Arazzo 1.1): steps run in document order here, so an earlier
    /// step of the same workflow is a prerequisite already met; anything else is reported.
    fn step_depends_on(&mut self, st: &Wf<'a>, i: usize, s: &'a model::Step<'a>) {
        for d in &s.depends_on {
            match st.step_ids.iter().position(|x| *x == d.value) {
                Some(j) if j < i => {}
                Some(j) if j == i => {
                    self.err(
                        Code::DependencyCycle,
                        &d.node,
                        format!("step `{}` depends on itself", s.id.value),
                    );
                }
                Some(_) => {
                    self.err(Code::DependencyCycle, &d.node, format!("step `{}` depends on `{}`, which comes after it", s.id.value, d.value))
                        .help
                        .push("steps run in the order they are listed: move the step it depends on before it".into());
                }
                None if d.value.starts_with('$') => {
                    self.err(Code::Unsupported, &d.node, format!("`{}`: a step `dependsOn` on a step of another workflow is not supported yet", d.value))
                        .help
                        .push("name a step of this workflow, or depend on the workflow (`dependsOn` of the workflow)".into());
                }
                None => {
                    let names: Vec<&str> = st.step_ids.iter().map(String::as_str).collect();
                    let env = self.env();
                    let problem = env.unknown(
                        Code::UnknownStep,
                        &d.node,
                        &(0..d.value.len()),
                        format!(
                            "step `{}` depends on unknown step `{}`",
                            s.id.value, d.value
                        ),
                        "the workflow's steps",
                        &names,
                        &d.value,
                        |best| env.step_location(st, best),
                    );
                    self.diags.push(problem);
                }
            }
        }
    }

    /// The parameters of a step: the workflow's (for a step that calls an operation),
    /// overridden by the step's own (same name and location), each with the value that
    /// overrides a component's; and whether a `reference` did not resolve (what it was meant
    /// to supply is unknown, so no required parameter is reported missing for it).
    /// Parameters given twice in the step are reported.
    fn step_params(
        &mut self,
        st: &Wf<'a>,
        s: &'a model::Step<'a>,
        target: Target<'a>,
    ) -> (StepParams<'a>, Vec<credentials::Origin<'a>>, bool) {
        let wf = &self.doc.workflows[st.index];
        let mut params: Vec<(model::Parameter<'a>, Option<&'a Node>)> = Vec::new();
        // A `reference` that names no component was reported; what it was meant to
        // supply is unknown, so no required parameter is reported missing for it.
        let mut unresolved_reference = false;
        // Workflow-level parameters apply to the steps that call operations; the
        // parameters of a step that runs a workflow are that workflow's inputs.
        let runs_workflow = matches!(target, Target::Workflow(_));
        let inherited: &[ParamOrRef] = if runs_workflow { &[] } else { &wf.parameters };
        // Where each of `params` is written (for the `manual_credential` lint).
        let mut origins: Vec<credentials::Origin<'a>> = Vec::new();
        for (k, entry) in inherited.iter().chain(s.parameters.iter()).enumerate() {
            let resolved = match entry {
                ParamOrRef::Param(p) => Some((p.clone(), None)),
                ParamOrRef::Ref { reference, value } => self.param_ref(reference, *value),
            };
            if let Some((p, ov)) = resolved {
                let workflow_level = k < inherited.len();
                let replaced = params.iter().position(|(q, _)| same_param(q, &p));
                let overrides =
                    replaced.is_some_and(|at| origins.get(at).is_some_and(|o| o.workflow_level));
                if let Some(at) = replaced {
                    params.remove(at);
                    origins.remove(at);
                }
                params.push((p, ov));
                origins.push(credentials::Origin {
                    param: entry,
                    workflow_level,
                    overrides,
                });
            } else {
                unresolved_reference = true;
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
                    Code::Duplicate,
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
        (params, origins, unresolved_reference)
    }

    /// A step that calls operation `op` of OpenAPI source `api`: its parameters (checked
    /// against the operation's, the required ones supplied) and request body, lowered.
    fn operation_step(
        &mut self,
        st: &mut Wf<'a>,
        req_ec: &Ectx<'_>,
        s: &'a model::Step<'a>,
        (api, op): (usize, &'a Operation),
        (params, unresolved_reference): (&StepParams<'a>, bool),
    ) -> ir::StepKind {
        let (source_name, api_model) =
            (&self.sources.apis[api].0, self.sources.apis[api].1.as_ref());
        let mut lowered = Vec::new();
        for (p, override_value) in params {
            let value_node = override_value.as_ref().unwrap_or(&p.value);
            let Some(location) = p.location else {
                self.err(Code::InvalidParameter, &p.name.node, format!("parameter `{}` of step `{}` has no `in`", p.name.value, s.id.value))
                    .help.push("a step that calls an operation must say where each parameter goes: `in: path | query | header | cookie`".into());
                continue;
            };
            let declared = self.sources.store.parameters(op).iter().any(|q| {
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
            // `in: querystring` in a 1.0 document was reported as an Arazzo 1.1
            // feature; whether the operation declares one is beside the point.
            let gated = location == ParamIn::QueryString && self.doc.version < model::Version::V1_1;
            if !declared
                && !credential
                && !gated
                && matches!(
                    location,
                    ParamIn::Path | ParamIn::Query | ParamIn::QueryString
                )
            {
                let names: Vec<&str> = self
                    .sources
                    .store
                    .parameters(op)
                    .iter()
                    .filter(|q| q.location == location)
                    .map(|q| q.name.as_str())
                    .collect();
                let help = did_you_mean(&p.name.value, names.iter().copied());
                let declared = self.env().operation_location(op);
                let mut d = self.err(
                    Code::UnknownParameter,
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
                d.add_label(declared, "the operation is declared here");
                d.suggest_name(&p.name.value, names.iter().copied());
            }
            let (value, _, _) = self.value_expr(st, req_ec, value_node);
            self.report_bytes(
                st,
                value_node,
                &value,
                &format!("parameter `{}`", p.name.value),
            );
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
        for q in self.sources.store.parameters(op) {
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
            let unplaced = params
                .iter()
                .any(|(p, _)| p.location.is_none() && p.name.value.eq_ignore_ascii_case(&q.name));
            if !supplied && !unplaced && !unresolved_reference {
                let declared = self.env().operation_location(op);
                self.err(Code::MissingParameter, &s.id.node, format!(
                    "step `{}` does not supply the required {} parameter `{}` of operation `{}`",
                    s.id.value, q.location.as_str(), q.name, op.operation_id.as_deref().unwrap_or(&op.path)
                ))
                .add_label(declared, "the operation is declared here")
                .help.push(format!("add `- name: {}\n            in: {}\n            value: ...` to its parameters", q.name, q.location.as_str()));
            }
        }
        self.body_operation = self.env().operation_location(op);
        let body = s
            .request_body
            .as_ref()
            .and_then(|rb| self.body(st, req_ec, rb, op, s));
        self.body_operation = None;
        if s.request_body.is_none() {
            if let Some(opn) = self.sources.store.operation_node(op) {
                let rb = opn.node.get("requestBody").and_then(|n| {
                    self.sources.store.resolve(At {
                        file: opn.file,
                        node: n,
                    })
                });
                if rb.is_some_and(|r| r.node.get("required").and_then(Node::as_bool) == Some(true))
                {
                    let declared = self.env().operation_location(op);
                    self.err(Code::RequestBodyPresence, &s.id.node, format!(
                        "operation `{}` requires a request body, but step `{}` has no `requestBody`",
                        op.operation_id.as_deref().unwrap_or(&op.path), s.id.value
                    ))
                    .add_label(declared, "the operation is declared here");
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
            security: api_model
                .map(|a| self.sources.store.security(a, op))
                .unwrap_or_default(),
        }
    }

    /// A step that runs workflow `j`: its parameters are that workflow's inputs.
    fn workflow_step(
        &mut self,
        st: &mut Wf<'a>,
        req_ec: &Ectx<'_>,
        s: &'a model::Step<'a>,
        j: WorkflowRef,
        params: &StepParams<'a>,
    ) -> ir::StepKind {
        let mut inputs = Vec::new();
        let names = self.env().inputs_of(j).cloned().unwrap_or_default();
        for (p, ov) in params {
            if p.location.is_some() {
                self.err(
                    Code::InvalidParameter,
                    &p.name.node,
                    format!(
                        "parameter `{}` of step `{}` has `in`, but the step runs a workflow",
                        p.name.value, s.id.value
                    ),
                )
                .help
                .push(
                    "parameters of a workflow step become that workflow's inputs: remove `in`"
                        .into(),
                );
            }
            if !names.iter().any(|(n, _, _)| *n == p.name.value) {
                self.err(
                    Code::UnknownInput,
                    &p.name.node,
                    format!(
                        "workflow `{}` has no input `{}`",
                        self.env().wf_id(j),
                        p.name.value
                    ),
                )
                .candidates(
                    "its inputs",
                    names.iter().map(|(n, _, _)| n.as_str()),
                    &p.name.value,
                );
            }
            let (value, _, _) = self.value_expr(st, req_ec, ov.unwrap_or(p.value));
            inputs.push((p.name.value.clone(), value));
        }
        for (json, _, ty) in &names {
            if !ty.is_option() && !inputs.iter().any(|(n, _)| n == json) {
                self.err(
                    Code::MissingInput,
                    &s.id.node,
                    format!(
                        "step `{}` does not supply the required input `{json}` of workflow `{}`",
                        s.id.value,
                        self.env().wf_id(j)
                    ),
                )
                .help
                .push(format!(
                    "add `- name: {json}\n            value: ...` to the step's parameters"
                ));
            }
        }
        if let Some(rb) = &s.request_body {
            self.err(
                Code::RequestBodyPresence,
                rb.node,
                format!(
                    "step `{}` runs a workflow and cannot have a `requestBody`",
                    s.id.value
                ),
            );
        }
        ir::StepKind::Workflow {
            workflow: j,
            inputs,
        }
    }

    pub(super) fn param_ref(
        &mut self,
        reference: &Text,
        value: Option<&'a Node>,
    ) -> Option<(model::Parameter<'a>, Option<&'a Node>)> {
        let Some(name) = reference.value.strip_prefix("$components.parameters.") else {
            self.err(
                Code::InvalidReference,
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
                    Code::UnknownComponent,
                    &reference.node,
                    format!("unknown component parameter `{name}`"),
                )
                .candidates("`components.parameters` declares", names, name);
                None
            }
        }
    }
}

/// The earlier steps whose outputs step `i` reads (in its parameters, body, outputs and
/// success criteria), each with whether it surely ran before.
fn step_deps(
    i: usize,
    flow: &Flow,
    kind: &ir::StepKind,
    outputs: &[ir::StepOutput],
    success: &[ir::Criterion],
) -> Vec<(StepIdx, bool)> {
    let mut deps: Vec<(StepIdx, bool)> = Vec::new();
    let mut refs = Vec::new();
    for o in outputs {
        collect_steps(&o.value, &mut refs);
    }
    if let ir::StepKind::Operation { params, body, .. } = kind {
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
    if let ir::StepKind::Workflow { inputs, .. } = kind {
        for (_, v) in inputs {
            collect_steps(v, &mut refs);
        }
    }
    if let ir::StepKind::Message {
        headers,
        body,
        correlation,
        ..
    } = kind
    {
        for p in headers {
            collect_steps(&p.value, &mut refs);
        }
        if let Some(b) = body {
            collect_steps(&b.value, &mut refs);
            for (_, v) in &b.replacements {
                collect_steps(v, &mut refs);
            }
        }
        if let Some((_, v)) = correlation {
            collect_steps(v, &mut refs);
        }
    }
    for c in success {
        collect_criterion_steps(c, &mut refs);
    }
    refs.sort_unstable();
    refs.dedup();
    for r in refs {
        if r != StepIdx(i) {
            deps.push((r, flow.must_in[i].get(r.0).copied().unwrap_or(false)));
        }
    }
    deps
}

//! Resolving one runtime expression against the inputs, earlier steps, responses and components; its type.

use super::*;

impl<'a> Checker<'a> {
    /// Checks and resolves one runtime expression as written.
    pub(super) fn expr_resolved(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
    ) -> Option<(RtExpr, Ty, Option<Schema<'a>>)> {
        if self.http_expr_on_message_step(st, ec, node, e) {
            return None;
        }
        let text = e.text.clone();
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        let need_response = |me: &mut Self, what: &str| -> bool {
            if ec.response && matches!(target, Some(Target::Workflow(_))) {
                me.err_span(
                    Code::NoValue,
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
                Code::NoValue,
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
                    self.err_span(Code::NoValue, node, &e.span, format!("`{text}` has no value in {}: the request is being built", ec.place))
                        .help.push("`$request` can be used in `successCriteria`, action criteria and step `outputs`; here, use the expression the value comes from".into());
                    return None;
                }
                let Some((params, body)) = st.request.clone() else {
                    self.err_span(
                        Code::NoValue,
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
                                Code::NoValue,
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
                            Code::UnknownParameter,
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
                            Code::NoValue,
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
                                        self.unknown_name(Code::UnknownParameter, node, &h.span, format!("the {code} response of `{op_name}` documents no header `{}` (in `{text}`)", h.text), "it documents", &names, &h.text);
                                        let declared = self.response_location(op, &code, resp);
                                        self.label_last(
                                            declared,
                                            format!("the {code} response is declared here"),
                                        );
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
                        // Outputs: the success response first (it names the type), then
                        // the other responses the success criteria admit (an upsert's 404
                        // body may hold what the 200 body lacks; the output's type is
                        // their join, computed with the step's outputs).
                        let responses: Vec<(String, At<'a>)> = if ec.success {
                            let mut list: Vec<_> = store.success_response(op).into_iter().collect();
                            for r in self.admitted_responses(st, ec, op) {
                                if list.iter().all(|(c, _)| *c != r.0) {
                                    list.push(r);
                                }
                            }
                            list
                        } else {
                            all_responses(store, op)
                        };
                        let mut missing: Option<(usize, Vec<String>, String, At<'a>)> = None;
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
                                        missing = Some((index, available, code.clone(), *resp));
                                    }
                                }
                            }
                        }
                        match (missing, any_schema) {
                            (Some((index, available, code, resp)), true) => {
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
                                    Code::UnknownProperty,
                                    node,
                                    &span,
                                    msg,
                                    "the schema there has",
                                    &names,
                                    &tok,
                                );
                                if ec.success {
                                    let declared = self.response_location(op, &code, resp);
                                    self.label_last(
                                        declared,
                                        format!("the {code} response is declared here"),
                                    );
                                }
                                None
                            }
                            _ => Some((rt, Ty::Json, None)),
                        }
                    }
                    Source::Query(_) | Source::Path(_) => {
                        self.err_span(
                            Code::NoValue,
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
                        Code::UnknownInput,
                        node,
                        &name.span,
                        format!("unknown input `{}` in `{text}`", name.text),
                        "the workflow declares",
                        &names_ref,
                        &name.text,
                    );
                    self.label_candidate(&name.text, &names_ref, |c, best| {
                        c.input_location(st, best)
                    });
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
                                    Code::UnknownProperty,
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
                    self.err_span(Code::NoValue, node, &e.span, format!("`{text}` can only be used in the outputs and criteria of a step that runs a workflow"))
                        .help.push("to use a workflow output elsewhere, read it from the step: `$steps.<stepId>.outputs.<name>`".into());
                    return None;
                };
                let outs = self.outputs_of(j)?.clone();
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
                            Code::UnknownOutput,
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
                    self.err_span(Code::StepNotRun, node, &step.span, format!("step `{}` reads its own outputs in `{text}`", step.text))
                        .help.push("use `$response.body#/...` or `$response.header.<name>` for the current response".into());
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
                                self.unknown_name(Code::UnknownProperty, node, &p.span, format!("output `{}` of step `{}` has no member `{tok}` (in `{text}`)", name.text, step.text), "its schema has", &names, &tok);
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
                        Code::UnknownWorkflow,
                        node,
                        &workflow.span,
                        format!("unknown workflow `{}` in `{text}`", workflow.text),
                        "the document declares",
                        &ids_ref,
                        &workflow.text,
                    );
                    return None;
                };
                let j = WorkflowRef::Local(j);
                if !st.depends_on.contains(&j) {
                    self.err_span(
                        Code::StepNotRun,
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
                        let outs = self.outputs_of(j)?.clone();
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
                                    Code::UnknownOutput,
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
                        let names = self.inputs_of(j).cloned().unwrap_or_default();
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
                                    Code::UnknownInput,
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
                        Code::UnknownSource,
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
                    Some((RtExpr::Const(Lit::Str(v)), Ty::String, None))
                } else if names_operation {
                    self.err_span(Code::NoValue, node, &name.span, format!("`{text}` names an operation or workflow of `{}`, which is not a value", source.text))
                        .help.push("an operationId or workflowId takes precedence over the source description's fields; operations are named in `operationId`, not in values".into());
                    None
                } else if !v11 && (name.text == "type" || name.text == "name") {
                    let declared = self.declared();
                    let d = self.err_span(
                        Code::Arazzo11Only,
                        node,
                        &name.span,
                        format!("`{text}` is an Arazzo 1.1 expression"),
                    );
                    model::requires_1_1(d, &declared);
                    None
                } else {
                    self.err_span(Code::NoValue, node, &name.span, format!("`{text}` has no value here; only `$sourceDescriptions.{}.url` is a value", source.text))
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
                self.err_span(
                    Code::NoValue,
                    node,
                    &e.span,
                    format!("`{text}` is not a value"),
                )
                .help
                .push(what.to_owned());
                None
            }
            ExprKind::SelfUri => {
                if self.doc.version < model::Version::V1_1 {
                    let declared = self.declared();
                    let d = self.err_span(
                        Code::Arazzo11Only,
                        node,
                        &e.span,
                        "`$self` is an Arazzo 1.1 expression".to_owned(),
                    );
                    model::requires_1_1(d, &declared);
                    return None;
                }
                match &self.doc.self_uri {
                    Some(u) => Some((RtExpr::Const(Lit::Str(u.value.clone())), Ty::String, None)),
                    None => {
                        self.err_span(Code::NoValue, node, &e.span, "`$self` has no value: the document has no `$self` field")
                            .help
                            .push("declare the document's URI at its root: `$self: https://example.com/workflows/this.arazzo.yaml`".into());
                        None
                    }
                }
            }
            ExprKind::Message(src) => self.message_expr(st, ec, node, e, src),
        }
    }
}

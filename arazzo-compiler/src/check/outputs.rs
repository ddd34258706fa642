//! Step outputs: their types, joined over the responses that can satisfy the success criteria.

use super::*;

impl<'a> Checker<'a> {
    /// The type of `$response.body#<tokens>` joined over every documented response that
    /// can satisfy the step's success criteria ([`crate::status`]): `Option` when some of
    /// them may lack the value, `serde_json::Value` when they disagree on its type. `None`
    /// when only the success response is admitted (the plain case).
    pub(super) fn joined_body_output(
        &mut self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        op: &'a Operation,
        tokens: &[String],
        hint: &str,
    ) -> Option<(Ty, Option<Schema<'a>>)> {
        let store = &self.sources.store;
        let admitted = self.env().admitted_responses(st, ec, op);
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
    pub(super) fn output_type(
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
                        if tokens.is_empty() {
                            // A whole body that is not JSON: bytes, or text.
                            let store = &self.sources.store;
                            let media = store
                                .success_response(op)
                                .and_then(|(_, r)| store.response_media(r));
                            if let Some((media, schema)) = media {
                                let kind = crate::openapi::media_kind(&media);
                                let binary_schema = schema.is_some_and(|sc| {
                                    types::is_binary(&self.resolver, Schema::Api(sc))
                                });
                                if kind == MediaKind::Binary
                                    || (binary_schema && kind != MediaKind::Json)
                                {
                                    return (Ty::Bytes, None);
                                }
                                if kind == MediaKind::Text && schema.is_none() {
                                    return (Ty::String, None);
                                }
                            }
                        }
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
                                // Into a free-form part (an object open to any member, `{}`):
                                // any JSON value, which may be absent.
                                Walk::Open(_) => (Ty::Json.optional(), None),
                                // Reported when the value is lowered.
                                Walk::Missing { .. } => (Ty::Json, None),
                            };
                        }
                        if !tokens.is_empty() {
                            // Into a body without a schema: any JSON value, maybe absent.
                            return (Ty::Json.optional(), None);
                        }
                    }
                    (Ty::Json, None)
                }
                ExprKind::Outputs { name, pointer } => {
                    if let Some(Target::Workflow(j)) = target {
                        if let Some(outs) = self.env().outputs_of(j) {
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
                ExprKind::Message(src) => self.message_output_type(st, ec, src, hint),
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
}

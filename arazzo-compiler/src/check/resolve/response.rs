//! `$response.*`: the response a step received (in its criteria and outputs).

use super::super::*;
use super::Resolution;

impl<'a> Checker<'a> {
    /// `$response.<source>`: the status, a header or the body of the response.
    pub(in crate::check) fn resolve_response(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
        src: &Source,
    ) -> Resolution<'a> {
        let text = e.text.clone();
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        if !self.need_response(st, ec, node, e, "there is no response yet") {
            return None;
        }
        let Some(Target::Op { op, .. }) = target else {
            if matches!(target, Some(Target::Workflow(_))) {
                self.err_span(
                    Code::NoValue,
                    node,
                    &e.span,
                    format!("`{text}`: the step runs a workflow, which has no HTTP response"),
                )
                .help
                .push("use `$outputs.<name>` for the outputs of the workflow it ran".into());
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
                                let names: Vec<&str> = headers.iter().map(String::as_str).collect();
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
                        let at: String = tokens[..=index.min(tokens.len().saturating_sub(1))]
                            .iter()
                            .map(|t| format!("/{}", crate::expr::escape_token(t)))
                            .collect();
                        let span = ptr.as_ref().map_or(e.span.clone(), |p| p.span.clone());
                        let names: Vec<&str> = available.iter().map(String::as_str).collect();
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
                        if let Some(schema) = store.response_schema(resp) {
                            self.suggest_nearby_pointer(schema, &tokens, index, &available, &raw);
                        }
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
}

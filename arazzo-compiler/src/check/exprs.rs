//! Runtime expressions in values: literals, expressions, templates, selectors and the dotted dialect.

use super::*;

impl<'a> Checker<'a> {
    /// Lowers a YAML value (literal, expression, template, or a tree of them).
    pub(super) fn value_expr(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
    ) -> (Val, Ty, Option<Schema<'a>>) {
        match &node.value {
            Value::Str(s) => match expr::classify(s) {
                Ok(Classified::Literal) => {
                    self.bare_expressions(node, s, &[]);
                    (Val::Lit(Lit::Str(s.clone())), Ty::String, None)
                }
                Ok(Classified::Expression(e)) => match self.expr(st, ec, node, &e) {
                    Some((r, ty, schema)) => (Val::Expr(r, ty.clone()), ty, schema),
                    None => (
                        Val::Expr(RtExpr::Const(Lit::Null), Ty::Json),
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
                        Val::Expr(RtExpr::Const(Lit::Null), Ty::Json),
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
            Value::Null => (Val::Lit(Lit::Null), Ty::Json, None),
            Value::Bool(b) => (Val::Lit(Lit::Bool(*b)), Ty::Boolean, None),
            Value::Int(i) => (Val::Lit(Lit::Int(*i)), Ty::Integer, None),
            Value::Float(f) if f.is_finite() => (Val::Lit(Lit::Float(*f)), Ty::Number, None),
            // `.inf`, `-.inf`, `.nan`: YAML numbers that JSON cannot carry.
            Value::Float(_) => {
                let written = self.file.text.get(node.span.clone()).unwrap_or("?");
                let msg = format!("`{written}` is not a JSON number: JSON has no infinity or NaN");
                self.err(Code::InvalidValue, node, msg).help.push(
                    "write a finite number, or quote the value to send it as a string".into(),
                );
                (Val::Lit(Lit::Null), Ty::Json, None)
            }
        }
    }

    /// The expression a JSON pointer Selector Object stands for (`context` with the
    /// pointer appended: `$response.body` + `/a/b` → `$response.body#/a/b`), as a
    /// string node placed at the context (diagnostics inside it point there).
    pub(super) fn pointer_selector(sel: &model::Selector) -> Option<Text> {
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
                span: sel.context.node.span.clone(),
                content_offset: None,
                col_map: None,
            },
        })
    }

    /// Lowers a Selector Object (Arazzo 1.1): a JSON pointer is read as the pointer
    /// form of its context expression (typed from the schema there); a JSONPath
    /// query is validated now and applied at run time (a JSON value).
    pub(super) fn selector(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
    ) -> (Val, Ty, Option<Schema<'a>>) {
        let none = (
            Val::Expr(RtExpr::Const(Lit::Null), Ty::Json),
            Ty::Json,
            None,
        );
        let Some(sel) = model::Selector::read(node) else {
            self.err(
                Code::WrongType,
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
                    Code::InvalidExpression,
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
                let mut d = self.err(
                    Code::InvalidValue,
                    sel.type_node,
                    format!("unknown selector type `{name}`"),
                );
                d.help.push("use jsonpath, jsonpointer or xpath".into());
                if let Some(h) = did_you_mean(&name, ["jsonpath", "jsonpointer", "xpath"]) {
                    d.help.push(h);
                }
                none
            }
            Some(model::SelectorType::XPath) => {
                self.err(Code::Unsupported, sel.type_node, "XPath selectors are not supported")
                    .help
                    .push("JSON values only: select with `type: jsonpointer` (typed from the schema) or `type: jsonpath`".into());
                none
            }
            Some(model::SelectorType::JsonPointer) => {
                if let Some(v) = version.filter(|v| v != "rfc6901") {
                    self.err(
                        Code::InvalidValue,
                        sel.type_node,
                        format!("unknown JSON pointer version `{v}`"),
                    )
                    .help
                    .push("the JSON pointer version is `rfc6901`".into());
                    return none;
                }
                let ptr = &sel.selector.value;
                if !(ptr.is_empty() || ptr.starts_with('/')) {
                    self.err(
                        Code::InvalidQuery,
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
                                self.err(Code::InvalidExpression, &sel.context.node, format!("`{}` is not a structured value a JSON pointer can select from", sel.context.value))
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
                    self.err(Code::InvalidValue, sel.type_node, format!("unknown JSONPath version `{v}`"))
                        .help
                        .push("use `rfc9535` or `draft-goessner-dispatch-jsonpath-00` (both read as RFC 9535)".into());
                    return none;
                }
                let query = sel.selector.value.clone();
                if let Err(m) = crate::condition::check_jsonpath_depth(&query) {
                    self.err(Code::Unsupported, &sel.selector.node, m);
                    return none;
                }
                if let Err(e) = serde_json_path::JsonPath::parse(&query) {
                    self.err(
                        Code::InvalidQuery,
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
                let ty = if singular {
                    Ty::Json
                } else {
                    Ty::Vec(Box::new(Ty::Json))
                };
                let select = RtExpr::Select {
                    context: Box::new(ctx),
                    query,
                    singular,
                };
                (Val::Expr(select, ty.clone()), ty, None)
            }
        }
    }

    /// Reports runtime expressions written outside `{…}` in a string value: they would be
    /// sent as literal text (`Bearer $inputs.token`).
    pub(super) fn bare_expressions(&mut self, node: &Node, value: &str, embedded: &[expr::Span]) {
        let spans = expr::bare_expressions(value, embedded);
        if spans.is_empty() {
            return;
        }
        let fixed = expr::brace_spans(value, &spans);
        for span in &spans {
            let text = value.get(span.clone()).unwrap_or_default().to_owned();
            self.err_span(Code::InvalidExpression,
                node,
                span,
                format!("`{text}` would be sent as literal text: a runtime expression inside a string must be wrapped in braces"),
            )
            .add_help(format!("write `{fixed}`"))
            .suggest_location(&text, format!("{{{text}}}"), Applicability::MachineApplicable);
        }
    }

    /// Checks and resolves one runtime expression (spans relative to the node's string),
    /// reading the dialects public documents use (see [`Self::dotted_readings`] and
    /// [`Expr::dialect`]) as their canonical form with a `dialect` warning; then types it
    /// (naming the types of the schemas it reads) and reports what did not resolve.
    pub(super) fn expr(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
    ) -> Option<(RtExpr, Ty, Option<Schema<'a>>)> {
        let (resolution, dialect) = self.expr_read(st, ec, node, e);
        if let Some(d) = dialect {
            self.diags.push(d);
        }
        match resolution {
            Ok(r) => {
                let ty = self.lower_ty(st, r.ty);
                // Editor queries (facts.rs): what the expression resolved to, once.
                self.fact_expr(st, node, e, Some((&ty, r.schema, r.declared_at)));
                Some((r.expr, ty, r.schema))
            }
            Err(unresolved) => {
                if let Unresolved::Problem(d) = unresolved {
                    self.diags.push(*d);
                }
                self.fact_expr(st, node, e, None);
                None
            }
        }
    }

    /// The type of a resolved expression: a schema's is named in the type space, in the
    /// scope of workflow `st`.
    pub(super) fn lower_ty(&mut self, st: &Wf<'a>, ty: Typed<'a>) -> Ty {
        match ty {
            Typed::Ty(t) => t,
            Typed::Schema {
                schema,
                hint,
                optional,
            } => {
                let scope = Scope::Workflow(st.index);
                let t = self.types.ty_of(&self.resolver, schema, hint, scope);
                if optional {
                    t.optional()
                } else {
                    t
                }
            }
        }
    }

    /// Resolves `e` as written and, when it does not resolve, as each dotted reading:
    /// the resolution, and the `dialect` warning that goes with it.
    fn expr_read(
        &self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
    ) -> (Resolution<'a>, Option<Diagnostic>) {
        let env = self.env();
        let first = resolve::resolve(&env, st, ec, node, e);
        let Err(Unresolved::Problem(mut problem)) = first else {
            let warning = match (&first, e.dialect.as_deref()) {
                (Ok(_), Some((canonical, span))) => {
                    Some(self.dialect_warning(node, span, &e.text, canonical))
                }
                _ => None,
            };
            return (first, warning);
        };
        for (alt, canonical, span) in self.dotted_readings(st, e) {
            if let Ok(r) = resolve::resolve(&env, st, ec, node, &alt) {
                let span = match e.dialect.as_deref() {
                    Some((_, d)) => span.start.min(d.start)..span.end.max(d.end),
                    None => span,
                };
                let warning = self.dialect_warning(node, &span, &e.text, &canonical);
                return (Ok(r), Some(warning));
            }
        }
        // Not an unambiguous dialect: the problem of the expression as written stands.
        if let Some((canonical, _)) = e.dialect.as_deref() {
            if problem.is_error() {
                problem.add_help(format!(
                    "`{}` is read as the JSON pointer form `{canonical}`",
                    e.text
                ));
            }
        }
        (Err(Unresolved::Problem(problem)), None)
    }

    /// The `dialect` warning: `written` is read as `canonical`.
    pub(super) fn dialect_warning(
        &self,
        node: &Node,
        span: &std::ops::Range<usize>,
        written: &str,
        canonical: &str,
    ) -> Diagnostic {
        let loc = loc_span(&self.file, node, span);
        let underlined = node.as_str().and_then(|v| v.get(span.clone()));
        let edit = underlined.and_then(|u| crate::diag::rewrite_part(written, canonical, u));
        let mut d = Diagnostic::warning(
            Code::Dialect,
            loc,
            format!("`{written}` is read as `{canonical}`"),
        );
        d.add_help(if canonical.contains('#') {
            format!("Arazzo selects a value inside an input, an output or a body with a JSON pointer after `#`: write `{canonical}`")
        } else {
            format!("a header is named after `.header.`, without a JSON pointer: write `{canonical}`")
        });
        if let (Some(u), Some(new)) = (underlined, edit) {
            d.suggest_location(u, new, Applicability::MachineApplicable);
        }
        if d.suggestions.is_empty() {
            // The location is the scalar's start (no column map): the whole expression.
            d.suggest_on_line(written, canonical, Applicability::MachineApplicable);
        }
        d
    }

    /// Readings of a dotted name that is not declared (`$inputs.a.b`, `$steps.s.outputs.a.b`)
    /// as a declared prefix and a JSON pointer (`$inputs.a#/b`), longest prefix first:
    /// (expression, canonical text, span of the dotted rest).
    pub(super) fn dotted_readings(
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
                let Some(j) = self.env().workflow_index(&workflow.text) else {
                    return Vec::new();
                };
                let declared = match field {
                    WorkflowField::Outputs => self.env().outputs_of(WorkflowRef::Local(j)),
                    WorkflowField::Inputs => self.env().inputs_of(WorkflowRef::Local(j)),
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
}

/// Whether an RFC 9535 query is singular (names and indices only: no wildcard,
/// descendant, slice, union or filter outside quoted names).
pub(super) fn jsonpath_singular(query: &str) -> bool {
    let mut prev = '\0';
    for c in crate::condition::jsonpath_unquoted(query) {
        match c {
            '*' | '?' | ':' | ',' => return false,
            '.' if prev == '.' => return false,
            _ => {}
        }
        prev = c;
    }
    true
}

/// A help line for a JSONPath written in the Goessner / JavaScript style.
pub(super) fn goessner_help(query: &str, context: &str) -> Option<String> {
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

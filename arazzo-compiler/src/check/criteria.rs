//! Success criteria and conditions: simple, regex and JSONPath, typed comparisons.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn criterion(
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
                        Code::InvalidExpression,
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
                    self.err(Code::InvalidQuery, &cond.node, format!("invalid regular expression `{}`: {last}", cond.value))
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
                        self.err(Code::InvalidQuery, c.node, format!("unknown JSONPath version `{v}`"))
                            .help.push("use `draft-goessner-dispatch-jsonpath-00` (evaluated with RFC 9535 semantics) or `rfc9535`".into());
                    }
                }
                if let Err(m) = condition::check_jsonpath_depth(&checked) {
                    self.err(Code::Unsupported, &cond.node, m).help.push(
                        "split the query into several criteria, or select less deeply".into(),
                    );
                    return None;
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
                        let mut d = self.err(
                            Code::InvalidQuery,
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
                self.err(
                    Code::Unsupported,
                    c.node,
                    "XPath criteria are not supported",
                )
                .help
                .push(
                    "this compiler evaluates JSON responses; use a `jsonpath` or simple criterion"
                        .into(),
                );
                None
            }
        }
    }

    pub(super) fn lower_cond(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        c: &condition::Cond,
    ) -> Option<ir::Cond> {
        self.lower_cond_typed(st, ec, node, c).map(|(c, _, _)| c)
    }

    /// Lowers a condition and returns the static type of a runtime-expression operand.
    pub(super) fn lower_cond_typed(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        c: &condition::Cond,
    ) -> Option<(ir::Cond, Option<Ty>, Option<Schema<'a>>)> {
        Some(match &c.kind {
            CondKind::Literal(l) => (
                ir::Cond::Lit(match l {
                    condition::Literal::Null => Lit::Null,
                    condition::Literal::Bool(b) => Lit::Bool(*b),
                    condition::Literal::Number(n) => match n.as_i64() {
                        Some(i) => Lit::Int(i),
                        // An integer beyond `i64` stays a JSON number.
                        None if n.is_u64() => Lit::Json(n.clone().into()),
                        None => Lit::Float(n.as_f64().unwrap_or(0.0)),
                    },
                    condition::Literal::String(s) => Lit::Str(s.clone()),
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
    pub(super) fn operand_ty(&self, ty: Option<Ty>, schema: Option<Schema<'a>>) -> OperandTy {
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
                    Ty::Named(i) => match self.types.def(i).map(|d| &d.kind) {
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
    pub(super) fn check_comparison(
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
                        Code::ImpossibleComparison,
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
                        Code::ImpossibleComparison,
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
                    self.err_span(Code::ImpossibleComparison, node, &lit.span, format!("`'{text}'` is not one of the values the schema allows here: the comparison can never hold"))
                    .candidates("allowed", values.iter().map(String::as_str), text);
                }
                _ => {}
            }
        }
    }
}

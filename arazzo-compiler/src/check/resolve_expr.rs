//! Resolving one runtime expression against the inputs, earlier steps, responses and
//! components, and its type: a short dispatcher over the expression's root, each root
//! resolved in its own file of [`super::resolve`].

use super::resolve::Resolution;
use super::*;

impl<'a> Checker<'a> {
    /// Checks and resolves one runtime expression as written.
    pub(super) fn expr_resolved(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
    ) -> Resolution<'a> {
        if self.http_expr_on_message_step(st, ec, node, e) {
            return None;
        }
        let resolved = match &e.kind {
            ExprKind::StatusCode => self
                .need_response(st, ec, node, e, "there is no response yet")
                .then_some((RtExpr::StatusCode, Ty::Integer, None)),
            ExprKind::Url => self
                .need_response(st, ec, node, e, "the request is not sent yet")
                .then_some((RtExpr::Url, Ty::String, None)),
            ExprKind::Method => self
                .need_response(st, ec, node, e, "the request is not sent yet")
                .then_some((RtExpr::Method, Ty::String, None)),
            ExprKind::Request(src) => self.resolve_request(st, ec, node, e, src),
            ExprKind::Response(src) => self.resolve_response(st, ec, node, e, src),
            ExprKind::Inputs { name, pointer } => self.resolve_inputs(st, node, e, name, pointer),
            ExprKind::Outputs { name, pointer } => {
                self.resolve_outputs(st, ec, node, e, name, pointer)
            }
            ExprKind::Steps {
                step,
                name,
                pointer,
            } => self.resolve_steps(st, ec, node, e, step, name, pointer),
            ExprKind::Workflows {
                workflow,
                field,
                name,
                pointer,
            } => self.resolve_workflows(st, node, e, workflow, field, name, pointer),
            ExprKind::SourceDescriptions { source, name } => {
                self.resolve_source_descriptions(node, e, source, name)
            }
            ExprKind::Components { kind, .. } => self.resolve_components(node, e, kind),
            ExprKind::SelfUri => self.resolve_self_uri(node, e),
            ExprKind::Message(src) => self.message_expr(st, ec, node, e, src),
        };
        resolved
    }

    /// True when the expression is evaluated where a response exists; else reports that it
    /// has no value there (`what`: why).
    pub(in crate::check) fn need_response(
        &mut self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
        what: &str,
    ) -> bool {
        let text = &e.text;
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        if ec.response && matches!(target, Some(Target::Workflow(_))) {
            self.err_span(
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
        self.err_span(
            Code::NoValue,
            node,
            &e.span,
            format!("`{text}` has no value in {}: {what}", ec.place),
        )
        .help
        .push("it can be used in `successCriteria`, action criteria and step `outputs`".into());
        false
    }
}

//! `$components.*` and `$self`: names of the document, values only for `$self`.

use super::super::*;
use super::Resolution;

impl<'a> Checker<'a> {
    /// `$components.<kind>.<name>`: never a value.
    pub(in crate::check) fn resolve_components(
        &mut self,
        node: &Node,
        e: &Expr,
        kind: &ComponentKind,
    ) -> Resolution<'a> {
        let text = e.text.clone();
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

    /// `$self`: the document's own URI (Arazzo 1.1).
    pub(in crate::check) fn resolve_self_uri(&mut self, node: &Node, e: &Expr) -> Resolution<'a> {
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
}

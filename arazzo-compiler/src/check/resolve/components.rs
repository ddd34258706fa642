//! `$components.*` and `$self`: names of the document, values only for `$self`.

use super::{Env, Resolution, Resolved};
use crate::diag::Code;
use crate::expr::{ComponentKind, Expr};
use crate::ir::{Lit, RtExpr};
use crate::model::{self, Version};
use crate::types::Ty;
use crate::yaml::Node;

/// `$components.<kind>.<name>`: never a value; the problem says how it is used.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    node: &Node,
    e: &Expr,
    kind: ComponentKind,
) -> Resolution<'a> {
    let how = match kind {
        ComponentKind::Inputs => "component inputs are referenced with `$ref: '#/components/inputs/<name>'` inside an `inputs` schema",
        ComponentKind::Parameters => "component parameters are used with `- reference: $components.parameters.<name>` in a `parameters` list",
        ComponentKind::SuccessActions | ComponentKind::FailureActions => "component actions are used with `- reference: $components.successActions.<name>` in an action list",
    };
    let mut d = env.problem(
        Code::NoValue,
        node,
        &e.span,
        format!("`{}` is not a value", e.text),
    );
    d.add_help(how);
    Err(d.into())
}

/// `$self`: the document's own URI (Arazzo 1.1).
pub(super) fn self_uri<'a>(env: &Env<'_, 'a>, node: &Node, e: &Expr) -> Resolution<'a> {
    if env.doc.version < Version::V1_1 {
        let mut d = env.problem(
            Code::Arazzo11Only,
            node,
            &e.span,
            "`$self` is an Arazzo 1.1 expression",
        );
        model::requires_1_1(&mut d, &env.declared());
        return Err(d.into());
    }
    match &env.doc.self_uri {
        Some(u) => {
            let declared_at = model::location(env.file, &u.node);
            Ok(
                Resolved::new(RtExpr::Const(Lit::Str(u.value.clone())), Ty::String)
                    .declared(declared_at),
            )
        }
        None => {
            let mut d = env.problem(
                Code::NoValue,
                node,
                &e.span,
                "`$self` has no value: the document has no `$self` field",
            );
            d.add_help("declare the document's URI at its root: `$self: https://example.com/workflows/this.arazzo.yaml`");
            Err(d.into())
        }
    }
}

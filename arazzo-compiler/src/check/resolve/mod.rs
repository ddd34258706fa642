//! Resolving a runtime expression, read-only: [`resolve`] dispatches on the expression's
//! root to one file per root (`$inputs`, `$steps`, `$workflows`, `$outputs`, `$request`,
//! `$response`, `$message`, `$sourceDescriptions`, `$components` and `$self`). Each
//! reads a read-only [`Env`] and the [`Wf`]/[`Ectx`] of the step the expression is
//! written in, and returns data: a [`Resolved`], or the problem as a diagnostic for the
//! caller to report. Nothing here records a diagnostic, names a type or lowers: the
//! checker does that with what is returned (see `Checker::expr_resolved`).

mod components;
mod env;
mod inputs;
mod message;
mod outputs;
mod pointer;
mod request;
mod response;
mod sources;
mod steps;
#[cfg(test)]
mod tests;
mod workflows;

pub(super) use env::Env;

use super::{Ectx, Target, Wf};
use crate::diag::{Code, Diagnostic, Location};
use crate::expr::{Expr, ExprKind};
use crate::ir::RtExpr;
use crate::types::{Schema, Ty};
use crate::yaml::Node;

/// What an expression resolved to.
#[derive(Clone, Debug)]
pub(in crate::check) struct Resolved<'a> {
    /// Its lowered form, evaluated at run time.
    pub(in crate::check) expr: RtExpr,
    /// Its type (a schema's type is named by the checker, which owns the type space).
    pub(in crate::check) ty: Typed<'a>,
    /// Its schema, when it reads a value a schema describes.
    pub(in crate::check) schema: Option<Schema<'a>>,
    /// Where what it reads is declared (an input, a step output, a workflow, a source
    /// description, a schema), for editors.
    pub(in crate::check) declared_at: Option<Location>,
}

/// The type of a resolved expression.
#[derive(Clone, Debug)]
pub(in crate::check) enum Typed<'a> {
    /// Known without naming anything.
    Ty(Ty),
    /// The type of `schema` (a struct named after `hint` when it is an object),
    /// `Option` when `optional`.
    Schema {
        /// The schema.
        schema: Schema<'a>,
        /// The name a struct generated for it starts from.
        hint: &'static str,
        /// Wrapped in `Option`.
        optional: bool,
    },
}

/// Why an expression did not resolve.
#[derive(Debug)]
pub(in crate::check) enum Unresolved {
    /// Something it depends on did not resolve and was reported where it is written (an
    /// inputs schema, a step's target, a workflow inside a dependency cycle).
    Reported,
    /// This problem, to report.
    Problem(Box<Diagnostic>),
}

impl From<Diagnostic> for Unresolved {
    fn from(d: Diagnostic) -> Self {
        Unresolved::Problem(Box::new(d))
    }
}

/// The result of resolving one expression.
pub(in crate::check) type Resolution<'a> = Result<Resolved<'a>, Unresolved>;

impl<'a> Resolved<'a> {
    /// A resolution of type `ty`, with no schema and no declaration.
    fn new(expr: RtExpr, ty: Ty) -> Self {
        Resolved {
            expr,
            ty: Typed::Ty(ty),
            schema: None,
            declared_at: None,
        }
    }

    /// This resolution, declared at `at`.
    fn declared(self, at: Option<Location>) -> Self {
        Resolved {
            declared_at: at,
            ..self
        }
    }
}

/// The target of the step an expression is written in (`None` outside a step).
fn target_of<'a>(st: &Wf<'a>, ec: &Ectx<'_>) -> Option<Target<'a>> {
    ec.step.and_then(|i| st.targets.get(i).copied())
}

/// Resolves expression `e` (written in scalar `node`) in the scope `ec` of workflow `st`.
pub(in crate::check) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
) -> Resolution<'a> {
    message::http_on_message_step(env, st, ec, node, e)?;
    match &e.kind {
        ExprKind::StatusCode => {
            need_response(env, st, ec, node, e, "there is no response yet")?;
            Ok(Resolved::new(RtExpr::StatusCode, Ty::Integer))
        }
        ExprKind::Url => {
            need_response(env, st, ec, node, e, "the request is not sent yet")?;
            Ok(Resolved::new(RtExpr::Url, Ty::String))
        }
        ExprKind::Method => {
            need_response(env, st, ec, node, e, "the request is not sent yet")?;
            Ok(Resolved::new(RtExpr::Method, Ty::String))
        }
        ExprKind::Request(src) => request::resolve(env, st, ec, node, e, src),
        ExprKind::Response(src) => response::resolve(env, st, ec, node, e, src),
        ExprKind::Message(src) => message::resolve(env, st, ec, node, e, src),
        ExprKind::Inputs { name, pointer } => inputs::resolve(env, st, node, e, name, pointer),
        ExprKind::Outputs { name, pointer } => {
            outputs::resolve(env, st, ec, node, e, name, pointer)
        }
        ExprKind::Steps {
            step,
            name,
            pointer,
        } => steps::resolve(env, st, ec, node, e, (step, name), pointer),
        ExprKind::Workflows {
            workflow,
            field,
            name,
            pointer,
        } => workflows::resolve(env, st, node, e, (workflow, *field, name), pointer),
        ExprKind::SourceDescriptions { source, name } => {
            sources::resolve(env, node, e, source, name)
        }
        ExprKind::Components { kind, .. } => components::resolve(env, node, e, *kind),
        ExprKind::SelfUri => components::self_uri(env, node, e),
    }
}

/// `Ok` when the expression is evaluated where a response exists; else the problem
/// that it has no value there (`what`: why).
fn need_response(
    env: &Env<'_, '_>,
    st: &Wf<'_>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
    what: &str,
) -> Result<(), Unresolved> {
    let text = &e.text;
    if ec.response && matches!(target_of(st, ec), Some(Target::Workflow(_))) {
        let mut d = env.problem(
            Code::NoValue,
            node,
            &e.span,
            format!("`{text}`: the step runs a workflow, which has no HTTP exchange"),
        );
        d.add_help("use `$outputs.<name>` for the outputs of the workflow it ran");
        return Err(d.into());
    }
    if ec.response {
        return Ok(());
    }
    let mut d = env.problem(
        Code::NoValue,
        node,
        &e.span,
        format!("`{text}` has no value in {}: {what}", ec.place),
    );
    d.add_help("it can be used in `successCriteria`, action criteria and step `outputs`");
    Err(d.into())
}

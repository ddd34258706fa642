//! `$request.*`: the request a step sent (in its criteria and outputs).

use super::super::{Ectx, Wf};
use super::{Env, Resolution, Resolved};
use crate::diag::Code;
use crate::expr::{Expr, Source};
use crate::ir::{RtExpr, Val};
use crate::model::ParamIn;
use crate::types::Ty;
use crate::yaml::Node;

/// `$request.<source>`: a parameter or the body of the request the step sent.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    ec: &Ectx<'_>,
    node: &Node,
    e: &Expr,
    src: &Source,
) -> Resolution<'a> {
    let text = &e.text;
    if !ec.response {
        let mut d = env.problem(
            Code::NoValue,
            node,
            &e.span,
            format!(
                "`{text}` has no value in {}: the request is being built",
                ec.place
            ),
        );
        d.add_help("`$request` can be used in `successCriteria`, action criteria and step `outputs`; here, use the expression the value comes from");
        return Err(d.into());
    }
    let Some((params, body)) = &st.request else {
        return Err(env
            .problem(
                Code::NoValue,
                node,
                &e.span,
                format!("`{text}`: the step runs a workflow, which has no HTTP request"),
            )
            .into());
    };
    let (location, name) = match src {
        Source::Header(n) => (ParamIn::Header, n),
        Source::Query(n) => (ParamIn::Query, n),
        Source::Path(n) => (ParamIn::Path, n),
        Source::Body(ptr) => {
            let Some(b) = body else {
                return Err(env
                    .problem(
                        Code::NoValue,
                        node,
                        &e.span,
                        format!("`{text}`: the step sends no request body"),
                    )
                    .into());
            };
            let expr = RtExpr::Request {
                value: Box::new(b.value.clone()),
                replacements: b.replacements.clone(),
                pointer: ptr.as_ref().map(|p| p.raw.clone()).unwrap_or_default(),
            };
            return Ok(Resolved::new(expr, Ty::Json));
        }
    };
    let same = |p: &&crate::ir::Param| {
        p.location == location
            && if location == ParamIn::Header {
                p.name.eq_ignore_ascii_case(&name.text)
            } else {
                p.name == name.text
            }
    };
    let Some(p) = params.iter().find(same) else {
        let names: Vec<&str> = params
            .iter()
            .filter(|p| p.location == location)
            .map(|p| p.name.as_str())
            .collect();
        let mut d = env.problem(
            Code::UnknownParameter,
            node,
            &name.span,
            format!(
                "the step sends no {} parameter `{}` (in `{text}`)",
                location.as_str(),
                name.text
            ),
        );
        d.candidates("it sends", names, &name.text);
        return Err(d.into());
    };
    let ty = if matches!(p.value, Val::Template(_)) {
        Ty::String
    } else {
        Ty::Json
    };
    let expr = RtExpr::Request {
        value: Box::new(p.value.clone()),
        replacements: Vec::new(),
        pointer: String::new(),
    };
    Ok(Resolved::new(expr, ty))
}

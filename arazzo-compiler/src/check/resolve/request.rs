//! `$request.*`: the request a step sent (in its criteria and outputs).

use super::super::*;
use super::Resolution;

impl<'a> Checker<'a> {
    /// `$request.<source>`: a parameter or the body of the request the step sent.
    pub(in crate::check) fn resolve_request(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        node: &Node,
        e: &Expr,
        src: &Source,
    ) -> Resolution<'a> {
        let text = e.text.clone();
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
}

//! `$inputs.*`: the inputs of the workflow.

use super::super::Wf;
use super::{Env, Resolution, Resolved, Typed, Unresolved};
use crate::diag::Code;
use crate::expr::{Expr, Name, Pointer};
use crate::ir::RtExpr;
use crate::types::{self, Ty, Walk};
use crate::yaml::Node;

/// `$inputs.<name>[#pointer]`: an input of the workflow.
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    st: &Wf<'a>,
    node: &Node,
    e: &Expr,
    name: &Name,
    pointer: &Option<Pointer>,
) -> Resolution<'a> {
    let text = &e.text;
    let found = st.input_names.iter().find(|(j, _, _)| *j == name.text);
    if found.is_none() && st.inputs_broken {
        return Err(Unresolved::Reported);
    }
    let Some((json, _, ty)) = found else {
        let names: Vec<&str> = st.input_names.iter().map(|(j, _, _)| j.as_str()).collect();
        let mut d = env.unknown(
            Code::UnknownInput,
            node,
            &name.span,
            format!("unknown input `{}` in `{text}`", name.text),
            "the workflow declares",
            &names,
            &name.text,
            |best| env.input_location(st, best),
        );
        let dotted = name.text.split_once('.').filter(|(a, _)| names.contains(a));
        if let Some((a, b)) = dotted {
            d.add_help(format!(
                "to read a member of an object input use a JSON pointer: `$inputs.{a}#/{}`",
                b.replace('.', "/")
            ));
        }
        return Err(d.into());
    };
    let declared_at = env.input_location(st, json);
    let mut ptr = format!("/{}", crate::expr::escape_token(json));
    let Some(p) = pointer else {
        return Ok(Resolved::new(RtExpr::Input(ptr), ty.clone()).declared(declared_at));
    };
    ptr.push_str(&p.raw);
    let mut tokens = vec![json.clone()];
    tokens.extend(p.tokens.iter().cloned());
    let mut resolved = Resolved::new(RtExpr::Input(ptr), Ty::Json).declared(declared_at);
    let Some(schema) = st.inputs_schema else {
        return Ok(resolved);
    };
    match types::walk(env.resolver, schema, &tokens) {
        // A member may be absent whatever its schema says: the input is the caller's.
        Walk::Found(s, _) => {
            resolved.ty = Typed::Schema {
                schema: s,
                hint: "InputValue",
                optional: true,
            };
            Ok(resolved)
        }
        Walk::Open(_) => Ok(resolved),
        Walk::Missing { index, available } => {
            let tok = tokens.get(index).map_or("", String::as_str);
            let names: Vec<&str> = available.iter().map(String::as_str).collect();
            let mut d = env.problem(
                Code::UnknownProperty,
                node,
                &p.span,
                format!("input `{json}` has no member `{tok}` (in `{text}`)"),
            );
            d.candidates("its schema has", names.iter().copied(), tok);
            Err(d.into())
        }
    }
}

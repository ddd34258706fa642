//! `$inputs.*`: the inputs of the workflow.

use super::super::*;
use super::Resolution;
use crate::expr::{Name, Pointer};

impl<'a> Checker<'a> {
    /// `$inputs.<name>[#pointer]`: an input of the workflow.
    pub(in crate::check) fn resolve_inputs(
        &mut self,
        st: &mut Wf<'a>,
        node: &Node,
        e: &Expr,
        name: &Name,
        pointer: &Option<Pointer>,
    ) -> Resolution<'a> {
        let text = e.text.clone();
        let found = st
            .input_names
            .iter()
            .find(|(j, _, _)| *j == name.text)
            .cloned();
        if found.is_none() && st.inputs_broken {
            return None;
        }
        let Some((json, _, ty)) = found else {
            let names: Vec<String> = st.input_names.iter().map(|(j, _, _)| j.clone()).collect();
            let names_ref: Vec<&str> = names.iter().map(String::as_str).collect();
            let dotted = name
                .text
                .split_once('.')
                .filter(|(a, _)| names.iter().any(|n| n == a));
            self.unknown_name(
                Code::UnknownInput,
                node,
                &name.span,
                format!("unknown input `{}` in `{text}`", name.text),
                "the workflow declares",
                &names_ref,
                &name.text,
            );
            self.label_candidate(&name.text, &names_ref, |c, best| c.input_location(st, best));
            if let Some((a, b)) = dotted {
                if let Some(d) = self.diags.last_mut() {
                    d.help.push(format!(
                        "to read a member of an object input use a JSON pointer: `$inputs.{a}#/{}`",
                        b.replace('.', "/")
                    ));
                }
            }
            return None;
        };
        let mut ptr = format!("/{}", crate::expr::escape_token(&json));
        let mut ty = ty;
        if let Some(p) = pointer {
            ptr.push_str(&p.raw);
            let mut tokens = vec![json.clone()];
            tokens.extend(p.tokens.iter().cloned());
            ty = Ty::Json;
            if let Some(schema) = st.inputs_schema {
                match types::walk(&self.resolver, schema, &tokens) {
                    Walk::Found(s, optional) => {
                        let t = self.types.ty_of(
                            &self.resolver,
                            s,
                            "InputValue",
                            Scope::Workflow(st.index),
                        );
                        ty = t.optional();
                        let _ = optional;
                    }
                    Walk::Open(_) => {}
                    Walk::Missing { index, available } => {
                        let tok = tokens.get(index).cloned().unwrap_or_default();
                        let names: Vec<&str> = available.iter().map(String::as_str).collect();
                        self.unknown_name(
                            Code::UnknownProperty,
                            node,
                            &p.span,
                            format!("input `{json}` has no member `{tok}` (in `{text}`)"),
                            "its schema has",
                            &names,
                            &tok,
                        );
                        return None;
                    }
                }
            }
        }
        Some((RtExpr::Input(ptr), ty, None))
    }
}

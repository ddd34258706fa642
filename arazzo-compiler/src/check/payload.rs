//! Request bodies: payloads checked against the operation's request schema, and replacements.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn body(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        rb: &model::RequestBody,
        op: &'a Operation,
        s: &model::Step,
    ) -> Option<ir::Body> {
        let store = &self.sources.store;
        let ct_wanted = rb.content_type.as_ref().map(|t| t.value.clone());
        let documented = store.request_schema(op, ct_wanted.as_deref());
        let content_type = match (&ct_wanted, &documented) {
            (Some(c), _) => c.clone(),
            (None, Some((c, _))) => c.clone(),
            (None, None) => "application/json".to_owned(),
        };
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let kind = if crate::openapi::is_json(&media) {
            BodyKind::Json
        } else if media == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if media.starts_with("text/") || media == "application/xml" {
            BodyKind::Text
        } else {
            let node = rb
                .content_type
                .as_ref()
                .map_or(&rb.node, |t| &t.node)
                .clone();
            self.err(&node, format!("request body content type `{content_type}` is not supported"))
                .help.push("supported: application/json (and +json), application/x-www-form-urlencoded, text/* and application/xml as text".into());
            return None;
        };
        if let (Some(ct), None) = (&rb.content_type, &documented) {
            if let Some(opn) = store.operation_node(op) {
                if opn.node.get("requestBody").is_some() {
                    let node = ct.node.clone();
                    let media_types: Vec<String> = opn
                        .node
                        .get("requestBody")
                        .and_then(|rb| {
                            self.sources.store.resolve(At {
                                file: opn.file,
                                node: rb,
                            })
                        })
                        .and_then(|rb| rb.node.get("content"))
                        .map(|c| c.entries().iter().map(|(k, _)| k.text.clone()).collect())
                        .unwrap_or_default();
                    self.warn(
                        "undocumented_content_type",
                        &node,
                        format!(
                            "operation `{}` does not document a `{}` request body; it is sent as written, unchecked",
                            op.operation_id.as_deref().unwrap_or(&op.path),
                            ct.value
                        ),
                    )
                    .candidates("it documents", media_types.iter().map(String::as_str), &ct.value);
                }
            }
        }
        let payload = rb.payload.clone().unwrap_or(Node {
            value: Value::Null,
            pos: rb.node.pos,
            span: rb.node.span.start..rb.node.span.start,
            content_offset: None,
            col_map: None,
        });
        let (value, _, _) = self.value_expr(st, ec, &payload);
        if kind == BodyKind::Text
            && !matches!(
                value,
                Val::Lit(serde_json::Value::String(_)) | Val::Template(_) | Val::Expr(..)
            )
        {
            self.err(
                &payload,
                format!("a `{content_type}` body must be a string payload"),
            );
        }
        let mut replacements = Vec::new();
        for (target, v) in &rb.replacements {
            match crate::openapi::pointer_tokens(&target.value) {
                Some(_) => {
                    let (val, _, _) = self.value_expr(st, ec, v);
                    replacements.push((target.value.clone(), val));
                }
                None => {
                    self.err(
                        &target.node,
                        format!(
                            "replacement target `{}` is not a JSON pointer",
                            target.value
                        ),
                    )
                    .help
                    .push("targets are RFC 6901 pointers such as `/customer/id`".into());
                }
            }
        }
        // Check the payload against the request schema (JSON and form bodies).
        if let (Some((_, Some(schema))), true) = (&documented, kind != BodyKind::Text) {
            let schema = Schema::Api(*schema);
            let replaced: Vec<String> = rb
                .replacements
                .iter()
                .map(|(t, _)| t.value.clone())
                .collect();
            // A replacement target must exist where the schema allows no other properties.
            for (target, _) in &rb.replacements {
                let Some(tokens) = crate::openapi::pointer_tokens(&target.value) else {
                    continue;
                };
                if let Walk::Missing { index, available } =
                    types::walk(&self.resolver, schema, &tokens)
                {
                    let closed = match types::walk(&self.resolver, schema, &tokens[..index]) {
                        Walk::Found(parent, _) => {
                            self.resolver.resolve(parent).is_some_and(|(p, _)| {
                                p.node().get("additionalProperties").and_then(Node::as_bool)
                                    == Some(false)
                            })
                        }
                        _ => false,
                    };
                    if closed {
                        let tok = tokens.get(index).cloned().unwrap_or_default();
                        self.err(&target.node, format!("replacement target `{}`: the request body schema has no property `{tok}` there and allows no others", target.value))
                            .candidates("its properties", available.iter().map(String::as_str), &tok);
                    }
                }
            }
            self.check_payload(&payload, &value, schema, "", &replaced, s);
        }
        Some(ir::Body {
            content_type,
            kind,
            value,
            replacements,
        })
    }

    /// Checks a lowered payload against a schema: unknown properties (when extras are
    /// forbidden), missing required properties, literals or typed values that cannot fit.
    pub(super) fn check_payload(
        &mut self,
        node: &Node,
        val: &Val,
        schema: Schema<'a>,
        path: &str,
        replaced: &[String],
        s: &model::Step,
    ) {
        let Some((schema, _)) = self.resolver.resolve(schema) else {
            return;
        };
        let sn = schema.node();
        if sn.get("oneOf").is_some() || sn.get("anyOf").is_some() {
            // Fits if it fits one branch: check quietly against each.
            let key = if sn.get("oneOf").is_some() {
                "oneOf"
            } else {
                "anyOf"
            };
            let branches: Vec<Schema<'a>> = sn
                .get(key)
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .map(|b| match schema {
                    Schema::Api(at) => Schema::Api(At {
                        file: at.file,
                        node: b,
                    }),
                    Schema::Doc(_) => Schema::Doc(b),
                })
                .collect();
            let mut best: Option<Diagnostics> = None;
            for b in branches {
                let mut scratch = Diagnostics::default();
                let saved = std::mem::replace(self.diags, scratch);
                self.quiet += 1;
                self.check_payload(node, val, b, path, replaced, s);
                self.quiet -= 1;
                scratch = std::mem::replace(self.diags, saved);
                if scratch.is_empty() {
                    return;
                }
                if best.as_ref().is_none_or(|b| scratch.len() < b.len()) {
                    best = Some(scratch);
                }
            }
            if let Some(b) = best {
                for d in b.into_vec() {
                    self.diags.push(d);
                }
            }
            return;
        }
        let props_of = |sch: Schema<'a>,
                        me: &Self|
         -> (Vec<(String, Schema<'a>)>, Vec<String>, Option<bool>) {
            let mut props = Vec::new();
            let mut required = Vec::new();
            let mut closed = None;
            let mut parts = vec![sch];
            for b in sch.node().get("allOf").map(Node::items).unwrap_or(&[]) {
                let b = match sch {
                    Schema::Api(at) => Schema::Api(At {
                        file: at.file,
                        node: b,
                    }),
                    Schema::Doc(_) => Schema::Doc(b),
                };
                if let Some((r, _)) = me.resolver.resolve(b) {
                    parts.push(r);
                }
            }
            for p in parts {
                let n = p.node();
                for (k, v) in n.get("properties").map(Node::entries).unwrap_or(&[]) {
                    let v = match p {
                        Schema::Api(at) => Schema::Api(At {
                            file: at.file,
                            node: v,
                        }),
                        Schema::Doc(_) => Schema::Doc(v),
                    };
                    props.push((k.text.clone(), v));
                }
                required.extend(
                    n.get("required")
                        .map(Node::items)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(Node::as_str)
                        .map(str::to_owned),
                );
                if let Some(ap) = n.get("additionalProperties") {
                    if ap.as_bool() == Some(false) {
                        closed = Some(true);
                    }
                }
            }
            (props, required, closed)
        };
        let types_allowed = types::schema_types(sn);
        match val {
            Val::Object(members) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"object") {
                    self.err(
                        node,
                        format!(
                            "the request body at `{}` must be {}, found an object",
                            if path.is_empty() { "/" } else { path },
                            types_allowed.join(" or ")
                        ),
                    );
                    return;
                }
                let (props, required, closed) = props_of(schema, self);
                for (k, v) in members {
                    let child_node = node.get(k).cloned().unwrap_or_else(|| node.clone());
                    let key_node = node
                        .entries()
                        .iter()
                        .find(|(kk, _)| kk.text == *k)
                        .map(|(kk, _)| kk.node());
                    match props.iter().find(|(n, _)| n == k) {
                        Some((_, ps)) => self.check_payload(
                            &child_node,
                            v,
                            *ps,
                            &format!("{path}/{k}"),
                            replaced,
                            s,
                        ),
                        None if closed == Some(true) => {
                            let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
                            self.err(key_node.as_ref().unwrap_or(&child_node), format!("the request body schema has no property `{k}` (at `{path}/{k}`) and allows no others"))
                    .candidates("its properties", names.iter().copied(), k);
                        }
                        None => {}
                    }
                }
                for r in &required {
                    // A `readOnly` property is never sent, so never required in a request.
                    let read_only = props.iter().any(|(n, ps)| {
                        n == r && types::schema_flag(&self.resolver, *ps, "readOnly")
                    });
                    if read_only {
                        continue;
                    }
                    let ptr = format!("{path}/{}", crate::expr::escape_token(r));
                    if !members.iter().any(|(k, _)| k == r) && !replaced.contains(&ptr) {
                        self.err(node, format!("the request body of step `{}` is missing the required property `{r}` (at `{ptr}`)", s.id.value))
                            .help.push(format!("add `{r}: ...` to the payload"));
                    }
                }
            }
            Val::Array(items) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"array") {
                    self.err(
                        node,
                        format!(
                            "the request body at `{}` must be {}, found an array",
                            if path.is_empty() { "/" } else { path },
                            types_allowed.join(" or ")
                        ),
                    );
                    return;
                }
                if let Some(items_schema) = sn.get("items") {
                    let is = match schema {
                        Schema::Api(at) => Schema::Api(At {
                            file: at.file,
                            node: items_schema,
                        }),
                        Schema::Doc(_) => Schema::Doc(items_schema),
                    };
                    for (k, v) in items.iter().enumerate() {
                        let child = node.items().get(k).cloned().unwrap_or_else(|| node.clone());
                        self.check_payload(&child, v, is, &format!("{path}/{k}"), replaced, s);
                    }
                }
            }
            Val::Lit(lit) => {
                if types_allowed.is_empty() {
                    return;
                }
                let kind = match lit {
                    serde_json::Value::Null => "null",
                    serde_json::Value::Bool(_) => "boolean",
                    serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                    serde_json::Value::Number(_) => "number",
                    serde_json::Value::String(_) => "string",
                    serde_json::Value::Array(_) => "array",
                    serde_json::Value::Object(_) => "object",
                };
                let fits = types_allowed.contains(&kind)
                    || (kind == "integer" && types_allowed.contains(&"number"))
                    || (kind == "null" && types::is_nullable(sn));
                if !fits {
                    self.err(node, format!("the literal {lit} does not fit the request body at `{path}`: the schema expects {}", types_allowed.join(" or ")));
                } else if let (Some(e), serde_json::Value::String(sv)) = (sn.get("enum"), lit) {
                    let options: Vec<&str> = e.items().iter().filter_map(Node::as_str).collect();
                    if !options.is_empty() && !options.contains(&sv.as_str()) {
                        let help = did_you_mean(sv, options.iter().copied());
                        let d = self.err(node, format!("`{sv}` is not one of the values the request body allows at `{path}`"));
                        d.help
                            .push(format!("allowed: {}", list_names(options.iter().copied())));
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        d.suggest_name(sv, options.iter().copied());
                    }
                }
            }
            Val::Expr(e, ty) => {
                if types_allowed.is_empty() {
                    return;
                }
                let ty = Some(ty.clone());
                let fits = match ty.as_ref() {
                    None | Some(Ty::Json) => true,
                    Some(t) => ty_fits(t, &types_allowed, &self.types),
                };
                if !fits {
                    let found = ty.map(|t| t.json_kind(&self.types)).unwrap_or_default();
                    self.err(
                        node,
                        format!(
                            "`{}` gives {found}, but the request body expects {} at `{path}`",
                            node.as_str().unwrap_or("the value"),
                            types_allowed.join(" or ")
                        ),
                    )
                    .help
                    .push("convert the value, or change the input's schema type".into());
                }
                self.record_input_use(e, &types_allowed, !fits);
            }
            Val::Template(_) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"string") {
                    self.err(node, format!("a string template does not fit the request body at `{path}`: the schema expects {}", types_allowed.join(" or ")));
                }
            }
        }
    }
}

/// True when a value of type `t` serializes to one of the JSON `types`.
/// Decision (README): integers fit `number`; numbers and booleans do NOT fit `string`.
pub(super) fn ty_fits(t: &Ty, types: &[&str], space: &TypeSpace) -> bool {
    let kind = match t {
        Ty::Option(inner) => return types.contains(&"null") || ty_fits(inner, types, space),
        Ty::String => "string",
        Ty::Integer | Ty::I32 => "integer",
        Ty::Number | Ty::F32 => "number",
        Ty::Boolean => "boolean",
        Ty::Json => return true,
        Ty::Vec(_) => "array",
        Ty::Map(_) => "object",
        Ty::Extern(_) => return true,
        Ty::Named(i) => match space.defs.get(*i).map(|d| &d.kind) {
            Some(types::DefKind::Enum(_)) => "string",
            Some(types::DefKind::Union(alts)) => {
                return alts.iter().any(|(_, t)| ty_fits(t, types, space))
            }
            _ => "object",
        },
    };
    types.contains(&kind) || (kind == "integer" && types.contains(&"number"))
}

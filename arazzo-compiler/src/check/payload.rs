//! Request bodies: payloads checked against the operation's request schema, and replacements.

use super::*;

/// The properties of an object schema, its required names, and whether it forbids others.
type ObjectProps<'a> = (Vec<(String, Schema<'a>)>, Vec<String>, Option<bool>);

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
        let kind = match crate::openapi::media_kind(&content_type) {
            MediaKind::Json => BodyKind::Json,
            MediaKind::Form => BodyKind::Form,
            MediaKind::Multipart => BodyKind::Multipart,
            MediaKind::Text => BodyKind::Text,
            MediaKind::Binary => BodyKind::Binary,
            MediaKind::OtherMultipart => {
                let node = rb.content_type.as_ref().map_or(rb.node, |t| &t.node);
                self.err(Code::UnsupportedContentType, node, format!("request body content type `{content_type}` is not supported"))
                    .help.push("supported: application/json (and +json), application/x-www-form-urlencoded, multipart/form-data, text/* and application/xml as text, and any other type as bytes".into());
                return None;
            }
        };
        if let (Some(ct), None) = (&rb.content_type, &documented) {
            self.undocumented_content_type(ct, op);
        }
        let absent = rb.node.null_at_start();
        let payload = rb.payload.unwrap_or(&absent);
        let (value, value_ty, _) = self.value_expr(st, ec, payload);
        let stringish = matches!(
            value,
            Val::Lit(Lit::Str(_)) | Val::Template(_) | Val::Expr(..)
        );
        let whole_bytes = value_ty.is_bytes();
        match kind {
            BodyKind::Text if !stringish => {
                self.err(
                    Code::ContentTypeMismatch,
                    payload,
                    format!("a `{content_type}` body must be a string payload"),
                );
            }
            BodyKind::Binary if whole_bytes => {}
            BodyKind::Binary => {
                if !stringish || self.val_has_bytes(st, &value) {
                    self.err(Code::ContentTypeMismatch, payload, format!("a `{content_type}` body must be bytes or a string"))
                        .help.push("give it an input with `format: binary` (or a `contentMediaType`), such as `payload: $inputs.file`, a binary step output, or a string (sent as its UTF-8 bytes)".into());
                } else if let Ty::Named(_) | Ty::Vec(_) | Ty::Map(_) = value_ty {
                    self.err(
                        Code::ContentTypeMismatch,
                        payload,
                        format!(
                            "a `{content_type}` body must be bytes or a string, not {}",
                            value_ty.json_kind(&self.types)
                        ),
                    );
                }
            }
            BodyKind::Multipart if !matches!(value, Val::Object(_)) => {
                self.err(
                    Code::ContentTypeMismatch,
                    payload,
                    format!(
                        "a `{content_type}` body must be an object payload: each member is a part"
                    ),
                );
            }
            BodyKind::Multipart => {}
            _ => self.report_bytes(st, payload, &value, &format!("the `{content_type}` body")),
        }
        let replacements = self.replacements(st, ec, rb);
        // The parts of a multipart body: binary ones take bytes.
        let mut parts = Vec::new();
        let mut checked_value = value.clone();
        if let (BodyKind::Multipart, Val::Object(members)) = (kind, &value) {
            let schema = documented.as_ref().and_then(|(_, s)| *s).map(Schema::Api);
            let member_nodes: Vec<(&str, &Node)> = payload
                .entries()
                .iter()
                .map(|(k, v)| (k.text.as_str(), v))
                .collect();
            let mut placeholders = Vec::new();
            for (name, v) in members {
                let (part, placeholder) = self.multipart_part(
                    st,
                    payload,
                    &member_nodes,
                    schema,
                    (op, &content_type),
                    name,
                    v,
                );
                if placeholder {
                    placeholders.push(name.clone());
                }
                parts.extend(part);
            }
            if let Val::Object(members) = &mut checked_value {
                for (name, v) in members.iter_mut() {
                    if placeholders.contains(name) {
                        *v = Val::Lit(Lit::Str(String::new()));
                    }
                }
            }
        }
        // Check the payload against the request schema (JSON, form and multipart bodies).
        let schema_checked = match kind {
            BodyKind::Json | BodyKind::Form => true,
            BodyKind::Multipart => matches!(value, Val::Object(_)),
            BodyKind::Text | BodyKind::Binary => false,
        };
        if let (Some((_, Some(schema))), true) = (&documented, schema_checked) {
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
                        self.err(Code::BodyUnknownProperty, &target.node, format!("replacement target `{}`: the request body schema has no property `{tok}` there and allows no others", target.value))
                            .candidates("its properties", available.iter().map(String::as_str), &tok);
                    }
                }
            }
            self.check_payload(payload, &checked_value, schema, "", &replaced, s);
        }
        Some(ir::Body {
            content_type,
            kind,
            value,
            replacements,
            parts,
        })
    }

    /// A request body of a media type its operation does not document (when it documents
    /// others): the `undocumented_content_type` lint.
    fn undocumented_content_type(&mut self, ct: &Text, op: &'a Operation) {
        let store = &self.sources.store;
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
                    Code::UndocumentedContentType,
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

    /// One part of a multipart body (`name`, value `v`, written at a member of `payload`):
    /// checked against the request schema's part (binary or not) and lowered; `None` when
    /// its name or content type cannot be written in its headers (reported). The flag is
    /// true when the part is bytes (checked against the schema as a string placeholder).
    #[allow(clippy::too_many_arguments)]
    fn multipart_part(
        &mut self,
        st: &Wf<'a>,
        payload: &Node,
        member_nodes: &[(&str, &Node)],
        schema: Option<Schema<'a>>,
        (op, content_type): (&'a Operation, &str),
        name: &String,
        v: &Val,
    ) -> (Option<ir::Part>, bool) {
        let store = &self.sources.store;
        let mut placeholder = false;
        let node = member_nodes
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(payload, |(_, n)| n);
        // The name is written into the part's `Content-Disposition` (`name` and
        // `filename`): a quote or a line break would end it or add headers.
        if name
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
        {
            let key = payload
                .entries()
                .iter()
                .find(|(k, _)| k.text == *name)
                .map(|(k, _)| k.node());
            self.err(Code::InvalidName,
                    key.as_ref().unwrap_or(node),
                    format!(
                        "multipart part name `{}` holds a quote, a backslash or a control character (a line break?), which would change the part's headers",
                        name.escape_debug()
                    ),
                )
                .help
                .push("name the part with printable characters other than `\"` and `\\`".into());
            return (None, placeholder);
        }
        let bytes = self.val_is_bytes(st, v);
        let binary_schema = schema.and_then(|sc| {
            match types::walk(&self.resolver, sc, std::slice::from_ref(name)) {
                Walk::Found(p, _) => Some(types::is_binary(&self.resolver, p)),
                _ => None,
            }
        });
        if !bytes {
            self.report_bytes(
                st,
                node,
                v,
                &format!("part `{name}` (only a whole part can be bytes)"),
            );
        }
        if binary_schema == Some(true)
            && !bytes
            && !matches!(v, Val::Lit(Lit::Str(_)) | Val::Template(_))
            && !matches!(self.val_ty(st, v), Some(Ty::String) | None)
        {
            self.err(Code::BinaryMismatch, node, format!("part `{name}` is binary in the request schema: give it bytes"))
                    .help.push("an input with `format: binary` (or a `contentMediaType`), such as `$inputs.file`, a binary step output, or a string".into());
        }
        if bytes && binary_schema == Some(false) {
            self.err(Code::BinaryMismatch, node, format!("part `{name}` is bytes, but the request schema does not describe it as binary"))
                    .help.push("a part takes bytes when its schema is `type: string, format: binary` (or has a `contentMediaType`)".into());
        }
        if bytes {
            // Bytes fit a binary schema: checked below as a string placeholder.
            placeholder = true;
        }
        let part_type = store.part_content_type(op, content_type, name);
        if let Some(t) = part_type
            .as_deref()
            .filter(|t| t.chars().any(char::is_control))
        {
            self.err(Code::InvalidValue,
                    node,
                    format!(
                        "the request schema gives part `{name}` the content type `{}`, which holds a control character (a line break?)",
                        t.escape_debug()
                    ),
                );
            return (None, placeholder);
        }
        (
            Some(ir::Part {
                name: name.clone(),
                value: v.clone(),
                bytes,
                content_type: part_type,
            }),
            placeholder,
        )
    }

    /// The type of a whole-value expression (`None` for anything else).
    fn val_ty(&self, st: &Wf<'a>, v: &Val) -> Option<Ty> {
        match v {
            Val::Expr(e, ty) => Some(self.rt_ty(st, e).unwrap_or_else(|| ty.clone())),
            _ => None,
        }
    }

    /// The type of a whole input or a whole step output, read from the workflow state.
    fn rt_ty(&self, st: &Wf<'a>, e: &RtExpr) -> Option<Ty> {
        match e {
            RtExpr::Input(p) => {
                let tokens = crate::openapi::pointer_tokens(p)?;
                let [name] = tokens.as_slice() else {
                    return None;
                };
                st.input_names
                    .iter()
                    .find(|(n, _, _)| n == name)
                    .map(|(_, _, t)| t.clone())
            }
            RtExpr::StepOutput {
                step,
                field,
                pointer,
            } if pointer.is_empty() => st
                .outputs
                .get(step.0)?
                .iter()
                .find(|o| o.field == *field)
                .map(|o| o.ty.clone()),
            _ => None,
        }
    }

    /// True when `v` is, as a whole, a bytes value (a binary input or step output).
    pub(super) fn val_is_bytes(&self, st: &Wf<'a>, v: &Val) -> bool {
        self.val_ty(st, v).is_some_and(|t| t.is_bytes())
    }

    /// True when `v` holds a bytes value anywhere (as a whole, inside an object or
    /// array, or embedded in a string template).
    pub(super) fn val_has_bytes(&self, st: &Wf<'a>, v: &Val) -> bool {
        match v {
            Val::Lit(_) => false,
            Val::Expr(..) => self.val_is_bytes(st, v),
            Val::Template(parts) => parts.iter().any(|p| match p {
                TPart::Lit(_) => false,
                TPart::Expr(e) => self.rt_ty(st, e).is_some_and(|t| t.is_bytes()),
            }),
            Val::Array(items) => items.iter().any(|i| self.val_has_bytes(st, i)),
            Val::Object(members) => members.iter().any(|(_, m)| self.val_has_bytes(st, m)),
        }
    }

    /// Reports each bytes value inside `v` (lowered from `node`), where it cannot be sent.
    pub(super) fn report_bytes(&mut self, st: &Wf<'a>, node: &Node, v: &Val, place: &str) {
        match v {
            Val::Lit(_) => {}
            Val::Expr(..) | Val::Template(_) => {
                if self.val_has_bytes(st, v) {
                    self.bytes_error(node, place);
                }
            }
            Val::Array(items) => {
                for (k, item) in items.iter().enumerate() {
                    let at = node.items().get(k).unwrap_or(node);
                    self.report_bytes(st, at, item, place);
                }
            }
            Val::Object(members) => {
                for (name, member) in members {
                    let at = node.get(name).unwrap_or(node);
                    self.report_bytes(st, at, member, place);
                }
            }
        }
    }

    /// Reports bytes (a binary input or output) used where JSON or text is sent.
    pub(super) fn bytes_error(&mut self, node: &Node, place: &str) {
        self.err(Code::BinaryMismatch,
            node,
            format!("a binary value (`format: binary` or `contentMediaType`) is used in {place}, which cannot hold bytes"),
        )
        .help
        .push("bytes can only be a binary request body (`application/octet-stream`, `image/png`, ...) or a part of a `multipart/form-data` body".into());
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
            self.check_payload_branches(node, val, schema, (path, replaced), s);
            return;
        }
        let types_allowed = types::schema_types(sn);
        match val {
            Val::Object(members) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"object") {
                    self.err(
                        Code::BodyTypeMismatch,
                        node,
                        format!(
                            "the request body at `{}` must be {}, found an object",
                            if path.is_empty() { "/" } else { path },
                            types_allowed.join(" or ")
                        ),
                    );
                    return;
                }
                let (props, required, closed) = self.object_props(schema);
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
                            self.err(Code::BodyUnknownProperty, key_node.as_ref().unwrap_or(&child_node), format!("the request body schema has no property `{k}` (at `{path}/{k}`) and allows no others"))
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
                        self.err(Code::BodyMissingProperty, node, format!("the request body of step `{}` is missing the required property `{r}` (at `{ptr}`)", s.id.value))
                            .help.push(format!("add `{r}: ...` to the payload"));
                    }
                }
            }
            Val::Array(items) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"array") {
                    self.err(
                        Code::BodyTypeMismatch,
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
                        let child = node.items().get(k).unwrap_or(node);
                        self.check_payload(child, v, is, &format!("{path}/{k}"), replaced, s);
                    }
                }
            }
            Val::Lit(lit) => {
                // `.inf` and `.nan` are reported where they are lowered.
                let unrepresentable = matches!(node.value, Value::Float(f) if !f.is_finite());
                if types_allowed.is_empty() || unrepresentable {
                    return;
                }
                let kind = lit.json_kind();
                let fits = types_allowed.contains(&kind)
                    || (kind == "integer" && types_allowed.contains(&"number"))
                    || (kind == "null" && types::is_nullable(sn));
                if !fits {
                    let lit = lit.to_json();
                    self.err(Code::BodyTypeMismatch, node, format!("the literal {lit} does not fit the request body at `{path}`: the schema expects {}", types_allowed.join(" or ")));
                } else if let (Some(e), Lit::Str(sv)) = (sn.get("enum"), lit) {
                    let options: Vec<&str> = e.items().iter().filter_map(Node::as_str).collect();
                    if !options.is_empty() && !options.contains(&sv.as_str()) {
                        let help = did_you_mean(sv, options.iter().copied());
                        let mut d = self.err(Code::NotAllowedValue, node, format!("`{sv}` is not one of the values the request body allows at `{path}`"));
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
                    // Bytes in a JSON or form body are reported on their own (`report_bytes`).
                    Some(t) if t.is_bytes() => true,
                    Some(t) => ty_fits(t, &types_allowed, &self.types),
                };
                let mismatch = (!fits).then(|| {
                    let found = ty.map(|t| t.json_kind(&self.types)).unwrap_or_default();
                    let d = Diagnostic::at(
                        Code::BodyTypeMismatch,
                        model::location(&self.file, node),
                        format!(
                            "`{}` gives {found}, but the request body expects {} at `{path}`",
                            node.as_str().unwrap_or("the value"),
                            types_allowed.join(" or ")
                        ),
                    )
                    .help("convert the value, or change the input's schema type");
                    self.body_labelled(d)
                });
                // For an array: its `items`, to copy into the input's schema (only when
                // self-contained: a `$ref` points into the OpenAPI file, not this one).
                let items = (types_allowed == ["array"])
                    .then(|| sn.get("items"))
                    .flatten()
                    .map(Node::to_json)
                    .filter(|j| !j.to_string().contains("\"$ref\""))
                    .map(|j| j.to_string());
                self.body_value_use(e, &types_allowed, mismatch, items);
            }
            Val::Template(_) => {
                if !types_allowed.is_empty() && !types_allowed.contains(&"string") {
                    self.err(Code::BodyTypeMismatch, node, format!("a string template does not fit the request body at `{path}`: the schema expects {}", types_allowed.join(" or ")));
                }
            }
        }
    }

    /// A payload against a `oneOf`/`anyOf` schema: it fits if it fits one branch (each
    /// checked quietly); else the problems against the closest branch (the fewest) stand.
    fn check_payload_branches(
        &mut self,
        node: &Node,
        val: &Val,
        schema: Schema<'a>,
        (path, replaced): (&str, &[String]),
        s: &model::Step,
    ) {
        let sn = schema.node();
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
        let mut best: Option<Vec<Diagnostic>> = None;
        for b in branches {
            let mark = self.diags.len();
            self.quiet += 1;
            self.check_payload(node, val, b, path, replaced, s);
            self.quiet -= 1;
            let scratch = self.diags.split_off(mark);
            if scratch.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| scratch.len() < b.len()) {
                best = Some(scratch);
            }
        }
        for d in best.into_iter().flatten() {
            self.diags.push(d);
        }
    }

    /// The properties of an object schema (with those of its `allOf` parts), its
    /// `required` names, and whether it forbids other properties (`None`: unknown).
    fn object_props(&self, sch: Schema<'a>) -> ObjectProps<'a> {
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
            if let Some((r, _)) = self.resolver.resolve(b) {
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
        Ty::Bytes => return false,
        Ty::Named(i) => match space.def(*i).map(|d| &d.kind) {
            Some(types::DefKind::Enum(_)) => "string",
            Some(types::DefKind::Union(alts)) => {
                return alts.iter().any(|(_, t)| ty_fits(t, types, space))
            }
            _ => "object",
        },
    };
    types.contains(&kind) || (kind == "integer" && types.contains(&"number"))
}

impl<'a> Checker<'a> {
    /// The replacements of a request body or message payload: each target must be a
    /// JSON pointer, each value is checked and lowered.
    pub(super) fn replacements(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        rb: &model::RequestBody,
    ) -> Vec<(String, Val)> {
        let mut replacements = Vec::new();
        for (target, v) in &rb.replacements {
            if crate::openapi::pointer_tokens(&target.value).is_some() {
                let (val, _, _) = self.value_expr(st, ec, v);
                replacements.push((target.value.clone(), val));
            } else {
                self.err(
                    Code::InvalidQuery,
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
        replacements
    }
}

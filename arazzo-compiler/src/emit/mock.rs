//! Generated test doubles (the `mocks` option, [`crate::Options::mocks`]).
//!
//! For each workflow, a `mock` module inside the workflow's module: one
//! `arazzo::mock::Operation` description per reachable operation step (method,
//! path, parameters, request and response schemas, the happy-path answer), and a
//! `Double` whose methods, one per step (with the steps of the local workflows it runs),
//! mount answers on a local server (`arazzo::mock`, wiremock). Everything about the
//! OpenAPI description is decided here, at build time, deterministically; the runtime
//! only reads the JSON texts.
//!
//! The happy-path answer of a step:
//! - its status satisfies the step's `$statusCode` comparisons (any 2xx without
//!   criteria), the operation's documented codes tried first;
//! - its body is the media type's `example`, else the first of its `examples`, else
//!   the schema's `example`, else a value made from the schema (every property, enums'
//!   first value, `default`s, formats), deterministic;
//! - `$response.body#/x == literal` and `$response.header.X == literal` criteria are
//!   written into it; headers that outputs read are added.
//!
//! A step whose criteria no HTTP status can satisfy is an error of the compilation
//! (only with `mocks`): a happy path cannot be made for it.

use crate::code::Code;
use crate::condition::BinaryOp;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ir::{self, Cond, Criterion, Lit, RtExpr, StepKind, Val};
use crate::model::ParamIn;
use crate::openapi::{At, Operation, Store};
use crate::resolve::Sources;
use crate::yaml::{Node, Value as Y};
use serde_json::{Map, Value as J};

/// Deepest `$ref`/nesting level a schema is inlined or sampled to.
const MAX_DEPTH: usize = 24;
/// Most schema nodes inlined for one schema (a recursive schema stops there: what is
/// beyond accepts anything).
const MAX_NODES: usize = 4096;
/// Nesting level beyond which a sampled object only gets its required properties.
const OPTIONAL_DEPTH: usize = 4;

/// The `mock` module of each workflow (in document order). Problems (a happy path
/// that cannot be made) are pushed to `diags`, at the step they concern
/// (`locate(workflow index, step index)`).
pub fn mock_modules(
    workflows: &[ir::Workflow],
    sources: &Sources,
    locate: &dyn Fn(usize, usize) -> Option<Location>,
    diags: &Diagnostics,
) -> Vec<Code> {
    let parts: Vec<Part> = workflows
        .iter()
        .enumerate()
        .map(|(wi, w)| operations_of(wi, w, sources, locate, diags))
        .collect();
    workflows
        .iter()
        .enumerate()
        .map(|(wi, w)| double_of(wi, w, workflows, &parts))
        .collect()
}

/// What one workflow's `mock` module holds of its own steps.
struct Part {
    /// The `Operation` statics.
    statics: Vec<Code>,
    /// (static name, step method name, source, step id, operation, method, path) of each.
    entries: Vec<Entry>,
    /// The steps no run reaches (left out).
    unreachable: Vec<String>,
}

struct Entry {
    name: String,
    fn_name: String,
    source: String,
    step: String,
    operation: String,
    method: String,
    path: String,
}

/// The local workflows a run of `wi` may run (workflow steps, `dependsOn`, transfers),
/// transitively, `wi` first.
fn closure(wi: usize, workflows: &[ir::Workflow]) -> Vec<usize> {
    let mut out = vec![wi];
    let mut k = 0;
    while let Some(&j) = out.get(k) {
        k += 1;
        let Some(w) = workflows.get(j) else { continue };
        let mut refs: Vec<ir::WorkflowRef> = w.depends_on.clone();
        for s in &w.steps {
            if let StepKind::Workflow { workflow, .. } = &s.kind {
                refs.push(*workflow);
            }
            for a in s.on_success.iter().chain(&s.on_failure) {
                match &a.kind {
                    ir::ActionKind::GotoWorkflow(r) => refs.push(*r),
                    ir::ActionKind::Retry {
                        workflow: Some(r), ..
                    } => refs.push(*r),
                    _ => {}
                }
            }
        }
        for r in refs {
            if let ir::WorkflowRef::Local(n) = r {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// The steps of a workflow that some run can reach.
fn reachable(w: &ir::Workflow) -> Vec<bool> {
    let kinds = |list: &[ir::Action]| -> Vec<(ir::ActionKind, bool)> {
        list.iter()
            .map(|a| (a.kind.clone(), a.criteria.is_empty()))
            .collect()
    };
    let actions: Vec<crate::check::FlowActions> = w
        .steps
        .iter()
        .map(|s| (kinds(&s.on_success), kinds(&s.on_failure)))
        .collect();
    crate::check::Flow::analyse(w.steps.len(), &actions).reachable
}

fn operations_of(
    wi: usize,
    w: &ir::Workflow,
    sources: &Sources,
    locate: &dyn Fn(usize, usize) -> Option<Location>,
    diags: &Diagnostics,
) -> Part {
    let reach = reachable(w);
    let mut statics = Vec::new();
    let mut entries = Vec::new();
    for (si, s) in w.steps.iter().enumerate() {
        let StepKind::Operation {
            source,
            operation,
            method,
            path,
            body,
            ..
        } = &s.kind
        else {
            continue;
        };
        if !reach.get(si).copied().unwrap_or(false) {
            continue;
        }
        let op = find_operation(sources, source, operation, method, path);
        let store = &sources.store;
        let spec = OpSpec::read(store, op, s, body.as_ref());
        let happy = match happy(store, op, s) {
            Ok(h) => Some(h),
            Err(why) => {
                let mut d = Diagnostic::at(
                    crate::diag::Code::MockUnsatisfiable,
                    locate(wi, si),
                    format!(
                        "`mocks`: no happy-path answer can be made for step `{}`: {why}",
                        s.id
                    ),
                );
                d.help.push(
                    "no run can succeed at this step: correct its `$statusCode` conditions, or compile without `mocks`".into(),
                );
                diags.push(d);
                None
            }
        };
        let name_text = format!(
            "{}",
            heck::AsShoutySnakeCase(s.fn_name.trim_start_matches("r#"))
        );
        let name = Code::ident(&name_text);
        let step = &s.id;
        let params = spec.params.iter().map(|(n, loc, req)| {
            let loc = Code::ident(match loc {
                ParamIn::Path => "Path",
                ParamIn::Query => "Query",
                ParamIn::Header => "Header",
                ParamIn::Cookie => "Cookie",
                ParamIn::QueryString => "QueryString",
            });
            code!(__mock::Param { name: #n, location: __mock::ParamIn::#loc, required: #req },)
        });
        let req_body = match &spec.body {
            Some((ct, required, schema)) => {
                code!(::core::option::Option::Some(__mock::BodySpec { content_type: #ct, required: #required, schema: #schema }))
            }
            None => code!(::core::option::Option::None),
        };
        let responses = spec.responses.iter().map(|(status, ct, schema)| {
            let ct = opt_str(ct.as_deref());
            let schema = opt_str(schema.as_deref());
            code!(__mock::ResponseSpec { status: #status, content_type: #ct, schema: #schema },)
        });
        let happy_code = match &happy {
            Some(h) => {
                let status = Code::unsuffixed(h.status);
                let ct = opt_str(h.content_type.as_deref());
                let body = opt_str(h.body.as_deref());
                let headers = h.headers.iter().map(|(n, v)| code!((#n, #v),));
                code!(::core::option::Option::Some(__mock::Happy { status: #status, content_type: #ct, body: #body, headers: &[#( #headers )*] }))
            }
            None => code!(::core::option::Option::None),
        };
        let sdoc = crate::emit::doc_attr(&format!(
            "Step `{step}`: operation `{operation}` (`{method} {path}`) of source `{source}`, as the double checks and answers it."
        ));
        statics.push(code! {
            #sdoc
            pub static #name: __mock::Operation = __mock::Operation {
                workflow: super::WORKFLOW_ID,
                step: #step,
                source: #source,
                operation: #operation,
                method: #method,
                path: #path,
                params: &[#( #params )*],
                body: #req_body,
                responses: &[#( #responses )*],
                happy: #happy_code,
            };
        });
        entries.push(Entry {
            name: name_text,
            fn_name: s.fn_name.clone(),
            source: source.clone(),
            step: s.id.clone(),
            operation: operation.clone(),
            method: method.clone(),
            path: path.clone(),
        });
    }
    let unreachable = w
        .steps
        .iter()
        .zip(&reach)
        .filter(|(s, r)| !**r && matches!(s.kind, StepKind::Operation { .. }))
        .map(|(s, _)| s.id.clone())
        .collect();
    Part {
        statics,
        entries,
        unreachable,
    }
}

/// The `mock` module of workflow `wi`: its statics, and a `Double` for its steps and
/// those of the local workflows it runs.
fn double_of(wi: usize, w: &ir::Workflow, workflows: &[ir::Workflow], parts: &[Part]) -> Code {
    let mut methods = Vec::new();
    let mut paths = Vec::new();
    let mut used_sources: Vec<&str> = Vec::new();
    let mut unreachable: Vec<String> = Vec::new();
    for wj in closure(wi, workflows) {
        let (Some(part), Some(other)) = (parts.get(wj), workflows.get(wj)) else {
            continue;
        };
        let module = other.module.trim_start_matches("r#");
        for e in &part.entries {
            if !used_sources.contains(&e.source.as_str()) {
                used_sources.push(&e.source);
            }
            let name = Code::ident(&e.name);
            let (path, fn_name, whose) = if wj == wi {
                (code!(#name), e.fn_name.clone(), String::new())
            } else {
                let m = Code::ident(module);
                (
                    code!(super::super::#m::mock::#name),
                    format!("{module}_{}", e.fn_name.trim_start_matches("r#")),
                    format!(" of workflow `{}` (which this one runs)", other.id),
                )
            };
            let fn_name = Code::ident(&fn_name);
            let (step, method, p, operation) = (&e.step, &e.method, &e.path, &e.operation);
            let mdoc = crate::emit::doc_attr(&format!(
                "The answer of step `{step}`{whose} (`{method} {p}`, operation `{operation}`): \
                 set it with `respond`, `header`, `expect` and the `when_*` matchers, then \
                 `.await` (or `mount`) it."
            ));
            methods.push(code! {
                #mdoc
                pub fn #fn_name(&self) -> __mock::StepMock<'_> {
                    self.0.step(&#path)
                }
            });
            paths.push(path);
        }
        unreachable.extend(part.unreachable.iter().map(|s| format!("`{s}`")));
    }
    let statics = parts.get(wi).map(|p| p.statics.as_slice()).unwrap_or(&[]);
    let mut ddoc = format!(
        "A local HTTP server standing in for every source description workflow `{}` calls: \
         one method per step, `happy_path` for a successful run, and a check of every request \
         against its operation (`verify`, and on drop).",
        w.id
    );
    if !unreachable.is_empty() {
        ddoc.push_str(&format!(
            "\n\nNo method for the steps no run can reach: {}.",
            unreachable.join(", ")
        ));
    }
    let ddoc = crate::emit::doc_attr(&ddoc);
    code! {
        /// Test doubles of the workflow (generated by the `mocks` option; needs the `mock`
        /// feature of `arazzo`).
        pub mod mock {
            ::arazzo::__mock_enabled! {
                use ::arazzo::mock as __mock;

                #( #statics )*

                /// The operations the steps call, in step order (then those of the workflows it runs).
                pub static OPERATIONS: &[&__mock::Operation] = &[#( &#paths ),*];

                /// The source descriptions the steps call (each is served by the double).
                pub static SOURCES: &[&str] = &[#( #used_sources ),*];

                #ddoc
                pub struct Double(__mock::Server);

                impl Double {
                    /// Starts the server (127.0.0.1, a free port) with no answer mounted:
                    /// a request to a step that has none is answered 404 and recorded as a
                    /// mismatch.
                    pub async fn start() -> Double {
                        Double(__mock::Server::start(super::WORKFLOW_ID, SOURCES, OPERATIONS).await)
                    }

                    /// Answers every step with its happy-path answer (overridden by any
                    /// answer mounted with a step's method, before or after).
                    pub async fn happy_path(&self) -> &Self {
                        self.0.happy_path().await;
                        self
                    }

                    #( #methods )*
                }

                impl ::core::ops::Deref for Double {
                    type Target = __mock::Server;
                    fn deref(&self) -> &__mock::Server {
                        &self.0
                    }
                }
            }
        }
    }
}

fn opt_str(s: Option<&str>) -> Code {
    match s {
        Some(s) => code!(::core::option::Option::Some(#s)),
        None => code!(::core::option::Option::None),
    }
}

/// The OpenAPI operation a step calls.
fn find_operation<'s>(
    sources: &'s Sources,
    source: &str,
    operation: &str,
    method: &str,
    path: &str,
) -> Option<&'s Operation> {
    let api = sources
        .apis
        .iter()
        .find(|(n, _)| n == source)
        .and_then(|(_, a)| a.as_ref())?;
    api.operations_with_id(operation).next().or_else(|| {
        api.operations
            .iter()
            .find(|o| o.method == method && o.path == path)
    })
}

/// What the double checks of a request and a response.
struct OpSpec {
    /// (name, location, required) of the operation's parameters.
    params: Vec<(String, ParamIn, bool)>,
    /// (content type, required, schema JSON) of the request body.
    body: Option<(String, bool, String)>,
    /// (status key, content type, schema JSON) of the documented responses.
    responses: Vec<(String, Option<String>, Option<String>)>,
}

impl OpSpec {
    fn read(
        store: &Store,
        op: Option<&Operation>,
        s: &ir::Step,
        body: Option<&ir::Body>,
    ) -> OpSpec {
        let Some(op) = op else {
            return OpSpec {
                params: Vec::new(),
                body: None,
                responses: Vec::new(),
            };
        };
        let mut params: Vec<(String, ParamIn, bool)> = store
            .parameters(op)
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.location,
                    p.required || p.location == ParamIn::Path,
                )
            })
            .collect();
        // Parameters the step sends that the operation does not declare are checked too;
        // an API key in a header, query or cookie that every security alternative
        // requires is a required parameter.
        if let StepKind::Operation {
            params: sent,
            security,
            ..
        } = &s.kind
        {
            for r in security.first().into_iter().flatten() {
                let ir::SchemeKind::ApiKey { location, name } = &r.kind else {
                    continue;
                };
                let everywhere = security
                    .iter()
                    .all(|alt| alt.iter().any(|q| q.kind == r.kind));
                match params
                    .iter_mut()
                    .find(|(n, l, _)| l == location && same_name(n, name, *location))
                {
                    Some(p) => p.2 |= everywhere,
                    None => params.push((name.clone(), *location, everywhere)),
                }
            }
            for p in sent {
                if !params
                    .iter()
                    .any(|(n, l, _)| *l == p.location && same_name(n, &p.name, p.location))
                {
                    params.push((p.name.clone(), p.location, false));
                }
            }
        }
        let body = body.map(|b| {
            let required = store
                .operation_node(op)
                .and_then(|o| {
                    store.resolve(At {
                        file: o.file,
                        node: o.node.get("requestBody")?,
                    })
                })
                .and_then(|rb| rb.node.get("required").and_then(Node::as_bool))
                .unwrap_or(false);
            let schema = match store.request_schema(op, Some(&b.content_type)) {
                Some((_, Some(at))) if b.kind == ir::BodyKind::Json => inline_text(store, at),
                _ => "{}".to_owned(),
            };
            (b.content_type.clone(), required, schema)
        });
        let mut responses = Vec::new();
        for (code, at) in store.responses(op) {
            let media = store.response_media(at);
            let (ct, schema) = match media {
                Some((ct, schema)) => {
                    let json = crate::openapi::is_json(&ct);
                    (
                        Some(ct),
                        schema.filter(|_| json).map(|at| inline_text(store, at)),
                    )
                }
                None => (None, None),
            };
            responses.push((code, ct, schema));
        }
        OpSpec {
            params,
            body,
            responses,
        }
    }
}

fn same_name(a: &str, b: &str, location: ParamIn) -> bool {
    if location == ParamIn::Header {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// The schema at `at`, `$ref`s inlined, as JSON text (only the keywords the double checks).
fn inline_text(store: &Store, at: At<'_>) -> String {
    let mut budget = MAX_NODES;
    inline(store, at, 0, &mut budget).to_string()
}

fn inline(store: &Store, at: At<'_>, depth: usize, budget: &mut usize) -> J {
    if depth > MAX_DEPTH || *budget == 0 {
        return J::Object(Map::new());
    }
    *budget -= 1;
    let Some(at) = store.resolve(at) else {
        return J::Object(Map::new());
    };
    let child = |node: &Node, budget: &mut usize| {
        inline(
            store,
            At {
                file: at.file,
                node,
            },
            depth + 1,
            budget,
        )
    };
    match &at.node.value {
        Y::Bool(b) => J::Bool(*b),
        Y::Map(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                let value = match k.text.as_str() {
                    "properties" => J::Object(
                        v.entries()
                            .iter()
                            .map(|(name, s)| (name.text.clone(), child(s, budget)))
                            .collect(),
                    ),
                    "items" | "additionalProperties" | "not" => child(v, budget),
                    "allOf" | "oneOf" | "anyOf" => {
                        J::Array(v.items().iter().map(|s| child(s, budget)).collect())
                    }
                    "type" | "required" | "enum" | "nullable" | "const" | "format" | "readOnly"
                    | "writeOnly" => v.to_json(),
                    _ => continue,
                };
                out.insert(k.text.clone(), value);
            }
            J::Object(out)
        }
        _ => J::Object(Map::new()),
    }
}

/// A step's happy-path answer.
struct Happy {
    status: u16,
    content_type: Option<String>,
    /// The body as JSON text (or the text itself for a non-JSON media type).
    body: Option<String>,
    headers: Vec<(String, String)>,
}

/// What the criteria say of a status: `None` when they say nothing it decides.
fn status_verdict(c: &Cond, status: i64) -> Option<bool> {
    match c {
        Cond::Not(inner) => status_verdict(inner, status).map(|b| !b),
        Cond::Bin(BinaryOp::And, a, b) => {
            match (status_verdict(a, status), status_verdict(b, status)) {
                (Some(x), Some(y)) => Some(x && y),
                (Some(x), None) | (None, Some(x)) => Some(x),
                (None, None) => None,
            }
        }
        Cond::Bin(BinaryOp::Or, a, b) => {
            match (status_verdict(a, status), status_verdict(b, status)) {
                (Some(x), Some(y)) => Some(x || y),
                // The other side may hold for another reason.
                _ => None,
            }
        }
        Cond::Bin(op, a, b) => {
            let (op, n) = match (&**a, &**b) {
                (Cond::Expr(RtExpr::StatusCode), Cond::Lit(Lit::Int(n))) => (*op, *n),
                (Cond::Lit(Lit::Int(n)), Cond::Expr(RtExpr::StatusCode)) => (op.flipped(), *n),
                _ => return None,
            };
            Some(match op {
                BinaryOp::Eq => status == n,
                BinaryOp::Ne => status != n,
                BinaryOp::Lt => status < n,
                BinaryOp::Le => status <= n,
                BinaryOp::Gt => status > n,
                BinaryOp::Ge => status >= n,
                BinaryOp::And | BinaryOp::Or => return None,
            })
        }
        _ => None,
    }
}

/// `$response.body#/p == literal` and `$response.header.h == literal` held by a condition
/// (through `&&`): (is a header, pointer or name, value).
fn equalities(c: &Cond, out: &mut Vec<(bool, String, J)>) {
    match c {
        Cond::Bin(BinaryOp::And, a, b) => {
            equalities(a, out);
            equalities(b, out);
        }
        Cond::Bin(BinaryOp::Eq, a, b) => {
            let (e, l) = match (&**a, &**b) {
                (Cond::Expr(e), Cond::Lit(l)) | (Cond::Lit(l), Cond::Expr(e)) => (e, l),
                _ => return,
            };
            match e {
                RtExpr::ResponseBody(p) => out.push((false, p.clone(), l.to_json())),
                RtExpr::ResponseHeader(h) => out.push((true, h.clone(), l.to_json())),
                _ => {}
            }
        }
        _ => {}
    }
}

/// Headers the step's outputs read (`$response.header.X`).
fn output_headers(v: &Val, out: &mut Vec<String>) {
    match v {
        Val::Expr(RtExpr::ResponseHeader(h), _) => out.push(h.clone()),
        Val::Template(parts) => {
            for p in parts {
                if let ir::TPart::Expr(RtExpr::ResponseHeader(h)) = p {
                    out.push(h.clone());
                }
            }
        }
        Val::Array(items) => items.iter().for_each(|i| output_headers(i, out)),
        Val::Object(members) => members.iter().for_each(|(_, v)| output_headers(v, out)),
        _ => {}
    }
}

fn happy(store: &Store, op: Option<&Operation>, s: &ir::Step) -> Result<Happy, String> {
    let documented = op.map(|op| store.responses(op)).unwrap_or_default();
    let mut codes: Vec<i64> = documented
        .iter()
        .filter_map(|(k, _)| k.parse::<i64>().ok())
        .collect();
    codes.sort_by_key(|c| (!(200..300).contains(c), *c));
    codes.extend(200..600);
    let conds: Vec<&Cond> = s
        .success
        .iter()
        .filter_map(|c| match c {
            Criterion::Simple(c) => Some(c),
            _ => None,
        })
        .collect();
    let status = codes
        .into_iter()
        .find(|&code| {
            let verdicts: Vec<bool> = conds
                .iter()
                .filter_map(|c| status_verdict(c, code))
                .collect();
            if verdicts.is_empty() {
                (200..300).contains(&code)
            } else {
                verdicts.iter().all(|v| *v)
            }
        })
        .ok_or("no HTTP status satisfies its success criteria")?;
    let status_key = status.to_string();
    let class = format!("{}XX", status / 100);
    let response = documented
        .iter()
        .find(|(k, _)| *k == status_key)
        .or_else(|| {
            documented
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&class))
        })
        .or_else(|| documented.iter().find(|(k, _)| k == "default"))
        .map(|(_, at)| *at);
    let mut content_type = None;
    let mut body: Option<J> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(resp) = response {
        if let Some((ct, media)) = response_content(resp) {
            let schema = media.node.get("schema").map(|n| At {
                file: media.file,
                node: n,
            });
            let example = media_example(store, media).or_else(|| {
                let mut budget = MAX_NODES;
                schema.map(|s| sample(store, s, "value", 0, &mut budget))
            });
            body = Some(example.unwrap_or(J::Null));
            content_type = Some(ct);
        }
    }
    let mut wanted_headers = Vec::new();
    for o in &s.outputs {
        output_headers(&o.value, &mut wanted_headers);
    }
    let mut eqs = Vec::new();
    for c in &conds {
        equalities(c, &mut eqs);
    }
    for (is_header, key, value) in eqs {
        if is_header {
            let text = match value {
                J::String(s) => s,
                other => other.to_string(),
            };
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&key));
            headers.push((key, text));
        } else {
            let b = body.get_or_insert(J::Null);
            if content_type.is_none() {
                content_type = Some("application/json".to_owned());
            }
            set_pointer(b, &key, value);
        }
    }
    for h in wanted_headers {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&h)) {
            let value = response
                .and_then(|r| header_example(store, r, &h))
                .unwrap_or_else(|| h.clone());
            headers.push((h, value));
        }
    }
    let body = body.map(|b| match (&b, content_type.as_deref()) {
        (J::String(text), Some(ct)) if !crate::openapi::is_json(ct) => text.clone(),
        _ => b.to_string(),
    });
    Ok(Happy {
        status: u16::try_from(status).unwrap_or(200),
        content_type,
        body,
        headers,
    })
}

/// The media type a response answers with (the first JSON one, else the first) and its node.
fn response_content(resp: At<'_>) -> Option<(String, At<'_>)> {
    let content = resp.node.get("content")?;
    let entries = content.entries();
    let (k, v) = entries
        .iter()
        .find(|(k, _)| crate::openapi::is_json(&k.text))
        .or_else(|| entries.first())?;
    Some((
        k.text.clone(),
        At {
            file: resp.file,
            node: v,
        },
    ))
}

/// The `example`, or the first of the `examples`, of a media type object.
fn media_example(store: &Store, media: At<'_>) -> Option<J> {
    if let Some(e) = media.node.get("example") {
        return Some(e.to_json());
    }
    let first = media.node.get("examples")?.entries().first()?;
    let ex = store.resolve(At {
        file: media.file,
        node: &first.1,
    })?;
    ex.node.get("value").map(Node::to_json)
}

/// A value for a documented response header: its example, else sampled from its schema.
fn header_example(store: &Store, resp: At<'_>, name: &str) -> Option<String> {
    let (_, h) = resp
        .node
        .get("headers")?
        .entries()
        .iter()
        .find(|(k, _)| k.text.eq_ignore_ascii_case(name))?;
    let h = store.resolve(At {
        file: resp.file,
        node: h,
    })?;
    let value = match h.node.get("example") {
        Some(e) => e.to_json(),
        None => {
            let mut budget = MAX_NODES;
            sample(
                store,
                At {
                    file: h.file,
                    node: h.node.get("schema")?,
                },
                name,
                0,
                &mut budget,
            )
        }
    };
    Some(match value {
        J::String(s) => s,
        other => other.to_string(),
    })
}

/// Writes `value` at an RFC 6901 pointer, making the objects on the way.
fn set_pointer(target: &mut J, pointer: &str, value: J) {
    let Some(tokens) = crate::openapi::pointer_tokens(pointer) else {
        return;
    };
    let mut at = target;
    for t in tokens {
        let index = match &*at {
            J::Array(items) => t.parse::<usize>().ok().filter(|i| *i < items.len()),
            _ => None,
        };
        if index.is_none() && !at.is_object() {
            *at = J::Object(Map::new());
        }
        at = match (at, index) {
            (J::Array(items), Some(i)) => match items.get_mut(i) {
                Some(item) => item,
                None => return,
            },
            (J::Object(m), _) => m.entry(t).or_insert(J::Null),
            _ => return,
        };
    }
    *at = value;
}

/// A deterministic value that the schema accepts: `example`, `default`, `const`, the first
/// `enum` value, else made from the type (every property, one item, formats).
fn sample(store: &Store, at: At<'_>, name: &str, depth: usize, budget: &mut usize) -> J {
    if depth > MAX_DEPTH || *budget == 0 {
        return J::Null;
    }
    *budget -= 1;
    let Some(at) = store.resolve(at) else {
        return J::Null;
    };
    let node = at.node;
    for key in ["example", "default", "const"] {
        if let Some(v) = node.get(key) {
            return v.to_json();
        }
    }
    if let Some(first) = node.get("enum").and_then(|e| e.items().first()) {
        return first.to_json();
    }
    let sub = |n: &Node, name: &str, budget: &mut usize| {
        sample(
            store,
            At {
                file: at.file,
                node: n,
            },
            name,
            depth + 1,
            budget,
        )
    };
    if let Some(all) = node.get("allOf") {
        let mut merged = Map::new();
        let mut other = None;
        for s in all.items() {
            match sub(s, name, budget) {
                J::Object(m) => merged.extend(m),
                v => other = Some(v),
            }
        }
        if merged.is_empty() {
            if let Some(v) = other {
                return v;
            }
        }
        if node.get("properties").is_none() {
            return J::Object(merged);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = node.get(key).and_then(|a| a.items().first()) {
            return sub(first, name, budget);
        }
    }
    let ty = match node.get("type").map(|t| &t.value) {
        Some(Y::Str(t)) => t.clone(),
        Some(Y::Seq(ts)) => ts
            .iter()
            .filter_map(Node::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ if node.get("properties").is_some() => "object".into(),
        _ if node.get("items").is_some() => "array".into(),
        _ => String::new(),
    };
    let format = node.get("format").and_then(Node::as_str).unwrap_or("");
    match ty.as_str() {
        "object" | "" => {
            let required: Vec<&str> = node
                .get("required")
                .map(|r| r.items().iter().filter_map(Node::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            for (k, v) in node.get("properties").map(Node::entries).unwrap_or(&[]) {
                if depth >= OPTIONAL_DEPTH && !required.contains(&k.text.as_str()) {
                    continue;
                }
                out.insert(k.text.clone(), sub(v, &k.text, budget));
            }
            if ty.is_empty() && out.is_empty() {
                return J::Null;
            }
            J::Object(out)
        }
        "array" => {
            let min = node.get("minItems").and_then(Node::as_f64).unwrap_or(1.0);
            match node.get("items") {
                Some(items) if depth < OPTIONAL_DEPTH || min >= 1.0 => {
                    J::Array(vec![sub(items, name, budget)])
                }
                _ => J::Array(Vec::new()),
            }
        }
        "string" => {
            let text = match format {
                "date-time" => "2024-01-01T00:00:00Z".to_owned(),
                "date" => "2024-01-01".to_owned(),
                "time" => "00:00:00Z".to_owned(),
                "uuid" => "00000000-0000-4000-8000-000000000000".to_owned(),
                "email" => "user@example.com".to_owned(),
                "uri" | "url" => "https://example.com/".to_owned(),
                "hostname" => "example.com".to_owned(),
                "ipv4" => "192.0.2.1".to_owned(),
                "ipv6" => "2001:db8::1".to_owned(),
                "byte" => "ZXhhbXBsZQ==".to_owned(),
                _ => name.to_owned(),
            };
            let min = node
                .get("minLength")
                .and_then(Node::as_f64)
                .unwrap_or(0.0)
                .min(1024.0) as usize;
            let mut text = text;
            while text.chars().count() < min {
                text.push('x');
            }
            J::String(text)
        }
        "integer" => {
            let n = bound(node, 1.0).round() as i64;
            J::from(n)
        }
        "number" => serde_json::Number::from_f64(bound(node, 1.5)).map_or(J::Null, J::Number),
        "boolean" => J::Bool(true),
        _ => J::Null,
    }
}

/// A number within the schema's bounds: `preferred` when allowed.
fn bound(node: &Node, preferred: f64) -> f64 {
    let num = |k: &str| node.get(k).and_then(Node::as_f64);
    let mut v = preferred;
    if let Some(min) = num("minimum") {
        if v < min {
            v = min;
        }
    }
    if let Some(min) = num("exclusiveMinimum") {
        if v <= min {
            v = min + 1.0;
        }
    }
    if let Some(max) = num("maximum") {
        if v > max {
            v = max;
        }
    }
    if let Some(max) = num("exclusiveMaximum") {
        if v >= max {
            v = max - 1.0;
        }
    }
    v
}

//! The back end: writes the Rust code of the lowered workflows ([`crate::ir`]), as text
//! ([`code`]: the `code!` writer, a token window over text instead of token trees);
//! [`meta`] writes each workflow's `WORKFLOW` metadata const, [`mock`] the test doubles
//! of the `mocks` option.
//!
//! Generated code is thin: it builds requests, evaluates criteria and drives the
//! step state machine; evaluation helpers live in the `arazzo` runtime crate and
//! are reached through `::arazzo::__private`, so users depend on one crate.

#[macro_use]
pub mod code;
pub mod meta;
pub mod mock;

use crate::asyncapi::{CorrelationLoc, MessageAction};
use crate::code::Code;
use crate::condition::BinaryOp;
use crate::ir::{
    self, ActionKind, BodyKind, Cond, Criterion, Lit, RtExpr, StepIdx, StepKind, TPart, Val,
    WorkflowRef,
};
use crate::model::ParamIn;
use crate::names::{self, unraw, Namer, Style};
use crate::types::{DefKind, Scope, Ty, TypeDef, TypeSpace};
use std::ops::Not;

/// Which module the code being written lives in (decides type paths).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Types,
    Workflow(usize),
}

struct Emitter<'a> {
    types: &'a TypeSpace,
    /// The workflows of this document, in document order.
    workflows: &'a [ir::Workflow],
    /// (module path, workflowId) of the workflows of other Arazzo documents, by
    /// [`WorkflowRef::External`] index.
    externals: &'a [(String, String)],
}

/// An identifier from generated-name text (`r#type` becomes a raw identifier).
pub fn ident_of(s: &str) -> Code {
    ident(s)
}

fn ident(s: &str) -> Code {
    Code::ident(s)
}

/// An identifier from `format!` arguments.
macro_rules! format_ident {
    ($($arg:tt)*) => { Code::ident(&format!($($arg)*)) };
}

/// `a::b::C` as code (each segment an identifier).
fn path_tokens(path: &str) -> Code {
    let segments = path.split("::").map(ident);
    code!(#( #segments )::*)
}

/// `#[doc]` attributes for a text, one per line.
pub(crate) fn doc_attr(text: &str) -> Code {
    if text.trim().is_empty() {
        return Code::new();
    }
    // Build-script mode writes documentation as `///` comments, where rustc refuses a
    // lone carriage return (it ends a line here) and bidi controls (written escaped).
    let lines = text.lines().flat_map(|l| l.split('\r')).map(|l| {
        if l.chars().any(code::is_bidi_control) {
            let visible: String = l
                .chars()
                .map(|c| match c {
                    c if code::is_bidi_control(c) => c.escape_unicode().to_string(),
                    c => c.to_string(),
                })
                .collect();
            doc_line(&visible)
        } else {
            doc_line(l)
        }
    });
    code! { #( #[doc = #lines] )* }
}

/// `text` followed by where the item comes from in the YAML (`file:line:col`, relative
/// to the crate), the last line of every generated item's documentation that has one.
fn with_origin(text: &str, origin: Option<&str>) -> String {
    match origin {
        Some(o) if text.trim().is_empty() => format!("Defined at `{o}`."),
        Some(o) => format!("{}\n\nDefined at `{o}`.", text.trim_end()),
        None => text.to_owned(),
    }
}

/// The string literal of a line of documentation (a space, then the line). Most
/// lines need no escapes: their literal is read from its quoted text, which costs
/// less than escaping character by character ([`Code::string`]).
fn doc_line(line: &str) -> Code {
    let plain = line
        .chars()
        .all(|c| c != '"' && c != '\\' && !c.is_control());
    if plain {
        let mut quoted = String::with_capacity(line.len() + 3);
        quoted.push_str("\" ");
        quoted.push_str(line);
        quoted.push('"');
        return Code::verbatim(&quoted);
    }
    Code::string(&format!(" {line}"))
}

/// Emits the code for checked workflows. `skeleton` emits only the types and
/// signatures (bodies unreachable): used when diagnostics were reported, so that
/// one mistake does not cascade into errors in the user's code.
pub fn emit(
    types: &TypeSpace,
    workflows: &[ir::Workflow],
    externals: &[(String, String)],
    skeleton: bool,
) -> Code {
    emit_with(types, workflows, externals, skeleton, &[])
}

/// [`emit`], with code added inside each workflow's module (by index; the `mock` modules
/// of [`crate::emit_mock`]).
pub fn emit_with(
    types: &TypeSpace,
    workflows: &[ir::Workflow],
    externals: &[(String, String)],
    skeleton: bool,
    inside: &[Code],
) -> Code {
    let e = Emitter {
        types,
        workflows,
        externals,
    };
    let shared: Vec<_> = types
        .defs
        .iter()
        .filter(|d| d.scope == Scope::Shared)
        .map(|d| e.typedef(d, Ctx::Types))
        .collect();
    // The derives of the generated types (only some of them use `Debug`).
    let imports = (!shared.is_empty()).then(|| {
        code! {
            use ::arazzo::__private::serde::{Deserialize, Serialize};
            #[allow(unused_imports)]
            use ::core::fmt::Debug;
        }
    });
    let modules: Vec<_> = workflows
        .iter()
        .enumerate()
        .map(|(index, w)| {
            let mut module = e.workflow(w, index, skeleton);
            // Generated test doubles (`mocks`): inside the workflow's module.
            if let Some(extra) = inside.get(index) {
                module.append_inside_last_block(extra);
            }
            module
        })
        .collect();
    code! {
        /// Types of the OpenAPI component schemas used by the workflows, shared by all of them.

        pub mod types {
            #imports
            #( #shared )*
        }
        #( #modules )*
    }
}

impl Emitter<'_> {
    /// The module of a workflow: a local module name, or a path into the module
    /// generated for another Arazzo document.
    fn module_of(&self, r: WorkflowRef) -> Code {
        let m = match r {
            WorkflowRef::Local(j) => self.workflows.get(j).map(|w| w.module.as_str()),
            WorkflowRef::External(k) => self.externals.get(k).map(|(m, _)| m.as_str()),
        };
        // Every reference comes from the checker, which only makes valid ones.
        path_tokens(m.unwrap_or("missing_workflow"))
    }

    /// The `workflowId` of a workflow, local or of another Arazzo document.
    fn id_of(&self, r: WorkflowRef) -> &str {
        let id = match r {
            WorkflowRef::Local(j) => self.workflows.get(j).map(|w| w.id.as_str()),
            WorkflowRef::External(k) => self.externals.get(k).map(|(_, id)| id.as_str()),
        };
        id.unwrap_or_default()
    }

    /// The module of a workflow as one identifier (`__src_other::pay` → `src_other_pay`),
    /// for names derived from it.
    fn wf_name(&self, r: WorkflowRef) -> String {
        let m = match r {
            WorkflowRef::Local(j) => self.workflows.get(j).map(|w| w.module.as_str()),
            WorkflowRef::External(k) => self.externals.get(k).map(|(m, _)| m.as_str()),
        };
        // Snake case for the lint: no leading or doubled underscores.
        let mut out = String::new();
        for c in m
            .unwrap_or("missing_workflow")
            .trim_start_matches("r#")
            .chars()
        {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.trim_end_matches('_').to_owned()
    }

    /// The field of `__State` holding the outputs of a `dependsOn` workflow.
    fn wf_field(&self, r: WorkflowRef) -> Code {
        format_ident!("wf_{}", self.wf_name(r))
    }

    /// A type's code. The `types` module spells std types in full; workflow
    /// modules import their short names (see [`Emitter::workflow`]).
    fn ty(&self, t: &Ty, ctx: Ctx) -> Code {
        let short = ctx != Ctx::Types;
        match t {
            Ty::String if short => code!(String),
            Ty::String => code!(::std::string::String),
            Ty::Integer => code!(i64),
            Ty::I32 => code!(i32),
            Ty::Number => code!(f64),
            Ty::F32 => code!(f32),
            Ty::Boolean => code!(bool),
            Ty::Json if short => code!(__rt::serde_json::Value),
            Ty::Json => code!(::arazzo::__private::serde_json::Value),
            Ty::Vec(inner) => {
                let i = self.ty(inner, ctx);
                if short {
                    code!(Vec<#i>)
                } else {
                    code!(::std::vec::Vec<#i>)
                }
            }
            Ty::Map(inner) => {
                let i = self.ty(inner, ctx);
                code!(::std::collections::BTreeMap<::std::string::String, #i>)
            }
            Ty::Option(inner) => {
                let i = self.ty(inner, ctx);
                if short {
                    code!(Option<#i>)
                } else {
                    code!(::core::option::Option<#i>)
                }
            }
            Ty::Extern(path) => path_tokens(path),
            Ty::Bytes if short => code!(Vec<u8>),
            Ty::Bytes => code!(::std::vec::Vec<u8>),
            Ty::Named(i) => {
                let Some(def) = self.types.def(*i) else {
                    return code!(::arazzo::__private::serde_json::Value);
                };
                let name = ident(&def.name);
                match (def.scope, ctx) {
                    (Scope::Shared, Ctx::Types) => code!(#name),
                    (Scope::Shared, Ctx::Workflow(_)) => code!(types::#name),
                    (Scope::Workflow(w), Ctx::Workflow(c)) if w == c => code!(#name),
                    (Scope::Workflow(w), _) => {
                        let m = self.module_of(WorkflowRef::Local(w));
                        code!(#m::#name)
                    }
                }
            }
        }
    }

    fn typedef(&self, d: &TypeDef, ctx: Ctx) -> Code {
        let name = ident(&d.name);
        let doc = doc_attr(&with_origin(
            d.doc.as_deref().unwrap_or(&format!("`{}`.", d.name)),
            d.origin.as_deref(),
        ));
        match &d.kind {
            DefKind::Struct => {}
            DefKind::Enum(variants) => {
                let vs = variants.iter().map(|(v, json)| {
                    let v = ident(v);

                    let vdoc = doc_attr(&format!("`{json}`"));
                    code!(#vdoc #[serde(rename = #json)] #v,)
                });
                let as_str = variants.iter().map(|(v, json)| {
                    let v = ident(v);
                    code!(#name::#v => #json,)
                });
                return code! {
                    #doc
                    ///
                    /// A value the description does not list is kept in `UnknownValue` (the server judges it).
                    #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
                    #[serde(crate = "::arazzo::__private::serde")]
                    pub enum #name {
                        #( #vs )*
                        /// A value not listed in the description, as sent or received.
                        #[serde(untagged)]
                        UnknownValue(::std::string::String),
                    }
                    impl #name {
                        /// The value as it appears in JSON.
                        pub fn as_str(&self) -> &str {
                            match self {
                                #( #as_str )*
                                #name::UnknownValue(other) => other.as_str(),
                            }
                        }
                    }
                    impl ::core::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }
                };
            }
            DefKind::Union(alternatives) => {
                let vs = alternatives.iter().map(|(v, t)| {
                    let vi = ident(v);
                    let t = self.ty(t, ctx);
                    let vdoc = format!(" The `{v}` alternative.");
                    code!(#[doc = #vdoc] #vi(#t),)
                });
                return code! {
                    #doc
                    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
                    #[serde(crate = "::arazzo::__private::serde", untagged)]
                    pub enum #name {
                        #( #vs )*
                    }
                };
            }
        }
        let fields = d.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let ty = self.ty(&f.ty, ctx);
            let json = &f.json;
            let mut text = f.doc.clone().unwrap_or_else(|| format!("`{json}`"));
            if let Some(def) = &f.default {
                text.push_str(&format!("\n\nDefault when absent: `{def}`."));
            }
            let fdoc = doc_attr(&with_origin(&text, f.origin.as_deref()));
            let rename =
                names::serde_rename(&f.rust, json).map(|json| code!(#[serde(rename = #json)]));
            let opt = if f.ty.is_option() {
                code!(#[serde(default, skip_serializing_if = "::core::option::Option::is_none")])
            } else {
                Code::new()
            };
            code! {
                #fdoc
                #rename
                #opt
                pub #fname: #ty,
            }
        });
        let hidden = d
            .fields
            .iter()
            .map(|f| (f.rust.as_str(), f.secret, f.ty.is_bytes()));
        data_struct(&doc, &name, fields, hidden)
    }

    fn workflow(&self, w: &ir::Workflow, index: usize, skeleton: bool) -> Code {
        let ctx = Ctx::Workflow(index);
        let module = ident(&w.module);
        let id = &w.id;
        let mut doc_text = format!("Workflow `{id}`.");
        if !w.doc.is_empty() {
            doc_text = format!("{}\n\nWorkflow id: `{id}`.", w.doc);
        }
        let doc = doc_attr(&with_origin(&doc_text, w.origin.as_deref()));
        let local_types: Vec<_> = self
            .types
            .defs
            .iter()
            .filter(|d| d.scope == Scope::Workflow(index))
            .map(|d| self.typedef(d, ctx))
            .collect();
        let out_fields = w.outputs.iter().map(|o| {
            let f = ident(&o.field);
            let ty = self.ty(&o.ty, ctx);
            let d = doc_attr(&with_origin(&o.doc, o.origin.as_deref()));
            let name = &o.name;
            let rename = (o.field != o.name).then(|| code!(#[serde(rename = #name)]));
            code! { #d #rename pub #f: #ty, }
        });
        let hidden = w
            .outputs
            .iter()
            .map(|o| (o.field.as_str(), o.secret, o.ty.is_bytes()));
        let outputs_struct = data_struct(
            &code!(#[doc = " The outputs of the workflow."]),
            &format_ident!("Outputs"),
            out_fields,
            hidden,
        );
        // Explicit imports shadow the glob import of the caller's scope (a `Result`
        // alias there changes nothing here), and keep the generated code short.
        let prelude = code! {
            use ::arazzo::__private as __rt;
            #[allow(unused_imports)] // which of them a workflow uses depends on its steps
            use ::core::{option::Option::{self, None, Some}, result::Result::{self, Err, Ok}};
            #[allow(unused_imports)]
            use ::std::{string::String, vec::Vec};
            // The derives of the generated structs (`Debug` is derived where no field
            // needs hiding).
            use __rt::serde::{Deserialize, Serialize};
            #[allow(unused_imports)]
            use ::core::fmt::Debug;
        };
        // The workflow's metadata `const` (emit_meta.rs).
        let meta = crate::emit_meta::workflow_const(self.types, self.workflows, index, &|r| {
            self.id_of(r).to_owned()
        });
        if skeleton {
            return code! {
                #doc
                #[allow(unused_imports, dead_code, unreachable_code, clippy::all)]
                pub mod #module {
                    #[allow(unused_imports)] // the generated type paths need it in some modules only
                    use super::*;
                    #prelude
                    #meta
                    #( #local_types )*
                    #outputs_struct
                    /// Runs the workflow (not generated: the document has errors).
                    pub async fn run(_client: &::arazzo::Client, _inputs: &Inputs) -> Result<Outputs, ::arazzo::Error> {
                        ::core::unreachable!()
                    }
                }
            };
        }
        let state_fields = w.steps.iter().map(|s| {
            let f = format_ident!("s_{}", unraw(&s.fn_name));
            let t = format_ident!("{}Outputs", s.variant);
            code!(pub #f: Option<steps::#t>,)
        });
        let state_inits = w.steps.iter().map(|s| {
            let f = format_ident!("s_{}", unraw(&s.fn_name));
            code!(#f: None,)
        });
        let dep_fields = w.depends_on.iter().map(|d| {
            let f = self.wf_field(*d);
            let m = self.module_of(*d);
            code!(pub #f: Option<#m::Outputs>,)
        });
        let dep_inits = w.depends_on.iter().map(|d| {
            let f = self.wf_field(*d);
            code!(#f: None,)
        });
        let defaults = self
            .types
            .def(w.inputs)
            .map(|d| d.fields.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|f| {
                let v = json_lit(f.default.as_ref()?);
                let n = &f.json;
                Some(code!(__rt::set_default(&mut inputs, #n, #v);))
            })
            .collect::<Vec<_>>();
        let secret_inputs = self
            .types
            .def(w.inputs)
            .map(|d| d.fields.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.json.as_str());
        let inputs_json = if defaults.is_empty() {
            code!(__rt::to_value(self.inputs))
        } else {
            code!({
                let mut inputs = __rt::to_value(self.inputs);
                #( #defaults )*
                inputs
            })
        };
        let steps_mod = self.steps_module(w, index);
        let run = self.run_fn(w, index);
        code! {
            #doc
            // The module is an API surface: a crate may call `run` alone and leave
            // the step functions (and the helpers only they use) unused.
            #[allow(dead_code)]
            pub mod #module {
                #[allow(unused_imports)] // the generated type paths need it in some modules only
                use super::*;
                #prelude

                /// The `workflowId` of this workflow.
                pub const WORKFLOW_ID: &str = #id;

                /// The inputs that carry secrets (API keys, tokens), by their names in the
                /// document: a durable engine takes them from its own configuration instead
                /// of recording them.
                pub const SECRET_INPUTS: &[&str] = &[#( #secret_inputs ),*];

                #meta

                #( #local_types )*
                #outputs_struct

                /// Values known while the workflow runs: the inputs and the outputs of the steps that ran.
                #[doc(hidden)]
                pub struct __State<'a> {
                    pub inputs: &'a Inputs,
                    inputs_json: ::std::sync::OnceLock<__rt::serde_json::Value>,
                    #( #state_fields )*
                    #( #dep_fields )*
                }

                impl<'a> __State<'a> {
                    #[doc(hidden)]
                    pub fn new(inputs: &'a Inputs) -> Self {
                        __State { inputs, inputs_json: ::std::sync::OnceLock::new(), #( #state_inits )* #( #dep_inits )* }
                    }

                    /// The inputs as JSON (defaults applied), built on first use: only
                    /// expressions that are not read as typed fields need it.
                    #[doc(hidden)]
                    pub fn inputs_json(&self) -> &__rt::serde_json::Value {
                        self.inputs_json.get_or_init(|| #inputs_json)
                    }
                }

                #run
                #steps_mod
            }
        }
    }

    /// A `serde_json::Value` expression for a runtime expression.
    fn rt(&self, e: &RtExpr, w: &ir::Workflow) -> Code {
        match e {
            RtExpr::StatusCode => code!(__rt::to_value(&__resp.status())),
            RtExpr::Method => code!(__rt::serde_json::Value::String(String::from(
                __resp.info().method
            ))),
            RtExpr::Url => code!(__rt::serde_json::Value::String(__resp.url().to_owned())),
            RtExpr::ResponseHeader(h) => code!(__resp.header_value(#h)),
            RtExpr::ResponseBody(p) | RtExpr::MessagePayload(p) => {
                code!(__resp.body_pointer(#p))
            }
            RtExpr::MessageHeader(h) => code!(__resp.header_value(#h)),
            RtExpr::Input(p) => code!(__rt::pointer(__st.inputs_json(), #p)),
            RtExpr::StepOutput {
                step,
                field,
                pointer,
            } => {
                let Some(s) = w.steps.get(step.0) else {
                    return code!(__rt::serde_json::Value::Null);
                };
                let sf = format_ident!("s_{}", unraw(&s.fn_name));
                let f = ident(field);
                code!(__st.#sf.as_ref().map_or(__rt::serde_json::Value::Null, |__o| __rt::pointer(&__rt::to_value(&__o.#f), #pointer)))
            }
            RtExpr::WorkflowOutput {
                workflow,
                field,
                pointer,
            } => {
                let wf = self.wf_field(*workflow);
                let f = ident(field);
                code!(__st.#wf.as_ref().map_or(__rt::serde_json::Value::Null, |__o| __rt::pointer(&__rt::to_value(&__o.#f), #pointer)))
            }
            RtExpr::SubOutput { field, pointer } => {
                // `__sub`: the called workflow's outputs, `None` when it failed.
                let f = ident(field);
                code!(__sub.map_or(__rt::serde_json::Value::Null, |__s| __rt::pointer(&__rt::to_value(&__s.#f), #pointer)))
            }
            RtExpr::Const(v) => lit(v),
            RtExpr::Select {
                context,
                query,
                singular,
            } => {
                let c = self.rt(context, w);
                code!({
                    static __PATH: __rt::JsonPathCell = __rt::JsonPathCell::new();
                    __rt::select_jsonpath_in(&__PATH, #query, #singular, &#c)
                })
            }
            RtExpr::Request {
                value,
                replacements,
                pointer,
            } => {
                let v = self.val(value, w);
                let repl = replacements.iter().map(|(ptr, val)| {
                    let val = self.val(val, w);
                    code!(__rt::replace(&mut __body, #ptr, #val);)
                });
                code!({
                    let mut __body = #v;
                    #( #repl )*
                    __rt::pointer(&__body, #pointer)
                })
            }
        }
    }

    fn val(&self, v: &Val, w: &ir::Workflow) -> Code {
        match v {
            Val::Lit(l) => lit(l),
            Val::Expr(e, _) => self.rt(e, w),
            Val::Template(parts) => {
                let items = parts.iter().map(|p| match p {
                    TPart::Lit(s) => {
                        code!(__rt::serde_json::Value::String(String::from(#s)))
                    }
                    TPart::Expr(e) => self.rt(e, w),
                });
                code!(__rt::serde_json::Value::String(__rt::concat(&[#( #items ),*])))
            }
            Val::Array(items) => {
                let items = items.iter().map(|i| self.val(i, w));
                code!(__rt::serde_json::Value::Array(::std::vec![#( #items ),*]))
            }
            Val::Object(members) => {
                let inserts = members.iter().map(|(k, v)| {
                    let value = self.val(v, w);
                    if matches!(v, Val::Lit(_)) {
                        code!(__m.insert(String::from(#k), #value);)
                    } else {
                        code! {
                            let __v = #value;
                            if !__v.is_null() {
                                __m.insert(String::from(#k), __v);
                            }
                        }
                    }
                });
                code!({
                    let mut __m = __rt::serde_json::Map::new();
                    #( #inserts )*
                    __rt::serde_json::Value::Object(__m)
                })
            }
        }
    }

    /// A typed reference to the value `e` reads, when it is a whole input
    /// (without a default) or a whole step output: the expression (a
    /// reference, valid as a function argument) and the value's type. `None`
    /// when the value must be read through JSON.
    fn typed_place(&self, e: &RtExpr, w: &ir::Workflow) -> Option<(Code, Ty)> {
        match e {
            RtExpr::Input(p) => {
                let tokens = crate::openapi::pointer_tokens(p)?;
                let [name] = tokens.as_slice() else {
                    return None;
                };
                let field = self
                    .types
                    .def(w.inputs)?
                    .fields
                    .iter()
                    .find(|f| f.json == *name && f.default.is_none())?;
                let f = ident(&field.rust);
                Some((code!(&__st.inputs.#f), field.ty.clone()))
            }
            RtExpr::StepOutput {
                step,
                field,
                pointer,
            } if pointer.is_empty() => {
                let s = w.steps.get(step.0)?;
                let out = s.outputs.iter().find(|o| o.field == *field)?;
                let sf = format_ident!("s_{}", unraw(&s.fn_name));
                let f = ident(field);
                Some((
                    code!(&__st.#sf.as_ref().map(|__o| &__o.#f)),
                    Ty::Option(Box::new(out.ty.clone())),
                ))
            }
            _ => None,
        }
    }

    /// A workflow output that is a whole step output of the same type, read
    /// as a typed field (cloned) instead of through JSON.
    fn typed_output(&self, o: &ir::Output, w: &ir::Workflow) -> Option<Code> {
        let Val::Expr(
            RtExpr::StepOutput {
                step,
                field,
                pointer,
            },
            _,
        ) = &o.value
        else {
            return None;
        };
        if !pointer.is_empty() {
            return None;
        }
        let s = w.steps.get(step.0)?;
        let out = s.outputs.iter().find(|x| x.field == *field)?;
        let sf = format_ident!("s_{}", unraw(&s.fn_name));
        let f = ident(field);
        let name = &o.name;
        // The state is dropped once the outputs are built: when no other
        // output reads this step, its outputs are moved out instead of cloned.
        let readers = w
            .outputs
            .iter()
            .filter(|x| reads_step(&x.value, *step))
            .count();
        let get = if readers == 1 {
            code!(__st.#sf.take().map(|__o| __o.#f))
        } else {
            code!(__st.#sf.as_ref().map(|__o| ::core::clone::Clone::clone(&__o.#f)))
        };
        if o.ty == out.ty && !out.ty.is_option() {
            Some(code!(__rt::require_output(WORKFLOW_ID, #name, #get)?))
        } else if o.ty == out.ty {
            Some(if readers == 1 {
                code!(__st.#sf.take().and_then(|__o| __o.#f))
            } else {
                code!(__st.#sf.as_ref().and_then(|__o| ::core::clone::Clone::clone(&__o.#f)))
            })
        } else if o.ty == Ty::Option(Box::new(out.ty.clone())) {
            Some(get)
        } else {
            None
        }
    }

    /// When every output of a step is a top-level member of the response
    /// body (`$response.body#/name`, names distinct), a fast path that decodes
    /// them straight from the body's bytes into a struct, with no JSON value in
    /// between; when the body does not decode that way, or a required output is
    /// absent, the general code that follows runs and reports the precise error.
    fn direct_outputs(&self, s: &ir::Step, ctx: Ctx) -> Code {
        if s.outputs.is_empty() {
            return Code::new();
        }
        let mut names: Vec<String> = Vec::new();
        let mut fields = Vec::new();
        let mut binds = Vec::new();
        let mut required = Vec::new();
        let mut inits = Vec::new();
        for (i, o) in s.outputs.iter().enumerate() {
            let Val::Expr(RtExpr::ResponseBody(p), _) = &o.value else {
                return Code::new();
            };
            let Some(tokens) = crate::openapi::pointer_tokens(p) else {
                return Code::new();
            };
            let [name] = tokens.as_slice() else {
                return Code::new();
            };
            if names.contains(name) {
                return Code::new();
            }
            names.push(name.clone());
            let d = format_ident!("d{}", i);
            let f = ident(&o.field);
            let inner = match &o.ty {
                Ty::Option(inner) => inner.as_ref(),
                other => other,
            };
            let t = self.ty(inner, ctx);
            fields.push(code!(#[serde(rename = #name, default)] #d: Option<#t>,));
            binds.push(d.clone());
            if o.ty.is_option() {
                inits.push(code!(#f: #d,));
            } else {
                required.push(d.clone());
                inits.push(code!(#f: #d,));
            }
        }
        let name_ty = format_ident!("{}Outputs", s.variant);
        let pattern = code!(( #( Some(#required), )* ));
        let values = code!(( #( #required, )* ));
        if required.is_empty() {
            return code! {
                #[derive(Deserialize)]
                #[serde(crate = "::arazzo::__private::serde")]
                struct __Direct {
                    #( #fields )*
                }
                if let Some(__Direct { #( #binds ),* }) = __resp.decode_direct::<__Direct>() {
                    return Ok(#name_ty { #( #inits )* });
                }
            };
        }
        code! {
            #[derive(Deserialize)]
            #[serde(crate = "::arazzo::__private::serde")]
            struct __Direct {
                #( #fields )*
            }
            if let Some(__Direct { #( #binds ),* }) = __resp.decode_direct::<__Direct>() {
                if let #pattern = #values {
                    return Ok(#name_ty { #( #inits )* });
                }
            }
        }
    }

    /// The argument of a `Request` parameter method for `v`: a typed field
    /// when the type writes itself as a parameter, a string literal as is,
    /// else a JSON value.
    fn param_arg(&self, v: &Val, w: &ir::Workflow) -> Code {
        match v {
            Val::Expr(e, _) => {
                if let Some((place, ty)) = self.typed_place(e, w) {
                    if param_able(&ty) {
                        return place;
                    }
                }
            }
            Val::Lit(Lit::Str(s)) => return code!(#s),
            _ => {}
        }
        let v = self.val(v, w);
        code!(&#v)
    }

    /// An `Option<Vec<u8>>` expression for a value that is bytes: a typed input
    /// or step output read as it is, anything else through its JSON form.
    fn bytes_arg(&self, v: &Val, w: &ir::Workflow) -> Code {
        if let Val::Expr(e, _) = v {
            if let Some((place, ty)) = self.typed_place(e, w) {
                let inner = match &ty {
                    Ty::Option(inner) => match inner.as_ref() {
                        Ty::Option(inner) => inner.as_ref(),
                        other => other,
                    },
                    other => other,
                };
                if *inner == Ty::Bytes {
                    return code!(__rt::BytesValue::to_bytes(#place));
                }
            }
        }
        let v = self.val(v, w);
        code!(__rt::bytes_from_json(&#v))
    }

    /// The statements sending a `multipart/form-data` or binary body.
    fn raw_body(&self, b: &ir::Body, w: &ir::Workflow) -> Option<Code> {
        let ct = &b.content_type;
        match b.kind {
            BodyKind::Multipart => {
                let parts = b.parts.iter().map(|p| {
                    let name = &p.name;
                    if p.bytes {
                        let arg = self.bytes_arg(&p.value, w);
                        let pct = p
                            .content_type
                            .as_deref()
                            .unwrap_or("application/octet-stream");
                        code! {
                            if let Some(__b) = #arg {
                                __req.part_bytes(#name, __b, #pct)?;
                            }
                        }
                    } else {
                        let v = self.val(&p.value, w);
                        let pct = match &p.content_type {
                            Some(c) => code!(Some(#c)),
                            None => code!(None),
                        };
                        code!(__req.part_value(#name, &#v, #pct)?;)
                    }
                });
                Some(code!( #( #parts )* ))
            }
            BodyKind::Binary => {
                let is_bytes = match &b.value {
                    Val::Expr(e, _) => self.typed_place(e, w).is_some_and(|(_, t)| t.is_bytes()),
                    _ => false,
                };
                if is_bytes {
                    let arg = self.bytes_arg(&b.value, w);
                    Some(code! {
                        if let Some(__b) = #arg {
                            __req.bytes_body(#ct, __b);
                        }
                    })
                } else {
                    let v = self.val(&b.value, w);
                    Some(code!(__req.bytes_body(#ct, __rt::to_text(&#v).into_bytes());))
                }
            }
            _ => None,
        }
    }

    /// A JSON body object serialized straight from a struct that borrows the
    /// inputs and step outputs (no intermediate `Value`), when it has no
    /// `replacements`. Members that read a value which may be absent are
    /// left out when it is, as in the JSON form.
    fn typed_json_body(&self, b: &ir::Body, w: &ir::Workflow, ctx: Ctx) -> Option<Code> {
        let Val::Object(members) = &b.value else {
            return None;
        };
        if b.kind != BodyKind::Json || !b.replacements.is_empty() {
            return None;
        }
        let json = code!(__rt::serde_json::Value);
        let mut fields = Vec::new();
        let mut inits = Vec::new();
        let mut borrows = false;
        let mut used = Namer::new(Style::FIELD);
        for (name, value) in members {
            // The JSON name when it is already a plain snake_case identifier (no
            // `rename` needed), else its snake_case form renamed to it.
            let fname = used.name(name);
            let f = ident(&fname);
            let typed = match value {
                Val::Expr(e, _) => self.typed_place(e, w),
                _ => None,
            };
            // (type, value, skip_serializing_if, whether the field borrows)
            let (ty, init, skip, borrowed) = match (value, typed) {
                (Val::Expr(RtExpr::StepOutput { .. }, _), Some((place, Ty::Option(inner)))) => {
                    let t = self.ty(&inner, ctx);
                    (
                        code!(&'a Option<&'a #t>),
                        place,
                        Some("__rt::skip_none"),
                        true,
                    )
                }
                (_, Some((place, ty))) => {
                    let skip = match ty {
                        Ty::Option(_) => Some("__rt::skip_none"),
                        Ty::Json => Some("__rt::skip_null_ref"),
                        _ => None,
                    };
                    let t = self.ty(&ty, ctx);
                    (code!(&'a #t), place, skip, true)
                }
                // Literals (and arrays of them) as typed Rust values: no `Value` to build.
                (Val::Lit(l), None) => match self.typed_lit(l) {
                    Some((ty, init)) => (ty, init, None, false),
                    None => (json.clone(), lit(l), None, false),
                },
                (Val::Array(items), None) => match self.typed_array(items) {
                    Some((ty, init)) => (ty, init, None, false),
                    None => (
                        json.clone(),
                        self.val(value, w),
                        Some("__rt::skip_null"),
                        false,
                    ),
                },
                (other, None) => (
                    json.clone(),
                    self.val(other, w),
                    Some("__rt::skip_null"),
                    false,
                ),
            };
            borrows |= borrowed;
            let skip = skip.map(|path| {
                let path = Code::string(path);
                code!(#[serde(skip_serializing_if = #path)])
            });
            let rename = (fname != *name).then(|| code!(#[serde(rename = #name)]));
            fields.push(code!(#rename #skip #f: #ty,));
            inits.push(code!(#f: #init,));
        }
        let ct = &b.content_type;
        // `'a` only when a field borrows (an unused lifetime is an error).
        let life = borrows.then(|| code!(<'a>));
        Some(code! {
            #[derive(Serialize)]
            #[serde(crate = "::arazzo::__private::serde")]
            struct __Body #life {
                #( #fields )*
            }
            __req.json_body_from(#ct, &__Body { #( #inits )* });
        })
    }

    /// A scalar literal of a request body as a typed Rust value that serializes to the
    /// same JSON: `(type, value)`, the type the literal was lowered with ([`Lit::ty`];
    /// a string is a `&'static str`). `None` for `null` and JSON constants.
    fn typed_lit(&self, l: &Lit) -> Option<(Code, Code)> {
        let value = match l {
            Lit::Bool(b) => code!(#b),
            Lit::Int(i) => code!(#i),
            Lit::Float(f) => code!(#f),
            Lit::Str(s) => code!(#s),
            Lit::Null | Lit::Json(_) => return None,
        };
        Some((self.lit_ty(&l.ty()), value))
    }

    /// The Rust type of a field holding a scalar literal of type `ty`.
    fn lit_ty(&self, ty: &Ty) -> Code {
        match ty {
            Ty::String => code!(&'static str),
            other => self.ty(other, Ctx::Types),
        }
    }

    /// An array of scalar literals of one type (see [`Self::typed_lit`]) as a Rust array:
    /// `(type, value)`. `None` when an item is not such a literal, or their types differ.
    fn typed_array(&self, items: &[Val]) -> Option<(Code, Code)> {
        let mut ty = None;
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let Val::Lit(l) = item else { return None };
            let (_, v) = self.typed_lit(l)?;
            if *ty.get_or_insert_with(|| l.ty()) != l.ty() {
                return None;
            }
            values.push(v);
        }
        // An empty array has no item type; any serializes as `[]`.
        let item_ty = self.lit_ty(&ty.unwrap_or(Ty::Boolean));
        let n = Code::unsuffixed(values.len());
        Some((code!([#item_ty; #n]), code!([#( #values ),*])))
    }

    fn cond_value(&self, c: &Cond, w: &ir::Workflow) -> Code {
        match c {
            Cond::Lit(l) => lit(l),
            Cond::Expr(e) => self.rt(e, w),
            Cond::Index(b, i) => {
                let b = self.cond_value(b, w);
                let i = self.cond_value(i, w);
                code!(__rt::index(&#b, &#i))
            }
            Cond::Member(b, n) => {
                let b = self.cond_value(b, w);
                code!(__rt::member(&#b, #n))
            }
            Cond::Not(_) | Cond::Bin(..) => {
                let b = self.cond_bool(c, w);
                code!(__rt::serde_json::Value::Bool(#b))
            }
        }
    }

    /// A condition as a Rust `bool` expression, with no parentheses beyond
    /// those its operators' precedence needs (the generated code is linted
    /// like hand-written code when it is `include!`d).
    fn cond_bool(&self, c: &Cond, w: &ir::Workflow) -> Code {
        self.cond_prec(c, w).0
    }

    fn cond_prec(&self, c: &Cond, w: &ir::Workflow) -> (Code, Prec) {
        match c {
            Cond::Not(a) => {
                let (a, p) = self.cond_prec(a, w);
                let a = if p == Prec::Atom { a } else { code!((#a)) };
                (code!(!#a), Prec::Atom)
            }
            Cond::Bin(op, a, b) if matches!(op, BinaryOp::And | BinaryOp::Or) => {
                let (a, pa) = self.cond_prec(a, w);
                let (b, pb) = self.cond_prec(b, w);
                if *op == BinaryOp::And {
                    let a = if pa == Prec::Or { code!((#a)) } else { a };
                    let b = if pb == Prec::Or { code!((#b)) } else { b };
                    (code!(#a && #b), Prec::And)
                } else {
                    (code!(#a || #b), Prec::Or)
                }
            }
            Cond::Bin(op, a, b) => {
                if let Some(cmp) = status_comparison(*op, a, b) {
                    return (cmp, Prec::Cmp);
                }
                let a = self.cond_value(a, w);
                let b = self.cond_value(b, w);
                let f = match op {
                    BinaryOp::Eq => code!(eq),
                    BinaryOp::Ne => code!(ne),
                    BinaryOp::Lt => code!(lt),
                    BinaryOp::Le => code!(le),
                    BinaryOp::Gt => code!(gt),
                    _ => code!(ge),
                };
                (code!(__rt::#f(&#a, &#b)), Prec::Atom)
            }
            other => {
                let v = self.cond_value(other, w);
                (code!(__rt::truthy(&#v)), Prec::Atom)
            }
        }
    }

    fn criteria(&self, list: &[Criterion], w: &ir::Workflow) -> Code {
        if list.is_empty() {
            return code!(true);
        }
        let several = list.len() > 1;
        let parts = list.iter().map(|c| match c {
            Criterion::Simple(c) => {
                let (t, p) = self.cond_prec(c, w);
                if several && p == Prec::Or {
                    code!((#t))
                } else {
                    t
                }
            }
            Criterion::Regex {
                context, embedded, ..
            }
            | Criterion::JsonPath {
                context, embedded, ..
            } if !embedded.is_empty() => {
                let v = self.rt(context, w);
                // Each value is passed on its own, never pasted into the text: the
                // runtime writes it as a literal of the query or pattern.
                let parts = embedded.iter().map(|p| match p {
                    TPart::Lit(s) => code!(__rt::Embedded::Text(#s)),
                    TPart::Expr(e) => {
                        let e = self.rt(e, w);
                        code!(__rt::Embedded::Value(#e))
                    }
                });
                let jsonpath = matches!(c, Criterion::JsonPath { .. });
                code!(__rt::embedded_match(#jsonpath, &[#( #parts ),*], &#v))
            }
            Criterion::Regex {
                context, pattern, ..
            } => {
                let v = self.rt(context, w);
                code!({
                    static __RE: __rt::RegexCell = __rt::RegexCell::new();
                    __rt::regex_match_in(&__RE, #pattern, &#v)
                })
            }
            Criterion::JsonPath { context, query, .. } => {
                let v = self.rt(context, w);
                code!({
                    static __PATH: __rt::JsonPathCell = __rt::JsonPathCell::new();
                    __rt::jsonpath_match_in(&__PATH, #query, &#v)
                })
            }
        });
        code!(#( #parts )&&*)
    }

    fn step_outputs_struct(&self, s: &ir::Step, ctx: Ctx) -> Code {
        let name = format_ident!("{}Outputs", s.variant);
        let doc = doc_attr(&format!("Outputs of step `{}`.", s.id));
        let fields = s.outputs.iter().map(|o| {
            let f = ident(&o.field);
            let ty = self.ty(&o.ty, ctx);
            let d = doc_attr(&with_origin(&o.doc, o.origin.as_deref()));
            let n = &o.name;
            let rename = (o.field != o.name).then(|| code!(#[serde(rename = #n)]));
            code!(#d #rename pub #f: #ty,)
        });
        let hidden = s
            .outputs
            .iter()
            .map(|o| (o.field.as_str(), o.secret, o.ty.is_bytes()));
        data_struct(&doc, &name, fields, hidden)
    }

    fn steps_module(&self, w: &ir::Workflow, index: usize) -> Code {
        let ctx = Ctx::Workflow(index);
        let mut items = Vec::new();
        for (i, s) in w.steps.iter().enumerate() {
            items.push(self.step_outputs_struct(s, ctx));
            items.push(self.step_fns(w, i, s, ctx));
        }
        code! {
            /// One function per step, each callable on its own.
            pub mod steps {
                #[allow(unused_imports)] // the generated type paths need it in some modules only
                use super::*;
                #( #items )*
            }
        }
    }

    fn info_ident(s: &ir::Step) -> Code {
        format_ident!("__INFO_{}", unraw(&s.fn_name).to_uppercase())
    }

    /// The statements writing a body's embedded expressions into `__body` (a JSON value).
    fn replacements(&self, b: &ir::Body, w: &ir::Workflow) -> Vec<Code> {
        b.replacements
            .iter()
            .map(|(ptr, val)| {
                let val = self.val(val, w);
                code!(__rt::replace(&mut __body, #ptr, #val);)
            })
            .collect()
    }

    /// References to the secret values of workflow `w` a request may send: its
    /// secret inputs (`format: password`, or flowing into a credential) and the
    /// secret outputs of its steps (`None` before they ran). Bytes are left out.
    fn secret_values(&self, w: &ir::Workflow) -> Vec<Code> {
        let mut out = Vec::new();
        if let Some(def) = self.types.def(w.inputs) {
            for f in def.fields.iter().filter(|f| f.secret && !f.ty.is_bytes()) {
                let f = ident(&f.rust);
                out.push(code!(&__st.inputs.#f));
            }
        }
        for st in &w.steps {
            let sf = format_ident!("s_{}", unraw(&st.fn_name));
            for o in st.outputs.iter().filter(|o| o.secret && !o.ty.is_bytes()) {
                let f = ident(&o.field);
                out.push(code!(&__st.#sf.as_ref().map(|__o| &__o.#f)));
            }
        }
        out
    }

    fn step_fns(&self, w: &ir::Workflow, _i: usize, s: &ir::Step, ctx: Ctx) -> Code {
        let p = self.step_parts(w, s, ctx);
        match &s.kind {
            StepKind::Operation { .. } => self.operation_step_fns(&p),
            StepKind::Message { .. } => self.message_step_fns(&p),
            // Only in documents with errors, whose workflows are emitted as skeletons.
            StepKind::Unresolved => Code::new(),
            StepKind::Workflow { workflow, inputs } => {
                self.workflow_step_fns(&p, *workflow, inputs)
            }
        }
    }

    /// What the functions of step `s` share: their names, the public function's
    /// parameters for the steps and workflows it reads, and its outputs' fields.
    fn step_parts<'s>(&self, w: &'s ir::Workflow, s: &'s ir::Step, ctx: Ctx) -> StepParts<'s> {
        let [send, check, outputs, exec] =
            ["send", "check", "outputs", "exec"].map(|f| hidden_fn(f, s));
        let info = Self::info_ident(s);
        let (dep_params, dep_sets, dep_docs) = self.step_deps(w, s);
        let out_fields = self.step_out_fields(w, s, &info, ctx);
        StepParts {
            w,
            s,
            ctx,
            fn_name: ident(&s.fn_name),
            send,
            check,
            outputs,
            exec,
            out_ty: format_ident!("{}Outputs", s.variant),
            info,
            dep_params,
            dep_sets,
            dep_docs,
            out_fields,
        }
    }

    /// The dependencies of step `s` as parameters of its public function: (parameters,
    /// the statements storing them in the state, their documentation).
    fn step_deps(&self, w: &ir::Workflow, s: &ir::Step) -> (Vec<Code>, Vec<Code>, Vec<String>) {
        let mut dep_params = Vec::new();
        let mut dep_sets = Vec::new();
        let mut dep_docs = Vec::new();
        let mut params = Namer::new(Style::STEP_PARAM);
        for (d, always) in &s.deps {
            let Some(dep) = w.steps.get(d.0) else {
                continue;
            };
            let draw = unraw(&dep.fn_name);
            let pname = ident(&params.name_ident(&dep.fn_name));
            let sf = format_ident!("s_{}", draw);
            let t = format_ident!("{}Outputs", dep.variant);
            if *always {
                dep_params.push(code!(#pname: &#t));
                dep_sets.push(code!(__st.#sf = Some(::core::clone::Clone::clone(#pname));));
                dep_docs.push(format!(
                    "- `{draw}`: the outputs of step `{}`, which this step reads.",
                    dep.id
                ));
            } else {
                dep_params.push(code!(#pname: Option<&#t>));
                dep_sets.push(code!(__st.#sf = #pname.cloned();));
                dep_docs.push(format!(
                    "- `{draw}`: the outputs of step `{}` when it ran (it may be skipped).",
                    dep.id
                ));
            }
        }
        for d in &s.workflow_deps {
            let m = self.module_of(*d);
            let mraw = self.wf_name(*d);
            let pname = format_ident!("{}_outputs", mraw);
            let f = self.wf_field(*d);
            dep_params.push(code!(#pname: &#m::Outputs));
            dep_sets.push(code!(__st.#f = Some(::core::clone::Clone::clone(#pname));));
            let id = self.id_of(*d);
            dep_docs.push(format!("- `{mraw}_outputs`: the outputs of workflow `{id}` (a `dependsOn` of this workflow), which this step reads."));
        }
        (dep_params, dep_sets, dep_docs)
    }

    /// The fields of step `s`'s outputs struct, each read from `__resp` (or `__sub`).
    fn step_out_fields(&self, w: &ir::Workflow, s: &ir::Step, info: &Code, ctx: Ctx) -> Vec<Code> {
        s.outputs
            .iter()
            .map(|o| {
                let f = ident(&o.field);
                let name = &o.name;
                match (&o.value, &o.ty) {
                    (Val::Expr(RtExpr::ResponseBody(p), _), Ty::Bytes) if p.is_empty() => {
                        code!(#f: __resp.bytes_output(),)
                    }
                    (Val::Expr(RtExpr::ResponseBody(p), _), Ty::Option(inner))
                        if p.is_empty() && **inner == Ty::Bytes =>
                    {
                        code!(#f: __resp.optional_bytes_output(),)
                    }
                    (
                        Val::Expr(RtExpr::ResponseBody(p) | RtExpr::MessagePayload(p), _),
                        Ty::Option(inner),
                    ) => {
                        let t = self.ty(inner, ctx);
                        code!(#f: __resp.optional_output::<#t>(#name, #p)?,)
                    }
                    (Val::Expr(RtExpr::ResponseBody(p) | RtExpr::MessagePayload(p), _), t) => {
                        let t = self.ty(t, ctx);
                        code!(#f: __resp.output::<#t>(#name, #p)?,)
                    }
                    (
                        Val::Expr(RtExpr::ResponseHeader(h) | RtExpr::MessageHeader(h), _),
                        Ty::String,
                    ) => {
                        code!(#f: __resp.header_output(#name, #h)?,)
                    }
                    (v, t) => {
                        let t = self.ty(t, ctx);
                        let v = self.val(v, w);
                        code!(#f: __rt::decode::<#t>(&#info, #name, #v)?,)
                    }
                }
            })
            .collect()
    }

    /// The public function of a step that sends a request or a message: the exchange
    /// once, under the workflow deadline; actions are `run`'s.
    fn exchange_public_fn(p: &StepParts<'_>, doc: Code) -> Code {
        let StepParts {
            fn_name,
            send,
            check,
            outputs,
            exec,
            out_ty,
            dep_params,
            dep_sets,
            ..
        } = p;
        let wid = &p.w.id;
        let body = if is_plain(p.s) {
            code!(#exec(client, &__st).await)
        } else {
            code! {
                let __resp = #send(client, &__st).await?;
                if !#check(&__resp, &__st) {
                    return Err(__resp.criteria_not_met());
                }
                #outputs(&__resp, &__st)
            }
        };
        code! {
            #doc
            pub async fn #fn_name(client: &::arazzo::Client, inputs: &super::Inputs #(, #dep_params)*) -> Result<#out_ty, ::arazzo::Error> {
                __rt::with_deadline(client, #wid, async {
                    let mut __st = super::__State::new(inputs);
                    #( #dep_sets )*
                    #body
                }).await
            }
        }
    }

    /// The success condition of a step that sends a request or a message. A step
    /// without `successCriteria` succeeds on any 2xx response (a message step: on any
    /// message).
    fn exchange_success(&self, p: &StepParts<'_>, http: bool) -> Code {
        if http && p.s.success.is_empty() {
            code!((200..300).contains(&__resp.status()))
        } else {
            self.criteria(&p.s.success, p.w)
        }
    }

    /// The functions of a step that sends a request or a message: `public_fn`, then
    /// the exchange (`prepare` then `exchange`, giving a `resp_ty`), its criteria and its
    /// outputs (`direct`: statements before them). A step without actions is one
    /// function (the exchange, its criteria, its outputs), as `run` needs the response
    /// itself only to choose between actions.
    fn exchange_fns(&self, p: &StepParts<'_>, exchange: Exchange) -> Code {
        let StepParts {
            send,
            check,
            outputs,
            exec,
            out_ty,
            out_fields,
            ..
        } = p;
        let Exchange {
            public_fn,
            resp_ty,
            prepare,
            exchange,
            direct,
            http,
        } = exchange;
        // The outputs, read from `__resp` once the criteria hold.
        let outputs_tail = code! {
            #direct
            Ok(#out_ty { #( #out_fields )* })
        };
        if is_plain(p.s) {
            let done = if p.s.success.is_empty() && !http {
                code!(#outputs_tail)
            } else {
                let success = self.exchange_success(p, http);
                let (bind, cond) = if_condition(&p.s.success, success, "__ok");
                code! {
                    #bind
                    if #cond {
                        #outputs_tail
                    } else {
                        Err(__resp.criteria_not_met())
                    }
                }
            };
            return code! {
                #public_fn

                #[doc(hidden)]
                pub async fn #exec(client: &::arazzo::Client, __st: &super::__State<'_>) -> Result<#out_ty, ::arazzo::Error> {
                    #prepare
                    let __resp = #exchange?;
                    #done
                }
            };
        }
        let success = self.exchange_success(p, http);
        code! {
            #public_fn

            #[doc(hidden)]
            pub async fn #send(client: &::arazzo::Client, __st: &super::__State<'_>) -> Result<#resp_ty, ::arazzo::Error> {
                #prepare
                #exchange
            }

            #[doc(hidden)]
            pub fn #check(__resp: &#resp_ty, __st: &super::__State<'_>) -> bool {
                #success
            }

            #[doc(hidden)]
            pub fn #outputs(__resp: &#resp_ty, __st: &super::__State<'_>) -> Result<#out_ty, ::arazzo::Error> {
                #outputs_tail
            }
        }
    }

    /// The functions of a step that calls an OpenAPI operation.
    fn operation_step_fns(&self, p: &StepParts<'_>) -> Code {
        let StepKind::Operation {
            source,
            operation,
            method,
            path,
            default_server,
            params,
            body,
            security,
        } = &p.s.kind
        else {
            return Code::new();
        };
        let (w, s, info) = (p.w, p.s, &p.info);
        let (wid, sid) = (&w.id, &s.id);
        let public_fn = Self::exchange_public_fn(p, step_fn_doc(p, &format!(
            "Step `{sid}`: calls `{operation}` (`{method} {path}`) of source `{source}`, checks its success criteria and returns its outputs. Runs once: retries and other actions are applied by [`run`](super::run)."
        )));
        let info_static = info_static(
            info,
            [wid, sid, operation, source, default_server, method, path],
        );
        let param_stmts = params.iter().map(|p| {
            let v = self.param_arg(&p.value, w);
            let n = &p.name;
            match p.location {
                ParamIn::Path => code!(__req.path_param(#n, #v)?;),
                ParamIn::Query if p.secret => code!(__req.secret_query(#n, #v)?;),
                ParamIn::Query => code!(__req.query(#n, #v)?;),
                ParamIn::Header => {
                    let secret = p.secret;
                    code!(__req.header(#n, #v, #secret)?;)
                }
                ParamIn::Cookie => code!(__req.cookie(#n, #v)?;),
                ParamIn::QueryString => {
                    let v = self.val(&p.value, w);
                    code!(__req.query_string(#n, &#v)?;)
                }
            }
        });
        let timeout_stmt = s.timeout_ms.map(|ms| code!(__req.step_timeout(#ms);));
        let secret_stmts = self
            .secret_values(w)
            .into_iter()
            .map(|v| code!(__req.secret(#v);));
        let security_static = security_static(info, security);
        let security_stmt = (!security.is_empty()).then(|| {
            let name = security_ident(info);
            code!(__req.security(#name);)
        });
        let body_stmt = body.as_ref().map(|b| self.request_body(b, w, p.ctx));
        let fns = self.exchange_fns(
            p,
            Exchange {
                public_fn,
                resp_ty: code!(__rt::Response),
                prepare: code! {
                    let mut __req = __rt::Request::new(client, &#info);
                    #timeout_stmt
                    #( #secret_stmts )*
                    #( #param_stmts )*
                    #security_stmt
                    #body_stmt
                },
                exchange: code!(__req.send().await),
                direct: self.direct_outputs(s, p.ctx),
                http: true,
            },
        );
        code! {
            #info_static
            #security_static
            #fns
        }
    }

    /// The statements setting a request's body on `__req`.
    fn request_body(&self, b: &ir::Body, w: &ir::Workflow, ctx: Ctx) -> Code {
        if let Some(typed) = self.typed_json_body(b, w, ctx) {
            return typed;
        }
        if let Some(raw) = self.raw_body(b, w) {
            return raw;
        }
        let v = self.val(&b.value, w);
        let ct = &b.content_type;
        let repl = self.replacements(b, w);
        let send_body = match b.kind {
            BodyKind::Json => code!(__req.json_body(#ct, __body);),
            BodyKind::Form => code!(__req.form_body(&__body)?;),
            BodyKind::Text => code!(__req.text_body(#ct, __rt::to_text(&__body));),
            BodyKind::Multipart | BodyKind::Binary => code!(),
        };
        code! {
            let mut __body = #v;
            #( #repl )*
            #send_body
        }
    }

    /// The functions of a step that sends or receives an AsyncAPI message.
    fn message_step_fns(&self, p: &StepParts<'_>) -> Code {
        let StepKind::Message {
            source,
            operation,
            action,
            channel,
            headers,
            body,
            correlation,
        } = &p.s.kind
        else {
            return Code::new();
        };
        let (w, s, info) = (p.w, p.s, &p.info);
        let (wid, sid) = (&w.id, &s.id);
        let verb = match action {
            MessageAction::Send => "sends a message on",
            MessageAction::Receive => "waits for a message on",
        };
        let public_fn = Self::exchange_public_fn(p, step_fn_doc(p, &format!(
            "Step `{sid}`: {verb} channel `{channel}` (operation `{operation}` of AsyncAPI source `{source}`) through the client's transport, checks its success criteria and returns its outputs. Runs once: retries and other actions are applied by [`run`](super::run)."
        )));
        let method = match action {
            MessageAction::Send => "SEND",
            MessageAction::Receive => "RECEIVE",
        };
        let info_static = info_static(info, [wid, sid, operation, source, "", method, channel]);
        let header_stmts = headers.iter().map(|p| {
            let v = self.param_arg(&p.value, w);
            let n = &p.name;
            code!(__msg.header(#n, #v)?;)
        });
        let timeout_stmt = s.timeout_ms.map(|ms| code!(__msg.step_timeout(#ms);));
        let body_stmt = body.as_ref().map(|b| self.message_payload(b, w));
        let correlate = correlation.as_ref().map(|(loc, v)| {
            let v = self.val(v, w);
            match loc {
                CorrelationLoc::Header(h) => code!(__msg.correlate_header(#h, #v);),
                CorrelationLoc::Payload(p) => code!(__msg.correlate_payload(#p, #v);),
            }
        });
        let exchange = match action {
            MessageAction::Send => code!(__msg.send().await),
            MessageAction::Receive => code!(__msg.receive().await),
        };
        let mutable = if headers.is_empty()
            && body.is_none()
            && correlation.is_none()
            && s.timeout_ms.is_none()
        {
            code!()
        } else {
            code!(mut)
        };
        let fns = self.exchange_fns(
            p,
            Exchange {
                public_fn,
                resp_ty: code!(__rt::StepMessage),
                prepare: code! {
                    let #mutable __msg = __rt::MessageStep::new(client, &#info);
                    #timeout_stmt
                    #( #header_stmts )*
                    #body_stmt
                    #correlate
                },
                exchange,
                direct: Code::new(),
                http: false,
            },
        );
        code! {
            #info_static
            #fns
        }
    }

    /// The statements setting a message's payload on `__msg`.
    fn message_payload(&self, b: &ir::Body, w: &ir::Workflow) -> Code {
        let v = self.val(&b.value, w);
        let ct = &b.content_type;
        let repl = self.replacements(b, w);
        let set = match b.kind {
            BodyKind::Text => code!(__msg.text_payload(#ct, __rt::to_text(&__body));),
            // The checker makes only JSON and text message payloads.
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart | BodyKind::Binary => {
                code!(__msg.json_payload(#ct, &__body);)
            }
        };
        let binding = if b.replacements.is_empty() {
            code!(let __body = #v;)
        } else {
            code!(let mut __body = #v;)
        };
        code! {
            #binding
            #( #repl )*
            #set
        }
    }

    /// The functions of a step that runs another workflow.
    fn workflow_step_fns(
        &self,
        p: &StepParts<'_>,
        workflow: WorkflowRef,
        inputs: &[(String, Val)],
    ) -> Code {
        let StepParts {
            fn_name,
            check,
            outputs,
            out_ty,
            info,
            dep_params,
            dep_sets,
            out_fields,
            ..
        } = p;
        let (w, s) = (p.w, p.s);
        let (wid, sid) = (&w.id, &s.id);
        let sub_mod = self.module_of(workflow);
        let sub_id = self.id_of(workflow);
        let doc = step_fn_doc(p, &format!("Step `{sid}`: runs workflow `{sub_id}` with inputs from the step's parameters and returns the step's outputs."));
        let info_static = info_static(info, [wid, sid, sub_id, "", "", "", ""]);
        let inputs_fn = format_ident!("__inputs_{}", unraw(&s.fn_name));
        let success = self.criteria(&s.success, w);
        let members = inputs.iter().map(|(k, v)| {
            let v = self.val(v, w);
            code! {
                let __v = #v;
                if !__v.is_null() {
                    __m.insert(String::from(#k), __v);
                }
            }
        });
        code! {
            #info_static

            #doc
            pub async fn #fn_name(client: &::arazzo::Client, inputs: &super::Inputs #(, #dep_params)*) -> Result<#out_ty, ::arazzo::Error> {
                __rt::with_deadline(client, #wid, async {
                    let mut __st = super::__State::new(inputs);
                    #( #dep_sets )*
                    let __sub_inputs = #inputs_fn(&__st)?;
                    let mut __guard = __rt::Run::new(client, #wid);
                    let __sub_out = ::std::boxed::Box::pin(__rt::workflow_span(#sub_id, #sub_mod::__run(client, #sub_mod::__State::new(&__sub_inputs), &mut __guard))).await?;
                    if !#check(__rt::present(&__sub_out), &__st) {
                        return Err(__rt::SubStep::unmet(&#info).criteria_not_met());
                    }
                    #outputs(__rt::present(&__sub_out), &__st)
                }).await
            }

            #[doc(hidden)]
            pub fn #inputs_fn(__st: &super::__State<'_>) -> Result<#sub_mod::Inputs, ::arazzo::Error> {
                let mut __m = __rt::serde_json::Map::new();
                #( #members )*
                __rt::decode::<#sub_mod::Inputs>(&#info, "inputs", __rt::serde_json::Value::Object(__m))
            }

            #[doc(hidden)]
            pub fn #check(__sub: Option<&#sub_mod::Outputs>, __st: &super::__State<'_>) -> bool {
                #success
            }

            #[doc(hidden)]
            pub fn #outputs(__sub: Option<&#sub_mod::Outputs>, __st: &super::__State<'_>) -> Result<#out_ty, ::arazzo::Error> {
                Ok(#out_ty { #( #out_fields )* })
            }
        }
    }

    fn run_fn(&self, w: &ir::Workflow, index: usize) -> Code {
        let ctx = Ctx::Workflow(index);
        let variants: Vec<Code> = w.steps.iter().map(|s| ident(&s.variant)).collect();
        let first = variants
            .first()
            .map_or(code!(None), |v| code!(Some(__Step::#v)));
        let deps_run = w.depends_on.iter().map(|d| {
            let m = self.module_of(*d);
            let f = self.wf_field(*d);
            let id = self.id_of(*d);
            code! {
                let __dep_inputs = __rt::decode_workflow_inputs::<#m::Inputs>(WORKFLOW_ID, #id, __st.inputs_json())?;
                __st.#f = Some(::std::boxed::Box::pin(__rt::workflow_span(#id, #m::__run(client, #m::__State::new(&__dep_inputs), &mut *__guard))).await?);
            }
        });
        // One retry counter per retry action (each `retryLimit` counts on its own).
        let mut slots: Vec<Vec<usize>> = Vec::new();
        let mut n_slots = 0usize;
        for s in &w.steps {
            let mine: Vec<usize> = s
                .on_failure
                .iter()
                .filter(|a| matches!(a.kind, ActionKind::Retry { .. }))
                .map(|_| {
                    n_slots += 1;
                    n_slots - 1
                })
                .collect();
            slots.push(mine);
        }
        let arms = w.steps.iter().enumerate().map(|(i, s)| {
            let v = &variants[i];
            let my_slots = &slots[i];
            let raw = unraw(&s.fn_name);
            let [send, check, outputs] = ["send", "check", "outputs"].map(|f| hidden_fn(f, s));
            let sf = format_ident!("s_{}", raw);
            let next_default = match variants.get(i + 1) {
                Some(nv) => code!(__resume.take().or(Some(__Step::#nv))),
                None => code!(__resume.take()),
            };
            let success_chain = self.action_chain(&s.on_success, w, i, &variants, &next_default, &[]);
            match &s.kind {
                StepKind::Operation { .. } | StepKind::Message { .. } if is_plain(s) => {
                    let exec = hidden_fn("exec", s);
                    let info = Self::info_ident(s);
                    code! {
                        __Step::#v => {
                            __st.#sf = Some(__guard.step(&steps::#info, steps::#exec(client, &__st)).await?);
                            #success_chain
                        }
                    }
                }
                StepKind::Operation { .. } | StepKind::Message { .. } => {
                    let failure_chain = self.action_chain(&s.on_failure, w, i, &variants, &code!(), my_slots);
                    let info = Self::info_ident(s);
                    code! {
                        __Step::#v => {
                            let __resp = __guard.exchange(&steps::#info, steps::#send(client, &__st)).await?;
                            if steps::#check(&__resp, &__st) {
                                __st.#sf = Some(steps::#outputs(&__resp, &__st)?);
                                #( __retries[#my_slots] = 0; )*
                                #success_chain
                            } else {
                                #failure_chain
                            }
                        }
                    }
                }
                // Only in documents with errors, whose workflows are emitted as skeletons.
                StepKind::Unresolved => Code::new(),
                StepKind::Workflow { workflow, .. } => {
                    let sub_mod = self.module_of(*workflow);
                    let sub_id = self.id_of(*workflow); // its span's `arazzo.workflow.id`
                    let inputs_fn = format_ident!("__inputs_{}", raw);
                    let info = Self::info_ident(s);
                    let failure_chain = self.action_chain(&s.on_failure, w, i, &variants, &code!(), my_slots);
                    code! {
                        __Step::#v => {
                            let __sub_inputs = steps::#inputs_fn(&__st)?;
                            let (__sub_out, __sub_err) = match ::std::boxed::Box::pin(__rt::workflow_span(#sub_id, #sub_mod::__run(client, #sub_mod::__State::new(&__sub_inputs), &mut *__guard))).await {
                                Ok(__o) => (Some(__o), None),
                                Err(__e) => (None, Some(__e)),
                            };
                            let __sub = __sub_out.as_ref();
                            // Read by the criteria of workflow-level actions (no HTTP exchange here).
                            let __resp = __rt::SubStep::new(&steps::#info, __sub_err);
                            if __sub.is_some() && steps::#check(__sub, &__st) {
                                __st.#sf = Some(steps::#outputs(__sub, &__st)?);
                                #( __retries[#my_slots] = 0; )*
                                #success_chain
                            } else {
                                #failure_chain
                            }
                        }
                    }
                }
            }
        });
        let out_fields = w.outputs.iter().map(|o| {
            let f = ident(&o.field);
            let name = &o.name;
            if let Some(read) = self.typed_output(o, w) {
                return code!(#f: #read,);
            }
            let t = self.ty(&o.ty, ctx);
            let v = self.val(&o.value, w);
            code!(#f: __rt::decode_output::<#t>(WORKFLOW_ID, #name, #v)?,)
        });
        let enum_doc = variants.iter().map(|v| format!("Step `{v}`."));
        code! {
            /// Runs the workflow: each step in turn, following its success and failure
            /// actions (`goto`, `end`, `retry`), bounded by the client's step limit and
            /// workflow deadline. Returns the typed outputs, or the error of the step that failed.
            pub async fn run(client: &::arazzo::Client, inputs: &Inputs) -> Result<Outputs, ::arazzo::Error> {
                let mut __guard = __rt::Run::new(client, WORKFLOW_ID);
                // The run's `arazzo_workflow` span (OpenTelemetry), around its deadline.
                __rt::workflow_span(WORKFLOW_ID, __rt::with_deadline(client, WORKFLOW_ID, __run(client, __State::new(inputs), &mut __guard))).await
            }

            /// The steps of the workflow, as states of `run`.
            #[doc(hidden)]
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[allow(clippy::enum_variant_names)] // variants are the step ids
            pub enum __Step {
                #( #[doc = #enum_doc] #variants, )*
            }

            /// The next state of `run` (`break '__chain ::core::...` would read as a label to parsers).
            #[doc(hidden)]
            pub type __Next = Option<__Step>;

            #[doc(hidden)]
            /// The step bound `__guard` is shared with the workflows this one runs.
            pub async fn __run(client: &::arazzo::Client, mut __st: __State<'_>, __guard: &mut __rt::Run) -> Result<Outputs, ::arazzo::Error> {
                #( #deps_run )*
                let mut __retries: [u64; #n_slots] = [0; #n_slots];
                let mut __resume: Option<__Step> = None;
                let mut __next: Option<__Step> = #first;
                while let Some(__step) = __next {
                    __guard.enter(WORKFLOW_ID)?;
                    if __resume == Some(__step) {
                        __resume = None;
                    }
                    __next = match __step {
                        #( #arms )*
                    };
                }
                Ok(Outputs { #( #out_fields )* })
            }
        }
    }

    /// Runs another workflow of the document with this workflow's inputs (matched by name).
    fn run_other(&self, r: WorkflowRef) -> Code {
        let m = self.module_of(r);
        let id = self.id_of(r);
        code! {
            let __other_inputs = __rt::decode_workflow_inputs::<#m::Inputs>(WORKFLOW_ID, #id, __st.inputs_json())?;
            ::std::boxed::Box::pin(__rt::workflow_span(#id, #m::__run(client, #m::__State::new(&__other_inputs), &mut *__guard))).await?;
        }
    }

    /// The chain of actions after a step: the first action whose criteria hold is taken.
    /// `default` is the next state when no action is taken (success chains); an empty
    /// `default` makes a failure chain, where `slots` are the counters of its retry actions.
    #[allow(clippy::too_many_arguments)]
    fn action_chain(
        &self,
        actions: &[ir::Action],
        w: &ir::Workflow,
        i: usize,
        variants: &[Code],
        default: &Code,
        slots: &[usize],
    ) -> Code {
        let me = &variants[i];
        let info = w.steps.get(i).map(Self::info_ident);
        let success = default.is_empty().not();
        let mut retry_index = 0usize;
        let arms: Vec<Code> = actions
            .iter()
            .map(|a| {
                let crit = self.criteria(&a.criteria, w);
                let effect = match &a.kind {
                    ActionKind::End => code! {
                        __resume = None;
                        break '__chain __Next::None;
                    },
                    ActionKind::Goto(j) => {
                        // The checker only makes indices of existing steps.
                        let Some(t) = variants.get(j.0) else {
                            return Code::new();
                        };
                        code! {
                            __resume = None;
                            break '__chain __Next::Some(__Step::#t);
                        }
                    }
                    ActionKind::GotoWorkflow(j) => {
                        let run_it = self.run_other(*j);
                        code! {
                            #run_it
                            __resume = None;
                            break '__chain __Next::None;
                        }
                    }
                    ActionKind::Retry { after, limit, target, workflow } => {
                        let first = workflow.map(|j| self.run_other(j));
                        let slot = slots.get(retry_index).copied().unwrap_or(0);
                        retry_index += 1;
                        let after = match after {
                            Some(a) => code!(Some(#a)),
                            None => code!(None),
                        };
                        let go = match target {
                            Some(t) => {
                                // The checker only makes indices of existing steps.
                                let t = variants.get(t.0).unwrap_or(me);
                                code! {
                                    __resume = Some(__Step::#me);
                                    break '__chain __Next::Some(__Step::#t);
                                }
                            }
                            None => code!(break '__chain __Next::Some(__Step::#me);),
                        };
                        code! {
                            if __retries[#slot] < #limit {
                                __retries[#slot] += 1;
                                __guard.sleep(&steps::#info, __resp.retry_delay(#after, client.max_retry_after())).await;
                                #first
                                #go
                            }
                            __exhausted = Some(__retries[#slot] + 1);
                        }
                    }
                };
                let (bind, cond) = if_condition(&a.criteria, crit, "__hit");
                code! {
                    #bind
                    if #cond {
                        #effect
                    }
                }
            })
            .collect();
        let retries = actions
            .iter()
            .any(|a| matches!(a.kind, ActionKind::Retry { .. }));
        if success && arms.is_empty() {
            default.clone()
        } else if success {
            code! {
                '__chain: {
                    #( #arms )*
                    #default
                }
            }
        } else if arms.is_empty() {
            code!(return Err(__resp.criteria_not_met());)
        } else if !retries {
            code! {
                '__chain: {
                    #( #arms )*
                    return Err(__resp.criteria_not_met());
                }
            }
        } else {
            code! {
                '__chain: {
                    let mut __exhausted: Option<u64> = None;
                    #( #arms )*
                    return Err(match __exhausted {
                        Some(attempts) => __resp.retries_exhausted(u32::try_from(attempts).unwrap_or(u32::MAX)),
                        None => __resp.criteria_not_met(),
                    });
                }
            }
        }
    }
}

/// Tokens building the `serde_json::Value` of a literal.
fn lit(l: &Lit) -> Code {
    match l {
        Lit::Null => code!(__rt::serde_json::Value::Null),
        Lit::Bool(b) => code!(__rt::serde_json::Value::Bool(#b)),
        Lit::Int(i) => {
            let l = *i;
            code!(__rt::serde_json::Value::from(#l))
        }
        Lit::Float(f) => {
            let l = *f;
            code!(__rt::serde_json::Value::from(#l))
        }
        Lit::Str(s) => code!(__rt::serde_json::Value::String(String::from(#s))),
        Lit::Json(v) => json_lit(v),
    }
}

/// Tokens building a `serde_json::Value` constant (a [`Lit::Json`], an input default).
fn json_lit(v: &serde_json::Value) -> Code {
    match v {
        serde_json::Value::Null => code!(__rt::serde_json::Value::Null),
        serde_json::Value::Bool(b) => code!(__rt::serde_json::Value::Bool(#b)),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let l = i;
                code!(__rt::serde_json::Value::from(#l))
            } else if let Some(u) = n.as_u64() {
                let l = u;
                code!(__rt::serde_json::Value::from(#l))
            } else {
                let l = n.as_f64().unwrap_or(0.0);
                code!(__rt::serde_json::Value::from(#l))
            }
        }
        serde_json::Value::String(s) => {
            code!(__rt::serde_json::Value::String(String::from(#s)))
        }
        serde_json::Value::Array(items) => {
            let items = items.iter().map(json_lit);
            code!(__rt::serde_json::Value::Array(::std::vec![#( #items ),*]))
        }
        serde_json::Value::Object(m) => {
            let inserts = m.iter().map(|(k, v)| {
                let v = json_lit(v);
                code!(__m.insert(String::from(#k), #v);)
            });
            code!({
                let mut __m = __rt::serde_json::Map::new();
                #( #inserts )*
                __rt::serde_json::Value::Object(__m)
            })
        }
    }
}

/// The `StepInfo` static of a step, from its fields: `[workflow, step, operation,
/// source, default_server, method, path]`.
/// The name of the security static of the step whose `StepInfo` static is `info`.
fn security_ident(info: &Code) -> Code {
    let info = info.to_string();
    format_ident!("__SECURITY{}", info.trim_start_matches("__INFO"))
}

/// The static holding an operation's security requirement (nothing when it has none).
fn security_static(info: &Code, security: &[Vec<crate::ir::SecurityReq>]) -> Code {
    if security.is_empty() {
        return Code::new();
    }
    let opt = |v: &Option<String>| match v {
        Some(s) => code!(Some(#s)),
        None => code!(None),
    };
    let alternatives = security.iter().map(|alternative| {
        let reqs = alternative.iter().map(|r| {
            let kind = match &r.kind {
                crate::ir::SchemeKind::ApiKey { location, name } => {
                    let location = match location {
                        ParamIn::Query => code!(Query),
                        ParamIn::Cookie => code!(Cookie),
                        _ => code!(Header),
                    };
                    code!(__rt::SchemeKind::ApiKey { location: __rt::ApiKeyIn::#location, name: #name })
                }
                crate::ir::SchemeKind::Basic => code!(__rt::SchemeKind::Basic),
                crate::ir::SchemeKind::Bearer => code!(__rt::SchemeKind::Bearer),
                crate::ir::SchemeKind::OAuth2 {
                    client_credentials,
                    password,
                    refresh_url,
                    ..
                } => {
                    let (c, p, r) = (opt(client_credentials), opt(password), opt(refresh_url));
                    code!(__rt::SchemeKind::OAuth2(__rt::Flows { client_credentials: #c, password: #p, refresh_url: #r }))
                }
                crate::ir::SchemeKind::OpenIdConnect => code!(__rt::SchemeKind::OpenIdConnect),
                crate::ir::SchemeKind::MutualTls => code!(__rt::SchemeKind::MutualTls),
            };
            let scheme = &r.scheme;
            let scopes = &r.scopes;
            code!(__rt::Requirement { scheme: #scheme, kind: #kind, scopes: &[#( #scopes ),*] })
        });
        code!(&[#( #reqs ),*])
    });
    let name = security_ident(info);
    code! {
        #[doc(hidden)]
        pub static #name: &[&[__rt::Requirement]] = &[#( #alternatives ),*];
    }
}

fn info_static(info: &Code, fields: [&str; 7]) -> Code {
    let [workflow, step, operation, source, default_server, method, path] = fields;
    code! {
        #[doc(hidden)]
        pub static #info: __rt::StepInfo = __rt::StepInfo {
            workflow: #workflow,
            step: #step,
            operation: #operation,
            source: #source,
            default_server: #default_server,
            method: #method,
            path: #path,
        };
    }
}

/// How a generated struct with the given (Rust field, secret, bytes) fields gets
/// `Debug`: `(entry of the derive list, impl)`. Derived when no field needs hiding;
/// otherwise an impl where secret fields print as `[redacted]` and bytes as their
/// length. The derive is the `Debug` that every generated module imports.
/// A data struct of the generated code (a type, the outputs of a workflow or of a step):
/// `fields`, serde and `PartialEq`, and a `Debug` that hides the secret and bytes fields
/// (`hidden`: each field with whether it is secret and whether it is bytes).
fn data_struct<'a>(
    doc: &Code,
    name: &Code,
    fields: impl Iterator<Item = Code>,
    hidden: impl Iterator<Item = (&'a str, bool, bool)>,
) -> Code {
    let (derive_debug, debug) = debug_of(name, hidden);
    code! {
        #doc
        #[derive(Clone, PartialEq, #derive_debug Serialize, Deserialize)]
        #[serde(crate = "::arazzo::__private::serde")]
        pub struct #name {
            #( #fields )*
        }
        #debug
    }
}

fn debug_of<'a>(name: &Code, fields: impl Iterator<Item = (&'a str, bool, bool)>) -> (Code, Code) {
    let fields: Vec<_> = fields.collect();
    if fields.iter().all(|&(_, secret, bytes)| !secret && !bytes) {
        return (code!(Debug,), Code::new());
    }
    let label = name.to_string();
    let fields = fields.into_iter().map(|(field, secret, bytes)| {
        let f = ident(field);
        let shown = unraw(field);
        if secret {
            code!(.field(#shown, &::arazzo::__private::Redacted))
        } else if bytes {
            code!(.field(#shown, &::arazzo::__private::ByteCount(&self.#f)))
        } else {
            code!(.field(#shown, &self.#f))
        }
    });
    let imp = code! {
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#label) #( #fields )* .finish()
            }
        }
    };
    (Code::new(), imp)
}

/// What the functions of one step share (see `Emitter::step_parts`).
struct StepParts<'s> {
    w: &'s ir::Workflow,
    s: &'s ir::Step,
    ctx: Ctx,
    /// The public function.
    fn_name: Code,
    /// The hidden functions: the exchange, the criteria, the outputs, all three at once.
    send: Code,
    check: Code,
    outputs: Code,
    exec: Code,
    /// The step's outputs struct.
    out_ty: Code,
    /// The step's `StepInfo` static.
    info: Code,
    /// The public function's parameters besides the client and the inputs, the
    /// statements storing them in the state, and their documentation lines.
    dep_params: Vec<Code>,
    dep_sets: Vec<Code>,
    dep_docs: Vec<String>,
    /// The fields of the outputs struct, as read from the response.
    out_fields: Vec<Code>,
}

/// The exchange of a step that sends a request or a message (see `Emitter::exchange_fns`).
struct Exchange {
    /// The public function.
    public_fn: Code,
    /// What the exchange gives (`__rt::Response`, `__rt::StepMessage`).
    resp_ty: Code,
    /// The statements that build the request or message.
    prepare: Code,
    /// The expression that sends it.
    exchange: Code,
    /// Statements before the outputs are read.
    direct: Code,
    /// Whether it is an HTTP request (a step without criteria then succeeds on a 2xx).
    http: bool,
}

/// The documentation of a step's public function: the step's description, what it does
/// (`what`), and the arguments besides the client and the inputs.
fn step_fn_doc(p: &StepParts<'_>, what: &str) -> Code {
    let mut doc = String::new();
    if !p.s.doc.is_empty() {
        doc.push_str(&p.s.doc);
        doc.push_str("\n\n");
    }
    doc.push_str(what);
    doc.push('\n');
    if !p.dep_docs.is_empty() {
        doc.push_str("\nArguments besides the client and the inputs:\n");
        doc.push_str(&p.dep_docs.join("\n"));
    }
    doc_attr(&with_origin(&doc, p.s.origin.as_deref()))
}

/// A hidden function of step `s` in the `steps` module: `__<what>_<step fn name>`.
fn hidden_fn(what: &str, s: &ir::Step) -> Code {
    format_ident!("__{}_{}", what, unraw(&s.fn_name))
}

/// Criteria tokens ready for an `if`: `(statements before it, its condition)`. A regex or
/// JSONPath criterion is a block (its compiled `static`), so such criteria are bound to
/// `name` first, as a block in an `if` condition reads badly.
fn if_condition(list: &[Criterion], crit: Code, name: &str) -> (Code, Code) {
    if list.iter().all(|c| matches!(c, Criterion::Simple(_))) {
        return (Code::new(), crit);
    }
    let name = format_ident!("{}", name);
    (code!(let #name = #crit;), code!(#name))
}

/// Whether a step is one function: it sends a request or a message and has no
/// success or failure actions (so `run` never needs its response).
fn is_plain(s: &ir::Step) -> bool {
    s.on_success.is_empty()
        && s.on_failure.is_empty()
        && matches!(
            s.kind,
            StepKind::Operation { .. } | StepKind::Message { .. }
        )
}

/// Whether a value of this type can be passed to a `Request` parameter
/// method as is (it implements `ParamValue`).
fn param_able(ty: &Ty) -> bool {
    let scalar = |t: &Ty| {
        matches!(
            t,
            Ty::String | Ty::Integer | Ty::I32 | Ty::Number | Ty::F32 | Ty::Boolean
        )
    };
    match ty {
        Ty::Json => true,
        Ty::Option(inner) => !inner.is_option() && param_able(inner),
        Ty::Vec(inner) => scalar(inner),
        other => scalar(other),
    }
}

/// `$statusCode <op> <integer>` (either way round) as an integer comparison.
fn status_comparison(op: BinaryOp, a: &Cond, b: &Cond) -> Option<Code> {
    let (lit, flipped) = match (a, b) {
        (Cond::Expr(RtExpr::StatusCode), Cond::Lit(l)) => (l, false),
        (Cond::Lit(l), Cond::Expr(RtExpr::StatusCode)) => (l, true),
        _ => return None,
    };
    let Lit::Int(n) = lit else { return None };
    let n = Code::unsuffixed(*n);
    let status = code!(i64::from(__resp.status()));
    let (left, right) = if flipped {
        (code!(#n), status)
    } else {
        (status, code!(#n))
    };
    let op = match op {
        BinaryOp::Eq => code!(==),
        BinaryOp::Ne => code!(!=),
        BinaryOp::Lt => code!(<),
        BinaryOp::Le => code!(<=),
        BinaryOp::Gt => code!(>),
        BinaryOp::Ge => code!(>=),
        _ => return None,
    };
    Some(code!(#left #op #right))
}

/// How tightly a generated `bool` expression binds, to parenthesize only where needed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prec {
    /// A call, a path, a block, a negation: never needs parentheses.
    Atom,
    /// A comparison.
    Cmp,
    /// `a && b`.
    And,
    /// `a || b`.
    Or,
}

/// Whether `v` reads an output of step `j`.
fn reads_step(v: &Val, j: StepIdx) -> bool {
    let expr = |e: &RtExpr| match e {
        RtExpr::StepOutput { step, .. } => *step == j,
        RtExpr::Request { value, .. } => reads_step(value, j),
        _ => false,
    };
    match v {
        Val::Expr(e, _) => expr(e),
        Val::Template(parts) => parts.iter().any(|p| matches!(p, TPart::Expr(e) if expr(e))),
        Val::Array(items) => items.iter().any(|i| reads_step(i, j)),
        Val::Object(members) => members.iter().any(|(_, i)| reads_step(i, j)),
        Val::Lit(_) => false,
    }
}

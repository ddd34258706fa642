//! Writes the metadata `const` of a workflow (`pub const WORKFLOW: ::arazzo::meta::Workflow`):
//! its id, summary and description, its inputs and outputs, its steps and what they call,
//! so that tools can list and drive workflows without repeating them.
//!
//! Called by [`crate::emit`] for every workflow module (the full code and the skeleton).

use crate::asyncapi::MessageAction;
use crate::code::Code;
use crate::ir::{self, StepKind, WorkflowRef};
use crate::types::{DefKind, Ty, TypeSpace};

/// The `WORKFLOW` constant of workflow `w` (of index `index` in `workflows`).
/// `id_of` gives the `workflowId` of a workflow a step runs.
pub(crate) fn workflow_const(
    types: &TypeSpace,
    workflows: &[ir::Workflow],
    index: usize,
    id_of: &dyn Fn(WorkflowRef) -> String,
) -> Code {
    let Some(w) = workflows.get(index) else {
        return Code::new();
    };
    let names = TypeNames {
        types,
        workflows,
        index,
    };
    let inputs = types
        .def(w.inputs)
        .map(|d| d.fields.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|f| {
            field(
                &names,
                &FieldFacts {
                    name: &f.json,
                    rust: &f.rust,
                    ty: &f.ty,
                    secret: f.secret,
                    description: f.doc.as_deref(),
                },
            )
        });
    let outputs = w.outputs.iter().map(|o| {
        field(
            &names,
            &FieldFacts {
                name: &o.name,
                rust: &o.field,
                ty: &o.ty,
                secret: o.secret,
                description: o.description.as_deref(),
            },
        )
    });
    let steps = w.steps.iter().filter_map(|s| step(s, id_of));
    let id = &w.id;
    let summary = opt_str(w.summary.as_deref());
    let description = opt_str(w.description.as_deref());
    code! {
        /// This workflow described: its id, summary and description, its inputs and
        /// outputs (JSON name, Rust field and type, JSON type, required, secret,
        /// description) and its steps with what each one calls. Tools list and drive
        /// workflows from it (see `arazzo::meta`).
        pub const WORKFLOW: ::arazzo::meta::Workflow = ::arazzo::meta::Workflow {
            id: #id,
            summary: #summary,
            description: #description,
            inputs: &[#( #inputs ),*],
            outputs: &[#( #outputs ),*],
            steps: &[#( #steps ),*],
        };
    }
}

/// What a field of the metadata is written from (an input or an output).
struct FieldFacts<'a> {
    name: &'a str,
    rust: &'a str,
    ty: &'a Ty,
    secret: bool,
    description: Option<&'a str>,
}

fn field(names: &TypeNames<'_>, f: &FieldFacts<'_>) -> Code {
    let (required, inner) = match f.ty {
        Ty::Option(inner) => (false, inner.as_ref()),
        other => (true, other),
    };
    let json_type = Code::ident(names.json_type(inner));
    let rust_type = names.rust(f.ty);
    let (name, rust, secret) = (f.name, f.rust, f.secret);
    let description = opt_str(f.description);
    code! {
        ::arazzo::meta::Field {
            name: #name,
            rust_name: #rust,
            rust_type: #rust_type,
            json_type: ::arazzo::meta::JsonType::#json_type,
            required: #required,
            secret: #secret,
            description: #description,
        }
    }
}

fn step(s: &ir::Step, id_of: &dyn Fn(WorkflowRef) -> String) -> Option<Code> {
    let target = match &s.kind {
        StepKind::Operation {
            source,
            operation,
            method,
            path,
            ..
        } => {
            // Without an operationId, `operation` is `METHOD path`.
            let operation_id = (*operation != format!("{method} {path}")).then_some(operation);
            let operation_id = opt_str(operation_id.map(String::as_str));
            code! {
                ::arazzo::meta::StepTarget::Operation(::arazzo::meta::Operation {
                    source: #source,
                    operation_id: #operation_id,
                    method: #method,
                    path: #path,
                })
            }
        }
        StepKind::Message {
            source,
            operation,
            action,
            channel,
            ..
        } => {
            let action = match action {
                MessageAction::Send => code!(Send),
                MessageAction::Receive => code!(Receive),
            };
            code! {
                ::arazzo::meta::StepTarget::Message(::arazzo::meta::Message {
                    source: #source,
                    operation: #operation,
                    action: ::arazzo::meta::MessageAction::#action,
                    channel: #channel,
                })
            }
        }
        StepKind::Workflow { workflow, .. } => {
            let id = id_of(*workflow);
            code!(::arazzo::meta::StepTarget::Workflow { workflow_id: #id })
        }
        // A document with errors: the step calls nothing that resolved.
        StepKind::Unresolved => return None,
    };
    let id = &s.id;
    let description = opt_str((!s.doc.is_empty()).then_some(s.doc.as_str()));
    Some(code! {
        ::arazzo::meta::Step {
            id: #id,
            description: #description,
            target: #target,
        }
    })
}

/// `Some("text")` or `None`, as code.
fn opt_str(s: Option<&str>) -> Code {
    match s {
        Some(s) => code!(::core::option::Option::Some(#s)),
        None => code!(::core::option::Option::None),
    }
}

/// Names of types as the generated workflow module writes them.
struct TypeNames<'a> {
    types: &'a TypeSpace,
    workflows: &'a [ir::Workflow],
    /// The workflow whose module the names are read in.
    index: usize,
}

impl TypeNames<'_> {
    /// The Rust type as written in the workflow's module.
    fn rust(&self, t: &Ty) -> String {
        self.types.rust_name(t, self.index, &|w| {
            self.workflows.get(w).map(|o| o.module.as_str())
        })
    }

    /// The name of the `arazzo::meta::JsonType` variant of a (non-optional) type.
    fn json_type(&self, t: &Ty) -> &'static str {
        match t {
            Ty::String | Ty::Bytes => "String",
            Ty::Integer | Ty::I32 => "Integer",
            Ty::Number | Ty::F32 => "Number",
            Ty::Boolean => "Boolean",
            Ty::Vec(_) => "Array",
            Ty::Map(_) => "Object",
            Ty::Json | Ty::Extern(_) | Ty::Option(_) => "Any",
            Ty::Named(i) => match self.types.def(*i).map(|d| &d.kind) {
                Some(DefKind::Struct) => "Object",
                Some(DefKind::Enum(_)) => "String",
                Some(DefKind::Union(_)) | None => "Any",
            },
        }
    }
}

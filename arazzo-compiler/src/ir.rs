//! The lowered form of a workflow: everything checked and resolved, ready to emit.
//!
//! Nothing here refers back to YAML: names are final Rust names, expressions are
//! resolved to where their value comes from, and types are [`Ty`]s.

use crate::model::ParamIn;
pub use crate::openapi::{SchemeKind, SecurityReq};
use crate::types::Ty;

/// The index of a step in its workflow (document order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepIdx(pub usize);

/// A workflow that a step runs, an action transfers to, or `dependsOn` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkflowRef {
    /// A workflow of this document, by its index in document order.
    Local(usize),
    /// A workflow of another Arazzo document, by its index in
    /// [`crate::resolve::Sources::arazzo_workflows`].
    External(usize),
}

/// A literal, with its Rust type decided when it was lowered ([`Lit::ty`]).
///
/// Scalars get the Rust type of their JSON kind; [`Lit::Json`] holds what has no
/// scalar Rust type and stays JSON.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// `null`: a JSON value ([`Ty::Json`]).
    Null,
    /// A boolean ([`Ty::Boolean`]).
    Bool(bool),
    /// An integer ([`Ty::Integer`], `i64`).
    Int(i64),
    /// A finite float ([`Ty::Number`], `f64`).
    Float(f64),
    /// A string ([`Ty::String`]).
    Str(String),
    /// A constant that stays JSON ([`Ty::Json`]): an integer beyond `i64`, an array or an
    /// object.
    Json(serde_json::Value),
}

impl Lit {
    /// The Rust type of the literal.
    pub fn ty(&self) -> Ty {
        match self {
            Lit::Bool(_) => Ty::Boolean,
            Lit::Int(_) => Ty::Integer,
            Lit::Float(_) => Ty::Number,
            Lit::Str(_) => Ty::String,
            Lit::Null | Lit::Json(_) => Ty::Json,
        }
    }

    /// The JSON Schema type of the literal (`"integer"`, `"string"`, ...).
    pub fn json_kind(&self) -> &'static str {
        use serde_json::Value as J;
        match self {
            Lit::Null | Lit::Json(J::Null) => "null",
            Lit::Bool(_) | Lit::Json(J::Bool(_)) => "boolean",
            Lit::Int(_) => "integer",
            Lit::Json(J::Number(n)) if n.is_i64() || n.is_u64() => "integer",
            Lit::Float(_) | Lit::Json(J::Number(_)) => "number",
            Lit::Str(_) | Lit::Json(J::String(_)) => "string",
            Lit::Json(J::Array(_)) => "array",
            Lit::Json(J::Object(_)) => "object",
        }
    }

    /// The JSON value of the literal.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Lit::Null => J::Null,
            Lit::Bool(b) => J::Bool(*b),
            Lit::Int(i) => J::from(*i),
            Lit::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Lit::Str(s) => J::String(s.clone()),
            Lit::Json(v) => v.clone(),
        }
    }
}

/// A runtime expression, resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum RtExpr {
    /// `$statusCode`.
    StatusCode,
    /// `$method`.
    Method,
    /// `$url`.
    Url,
    /// `$response.header.<name>`.
    ResponseHeader(String),
    /// `$response.body#<pointer>` (pointer as an RFC 6901 string, `""` for the whole body).
    ResponseBody(String),
    /// `$message.header.<name>` (Arazzo 1.1, event-driven steps).
    MessageHeader(String),
    /// `$message.payload#<pointer>` (Arazzo 1.1, event-driven steps; `""` for all of it).
    MessagePayload(String),
    /// `$inputs.<name>#<pointer>`: the pointer from the inputs object (`/name/...`).
    Input(String),
    /// `$steps.<step>.outputs.<name>#<pointer>`.
    StepOutput {
        /// Index of the step in its workflow.
        step: StepIdx,
        /// Rust field name of the output.
        field: String,
        /// Pointer into the output value (`""` for all of it).
        pointer: String,
    },
    /// `$workflows.<id>.outputs.<name>#<pointer>` of a workflow this one depends on.
    WorkflowOutput {
        /// The workflow.
        workflow: WorkflowRef,
        /// Rust field name of the output.
        field: String,
        /// Pointer into it.
        pointer: String,
    },
    /// `$outputs.<name>` of the workflow a workflow step ran.
    SubOutput {
        /// Rust field name.
        field: String,
        /// Pointer into it.
        pointer: String,
    },
    /// A value known at build time (`$sourceDescriptions.x.url`, a component value).
    Const(Lit),
    /// A JSONPath Selector Object (Arazzo 1.1) applied to the value of `context`:
    /// a singular query gives the node it selects (null when none), any other
    /// query the array of the nodes it selects.
    Select {
        /// The context value.
        context: Box<RtExpr>,
        /// The RFC 9535 query, validated at build time.
        query: String,
        /// Whether the query is singular (names and indices only).
        singular: bool,
    },
    /// `$request.*`: the value the step's request was built from (a parameter, or the
    /// body with its replacements), evaluated again, then the pointer applied.
    Request {
        /// The parameter value or the payload.
        value: Box<Val>,
        /// Body replacements to apply first (for `$request.body`).
        replacements: Vec<(String, Val)>,
        /// Pointer into it (`""` for all of it).
        pointer: String,
    },
}

/// A value: a literal tree with expressions and templates in its leaves.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// A literal, typed.
    Lit(Lit),
    /// A whole-value expression, with the Rust type of what it gives (the type of what it
    /// points at; [`crate::types::Ty::Json`] when free-form or not known).
    Expr(RtExpr, crate::types::Ty),
    /// A string with `{$...}` expressions inside.
    Template(Vec<TPart>),
    /// An array.
    Array(Vec<Val>),
    /// An object (members whose expression value is absent are left out).
    Object(Vec<(String, Val)>),
}

/// A part of a string template.
#[derive(Clone, Debug, PartialEq)]
pub enum TPart {
    /// Literal text.
    Lit(String),
    /// An embedded expression.
    Expr(RtExpr),
}

/// A simple condition, lowered.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// A literal, typed.
    Lit(Lit),
    /// A runtime expression.
    Expr(RtExpr),
    /// `!x`.
    Not(Box<Cond>),
    /// A binary operator.
    Bin(crate::condition::BinaryOp, Box<Cond>, Box<Cond>),
    /// `x[i]`.
    Index(Box<Cond>, Box<Cond>),
    /// `x.name`.
    Member(Box<Cond>, String),
}

/// A criterion, lowered.
#[derive(Clone, Debug, PartialEq)]
pub enum Criterion {
    /// A simple condition.
    Simple(Cond),
    /// A regex applied to a context value.
    Regex {
        /// The value tested.
        context: RtExpr,
        /// The pattern (validated at build time).
        pattern: String,
        /// Arazzo 1.1: the pattern as a template with `{$...}` expressions, substituted
        /// at run time (empty: `pattern` is used as written).
        embedded: Vec<TPart>,
    },
    /// An RFC 9535 JSONPath query applied to a context value: true when it selects a node.
    JsonPath {
        /// The value queried.
        context: RtExpr,
        /// The query (validated at build time).
        query: String,
        /// Arazzo 1.1: the query as a template with `{$...}` expressions, substituted
        /// at run time (empty: `query` is used as written).
        embedded: Vec<TPart>,
    },
}

/// What an action does.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    /// End the workflow with the outputs available.
    End,
    /// Go to a step of the same workflow.
    Goto(StepIdx),
    /// Transfer to another workflow of the document (run with this workflow's inputs,
    /// matched by name), then end this workflow with the outputs available.
    GotoWorkflow(WorkflowRef),
    /// Retry the step (after running `target` or `workflow` first, when given).
    Retry {
        /// Seconds to wait (`retryAfter`).
        after: Option<f64>,
        /// Retries allowed (`retryLimit`, 1 when absent).
        limit: u64,
        /// A step to run before retrying.
        target: Option<StepIdx>,
        /// A workflow to run before retrying.
        workflow: Option<WorkflowRef>,
    },
}

/// A success or failure action.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// The action's name.
    pub name: String,
    /// What it does.
    pub kind: ActionKind,
    /// All must hold for the action to be taken.
    pub criteria: Vec<Criterion>,
}

/// A request parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Where it goes.
    pub location: ParamIn,
    /// Its value.
    pub value: Val,
    /// Carries a credential (never printed).
    pub secret: bool,
}

/// How the body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Text as is (a string payload).
    Text,
    /// `multipart/form-data`: one part per member of the payload object ([`Body::parts`]).
    Multipart,
    /// Raw bytes (`application/octet-stream`, `image/png`, ...): a bytes value, or a
    /// string sent as its UTF-8 bytes.
    Binary,
}

/// A part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The part's name (the payload member).
    pub name: String,
    /// Its value.
    pub value: Val,
    /// The value is bytes ([`crate::types::Ty::Bytes`]): sent as a file part.
    pub bytes: bool,
    /// The part's content type from the operation's `encoding`, when it sets one.
    pub content_type: Option<String>,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The content type sent.
    pub content_type: String,
    /// Encoding.
    pub kind: BodyKind,
    /// The payload.
    pub value: Val,
    /// Replacements applied in order (RFC 6901 pointer, value).
    pub replacements: Vec<(String, Val)>,
    /// The parts of a [`BodyKind::Multipart`] body (empty otherwise).
    pub parts: Vec<Part>,
}

/// Where a step output comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutput {
    /// Printed as `[redacted]` by `Debug`: it feeds a credential, or comes from a secret.
    pub secret: bool,
    /// Output name as in the document.
    pub name: String,
    /// Rust field name.
    pub field: String,
    /// Rust type.
    pub ty: Ty,
    /// Its value.
    pub value: Val,
    /// Description for rustdoc.
    pub doc: String,
    /// Where it is declared (`file:line:col`, relative), for the documentation.
    pub origin: Option<String>,
}

/// What a step runs.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum StepKind {
    /// An HTTP operation.
    Operation {
        /// Source description name.
        source: String,
        /// operationId (or `METHOD path` when it has none).
        operation: String,
        /// Upper-case method.
        method: String,
        /// Path template.
        path: String,
        /// The first server url of the OpenAPI description.
        default_server: String,
        /// Header, path, query and cookie parameters.
        params: Vec<Param>,
        /// The body.
        body: Option<Body>,
        /// The operation's effective `security`: alternatives (OR) of schemes applied
        /// together (AND); an empty alternative makes it optional; no alternative at
        /// all: no security.
        security: Vec<Vec<SecurityReq>>,
    },
    /// An event-driven step (Arazzo 1.1): a message sent or received on an AsyncAPI channel.
    Message {
        /// Source description name.
        source: String,
        /// The AsyncAPI operation id, or the channel key for a `channelPath` step.
        operation: String,
        /// Send or receive.
        action: crate::asyncapi::MessageAction,
        /// The channel address.
        channel: String,
        /// Message headers (parameters `in: header`).
        headers: Vec<Param>,
        /// The payload of a send step.
        body: Option<Body>,
        /// The correlation id a receive step waits for: where it is, and its value.
        correlation: Option<(crate::asyncapi::CorrelationLoc, Val)>,
    },
    /// Another workflow, of this document or another (its inputs from the step's parameters).
    Workflow {
        /// The workflow.
        workflow: WorkflowRef,
        /// Input name → value.
        inputs: Vec<(String, Val)>,
    },
    /// The target did not resolve (reported): nothing runs; the code emitted for a
    /// document with errors is a skeleton.
    Unresolved,
}

/// A step, lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// `stepId`.
    pub id: String,
    /// Rust function name.
    pub fn_name: String,
    /// Variant name in the state enum, and prefix of the outputs struct.
    pub variant: String,
    /// Doc text.
    pub doc: String,
    /// What it runs.
    pub kind: StepKind,
    /// `successCriteria` (empty: any 2xx for operations).
    pub success: Vec<Criterion>,
    /// Success actions (the step's, then the workflow's).
    pub on_success: Vec<Action>,
    /// Failure actions (the step's, then the workflow's).
    pub on_failure: Vec<Action>,
    /// Outputs.
    pub outputs: Vec<StepOutput>,
    /// Earlier steps whose outputs this step reads: (index, always run before).
    pub deps: Vec<(StepIdx, bool)>,
    /// `dependsOn` workflows whose outputs this step reads.
    pub workflow_deps: Vec<WorkflowRef>,
    /// `timeout` (Arazzo 1.1) in milliseconds: bounds each HTTP exchange of the step, or
    /// how long a receive step waits for its message.
    pub timeout_ms: Option<u64>,
    /// Where it is declared (`file:line:col`, relative), for the documentation.
    pub origin: Option<String>,
}

/// A workflow output.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// Printed as `[redacted]` by `Debug`: it comes from a secret or feeds a credential.
    pub secret: bool,
    /// Name as in the document.
    pub name: String,
    /// Rust field name.
    pub field: String,
    /// Rust type.
    pub ty: Ty,
    /// Value.
    pub value: Val,
    /// Description for rustdoc: the expression, and the description of the schema it
    /// points at when there is one.
    pub doc: String,
    /// The description of the schema it points at, when there is one (for the
    /// workflow's metadata, [`crate::emit_meta`]).
    pub description: Option<String>,
    /// Where it is declared (`file:line:col`, relative), for the documentation.
    pub origin: Option<String>,
}

/// A workflow, lowered.
#[derive(Clone, Debug, PartialEq)]
pub struct Workflow {
    /// `workflowId`.
    pub id: String,
    /// Module name.
    pub module: String,
    /// Doc text (summary and description).
    pub doc: String,
    /// The workflow's `summary` (for its metadata, [`crate::emit_meta`]).
    pub summary: Option<String>,
    /// The workflow's `description` (for its metadata).
    pub description: Option<String>,
    /// TypeDef index of `Inputs`.
    pub inputs: crate::types::TypeId,
    /// The steps in document order.
    pub steps: Vec<Step>,
    /// Outputs.
    pub outputs: Vec<Output>,
    /// Workflows run first (`dependsOn`).
    pub depends_on: Vec<WorkflowRef>,
    /// Where it is declared (`file:line:col`, relative), for the documentation.
    pub origin: Option<String>,
}

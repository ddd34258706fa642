//! The Arazzo document model, read from the positioned YAML tree.
//!
//! Reading never stops at the first problem: missing required fields, wrong
//! types and unknown fields (other than `x-` extensions) are reported, and the
//! rest of the document is still read so later stages can check it.

use crate::diag::{did_you_mean, Code, Diagnostic, Diagnostics, Report, SourceFile};
use crate::yaml::{Node, Value};

pub use crate::yaml::location;
use std::sync::Arc;

/// A string value of the document with its node (position, offsets).
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The string.
    pub value: String,
    /// The node it was read from.
    pub node: Node,
}

impl Text {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A whole Arazzo document.
#[derive(Clone, Debug, Default)]
pub struct Document<'n> {
    /// The `arazzo` version string.
    pub arazzo: Option<Text>,
    /// `info.title`.
    pub title: Option<String>,
    /// `info.summary`.
    pub summary: Option<String>,
    /// `info.description`.
    pub description: Option<String>,
    /// `sourceDescriptions`.
    pub sources: Vec<SourceDescription<'n>>,
    /// `workflows`.
    pub workflows: Vec<Workflow<'n>>,
    /// `components`.
    pub components: Components<'n>,
    /// The feature set the `arazzo` field declares (1.0 when missing or unsupported).
    pub version: Version,
    /// `$self` (Arazzo 1.1): the document's own URI.
    pub self_uri: Option<Text>,
}

/// `action` of an AsyncAPI operation, or of an Arazzo step on one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageAction {
    /// `send`: publish a message.
    Send,
    /// `receive`: wait for a message.
    Receive,
}

impl MessageAction {
    /// The spelling in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageAction::Send => "send",
            MessageAction::Receive => "receive",
        }
    }
}

/// The Arazzo feature set (`major.minor`) a document declares; the patch number is ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// Arazzo 1.0.x.
    #[default]
    V1_0,
    /// Arazzo 1.1.x.
    V1_1,
}

/// The `type` of a Selector Object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorType {
    /// `jsonpath` (RFC 9535).
    JsonPath,
    /// `jsonpointer` (RFC 6901).
    JsonPointer,
    /// `xpath` (not supported: reported).
    XPath,
}

/// A Selector Object (Arazzo 1.1): a selector applied to the value of a runtime expression.
#[derive(Clone, Debug)]
pub struct Selector<'n> {
    /// `context`: the runtime expression giving the structured value.
    pub context: Text,
    /// `selector`: the JSONPath query, JSON pointer or XPath expression.
    pub selector: Text,
    /// `type` (a string, or an expression type object's `type`).
    pub kind: Option<SelectorType>,
    /// The `type` node.
    pub type_node: &'n Node,
    /// The whole object.
    pub node: &'n Node,
}

impl<'n> Selector<'n> {
    /// Whether `node` is written as a Selector Object: a mapping with `context`,
    /// `selector` and `type`, and no other fields besides `x-` extensions. Any other
    /// mapping in a value is a literal object.
    pub fn is_selector(node: &Node) -> bool {
        matches!(node.value, Value::Map(_))
            && ["context", "selector", "type"]
                .iter()
                .all(|k| node.get(k).is_some())
            && node.entries().iter().all(|(k, _)| {
                k.text.starts_with("x-")
                    || ["context", "selector", "type"].contains(&k.text.as_str())
            })
    }

    /// Reads a Selector Object written as [`Self::is_selector`] describes (None otherwise,
    /// or when `context` or `selector` is not a string).
    pub fn read(node: &'n Node) -> Option<Selector<'n>> {
        if !Self::is_selector(node) {
            return None;
        }
        let text = |n: &Node| match &n.value {
            Value::Str(s) => Some(Text {
                value: s.clone(),
                node: n.clone(),
            }),
            _ => None,
        };
        let context = text(node.get("context")?)?;
        let selector = text(node.get("selector")?)?;
        let type_node = node.get("type")?;
        let name = match &type_node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Map(_) => type_node
                .get("type")
                .and_then(|t| t.as_str().map(str::to_owned)),
            _ => None,
        };
        let kind = match name.as_deref() {
            Some("jsonpath") => Some(SelectorType::JsonPath),
            Some("jsonpointer") => Some(SelectorType::JsonPointer),
            Some("xpath") => Some(SelectorType::XPath),
            _ => None,
        };
        Some(Selector {
            context,
            selector,
            kind,
            type_node,
            node,
        })
    }
}

/// The kind of a source description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceType {
    /// An OpenAPI description.
    OpenApi,
    /// Another Arazzo document.
    Arazzo,
    /// An AsyncAPI 3 description (Arazzo 1.1, event-driven steps).
    AsyncApi,
}

/// A `sourceDescriptions` entry.
#[derive(Clone, Debug)]
pub struct SourceDescription<'n> {
    /// `name`.
    pub name: Text,
    /// `url`.
    pub url: Text,
    /// `type`, when given.
    pub kind: Option<SourceType>,
    /// The entry's node.
    pub node: &'n Node,
}

/// A workflow.
#[derive(Clone, Debug)]
pub struct Workflow<'n> {
    /// `workflowId`.
    pub id: Text,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `inputs` (a JSON Schema).
    pub inputs: Option<&'n Node>,
    /// `dependsOn`.
    pub depends_on: Vec<Text>,
    /// `steps`.
    pub steps: Vec<Step<'n>>,
    /// `successActions`.
    pub success_actions: Vec<ActionOrRef<'n>>,
    /// `failureActions`.
    pub failure_actions: Vec<ActionOrRef<'n>>,
    /// `outputs`: name → expression.
    pub outputs: Vec<(Text, Text)>,
    /// `parameters`.
    pub parameters: Vec<ParamOrRef<'n>>,
    /// The workflow's node.
    pub node: &'n Node,
}

/// What a step runs.
#[derive(Clone, Debug)]
pub enum StepTarget {
    /// `operationId`.
    OperationId(Text),
    /// `operationPath`.
    OperationPath(Text),
    /// `workflowId`.
    WorkflowId(Text),
    /// `channelPath` (Arazzo 1.1): `{$sourceDescriptions.<name>.url}#/channels/<key>`.
    ChannelPath(Text),
}

/// A step.
#[derive(Clone, Debug)]
pub struct Step<'n> {
    /// `stepId`.
    pub id: Text,
    /// `description`.
    pub description: Option<String>,
    /// The operation or workflow it runs (None when missing or ambiguous: reported).
    pub target: Option<StepTarget>,
    /// `parameters`.
    pub parameters: Vec<ParamOrRef<'n>>,
    /// `requestBody`.
    pub request_body: Option<RequestBody<'n>>,
    /// `successCriteria`.
    pub success_criteria: Vec<Criterion<'n>>,
    /// `onSuccess`.
    pub on_success: Vec<ActionOrRef<'n>>,
    /// `onFailure`.
    pub on_failure: Vec<ActionOrRef<'n>>,
    /// `outputs`: name → expression. A Selector Object (Arazzo 1.1) is a `Text` whose
    /// node is the object's mapping (its value is the context expression).
    pub outputs: Vec<(Text, Text)>,
    /// `dependsOn` (Arazzo 1.1): steps of the same workflow that must have completed.
    pub depends_on: Vec<Text>,
    /// `timeout` (Arazzo 1.1): milliseconds the step may take.
    pub timeout: Option<u64>,
    /// `action` (Arazzo 1.1, event-driven steps): `send` or `receive`, with its node.
    pub action: Option<(MessageAction, &'n Node)>,
    /// `correlationId` (Arazzo 1.1, receive steps): the expression giving the id to wait for.
    pub correlation_id: Option<Text>,
    /// The step's node.
    pub node: &'n Node,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamIn {
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
    /// The whole query string (Arazzo 1.1, OpenAPI 3.2 `in: querystring`).
    QueryString,
}

impl ParamIn {
    /// The spelling in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
            ParamIn::Cookie => "cookie",
            ParamIn::QueryString => "querystring",
        }
    }
}

/// A parameter.
#[derive(Clone, Debug)]
pub struct Parameter<'n> {
    /// `name`.
    pub name: Text,
    /// `in`.
    pub location: Option<ParamIn>,
    /// `value`: a literal or an expression.
    pub value: &'n Node,
    /// The parameter's node.
    pub node: &'n Node,
}

/// A parameter or a reference to a component parameter.
#[derive(Clone, Debug)]
pub enum ParamOrRef<'n> {
    /// An inline parameter.
    Param(Parameter<'n>),
    /// `reference` (with an optional `value` override).
    Ref {
        /// The `$components.parameters.x` expression.
        reference: Text,
        /// The overriding value.
        value: Option<&'n Node>,
    },
}

/// A request body.
#[derive(Clone, Debug)]
pub struct RequestBody<'n> {
    /// `contentType`.
    pub content_type: Option<Text>,
    /// `payload`.
    pub payload: Option<&'n Node>,
    /// `replacements`.
    pub replacements: Vec<(Text, &'n Node)>,
    /// The node.
    pub node: &'n Node,
}

/// The type of a criterion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CriterionType {
    /// `simple` (the default).
    Simple,
    /// `regex`.
    Regex,
    /// `jsonpath`, with its version when given.
    JsonPath(Option<String>),
    /// `xpath`, with its version when given.
    XPath(Option<String>),
}

/// A criterion.
#[derive(Clone, Debug)]
pub struct Criterion<'n> {
    /// `context`.
    pub context: Option<Text>,
    /// `condition`.
    pub condition: Text,
    /// `type`.
    pub kind: CriterionType,
    /// The node.
    pub node: &'n Node,
}

/// The type of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionType {
    /// `end`.
    End,
    /// `goto`.
    Goto,
    /// `retry` (failure actions only).
    Retry,
}

/// A success or failure action.
#[derive(Clone, Debug)]
pub struct Action<'n> {
    /// `name`.
    pub name: Text,
    /// `type`.
    pub kind: ActionType,
    /// `stepId`.
    pub step_id: Option<Text>,
    /// `workflowId`.
    pub workflow_id: Option<Text>,
    /// `retryAfter` (seconds).
    pub retry_after: Option<f64>,
    /// `retryLimit`.
    pub retry_limit: Option<u64>,
    /// `criteria`.
    pub criteria: Vec<Criterion<'n>>,
    /// The node.
    pub node: &'n Node,
}

/// An action or a reference to a component action.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum ActionOrRef<'n> {
    /// Inline.
    Action(Action<'n>),
    /// `reference: $components.successActions.x`.
    Ref(Text),
}

/// `components`.
#[derive(Clone, Debug, Default)]
pub struct Components<'n> {
    /// `inputs`: reusable JSON Schemas.
    pub inputs: Vec<(Text, &'n Node)>,
    /// `parameters`.
    pub parameters: Vec<(Text, Parameter<'n>)>,
    /// `successActions`.
    pub success_actions: Vec<(Text, Action<'n>)>,
    /// `failureActions`.
    pub failure_actions: Vec<(Text, Action<'n>)>,
}

/// Reads nodes, reporting problems against one file.
pub struct Reader<'a> {
    /// The file being read.
    pub file: Arc<SourceFile>,
    /// Where problems go.
    pub diags: &'a Diagnostics,
    /// The version the document declares, once read (set by [`Reader::document`]).
    pub version: Version,
    /// The `arazzo` field as written, once read.
    pub declared: String,
}

/// The diagnostic for an Arazzo 1.1 feature used in a document that declares 1.0.x.
pub fn requires_1_1(d: &mut Diagnostic, declared: &str) {
    d.help.push(format!(
        "requires Arazzo 1.1; this document declares {declared}"
    ));
    d.help.push("declare `arazzo: 1.1.0` to use it".to_owned());
}

impl<'a> Reader<'a> {
    /// A reader of `file` reporting into `diags`, before the version is known.
    pub fn new(file: Arc<SourceFile>, diags: &'a Diagnostics) -> Self {
        Reader {
            file,
            diags,
            version: Version::default(),
            declared: String::new(),
        }
    }

    /// In a 1.0.x document, reports `what` (an Arazzo 1.1 feature) at `node`; true when
    /// the feature may be used.
    fn gate(&mut self, node: &Node, what: &str) -> bool {
        if self.version >= Version::V1_1 {
            return true;
        }
        let declared = self.declared.clone();
        let mut d = self.error(
            Code::Arazzo11Only,
            node,
            format!("{what} is an Arazzo 1.1 feature"),
        );
        requires_1_1(&mut d, &declared);
        false
    }

    /// Reports a problem at a node.
    pub fn error(&self, code: Code, node: &Node, message: impl Into<String>) -> Report<'_> {
        self.diags
            .report(Diagnostic::at(code, location(&self.file, node), message))
    }

    /// Checks `node` is a mapping whose keys are among `allowed` (or `x-`), reporting others.
    fn object(&mut self, node: &Node, what: &str, allowed: &[&str]) -> bool {
        self.object_since(node, what, allowed, &[])
    }

    /// As [`Self::object`], with fields that Arazzo 1.1 adds: allowed (and listed) in a
    /// 1.1 document; in a 1.0 document not listed and not reported as unknown here
    /// (each is reported as an Arazzo 1.1 feature where it is read).
    fn object_since(&mut self, node: &Node, what: &str, allowed: &[&str], v11: &[&str]) -> bool {
        let mut all = allowed.to_vec();
        if self.version >= Version::V1_1 {
            all.extend_from_slice(v11);
        }
        let allowed = &all[..];
        if !matches!(node.value, Value::Map(_)) {
            self.error(
                Code::WrongType,
                node,
                format!("{what} must be a mapping, found {}", node.type_name()),
            );
            return false;
        }
        for (k, _) in node.entries() {
            if k.text.starts_with("x-")
                || allowed.contains(&k.text.as_str())
                || v11.contains(&k.text.as_str())
            {
                continue;
            }
            let key_node = k.node();
            let help = did_you_mean(&k.text, allowed.iter().copied());
            let mut d = self.error(
                Code::UnknownField,
                &key_node,
                format!("unknown field `{}` in {what}", k.text),
            );
            d.help
                .push(format!("allowed fields: {}", allowed.join(", ")));
            if let Some(h) = help {
                d.help.push(h);
            }
            d.help.push("extensions must start with `x-`".to_owned());
        }
        true
    }

    fn text(&mut self, parent: &Node, key: &str, what: &str, required: bool) -> Option<Text> {
        match parent.get(key) {
            Some(n) => match &n.value {
                Value::Str(s) => Some(Text {
                    value: s.clone(),
                    node: n.clone(),
                }),
                _ => {
                    self.error(
                        Code::WrongType,
                        n,
                        format!(
                            "`{key}` of {what} must be a string, found {}",
                            n.type_name()
                        ),
                    );
                    None
                }
            },
            None => {
                if required {
                    self.error(
                        Code::MissingField,
                        parent,
                        format!("{what} is missing the required field `{key}`"),
                    );
                }
                None
            }
        }
    }

    fn opt_string(&mut self, parent: &Node, key: &str, what: &str) -> Option<String> {
        self.text(parent, key, what, false).map(|t| t.value)
    }

    fn seq<'n>(&mut self, parent: &'n Node, key: &str, what: &str) -> &'n [Node] {
        match parent.get(key) {
            Some(n) if matches!(n.value, Value::Seq(_)) => n.items(),
            Some(n) => {
                self.error(
                    Code::WrongType,
                    n,
                    format!(
                        "`{key}` of {what} must be a sequence, found {}",
                        n.type_name()
                    ),
                );
                &[]
            }
            None => &[],
        }
    }

    /// The items of `key` of the document's root, a list of at least one `item` the
    /// specification requires: reported when it is missing or empty.
    fn required_list<'n>(&mut self, root: &'n Node, key: &str, item: &str) -> &'n [Node] {
        match root.get(key) {
            Some(n) if !n.items().is_empty() => self.seq(root, key, "the document"),
            Some(n) => {
                self.error(
                    Code::EmptyList,
                    n,
                    format!("`{key}` must list at least one {item}"),
                );
                &[]
            }
            None => {
                self.error(
                    Code::MissingField,
                    root,
                    format!("the document is missing the required field `{key}`"),
                );
                &[]
            }
        }
    }

    /// Reads the whole document.
    pub fn document<'n>(&mut self, root: &'n Node) -> Document<'n> {
        let mut doc = Document::default();
        if !self.object(
            root,
            "the Arazzo document",
            &[
                "$schema",
                "$self",
                "arazzo",
                "info",
                "sourceDescriptions",
                "workflows",
                "components",
            ],
        ) {
            return doc;
        }
        doc.arazzo = match root.get("arazzo") {
            Some(n) => match &n.value {
                Value::Str(s) => Some(Text {
                    value: s.clone(),
                    node: n.clone(),
                }),
                Value::Float(f) => Some(Text {
                    value: f.to_string(),
                    node: n.clone(),
                }),
                _ => {
                    self.error(
                        Code::InvalidValue,
                        n,
                        "`arazzo` must be a version string such as `1.0.1`",
                    );
                    None
                }
            },
            None => {
                self.error(
                    Code::MissingField,
                    root,
                    "the document is missing the required field `arazzo`",
                )
                .help
                .push("start the document with `arazzo: 1.0.1`".into());
                None
            }
        };
        if let Some(v) = &doc.arazzo {
            let minor = |m: &str| {
                v.value == m
                    || v.value
                        .strip_prefix(m)
                        .and_then(|p| p.strip_prefix('.'))
                        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            };
            self.declared = v.value.clone();
            if minor("1.1") {
                self.version = Version::V1_1;
            } else if !minor("1.0") {
                let node = v.node.clone();
                let value = v.value.clone();
                self.error(
                    Code::UnsupportedVersion,
                    &node,
                    format!("unsupported Arazzo version `{value}`"),
                )
                .help
                .push("this compiler reads Arazzo 1.0.x and 1.1.x documents".into());
            }
        }
        doc.version = self.version;
        if let Some(n) = root.get("$self") {
            if let Some(t) = self.string_node(n, "`$self`") {
                if self.gate(n, "`$self`") {
                    if t.value.contains('#') {
                        self.error(
                            Code::InvalidValue,
                            n,
                            "`$self` must not contain a fragment (`#...`)",
                        );
                    }
                    doc.self_uri = Some(t);
                }
            }
        }
        match root.get("info") {
            Some(info) => {
                if self.object(
                    info,
                    "`info`",
                    &["title", "summary", "description", "version"],
                ) {
                    doc.title = self.text(info, "title", "`info`", true).map(|t| t.value);
                    doc.summary = self.opt_string(info, "summary", "`info`");
                    doc.description = self.opt_string(info, "description", "`info`");
                    if info.get("version").is_none() {
                        self.error(
                            Code::MissingField,
                            info,
                            "`info` is missing the required field `version`",
                        );
                    }
                }
            }
            None => {
                self.error(
                    Code::MissingField,
                    root,
                    "the document is missing the required field `info`",
                );
            }
        }
        for s in self.required_list(root, "sourceDescriptions", "source description") {
            if let Some(sd) = self.source(s) {
                doc.sources.push(sd);
            }
        }
        for w in self.required_list(root, "workflows", "workflow") {
            if let Some(wf) = self.workflow(w) {
                doc.workflows.push(wf);
            }
        }
        if let Some(c) = root.get("components") {
            doc.components = self.components(c);
        }
        doc
    }

    fn source<'n>(&mut self, node: &'n Node) -> Option<SourceDescription<'n>> {
        let what = "a source description";
        if !self.object(node, what, &["name", "url", "type"]) {
            return None;
        }
        let name = self.text(node, "name", what, true);
        let url = self.text(node, "url", what, true);
        if let Some(n) = &name {
            if n.value.is_empty()
                || !n
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                let nn = n.node.clone();
                self.error(
                    Code::InvalidName,
                    &nn,
                    format!(
                        "source description name `{}` must match `[A-Za-z0-9_-]+`",
                        n.value
                    ),
                );
            }
        }
        let kind = match self.text(node, "type", what, false) {
            None => None,
            Some(t) => match t.as_str() {
                "openapi" => Some(SourceType::OpenApi),
                "arazzo" => Some(SourceType::Arazzo),
                "asyncapi" => {
                    // Reported in a 1.0 document; read anyway, so its steps are checked.
                    self.gate(&t.node, "an `asyncapi` source description");
                    Some(SourceType::AsyncApi)
                }
                other => {
                    let msg = format!("unknown source description type `{other}`");
                    self.error(Code::InvalidValue, &t.node, msg)
                        .help
                        .push("use `openapi` or `arazzo`".into());
                    None
                }
            },
        };
        Some(SourceDescription {
            name: name?,
            url: url?,
            kind,
            node,
        })
    }

    fn workflow<'n>(&mut self, node: &'n Node) -> Option<Workflow<'n>> {
        let what = "a workflow";
        if !self.object(
            node,
            what,
            &[
                "workflowId",
                "summary",
                "description",
                "inputs",
                "dependsOn",
                "steps",
                "successActions",
                "failureActions",
                "outputs",
                "parameters",
            ],
        ) {
            return None;
        }
        let id = self.text(node, "workflowId", what, true);
        let what_owned = match &id {
            Some(i) => format!("workflow `{}`", i.value),
            None => what.to_owned(),
        };
        let what = what_owned.as_str();
        let mut steps = Vec::new();
        match node.get("steps") {
            Some(s) if !s.items().is_empty() => {
                for st in self.seq(node, "steps", what) {
                    if let Some(step) = self.step(st) {
                        steps.push(step);
                    }
                }
            }
            Some(s) => {
                self.error(
                    Code::EmptyList,
                    s,
                    format!("{what} must have at least one step"),
                );
            }
            None => {
                self.error(
                    Code::MissingField,
                    node,
                    format!("{what} is missing the required field `steps`"),
                );
            }
        }
        let depends_on = self
            .seq(node, "dependsOn", what)
            .iter()
            .filter_map(|n| self.string_node(n, "a `dependsOn` entry"))
            .collect();
        let inputs = node.get("inputs");
        if let Some(i) = &inputs {
            if !matches!(i.value, Value::Map(_)) {
                self.error(
                    Code::WrongType,
                    i,
                    format!("`inputs` of {what} must be a JSON Schema (a mapping)"),
                );
            }
        }
        let success_actions = self.actions(node, "successActions", false);
        let failure_actions = self.actions(node, "failureActions", true);
        let outputs = self.outputs(node, what);
        let parameters = self.parameters(node, what);
        Some(Workflow {
            id: id?,
            summary: self.opt_string(node, "summary", what),
            description: self.opt_string(node, "description", what),
            inputs,
            depends_on,
            steps,
            success_actions,
            failure_actions,
            outputs,
            parameters,
            node,
        })
    }

    fn string_node(&mut self, n: &Node, what: &str) -> Option<Text> {
        match &n.value {
            Value::Str(s) => Some(Text {
                value: s.clone(),
                node: n.clone(),
            }),
            _ => {
                self.error(
                    Code::WrongType,
                    n,
                    format!("{what} must be a string, found {}", n.type_name()),
                );
                None
            }
        }
    }

    fn outputs(&mut self, node: &Node, what: &str) -> Vec<(Text, Text)> {
        let Some(o) = node.get("outputs") else {
            return Vec::new();
        };
        if !matches!(o.value, Value::Map(_)) {
            self.error(
                Code::WrongType,
                o,
                format!("`outputs` of {what} must be a mapping of names to expressions"),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, v) in o.entries() {
            let key = Text {
                value: k.text.clone(),
                node: k.node(),
            };
            if k.text.is_empty()
                || !k
                    .text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
            {
                self.error(
                    Code::InvalidName,
                    &key.node,
                    format!("output name `{}` must match `^[a-zA-Z0-9.\\-_]+$`", k.text),
                );
            }
            if Selector::is_selector(v) {
                if self.gate(v, "a Selector Object") {
                    let context = v.get("context").and_then(Node::as_str).unwrap_or_default();
                    out.push((
                        key,
                        Text {
                            value: context.to_owned(),
                            node: v.clone(),
                        },
                    ));
                }
            } else if let Some(t) = self.string_node(v, "an output value") {
                out.push((key, t));
            }
        }
        out
    }

    fn parameters<'n>(&mut self, node: &'n Node, what: &str) -> Vec<ParamOrRef<'n>> {
        let mut out = Vec::new();
        for p in self.seq(node, "parameters", what) {
            if p.get("reference").is_some() {
                if self.object(p, "a parameter reference", &["reference", "value"]) {
                    if let Some(r) = self.text(p, "reference", "a parameter reference", true) {
                        out.push(ParamOrRef::Ref {
                            reference: r,
                            value: p.get("value"),
                        });
                    }
                }
            } else if let Some(param) = self.parameter(p) {
                out.push(ParamOrRef::Param(param));
            }
        }
        out
    }

    fn parameter<'n>(&mut self, p: &'n Node) -> Option<Parameter<'n>> {
        let what = "a parameter";
        if !self.object(p, what, &["name", "in", "value"]) {
            return None;
        }
        let name = self.text(p, "name", what, true);
        let location = match self.text(p, "in", what, false) {
            None => None,
            Some(t) => match t.as_str() {
                "path" => Some(ParamIn::Path),
                "query" => Some(ParamIn::Query),
                "header" => Some(ParamIn::Header),
                "cookie" => Some(ParamIn::Cookie),
                "querystring" => {
                    // Reported in a 1.0 document, and still read as written (no cascade).
                    self.gate(&t.node, "`in: querystring`");
                    Some(ParamIn::QueryString)
                }
                other => {
                    let v11 = self.version >= Version::V1_1;
                    let known: &[&str] = if v11 {
                        &["path", "query", "querystring", "header", "cookie"]
                    } else {
                        &["path", "query", "header", "cookie"]
                    };
                    let help = did_you_mean(other, known.iter().copied());
                    let msg = format!("unknown parameter location `{other}`");
                    let mut d = self.error(Code::InvalidValue, &t.node, msg);
                    d.help.push(if v11 {
                        "`in` is one of path, query, querystring, header, cookie".into()
                    } else {
                        "`in` is one of path, query, header, cookie".into()
                    });
                    if let Some(h) = help {
                        d.help.push(h);
                    }
                    None
                }
            },
        };
        let value = match p.get("value") {
            Some(v) => v,
            None => {
                self.error(
                    Code::MissingField,
                    p,
                    "a parameter is missing the required field `value`",
                );
                return None;
            }
        };
        Some(Parameter {
            name: name?,
            location,
            value,
            node: p,
        })
    }

    fn step<'n>(&mut self, node: &'n Node) -> Option<Step<'n>> {
        let what = "a step";
        if !self.object_since(
            node,
            what,
            &[
                "stepId",
                "description",
                "operationId",
                "operationPath",
                "workflowId",
                "parameters",
                "requestBody",
                "successCriteria",
                "onSuccess",
                "onFailure",
                "outputs",
            ],
            &[
                "timeout",
                "correlationId",
                "action",
                "channelPath",
                "dependsOn",
            ],
        ) {
            return None;
        }
        let id = self.text(node, "stepId", what, true)?;
        // Event-driven fields: reported in a 1.0 document, read anyway (so that the
        // step is still checked and no second error follows from their absence).
        for (key, what) in [
            ("action", "a step `action`"),
            ("correlationId", "a step `correlationId`"),
            ("channelPath", "a step `channelPath`"),
        ] {
            if let Some(n) = node.get(key) {
                self.gate(n, what);
            }
        }
        let action = match node.get("action") {
            Some(n) => match n.as_str() {
                Some("send") => Some((MessageAction::Send, n)),
                Some("receive") => Some((MessageAction::Receive, n)),
                other => {
                    let help = other.and_then(|o| did_you_mean(o, ["send", "receive"]));
                    let mut d = self.error(
                        Code::InvalidValue,
                        n,
                        format!(
                            "a step `action` must be `send` or `receive`, found `{}`",
                            other.unwrap_or(n.type_name())
                        ),
                    );
                    if let Some(h) = help {
                        d.help.push(h);
                    }
                    None
                }
            },
            _ => None,
        };
        let correlation_id = self.text(node, "correlationId", what, false);
        let channel_path = self.text(node, "channelPath", what, false);
        let timeout = match node.get("timeout") {
            Some(n) if self.gate(n, "a step `timeout`") => match n.value {
                Value::Int(ms) if ms > 0 => u64::try_from(ms).ok(),
                _ => {
                    self.error(
                        Code::InvalidValue,
                        n,
                        "a step `timeout` must be a positive integer (milliseconds)",
                    );
                    None
                }
            },
            _ => None,
        };
        let mut depends_on = Vec::new();
        if let Some(n) = node.get("dependsOn") {
            if self.gate(n, "a step `dependsOn`") {
                for d in self.seq(node, "dependsOn", "a step") {
                    if let Some(t) = self.string_node(d, "a `dependsOn` entry") {
                        depends_on.push(t);
                    }
                }
            }
        }
        let what = format!("step `{}`", id.value);
        let targets: Vec<StepTarget> = [
            (
                "operationId",
                StepTarget::OperationId as fn(Text) -> StepTarget,
            ),
            ("operationPath", StepTarget::OperationPath),
            ("workflowId", StepTarget::WorkflowId),
        ]
        .into_iter()
        .filter_map(|(k, f)| self.text(node, k, &what, false).map(f))
        .chain(channel_path.map(StepTarget::ChannelPath))
        .collect();
        let target = match targets.len() {
            1 => targets.into_iter().next(),
            0 => {
                self.error(Code::InvalidTarget,
                    &id.node,
                    format!("{what} names no `operationId`, `operationPath`, `channelPath` or `workflowId`"),
                )
                .help
                .push("a step runs exactly one operation or workflow".into());
                None
            }
            _ => {
                self.error(Code::InvalidTarget, &id.node, format!("{what} names more than one of `operationId`, `operationPath`, `channelPath` and `workflowId`"))
                    .help.push("a step runs exactly one operation or workflow: keep one".into());
                None
            }
        };
        let request_body = node.get("requestBody").and_then(|rb| {
            if !self.object(
                rb,
                "a request body",
                &["contentType", "payload", "replacements"],
            ) {
                return None;
            }
            let mut replacements = Vec::new();
            for r in self.seq(rb, "replacements", "a request body") {
                if let Some(t) = r.get("targetSelectorType") {
                    if self.gate(t, "`targetSelectorType`") {
                        let name = match &t.value {
                            Value::Map(_) => t.get("type").and_then(Node::as_str),
                            _ => t.as_str(),
                        };
                        if name != Some("jsonpointer") {
                            self.error(Code::Unsupported, t, format!("replacement targets of type `{}` are not supported", name.unwrap_or("?")))
                                .help
                                .push("write the target as a JSON pointer (`targetSelectorType: jsonpointer`, the default for JSON payloads)".into());
                        }
                    }
                }
                if self.object_since(
                    r,
                    "a payload replacement",
                    &["target", "value"],
                    &["targetSelectorType"],
                ) {
                    let target = self.text(r, "target", "a payload replacement", true);
                    match (target, r.get("value")) {
                        (Some(t), Some(v)) => replacements.push((t, v)),
                        (Some(_), None) => {
                            self.error(Code::MissingField,
                                r,
                                "a payload replacement is missing the required field `value`",
                            );
                        }
                        _ => {}
                    }
                }
            }
            Some(RequestBody {
                content_type: self.text(rb, "contentType", "a request body", false),
                payload: rb.get("payload"),
                replacements,
                node: rb,
            })
        });
        let success_criteria = self.criteria(node, "successCriteria");
        Some(Step {
            description: self.opt_string(node, "description", &what),
            target,
            parameters: self.parameters(node, &what),
            request_body,
            success_criteria,
            on_success: self.actions(node, "onSuccess", false),
            on_failure: self.actions(node, "onFailure", true),
            outputs: self.outputs(node, &what),
            depends_on,
            timeout,
            action,
            correlation_id,
            node,
            id,
        })
    }

    fn criteria<'n>(&mut self, node: &'n Node, key: &str) -> Vec<Criterion<'n>> {
        let mut out = Vec::new();
        for c in self.seq(node, key, "a criteria list") {
            if let Some(cr) = self.criterion(c) {
                out.push(cr);
            }
        }
        out
    }

    fn criterion<'n>(&mut self, c: &'n Node) -> Option<Criterion<'n>> {
        let what = "a criterion";
        if !self.object(c, what, &["context", "condition", "type"]) {
            return None;
        }
        let condition = self.text(c, "condition", what, true)?;
        let context = self.text(c, "context", what, false);
        let version = |r: &mut Self, t: &Node| -> Option<String> {
            if !r.object(t, "a criterion expression type", &["type", "version"]) {
                return None;
            }
            r.text(t, "version", "a criterion expression type", true)
                .map(|v| v.value)
        };
        let kind = match c.get("type") {
            None => CriterionType::Simple,
            Some(t) => {
                let (name, ver) = match &t.value {
                    Value::Str(s) => (s.clone(), None),
                    Value::Map(_) => {
                        let v = version(self, t);
                        match self.text(t, "type", "a criterion expression type", true) {
                            Some(n) => (n.value, v),
                            None => return None,
                        }
                    }
                    _ => {
                        self.error(Code::InvalidCriterion, t, "a criterion `type` must be a string or a criterion expression type object");
                        return None;
                    }
                };
                match name.as_str() {
                    "simple" => CriterionType::Simple,
                    "regex" => CriterionType::Regex,
                    "jsonpath" => CriterionType::JsonPath(ver),
                    "xpath" => CriterionType::XPath(ver),
                    other => {
                        let help = did_you_mean(other, ["simple", "regex", "jsonpath", "xpath"]);
                        let mut d = self.error(
                            Code::InvalidCriterion,
                            t,
                            format!("unknown criterion type `{other}`"),
                        );
                        d.help.push("use simple, regex, jsonpath or xpath".into());
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        return None;
                    }
                }
            }
        };
        if kind != CriterionType::Simple && context.is_none() {
            self.error(Code::InvalidCriterion, c, "a criterion with a `type` must have a `context`")
                .help.push("the context is the runtime expression the condition applies to, e.g. `$response.body`".into());
        }
        Some(Criterion {
            context,
            condition,
            kind,
            node: c,
        })
    }

    fn actions<'n>(&mut self, node: &'n Node, key: &str, failure: bool) -> Vec<ActionOrRef<'n>> {
        let mut out = Vec::new();
        for a in self.seq(node, key, "an action list") {
            if a.get("reference").is_some() {
                if self.object(a, "an action reference", &["reference"]) {
                    if let Some(r) = self.text(a, "reference", "an action reference", true) {
                        out.push(ActionOrRef::Ref(r));
                    }
                }
            } else if let Some(action) = self.action(a, failure) {
                out.push(ActionOrRef::Action(action));
            }
        }
        out
    }

    /// Reads one action (`failure` selects the failure-action fields).
    pub fn action<'n>(&mut self, a: &'n Node, failure: bool) -> Option<Action<'n>> {
        let what = if failure {
            "a failure action"
        } else {
            "a success action"
        };
        let allowed: &[&str] = if failure {
            &[
                "name",
                "type",
                "workflowId",
                "stepId",
                "retryAfter",
                "retryLimit",
                "criteria",
            ]
        } else {
            &["name", "type", "workflowId", "stepId", "criteria"]
        };
        if !self.object_since(a, what, allowed, &["parameters"]) {
            return None;
        }
        if let Some(p) = a.get("parameters") {
            if self.gate(p, &format!("`parameters` on {what}")) {
                self.error(Code::Unsupported, p, format!("`parameters` on {what} (inputs of the workflow it transfers to) are not supported yet"))
                    .help
                    .push("the workflow it runs receives this workflow's inputs, matched by name".into());
            }
        }
        let name = self.text(a, "name", what, true);
        let kind_text = self.text(a, "type", what, true)?;
        let kind = match (kind_text.as_str(), failure) {
            ("end", _) => ActionType::End,
            ("goto", _) => ActionType::Goto,
            ("retry", true) => ActionType::Retry,
            (other, _) => {
                let allowed = if failure {
                    "end, goto or retry"
                } else {
                    "end or goto"
                };
                let kind = if failure { "failure" } else { "success" };
                let msg = format!("unknown {kind} action type `{other}`");
                self.error(Code::InvalidAction, &kind_text.node, msg)
                    .help
                    .push(format!("use {allowed}"));
                return None;
            }
        };
        let number = |r: &mut Self, key: &str| -> Option<f64> {
            let n = a.get(key)?;
            match n.as_f64() {
                Some(v) if v >= 0.0 && v.is_finite() => Some(v),
                _ => {
                    r.error(
                        Code::InvalidValue,
                        n,
                        format!("`{key}` must be a non-negative number"),
                    );
                    None
                }
            }
        };
        let retry_after = number(self, "retryAfter");
        let retry_limit = match a.get("retryLimit") {
            None => None,
            Some(n) => match n.value {
                Value::Int(i) if i >= 0 => Some(i as u64),
                _ => {
                    self.error(
                        Code::InvalidValue,
                        n,
                        "`retryLimit` must be a non-negative integer",
                    );
                    None
                }
            },
        };
        let step_id = self.text(a, "stepId", what, false);
        let workflow_id = self.text(a, "workflowId", what, false);
        if step_id.is_some() && workflow_id.is_some() {
            self.error(
                Code::InvalidAction,
                a,
                format!("{what} names both `stepId` and `workflowId`"),
            )
            .help
            .push("keep one of them".into());
        }
        if kind == ActionType::Goto && step_id.is_none() && workflow_id.is_none() {
            self.error(
                Code::InvalidAction,
                a,
                "a `goto` action needs a `stepId` or a `workflowId`",
            );
        }
        if kind == ActionType::End && (step_id.is_some() || workflow_id.is_some()) {
            self.error(
                Code::InvalidAction,
                a,
                "an `end` action takes no `stepId` or `workflowId`",
            );
        }
        Some(Action {
            name: name?,
            kind,
            step_id,
            workflow_id,
            retry_after,
            retry_limit,
            criteria: self.criteria(a, "criteria"),
            node: a,
        })
    }

    fn components<'n>(&mut self, c: &'n Node) -> Components<'n> {
        let mut out = Components::default();
        if !self.object(
            c,
            "`components`",
            &["inputs", "parameters", "successActions", "failureActions"],
        ) {
            return out;
        }
        let key_text = |k: &crate::yaml::Key| Text {
            value: k.text.clone(),
            node: k.node(),
        };
        for field in ["inputs", "parameters", "successActions", "failureActions"] {
            let Some(map) = c.get(field) else { continue };
            if !matches!(map.value, Value::Map(_)) {
                self.error(
                    Code::WrongType,
                    map,
                    format!("`components.{field}` must be a mapping"),
                );
                continue;
            }
            for (k, v) in map.entries() {
                let key = key_text(k);
                if k.text.is_empty()
                    || !k
                        .text
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ".-_".contains(ch))
                {
                    self.error(
                        Code::InvalidName,
                        &key.node,
                        format!(
                            "component name `{}` must match `^[a-zA-Z0-9.\\-_]+$`",
                            k.text
                        ),
                    );
                }
                match field {
                    "inputs" => out.inputs.push((key, v)),
                    "parameters" => {
                        if let Some(p) = self.parameter(v) {
                            out.parameters.push((key, p));
                        }
                    }
                    "successActions" => {
                        if let Some(a) = self.action(v, false) {
                            out.success_actions.push((key, a));
                        }
                    }
                    _ => {
                        if let Some(a) = self.action(v, true) {
                            out.failure_actions.push((key, a));
                        }
                    }
                }
            }
        }
        out
    }
}

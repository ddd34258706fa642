//! The control flow of lowered workflows ([`crate::ir`]) as a graph, written as Mermaid
//! or Graphviz DOT text (`arazzo graph`).
//!
//! Each workflow is a cluster: a start node listing its inputs, one node per step (what it
//! calls and its success criteria), an end node listing its outputs and, when a step can
//! fail the workflow, a failure node. Edges follow what the generated `run` does: the
//! actions of a step in order (the first whose criteria hold is taken; one without criteria
//! makes those after it unreachable, so they are not drawn), then the default (the next
//! step on success, the failure of the workflow on failure). Calls of other workflows
//! (workflow steps, `goto` a workflow, `retry` after a workflow, `dependsOn`) are dashed.

use crate::condition::BinaryOp;
use crate::ir::{self, ActionKind, Cond, Criterion, Lit, RtExpr, StepKind, WorkflowRef};
use crate::Lowered;
use std::fmt::Write;

/// The text format of a graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Mermaid `flowchart`.
    Mermaid,
    /// A Graphviz `digraph`.
    Dot,
}

/// The graph of the document's workflows, or of the one named `workflow`.
///
/// The error names the workflow that does not exist and lists those that do.
pub fn render(lowered: &Lowered, workflow: Option<&str>, format: Format) -> Result<String, String> {
    let graph = Graph::build(lowered, workflow)?;
    Ok(match format {
        Format::Mermaid => graph.mermaid(),
        Format::Dot => graph.dot(),
    })
}

/// What a node stands for: it decides the node's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Start,
    Step,
    End,
    Fail,
    /// A workflow drawn elsewhere or not at all (another document's).
    Workflow,
}

#[derive(Debug)]
struct Node {
    id: String,
    lines: Vec<String>,
    shape: Shape,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Solid,
    /// A call of another workflow, or `dependsOn`.
    Dashed,
}

#[derive(Debug)]
struct Edge {
    from: String,
    to: String,
    label: String,
    style: Style,
}

#[derive(Debug)]
struct Cluster {
    id: String,
    title: String,
    nodes: Vec<Node>,
}

#[derive(Debug, Default)]
struct Graph {
    clusters: Vec<Cluster>,
    /// Workflows referred to but not drawn as clusters.
    others: Vec<Node>,
    edges: Vec<Edge>,
}

impl Graph {
    fn build(l: &Lowered, only: Option<&str>) -> Result<Graph, String> {
        let chosen: Vec<usize> = match only {
            None => (0..l.workflows.len()).collect(),
            Some(id) => match l.workflows.iter().position(|w| w.id == id) {
                Some(i) => vec![i],
                None => {
                    let ids: Vec<&str> = l.workflows.iter().map(|w| w.id.as_str()).collect();
                    return Err(format!(
                        "the document has no workflow `{id}`; its workflows: {}",
                        ids.join(", ")
                    ));
                }
            },
        };
        let mut g = Graph::default();
        for &i in &chosen {
            g.workflow(l, i, &chosen);
        }
        Ok(g)
    }

    /// The node that stands for workflow `r`: its start node when it is drawn, else a
    /// node of its own (added once).
    fn workflow_node(&mut self, l: &Lowered, r: WorkflowRef, drawn: &[usize]) -> String {
        let (id, name) = match r {
            WorkflowRef::Local(k) if drawn.contains(&k) => return format!("w{k}_start"),
            WorkflowRef::Local(k) => (
                format!("w{k}_ref"),
                l.workflows.get(k).map_or("?", |w| w.id.as_str()).to_owned(),
            ),
            WorkflowRef::External(k) => (
                format!("x{k}"),
                l.externals
                    .get(k)
                    .map_or("?".to_owned(), |(src, id)| format!("{src}.{id}")),
            ),
        };
        if !self.others.iter().any(|n| n.id == id) {
            self.others.push(Node {
                id: id.clone(),
                lines: vec![format!("workflow {name}")],
                shape: Shape::Workflow,
            });
        }
        id
    }

    fn workflow(&mut self, l: &Lowered, i: usize, drawn: &[usize]) {
        let Some(w) = l.workflows.get(i) else {
            return;
        };
        let start = format!("w{i}_start");
        let end = format!("w{i}_end");
        let fail = format!("w{i}_fail");
        let step_node = |j: usize| format!("w{i}_s{j}");
        let mut nodes = Vec::new();
        let inputs: Vec<String> = l
            .types
            .def(w.inputs)
            .map(|d| {
                d.fields
                    .iter()
                    .map(|f| match f.ty {
                        crate::types::Ty::Option(_) => format!("{}?", f.json),
                        _ => f.json.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        nodes.push(Node {
            id: start.clone(),
            lines: listing("start", "inputs", &inputs),
            shape: Shape::Start,
        });
        match w.steps.is_empty() {
            true => self.edge(&start, &end, String::new(), Style::Solid),
            false => self.edge(&start, &step_node(0), String::new(), Style::Solid),
        }
        let mut fails = false;
        for (j, s) in w.steps.iter().enumerate() {
            let mut lines = vec![s.id.clone(), calls(s, l)];
            if !s.success.is_empty() {
                lines.push(format!("success: {}", criteria(&s.success, l, w)));
            }
            nodes.push(Node {
                id: step_node(j),
                lines,
                shape: Shape::Step,
            });
            let here = step_node(j);
            let next = if j + 1 < w.steps.len() {
                step_node(j + 1)
            } else {
                end.clone()
            };
            if let StepKind::Workflow { workflow, .. } = &s.kind {
                let callee = self.workflow_node(l, *workflow, drawn);
                self.edge(&here, &callee, "runs".into(), Style::Dashed);
            }
            let ctx = Chain {
                here: &here,
                end: &end,
                step_node: &step_node,
                w,
            };
            if self.actions(l, drawn, &ctx, &s.on_success, "onSuccess") {
                self.edge(&here, &next, "success".into(), Style::Solid);
            }
            if self.actions(l, drawn, &ctx, &s.on_failure, "onFailure") {
                let retries = s
                    .on_failure
                    .iter()
                    .any(|a| matches!(a.kind, ActionKind::Retry { .. }));
                let label = if retries {
                    "failure, retries exhausted"
                } else {
                    "failure"
                };
                self.edge(&here, &fail, label.into(), Style::Solid);
                fails = true;
            }
        }
        let outputs: Vec<String> = w.outputs.iter().map(|o| o.name.clone()).collect();
        nodes.push(Node {
            id: end,
            lines: listing("end", "outputs", &outputs),
            shape: Shape::End,
        });
        if fails {
            nodes.push(Node {
                id: fail,
                lines: vec!["failed".into()],
                shape: Shape::Fail,
            });
        }
        for d in &w.depends_on {
            let dep = self.workflow_node(l, *d, drawn);
            self.edge(&dep, &start, "dependsOn".into(), Style::Dashed);
        }
        self.clusters.push(Cluster {
            id: format!("w{i}"),
            title: format!("workflow {}", w.id),
            nodes,
        });
    }

    /// Draws a chain of actions; true when the default (the next step, or the failure)
    /// can still be reached after it.
    fn actions(
        &mut self,
        l: &Lowered,
        drawn: &[usize],
        c: &Chain<'_>,
        actions: &[ir::Action],
        kind: &str,
    ) -> bool {
        for a in actions {
            let when = match a.criteria.is_empty() {
                true => String::new(),
                false => format!(" [{}]", criteria(&a.criteria, l, c.w)),
            };
            let name = format!("{kind} {}{when}", a.name);
            match &a.kind {
                ActionKind::End => self.edge(c.here, c.end, format!("{name}: end"), Style::Solid),
                ActionKind::Goto(t) => {
                    let to = (c.step_node)(t.0);
                    self.edge(c.here, &to, format!("{name}: goto"), Style::Solid);
                }
                ActionKind::GotoWorkflow(r) => {
                    let to = self.workflow_node(l, *r, drawn);
                    self.edge(c.here, &to, format!("{name}: goto workflow"), Style::Dashed);
                    self.edge(c.here, c.end, format!("{name}: then end"), Style::Solid);
                }
                ActionKind::Retry {
                    after,
                    limit,
                    target,
                    workflow,
                } => {
                    let wait = after.map_or(String::new(), |s| format!(", after {s} s"));
                    let label = format!("{name}: retry, at most {limit}{wait}");
                    if let Some(r) = workflow {
                        let to = self.workflow_node(l, *r, drawn);
                        self.edge(c.here, &to, format!("{name}: runs first"), Style::Dashed);
                    }
                    let to = match target {
                        Some(t) => (c.step_node)(t.0),
                        None => c.here.to_owned(),
                    };
                    self.edge(c.here, &to, label, Style::Solid);
                    // A retry without criteria still ends when its limit is reached.
                    continue;
                }
            }
            if a.criteria.is_empty() {
                return false;
            }
        }
        true
    }

    fn edge(&mut self, from: &str, to: &str, label: String, style: Style) {
        self.edges.push(Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            label,
            style,
        });
    }

    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart TD\n");
        let node = |out: &mut String, n: &Node, indent: &str| {
            let lines: Vec<String> = n.lines.iter().map(|l| mermaid_text(l)).collect();
            let text = lines.join("<br/>");
            let (open, close) = match n.shape {
                Shape::Start | Shape::End => ("([", "])"),
                Shape::Step => ("[", "]"),
                Shape::Fail => ("{{", "}}"),
                Shape::Workflow => ("[[", "]]"),
            };
            let _ = writeln!(out, "{indent}{}{open}\"{text}\"{close}", n.id);
        };
        for c in &self.clusters {
            let _ = writeln!(out, "  subgraph {}[\"{}\"]", c.id, mermaid_text(&c.title));
            for n in &c.nodes {
                node(&mut out, n, "    ");
            }
            out.push_str("  end\n");
        }
        for n in &self.others {
            node(&mut out, n, "  ");
        }
        for e in &self.edges {
            let arrow = match e.style {
                Style::Solid => "-->",
                Style::Dashed => "-.->",
            };
            match e.label.is_empty() {
                true => {
                    let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
                }
                false => {
                    let label = mermaid_text(&e.label);
                    let _ = writeln!(out, "  {} {arrow}|\"{label}\"| {}", e.from, e.to);
                }
            }
        }
        out
    }

    fn dot(&self) -> String {
        let mut out = String::from("digraph arazzo {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
        let node = |out: &mut String, n: &Node, indent: &str| {
            let shape = match n.shape {
                Shape::Start | Shape::End => "shape=oval",
                Shape::Step => "shape=box",
                Shape::Fail => "shape=octagon",
                Shape::Workflow => "shape=box, peripheries=2",
            };
            let label = n
                .lines
                .iter()
                .map(|l| dot_text(l))
                .collect::<Vec<_>>()
                .join("\\n");
            let _ = writeln!(out, "{indent}{} [{shape}, label=\"{label}\"];", n.id);
        };
        for c in &self.clusters {
            let _ = writeln!(out, "  subgraph cluster_{} {{", c.id);
            let _ = writeln!(out, "    label=\"{}\";", dot_text(&c.title));
            for n in &c.nodes {
                node(&mut out, n, "    ");
            }
            out.push_str("  }\n");
        }
        for n in &self.others {
            node(&mut out, n, "  ");
        }
        for e in &self.edges {
            let mut attrs = Vec::new();
            if !e.label.is_empty() {
                attrs.push(format!("label=\"{}\"", dot_text(&e.label)));
            }
            if e.style == Style::Dashed {
                attrs.push("style=dashed".to_owned());
            }
            let attrs = match attrs.is_empty() {
                true => String::new(),
                false => format!(" [{}]", attrs.join(", ")),
            };
            let _ = writeln!(out, "  {} -> {}{attrs};", e.from, e.to);
        }
        out.push_str("}\n");
        out
    }
}

/// Where a chain of actions starts and goes.
struct Chain<'a> {
    here: &'a str,
    end: &'a str,
    step_node: &'a dyn Fn(usize) -> String,
    w: &'a ir::Workflow,
}

/// `head`, then `what: a, b, c` when there is anything to list.
fn listing(head: &str, what: &str, items: &[String]) -> Vec<String> {
    let mut lines = vec![head.to_owned()];
    if !items.is_empty() {
        lines.push(format!("{what}: {}", items.join(", ")));
    }
    lines
}

/// What a step calls, in one line.
fn calls(s: &ir::Step, l: &Lowered) -> String {
    match &s.kind {
        StepKind::Operation {
            source,
            operation,
            method,
            path,
            ..
        } => format!("{method} {path} ({source}.{operation})"),
        StepKind::Message {
            source,
            operation,
            action,
            channel,
            ..
        } => format!("{} {channel} ({source}.{operation})", action.as_str()),
        StepKind::Workflow { workflow, .. } => match workflow {
            WorkflowRef::Local(k) => {
                format!(
                    "workflow {}",
                    l.workflows.get(*k).map_or("?", |w| w.id.as_str())
                )
            }
            WorkflowRef::External(k) => match l.externals.get(*k) {
                Some((src, id)) => format!("workflow {src}.{id}"),
                None => "workflow ?".into(),
            },
        },
        StepKind::Unresolved => "(unresolved)".into(),
    }
}

/// Criteria as Arazzo text, all of which must hold.
fn criteria(cs: &[Criterion], l: &Lowered, w: &ir::Workflow) -> String {
    let parts: Vec<String> = cs
        .iter()
        .map(|c| match c {
            Criterion::Simple(cond) => cond_text(cond, l, w, 0),
            Criterion::Regex {
                context, pattern, ..
            } => format!("{} matches /{pattern}/", expr_text(context, l, w)),
            Criterion::JsonPath { context, query, .. } => {
                format!("{} has {query}", expr_text(context, l, w))
            }
        })
        .collect();
    parts.join(" && ")
}

fn op_text(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
    }
}

/// How tightly an operator binds: `||` least, comparisons most.
fn prec(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        _ => 3,
    }
}

/// A lowered condition as Arazzo text; an operation binding less tightly than `outer`
/// is parenthesised (`outer` 0: nothing around it).
fn cond_text(c: &Cond, l: &Lowered, w: &ir::Workflow, outer: u8) -> String {
    match c {
        Cond::Lit(lit) => lit_text(lit),
        Cond::Expr(e) => expr_text(e, l, w),
        Cond::Not(x) => format!("!{}", cond_text(x, l, w, 4)),
        Cond::Bin(op, a, b) => {
            let p = prec(*op);
            // Comparisons do not chain: both sides of one are parenthesised when compound.
            let (left, right) = match p {
                3 => (4, 4),
                _ => (p, p + 1),
            };
            let text = format!(
                "{} {} {}",
                cond_text(a, l, w, left),
                op_text(*op),
                cond_text(b, l, w, right)
            );
            match p < outer {
                true => format!("({text})"),
                false => text,
            }
        }
        Cond::Index(a, i) => format!("{}[{}]", cond_text(a, l, w, 4), cond_text(i, l, w, 0)),
        Cond::Member(a, m) => format!("{}.{m}", cond_text(a, l, w, 4)),
    }
}

fn lit_text(l: &Lit) -> String {
    match l {
        Lit::Str(s) => format!("'{}'", s.replace('\'', "''")),
        other => other.to_json().to_string(),
    }
}

/// `#<pointer>` after an expression, when there is a pointer.
fn pointer(p: &str) -> String {
    match p.is_empty() {
        true => String::new(),
        false => format!("#{p}"),
    }
}

/// A resolved runtime expression written back as Arazzo text.
fn expr_text(e: &RtExpr, l: &Lowered, w: &ir::Workflow) -> String {
    match e {
        RtExpr::StatusCode => "$statusCode".into(),
        RtExpr::Method => "$method".into(),
        RtExpr::Url => "$url".into(),
        RtExpr::ResponseHeader(h) => format!("$response.header.{h}"),
        RtExpr::ResponseBody(p) => format!("$response.body{}", pointer(p)),
        RtExpr::MessageHeader(h) => format!("$message.header.{h}"),
        RtExpr::MessagePayload(p) => format!("$message.payload{}", pointer(p)),
        RtExpr::Input(p) => {
            // `/name/rest...`: the first segment is the input's name.
            let rest = p.strip_prefix('/').unwrap_or(p);
            let (name, tail) = rest.split_once('/').map_or((rest, ""), |(n, t)| (n, t));
            let tail = match tail.is_empty() {
                true => String::new(),
                false => format!("#/{tail}"),
            };
            format!("$inputs.{name}{tail}")
        }
        RtExpr::StepOutput {
            step,
            field,
            pointer: p,
        } => {
            let s = w.steps.get(step.0);
            let id = s.map_or("?", |s| s.id.as_str());
            let name = s
                .and_then(|s| s.outputs.iter().find(|o| &o.field == field))
                .map_or(field.as_str(), |o| o.name.as_str());
            format!("$steps.{id}.outputs.{name}{}", pointer(p))
        }
        RtExpr::WorkflowOutput {
            workflow,
            field,
            pointer: p,
        } => {
            let id = match workflow {
                WorkflowRef::Local(k) => l.workflows.get(*k).map(|w| w.id.clone()),
                WorkflowRef::External(k) => l.externals.get(*k).map(|(s, id)| format!("{s}.{id}")),
            };
            let id = id.unwrap_or_else(|| "?".into());
            format!("$workflows.{id}.outputs.{field}{}", pointer(p))
        }
        RtExpr::SubOutput { field, pointer: p } => format!("$outputs.{field}{}", pointer(p)),
        RtExpr::Const(lit) => lit_text(lit),
        RtExpr::Select { context, query, .. } => format!("{} {query}", expr_text(context, l, w)),
        RtExpr::Request { pointer: p, .. } => format!("$request{}", pointer(p)),
    }
}

/// Text inside a quoted Mermaid label: quotes, angle brackets and what Mermaid would read
/// as an entity code are written as entity codes.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => out.push_str("#quot;"),
            // `#name;` is an entity code: a `#` before a letter or digit is written as one.
            '#' if chars.peek().is_some_and(|c| c.is_alphanumeric()) => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text inside a quoted DOT string: backslashes and quotes escaped, line breaks as `\n`.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_hold_quotes_and_markup_as_entities() {
        assert_eq!(
            mermaid_text("a \"b\" #c <d> #/x"),
            "a #quot;b#quot; #35;c #lt;d#gt; #/x"
        );
    }

    #[test]
    fn dot_labels_escape_quotes_and_backslashes() {
        assert_eq!(dot_text("a \"b\" \\d\nx"), "a \\\"b\\\" \\\\d\\nx");
    }

    #[test]
    fn conditions_are_parenthesised_by_precedence() {
        use crate::ir::{Cond, Lit};
        let lit = |n| Box::new(Cond::Lit(Lit::Int(n)));
        let eq = |a, b| Box::new(Cond::Bin(BinaryOp::Eq, lit(a), lit(b)));
        let or = Cond::Bin(BinaryOp::Or, eq(1, 2), eq(3, 4));
        let and = Cond::Bin(BinaryOp::And, Box::new(or.clone()), eq(5, 6));
        let l = Lowered {
            workflows: Vec::new(),
            types: Default::default(),
            externals: Vec::new(),
            diagnostics: Vec::new(),
        };
        let w = crate::ir::Workflow {
            id: "w".into(),
            module: "w".into(),
            doc: String::new(),
            summary: None,
            description: None,
            inputs: crate::types::TypeId(0),
            steps: Vec::new(),
            outputs: Vec::new(),
            depends_on: Vec::new(),
            origin: None,
        };
        assert_eq!(cond_text(&or, &l, &w, 0), "1 == 2 || 3 == 4");
        assert_eq!(cond_text(&and, &l, &w, 0), "(1 == 2 || 3 == 4) && 5 == 6");
        let not = Cond::Not(eq(1, 2));
        assert_eq!(cond_text(&not, &l, &w, 0), "!(1 == 2)");
    }
}

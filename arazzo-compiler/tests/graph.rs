//! `arazzo graph`'s text: snapshots of the seed, a branching workflow (goto, retry, end)
//! and workflows calling others, in Mermaid and DOT, and a structural check of the
//! Mermaid text (Mermaid's own parser needs a browser; Graphviz's `dot` reads the DOT text
//! in `arazzo-cli/tests/graph.rs`).

mod common;

use arazzo_compiler::graph::{render, Format};
use arazzo_compiler::{lower, Lowered, Options};
use std::collections::HashSet;

fn lowered(relative: &str) -> Lowered {
    let root = common::repo();
    let options = Options {
        display_root: root.clone(),
        ..Default::default()
    };
    let l = lower(&root.join(relative), &options);
    let errors: Vec<String> = l
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    l
}

const SEED: &str = "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml";
const STEPS: &str = "tests/specs/arazzo/workflow-steps.arazzo.yaml";
const BRANCHING: &str = "tests/specs/arazzo/branching.arazzo.yaml";

/// Checks the Mermaid flowchart subset that the renderer writes: one header, balanced
/// `subgraph`/`end`, every node declared once with a quoted label free of raw quotes,
/// and every edge between declared nodes with a quoted label.
fn check_mermaid(text: &str) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart TD"));
    let mut depth = 0usize;
    let mut nodes = HashSet::new();
    let mut edges = Vec::new();
    for line in lines {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("subgraph ") {
            depth += 1;
            let (id, label) = rest.split_once('[').expect("subgraph id[label]");
            assert!(label.starts_with('"') && label.ends_with("\"]"), "{t}");
            assert!(nodes.insert(id.to_owned()), "duplicate id {id}");
        } else if t == "end" {
            depth = depth.checked_sub(1).expect("`end` without `subgraph`");
        } else if let Some((from, rest)) = t.split_once(" -->").or_else(|| t.split_once(" -.->")) {
            let to = match rest.strip_prefix("|\"") {
                Some(labelled) => {
                    let (label, to) = labelled.split_once("\"| ").expect("closed edge label");
                    assert!(!label.contains('"'), "raw quote in {t}");
                    to
                }
                None => rest.strip_prefix(' ').expect("a space after the arrow"),
            };
            edges.push((from.to_owned(), to.to_owned()));
        } else {
            let open = t.find(['[', '(', '{']).expect("a node");
            let (id, shape) = t.split_at(open);
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "node id {id}"
            );
            let (o, c) = [
                ("([\"", "\"])"),
                ("[[\"", "\"]]"),
                ("{{\"", "\"}}"),
                ("[\"", "\"]"),
            ]
            .into_iter()
            .find(|(o, c)| shape.starts_with(o) && shape.ends_with(c))
            .unwrap_or_else(|| panic!("unknown shape in {t}"));
            let label = &shape[o.len()..shape.len() - c.len()];
            assert!(!label.contains('"'), "raw quote in {t}");
            assert!(nodes.insert(id.to_owned()), "duplicate node {id}");
        }
    }
    assert_eq!(depth, 0, "unbalanced subgraphs");
    for (from, to) in edges {
        assert!(nodes.contains(&from), "edge from undeclared {from}");
        assert!(nodes.contains(&to), "edge to undeclared {to}");
    }
}

fn snapshot(name: &str, relative: &str, workflow: Option<&str>, format: Format) -> String {
    let text = render(&lowered(relative), workflow, format).expect("graph");
    if format == Format::Mermaid {
        check_mermaid(&text);
    }
    insta::assert_snapshot!(name, text);
    text
}

#[test]
fn seed_graph() {
    let m = snapshot("graph-seed-mermaid", SEED, None, Format::Mermaid);
    // Two steps in sequence, each failing the workflow when its criteria do not hold.
    assert!(m.contains("w0_s0 -->|\"success\"| w0_s1"));
    assert!(m.contains("w0_s1 -->|\"success\"| w0_end"));
    snapshot("graph-seed-dot", SEED, None, Format::Dot);
}

#[test]
fn branching_workflow_graph() {
    let m = snapshot(
        "graph-run-job-mermaid",
        STEPS,
        Some("run-job"),
        Format::Mermaid,
    );
    // goto with its criterion, retry with its limit, end on failure, the call of poll-job.
    assert!(m.contains("onSuccess toReport [$inputs.jobId != 'urgent']: goto\"| w1_s2"));
    assert!(m.contains("retry, at most 3\"| w1_s0"));
    assert!(m.contains("onFailure giveUp [$outputs.state == 'failed']: end\"| w1_end"));
    assert!(m.contains("w1_s0 -.->|\"runs\"| w0_ref"));
    snapshot(
        "graph-upsert-customer-dot",
        BRANCHING,
        Some("upsert-customer"),
        Format::Dot,
    );
}

#[test]
fn workflows_calling_others_graph() {
    let m = snapshot("graph-workflow-steps-mermaid", STEPS, None, Format::Mermaid);
    // A local call points at the callee's cluster; another document's workflows are nodes.
    assert!(m.contains("w1_s0 -.->|\"runs\"| w0_start"));
    assert!(m.contains("x1[[\"workflow jobDocs.check-job\"]]"));
    assert!(m.contains("x0 -.->|\"dependsOn\"| w2_start"));
    snapshot("graph-workflow-steps-dot", STEPS, None, Format::Dot);
}

#[test]
fn an_unknown_workflow_lists_the_others() {
    let err = render(&lowered(SEED), Some("nope"), Format::Mermaid).expect_err("no such workflow");
    assert_eq!(
        err,
        "the document has no workflow `nope`; its workflows: create-meter-and-ingest-event"
    );
}

#[test]
fn labels_cannot_break_out_of_their_quotes() {
    // Every workflow of the repository's documents renders to well-formed Mermaid, whatever
    // quotes, brackets and `#` its criteria hold.
    let root = common::repo();
    let mut seen = 0;
    for dir in ["specs/arazzo", "tests/specs/arazzo"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("specs") {
            let path = entry.expect("entry").path();
            let l = lower(&path, &Options::default());
            if l.diagnostics.iter().any(|d| d.is_error()) {
                continue;
            }
            check_mermaid(&render(&l, None, Format::Mermaid).expect("graph"));
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} documents rendered");
}

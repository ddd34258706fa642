//! Lowering gives typed literals: each literal of the IR carries its Rust type.

use super::*;
use crate::diag::{Diagnostics, SourceFile};
use crate::ir::{Cond, Criterion, Lit, StepKind};
use crate::resolve;
use std::path::Path;

/// Checks `text` as if it were a document of `tests/specs/arazzo` (its sources are
/// found relative to it): the lowered workflows, and the diagnostics as text.
fn lower(text: &str) -> (Checked, Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/specs/arazzo/lit.arazzo.yaml");
    let file = Arc::new(SourceFile {
        display: "lit.arazzo.yaml".into(),
        text: text.into(),
    });
    let diags = Diagnostics::default();
    let root = crate::yaml::parse(text, crate::yaml::Limits::default()).expect("valid YAML");
    let doc = model::Reader::new(file.clone(), &diags).document(&root);
    let display = |p: &Path| p.display().to_string();
    let map = resolve::SourceMap::default();
    let mut sources = resolve::load_sources(&doc, &path, &file, &map, &display, &diags);
    resolve::load_used(&doc, &mut sources, &file, &display, &diags);
    let checked = Checker::new(file, &diags, &doc, &root, &sources).run();
    let messages = diags.into_vec().iter().map(ToString::to_string).collect();
    (checked, messages)
}

/// A document over the billing description, with these workflows.
fn billing_doc(workflows: &str) -> String {
    format!(
        "arazzo: 1.0.1\ninfo:\n  title: Lowering\n  version: 1.0.0\nsourceDescriptions:\n- name: billing\n  url: ../openapi/billing.openapi.yaml\n  type: openapi\nworkflows:\n{workflows}"
    )
}

const DOC: &str = r#"
- workflowId: draft
  steps:
  - stepId: createInvoice
    operationId: createInvoice
    requestBody:
      contentType: application/json
      payload:
        customerId: c-1
        lines:
        - description: widget
          amount: 42
    successCriteria:
    - condition: $statusCode == 201
- workflowId: child
  inputs:
    type: object
    properties:
      ratio:
        type: number
      paid:
        type: boolean
      note: {}
  steps:
  - stepId: draftIt
    workflowId: draft
- workflowId: parent
  steps:
  - stepId: runChild
    workflowId: child
    parameters:
    - name: ratio
      value: 1.5
    - name: paid
      value: true
    - name: note
      value: null
"#;

#[test]
fn body_literals_are_typed() {
    let (checked, diags) = lower(&billing_doc(DOC));
    assert!(diags.is_empty(), "{}", diags.join("\n"));
    let step = &checked.workflows[0].steps[0];
    let StepKind::Operation {
        body: Some(body), ..
    } = &step.kind
    else {
        panic!("an operation step with a body: {:?}", step.kind);
    };
    let Val::Object(members) = &body.value else {
        panic!("an object payload: {:?}", body.value);
    };
    assert_eq!(
        members[0],
        ("customerId".into(), Val::Lit(Lit::Str("c-1".into())))
    );
    let Val::Array(lines) = &members[1].1 else {
        panic!("an array: {:?}", members[1]);
    };
    let Val::Object(line) = &lines[0] else {
        panic!("an object: {:?}", lines[0]);
    };
    assert_eq!(line[1], ("amount".into(), Val::Lit(Lit::Int(42))));
    let (Val::Lit(s), Val::Lit(i)) = (&members[0].1, &line[1].1) else {
        unreachable!()
    };
    assert_eq!((s.ty(), i.ty()), (Ty::String, Ty::Integer));
}

#[test]
fn workflow_step_literals_are_typed() {
    let (checked, diags) = lower(&billing_doc(DOC));
    assert!(diags.is_empty(), "{}", diags.join("\n"));
    let StepKind::Workflow { inputs, .. } = &checked.workflows[2].steps[0].kind else {
        panic!("a workflow step");
    };
    let lits: Vec<(&str, &Val)> = inputs.iter().map(|(n, v)| (n.as_str(), v)).collect();
    assert_eq!(
        lits,
        [
            ("ratio", &Val::Lit(Lit::Float(1.5))),
            ("paid", &Val::Lit(Lit::Bool(true))),
            ("note", &Val::Lit(Lit::Null)),
        ]
    );
    let tys: Vec<Ty> = inputs
        .iter()
        .map(|(_, v)| match v {
            Val::Lit(l) => l.ty(),
            other => panic!("a literal: {other:?}"),
        })
        .collect();
    assert_eq!(tys, [Ty::Number, Ty::Boolean, Ty::Json]);
}

#[test]
fn condition_literals_are_typed() {
    let (checked, diags) = lower(&billing_doc(DOC));
    assert!(diags.is_empty(), "{}", diags.join("\n"));
    let success = &checked.workflows[0].steps[0].success;
    let expected = Criterion::Simple(Cond::Bin(
        condition::BinaryOp::Eq,
        Box::new(Cond::Expr(RtExpr::StatusCode)),
        Box::new(Cond::Lit(Lit::Int(201))),
    ));
    assert_eq!(success.as_slice(), [expected]);
}

#[test]
fn literal_types_and_json() {
    let cases = [
        (Lit::Null, Ty::Json, serde_json::json!(null)),
        (Lit::Bool(false), Ty::Boolean, serde_json::json!(false)),
        (Lit::Int(-7), Ty::Integer, serde_json::json!(-7)),
        (Lit::Float(0.25), Ty::Number, serde_json::json!(0.25)),
        (Lit::Str("a".into()), Ty::String, serde_json::json!("a")),
        (
            Lit::Json(serde_json::json!(u64::MAX)),
            Ty::Json,
            serde_json::json!(u64::MAX),
        ),
    ];
    for (lit, ty, json) in cases {
        assert_eq!(lit.ty(), ty, "{lit:?}");
        assert_eq!(lit.to_json(), json, "{lit:?}");
    }
    assert_eq!(
        Lit::Json(serde_json::json!(u64::MAX)).json_kind(),
        "integer"
    );
    assert_eq!(Lit::Float(1.0).json_kind(), "number");
}

/// Step ids that read the same in Rust get distinct function and variant names,
/// judged against the names given so far (not against the other ids recomputed),
/// numbered alike (the second `a_b` is `a_b_2` and `AB2`).
#[test]
fn step_ids_that_read_the_same_in_rust_get_distinct_names() {
    let doc = r#"
- workflowId: names
  steps:
  - stepId: a-b
    operationId: listInvoices
  - stepId: a_b
    operationId: listInvoices
  - stepId: A_B
    operationId: listInvoices
"#;
    let (checked, diags) = lower(&billing_doc(doc));
    assert!(diags.is_empty(), "{}", diags.join("\n"));
    let steps = &checked.workflows[0].steps;
    let fns: Vec<&str> = steps.iter().map(|s| s.fn_name.as_str()).collect();
    let variants: Vec<&str> = steps.iter().map(|s| s.variant.as_str()).collect();
    assert_eq!(fns, ["a_b", "a_b_2", "a_b_3"]);
    assert_eq!(variants, ["AB", "AB2", "AB3"]);
}

//! Each resolver on a small hand-built context: a short document, one OpenAPI
//! description held in memory, and a workflow scope (`Wf`, `Ectx`) written out field by
//! field, so that a test says exactly what is in scope.

use super::super::{Ectx, OutInfo, Target, Wf};
use super::{resolve, Env, Typed, Unresolved};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::expr::parse_expression;
use crate::ir::{self, Lit, RtExpr, StepIdx, TPart, Val, WorkflowRef};
use crate::model::ParamIn;
use crate::types::{Resolver, Schema, Ty};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The OpenAPI description the document's `meters` source names (held in memory).
const OPENAPI: &str = r#"openapi: 3.1.0
info: {title: Meters, version: "1"}
paths:
  /meters:
    post:
      operationId: createMeter
      responses:
        "200":
          description: created
          headers:
            X-Request-Id: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                required: [meterApiName]
                properties:
                  meterApiName: {type: string}
                  meta:
                    type: object
                    properties:
                      region: {type: string}
"#;

/// The document; `{version}` and `{expr}` are filled in. Lines matter: `apiKey` is
/// declared on line 12, `create` on line 21, the expression is on line 28.
const DOC: &str = r#"arazzo: {version}
info: {title: Resolvers, version: 1.0.0}
sourceDescriptions:
- name: meters
  url: ./meters.openapi.yaml
  type: openapi
workflows:
- workflowId: w
  inputs:
    type: object
    properties:
      apiKey:
        type: string
      meter:
        type: object
        properties:
          name: {type: string}
  dependsOn: [other]
  steps:
  - stepId: create
    operationId: createMeter
  - stepId: read
    operationId: createMeter
- workflowId: other
  steps:
  - stepId: only
    operationId: createMeter
x-expr: '{expr}'
"#;

/// Where the expression is read, and what the hand-built workflow holds.
struct Case {
    version: &'static str,
    /// The step it is written in (`None`: the workflow's outputs).
    step: Option<usize>,
    /// A response exists (criteria, outputs) rather than a request being built.
    response: bool,
    /// A step output (typed from the success response).
    success: bool,
    /// Steps that may / must have run before.
    may: Vec<bool>,
    must: Vec<bool>,
    /// What each step of `w` runs.
    targets: Vec<TargetKind>,
    /// The inputs schema did not resolve.
    inputs_broken: bool,
    /// `w` depends on `other`.
    depends: bool,
    /// The outputs of `other`, once lowered.
    other_outputs: Option<Vec<(String, String, Ty)>>,
    /// The request the step sent.
    request: Option<(Vec<ir::Param>, Option<ir::Body>)>,
}

#[derive(Clone, Copy)]
enum TargetKind {
    Op,
    Workflow,
    Message,
}

impl Default for Case {
    /// In the request of step `read`, after `create` surely ran.
    fn default() -> Self {
        Case {
            version: "1.0.1",
            step: Some(1),
            response: false,
            success: false,
            may: vec![true, false],
            must: vec![true, false],
            targets: vec![TargetKind::Op, TargetKind::Op],
            inputs_broken: false,
            depends: true,
            other_outputs: Some(vec![("total".into(), "total".into(), Ty::Integer)]),
            request: None,
        }
    }
}

impl Case {
    /// In the success criteria of step `read`.
    fn criterion() -> Self {
        Case {
            response: true,
            ..Case::default()
        }
    }

    /// In the outputs of step `read`.
    fn output() -> Self {
        Case {
            response: true,
            success: true,
            ..Case::default()
        }
    }
}

/// What a resolution gave, owned.
#[derive(Debug)]
enum Outcome {
    Resolved {
        expr: RtExpr,
        /// `Ty(..)` or `Schema(hint, optional)`.
        ty: String,
        schema: bool,
        /// (file, line) of the declaration.
        declared: Option<(String, u32)>,
    },
    Problem(Box<Diagnostic>),
    Reported,
}

impl Outcome {
    fn problem(self) -> Diagnostic {
        match self {
            Outcome::Problem(d) => *d,
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    fn resolved(self) -> (RtExpr, String, bool, Option<(String, u32)>) {
        match self {
            Outcome::Resolved {
                expr,
                ty,
                schema,
                declared,
            } => (expr, ty, schema, declared),
            other => panic!("expected a resolution, got {other:?}"),
        }
    }
}

/// Resolves `expr` in `case`.
fn run(expr: &str, case: Case) -> Outcome {
    let text = DOC
        .replace("{version}", case.version)
        .replace("{expr}", expr);
    let dir = PathBuf::from("/arazzo-resolver-tests");
    let file = Arc::new(SourceFile {
        display: "t.arazzo.yaml".into(),
        text: text.as_str().into(),
    });
    let root = crate::yaml::parse(&text, crate::yaml::Limits::default()).expect("valid YAML");
    let diags = Diagnostics::default();
    let doc = crate::model::Reader::new(file.clone(), &diags).document(&root);
    let mut map = crate::resolve::SourceMap::default();
    map.overlays
        .insert(dir.join("meters.openapi.yaml"), Arc::from(OPENAPI));
    let display = |p: &Path| p.display().to_string();
    let doc_path = dir.join("t.arazzo.yaml");
    let sources = crate::resolve::load_sources(&doc, &doc_path, &file, &map, &display, &diags);
    assert!(diags.is_empty(), "{:?}", diags.into_vec());
    let op = sources.apis[0].1.as_ref().expect("loaded").operations[0].clone();
    let op = &op;
    let resolver = Resolver {
        store: &sources.store,
        doc: &root,
    };
    let wf_outputs = vec![None, case.other_outputs.clone()];
    let env = Env {
        file: &file,
        doc: &doc,
        sources: &sources,
        resolver: &resolver,
        wf_inputs: &[],
        wf_outputs: &wf_outputs,
    };
    let inputs = doc.workflows[0].inputs.map(Schema::Doc);
    let created = root.get("workflows").map(|w| &w.items()[0]).map(|w| {
        let step = &w.get("steps").expect("steps").items()[0];
        crate::model::location(&file, step.get("stepId").expect("stepId"))
    });
    let st = Wf {
        index: 0,
        id: "w".into(),
        inputs_schema: if case.inputs_broken { None } else { inputs },
        input_names: if case.inputs_broken {
            Vec::new()
        } else {
            vec![
                ("apiKey".into(), "api_key".into(), Ty::String),
                ("meter".into(), "meter".into(), Ty::Json),
            ]
        },
        step_ids: vec!["create".into(), "read".into()],
        targets: case
            .targets
            .iter()
            .map(|t| match t {
                TargetKind::Op => Target::Op { api: 0, op },
                TargetKind::Workflow => Target::Workflow(WorkflowRef::Local(1)),
                TargetKind::Message => Target::Msg {
                    api: 0,
                    op: None,
                    channel: 0,
                    reply: false,
                },
            })
            .collect(),
        outputs: vec![
            vec![OutInfo {
                name: "meterApiName".into(),
                field: "meter_api_name".into(),
                ty: Ty::String,
                schema: None,
                declared: created.flatten(),
            }],
            Vec::new(),
        ],
        depends_on: if case.depends {
            vec![WorkflowRef::Local(1)]
        } else {
            Vec::new()
        },
        inputs_broken: case.inputs_broken,
        request: case.request.clone(),
    };
    let ec = Ectx {
        step: case.step,
        response: case.response,
        success: case.success,
        may: &case.may,
        must: &case.must,
        place: "step `read`".into(),
        unreachable: false,
    };
    let node = root.get("x-expr").expect("x-expr");
    let e = parse_expression(expr).expect("a valid expression");
    match resolve(&env, &st, &ec, node, &e) {
        Ok(r) => Outcome::Resolved {
            expr: r.expr,
            ty: match r.ty {
                Typed::Ty(t) => format!("Ty({t:?})"),
                Typed::Schema { hint, optional, .. } => format!("Schema({hint}, {optional})"),
            },
            schema: r.schema.is_some(),
            declared: r.declared_at.map(|l| (l.file.display.clone(), l.pos.line)),
        },
        Err(Unresolved::Problem(d)) => Outcome::Problem(d),
        Err(Unresolved::Reported) => Outcome::Reported,
    }
}

/// The help lines and secondary labels of a diagnostic, as text.
fn helps(d: &Diagnostic) -> String {
    let labels = d.labels.iter().map(|l| {
        format!(
            "label {}:{} {}",
            l.location.file.display, l.location.pos.line, l.message
        )
    });
    d.help
        .iter()
        .cloned()
        .chain(labels)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn inputs_resolve_to_their_type_and_declaration() {
    let (expr, ty, _, declared) = run("$inputs.apiKey", Case::default()).resolved();
    assert_eq!(expr, RtExpr::Input("/apiKey".into()));
    assert_eq!(ty, "Ty(String)");
    assert_eq!(declared, Some(("t.arazzo.yaml".into(), 12)));
    // A member, through the inputs schema: typed by the checker, optional.
    let (expr, ty, _, _) = run("$inputs.meter#/name", Case::default()).resolved();
    assert_eq!(expr, RtExpr::Input("/meter/name".into()));
    assert_eq!(ty, "Schema(InputValue, true)");
}

#[test]
fn an_unknown_input_names_the_closest_and_where_it_is_declared() {
    let d = run("$inputs.apikey", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownInput);
    // At the name itself: after `x-expr: '$inputs.`.
    assert_eq!(
        d.location.as_ref().map(|l| (l.pos.line, l.pos.col)),
        Some((28, 18))
    );
    let h = helps(&d);
    assert!(
        h.contains("the workflow declares: apiKey, meter\ndid you mean `apiKey`?"),
        "{h}"
    );
    assert!(
        h.contains("label t.arazzo.yaml:12 `apiKey` is declared here"),
        "{h}"
    );
    let d = run("$inputs.meter#/nme", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownProperty);
    assert!(helps(&d).contains("its schema has: name"), "{}", helps(&d));
    // Dotted: the pointer form is offered.
    let d = run("$inputs.meter.name", Case::default()).problem();
    assert!(helps(&d).contains("`$inputs.meter#/name`"), "{}", helps(&d));
}

#[test]
fn inputs_whose_schema_did_not_resolve_are_not_judged_again() {
    let case = Case {
        inputs_broken: true,
        ..Case::default()
    };
    assert!(matches!(run("$inputs.apiKey", case), Outcome::Reported));
}

#[test]
fn step_outputs_are_optional_unless_the_step_surely_ran() {
    let (expr, ty, _, declared) =
        run("$steps.create.outputs.meterApiName", Case::default()).resolved();
    assert_eq!(
        expr,
        RtExpr::StepOutput {
            step: StepIdx(0),
            field: "meter_api_name".into(),
            pointer: String::new(),
        }
    );
    assert_eq!(ty, "Ty(String)");
    assert_eq!(declared, Some(("t.arazzo.yaml".into(), 20)));
    let maybe = Case {
        must: vec![false, false],
        ..Case::default()
    };
    let (_, ty, _, _) = run("$steps.create.outputs.meterApiName", maybe).resolved();
    assert_eq!(ty, "Ty(Option(String))");
}

#[test]
fn steps_that_cannot_have_run_are_problems() {
    let d = run("$steps.read.outputs.x", Case::default()).problem();
    assert_eq!(d.code, Code::StepNotRun);
    assert!(d.message.contains("before it has run"), "{}", d.message);
    let first = Case {
        step: Some(0),
        may: vec![false, false],
        must: vec![false, false],
        ..Case::default()
    };
    let d = run("$steps.read.outputs.x", first).problem();
    assert_eq!(d.code, Code::StepNotRun);
    assert!(
        helps(&d).contains("`read` comes after `create`"),
        "{}",
        helps(&d)
    );
    let d = run("$steps.craete.outputs.x", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownStep);
    assert!(
        helps(&d).contains("label t.arazzo.yaml:20 `create` is declared here"),
        "{}",
        helps(&d)
    );
    let d = run("$steps.create.outputs.meterApiname", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownOutput);
    assert!(
        helps(&d).contains("`meterApiName` is declared here"),
        "{}",
        helps(&d)
    );
}

#[test]
fn workflows_are_read_only_when_depended_on_and_lowered() {
    let (expr, ty, _, declared) = run("$workflows.other.outputs.total", Case::default()).resolved();
    assert_eq!(
        expr,
        RtExpr::WorkflowOutput {
            workflow: WorkflowRef::Local(1),
            field: "total".into(),
            pointer: String::new(),
        }
    );
    assert_eq!(ty, "Ty(Integer)");
    assert_eq!(declared, Some(("t.arazzo.yaml".into(), 24)));
    let alone = Case {
        depends: false,
        ..Case::default()
    };
    let d = run("$workflows.other.outputs.total", alone).problem();
    assert_eq!(d.code, Code::StepNotRun);
    assert!(
        helps(&d).contains("add `dependsOn: [other]`"),
        "{}",
        helps(&d)
    );
    let d = run("$workflows.othre.outputs.total", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownWorkflow);
    let d = run("$workflows.other.outputs.totl", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownOutput);
    // Inside a dependency cycle (reported there), `other` is not lowered yet.
    let cycle = Case {
        other_outputs: None,
        ..Case::default()
    };
    assert!(matches!(
        run("$workflows.other.outputs.total", cycle),
        Outcome::Reported
    ));
}

#[test]
fn outputs_are_those_of_the_workflow_the_step_ran() {
    let runs = || Case {
        targets: vec![TargetKind::Op, TargetKind::Workflow],
        ..Case::output()
    };
    let (expr, ty, _, _) = run("$outputs.total", runs()).resolved();
    assert_eq!(
        expr,
        RtExpr::SubOutput {
            field: "total".into(),
            pointer: String::new(),
        }
    );
    assert_eq!(ty, "Ty(Integer)");
    assert_eq!(
        run("$outputs.totl", runs()).problem().code,
        Code::UnknownOutput
    );
    let d = run("$outputs.total", Case::output()).problem();
    assert_eq!(d.code, Code::NoValue);
}

#[test]
fn request_expressions_read_what_the_step_sent() {
    let sent = || Case {
        request: Some((
            vec![ir::Param {
                name: "X-Api-Key".into(),
                location: ParamIn::Header,
                value: Val::Template(vec![TPart::Lit("k".into())]),
                secret: true,
            }],
            None,
        )),
        ..Case::criterion()
    };
    let (expr, ty, _, _) = run("$request.header.x-api-key", sent()).resolved();
    assert!(matches!(expr, RtExpr::Request { .. }), "{expr:?}");
    assert_eq!(ty, "Ty(String)");
    let d = run("$request.query.limit", sent()).problem();
    assert_eq!(d.code, Code::UnknownParameter);
    assert_eq!(run("$request.body", sent()).problem().code, Code::NoValue);
    let building = Case {
        request: sent().request,
        ..Case::default()
    };
    let d = run("$request.header.x-api-key", building).problem();
    assert!(
        d.message.contains("the request is being built"),
        "{}",
        d.message
    );
}

#[test]
fn response_bodies_are_typed_from_the_success_response() {
    let (expr, ty, schema, declared) =
        run("$response.body#/meterApiName", Case::output()).resolved();
    assert_eq!(expr, RtExpr::ResponseBody("/meterApiName".into()));
    assert_eq!(ty, "Schema(Body, false)");
    assert!(schema);
    assert!(
        declared.is_some_and(|(f, _)| f.ends_with("meters.openapi.yaml")),
        "declared in the OpenAPI file"
    );
    // In a criterion, every documented response is admitted and the value is JSON.
    let (_, ty, _, _) = run("$response.body#/meterApiName", Case::criterion()).resolved();
    assert_eq!(ty, "Ty(Json)");
    let (_, ty, _, _) = run("$response.header.X-Request-Id", Case::output()).resolved();
    assert_eq!(ty, "Ty(String)");
}

#[test]
fn a_missing_response_property_names_the_response_and_a_nearby_pointer() {
    let d = run("$response.body#/region", Case::output()).problem();
    assert_eq!(d.code, Code::UnknownProperty);
    assert!(
        d.message
            .contains("the 200 response of `createMeter` has no property `region`"),
        "{}",
        d.message
    );
    let h = helps(&d);
    assert!(h.contains("`#/meta/region` is one level away"), "{h}");
    assert!(
        h.contains("meters.openapi.yaml:8 the 200 response is declared here"),
        "{h}"
    );
    let d = run("$response.header.X-Nope", Case::output()).problem();
    assert_eq!(d.code, Code::UnknownParameter);
    let d = run("$statusCode", Case::default()).problem();
    assert_eq!(d.code, Code::NoValue);
    assert!(
        d.message.contains("there is no response yet"),
        "{}",
        d.message
    );
    let d = run("$response.query.x", Case::criterion()).problem();
    assert_eq!(d.code, Code::NoValue);
}

#[test]
fn source_descriptions_give_their_url_and_nothing_else_in_1_0() {
    let (expr, ty, _, declared) = run("$sourceDescriptions.meters.url", Case::default()).resolved();
    assert_eq!(
        expr,
        RtExpr::Const(Lit::Str("./meters.openapi.yaml".into()))
    );
    assert_eq!(ty, "Ty(String)");
    assert_eq!(declared, Some(("t.arazzo.yaml".into(), 4)));
    let d = run("$sourceDescriptions.meters.type", Case::default()).problem();
    assert_eq!(d.code, Code::Arazzo11Only);
    let v11 = Case {
        version: "1.1.0",
        ..Case::default()
    };
    let (expr, _, _, _) = run("$sourceDescriptions.meters.type", v11).resolved();
    assert_eq!(expr, RtExpr::Const(Lit::Str("openapi".into())));
    let d = run("$sourceDescriptions.meters.createMeter", Case::default()).problem();
    assert!(d.message.contains("names an operation"), "{}", d.message);
    let d = run("$sourceDescriptions.meter.url", Case::default()).problem();
    assert_eq!(d.code, Code::UnknownSource);
}

#[test]
fn components_and_self_are_not_values_here() {
    let d = run("$components.parameters.page", Case::default()).problem();
    assert_eq!(d.code, Code::NoValue);
    let d = run("$self", Case::default()).problem();
    assert_eq!(d.code, Code::Arazzo11Only);
    let v11 = Case {
        version: "1.1.0",
        ..Case::default()
    };
    let d = run("$self", v11).problem();
    assert!(
        d.message.contains("the document has no `$self` field"),
        "{}",
        d.message
    );
}

#[test]
fn messages_are_read_only_in_event_driven_steps_of_1_1() {
    let d = run("$message.payload", Case::criterion()).problem();
    assert_eq!(d.code, Code::Arazzo11Only);
    let http = Case {
        version: "1.1.0",
        ..Case::criterion()
    };
    let d = run("$message.payload", http).problem();
    assert!(
        d.message.contains("calls an HTTP operation"),
        "{}",
        d.message
    );
    let messaging = || Case {
        version: "1.1.0",
        targets: vec![TargetKind::Op, TargetKind::Message],
        ..Case::criterion()
    };
    // No message schema to type it from: JSON.
    let (expr, ty, _, _) = run("$message.payload#/id", messaging()).resolved();
    assert_eq!(expr, RtExpr::MessagePayload("/id".into()));
    assert_eq!(ty, "Ty(Json)");
    // An HTTP expression in an event-driven step.
    let d = run("$statusCode", messaging()).problem();
    assert!(
        d.message.contains("sends or receives a message"),
        "{}",
        d.message
    );
}

#[test]
fn resolution_is_a_function_of_its_context() {
    // The same expression in the same context gives the same answer, every time: nothing
    // is recorded or named on the way.
    let a = format!("{:?}", run("$response.body#/meta", Case::output()));
    let b = format!("{:?}", run("$response.body#/meta", Case::output()));
    assert_eq!(a, b);
}

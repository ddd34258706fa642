//! Queries over a checked document, for editors (`arazzo lsp`).
//!
//! An [`Analyzer`] checks a document as [`crate::compile`] does (same diagnostics) and
//! returns an [`Analysis`]: the diagnostics and, recorded by the checker while it
//! resolves (not re-computed here), what every runtime expression and reference of
//! the document is ([`Fact`]: its byte range, kind, Rust type, schema, description and
//! where it is declared), and what is in scope in each step ([`Scope`]: inputs, earlier
//! steps and their outputs, the responses its criteria admit, its request body and
//! message payload, the operation it calls), plus what the whole document offers
//! ([`DocumentInfo`]: workflows, sources, components, every operation of the sources).
//!
//! Parsed source descriptions are kept across calls: a file on disk is re-read only when
//! its modification time or size changes, an editor buffer ([`Overlays`]) only when its
//! text changes (both keyed by path, in the process-wide parse cache of
//! [`crate::openapi`]).
//!
//! ```no_run
//! use arazzo_compiler::query::{Analyzer, Overlays};
//! let analyzer = Analyzer::new(Default::default());
//! let path = std::path::Path::new("/work/flows/pay.arazzo.yaml");
//! let analysis = analyzer.analyze(path, &Overlays::new());
//! if let Some(fact) = analysis.at(120) {
//!     println!("{}: {:?}", fact.text, fact.rust_type);
//! }
//! ```

use crate::diag::{Location, SourceFile};
use crate::{Diagnostic, Lowered, Options};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use crate::files::Overlays;

/// Most nesting levels of a schema copied into a [`Fact`] or [`Scope`] (`$ref`s are
/// followed up to this depth; deeper schemas are cut).
pub const SCHEMA_DEPTH: usize = 6;

/// What a [`Fact`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    /// A runtime expression (`$inputs.x`, `$steps.s.outputs.y`, `$response.body#/a`, ...).
    Expression,
    /// A step's `operationId`.
    OperationId,
    /// A step's `operationPath`.
    OperationPath,
    /// A `workflowId` (of a step, of an action, or in `dependsOn`).
    WorkflowId,
    /// A reference to a step: a `goto`'s `stepId`, or a step's `dependsOn`.
    StepRef,
    /// A declaration (a `stepId`, an input's name, a `workflowId` of a workflow): the
    /// target of references.
    Declaration,
}

/// One expression or reference of the document, as the checker resolved it.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Byte range in the Arazzo document.
    pub range: Range<usize>,
    /// What it is.
    pub kind: FactKind,
    /// The text as written.
    pub text: String,
    /// Its Rust type, as the generated code spells it (`String`, `Option<i64>`,
    /// `types::Customer`), when it has a value.
    pub rust_type: Option<String>,
    /// The JSON schema of its value (`$ref`s resolved, cut at [`SCHEMA_DEPTH`]).
    pub schema: Option<serde_json::Value>,
    /// The description of what it refers to.
    pub description: Option<String>,
    /// Where what it refers to is declared: the input's schema, the step, the operation
    /// in the OpenAPI file, the component, ...
    pub declared_at: Option<Location>,
    /// The operation, for an `operationId`/`operationPath`.
    pub operation: Option<OperationInfo>,
}

/// A named value in scope: an input, a step output, a workflow output.
#[derive(Clone, Debug)]
pub struct Item {
    /// Its name.
    pub name: String,
    /// Its Rust type, when known.
    pub rust_type: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// Its schema, when known.
    pub schema: Option<serde_json::Value>,
    /// Where it is declared.
    pub declared_at: Option<Location>,
}

/// A step as seen from a later one.
#[derive(Clone, Debug)]
pub struct StepInfo {
    /// `stepId`.
    pub id: String,
    /// Its description.
    pub description: Option<String>,
    /// Its outputs.
    pub outputs: Vec<Item>,
    /// Where its `stepId` is.
    pub declared_at: Option<Location>,
}

/// A parameter an operation declares.
#[derive(Clone, Debug)]
pub struct ParamInfo {
    /// `name`.
    pub name: String,
    /// `in`: `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// `required`.
    pub required: bool,
}

/// An operation of a source description.
#[derive(Clone, Debug)]
pub struct OperationInfo {
    /// The source description's name.
    pub source: String,
    /// `operationId`, when it has one.
    pub operation_id: Option<String>,
    /// Upper-case HTTP method (`SEND`/`RECEIVE` for an AsyncAPI operation).
    pub method: String,
    /// Path template (the channel, for an AsyncAPI operation).
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Its parameters (filled for the operation of a step; empty in
    /// [`DocumentInfo::operations`], which lists thousands in large descriptions).
    pub parameters: Vec<ParamInfo>,
    /// Where it is declared (its `operationId`, else the operation object).
    pub declared_at: Option<Location>,
}

/// A response a step's success criteria admit.
#[derive(Clone, Debug)]
pub struct ResponseInfo {
    /// Status code as written (`200`, `2XX`, `default`).
    pub code: String,
    /// Its JSON body schema, when documented.
    pub schema: Option<serde_json::Value>,
}

/// What is in scope at a place of a workflow: a step, or the workflow's outputs.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The workflow's `workflowId`.
    pub workflow: String,
    /// The step's `stepId` (`None` for the workflow's outputs).
    pub step: Option<String>,
    /// Byte range of the step (or of the workflow) in the document.
    pub range: Range<usize>,
    /// The workflow's inputs.
    pub inputs: Vec<Item>,
    /// The steps that may have run before (all steps, for the workflow's outputs).
    pub steps: Vec<StepInfo>,
    /// The operation the step calls.
    pub operation: Option<OperationInfo>,
    /// The responses its success criteria admit (the success response first), with their schemas.
    pub responses: Vec<ResponseInfo>,
    /// Every status code the operation documents, with the response's description.
    pub status_codes: Vec<(String, Option<String>)>,
    /// The schema of the request body of the operation.
    pub request_body: Option<serde_json::Value>,
    /// The schemas of the payloads of the messages an event-driven step sends or receives.
    pub message_payloads: Vec<serde_json::Value>,
}

/// A workflow of the document.
#[derive(Clone, Debug)]
pub struct WorkflowInfo {
    /// `workflowId`.
    pub id: String,
    /// `summary` or `description`.
    pub description: Option<String>,
    /// Byte range of the workflow in the document.
    pub range: Range<usize>,
    /// Where its `workflowId` is.
    pub declared_at: Option<Location>,
    /// Its inputs.
    pub inputs: Vec<Item>,
    /// Its outputs (typed when it was lowered).
    pub outputs: Vec<Item>,
    /// Its steps: `stepId` and where it is.
    pub steps: Vec<(String, Option<Location>)>,
}

/// A named declaration of the document (a source description, a component).
#[derive(Clone, Debug)]
pub struct Named {
    /// Its name.
    pub name: String,
    /// What it is (`openapi`, `asyncapi`, `arazzo` for a source; the section for a
    /// component: `parameters`, `successActions`, `failureActions`, `inputs`).
    pub kind: String,
    /// Where its name is.
    pub declared_at: Option<Location>,
}

/// What the whole document offers.
#[derive(Clone, Debug, Default)]
pub struct DocumentInfo {
    /// Its workflows, in document order.
    pub workflows: Vec<WorkflowInfo>,
    /// Its source descriptions.
    pub sources: Vec<Named>,
    /// Its components.
    pub components: Vec<Named>,
    /// Every operation of its OpenAPI and AsyncAPI sources (without parameters).
    pub operations: Vec<OperationInfo>,
}

/// What the checker records for an [`Analysis`] (filled through `Checker::with_facts`).
#[derive(Debug, Default)]
pub struct Recorded {
    /// Facts, in the order they were resolved.
    pub facts: Vec<Fact>,
    /// Scopes, one per step and one per workflow's outputs.
    pub scopes: Vec<Scope>,
    /// The document.
    pub document: DocumentInfo,
}

/// The result of [`Analyzer::analyze`].
#[derive(Debug)]
pub struct Analysis {
    /// Every problem found, as [`crate::compile`] reports them (lint levels applied, sorted).
    pub diagnostics: Vec<Diagnostic>,
    /// The Arazzo document's text as analysed.
    pub text: Arc<str>,
    recorded: Recorded,
    files: Vec<(Arc<SourceFile>, PathBuf)>,
    lowered: Option<Lowered>,
}

impl Analysis {
    /// Every fact, sorted by start offset.
    pub fn facts(&self) -> &[Fact] {
        &self.recorded.facts
    }

    /// The innermost fact whose range holds `offset` (its end included, for a cursor
    /// just after the text).
    pub fn at(&self, offset: usize) -> Option<&Fact> {
        self.recorded
            .facts
            .iter()
            .filter(|f| f.range.start <= offset && offset <= f.range.end)
            .min_by_key(|f| f.range.len())
    }

    /// The fact at `offset`, or the declaration there, and every fact that refers to the
    /// same declaration (the declaration included, when it is in the document), sorted.
    pub fn references(&self, offset: usize) -> Vec<&Fact> {
        let Some(fact) = self.at(offset) else {
            return Vec::new();
        };
        let target = match (&fact.declared_at, fact.kind) {
            (Some(l), _) => (Arc::as_ptr(&l.file), l.range.clone()),
            (None, _) => return vec![fact],
        };
        let same = |l: &Option<Location>| {
            l.as_ref()
                .is_some_and(|l| Arc::as_ptr(&l.file) == target.0 && l.range == target.1)
        };
        let mut found: Vec<&Fact> = self
            .recorded
            .facts
            .iter()
            .filter(|f| same(&f.declared_at))
            .collect();
        found.sort_by_key(|f| f.range.start);
        found.dedup_by_key(|f| f.range.clone());
        found
    }

    /// The innermost scope holding `offset` (a step, else a workflow's outputs).
    pub fn scope_at(&self, offset: usize) -> Option<&Scope> {
        self.recorded
            .scopes
            .iter()
            .filter(|s| s.range.start <= offset && offset <= s.range.end)
            .min_by_key(|s| s.range.len())
    }

    /// Every scope (one per step, one per workflow's outputs).
    pub fn scopes(&self) -> &[Scope] {
        &self.recorded.scopes
    }

    /// The scope of step `step` of workflow `workflow` (`None`: the workflow's outputs).
    pub fn scope_of(&self, workflow: &str, step: Option<&str>) -> Option<&Scope> {
        self.recorded
            .scopes
            .iter()
            .find(|s| s.workflow == workflow && s.step.as_deref() == step)
    }

    /// The workflows, sources, components and operations of the document.
    pub fn document(&self) -> &DocumentInfo {
        &self.recorded.document
    }

    /// The file (absolute path) a location is in, when it is the document or a file read
    /// for it.
    pub fn path_of(&self, location: &Location) -> Option<&Path> {
        self.files
            .iter()
            .find(|(f, _)| Arc::ptr_eq(f, &location.file) || f.display == location.file.display)
            .map(|(_, p)| p.as_path())
    }

    /// Every file read (the document first), absolute.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(_, p)| p.as_path())
    }

    /// The Mermaid graph of workflow `workflow` (see [`crate::graph`]), when the document
    /// could be lowered.
    pub fn graph(&self, workflow: &str) -> Result<String, String> {
        match &self.lowered {
            Some(l) => crate::graph::render(l, Some(workflow), crate::graph::Format::Mermaid),
            None => Err("the document could not be read".into()),
        }
    }
}

/// Analyses documents for an editor, keeping parsed source descriptions across calls.
#[derive(Debug, Default)]
pub struct Analyzer {
    options: Options,
}

impl Analyzer {
    /// An analyzer compiling with `options` (source mappings, lint levels, root).
    pub fn new(options: Options) -> Self {
        Analyzer { options }
    }

    /// Its options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Checks the Arazzo document at `path` (absolute), reading `overlays` instead of the
    /// files on disk they name.
    pub fn analyze(&self, path: &Path, overlays: &Overlays) -> Analysis {
        let shown = crate::display_path(&self.options.display_root, path);
        let text: Arc<str> = match overlays.get(path) {
            Some(t) => t.clone(),
            None => match crate::read_limited(path) {
                Ok(t) => t.into(),
                Err(e) => {
                    return Analysis {
                        diagnostics: vec![Diagnostic::at(
                            crate::diag::Code::CannotRead,
                            None,
                            format!("cannot read `{shown}`: {e}"),
                        )],
                        text: "".into(),
                        recorded: Recorded::default(),
                        files: Vec::new(),
                        lowered: None,
                    }
                }
            },
        };
        let file = Arc::new(SourceFile {
            display: shown,
            text: text.to_string(),
        });
        // Sources are looked up by canonical path.
        let mut canonical = overlays.clone();
        for (p, t) in overlays {
            if let Ok(c) = p.canonicalize() {
                canonical.insert(c, t.clone());
            }
        }
        let mut extra = crate::Extra {
            overlays: canonical,
            recorded: Some(Recorded::default()),
            files: vec![(file.clone(), path.to_path_buf())],
        };
        let allowed = crate::allowed_dirs(path, &self.options);
        let out = crate::compile_inner(
            file,
            path,
            &self.options,
            &allowed,
            &mut Vec::new(),
            crate::Stop::Lowered,
            &mut extra,
        );
        let diagnostics = crate::finish_diagnostics(out.diagnostics, &self.options);
        let mut recorded = extra.recorded.unwrap_or_default();
        recorded.facts.sort_by_key(|f| (f.range.start, f.range.end));
        let lowered = out.lowered.map(|(checked, externals)| Lowered {
            workflows: checked.workflows,
            types: checked.types,
            externals,
            diagnostics: Vec::new(),
        });
        Analysis {
            diagnostics,
            text,
            recorded,
            files: extra.files,
            lowered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const API: &str = r#"openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      summary: Read a pet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        '404':
          description: missing
          content:
            application/json:
              schema: {type: object, properties: {reason: {type: string}}}
components:
  schemas:
    Pet:
      type: object
      description: A pet.
      required: [name]
      properties:
        name: {type: string, description: The pet's name.}
        tags: {type: array, items: {type: string}}
"#;

    const DOC: &str = r#"arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: pets, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: read
    inputs:
      type: object
      properties:
        petId: {type: string, description: Which pet.}
    steps:
      - stepId: get
        operationId: getPet
        parameters:
          - {name: id, in: path, value: $inputs.petId}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          name: $response.body#/name
      - stepId: again
        operationId: getPet
        parameters:
          - {name: id, in: path, value: $steps.get.outputs.name}
    outputs:
      name: $steps.get.outputs.name
"#;

    fn analyse(doc: &str) -> (tempfile::TempDir, PathBuf, Analysis) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        write(dir.path(), "api.yaml", API);
        let path = write(dir.path(), "flow.arazzo.yaml", doc);
        let analyzer = Analyzer::new(Options {
            display_root: dir.path().to_path_buf(),
            ..Default::default()
        });
        let a = analyzer.analyze(&path, &Overlays::new());
        (dir, path, a)
    }

    fn offset(doc: &str, needle: &str, nth: usize) -> usize {
        doc.match_indices(needle).nth(nth).unwrap().0
    }

    #[test]
    fn facts_carry_types_schemas_and_declarations() {
        let (_d, _p, a) = analyse(DOC);
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
        let input = a.at(offset(DOC, "$inputs.petId", 0) + 3).unwrap();
        assert_eq!(input.kind, FactKind::Expression);
        assert_eq!(input.text, "$inputs.petId");
        assert_eq!(input.rust_type.as_deref(), Some("Option<String>"));
        assert_eq!(input.description.as_deref(), Some("Which pet."));
        let declared = input.declared_at.as_ref().unwrap();
        assert_eq!(&DOC[declared.range.clone()], "petId");
        let body = a.at(offset(DOC, "$response.body#/name", 0)).unwrap();
        assert_eq!(body.rust_type.as_deref(), Some("String"));
        assert_eq!(body.description.as_deref(), Some("The pet's name."));
        assert!(body
            .declared_at
            .as_ref()
            .unwrap()
            .file
            .display
            .ends_with("api.yaml"));
        let op = a.at(offset(DOC, "getPet", 0) + 1).unwrap();
        assert_eq!(op.kind, FactKind::OperationId);
        let info = op.operation.as_ref().unwrap();
        assert_eq!(
            (info.method.as_str(), info.path.as_str()),
            ("GET", "/pets/{id}")
        );
        assert_eq!(info.summary.as_deref(), Some("Read a pet"));
        let out = a.at(offset(DOC, "$steps.get.outputs.name", 0) + 2).unwrap();
        assert_eq!(out.rust_type.as_deref(), Some("String"));
        assert_eq!(
            &DOC[out.declared_at.as_ref().unwrap().range.clone()],
            "name"
        );
    }

    #[test]
    fn references_of_a_step_output_and_scopes() {
        let (_d, _p, a) = analyse(DOC);
        let refs = a.references(offset(DOC, "$steps.get.outputs.name", 0) + 1);
        assert_eq!(refs.len(), 2, "{refs:?}");
        let scope = a.scope_at(offset(DOC, "stepId: again", 0) + 8).unwrap();
        assert_eq!(scope.step.as_deref(), Some("again"));
        assert_eq!(scope.inputs[0].name, "petId");
        assert_eq!(scope.steps.len(), 1);
        assert_eq!(scope.steps[0].outputs[0].name, "name");
        let first = a.scope_of("read", Some("get")).unwrap();
        // The criteria admit 200 only.
        let codes: Vec<&str> = first.responses.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["200"]);
        let props = &first.responses[0].schema.as_ref().unwrap()["properties"];
        assert!(props.get("tags").is_some(), "{props}");
        let params = &first.operation.as_ref().unwrap().parameters;
        assert_eq!(params.len(), 2);
        assert!(params
            .iter()
            .any(|p| p.name == "verbose" && p.location == "query" && !p.required));
        let doc = a.document();
        assert_eq!(doc.workflows[0].id, "read");
        assert_eq!(
            doc.workflows[0].outputs[0].rust_type.as_deref(),
            Some("String")
        );
        assert_eq!(doc.operations.len(), 1);
        assert_eq!(doc.sources[0].name, "pets");
        assert!(a.graph("read").unwrap().contains("flowchart"));
    }

    #[test]
    fn overlays_replace_files_and_half_typed_documents_answer() {
        let (dir, path, _) = analyse(DOC);
        let analyzer = Analyzer::new(Options {
            display_root: dir.path().to_path_buf(),
            ..Default::default()
        });
        let mut overlays = Overlays::new();
        let typo = DOC.replace("$inputs.petId", "$inputs.petI");
        overlays.insert(path.clone(), typo.as_str().into());
        let a = analyzer.analyze(&path, &overlays);
        assert!(a.diagnostics.iter().any(|d| d.message.contains("petI")));
        // The OpenAPI buffer replaces the file: the operation is renamed.
        overlays.insert(path.clone(), DOC.into());
        overlays.insert(
            dir.path().join("api.yaml"),
            API.replace("getPet", "fetchPet").into(),
        );
        let a = analyzer.analyze(&path, &overlays);
        assert!(
            a.diagnostics.iter().any(|d| d.message.contains("getPet")),
            "{:?}",
            a.diagnostics
        );
        // Not YAML: diagnostics, no facts, no panic.
        overlays.insert(path.clone(), "workflows: [\n  - {stepId: ".into());
        let a = analyzer.analyze(&path, &overlays);
        assert!(!a.diagnostics.is_empty());
        assert!(a.at(5).is_none());
    }
}

//! The Arazzo workflow compiler behind `arazzo_workflow!`.
//!
//! A plain library (no proc-macro dependency), so that loading, checking and
//! code generation are unit-testable and reusable from a build script or a CLI.
//! The pipeline, one folder a stage:
//!
//! 1. [`front`] ([`yaml`], [`model`], [`expr`], [`condition`]): load the document into
//!    a model that keeps YAML positions;
//! 2. [`sources`] ([`load`], [`files`], [`openapi`], [`asyncapi`], [`schema`],
//!    [`types`]): load every source description, index operations and channels,
//!    follow `$ref`s, type schemas as Rust;
//! 3. [`check`]: check every expression, name, parameter, body, criterion and action
//!    against the inputs, the steps and the OpenAPI schemas, collecting
//!    [`diag`]nostics, and lower into the [`ir`], naming with [`names`];
//! 4. [`emit`]: write the Rust code (as text, see [`code`]).
//!
//! The entry point is [`compile`]. It never panics on any input and never stops
//! at the first problem: every problem of a document is a [`Diagnostic`].
//! This crate's API is an implementation detail of `arazzo` (semver-exempt).

pub mod build;
pub mod check;
pub mod diag;
pub mod emit;
pub mod front;
pub mod graph;
pub mod ir;
pub mod names;
pub mod query;
pub mod sources;
pub mod status;

// The modules by their former paths (`crate::model`, `arazzo_compiler::yaml`), which
// code inside and outside the crate names them by.
pub use emit::code;
pub use emit::{meta as emit_meta, mock as emit_mock};
pub use front::{condition, expr, model, yaml};
pub use sources::load as resolve;
pub use sources::{asyncapi, files, load, openapi, schema, types};

pub use diag::{Diagnostic, Level, Severity, LINTS};

use code::Code;
use diag::{Diagnostics, Location, SourceFile};
use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest Arazzo or OpenAPI file read (bytes).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Options of one compilation.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Source-description name → local file (absolute), for remote urls.
    pub sources: Vec<(String, PathBuf)>,
    /// Paths in diagnostics are shown relative to this directory when possible.
    pub display_root: PathBuf,
    /// Lint levels (`allow`/`warn`/`deny`), by lint name (one of [`LINTS`]); the last
    /// entry for a lint wins, lints not named are warnings.
    pub lints: Vec<(String, Level)>,
    /// The directory (absolute) that source urls and `$ref`s may name files in, with its
    /// subdirectories. `None`: the crate of the document, the nearest directory at or above
    /// it that holds a `Cargo.toml` or `.git`; without one, [`Options::display_root`] when the
    /// document is below it, else the document's own directory. Files
    /// mapped in [`Options::sources`] are read wherever they are, and so are the files in
    /// their directories. A monorepo whose documents refer to descriptions above the crate
    /// sets a common ancestor here.
    pub root: Option<PathBuf>,
    /// Also generate, in each workflow's module, a `mock` module of test doubles (the
    /// `mocks` option of `arazzo_workflow!`; see [`emit_mock`]). Its code needs the `mock`
    /// feature of `arazzo`.
    pub mocks: bool,
}

/// The directories (canonical) a compilation may read files from: see [`Options::root`].
pub fn allowed_dirs(path: &Path, options: &Options) -> Vec<PathBuf> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| resolve::normalize(p));
    let doc = canonical(path);
    let root = match &options.root {
        Some(r) => canonical(r),
        None => {
            let dir = doc.parent().map(Path::to_path_buf).unwrap_or_default();
            let shown = canonical(&options.display_root);
            let crate_dir = dir
                .ancestors()
                .find(|d| d.join("Cargo.toml").is_file() || d.join(".git").exists());
            match crate_dir {
                Some(d) => d.to_path_buf(),
                None if !options.display_root.as_os_str().is_empty() && doc.starts_with(&shown) => {
                    shown
                }
                None => dir,
            }
        }
    };
    let mut dirs = vec![root];
    for (_, p) in &options.sources {
        if let Some(dir) = canonical(p).parent() {
            dirs.push(dir.to_path_buf());
        }
    }
    dirs
}

/// The result of a compilation.
#[derive(Debug)]
pub struct Output {
    /// The generated code (a skeleton of types when there are errors; the full code
    /// when there are only warnings).
    ///
    /// Text, which a procedural macro hands to `rustc`'s lexer in one call
    /// (`proc_macro::TokenStream::from_str`); [`Output::tokens`] lexes it with proc-macro2.
    pub code: String,
    /// Every problem found (errors and warnings, lint levels applied), sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read (for rebuild tracking).
    pub files: Vec<PathBuf>,
    /// The security schemes the document's steps may need credentials for (those of
    /// the documents it includes too), by source and scheme name.
    pub credentials: Vec<CredentialNeed>,
}

/// A security scheme some steps of a document need a credential for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialNeed {
    /// Source description name (the first key of `ClientBuilder::credential`).
    pub source: String,
    /// Security scheme name (the second key).
    pub scheme: String,
    /// What the scheme is: `apiKey in header `X-API-KEY``, `http basic`, `oauth2 (clientCredentials)`...
    pub kind: String,
    /// The steps that may use it, as `workflowId/stepId`.
    pub steps: Vec<String>,
}

/// The credentials the operation steps of `workflows` may need, added to `needs`.
fn credential_needs(workflows: &[ir::Workflow], needs: &mut Vec<CredentialNeed>) {
    for w in workflows {
        for s in &w.steps {
            let ir::StepKind::Operation {
                source, security, ..
            } = &s.kind
            else {
                continue;
            };
            for r in security.iter().flatten() {
                let step = format!("{}/{}", w.id, s.id);
                match needs
                    .iter_mut()
                    .find(|n| n.source == *source && n.scheme == r.scheme)
                {
                    Some(n) => {
                        if !n.steps.contains(&step) {
                            n.steps.push(step);
                        }
                    }
                    None => needs.push(CredentialNeed {
                        source: source.clone(),
                        scheme: r.scheme.clone(),
                        kind: r.kind.describe(),
                        steps: vec![step],
                    }),
                }
            }
        }
    }
}

impl Output {
    /// The generated code as proc-macro2 tokens. The code always lexes; the error is
    /// proc-macro2's, for the caller to report rather than to panic on.
    pub fn tokens(&self) -> Result<TokenStream, proc_macro2::LexError> {
        self.code.parse()
    }

    /// The errors (including lints denied).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The warnings (lints at level `warn`). A build script prints them natively:
    ///
    /// ```no_run
    /// # let out = arazzo_compiler::compile(std::path::Path::new("/x.yml"), &Default::default());
    /// for w in out.warnings() {
    ///     for line in w.to_string().lines() {
    ///         println!("cargo:warning={line}");
    ///     }
    /// }
    /// ```
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }

    /// True when at least one error was reported.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// Finds `relative` in `start` or one of its ancestors (up to the directory that
/// holds `.git`, or the filesystem root): a file, or a directory when `relative`
/// ends in `/` (the target of a URL prefix in `sources(...)`). Returns the path
/// found and the directory it was found in, or every path tried.
pub fn locate(start: &Path, relative: &str) -> Result<(PathBuf, PathBuf), Vec<PathBuf>> {
    let mut tried = Vec::new();
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(relative);
        if candidate.is_file() || (relative.ends_with('/') && candidate.is_dir()) {
            return Ok((candidate, d.to_path_buf()));
        }
        tried.push(candidate);
        if d.join(".git").exists() || tried.len() > 64 {
            break;
        }
        dir = d.parent();
    }
    Err(tried)
}

/// Path of `p` relative to `root` when it is below it.
pub fn display_path(root: &Path, p: &Path) -> String {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    match canonical.strip_prefix(&canonical_root) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => p.to_string_lossy().replace('\\', "/"),
    }
}

/// Compiles the Arazzo document at `path` (absolute).
pub fn compile(path: &Path, options: &Options) -> Output {
    let display = |p: &Path| display_path(&options.display_root, p);
    let shown = display(path);
    let mut files = vec![path.to_path_buf()];
    let text = match read_limited(path) {
        Ok(t) => t,
        Err(e) => {
            return Output {
                code: String::new(),
                diagnostics: vec![Diagnostic::at(
                    diag::Code::CannotRead,
                    None,
                    format!("cannot read `{shown}`: {e}"),
                )
                .with_path(path)],
                files,
                credentials: Vec::new(),
            }
        }
    };
    let file = Arc::new(SourceFile {
        display: shown,
        text,
    });
    let mut out = compile_source(file, path, options);
    files.append(&mut out.files);
    out.files = files;
    out
}

pub(crate) fn read_limited(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES}",
            meta.len()
        ));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

/// Compiles a document already read (`path` locates its relative source urls).
pub fn compile_source(file: Arc<SourceFile>, path: &Path, options: &Options) -> Output {
    let mut stack = Vec::new();
    let allowed = allowed_dirs(path, options);
    let out = compile_inner(
        file,
        path,
        options,
        &allowed,
        &mut stack,
        Stop::Emit,
        &mut Extra::default(),
    );
    Output {
        code: out.code.into_string(),
        diagnostics: finish_diagnostics(out.diagnostics, options),
        files: out.files,
        credentials: out.credentials,
    }
}

/// Diagnostics of a compilation, deduplicated and sorted, lint levels applied.
pub(crate) fn finish_diagnostics(found: Vec<Diagnostic>, options: &Options) -> Vec<Diagnostic> {
    let diags = Diagnostics::default();
    for d in found {
        diags.push(d);
    }
    diag::apply_levels(diags.into_vec(), &options.lints)
}

/// A document checked and lowered, without code: what tools that read the control flow
/// use (`arazzo graph`).
#[derive(Debug)]
pub struct Lowered {
    /// The document's workflows, lowered, in document order (empty when it could not be
    /// read or parsed).
    pub workflows: Vec<ir::Workflow>,
    /// The generated structs the workflows refer to (their `Inputs` among them).
    pub types: types::TypeSpace,
    /// The workflows of included Arazzo documents, by [`ir::WorkflowRef::External`]
    /// index: (source description name, workflowId).
    pub externals: Vec<(String, String)>,
    /// Every problem found, as [`Output::diagnostics`].
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks the Arazzo document at `path` (absolute) and lowers it, without emitting code.
pub fn lower(path: &Path, options: &Options) -> Lowered {
    let shown = display_path(&options.display_root, path);
    let empty = |diagnostics| Lowered {
        workflows: Vec::new(),
        types: types::TypeSpace::default(),
        externals: Vec::new(),
        diagnostics,
    };
    let text = match read_limited(path) {
        Ok(t) => t,
        Err(e) => {
            return empty(vec![Diagnostic::at(
                diag::Code::CannotRead,
                None,
                format!("cannot read `{shown}`: {e}"),
            )
            .with_path(path)])
        }
    };
    let file = Arc::new(SourceFile {
        display: shown,
        text,
    });
    let allowed = allowed_dirs(path, options);
    let out = compile_inner(
        file,
        path,
        options,
        &allowed,
        &mut Vec::new(),
        Stop::Lowered,
        &mut Extra::default(),
    );
    let diagnostics = finish_diagnostics(out.diagnostics, options);
    match out.lowered {
        Some((checked, externals)) => Lowered {
            workflows: checked.workflows,
            types: checked.types,
            externals,
            diagnostics,
        },
        None => empty(diagnostics),
    }
}

/// Where [`compile_inner`] stops with the top-level document.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Emit the code.
    Emit,
    /// Keep the lowered workflows ([`Inner::lowered`]) instead of emitting them.
    Lowered,
}

/// Most levels of Arazzo documents referencing Arazzo documents.
const MAX_DOCUMENT_NESTING: usize = 8;

/// The result of compiling one document, with what its parent document sees of it.
pub(crate) struct Inner {
    /// Code emitted (with [`Stop::Emit`]).
    code: Code,
    pub(crate) diagnostics: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    exports: Vec<resolve::ExportedWorkflow>,
    /// With [`Stop::Lowered`]: the checked workflows and the included documents'
    /// workflows (source name, workflowId).
    pub(crate) lowered: Option<(check::Checked, Vec<(String, String)>)>,
    credentials: Vec<CredentialNeed>,
}

/// What an editor's analysis ([`query::Analyzer`]) adds to a compilation: buffers that
/// replace files, and sinks for what the checker resolved and the files read.
#[derive(Default)]
pub(crate) struct Extra {
    /// Editor buffers read instead of the files they name.
    pub(crate) overlays: query::Overlays,
    /// Facts and scopes of the top-level document (`None`: not recorded).
    pub(crate) recorded: Option<query::Recorded>,
    /// Every file read with its absolute path (only when recording).
    pub(crate) files: Vec<(Arc<SourceFile>, PathBuf)>,
}

/// The result of a document that is not YAML: its one diagnostic. A document named by
/// another one's url (`top` false) is not quoted (it could be any file of the crate); the
/// document compiled is the user's own.
fn invalid_yaml(file: &Arc<SourceFile>, top: bool, e: &yaml::YamlError) -> Inner {
    let shown = if top {
        file.clone()
    } else {
        Arc::new(SourceFile {
            display: file.display.clone(),
            text: String::new(),
        })
    };
    Inner {
        code: Code::new(),
        diagnostics: vec![Diagnostic::at(
            diag::Code::InvalidYaml,
            Some(Location::at_offset(shown, e.pos, e.offset)),
            format!("invalid YAML: {}", e.message),
        )],
        files: Vec::new(),
        exports: Vec::new(),
        lowered: None,
        credentials: Vec::new(),
    }
}

/// The modules and workflow ids of the workflows of included Arazzo documents, by index
/// after the document's own.
fn external_modules(sources: &resolve::Sources) -> Vec<(String, String)> {
    sources
        .arazzo_workflows()
        .map(|(_, w)| (w.module.clone(), w.id.clone()))
        .collect()
}

pub(crate) fn compile_inner(
    file: Arc<SourceFile>,
    path: &Path,
    options: &Options,
    allowed: &[PathBuf],
    stack: &mut Vec<PathBuf>,
    stop: Stop,
    extra: &mut Extra,
) -> Inner {
    let display = |p: &Path| display_path(&options.display_root, p);
    let diags = Diagnostics::default();
    let root = match yaml::parse(&file.text, yaml::Limits::default()) {
        Ok(r) => r,
        Err(e) => return invalid_yaml(&file, stack.is_empty(), &e),
    };
    let doc = model::Reader::new(file.clone(), &diags).document(&root);
    let map = resolve::SourceMap {
        overrides: options.sources.clone(),
        allowed: allowed.to_vec(),
        overlays: extra.overlays.clone(),
    };
    let mut sources = resolve::load_sources(&doc, path, &file, &map, &display, &diags);
    resolve::load_used(&doc, &mut sources, &file, &display, &diags);
    if extra.recorded.is_some() {
        for f in &sources.store.files {
            extra.files.push((f.file.clone(), f.path.clone()));
        }
    }
    let mut files: Vec<PathBuf> = sources.store.files.iter().map(|f| f.path.clone()).collect();
    // Arazzo source descriptions: compiled recursively into a module of their own.
    let mut sub_tokens = Vec::new();
    // One module per Arazzo source, unique even when two names read the same in snake
    // case (`petStore`, `pet_store`).
    let mut source_modules = names::Namer::new(names::Style::MODULE);
    let mut credentials: Vec<CredentialNeed> = Vec::new();
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    stack.push(canonical);
    for sd in doc
        .sources
        .iter()
        .filter(|s| s.kind == Some(model::SourceType::Arazzo))
    {
        let name = sd.name.as_str();
        let blame = |code: diag::Code, m: String| {
            Diagnostic::at(code, model::location(&file, &sd.url.node), m)
        };
        let sub_path = match resolve::source_path(sd, path, &file, &map) {
            Ok(p) => p,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        let sub_canonical = sub_path.canonicalize().unwrap_or_else(|_| sub_path.clone());
        if stack.contains(&sub_canonical) {
            diags.push(blame(diag::Code::SourceNesting, format!("Arazzo source description `{name}` refers back to a document that includes it (a cycle)")));
            continue;
        }
        if stack.len() >= MAX_DOCUMENT_NESTING {
            diags.push(blame(
                diag::Code::SourceNesting,
                format!("Arazzo documents nested more than {MAX_DOCUMENT_NESTING} levels deep"),
            ));
            continue;
        }
        let overlay = extra.overlays.get(&sub_path).map(|t| t.to_string());
        let text = match overlay.map_or_else(|| read_limited(&sub_path), Ok) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    blame(
                        diag::Code::CannotRead,
                        format!(
                            "cannot read Arazzo source description `{name}` (`{}`): {e}",
                            display(&sub_path)
                        ),
                    )
                    .with_path(&sub_path),
                );
                continue;
            }
        };
        let sub_file = Arc::new(SourceFile {
            display: display(&sub_path),
            text,
        });
        let mut sub_extra = Extra {
            overlays: extra.overlays.clone(),
            ..Extra::default()
        };
        let sub = compile_inner(
            sub_file,
            &sub_path,
            options,
            allowed,
            stack,
            Stop::Emit,
            &mut sub_extra,
        );
        for need in sub.credentials {
            add_credential(&mut credentials, need);
        }
        files.push(sub_path);
        files.extend(sub.files);
        for d in sub.diagnostics {
            diags.push(d);
        }
        let module = source_modules.unique(names::source_module(name));
        let prefix = format!("{module}::");
        let exports = sub
            .exports
            .into_iter()
            .map(|mut w| {
                for (_, _, ty) in w.inputs.iter_mut().chain(w.outputs.iter_mut()) {
                    *ty = prefix_extern(ty, &prefix);
                }
                w.module = format!("{prefix}{}", w.module);
                w
            })
            .collect();
        sources.arazzo.push((name.to_owned(), exports));
        let m = emit::ident_of(&module);
        let doc = emit::doc_attr(&format!(
            "Code generated for the Arazzo source description `{name}`."
        ));
        let tokens = sub.code;
        sub_tokens.push(code! {
            #doc
            #[allow(clippy::all)]
            pub mod #m { #tokens }
        });
    }
    stack.pop();
    let mut checker = check::Checker::new(file.clone(), &diags, &doc, &root, &sources);
    if let Some(recorded) = extra.recorded.as_mut() {
        checker = checker.with_facts(recorded);
    }
    let checked = checker.run();
    // The checked workflows are those of the document, in document order.
    let workflows = &checked.workflows;
    let externals = external_modules(&sources);
    let exports = exported_workflows(&checked);
    let mut own = Vec::new();
    credential_needs(workflows, &mut own);
    for need in credentials {
        add_credential(&mut own, need);
    }
    let credentials = own;
    if stop == Stop::Lowered {
        let externals = sources
            .arazzo_workflows()
            .map(|(src, w)| (src.to_owned(), w.id.clone()))
            .collect();
        return Inner {
            code: Code::new(),
            diagnostics: diags.into_vec(),
            files,
            exports,
            lowered: Some((checked, externals)),
            credentials,
        };
    }
    // `mocks` (generated test doubles): read from the OpenAPI descriptions before they are
    // freed; a step without a possible happy path is an error.
    let mocks = if options.mocks {
        let locate = |wi: usize, si: usize| {
            let step = doc.workflows.get(wi)?.steps.get(si)?;
            model::location(&file, &step.id.node)
        };
        emit_mock::mock_modules(workflows, &sources, &locate, &diags)
    } else {
        Vec::new()
    };
    let skeleton = diags.has_errors();
    // What emission reads is in `checked`: the trees and the model are freed first,
    // so the emitted code reuses their memory.
    drop((doc, sources));
    drop(root);
    let mut code = if skeleton || mocks.is_empty() {
        emit::emit(&checked.types, workflows, &externals, skeleton)
    } else {
        emit::emit_with(&checked.types, workflows, &externals, skeleton, &mocks)
    };
    for sub in &sub_tokens {
        code.append(sub);
    }
    Inner {
        code,
        diagnostics: diags.into_vec(),
        files,
        exports,
        lowered: None,
        credentials,
    }
}

/// Adds `need` to `list` unless a need of the same source and scheme is there.
fn add_credential(list: &mut Vec<CredentialNeed>, need: CredentialNeed) {
    if !list
        .iter()
        .any(|n| n.source == need.source && n.scheme == need.scheme)
    {
        list.push(need);
    }
}

/// The workflows of a checked document as another document that includes it sees them.
fn exported_workflows(checked: &check::Checked) -> Vec<resolve::ExportedWorkflow> {
    let workflows = &checked.workflows;
    workflows
        .iter()
        .map(|w| resolve::ExportedWorkflow {
            id: w.id.clone(),
            module: w.module.clone(),
            inputs: checked
                .types
                .def(w.inputs)
                .map(|d| {
                    d.fields
                        .iter()
                        .map(|f| {
                            (
                                f.json.clone(),
                                f.rust.clone(),
                                export_ty(&f.ty, &checked.types, workflows),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            outputs: w
                .outputs
                .iter()
                .map(|o| {
                    (
                        o.name.clone(),
                        o.field.clone(),
                        export_ty(&o.ty, &checked.types, workflows),
                    )
                })
                .collect(),
            secret_inputs: checked.types.secret_fields(w.inputs),
        })
        .collect()
}

/// A type as seen from the module of the document that generated it (`types::X`, `wf::X`).
fn export_ty(ty: &types::Ty, space: &types::TypeSpace, workflows: &[ir::Workflow]) -> types::Ty {
    use types::{Scope, Ty};
    match ty {
        Ty::Vec(t) => Ty::Vec(Box::new(export_ty(t, space, workflows))),
        Ty::Map(t) => Ty::Map(Box::new(export_ty(t, space, workflows))),
        Ty::Option(t) => Ty::Option(Box::new(export_ty(t, space, workflows))),
        Ty::Named(i) => match space.def(*i) {
            Some(d) => match d.scope {
                Scope::Shared => Ty::Extern(format!("types::{}", d.name)),
                Scope::Workflow(w) => match workflows.get(w) {
                    Some(wf) => Ty::Extern(format!("{}::{}", wf.module, d.name)),
                    None => Ty::Json,
                },
            },
            None => Ty::Json,
        },
        other => other.clone(),
    }
}

/// Prefixes the paths of extern types (a document's types seen from its parent).
fn prefix_extern(ty: &types::Ty, prefix: &str) -> types::Ty {
    use types::Ty;
    match ty {
        Ty::Vec(t) => Ty::Vec(Box::new(prefix_extern(t, prefix))),
        Ty::Map(t) => Ty::Map(Box::new(prefix_extern(t, prefix))),
        Ty::Option(t) => Ty::Option(Box::new(prefix_extern(t, prefix))),
        Ty::Extern(p) => Ty::Extern(format!("{prefix}{p}")),
        other => other.clone(),
    }
}

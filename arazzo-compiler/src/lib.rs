//! The Arazzo workflow compiler behind `arazzo_workflow!`.
//!
//! A plain library (no proc-macro dependency), so that loading, checking and
//! code generation are unit-testable and reusable from a build script or a CLI.
//! The pipeline:
//!
//! 1. [`yaml`] + [`model`]: load the document into a model that keeps YAML positions;
//! 2. [`resolve`] + [`openapi`]: load every source description, index operations;
//! 3. [`check`]: check every expression ([`expr`], [`condition`]), name, parameter,
//!    body, criterion and action against the inputs, the steps and the OpenAPI
//!    schemas ([`types`]), collecting [`diag`]nostics, and lower into the [`ir`];
//! 4. [`emit`]: produce Rust tokens.
//!
//! The entry point is [`compile`]. It never panics on any input and never stops
//! at the first problem: every problem of a document is a [`Diagnostic`].
//! This crate's API is an implementation detail of `arazzo` (semver-exempt).

pub mod check;
pub mod condition;
pub mod diag;
pub mod emit;
pub mod expr;
pub mod ir;
pub mod model;
pub mod openapi;
pub mod resolve;
pub mod types;
pub mod yaml;

pub use diag::Diagnostic;

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
}

/// The result of a compilation.
#[derive(Debug)]
pub struct Output {
    /// The generated code (a skeleton of types when there are diagnostics).
    pub tokens: TokenStream,
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read (for rebuild tracking).
    pub files: Vec<PathBuf>,
}

/// Finds `relative` in `start` or one of its ancestors (up to the directory that
/// holds `.git`, or the filesystem root). Returns the path found and the
/// directory it was found in, or every path tried.
pub fn locate(start: &Path, relative: &str) -> Result<(PathBuf, PathBuf), Vec<PathBuf>> {
    let mut tried = Vec::new();
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(relative);
        if candidate.is_file() {
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
                tokens: TokenStream::new(),
                diagnostics: vec![Diagnostic::at(None, format!("cannot read `{shown}`: {e}"))],
                files,
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

fn read_limited(path: &Path) -> Result<String, String> {
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
    let display = |p: &Path| display_path(&options.display_root, p);
    let mut diags = Diagnostics::default();
    let root = match yaml::parse(&file.text, yaml::Limits::default()) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::at(
                Some(Location {
                    file: file.clone(),
                    pos: e.pos,
                    len: 1,
                }),
                format!("invalid YAML: {}", e.message),
            ));
            return Output {
                tokens: TokenStream::new(),
                diagnostics: diags.into_vec(),
                files: Vec::new(),
            };
        }
    };
    let doc = model::Reader {
        file: file.clone(),
        diags: &mut diags,
    }
    .document(&root);
    let map = resolve::SourceMap {
        overrides: options.sources.clone(),
    };
    let sources = resolve::load_sources(&doc, path, &file, &map, &display, &mut diags);
    let checked = check::Checker::new(file.clone(), &mut diags, &doc, &root, &sources).run();
    let files = sources.store.files.iter().map(|f| f.path.clone()).collect();
    let index: Vec<usize> = checked
        .workflows
        .iter()
        .map(|w| {
            doc.workflows
                .iter()
                .position(|d| d.id.value == w.id)
                .unwrap_or(usize::MAX)
        })
        .collect();
    // Emit in document order.
    let mut order: Vec<usize> = (0..checked.workflows.len()).collect();
    order.sort_by_key(|&i| index[i]);
    let workflows: Vec<ir::Workflow> = order
        .iter()
        .map(|&i| checked.workflows[i].clone())
        .collect();
    let index: Vec<usize> = order.iter().map(|&i| index[i]).collect();
    let skeleton = !diags.is_empty();
    let tokens = emit::emit(&checked.types, &workflows, &index, skeleton);
    Output {
        tokens,
        diagnostics: diags.into_vec(),
        files,
    }
}

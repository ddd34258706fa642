//! Build-script mode of `arazzo`: the code of a folder of Arazzo documents, generated
//! by `build.rs` into `OUT_DIR` and included with `arazzo::include_workflows!()`.
//!
//! `build.rs` (with `arazzo-build` under `[build-dependencies]`):
//!
//! ```no_run
//! // fn main() {
//! arazzo_build::compile_dir("specs/arazzo");
//! // }
//! ```
//!
//! and in the crate, `arazzo::include_workflows!();`: one module per document, named after
//! its file (`specs/arazzo/billing.arazzo.yaml` → `billing`), holding the items
//! `arazzo::arazzo_workflow!` generates for it (`types`, one module per workflow with
//! `Inputs`, `Outputs`, `run` and `steps`).
//!
//! Options and lint levels are those of the macro:
//!
//! ```no_run
//! arazzo_build::Config::new()
//!     .source("petStore", "specs/openapi/petstore.yaml")
//!     .deny("dialect")
//!     .allow("unreachable_step")
//!     .compile_dir("specs/arazzo");
//! ```
//!
//! `Config::new().mocks()` also generates the test doubles (`docs/testing.md`), as
//! `arazzo_workflow!(..., mocks)`.
//!
//! Warnings are printed as `cargo:warning` lines; errors (every problem of every
//! document, each with its `file:line:col`) fail the build. Editing a document re-runs
//! the build script, and rust-analyzer re-reads the generated file after each check:
//! the types in the editor follow the YAML without a restart (`docs/editors.md`).
//!
//! Compared with `arazzo_compiler::build` (one document to one file), this crate is the
//! small stable surface meant for users' build scripts; the compiler's API is not.

use arazzo_compiler::names::{self, Namer, Style};
use arazzo_compiler::{build, diag, Level, LINTS};
use std::path::{Path, PathBuf};

/// The file, in `OUT_DIR`, that `arazzo::include_workflows!()` includes.
pub const INDEX_FILE: &str = "arazzo_workflows.rs";

/// Compiles every Arazzo document of `dir` (relative to `CARGO_MANIFEST_DIR`) with the
/// default options; on any error prints them and exits the build script with status 1.
pub fn compile_dir(dir: impl AsRef<Path>) {
    Config::new().compile_dir(dir);
}

/// Options of [`Config::compile_dir`]: source descriptions and lint levels, as in
/// `arazzo_workflow!(..., sources(...), deny(...), allow(...))`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    sources: Vec<(String, PathBuf)>,
    lints: Vec<(String, Level)>,
    mocks: bool,
}

/// A document compiled by [`Config::try_compile_dir`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The document, as found in the folder.
    pub path: PathBuf,
    /// The module that holds its code (`billing`).
    pub module: String,
    /// The file written, relative to `OUT_DIR`.
    pub file: String,
}

/// Why [`Config::try_compile_dir`] failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `OUT_DIR` or `CARGO_MANIFEST_DIR` is not set: not run from a build script.
    #[error("`{0}` is not set: `arazzo_build` runs from a build script")]
    NotInBuildScript(&'static str),
    /// A lint name that is not one of [`LINTS`].
    #[error("unknown lint `{name}`; the lints are: {known}")]
    UnknownLint {
        /// The name given.
        name: String,
        /// The known lints.
        known: String,
    },
    /// The folder could not be read.
    #[error("cannot read the folder `{}`: {source}", .path.display())]
    ReadDir {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A path that cannot be written in a cargo directive (a line break in it).
    #[error("the path `{}` holds a line break: cargo cannot track it", .0.display())]
    LineBreak(PathBuf),
    /// A file of the generated code could not be written.
    #[error("cannot write `{}`: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Documents with errors (every one of them, each with all its problems).
    #[error("{}", .0.iter().map(|(p, e)| format!("{}: {e}", p.display())).collect::<Vec<_>>().join("\n"))]
    Documents(Vec<(PathBuf, build::Error)>),
}

impl Config {
    /// The default options: no source mapped, every lint a warning.
    pub fn new() -> Config {
        Config::default()
    }

    /// Maps a source description (by its `name`) to a local file (relative to
    /// `CARGO_MANIFEST_DIR`), as `sources(name = "path")` in the macro. The key may also
    /// be a URL (one file) or a URL prefix ending in `/` (a local directory: every source
    /// URL and remote `$ref` under it, in every document and the documents they include,
    /// maps to the directory plus the rest of the URL), as in the macro.
    pub fn source(mut self, name: &str, path: impl Into<PathBuf>) -> Config {
        self.sources.push((name.to_owned(), path.into()));
        self
    }

    /// Also generates the test doubles (a `mock` module in each workflow's module), as
    /// `arazzo_workflow!(..., mocks)`: the crate then needs the `mock` feature of
    /// `arazzo` (see `docs/testing.md`).
    pub fn mocks(mut self) -> Config {
        self.mocks = true;
        self
    }

    /// Sets the level of a lint (one of [`LINTS`]); the last level given wins.
    pub fn lint(mut self, name: &str, level: Level) -> Config {
        self.lints.push((name.to_owned(), level));
        self
    }

    /// `allow(name)`: the lint is not reported.
    pub fn allow(self, name: &str) -> Config {
        self.lint(name, Level::Allow)
    }

    /// `warn(name)`: the lint is a warning (the default).
    pub fn warn(self, name: &str) -> Config {
        self.lint(name, Level::Warn)
    }

    /// `deny(name)`: the lint is an error.
    pub fn deny(self, name: &str) -> Config {
        self.lint(name, Level::Deny)
    }

    /// [`Config::try_compile_dir`]; on an error prints it on stderr (cargo shows it) and
    /// exits the build script with status 1.
    pub fn compile_dir(&self, dir: impl AsRef<Path>) {
        if let Err(e) = self.try_compile_dir(dir) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }

    /// Compiles every Arazzo document of `dir` (relative to `CARGO_MANIFEST_DIR`; the
    /// `.yaml`, `.yml` and `.json` files directly in it whose top level has an `arazzo`
    /// field) into `OUT_DIR/arazzo/<module>.rs`, and writes [`INDEX_FILE`], which
    /// includes them, each in its module. Prints `cargo:rerun-if-changed` for the folder
    /// and every file read, `cargo:warning` for every warning. Every document is
    /// compiled even when one has errors; then nothing is written.
    pub fn try_compile_dir(&self, dir: impl AsRef<Path>) -> Result<Vec<Document>, Error> {
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .ok_or(Error::NotInBuildScript("CARGO_MANIFEST_DIR"))?;
        let out_dir = std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or(Error::NotInBuildScript("OUT_DIR"))?;
        let mut options = arazzo_compiler::Options {
            mocks: self.mocks,
            ..Default::default()
        };
        for (name, level) in &self.lints {
            match diag::lint_named(name) {
                Some(lint) => options.lints.push((lint.to_owned(), *level)),
                None => {
                    return Err(Error::UnknownLint {
                        name: name.clone(),
                        known: LINTS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
                    })
                }
            }
        }
        for (name, path) in &self.sources {
            options.sources.push((name.clone(), manifest.join(path)));
        }
        let folder = manifest.join(dir.as_ref());
        directive_safe(&folder)?;
        // The folder itself: a document added or removed re-runs the build script.
        println!("cargo:rerun-if-changed={}", folder.display());
        let documents = documents_in(&folder)?;
        std::fs::create_dir_all(out_dir.join("arazzo")).map_err(|source| Error::Write {
            path: out_dir.join("arazzo"),
            source,
        })?;
        let mut used = Namer::new(Style::FIELD);
        let mut written = Vec::new();
        let mut failed = Vec::new();
        for path in documents {
            directive_safe(&path)?;
            let module = used.name(&stem(&path));
            let file = format!("arazzo/{}.rs", names::unraw(&module));
            match build::generate(&path, &file, &options) {
                Ok(_) => written.push(Document { path, module, file }),
                Err(e) => failed.push((path, e)),
            }
        }
        if !failed.is_empty() {
            return Err(Error::Documents(failed));
        }
        let index = out_dir.join(INDEX_FILE);
        std::fs::write(&index, index_text(&manifest, &written)).map_err(|source| Error::Write {
            path: index,
            source,
        })?;
        Ok(written)
    }
}

/// Cargo reads its directives line by line: a path with a line break cannot be tracked
/// (and would write a directive of its own).
fn directive_safe(path: &Path) -> Result<(), Error> {
    let text = path.to_string_lossy();
    if text.contains('\n') || text.contains('\r') {
        return Err(Error::LineBreak(path.to_path_buf()));
    }
    Ok(())
}

/// The Arazzo documents directly in `folder`, sorted by name.
fn documents_in(folder: &Path) -> Result<Vec<PathBuf>, Error> {
    let read_error = |source| Error::ReadDir {
        path: folder.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        if wanted && path.is_file() && is_arazzo(&path) {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// True when the file's top level has an `arazzo` field, or when it does not parse (the
/// compiler then reports why, with its position).
fn is_arazzo(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return true;
    };
    match arazzo_compiler::yaml::parse(&text, Default::default()) {
        Ok(root) => root.get("arazzo").is_some(),
        Err(_) => true,
    }
}

/// The file name without its extensions (`billing.arazzo.yaml` → `billing`).
fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    name.strip_suffix(".arazzo").unwrap_or(name).to_owned()
}

/// The file `arazzo::include_workflows!()` includes: each document's code in its module
/// (`include!` paths are relative to this file, so no absolute path is written).
fn index_text(manifest: &Path, documents: &[Document]) -> String {
    let mut text = String::from("// Generated by arazzo-build; do not edit.\n");
    for d in documents {
        let mut shown = arazzo_compiler::display_path(manifest, &d.path);
        if Path::new(&shown).is_absolute() {
            shown = d
                .path
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        }
        text.push_str(&format!(
            "\n#[doc = {:?}]\npub mod {} {{\n    include!({:?});\n}}\n",
            format!(" The workflows of `{shown}`."),
            d.module,
            d.file
        ));
    }
    text
}

//! Build-script mode: the generated code written to a file in `OUT_DIR`, for crates that
//! prefer `include!` to the macro (or want to read the code they compile).
//!
//! In `build.rs` (with `arazzo-compiler` under `[build-dependencies]`):
//!
//! ```no_run
//! let options = arazzo_compiler::Options::default();
//! if let Err(e) = arazzo_compiler::build::generate("specs/x.arazzo.yaml", "x.rs", &options) {
//!     panic!("{e}");
//! }
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/x.rs"));`
//!
//! [`generate`] prints `cargo:rerun-if-changed` for every file read and each warning as
//! `cargo:warning` lines. The file holds the same items as the macro's expansion,
//! formatted with `prettyplease`.

use crate::{compile, Diagnostic, Options, Output};
use std::path::{Path, PathBuf};

/// Why [`generate`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The document has errors (each one rendered as the macro renders it).
    #[error("{} error(s) in the Arazzo document:\n{}", .0.len(), render(.0))]
    Document(Vec<Diagnostic>),
    /// The output file could not be written.
    #[error("cannot write `{}`: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `OUT_DIR` is not set (not run from a build script) and the output path is relative.
    #[error("`OUT_DIR` is not set: give an absolute output path outside a build script")]
    NoOutDir,
    /// A file read has a name that a `cargo:rerun-if-changed` line cannot carry (a line
    /// break or another control character, or bytes that are not UTF-8): printed, it
    /// could inject cargo directives into the build.
    #[error("the file name {0:?} cannot be printed as a cargo directive (control characters or not UTF-8)")]
    UnprintablePath(PathBuf),
}

/// The path as text a cargo directive can carry: UTF-8 without control characters.
fn printable(path: &Path) -> Option<&str> {
    path.to_str().filter(|s| !s.chars().any(char::is_control))
}

/// A line of a diagnostic for `cargo:warning`: control characters (a carriage return that
/// would hide the text before it, a bidi override) are written escaped.
fn warning_line(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() || crate::code::is_bidi_control(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("error: {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Formats generated code ([`Output::code`]) as a Rust file (`prettyplease`); code that
/// does not parse as a file (never expected) is returned unformatted.
pub fn format(code: &str) -> String {
    try_format(code).unwrap_or_else(|_| code.to_owned())
}

/// Formats generated code as a Rust file, or says why it does not parse as one (a bug of
/// the compiler: `arazzo expand` reports it and exits 1).
pub fn try_format(code: &str) -> Result<String, syn::Error> {
    syn::parse_file(code).map(|file| prettyplease::unparse(&file))
}

/// Compiles the Arazzo document at `path` (relative to `CARGO_MANIFEST_DIR` when relative)
/// and writes the formatted code to `out_file` (relative to `OUT_DIR` when relative).
/// Prints `cargo:rerun-if-changed` for every file read and `cargo:warning` for every
/// warning. On errors nothing is written and [`Error::Document`] holds them. An empty
/// `options.display_root` is taken as `CARGO_MANIFEST_DIR`.
pub fn generate(
    path: impl AsRef<Path>,
    out_file: impl AsRef<Path>,
    options: &Options,
) -> Result<Output, Error> {
    generate_to(path, out_file, options, &mut std::io::stdout().lock())
}

/// As [`generate`], with the cargo directives written to `directives` instead of stdout.
/// A file whose name a directive cannot carry is refused ([`Error::UnprintablePath`])
/// before anything is printed.
pub fn generate_to(
    path: impl AsRef<Path>,
    out_file: impl AsRef<Path>,
    options: &Options,
    directives: &mut dyn std::io::Write,
) -> Result<Output, Error> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let base = manifest.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = base.join(path.as_ref());
    let out_file = out_file.as_ref();
    let out_path = if out_file.is_absolute() {
        out_file.to_path_buf()
    } else {
        PathBuf::from(std::env::var_os("OUT_DIR").ok_or(Error::NoOutDir)?).join(out_file)
    };
    let mut options = options.clone();
    if options.display_root.as_os_str().is_empty() {
        options.display_root = base;
    }
    let out = compile(&path, &options);
    let mut files = Vec::new();
    for f in &out.files {
        files.push(printable(f).ok_or_else(|| Error::UnprintablePath(f.clone()))?);
    }
    let mut text = String::new();
    for f in files {
        text.push_str(&format!("cargo:rerun-if-changed={f}\n"));
    }
    for w in out.warnings() {
        for line in format!("warning: {w}").lines() {
            text.push_str(&format!("cargo:warning={}\n", warning_line(line)));
        }
    }
    directives
        .write_all(text.as_bytes())
        .map_err(|source| Error::Write {
            path: PathBuf::from("<cargo directives>"),
            source,
        })?;
    if out.has_errors() {
        return Err(Error::Document(out.errors().cloned().collect()));
    }
    let text = format(&out.code);
    let header = format!(
        "// Generated by arazzo-compiler from `{}`; do not edit.\n",
        crate::display_path(&options.display_root, &path)
    );
    std::fs::write(&out_path, header + &text).map_err(|source| Error::Write {
        path: out_path.clone(),
        source,
    })?;
    Ok(out)
}

//! `arazzo`: the Arazzo workflow compiler on the command line.
//!
//! - `arazzo check FILE...`: every diagnostic, rendered as the macro renders it (or as
//!   JSON lines, or SARIF); exit 0 without errors, 1 with errors, 2 on a usage or I/O problem.
//! - `arazzo fix FILE... [--dry-run]`: applies the machine-applicable suggestions in place
//!   as text edits (everything else in the file is untouched), then re-checks.
//! - `arazzo expand FILE`: the generated Rust, formatted.
//! - `arazzo graph FILE [--workflow ID] [--format mermaid|dot]`: each workflow's control flow.
//! - `arazzo init [--build-script] [--dir DIR]`: sets up the crate in the current
//!   directory for its Arazzo documents; with `--build-script`, in build-script mode
//!   (`build.rs` calling `arazzo_build::compile_dir`, see `docs/editors.md`).
//! - `arazzo lsp`: a language server on stdio (see `docs/language-server.md`).

mod init;
mod lsp;
mod render;
mod style;

use arazzo_compiler::diag::Code;
use arazzo_compiler::diag::{apply_suggestions, lint_named, Applicability, SourceFile, Suggestion};
use arazzo_compiler::{Diagnostic, Level, Options, Output};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use style::{ColorChoice, Style};

/// Check, fix and expand Arazzo workflow documents (and the OpenAPI descriptions they use).
#[derive(Parser, Debug)]
#[command(name = "arazzo", version, about)]
struct Cli {
    /// Coloured output: `auto` colours on a terminal only.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    /// No status lines (`Checking`, `Finished`) on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// Options shared by every subcommand: where remote source descriptions are, lint levels.
#[derive(clap::Args, Debug, Default)]
struct Common {
    /// A source description's local file: `--source petStore=specs/petstore.yaml`;
    /// or a remote URL's (`--source https://x.example/api.yaml=specs/api.yaml`), or the
    /// local directory of every URL under a prefix ending in `/`
    /// (`--source https://raw.githubusercontent.com/acme/api/main/=vendor/acme/`).
    #[arg(long = "source", value_name = "NAME=PATH")]
    sources: Vec<String>,
    /// Report this lint as an error (`dialect`, `unreachable_step`, `undocumented_content_type`,
    /// `manual_credential`).
    #[arg(short = 'D', long = "deny", value_name = "LINT")]
    deny: Vec<String>,
    /// Report this lint as a warning (the default).
    #[arg(short = 'W', long = "warn", value_name = "LINT")]
    warn: Vec<String>,
    /// Do not report this lint.
    #[arg(short = 'A', long = "allow", value_name = "LINT")]
    allow: Vec<String>,
    /// The directory source urls and `$ref`s may name files in (default: the document's
    /// crate, the nearest directory above it with a `Cargo.toml` or `.git`; without one, the
    /// current directory when the document is below it).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report every error and warning of the documents.
    Check {
        /// Arazzo documents (YAML or JSON).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Output format: rustc-style text, JSON lines (one object per diagnostic), or SARIF 2.1.0.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        common: Common,
    },
    /// Apply the machine-applicable suggestions in place, then re-check.
    Fix {
        /// Arazzo documents (YAML or JSON) to edit.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print the edits as a unified diff instead of writing them.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Print the generated Rust code, formatted.
    Expand {
        /// The Arazzo document.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Also print the generated test doubles (`mocks` in the macro; docs/testing.md).
        #[arg(long)]
        mocks: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Print each workflow's control flow (steps, branches, retries, calls) as a graph.
    Graph {
        /// The Arazzo document.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Only this workflow (its `workflowId`).
        #[arg(long, value_name = "ID")]
        workflow: Option<String>,
        /// Mermaid `flowchart` text, or Graphviz DOT.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Set up the crate of the current directory for the Arazzo documents of a folder.
    Init {
        /// Build-script mode: write `build.rs` (`arazzo_build::compile_dir`) and add
        /// `arazzo-build` to `[build-dependencies]`, so that the editor follows YAML edits.
        #[arg(long)]
        build_script: bool,
        /// The folder of the Arazzo documents, relative to the crate.
        #[arg(long, value_name = "DIR", default_value = "specs/arazzo")]
        dir: String,
    },
    /// Run the language server (LSP 3.17 on stdin/stdout) for editors.
    Lsp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz digraph (`dot -Tsvg`).
    Dot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// rustc style, with the YAML line.
    Human,
    /// One JSON object per diagnostic and line.
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
}

/// A usage or I/O problem: exit code 2.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("cannot read `{}`: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`--source {0}`: expected NAME=PATH")]
    SourceSyntax(String),
    #[error("unknown lint `{0}`; the lints are: {1}")]
    UnknownLint(String, String),
    #[error("cannot determine the current directory: {0}")]
    Cwd(std::io::Error),
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    #[error("{0}")]
    NoSuchWorkflow(String),
    #[error("{0}")]
    Init(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = Style::stderr(cli.color);
    let out_style = Style::stdout(cli.color);
    match run(cli, style, out_style) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}: {e}", style.error("error"));
            ExitCode::from(2)
        }
    }
}

/// The context of one run: options, display root, styles.
struct Ctx {
    cwd: PathBuf,
    options: Options,
    /// Styles of stderr (diagnostics, status lines).
    style: Style,
    /// Styles of stdout (the diff).
    out_style: Style,
    quiet: bool,
}

impl Ctx {
    fn new(common: &Common, style: Style, out_style: Style, quiet: bool) -> Result<Ctx, CliError> {
        let cwd = std::env::current_dir().map_err(CliError::Cwd)?;
        let mut options = Options {
            display_root: cwd.clone(),
            root: common.root.as_ref().map(|r| cwd.join(r)),
            ..Options::default()
        };
        for s in &common.sources {
            // A URL key may hold `=` in its query: split at the last one then.
            let split = if arazzo_compiler::resolve::is_url_key(s) {
                s.rsplit_once('=')
            } else {
                s.split_once('=')
            };
            let (name, path) = split
                .filter(|(n, p)| !n.is_empty() && !p.is_empty())
                .ok_or_else(|| CliError::SourceSyntax(s.clone()))?;
            let path = cwd.join(path);
            std::fs::metadata(&path).map_err(|source| CliError::Read {
                path: path.clone(),
                source,
            })?;
            options.sources.push((name.to_owned(), path));
        }
        for (names, level) in [
            (&common.allow, Level::Allow),
            (&common.warn, Level::Warn),
            (&common.deny, Level::Deny),
        ] {
            for n in names {
                let lint = lint_named(n).ok_or_else(|| {
                    let known: Vec<&str> = arazzo_compiler::LINTS.iter().map(|(n, _)| *n).collect();
                    CliError::UnknownLint(n.clone(), known.join(", "))
                })?;
                options.lints.push((lint.to_owned(), level));
            }
        }
        Ok(Ctx {
            cwd,
            options,
            style,
            out_style,
            quiet,
        })
    }

    /// The absolute path of a file named on the command line, after checking it can be read.
    fn document(&self, file: &Path) -> Result<(PathBuf, String), CliError> {
        let path = self.cwd.join(file);
        std::fs::metadata(&path).map_err(|source| CliError::Read {
            path: file.to_path_buf(),
            source,
        })?;
        let shown = arazzo_compiler::display_path(&self.options.display_root, &path);
        Ok((path, shown))
    }

    /// A cargo-style status line on stderr: the verb right-aligned in 12 columns.
    fn status(&self, verb: &str, what: &str) {
        if !self.quiet {
            eprintln!("{} {what}", self.style.status(&format!("{verb:>12}")));
        }
    }

    fn print_human(&self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            eprintln!("{}\n", render::human(d, self.style));
        }
    }
}

fn run(cli: Cli, style: Style, out_style: Style) -> Result<u8, CliError> {
    match cli.command {
        Command::Check {
            files,
            format,
            common,
        } => {
            let ctx = Ctx::new(&common, style, out_style, cli.quiet)?;
            check(&ctx, &files, format)
        }
        Command::Fix {
            files,
            dry_run,
            common,
        } => {
            let ctx = Ctx::new(&common, style, out_style, cli.quiet)?;
            fix(&ctx, &files, dry_run)
        }
        Command::Expand {
            file,
            mocks,
            common,
        } => {
            let mut ctx = Ctx::new(&common, style, out_style, cli.quiet)?;
            ctx.options.mocks = mocks;
            expand(&ctx, &file)
        }
        Command::Graph {
            file,
            workflow,
            format,
            common,
        } => {
            let ctx = Ctx::new(&common, style, out_style, cli.quiet)?;
            graph(&ctx, &file, workflow.as_deref(), format)
        }
        Command::Init { build_script, dir } => {
            let ctx = Ctx::new(&Common::default(), style, out_style, cli.quiet)?;
            init::init(&ctx, build_script, &dir)
        }
        Command::Lsp => match lsp::run() {
            Ok(()) => Ok(0),
            Err(e) => {
                eprintln!("arazzo lsp: {e}");
                Ok(1)
            }
        },
    }
}

fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('x')) {
        (1, _) => format!("1 {word}"),
        (_, true) => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}

fn check(ctx: &Ctx, files: &[PathBuf], format: Format) -> Result<u8, CliError> {
    let mut documents = Vec::new();
    let mut needs = Vec::new();
    for file in files {
        let (path, shown) = ctx.document(file)?;
        ctx.status("Checking", &shown);
        let out = arazzo_compiler::compile(&path, &ctx.options);
        needs.push(out.credentials);
        documents.push((shown, out.diagnostics));
    }
    let mut stdout = String::new();
    match format {
        Format::Human => {
            for ((shown, diagnostics), needs) in documents.iter().zip(&needs) {
                ctx.print_human(diagnostics);
                for n in needs {
                    ctx.status(
                        "Credential",
                        &format!(
                            "{shown}: `{}`/`{}` ({}) for {}",
                            n.source,
                            n.scheme,
                            n.kind,
                            n.steps.join(", ")
                        ),
                    );
                }
            }
        }
        Format::Json => {
            for ((shown, diagnostics), needs) in documents.iter().zip(&needs) {
                for d in diagnostics {
                    stdout.push_str(&render::json(d, shown).to_string());
                    stdout.push('\n');
                }
                for n in needs {
                    let line = serde_json::json!({
                        "document": shown,
                        "credential": {
                            "source": n.source,
                            "scheme": n.scheme,
                            "kind": n.kind,
                            "steps": n.steps,
                        },
                    });
                    stdout.push_str(&line.to_string());
                    stdout.push('\n');
                }
            }
        }
        Format::Sarif => {
            let log = render::sarif(&documents);
            stdout.push_str(&serde_json::to_string_pretty(&log).unwrap_or_default());
            stdout.push('\n');
        }
    }
    write_stdout(&stdout)?;
    let all: Vec<Diagnostic> = documents.into_iter().flat_map(|(_, d)| d).collect();
    let (errors, warnings) = counts(&all);
    let summary = format!(
        "{}: {}, {}",
        plural(files.len(), "document"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    Ok(finish(ctx, errors, &summary))
}

/// The closing status line and exit code: 1 with an error summary when errors
/// remain, else 0 with `Finished`.
fn finish(ctx: &Ctx, errors: usize, summary: &str) -> u8 {
    if errors > 0 {
        if !ctx.quiet {
            eprintln!("{}: {summary}", ctx.style.error("error"));
        }
        1
    } else {
        ctx.status("Finished", summary);
        0
    }
}

fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// Most rounds of fixing and re-checking one document (a fix can reveal another).
const MAX_ROUNDS: usize = 8;

/// Which problem a diagnostic reports, to tell whether an edit made it go away: its code
/// and its message (the same problem of the same thing reads the same, so a rewording
/// of a message changes both sides alike).
#[derive(PartialEq)]
struct ProblemKey(Code, String);

impl ProblemKey {
    fn of(d: &Diagnostic) -> ProblemKey {
        ProblemKey(d.code, d.message.clone())
    }
}

/// True when `out` reports a YAML syntax error (an edit broke the document's syntax).
fn broken_syntax(out: &Output) -> bool {
    out.diagnostics
        .iter()
        .any(|d| d.is_error() && d.code == Code::InvalidYaml)
}

/// The fixes of one document, computed in memory: the new text, the number of edits, and
/// the diagnostics of the new text.
///
/// Edits are applied one at a time from the end of the file backwards (earlier byte ranges
/// stay valid), each one kept only when the document still parses and the diagnostic it
/// fixes is gone (a safety net, e.g. for a `{` inside a YAML flow collection); then the
/// document is re-checked and the round repeats, as a fix can reveal another.
fn fixed(ctx: &Ctx, path: &Path, shown: &str, original: &str) -> Fixed {
    let compile = |text: &str| {
        let file = Arc::new(SourceFile {
            display: shown.to_owned(),
            text: text.to_owned(),
        });
        arazzo_compiler::compile_source(file, path, &ctx.options)
    };
    let mut text = original.to_owned();
    let mut applied = 0;
    let mut out = compile(&text);
    // Edits refused once (original, replacement) are not tried again.
    let mut refused: Vec<(String, String)> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        // Only the document itself is edited (not the OpenAPI or included documents). Each
        // edit keeps the identity of the diagnostic it fixes.
        let mut edits: Vec<(Suggestion, ProblemKey, Option<u32>)> = out
            .diagnostics
            .iter()
            .flat_map(|d| {
                let line = d.location.as_ref().map(|l| l.pos.line);
                d.suggestions
                    .iter()
                    .map(move |s| (s.clone(), ProblemKey::of(d), line))
            })
            .filter(|(s, _, _)| s.file.display == shown)
            .filter(|(s, _, _)| {
                s.applicability == Applicability::MachineApplicable && s.matches(&text)
            })
            .filter(|(s, _, _)| !refused.contains(&(s.original.clone(), s.replacement.clone())))
            .collect();
        edits.sort_by_key(|(s, _, _)| std::cmp::Reverse((s.range.start, s.range.end)));
        let mut round = 0;
        // The start of the last edit kept: edits must end before it (no overlaps).
        let mut limit = usize::MAX;
        for (edit, problem, line) in &edits {
            if edit.range.end > limit {
                continue;
            }
            let (candidate, n) = apply_suggestions(&text, [edit]);
            if n == 0 {
                continue;
            }
            let next = compile(&candidate);
            // Kept when the document still parses and the problem it fixes is gone (errors
            // it reveals further on are real and reported).
            let remains = next.diagnostics.iter().any(|d| {
                ProblemKey::of(d) == *problem && d.location.as_ref().map(|l| l.pos.line) == *line
            });
            if broken_syntax(&next) || remains {
                refused.push((edit.original.clone(), edit.replacement.clone()));
                continue;
            }
            limit = edit.range.start;
            text = candidate;
            out = next;
            round += 1;
        }
        if round == 0 {
            break;
        }
        applied += round;
    }
    Fixed {
        text,
        applied,
        refused: refused.len(),
        out,
    }
}

/// What [`fixed`] did to one document.
struct Fixed {
    /// The new text.
    text: String,
    /// Edits applied.
    applied: usize,
    /// Machine-applicable edits not applied because the document would no longer parse
    /// or the problem would remain.
    refused: usize,
    /// The diagnostics of the new text.
    out: Output,
}

fn fix(ctx: &Ctx, files: &[PathBuf], dry_run: bool) -> Result<u8, CliError> {
    let mut remaining = Vec::new();
    let mut total = 0;
    for file in files {
        let (path, shown) = ctx.document(file)?;
        let original = std::fs::read_to_string(&path).map_err(|source| CliError::Read {
            path: file.clone(),
            source,
        })?;
        ctx.status("Checking", &shown);
        let Fixed {
            text,
            applied,
            refused,
            out,
        } = fixed(ctx, &path, &shown, &original);
        if refused > 0 {
            eprintln!(
                "{}: {shown}: {} not applied: the document would no longer parse, or the problem would remain (apply by hand, e.g. quote the value)",
                ctx.style.warning("warning"),
                plural(refused, "suggested fix")
            );
        }
        total += applied;
        if applied > 0 {
            let what = format!("{shown} ({})", plural(applied, "fix"));
            if dry_run {
                if !ctx.quiet {
                    eprintln!("{} {what}", ctx.style.note(&format!("{:>12}", "Would fix")));
                }
                write_stdout(&diff(&original, &text, &shown, ctx.out_style))?;
            } else {
                std::fs::write(&path, &text).map_err(|source| CliError::Write {
                    path: file.clone(),
                    source,
                })?;
                ctx.status("Fixed", &what);
            }
        }
        remaining.extend(out.diagnostics);
    }
    ctx.print_human(&remaining);
    let (errors, warnings) = counts(&remaining);
    let summary = format!(
        "{} {}; {} and {} remain",
        plural(total, "fix"),
        if dry_run { "to apply" } else { "applied" },
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    Ok(finish(ctx, errors, &summary))
}

/// A unified diff (`--- a/file`, `+++ b/file`), coloured when stdout is a terminal.
fn diff(old: &str, new: &str, shown: &str, style: Style) -> String {
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string();
    text.lines()
        .map(|l| {
            if l.starts_with('+') && !l.starts_with("+++") {
                style.added(l)
            } else if l.starts_with('-') && !l.starts_with("---") {
                style.removed(l)
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect()
}

fn expand(ctx: &Ctx, file: &Path) -> Result<u8, CliError> {
    let (path, shown) = ctx.document(file)?;
    ctx.status("Expanding", &shown);
    let out = arazzo_compiler::compile(&path, &ctx.options);
    ctx.print_human(&out.diagnostics);
    if out.has_errors() {
        let (errors, _) = counts(&out.diagnostics);
        if !ctx.quiet {
            eprintln!(
                "{}: could not expand `{shown}` due to {}",
                ctx.style.error("error"),
                plural(errors, "error")
            );
        }
        return Ok(1);
    }
    match arazzo_compiler::build::try_format(&out.code) {
        Ok(code) => write_stdout(&code)?,
        Err(e) => {
            eprintln!(
                "{}: internal error (a bug, not a problem in your document): the code generated for `{shown}` does not parse: {e}",
                ctx.style.error("error")
            );
            return Ok(1);
        }
    }
    Ok(0)
}

/// The graph of a document's workflows: errors are reported as by `check` (exit 1), since
/// a graph of a document that does not check would show a flow that cannot run.
fn graph(
    ctx: &Ctx,
    file: &Path,
    workflow: Option<&str>,
    format: GraphFormat,
) -> Result<u8, CliError> {
    let (path, shown) = ctx.document(file)?;
    ctx.status("Graphing", &shown);
    let lowered = arazzo_compiler::lower(&path, &ctx.options);
    ctx.print_human(&lowered.diagnostics);
    let (errors, _) = counts(&lowered.diagnostics);
    if errors > 0 {
        if !ctx.quiet {
            eprintln!(
                "{}: could not graph `{shown}` due to {}",
                ctx.style.error("error"),
                plural(errors, "error")
            );
        }
        return Ok(1);
    }
    let format = match format {
        GraphFormat::Mermaid => arazzo_compiler::graph::Format::Mermaid,
        GraphFormat::Dot => arazzo_compiler::graph::Format::Dot,
    };
    let text = arazzo_compiler::graph::render(&lowered, workflow, format)
        .map_err(CliError::NoSuchWorkflow)?;
    write_stdout(&text)?;
    Ok(0)
}

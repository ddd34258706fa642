//! `arazzo lsp`: a Language Server Protocol 3.17 server on stdio for Arazzo documents.
//!
//! Built on `lsp-server` + `lsp-types` (rust-analyzer's transport): the compiler is
//! synchronous, so is the server: one thread reads messages, analyses with
//! [`arazzo_compiler::query::Analyzer`] (whose parsed OpenAPI files stay cached across
//! edits) and answers. Diagnostics are debounced ([`DEBOUNCE`]): a change schedules an
//! analysis, which runs when no message came for that long, or at once when a request
//! needs it. Every handler runs under `catch_unwind`: a panic is logged and answered
//! with an error, and the server stays up.

use arazzo_compiler::diag::{Applicability, Location as CLocation, SourceFile};
use arazzo_compiler::query::{Analysis, Analyzer, DocumentInfo, FactKind, Overlays, Scope};
use arazzo_compiler::{Diagnostic as CDiagnostic, Level, Options};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::{notification::Notification as _, request::Request as _, Url};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long after the last change diagnostics are computed.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// The command of the "Show graph" code lens: arguments `[uri, workflowId]`, result the
/// Mermaid text of the workflow's graph.
pub const SHOW_GRAPH: &str = "arazzo.showGraph";

/// Most completion items returned (operations of large descriptions are filtered by
/// what was typed first).
const MAX_ITEMS: usize = 1000;

/// The semantic token types, in legend order.
const TOKEN_TYPES: [lsp::SemanticTokenType; 4] = [
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::PROPERTY,
];

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs the server on stdin/stdout until the client asks it to exit.
pub fn run() -> Result<(), Error> {
    let (connection, io) = Connection::stdio();
    let (id, params) = connection.initialize_start()?;
    let init: lsp::InitializeParams = serde_json::from_value(params)?;
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "arazzo".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut server = Server::new(&connection, &init);
    server.main_loop()?;
    drop(connection);
    io.join()?;
    Ok(())
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(
                ["$", ".", "/", "#", ":", " "]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            ),
            ..Default::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::SOURCE_FIX_ALL,
                ]),
                ..Default::default()
            },
        )),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![SHOW_GRAPH.into()],
            ..Default::default()
        }),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: lsp::SemanticTokensLegend {
                        token_types: TOKEN_TYPES.to_vec(),
                        token_modifiers: Vec::new(),
                    },
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..Default::default()
                },
            ),
        ),
        ..Default::default()
    }
}

/// A document open in the editor.
struct OpenDoc {
    text: Arc<str>,
    /// An Arazzo document (analysed), else a file it may read (an OpenAPI description).
    arazzo: bool,
}

struct Server<'c> {
    conn: &'c Connection,
    analyzer: Analyzer,
    docs: HashMap<Url, OpenDoc>,
    /// The latest analysis of each open Arazzo document.
    analyses: HashMap<Url, Arc<Analysis>>,
    /// The latest analysis that read the document (for completion while it does not parse).
    good: HashMap<Url, Arc<Analysis>>,
    /// Documents to analyse, with when.
    dirty: HashMap<Url, Instant>,
    next_id: i32,
}

/// The workspace root: the first workspace folder, else `rootUri`, else the current directory.
fn workspace_root(init: &lsp::InitializeParams) -> PathBuf {
    let folder = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| f.uri.to_file_path().ok());
    #[allow(deprecated)]
    let root = init.root_uri.as_ref().and_then(|u| u.to_file_path().ok());
    folder
        .or(root)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// Options from `arazzo.toml` at the workspace root (see docs/language-server.md): the
/// `[sources]` mappings, `root` and `[lints]` levels. Problems are returned as messages.
pub fn load_config(root: &Path) -> (Options, Vec<String>) {
    let mut options = Options {
        display_root: root.to_path_buf(),
        ..Options::default()
    };
    let mut problems = Vec::new();
    let path = root.join("arazzo.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (options, problems);
    };
    let doc = match text.parse::<toml_edit::DocumentMut>() {
        Ok(d) => d,
        Err(e) => {
            problems.push(format!("arazzo.toml: {e}"));
            return (options, problems);
        }
    };
    if let Some(r) = doc.get("root").and_then(|v| v.as_str()) {
        options.root = Some(root.join(r));
    }
    if let Some(t) = doc.get("sources").and_then(|v| v.as_table_like()) {
        for (k, v) in t.iter() {
            match v.as_str() {
                Some(p) => options.sources.push((k.to_owned(), root.join(p))),
                None => problems.push(format!(
                    "arazzo.toml: `sources.{k}` must be a path (a string)"
                )),
            }
        }
    }
    if let Some(t) = doc.get("lints").and_then(|v| v.as_table_like()) {
        for (k, v) in t.iter() {
            let lint = arazzo_compiler::diag::lint_named(k);
            let level = v.as_str().and_then(Level::parse);
            match (lint, level) {
                (Some(l), Some(level)) => options.lints.push((l.to_owned(), level)),
                (None, _) => problems.push(format!("arazzo.toml: unknown lint `{k}`")),
                (_, None) => problems.push(format!(
                    "arazzo.toml: `lints.{k}` must be \"allow\", \"warn\" or \"deny\""
                )),
            }
        }
    }
    (options, problems)
}

/// Whether a file is an Arazzo document: by its name, else by an `arazzo` key.
fn is_arazzo(uri: &Url, text: &str) -> bool {
    let path = uri.path();
    if [".arazzo.yaml", ".arazzo.yml", ".arazzo.json"]
        .iter()
        .any(|s| path.ends_with(s))
    {
        return true;
    }
    text.lines()
        .take(200)
        .any(|l| l.starts_with("arazzo:") || l.trim_start().starts_with("\"arazzo\""))
}

/// Byte offsets and LSP positions (UTF-16 columns) of one text.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// The index of `text`.
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    fn position(&self, offset: usize) -> lsp::Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self
            .text
            .get(start..end)
            .map_or(0, |s| s.encode_utf16().count());
        lsp::Position::new(line as u32, col as u32)
    }

    fn range(&self, r: &std::ops::Range<usize>) -> lsp::Range {
        lsp::Range::new(self.position(r.start), self.position(r.end))
    }

    fn offset(&self, p: lsp::Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let mut units = 0usize;
        for (i, c) in self.text[start..].char_indices() {
            if units >= p.character as usize || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        self.text.len()
    }
}

/// `text` after the changes of one `didChange`, in order: a change with a range replaces
/// that range (LSP positions, UTF-16 columns, of the text as the earlier changes left it),
/// one without replaces the whole text.
fn apply_changes(text: &str, changes: Vec<lsp::TextDocumentContentChangeEvent>) -> String {
    let mut text = text.to_owned();
    for change in changes {
        match change.range {
            Some(r) => {
                let index = LineIndex::new(&text);
                let (a, b) = (index.offset(r.start), index.offset(r.end));
                let range = a.min(b)..a.max(b);
                text.replace_range(range, &change.text);
            }
            None => text = change.text,
        }
    }
    text
}

/// A compiler location as an LSP location (its file found through the analysis).
fn lsp_location(a: &Analysis, l: &CLocation) -> Option<lsp::Location> {
    let path = a.path_of(l)?;
    let uri = Url::from_file_path(path).ok()?;
    Some(lsp::Location::new(
        uri,
        LineIndex::new(&l.file.text).range(&l.range),
    ))
}

fn in_document(a: &Analysis, file: &Arc<SourceFile>) -> bool {
    a.files().next().is_some_and(|doc| {
        a.path_of(&CLocation::at_offset(file.clone(), Default::default(), 0)) == Some(doc)
    })
}

/// A compiler diagnostic as an LSP one, in the document's text.
pub fn lsp_diagnostic(a: &Analysis, index: &LineIndex<'_>, d: &CDiagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    let mut related = Vec::new();
    let range = match &d.location {
        Some(l) if in_document(a, &l.file) => index.range(&l.range),
        Some(l) => {
            message = format!("{}:{}:{}: {message}", l.file.display, l.pos.line, l.pos.col);
            if let Some(loc) = lsp_location(a, l) {
                related.push(lsp::DiagnosticRelatedInformation {
                    location: loc,
                    message: "the problem is here".into(),
                });
            }
            lsp::Range::default()
        }
        None => lsp::Range::default(),
    };
    for h in &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    for l in &d.labels {
        if let Some(loc) = lsp_location(a, &l.location) {
            related.push(lsp::DiagnosticRelatedInformation {
                location: loc,
                message: l.message.clone(),
            });
        }
    }
    lsp::Diagnostic {
        range,
        severity: Some(if d.is_error() {
            lsp::DiagnosticSeverity::ERROR
        } else {
            lsp::DiagnosticSeverity::WARNING
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("arazzo".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

/// A one-line summary of a schema: `string (date-time)`, `array of Pet`, `object {a, b}`.
fn schema_summary(s: &Value) -> String {
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ if s.get("properties").is_some() => "object".into(),
        _ if s.get("oneOf").is_some() || s.get("anyOf").is_some() => "one of several".into(),
        _ => "any".into(),
    };
    let mut out = match s.get("x-name").and_then(Value::as_str) {
        Some(n) => format!("{n}: {ty}"),
        None => ty.clone(),
    };
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        out.push_str(&format!(" ({f})"));
    }
    if ty == "array" {
        if let Some(items) = s.get("items") {
            out.push_str(&format!(" of {}", schema_summary(items)));
        }
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        let vals: Vec<String> = e.iter().take(10).map(Value::to_string).collect();
        out.push_str(&format!(", one of {}", vals.join(", ")));
    }
    if let Some(Value::Object(p)) = s.get("properties") {
        let names: Vec<&str> = p.keys().take(12).map(String::as_str).collect();
        let more = if p.len() > 12 { ", …" } else { "" };
        out.push_str(&format!(" {{{}{more}}}", names.join(", ")));
    }
    out
}

/// The properties of `schema` after walking `tokens` (a JSON pointer's tokens), with
/// their schemas and whether they are required.
fn properties_at(schema: &Value, tokens: &[String]) -> Vec<(String, Value, bool)> {
    let mut found = Vec::new();
    collect_at(schema, tokens, 0, &mut found);
    let mut seen = std::collections::HashSet::new();
    found.retain(|(n, _, _)| seen.insert(n.clone()));
    found
}

fn collect_at(s: &Value, tokens: &[String], depth: usize, out: &mut Vec<(String, Value, bool)>) {
    if depth > 32 {
        return;
    }
    for k in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(bs)) = s.get(k) {
            for b in bs {
                collect_at(b, tokens, depth + 1, out);
            }
        }
    }
    let Some((first, rest)) = tokens.split_first() else {
        if let Some(Value::Object(p)) = s.get("properties") {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (n, v) in p {
                out.push((n.clone(), v.clone(), required.contains(&n.as_str())));
            }
        }
        if let Some(items) = s.get("items") {
            out.push(("0".into(), items.clone(), false));
        }
        return;
    };
    if let Some(next) = s.get("properties").and_then(|p| p.get(first)) {
        collect_at(next, rest, depth + 1, out);
    } else if let (Some(items), true) = (s.get("items"), first.parse::<usize>().is_ok()) {
        collect_at(items, rest, depth + 1, out);
    } else if let Some(ap) = s.get("additionalProperties").filter(|v| v.is_object()) {
        collect_at(ap, rest, depth + 1, out);
    }
}

/// A JSON pointer's tokens (`/a~1b/0` → `a/b`, `0`).
fn pointer_tokens(p: &str) -> Vec<String> {
    p.split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The `key:` of the line at `offset` and the key of the block holding it (the nearest
/// line above, less indented, that ends a key with `:`).
fn line_context(text: &str, offset: usize) -> (String, String, Option<String>) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..offset];
    let body = line.trim_start();
    let mut indent = line.len() - body.len();
    let body = match body.strip_prefix("- ") {
        Some(b) => {
            indent += 2;
            b.trim_start()
        }
        None => body,
    };
    let key = body
        .split_once(':')
        .map(|(k, _)| k.trim().to_owned())
        .unwrap_or_default();
    let mut parent = None;
    for l in text[..start].lines().rev() {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = l.len() - t.len();
        if ind < indent {
            let t = t.strip_prefix("- ").unwrap_or(t);
            if let Some(k) = t
                .strip_suffix(':')
                .or_else(|| t.split_once(':').map(|(k, _)| k))
            {
                parent = Some(k.trim().to_owned());
            }
            break;
        }
    }
    (body.to_owned(), key, parent)
}

/// The nearest `stepId:` above `offset` (the step the cursor is in, when the text no
/// longer matches the last analysis).
fn step_above(text: &str, offset: usize) -> Option<String> {
    text[..offset].lines().rev().find_map(|l| {
        let t = l.trim_start();
        let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
        t.strip_prefix("stepId:")
            .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
    })
}

fn item(
    label: &str,
    kind: lsp::CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
    range: lsp::Range,
) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        documentation: doc.map(|d| lsp::Documentation::MarkupContent(markdown(d))),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
            range,
            label.to_owned(),
        ))),
        ..Default::default()
    }
}

/// The workflows of the document, as completion items (after `$workflows.`, and as
/// `workflowId` values).
fn workflow_items(doc: &DocumentInfo, seg: lsp::Range) -> Vec<lsp::CompletionItem> {
    doc.workflows
        .iter()
        .map(|w| {
            item(
                &w.id,
                lsp::CompletionItemKind::MODULE,
                Some("workflow".into()),
                w.description.clone(),
                seg,
            )
        })
        .collect()
}

/// Escapes a JSON pointer token.
fn escape_token(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

/// Completion items at `offset` of `text`, from `a` (the scope of the step there).
pub fn completions(a: &Analysis, text: &str, offset: usize) -> Vec<lsp::CompletionItem> {
    use lsp::CompletionItemKind as K;
    let index = LineIndex::new(text);
    let cursor = index.position(offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    // The scope: by position when the analysis read this text, else by the step id above.
    let scope: Option<&Scope> = if *a.text == *text {
        a.scope_at(offset)
    } else {
        step_above(text, offset)
            .and_then(|id| a.scopes().iter().find(|s| s.step.as_deref() == Some(&id)))
    };
    let doc = a.document();
    let range_from = |start: usize| lsp::Range::new(index.position(start), cursor);
    // A runtime expression being typed: from its `$` to the cursor.
    let expr_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| !c.is_whitespace() && !"\"'{}(),".contains(*c))
        .last()
        .map(|(i, _)| i);
    let expr = expr_start
        .map(|i| &before[i..])
        .and_then(|e| e.rfind('$').map(|j| &e[j..]));
    if let Some(e) = expr {
        let e_start = offset - e.len();
        let seg_start = offset - e.len() + e.rfind(['.', '/', '#']).map_or(0, |i| i + 1);
        let seg = range_from(seg_start);
        let items_of = |items: &[arazzo_compiler::query::Item], kind| {
            items
                .iter()
                .map(|i| {
                    item(
                        &i.name,
                        kind,
                        i.rust_type.clone(),
                        i.description.clone(),
                        seg,
                    )
                })
                .collect::<Vec<_>>()
        };
        let parts: Vec<&str> = e.split(['.']).collect();
        if let Some((base, ptr)) = e.split_once('#') {
            let tokens = pointer_tokens(ptr);
            let (walk, _) = tokens.split_at(tokens.len().saturating_sub(1));
            let schemas: Vec<&Value> = match base {
                "$response.body" => scope
                    .map(|s| {
                        s.responses
                            .iter()
                            .filter_map(|r| r.schema.as_ref())
                            .collect()
                    })
                    .unwrap_or_default(),
                "$request.body" => scope
                    .and_then(|s| s.request_body.as_ref())
                    .into_iter()
                    .collect(),
                "$message.payload" => scope
                    .map(|s| s.message_payloads.iter().collect())
                    .unwrap_or_default(),
                _ => {
                    let inputs = base
                        .strip_prefix("$inputs.")
                        .and_then(|n| scope?.inputs.iter().find(|i| i.name == n)?.schema.as_ref());
                    let step_out = base.strip_prefix("$steps.").and_then(|rest| {
                        let (step, out) = rest.split_once(".outputs.")?;
                        let s = scope?.steps.iter().find(|s| s.id == step)?;
                        s.outputs.iter().find(|o| o.name == out)?.schema.as_ref()
                    });
                    inputs.or(step_out).into_iter().collect()
                }
            };
            let mut out = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for s in schemas {
                for (name, schema, required) in properties_at(s, walk) {
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    let desc = schema
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let detail = format!(
                        "{}{}",
                        schema_summary(&schema),
                        if required { "" } else { " (optional)" }
                    );
                    let mut it = item(&name, K::FIELD, Some(detail), desc, seg);
                    it.text_edit = Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                        seg,
                        escape_token(&name),
                    )));
                    out.push(it);
                }
            }
            return out;
        }
        return match parts.as_slice() {
            [_] => [
                "$inputs.",
                "$steps.",
                "$outputs.",
                "$response.",
                "$request.",
                "$statusCode",
                "$url",
                "$method",
                "$workflows.",
                "$sourceDescriptions.",
                "$components.",
                "$message.",
                "$self",
            ]
            .iter()
            .map(|r| {
                let mut it = item(r, K::KEYWORD, None, None, range_from(e_start));
                it.filter_text = Some((*r).to_owned());
                it
            })
            .collect(),
            ["$inputs", _] => scope
                .map(|s| items_of(&s.inputs, K::FIELD))
                .unwrap_or_default(),
            ["$steps", _] => scope
                .map(|s| {
                    s.steps
                        .iter()
                        .map(|st| {
                            let outs: Vec<String> =
                                st.outputs.iter().map(|o| o.name.clone()).collect();
                            item(
                                &st.id,
                                K::REFERENCE,
                                Some(format!("step; outputs: {}", outs.join(", "))),
                                st.description.clone(),
                                seg,
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            ["$steps", _, _] => vec![item("outputs", K::KEYWORD, None, None, seg)],
            ["$steps", id, "outputs", _] => scope
                .and_then(|s| s.steps.iter().find(|st| st.id == *id))
                .map(|st| items_of(&st.outputs, K::FIELD))
                .unwrap_or_default(),
            ["$response", _] => ["body", "header"]
                .iter()
                .map(|k| item(k, K::KEYWORD, None, None, seg))
                .collect(),
            ["$request", _] => ["body", "header", "query", "path"]
                .iter()
                .map(|k| item(k, K::KEYWORD, None, None, seg))
                .collect(),
            ["$message", _] => ["payload", "header"]
                .iter()
                .map(|k| item(k, K::KEYWORD, None, None, seg))
                .collect(),
            ["$request", "query" | "path" | "header", _] => {
                let want = parts[1];
                scope
                    .and_then(|s| s.operation.as_ref())
                    .map(|o| {
                        o.parameters
                            .iter()
                            .filter(|p| p.location == want)
                            .map(|p| {
                                item(
                                    &p.name,
                                    K::FIELD,
                                    Some(format!("in: {}", p.location)),
                                    None,
                                    seg,
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            }
            ["$sourceDescriptions", _] => doc
                .sources
                .iter()
                .map(|s| item(&s.name, K::MODULE, Some(s.kind.clone()), None, seg))
                .collect(),
            ["$sourceDescriptions", src, _] => doc
                .operations
                .iter()
                .filter(|o| o.source == *src)
                .filter_map(|o| {
                    let id = o.operation_id.as_ref()?;
                    Some(item(
                        id,
                        K::FUNCTION,
                        Some(format!("{} {}", o.method, o.path)),
                        o.summary.clone(),
                        seg,
                    ))
                })
                .take(MAX_ITEMS)
                .collect(),
            ["$components", _] => ["inputs", "parameters", "successActions", "failureActions"]
                .iter()
                .map(|k| item(k, K::KEYWORD, None, None, seg))
                .collect(),
            ["$components", kind, _] => doc
                .components
                .iter()
                .filter(|c| c.kind == *kind)
                .map(|c| item(&c.name, K::REFERENCE, Some(c.kind.clone()), None, seg))
                .collect(),
            ["$workflows", _] => workflow_items(doc, seg),
            ["$workflows", _, _] => ["inputs", "outputs"]
                .iter()
                .map(|k| item(k, K::KEYWORD, None, None, seg))
                .collect(),
            ["$workflows", id, field, _] => doc
                .workflows
                .iter()
                .find(|w| w.id == *id)
                .map(|w| {
                    let list = if *field == "inputs" {
                        &w.inputs
                    } else {
                        &w.outputs
                    };
                    items_of(list, K::FIELD)
                })
                .unwrap_or_default(),
            ["$outputs", _] => scope
                .and_then(|s| {
                    let id = s.step.as_ref()?;
                    let all = a.scope_of(&s.workflow, None)?;
                    all.steps.iter().find(|st| st.id == *id)
                })
                .map(|st| items_of(&st.outputs, K::FIELD))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
    }
    // Status codes after `$statusCode ==`.
    let trimmed = before.trim_end_matches(|c: char| c.is_ascii_digit());
    let typed = &before[trimmed.len()..];
    let cmp = trimmed.trim_end();
    if ["==", "!=", "<", ">", "<=", ">="]
        .iter()
        .any(|op| cmp.ends_with(op))
        && cmp
            .trim_end_matches(['=', '!', '<', '>'])
            .trim_end()
            .ends_with("$statusCode")
    {
        let seg = range_from(offset - typed.len());
        return scope
            .map(|s| {
                s.status_codes
                    .iter()
                    .filter(|(c, _)| c.chars().all(|ch| ch.is_ascii_digit()))
                    .map(|(c, d)| item(c, K::VALUE, Some("status code".into()), d.clone(), seg))
                    .collect()
            })
            .unwrap_or_default();
    }
    // A value after `key:`.
    let (body, key, parent) = line_context(text, offset);
    let Some((_, value)) = body.split_once(':') else {
        return Vec::new();
    };
    let typed_value = value.trim_start().trim_start_matches(['"', '\'']);
    let seg = range_from(offset - typed_value.len());
    match (key.as_str(), parent.as_deref()) {
        ("operationId", _) => doc
            .operations
            .iter()
            .filter_map(|o| {
                let id = o.operation_id.as_ref()?;
                id.starts_with(typed_value).then(|| {
                    item(
                        id,
                        K::FUNCTION,
                        Some(format!("{} {} ({})", o.method, o.path, o.source)),
                        o.summary.clone(),
                        seg,
                    )
                })
            })
            .take(MAX_ITEMS)
            .collect(),
        ("workflowId", _) => workflow_items(doc, seg),
        ("stepId", Some("onSuccess" | "onFailure" | "successActions" | "failureActions"))
        | ("dependsOn", _) => {
            let wf = scope.map(|s| s.workflow.clone());
            doc.workflows
                .iter()
                .filter(|w| Some(&w.id) == wf.as_ref())
                .flat_map(|w| w.steps.iter())
                .map(|(id, _)| item(id, K::REFERENCE, Some("step".into()), None, seg))
                .collect()
        }
        ("name", Some("parameters")) => scope
            .and_then(|s| s.operation.as_ref())
            .map(|o| {
                o.parameters
                    .iter()
                    .map(|p| {
                        let required = if p.required { ", required" } else { "" };
                        item(
                            &p.name,
                            K::FIELD,
                            Some(format!("in: {}{required}", p.location)),
                            None,
                            seg,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The hover text of the fact at `offset`.
fn hover(a: &Analysis, offset: usize) -> Option<lsp::Hover> {
    let f = a.at(offset)?;
    let mut parts = Vec::new();
    if let Some(op) = &f.operation {
        parts.push(format!(
            "**{}** `{}` (source `{}`)",
            op.method, op.path, op.source
        ));
        if let Some(s) = &op.summary {
            parts.push(s.clone());
        }
        if !op.parameters.is_empty() {
            let ps: Vec<String> = op
                .parameters
                .iter()
                .map(|p| {
                    format!(
                        "`{}` ({}{})",
                        p.name,
                        p.location,
                        if p.required { ", required" } else { "" }
                    )
                })
                .collect();
            parts.push(format!("parameters: {}", ps.join(", ")));
        }
    } else {
        match &f.rust_type {
            Some(t) => parts.push(format!("`{}`: `{t}`", f.text)),
            None => parts.push(format!("`{}`", f.text)),
        }
    }
    if let Some(d) = &f.description {
        if f.operation.is_none() {
            parts.push(d.clone());
        }
    }
    if let Some(s) = &f.schema {
        parts.push(format!("schema: `{}`", schema_summary(s)));
    }
    if let Some(l) = &f.declared_at {
        parts.push(format!(
            "declared at `{}:{}:{}`",
            l.file.display, l.pos.line, l.pos.col
        ));
    }
    let index = LineIndex::new(&a.text);
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(parts.join("\n\n"))),
        range: Some(index.range(&f.range)),
    })
}

/// The code actions of the suggestions of the diagnostics in `range`, and "fix all".
fn code_actions(
    a: &Analysis,
    uri: &Url,
    range: lsp::Range,
    only: Option<&[lsp::CodeActionKind]>,
) -> Vec<lsp::CodeActionOrCommand> {
    let index = LineIndex::new(&a.text);
    let (from, to) = (index.offset(range.start), index.offset(range.end));
    let wants = |k: &lsp::CodeActionKind| {
        only.is_none_or(|o| o.iter().any(|w| k.as_str().starts_with(w.as_str())))
    };
    let mut out = Vec::new();
    let edit_of = |s: &arazzo_compiler::diag::Suggestion| -> Option<(Url, lsp::TextEdit)> {
        let path = a.path_of(&CLocation::at_offset(s.file.clone(), Default::default(), 0))?;
        let target = Url::from_file_path(path).ok()?;
        let r = LineIndex::new(&s.file.text).range(&s.range);
        Some((target, lsp::TextEdit::new(r, s.replacement.clone())))
    };
    let mut all: Vec<&arazzo_compiler::diag::Suggestion> = Vec::new();
    for d in &a.diagnostics {
        let here = d.location.as_ref().filter(|l| in_document(a, &l.file));
        for s in &d.suggestions {
            if s.applicability == Applicability::MachineApplicable
                && in_document(a, &s.file)
                && s.matches(&a.text)
            {
                all.push(s);
            }
        }
        let Some(l) = here else { continue };
        if l.range.end < from || l.range.start > to || !wants(&lsp::CodeActionKind::QUICKFIX) {
            continue;
        }
        let diag = lsp_diagnostic(a, &index, d);
        for s in &d.suggestions {
            let Some((target, edit)) = edit_of(s) else {
                continue;
            };
            let title = if s.original.is_empty() {
                format!("Insert `{}`", s.replacement)
            } else if s.replacement.is_empty() {
                format!("Remove `{}`", s.original)
            } else {
                format!("Replace `{}` with `{}`", s.original, s.replacement)
            };
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title,
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(target, vec![edit])])),
                    ..Default::default()
                }),
                is_preferred: Some(s.applicability == Applicability::MachineApplicable),
                ..Default::default()
            }));
        }
    }
    if wants(&lsp::CodeActionKind::SOURCE_FIX_ALL) && !all.is_empty() {
        all.sort_by_key(|s| (s.range.start, s.range.end));
        let mut edits = Vec::new();
        let mut end = 0;
        for s in all {
            if s.range.start < end
                || (!edits.is_empty() && s.range.start == end && s.range.is_empty())
            {
                continue;
            }
            end = s.range.end;
            edits.push(lsp::TextEdit::new(
                index.range(&s.range),
                s.replacement.clone(),
            ));
        }
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Fix all machine-applicable problems ({})", edits.len()),
            kind: Some(lsp::CodeActionKind::SOURCE_FIX_ALL),
            edit: Some(lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }),
            ..Default::default()
        }));
    }
    out
}

#[allow(deprecated)]
fn symbols(a: &Analysis) -> Vec<lsp::DocumentSymbol> {
    let index = LineIndex::new(&a.text);
    a.document()
        .workflows
        .iter()
        .map(|w| {
            let selection = w
                .declared_at
                .as_ref()
                .map_or_else(|| index.range(&w.range), |l| index.range(&l.range));
            let children = w
                .steps
                .iter()
                .filter_map(|(id, at)| {
                    let at = at.as_ref()?;
                    let scope = a.scope_of(&w.id, Some(id));
                    let range =
                        scope.map_or_else(|| index.range(&at.range), |s| index.range(&s.range));
                    let sel = index.range(&at.range);
                    Some(lsp::DocumentSymbol {
                        name: id.clone(),
                        detail: scope
                            .and_then(|s| s.operation.as_ref())
                            .map(|o| format!("{} {}", o.method, o.path)),
                        kind: lsp::SymbolKind::METHOD,
                        tags: None,
                        deprecated: None,
                        range: union(range, sel),
                        selection_range: sel,
                        children: None,
                    })
                })
                .collect();
            let range = index.range(&w.range);
            lsp::DocumentSymbol {
                name: w.id.clone(),
                detail: w.description.clone(),
                kind: lsp::SymbolKind::FUNCTION,
                tags: None,
                deprecated: None,
                range: union(range, selection),
                selection_range: selection,
                children: Some(children),
            }
        })
        .collect()
}

/// The smallest range holding both.
fn union(a: lsp::Range, b: lsp::Range) -> lsp::Range {
    let key = |p: lsp::Position| (p.line, p.character);
    lsp::Range::new(
        if key(a.start) <= key(b.start) {
            a.start
        } else {
            b.start
        },
        if key(a.end) >= key(b.end) {
            a.end
        } else {
            b.end
        },
    )
}

fn semantic_tokens(a: &Analysis) -> lsp::SemanticTokens {
    let index = LineIndex::new(&a.text);
    let mut data = Vec::new();
    let (mut line, mut col) = (0u32, 0u32);
    let mut last_end = 0usize;
    for f in a.facts() {
        if f.range.start < last_end || f.range.is_empty() {
            continue;
        }
        let ty = match f.kind {
            FactKind::Expression => 0,
            FactKind::OperationId | FactKind::OperationPath => 1,
            FactKind::WorkflowId => 2,
            FactKind::StepRef => 3,
            FactKind::Declaration => continue,
        };
        let (start, end) = (index.position(f.range.start), index.position(f.range.end));
        if start.line != end.line {
            continue;
        }
        last_end = f.range.end;
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - col
        } else {
            start.character
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: ty,
            token_modifiers_bitset: 0,
        });
        line = start.line;
        col = start.character;
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

fn code_lenses(a: &Analysis, uri: &Url) -> Vec<lsp::CodeLens> {
    let index = LineIndex::new(&a.text);
    a.document()
        .workflows
        .iter()
        .filter_map(|w| {
            let at = w.declared_at.as_ref()?;
            Some(lsp::CodeLens {
                range: index.range(&at.range),
                command: Some(lsp::Command {
                    title: "Show graph".into(),
                    command: SHOW_GRAPH.into(),
                    arguments: Some(vec![json!(uri), json!(w.id)]),
                }),
                data: None,
            })
        })
        .collect()
}

impl<'c> Server<'c> {
    fn new(conn: &'c Connection, init: &lsp::InitializeParams) -> Self {
        let root = workspace_root(init);
        let (options, problems) = load_config(&root);
        let server = Server {
            conn,
            analyzer: Analyzer::new(options),
            docs: HashMap::new(),
            analyses: HashMap::new(),
            good: HashMap::new(),
            dirty: HashMap::new(),
            next_id: 0,
        };
        for p in problems {
            server.show(lsp::MessageType::WARNING, p);
        }
        let watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        server.with_watch(watch)
    }

    /// Asks the client to report changes of YAML and JSON files and of `arazzo.toml`.
    fn with_watch(mut self, watch: bool) -> Self {
        if watch {
            let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: ["**/*.{yaml,yml,json}", "**/arazzo.toml"]
                    .iter()
                    .map(|g| lsp::FileSystemWatcher {
                        glob_pattern: lsp::GlobPattern::String((*g).into()),
                        kind: None,
                    })
                    .collect(),
            };
            let params = lsp::RegistrationParams {
                registrations: vec![lsp::Registration {
                    id: "arazzo-watch".into(),
                    method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            };
            self.next_id += 1;
            let req = Request::new(
                RequestId::from(format!("arazzo-{}", self.next_id)),
                lsp::request::RegisterCapability::METHOD.into(),
                params,
            );
            let _ = self.conn.sender.send(req.into());
        }
        self
    }

    fn log(&self, message: String) {
        eprintln!("arazzo lsp: {message}");
        let n = Notification::new(
            lsp::notification::LogMessage::METHOD.into(),
            lsp::LogMessageParams {
                typ: lsp::MessageType::LOG,
                message,
            },
        );
        let _ = self.conn.sender.send(n.into());
    }

    fn show(&self, typ: lsp::MessageType, message: String) {
        let n = Notification::new(
            lsp::notification::ShowMessage::METHOD.into(),
            lsp::ShowMessageParams { typ, message },
        );
        let _ = self.conn.sender.send(n.into());
    }

    fn main_loop(&mut self) -> Result<(), Error> {
        loop {
            let now = Instant::now();
            let wait = self
                .dirty
                .values()
                .min()
                .map_or(Duration::from_secs(3600), |d| {
                    d.saturating_duration_since(now)
                });
            match self.conn.receiver.recv_timeout(wait) {
                Ok(Message::Request(req)) => {
                    if self.conn.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    let id = req.id.clone();
                    let method = req.method.clone();
                    let resp = match catch_unwind(AssertUnwindSafe(|| self.request(req))) {
                        Ok(Ok(v)) => Response::new_ok(id, v),
                        Ok(Err((code, m))) => Response::new_err(id, code as i32, m),
                        Err(p) => {
                            let m = panic_message(&p);
                            self.log(format!("panic in `{method}`: {m}"));
                            Response::new_err(
                                id,
                                ErrorCode::InternalError as i32,
                                format!("internal error: {m}"),
                            )
                        }
                    };
                    self.conn.sender.send(resp.into())?;
                }
                Ok(Message::Notification(n)) => {
                    let method = n.method.clone();
                    if method == lsp::notification::Exit::METHOD {
                        return Ok(());
                    }
                    if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.notification(n))) {
                        self.log(format!("panic in `{method}`: {}", panic_message(&p)));
                    }
                }
                Ok(Message::Response(_)) => {}
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    let due: Vec<Url> = self
                        .dirty
                        .iter()
                        .filter(|(_, t)| **t <= now)
                        .map(|(u, _)| u.clone())
                        .collect();
                    for uri in due {
                        if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.analyze(&uri))) {
                            self.dirty.remove(&uri);
                            self.log(format!("panic analysing {uri}: {}", panic_message(&p)));
                        }
                    }
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }

    fn overlays(&self) -> Overlays {
        self.docs
            .iter()
            .filter_map(|(u, d)| Some((u.to_file_path().ok()?, d.text.clone())))
            .collect()
    }

    /// Analyses an open Arazzo document now and publishes its diagnostics.
    fn analyze(&mut self, uri: &Url) {
        self.dirty.remove(uri);
        let Some(doc) = self.docs.get(uri).filter(|d| d.arazzo) else {
            return;
        };
        let Ok(path) = uri.to_file_path() else {
            return;
        };
        let text = doc.text.clone();
        let analysis = Arc::new(self.analyzer.analyze(&path, &self.overlays()));
        let index = LineIndex::new(&text);
        let diagnostics = analysis
            .diagnostics
            .iter()
            .map(|d| lsp_diagnostic(&analysis, &index, d))
            .collect();
        let n = Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.into(),
            lsp::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version: None,
            },
        );
        let _ = self.conn.sender.send(n.into());
        if !analysis.scopes().is_empty() || !analysis.document().workflows.is_empty() {
            self.good.insert(uri.clone(), analysis.clone());
        }
        self.analyses.insert(uri.clone(), analysis);
    }

    /// The analysis of the document's current text (made now when a change is pending).
    fn fresh(&mut self, uri: &Url) -> Option<Arc<Analysis>> {
        let text = self.docs.get(uri)?.text.clone();
        let stale = self
            .analyses
            .get(uri)
            .is_none_or(|a| *a.text != *text || self.dirty.contains_key(uri));
        if stale {
            self.analyze(uri);
        }
        self.analyses.get(uri).cloned()
    }

    /// Schedules the Arazzo documents that read `path` (all of them when unknown).
    fn dependents_changed(&mut self, path: Option<&Path>) {
        let when = Instant::now() + DEBOUNCE;
        let open: Vec<Url> = self
            .docs
            .iter()
            .filter(|(_, d)| d.arazzo)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in open {
            let reads = match (path, self.analyses.get(&uri)) {
                (Some(p), Some(a)) => {
                    let canonical = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
                    a.files().any(|f| f == p || f == canonical)
                }
                _ => true,
            };
            if reads {
                self.dirty.insert(uri, when);
            }
        }
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification as N;
        match n.method.as_str() {
            N::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                let arazzo = is_arazzo(&uri, &p.text_document.text);
                self.docs.insert(
                    uri.clone(),
                    OpenDoc {
                        text: p.text_document.text.into(),
                        arazzo,
                    },
                );
                if arazzo {
                    self.analyze(&uri);
                } else {
                    self.dependents_changed(uri.to_file_path().ok().as_deref());
                }
            }
            N::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                if p.content_changes.is_empty() {
                    return;
                }
                let before = self.docs.get(&uri).map(|d| d.text.clone());
                let text = apply_changes(before.as_deref().unwrap_or(""), p.content_changes);
                let arazzo = is_arazzo(&uri, &text);
                self.docs.insert(
                    uri.clone(),
                    OpenDoc {
                        text: text.into(),
                        arazzo,
                    },
                );
                if arazzo {
                    self.dirty.insert(uri, Instant::now() + DEBOUNCE);
                } else {
                    self.dependents_changed(uri.to_file_path().ok().as_deref());
                }
            }
            N::DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params)
                else {
                    return;
                };
                if self
                    .docs
                    .get(&p.text_document.uri)
                    .is_some_and(|d| !d.arazzo)
                {
                    self.dependents_changed(p.text_document.uri.to_file_path().ok().as_deref());
                }
            }
            N::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                let was = self.docs.remove(&uri);
                self.analyses.remove(&uri);
                self.good.remove(&uri);
                self.dirty.remove(&uri);
                if was.is_some_and(|d| d.arazzo) {
                    let n = Notification::new(
                        N::PublishDiagnostics::METHOD.into(),
                        lsp::PublishDiagnosticsParams {
                            uri,
                            diagnostics: Vec::new(),
                            version: None,
                        },
                    );
                    let _ = self.conn.sender.send(n.into());
                } else {
                    self.dependents_changed(uri.to_file_path().ok().as_deref());
                }
            }
            N::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params)
                else {
                    return;
                };
                for c in p.changes {
                    let path = c.uri.to_file_path().ok();
                    if path.as_ref().is_some_and(|p| p.ends_with("arazzo.toml")) {
                        let root = path
                            .as_ref()
                            .and_then(|p| p.parent())
                            .map(Path::to_path_buf)
                            .unwrap_or_default();
                        let (options, problems) = load_config(&root);
                        for m in problems {
                            self.show(lsp::MessageType::WARNING, m);
                        }
                        self.analyzer = Analyzer::new(options);
                        self.dependents_changed(None);
                    } else {
                        self.dependents_changed(path.as_deref());
                    }
                }
            }
            _ => {}
        }
    }

    /// Answers a request: its result, or an error code and message.
    fn request(&mut self, req: Request) -> Result<Value, (ErrorCode, String)> {
        use lsp::request as R;
        let bad = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        let ok = |v: Result<Value, serde_json::Error>| {
            v.map_err(|e| (ErrorCode::InternalError, e.to_string()))
        };
        match req.method.as_str() {
            R::Completion::METHOD => {
                let p: lsp::CompletionParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position.text_document.uri;
                let Some(text) = self.docs.get(&uri).map(|d| d.text.clone()) else {
                    return Ok(Value::Null);
                };
                // The latest analysis, even when an edit is pending (the scopes of the
                // step are found by its `stepId` then): completion does not wait for
                // the debounced analysis. While the document does not parse, the last
                // analysis that read it.
                let latest = match self.analyses.get(&uri) {
                    Some(a) => Some(a.clone()),
                    None => self.fresh(&uri),
                };
                let a = match latest {
                    Some(a) if !a.scopes().is_empty() || !a.document().workflows.is_empty() => {
                        Some(a)
                    }
                    _ => self.good.get(&uri).cloned(),
                };
                let Some(a) = a else {
                    return ok(serde_json::to_value(Vec::<lsp::CompletionItem>::new()));
                };
                let offset = LineIndex::new(&text).offset(p.text_document_position.position);
                let items = completions(&a, &text, offset);
                ok(serde_json::to_value(lsp::CompletionResponse::List(
                    lsp::CompletionList {
                        is_incomplete: items.len() >= MAX_ITEMS,
                        items,
                    },
                )))
            }
            R::HoverRequest::METHOD => {
                let p: lsp::HoverParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position_params.text_document.uri;
                let Some(a) = self.fresh(&uri) else {
                    return Ok(Value::Null);
                };
                let offset =
                    LineIndex::new(&a.text).offset(p.text_document_position_params.position);
                ok(serde_json::to_value(hover(&a, offset)))
            }
            R::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position_params.text_document.uri;
                let Some(a) = self.fresh(&uri) else {
                    return Ok(Value::Null);
                };
                let offset =
                    LineIndex::new(&a.text).offset(p.text_document_position_params.position);
                let loc = a
                    .at(offset)
                    .and_then(|f| f.declared_at.as_ref())
                    .and_then(|l| lsp_location(&a, l));
                ok(serde_json::to_value(
                    loc.map(lsp::GotoDefinitionResponse::Scalar),
                ))
            }
            R::References::METHOD => {
                let p: lsp::ReferenceParams = serde_json::from_value(req.params).map_err(bad)?;
                let uri = p.text_document_position.text_document.uri;
                let Some(a) = self.fresh(&uri) else {
                    return Ok(Value::Null);
                };
                let index = LineIndex::new(&a.text);
                let offset = index.offset(p.text_document_position.position);
                let mut locs: Vec<lsp::Location> = a
                    .references(offset)
                    .into_iter()
                    .filter(|f| p.context.include_declaration || f.kind != FactKind::Declaration)
                    .map(|f| lsp::Location::new(uri.clone(), index.range(&f.range)))
                    .collect();
                if p.context.include_declaration {
                    if let Some(l) = a
                        .at(offset)
                        .and_then(|f| f.declared_at.as_ref())
                        .and_then(|l| lsp_location(&a, l))
                    {
                        if !locs.contains(&l) {
                            locs.insert(0, l);
                        }
                    }
                }
                ok(serde_json::to_value(locs))
            }
            R::DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let Some(a) = self.fresh(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                ok(serde_json::to_value(lsp::DocumentSymbolResponse::Nested(
                    symbols(&a),
                )))
            }
            R::SemanticTokensFullRequest::METHOD => {
                let p: lsp::SemanticTokensParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let Some(a) = self.fresh(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                ok(serde_json::to_value(semantic_tokens(&a)))
            }
            R::CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = serde_json::from_value(req.params).map_err(bad)?;
                let Some(a) = self.fresh(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                ok(serde_json::to_value(code_actions(
                    &a,
                    &p.text_document.uri,
                    p.range,
                    p.context.only.as_deref(),
                )))
            }
            R::CodeLensRequest::METHOD => {
                let p: lsp::CodeLensParams = serde_json::from_value(req.params).map_err(bad)?;
                let Some(a) = self.fresh(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                ok(serde_json::to_value(code_lenses(&a, &p.text_document.uri)))
            }
            R::ExecuteCommand::METHOD => {
                let p: lsp::ExecuteCommandParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                if p.command != SHOW_GRAPH {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!("unknown command `{}`", p.command),
                    ));
                }
                let (Some(uri), Some(wf)) = (
                    p.arguments
                        .first()
                        .and_then(|u| serde_json::from_value::<Url>(u.clone()).ok()),
                    p.arguments.get(1).and_then(Value::as_str),
                ) else {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!("`{SHOW_GRAPH}` takes [uri, workflowId]"),
                    ));
                };
                let Some(a) = self.fresh(&uri) else {
                    return Err((ErrorCode::InvalidParams, format!("{uri} is not open")));
                };
                a.graph(wf)
                    .map(Value::String)
                    .map_err(|e| (ErrorCode::InvalidParams, e))
            }
            // Debug builds only: a handler that panics, for the tests of the recovery.
            #[cfg(debug_assertions)]
            "arazzo/debugPanic" => panic!("a panic requested by the client"),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unsupported request `{}`", req.method),
            )),
        }
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

#[cfg(test)]
mod tests {
    // (Also compiled, without its tests, into the `lsp` benchmark.)
    #[allow(unused_imports)]
    use super::*;

    /// Every prefix of the seed (a document being typed from the top) is analysed, and
    /// completion, hover and the other queries answer at its end, without panicking.
    #[test]
    fn every_prefix_of_the_seed_gets_answers() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let path = repo
            .join("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml")
            .canonicalize()
            .expect("the seed");
        let text = std::fs::read_to_string(&path).expect("the seed");
        let analyzer = Analyzer::new(Options::default());
        let full = analyzer.analyze(&path, &Overlays::new());
        let uri = Url::from_file_path(&path).expect("a file URI");
        let mut cut = 0;
        while cut <= text.len() {
            if text.is_char_boundary(cut) {
                let prefix = &text[..cut];
                let mut overlays = Overlays::new();
                overlays.insert(path.clone(), prefix.into());
                let a = analyzer.analyze(&path, &overlays);
                let index = LineIndex::new(prefix);
                for d in &a.diagnostics {
                    lsp_diagnostic(&a, &index, d);
                }
                completions(&a, prefix, cut);
                completions(&full, prefix, cut);
                hover(&a, cut);
                let end = index.position(cut);
                code_actions(&a, &uri, lsp::Range::new(end, end), None);
                symbols(&a);
                semantic_tokens(&a);
                code_lenses(&a, &uri);
            }
            cut += 23;
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_in_utf16_columns() {
        let change = |range: Option<((u32, u32), (u32, u32))>, text: &str| {
            lsp::TextDocumentContentChangeEvent {
                range: range.map(|((a, b), (c, d))| {
                    lsp::Range::new(lsp::Position::new(a, b), lsp::Position::new(c, d))
                }),
                range_length: None,
                text: text.to_owned(),
            }
        };
        let text = "a: '\u{1D11E} x'\nb: 1\n";
        let changes = vec![
            // After the two UTF-16 units of the clef: `x` becomes `yz`.
            change(Some(((0, 7), (0, 8))), "yz"),
            // On the text the first change left: a new line, then `b` renamed.
            change(Some(((1, 0), (1, 0))), "c: 2\n"),
            change(Some(((2, 0), (2, 1))), "d"),
        ];
        assert_eq!(
            apply_changes(text, changes),
            "a: '\u{1D11E} yz'\nc: 2\nd: 1\n"
        );
        // Without a range: the whole text.
        assert_eq!(apply_changes("old", vec![change(None, "new")]), "new");
        // A range past the end of the text ends there.
        assert_eq!(
            apply_changes("ab", vec![change(Some(((0, 1), (9, 9))), "!")]),
            "a!"
        );
    }

    #[test]
    fn positions_count_utf16_units() {
        let text = "a: é😀x\nb: y\n";
        let i = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(i.position(x), lsp::Position::new(0, 6));
        assert_eq!(i.offset(lsp::Position::new(0, 6)), x);
        assert_eq!(i.offset(lsp::Position::new(1, 3)), text.find('y').unwrap());
        assert_eq!(i.offset(lsp::Position::new(9, 0)), text.len());
    }

    #[test]
    fn block_keys_are_found_above() {
        let text = "steps:\n  - stepId: a\n    parameters:\n      - name: i";
        let (_, key, parent) = line_context(text, text.len());
        assert_eq!(
            (key.as_str(), parent.as_deref()),
            ("name", Some("parameters"))
        );
        assert_eq!(step_above(text, text.len()).as_deref(), Some("a"));
    }

    #[test]
    fn properties_are_read_through_pointers_and_compositions() {
        let s = json!({"type": "object", "properties": {"a": {"allOf": [{"properties": {"b": {"type": "string"}}}]},
            "list": {"type": "array", "items": {"properties": {"c": {}}}}}, "required": ["a"]});
        let top: Vec<(String, bool)> = properties_at(&s, &[])
            .into_iter()
            .map(|(n, _, r)| (n, r))
            .collect();
        assert_eq!(top, [("a".to_owned(), true), ("list".to_owned(), false)]);
        assert_eq!(properties_at(&s, &["a".into()])[0].0, "b");
        assert_eq!(properties_at(&s, &["list".into(), "0".into()])[0].0, "c");
    }
}

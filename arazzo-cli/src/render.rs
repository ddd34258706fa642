//! Diagnostics rendered for people (rustc style, as the macro renders them), as JSON lines,
//! and as SARIF 2.1.0 for code-scanning services.

use crate::style::Style;
use arazzo_compiler::diag::{Applicability, Suggestion};
use arazzo_compiler::{Diagnostic, Severity, LINTS};
use serde_json::{json, Value};

/// A diagnostic as the macro renders it (`error: file:line:col: message`, the YAML line,
/// carets, `= help` lines), coloured by `style`, plus a note when `arazzo fix` can apply
/// its suggestion.
pub fn human(d: &Diagnostic, style: Style) -> String {
    let text = d.to_string();
    let (label, paint): (&str, fn(Style, &str) -> String) = match d.severity {
        Severity::Error => ("error", Style::error),
        Severity::Warning => ("warning", Style::warning),
    };
    let mut out = String::new();
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        out.push_str(&format!(
            "{}{}",
            paint(style, label),
            style.bold(&format!(": {first}"))
        ));
    }
    for line in lines {
        out.push('\n');
        out.push_str(&human_line(line, style, paint));
    }
    if d.suggestions
        .iter()
        .any(|s| s.applicability == Applicability::MachineApplicable)
    {
        out.push('\n');
        out.push_str(&format!(
            "  {} `arazzo fix` can apply the suggested fix",
            style.gutter("= note:")
        ));
    }
    out
}

/// One line after the first: a gutter (`12 | text`), carets, or a `= help`/`= note` line.
fn human_line(line: &str, style: Style, paint: fn(Style, &str) -> String) -> String {
    if let Some(rest) = line.strip_prefix("  = ") {
        if let Some((kind, msg)) = rest.split_once(':') {
            return format!("  {}{msg}", style.gutter(&format!("= {kind}:")));
        }
    }
    let bar = line.find(" |").map(|i| i + 2);
    if let Some(end) = bar {
        let (gutter, body) = line.split_at(end);
        if gutter[..end - 1]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ')
        {
            let body = if !body.trim().is_empty() && body.trim().chars().all(|c| c == '^') {
                paint(style, body)
            } else {
                body.to_owned()
            };
            return format!("{}{body}", style.gutter(gutter));
        }
    }
    line.to_owned()
}

/// Line, column (characters, 1-based) and byte range of a diagnostic's location.
fn span(d: &Diagnostic) -> (Value, Value, Value, Value) {
    match &d.location {
        Some(l) => {
            let range = l.byte_range();
            (
                json!(l.pos.line),
                json!(l.pos.col),
                range.as_ref().map_or(Value::Null, |r| json!(r.start)),
                range.as_ref().map_or(Value::Null, |r| json!(r.end)),
            )
        }
        None => (Value::Null, Value::Null, Value::Null, Value::Null),
    }
}

fn suggestion_json(s: &Suggestion) -> Value {
    json!({
        "file": s.file.display,
        "byte_start": s.range.start,
        "byte_end": s.range.end,
        "original": s.original,
        "replacement": s.replacement,
        "applicability": s.applicability.as_str(),
    })
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One JSON object for a diagnostic of `document` (the file named on the command line,
/// used when the diagnostic has no location).
pub fn json(d: &Diagnostic, document: &str) -> Value {
    let (line, column, start, end) = span(d);
    json!({
        "file": d.location.as_ref().map_or(document, |l| l.file.display.as_str()),
        "line": line,
        "column": column,
        "byte_start": start,
        "byte_end": end,
        "severity": severity(d),
        "lint": d.lint,
        "message": d.message,
        "help": d.help,
        "suggestions": d.suggestions.iter().map(suggestion_json).collect::<Vec<_>>(),
    })
}

/// The rule id of a diagnostic in SARIF: its lint, or `error` for errors that are not lints.
fn rule_id(d: &Diagnostic) -> &'static str {
    d.lint.unwrap_or("error")
}

/// A SARIF 2.1.0 log of the diagnostics of every document checked.
pub fn sarif(documents: &[(String, Vec<Diagnostic>)]) -> Value {
    let mut rules = vec![json!({
        "id": "error",
        "shortDescription": { "text": "a problem that stops the document from compiling" },
    })];
    rules.extend(LINTS.iter().map(|(name, what)| {
        json!({
            "id": name,
            "shortDescription": { "text": what },
            "defaultConfiguration": { "level": "warning" },
        })
    }));
    let mut results = Vec::new();
    for (document, diagnostics) in documents {
        for d in diagnostics {
            let mut text = d.message.clone();
            for h in &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let uri = d
                .location
                .as_ref()
                .map_or(document.as_str(), |l| l.file.display.as_str());
            let mut region = serde_json::Map::new();
            if let Some(l) = &d.location {
                region.insert("startLine".into(), json!(l.pos.line));
                region.insert("startColumn".into(), json!(l.pos.col));
                region.insert("endLine".into(), json!(l.pos.line));
                region.insert("endColumn".into(), json!(l.pos.col as usize + l.len.max(1)));
                if let Some(r) = l.byte_range() {
                    region.insert("byteOffset".into(), json!(r.start));
                    region.insert("byteLength".into(), json!(r.end - r.start));
                }
            }
            let mut physical = json!({
                "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
            });
            if !region.is_empty() {
                physical["region"] = Value::Object(region);
            }
            let fixes: Vec<Value> = d
                .suggestions
                .iter()
                .map(|s| {
                    json!({
                        "description": { "text": format!("replace `{}` with `{}` ({})", s.original, s.replacement, s.applicability.as_str()) },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": s.file.display, "uriBaseId": "%SRCROOT%" },
                            "replacements": [{
                                "deletedRegion": { "byteOffset": s.range.start, "byteLength": s.range.end - s.range.start },
                                "insertedContent": { "text": s.replacement },
                            }],
                        }],
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": rule_id(d),
                "level": severity(d),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical }],
            });
            if !fixes.is_empty() {
                result["fixes"] = Value::Array(fixes);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "arazzo",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

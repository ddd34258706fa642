//! Diagnostics rendered for people (rustc style, as the macro renders them), as JSON lines,
//! and as SARIF 2.1.0 for code-scanning services.

use crate::style::Style;
use arazzo_compiler::diag::Code;
use arazzo_compiler::diag::{Applicability, RenderOptions, Suggestion};
use arazzo_compiler::{Diagnostic, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};

/// What a path segment of a URI cannot hold as it is (RFC 3986): controls, space,
/// delimiters and `%`; non-ASCII characters are always encoded (as UTF-8 bytes).
const NOT_IN_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A SARIF `artifactLocation` for a file as diagnostics show it: a relative path is a
/// percent-encoded URI reference against `%SRCROOT%`, an absolute one a `file://` URI.
fn artifact_location(path: &str) -> Value {
    let encoded = utf8_percent_encode(path, NOT_IN_PATH).to_string();
    if path.starts_with('/') {
        json!({ "uri": format!("file://{encoded}") })
    } else if path.as_bytes().get(1..3) == Some(b":/") {
        // A Windows drive (`C:/x`): `file:///C:/x`.
        json!({ "uri": format!("file:///{encoded}") })
    } else {
        json!({ "uri": encoded, "uriBaseId": "%SRCROOT%" })
    }
}

/// A diagnostic as the macro renders it (`error: file:line:col: message`, the source
/// snippet with the primary span and the secondary labels, `= help`/`= note` lines),
/// coloured when `style` is, plus a note when `arazzo fix` can apply its suggestion.
pub fn human(d: &Diagnostic, style: Style) -> String {
    let mut d = d.clone();
    if d.suggestions
        .iter()
        .any(|s| s.applicability == Applicability::MachineApplicable)
    {
        d.add_note("`arazzo fix` can apply the suggested fix");
    }
    d.render(RenderOptions {
        severity: true,
        color: style.is_on(),
    })
}

/// The secondary labels of a diagnostic, for JSON.
fn labels_json(d: &Diagnostic) -> Vec<Value> {
    d.labels
        .iter()
        .map(|l| {
            let range = l.location.byte_range();
            json!({
                "file": l.location.file.display,
                "line": l.location.pos.line,
                "column": l.location.pos.col,
                "byte_start": range.as_ref().map(|r| r.start),
                "byte_end": range.as_ref().map(|r| r.end),
                "message": l.message,
            })
        })
        .collect()
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
        "code": d.code.as_str(),
        "lint": d.lint(),
        "message": d.message,
        "help": d.help,
        "notes": d.notes,
        "labels": labels_json(d),
        "suggestions": d.suggestions.iter().map(suggestion_json).collect::<Vec<_>>(),
    })
}

/// A SARIF 2.1.0 log of the diagnostics of every document checked: one rule per
/// diagnostic code (a lint's code is its name), the rule id of each result its code.
pub fn sarif(documents: &[(String, Vec<Diagnostic>)]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            let level = if code.lint().is_some() {
                "warning"
            } else {
                "error"
            };
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.description() },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (document, diagnostics) in documents {
        for d in diagnostics {
            let mut text = d.message.clone();
            for h in &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            for n in &d.notes {
                text.push_str(&format!("\nnote: {n}"));
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
                let chars = l
                    .byte_range()
                    .and_then(|r| l.file.text.get(r))
                    .map_or(1, |t| t.lines().next().unwrap_or("").chars().count());
                region.insert("endColumn".into(), json!(l.pos.col as usize + chars.max(1)));
                if let Some(r) = l.byte_range() {
                    region.insert("byteOffset".into(), json!(r.start));
                    region.insert("byteLength".into(), json!(r.end - r.start));
                }
            }
            let mut physical = json!({ "artifactLocation": artifact_location(uri) });
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
                            "artifactLocation": artifact_location(&s.file.display),
                            "replacements": [{
                                "deletedRegion": { "byteOffset": s.range.start, "byteLength": s.range.end - s.range.start },
                                "insertedContent": { "text": s.replacement },
                            }],
                        }],
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "level": severity(d),
                "message": { "text": text },
                "locations": [{ "physicalLocation": physical }],
            });
            if !fixes.is_empty() {
                result["fixes"] = Value::Array(fixes);
            }
            let related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut region = json!({
                        "startLine": l.location.pos.line,
                        "startColumn": l.location.pos.col,
                    });
                    if let Some(r) = l.location.byte_range() {
                        region["byteOffset"] = json!(r.start);
                        region["byteLength"] = json!(r.end - r.start);
                    }
                    json!({
                        "id": i,
                        "message": { "text": l.message },
                        "physicalLocation": {
                            "artifactLocation": artifact_location(&l.location.file.display),
                            "region": region,
                        },
                    })
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
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

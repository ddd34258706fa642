//! Diagnostics: every problem found in a document, with the YAML file, line and column.
//!
//! Stages never stop at the first problem: they push [`Diagnostic`]s into a
//! [`Diagnostics`] collector, and the macro turns each one into its own
//! `compile_error!` on the path literal of the call.

use std::fmt;
use std::sync::Arc;

/// A position in a source file: 1-based line and 1-based column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, counted from 1.
    pub line: u32,
    /// Column, counted from 1, in characters.
    pub col: u32,
}

impl Pos {
    /// The position `chars` characters to the right on the same line.
    pub fn shifted(self, chars: usize) -> Pos {
        Pos {
            line: self.line,
            col: self
                .col
                .saturating_add(u32::try_from(chars).unwrap_or(u32::MAX)),
        }
    }
}

/// A source file as loaded: its display name (relative to the crate when possible) and text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as printed in diagnostics.
    pub display: String,
    /// The text, used to quote the offending line.
    pub text: String,
}

/// Where a diagnostic points: a file, a position and how many characters to underline.
#[derive(Clone, Debug)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The position of the first offending character.
    pub pos: Pos,
    /// Characters to underline (at least one is shown).
    pub len: usize,
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document is wrong: no code is generated for it.
    Error,
    /// The document is accepted, but something in it deserves attention.
    Warning,
}

/// The lints: warnings with a name, whose level a caller can change
/// (`allow(name)`, `warn(name)`, `deny(name)` in the macro call). Name and one-line description.
pub const LINTS: &[(&str, &str)] = &[
    (
        "dialect",
        "an expression or reference written in a non-canonical form that public documents use, read as its canonical form",
    ),
    (
        "unreachable_step",
        "a step that no path of its workflow can reach",
    ),
    (
        "undocumented_content_type",
        "a request body sent with a media type its operation does not document",
    ),
];

/// The level of a lint, as in rustc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Drop the lint's diagnostics.
    Allow,
    /// Report them as warnings (the default).
    Warn,
    /// Report them as errors.
    Deny,
}

impl Level {
    /// The word used in the macro call: `allow`, `warn` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// Parses `allow`, `warn` or `deny`.
    pub fn parse(word: &str) -> Option<Level> {
        match word {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// The known lint of this name (as a `'static` name), if any.
pub fn lint_named(name: &str) -> Option<&'static str> {
    LINTS.iter().map(|(n, _)| *n).find(|n| *n == name)
}

/// Applies lint levels: `allow`ed lints are dropped, `deny`ed ones become errors
/// (with a help line naming the level). The last level given for a lint wins;
/// lints not named keep their severity.
pub fn apply_levels(diagnostics: Vec<Diagnostic>, levels: &[(String, Level)]) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|mut d| {
            let Some(lint) = d.lint else {
                return Some(d);
            };
            let level = levels
                .iter()
                .rev()
                .find(|(n, _)| n == lint)
                .map_or(Level::Warn, |(_, l)| *l);
            match level {
                Level::Allow => None,
                Level::Warn => Some(d),
                Level::Deny => {
                    d.severity = Severity::Error;
                    Some(d)
                }
            }
        })
        .collect()
}

/// One problem in a document.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Where it is, when known.
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Help lines: what was expected, the likely fix.
    pub help: Vec<String>,
    /// Error or warning.
    pub severity: Severity,
    /// The lint this diagnostic belongs to (one of [`LINTS`]), if any; errors that
    /// are not lints have none.
    pub lint: Option<&'static str>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn at(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            message: message.into(),
            help: Vec::new(),
            severity: Severity::Error,
            lint: None,
        }
    }

    /// A warning of lint `lint` (one of [`LINTS`]) at a location.
    pub fn warning(
        lint: &'static str,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            lint: Some(lint),
            ..Diagnostic::at(location, message)
        }
    }

    /// True for errors (including lints denied).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The note a lint diagnostic ends with: its level and how to change it.
    pub fn lint_note(&self) -> Option<String> {
        let lint = self.lint?;
        Some(match self.severity {
            Severity::Warning => format!(
                "`warn({lint})` is the default; `allow({lint})` in the macro call silences it, `deny({lint})` makes it an error"
            ),
            Severity::Error => format!("`deny({lint})` is set in the macro call"),
        })
    }

    /// Adds a help line.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// Adds a help line when one is given.
    #[must_use]
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if let Some(h) = help {
            self.help.push(h);
        }
        self
    }

    /// Adds what the document offers instead (`label: a, b, c`) and, when one is close
    /// to `wanted`, a "did you mean" line.
    pub fn candidates<'a>(
        &mut self,
        label: &str,
        names: impl IntoIterator<Item = &'a str>,
        wanted: &str,
    ) -> &mut Self {
        let names: Vec<&str> = names.into_iter().collect();
        self.help
            .push(format!("{label}: {}", list_names(names.iter().copied())));
        if let Some(h) = did_you_mean(wanted, names.iter().copied()) {
            self.help.push(h);
        }
        self
    }

    /// `file:line:col` of the diagnostic, or `None`.
    pub fn position(&self) -> Option<String> {
        self.location
            .as_ref()
            .map(|l| format!("{}:{}:{}", l.file.display, l.pos.line, l.pos.col))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => {
                write!(
                    f,
                    "{}:{}:{}: {}",
                    loc.file.display, loc.pos.line, loc.pos.col, self.message
                )?;
                let line_no = loc.pos.line as usize;
                if let Some(line) = loc.file.text.lines().nth(line_no.saturating_sub(1)) {
                    if line.chars().count() <= 200 {
                        let gutter = " ".repeat(line_no.to_string().len());
                        let col = (loc.pos.col as usize).saturating_sub(1);
                        let avail = line.chars().count().saturating_sub(col).max(1);
                        let len = loc.len.clamp(1, avail);
                        write!(
                            f,
                            "\n{gutter} |\n{line_no} | {line}\n{gutter} | {}{}",
                            " ".repeat(col),
                            "^".repeat(len)
                        )?;
                    }
                }
            }
            None => write!(f, "{}", self.message)?,
        }
        for h in &self.help {
            write!(f, "\n  = help: {h}")?;
        }
        if let Some(note) = self.lint_note() {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics across stages.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

/// Most diagnostics reported for one document; past this the rest are summarised.
pub const MAX_DIAGNOSTICS: usize = 200;

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Records a diagnostic and returns it for more help lines.
    pub fn push_mut(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.items.push(d);
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// The last diagnostic recorded.
    pub fn last_mut(&mut self) -> Option<&mut Diagnostic> {
        self.items.last_mut()
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// True when an error (not only warnings) was reported.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors so far.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Removes and returns the diagnostics recorded after the first `len`.
    pub fn split_off(&mut self, len: usize) -> Vec<Diagnostic> {
        self.items.split_off(len.min(self.items.len()))
    }

    /// Number of diagnostics so far.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics, sorted by file and position, duplicates removed, at most [`MAX_DIAGNOSTICS`].
    pub fn into_vec(self) -> Vec<Diagnostic> {
        let mut items = self.items;
        items.sort_by(|a, b| {
            let ka = a.location.as_ref().map(|l| (l.file.display.clone(), l.pos));
            let kb = b.location.as_ref().map(|l| (l.file.display.clone(), l.pos));
            ka.cmp(&kb)
        });
        items.dedup_by(|a, b| a.message == b.message && a.position() == b.position());
        if items.len() > MAX_DIAGNOSTICS {
            let more = items.len() - MAX_DIAGNOSTICS;
            items.truncate(MAX_DIAGNOSTICS);
            items.push(Diagnostic::at(
                None,
                format!("{more} more problems not shown"),
            ));
        }
        items
    }
}

/// "Did you mean" over a set of candidates: the closest by edit distance, if close enough.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = if c.to_lowercase() == lower {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &c.to_lowercase())
        };
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Lists names for a help line: `a, b, c` (at most 12, then `…`), or `none`.
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    if names.is_empty() {
        return "none".to_owned();
    }
    let mut out = names
        .iter()
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 12 {
        out.push_str(&format!(", … ({} in all)", names.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_position_snippet_and_help() {
        let file = Arc::new(SourceFile {
            display: "specs/x.yml".into(),
            text: "a: 1\n  value: $inputs.apiKy\n".into(),
        });
        let d = Diagnostic::at(
            Some(Location {
                file,
                pos: Pos { line: 2, col: 10 },
                len: 13,
            }),
            "unknown input `apiKy`",
        )
        .help("did you mean `apiKey`?");
        let text = d.to_string();
        assert_eq!(
            text,
            "specs/x.yml:2:10: unknown input `apiKy`\n  |\n2 |   value: $inputs.apiKy\n  |          ^^^^^^^^^^^^^\n  = help: did you mean `apiKey`?"
        );
    }

    #[test]
    fn did_you_mean_finds_close_names_only() {
        assert_eq!(
            did_you_mean("apiKy", ["apiKey", "customerId"]),
            Some("did you mean `apiKey`?".into())
        );
        assert_eq!(did_you_mean("zzz", ["apiKey"]), None);
    }
}

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
    /// Edits of the source text that would fix the problem (not rendered by `Display`:
    /// the macro's wording does not change; `arazzo fix` applies the machine-applicable ones).
    pub suggestions: Vec<Suggestion>,
}

/// How sure a [`Suggestion`] is, as in rustc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// The edit is certainly what was meant: `arazzo fix` applies it.
    MachineApplicable,
    /// The edit is likely but not certain (several candidates, or a change of meaning):
    /// shown, never applied.
    MaybeIncorrect,
}

impl Applicability {
    /// `machine-applicable` or `maybe-incorrect`.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "machine-applicable",
            Applicability::MaybeIncorrect => "maybe-incorrect",
        }
    }
}

/// A text edit of a source file: replace the bytes `range` (which hold `original`) with
/// `replacement`.
#[derive(Clone, Debug)]
pub struct Suggestion {
    /// The file edited.
    pub file: Arc<SourceFile>,
    /// Byte range in the file's text.
    pub range: std::ops::Range<usize>,
    /// The text found at `range` when the suggestion was made.
    pub original: String,
    /// The new text.
    pub replacement: String,
    /// Whether `arazzo fix` may apply it.
    pub applicability: Applicability,
}

impl Suggestion {
    /// True when the file's text still holds `original` at `range` (so the edit is safe).
    pub fn matches(&self, text: &str) -> bool {
        text.get(self.range.clone()) == Some(self.original.as_str())
    }
}

impl SourceFile {
    /// Byte offset of a position (1-based line, 1-based column in characters), if inside the text.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let mut line_start = 0;
        for _ in 1..pos.line {
            line_start += self.text.get(line_start..)?.find('\n')? + 1;
        }
        let line = self.text.get(line_start..)?;
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let col = (pos.col as usize).checked_sub(1)?;
        let in_line = match line.char_indices().nth(col) {
            Some((b, _)) => b,
            None if line.chars().count() == col => line.len(),
            None => return None,
        };
        Some(line_start + in_line)
    }
}

impl Location {
    /// The byte range underlined (`len` characters from `pos`), if inside the text.
    pub fn byte_range(&self) -> Option<std::ops::Range<usize>> {
        let start = self.file.offset(self.pos)?;
        let rest = self.file.text.get(start..)?;
        let end = match rest.char_indices().nth(self.len) {
            Some((b, _)) => start + b,
            None if rest.chars().count() == self.len => self.file.text.len(),
            None => return None,
        };
        Some(start..end)
    }
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
            suggestions: Vec::new(),
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

    /// Adds a help line to a diagnostic already recorded.
    pub fn add_help(&mut self, help: impl Into<String>) -> &mut Self {
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

    /// Adds a suggestion replacing the text underlined by the location, when that text is
    /// exactly `original` (otherwise, e.g. in a quoted scalar with escapes, nothing is added).
    pub fn suggest_location(
        &mut self,
        original: &str,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> &mut Self {
        let Some(loc) = &self.location else {
            return self;
        };
        let Some(range) = loc.byte_range() else {
            return self;
        };
        if loc.file.text.get(range.clone()) != Some(original) {
            return self;
        }
        self.suggestions.push(Suggestion {
            file: loc.file.clone(),
            range,
            original: original.to_owned(),
            replacement: replacement.into(),
            applicability,
        });
        self
    }

    /// Adds a suggestion replacing a whole YAML scalar underlined by the location: when the
    /// scalar is plain (not quoted) and the replacement would not read back as the same
    /// plain string (it starts with `{`, `[`, `'` or another indicator, or holds `: ` or
    /// ` #`), the replacement is single-quoted.
    pub fn suggest_scalar(
        &mut self,
        original: &str,
        replacement: &str,
        applicability: Applicability,
    ) -> &mut Self {
        let quoted = self.location.as_ref().is_some_and(|l| {
            l.byte_range()
                .and_then(|r| r.start.checked_sub(1))
                .and_then(|b| l.file.text.as_bytes().get(b))
                .is_some_and(|c| *c == b'\'' || *c == b'"')
        });
        let needs_quotes = replacement
            .chars()
            .next()
            .is_some_and(|c| "{}[],&*!|>'\"%@`#?:-".contains(c))
            || replacement.contains(": ")
            || replacement.contains(" #")
            || replacement.ends_with(':');
        if !quoted && needs_quotes {
            let q = format!("'{}'", replacement.replace('\'', "''"));
            self.suggest_location(original, q, applicability)
        } else {
            self.suggest_location(original, replacement, applicability)
        }
    }

    /// Adds a suggestion replacing the one occurrence of `original` inside the text the
    /// location underlines (nothing when it occurs there zero or several times).
    pub fn suggest_within(
        &mut self,
        original: &str,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> &mut Self {
        let Some(loc) = &self.location else {
            return self;
        };
        let Some(range) = loc.byte_range() else {
            return self;
        };
        let Some(under) = loc.file.text.get(range.clone()) else {
            return self;
        };
        let mut found = under.match_indices(original);
        let (Some((at, _)), None) = (found.next(), found.next()) else {
            return self;
        };
        if original.is_empty() {
            return self;
        }
        let start = range.start + at;
        self.suggestions.push(Suggestion {
            file: loc.file.clone(),
            range: start..start + original.len(),
            original: original.to_owned(),
            replacement: replacement.into(),
            applicability,
        });
        self
    }

    /// Adds a suggestion replacing `original`, found once on the located line from the
    /// location onwards and not followed by a character that could continue an expression
    /// (for locations that point at the start of a scalar rather than inside it).
    pub fn suggest_on_line(
        &mut self,
        original: &str,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> &mut Self {
        let Some(loc) = &self.location else {
            return self;
        };
        let Some(start) = loc.file.offset(loc.pos) else {
            return self;
        };
        let rest = loc.file.text.get(start..).unwrap_or_default();
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let continues = |c: char| c.is_ascii_alphanumeric() || "_.-[]#/~".contains(c);
        let mut found = line.match_indices(original).filter(|(at, _)| {
            !line[at + original.len()..]
                .chars()
                .next()
                .is_some_and(continues)
        });
        let (Some((at, _)), None) = (found.next(), found.next()) else {
            return self;
        };
        if original.is_empty() {
            return self;
        }
        let at = start + at;
        self.suggestions.push(Suggestion {
            file: loc.file.clone(),
            range: at..at + original.len(),
            original: original.to_owned(),
            replacement: replacement.into(),
            applicability,
        });
        self
    }

    /// Adds a suggestion replacing the text at `location` (another place than the one the
    /// diagnostic points at, such as the `type` of the input a use disagrees with), when
    /// that text is exactly `original`.
    pub fn suggest_at(
        &mut self,
        location: &Location,
        original: &str,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> &mut Self {
        let Some(range) = location.byte_range() else {
            return self;
        };
        if location.file.text.get(range.clone()) != Some(original) {
            return self;
        }
        self.suggestions.push(Suggestion {
            file: location.file.clone(),
            range,
            original: original.to_owned(),
            replacement: replacement.into(),
            applicability,
        });
        self
    }

    /// The builder form of [`Self::suggest_location`].
    #[must_use]
    pub fn with_suggestion(
        mut self,
        original: &str,
        replacement: impl Into<String>,
        applicability: Applicability,
    ) -> Self {
        self.suggest_location(original, replacement, applicability);
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
        self.suggest_name(wanted, names.iter().copied())
    }

    /// Suggests replacing the misspelt name `wanted` (inside the located text, or else once
    /// on the located line as a whole word) by the closest of `names`: machine-applicable
    /// when it is the only close one and both are plain names (letters, digits, `_`, `-`).
    pub fn suggest_name<'a>(
        &mut self,
        wanted: &str,
        names: impl IntoIterator<Item = &'a str>,
    ) -> &mut Self {
        let Some((best, unique)) = closest(wanted, names) else {
            return self;
        };
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let plain = |s: &str| !s.is_empty() && s.chars().all(word);
        let applicability = if unique && plain(best) && plain(wanted) {
            Applicability::MachineApplicable
        } else {
            Applicability::MaybeIncorrect
        };
        let before = self.suggestions.len();
        self.suggest_within(wanted, best, applicability);
        if self.suggestions.len() > before || !plain(wanted) {
            return self;
        }
        // The location may point a little off (quoted scalars): the whole word on its line.
        let Some(loc) = &self.location else {
            return self;
        };
        let Some(start) = loc.file.offset(Pos {
            line: loc.pos.line,
            col: 1,
        }) else {
            return self;
        };
        let rest = loc.file.text.get(start..).unwrap_or_default();
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let mut found = line.match_indices(wanted).filter(|(at, _)| {
            !line[..*at].chars().next_back().is_some_and(word)
                && !line[at + wanted.len()..].chars().next().is_some_and(word)
        });
        if let (Some((at, _)), None) = (found.next(), found.next()) {
            let at = start + at;
            self.suggestions.push(Suggestion {
                file: loc.file.clone(),
                range: at..at + wanted.len(),
                original: wanted.to_owned(),
                replacement: best.to_owned(),
                applicability,
            });
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

    /// The diagnostic recorded at `index` (in the order of recording).
    pub fn get_mut(&mut self, index: usize) -> Option<&mut Diagnostic> {
        self.items.get_mut(index)
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

    /// The diagnostics, sorted by file and position, at most [`MAX_DIAGNOSTICS`] (each problem
    /// is reported once, where it is written: nothing is checked twice).
    pub fn into_vec(self) -> Vec<Diagnostic> {
        let mut items = self.items;
        items.sort_by(|a, b| {
            let ka = a.location.as_ref().map(|l| (l.file.display.clone(), l.pos));
            let kb = b.location.as_ref().map(|l| (l.file.display.clone(), l.pos));
            ka.cmp(&kb)
        });
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

/// The closest candidate (as [`did_you_mean`] picks it) and whether it is the only one
/// close enough.
pub fn closest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, bool)> {
    let lower = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    let mut close = 0;
    for c in candidates {
        if c == wanted {
            return None;
        }
        let score = if c.to_lowercase() == lower {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &c.to_lowercase())
        };
        if score >= 0.8 {
            close += 1;
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, c));
            }
        }
    }
    best.map(|(_, c)| (c, close == 1))
}

/// Applies the machine-applicable suggestions for one file to its text: each edit is
/// checked against the text (it must still hold the original), overlapping edits are
/// skipped (the first by position wins), and edits are applied from the end backwards.
/// Returns the new text and the number of edits applied.
pub fn apply_suggestions<'a>(
    text: &str,
    suggestions: impl IntoIterator<Item = &'a Suggestion>,
) -> (String, usize) {
    let mut edits: Vec<&Suggestion> = suggestions
        .into_iter()
        .filter(|s| s.applicability == Applicability::MachineApplicable && s.matches(text))
        .collect();
    edits.sort_by_key(|s| (s.range.start, s.range.end));
    edits.dedup_by(|a, b| a.range == b.range && a.replacement == b.replacement);
    let mut kept: Vec<&Suggestion> = Vec::new();
    for e in edits {
        if kept.last().is_none_or(|k| k.range.end <= e.range.start) {
            kept.push(e);
        }
    }
    let mut out = text.to_owned();
    for e in kept.iter().rev() {
        out.replace_range(e.range.clone(), &e.replacement);
    }
    (out, kept.len())
}

/// What `part` (a piece of `written`) becomes when `written` is rewritten as `canonical`:
/// `written` = `a + part + b` and `canonical` = `a + new + b` gives `new`. `None` when no
/// placement of `part` fits, or when two placements give different answers.
pub fn rewrite_part(written: &str, canonical: &str, part: &str) -> Option<String> {
    if part.is_empty() {
        return None;
    }
    let mut answer: Option<String> = None;
    for (at, _) in written.match_indices(part) {
        let (a, b) = (&written[..at], &written[at + part.len()..]);
        if canonical.len() >= a.len() + b.len()
            && canonical.starts_with(a)
            && canonical.ends_with(b)
        {
            let new = canonical
                .get(a.len()..canonical.len() - b.len())?
                .to_owned();
            match &answer {
                Some(x) if *x != new => return None,
                _ => answer = Some(new),
            }
        }
    }
    answer
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

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            display: "x.yml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn byte_ranges_count_characters_not_bytes() {
        let f = file("é: 1\nnamé: $inputs.apiKy # c\n");
        let loc = Location {
            file: f.clone(),
            pos: Pos { line: 2, col: 7 },
            len: 13,
        };
        let r = loc.byte_range().expect("inside the text");
        assert_eq!(&f.text[r], "$inputs.apiKy");
        assert_eq!(f.offset(Pos { line: 9, col: 1 }), None);
    }

    #[test]
    fn candidates_suggest_a_unique_close_name_only() {
        let f = file("v: $inputs.apiKy\n");
        let loc = || {
            Some(Location {
                file: f.clone(),
                pos: Pos { line: 1, col: 4 },
                len: 13,
            })
        };
        let mut d = Diagnostic::at(loc(), "unknown input");
        d.candidates("declares", ["apiKey", "customerId"], "apiKy");
        assert_eq!(d.suggestions.len(), 1);
        let s = &d.suggestions[0];
        assert_eq!(
            (s.range.clone(), s.replacement.as_str()),
            (11..16, "apiKey")
        );
        assert_eq!(s.applicability, Applicability::MachineApplicable);
        // Two close names: a suggestion, not applied.
        let mut d = Diagnostic::at(loc(), "unknown input");
        d.candidates("declares", ["apiKey", "apiKeys"], "apiKy");
        assert_eq!(
            d.suggestions[0].applicability,
            Applicability::MaybeIncorrect
        );
        // None close: nothing.
        let mut d = Diagnostic::at(loc(), "unknown input");
        d.candidates("declares", ["customerId"], "apiKy");
        assert!(d.suggestions.is_empty());
    }

    #[test]
    fn a_suggestion_is_made_only_where_the_text_matches() {
        let f = file("v: \"a\\u0041b\"\n");
        let mut d = Diagnostic::at(
            Some(Location {
                file: f,
                pos: Pos { line: 1, col: 5 },
                len: 3,
            }),
            "m",
        );
        d.suggest_location("aAb", "x", Applicability::MachineApplicable);
        assert!(d.suggestions.is_empty());
    }

    #[test]
    fn plain_scalars_starting_with_a_brace_are_quoted() {
        let f = file("operationPath: api#/paths/~1x/get\n");
        let mut d = Diagnostic::at(
            Some(Location {
                file: f,
                pos: Pos { line: 1, col: 16 },
                len: 18,
            }),
            "m",
        );
        d.suggest_scalar(
            "api#/paths/~1x/get",
            "{$sourceDescriptions.api.url}#/paths/~1x/get",
            Applicability::MachineApplicable,
        );
        assert_eq!(
            d.suggestions[0].replacement,
            "'{$sourceDescriptions.api.url}#/paths/~1x/get'"
        );
    }

    #[test]
    fn rewrite_part_maps_the_underlined_piece() {
        assert_eq!(
            rewrite_part("$inputs.a.b", "$inputs.a#/b", ".b").as_deref(),
            Some("#/b")
        );
        assert_eq!(
            rewrite_part(
                "$steps.s.outputs.items[0].id",
                "$steps.s.outputs.items#/0/id",
                "[0].id"
            )
            .as_deref(),
            Some("#/0/id")
        );
        assert_eq!(rewrite_part("$a.b", "$c#/b", ".x"), None);
    }

    #[test]
    fn apply_skips_overlaps_stale_and_uncertain_edits() {
        let f = file("abcdef");
        let s = |range: std::ops::Range<usize>, rep: &str, a| Suggestion {
            file: f.clone(),
            original: f.text[range.clone()].to_owned(),
            range,
            replacement: rep.into(),
            applicability: a,
        };
        let m = Applicability::MachineApplicable;
        let mut stale = s(0..1, "Z", m);
        stale.original = "q".into();
        let edits = [
            s(4..6, "EF", m),
            s(1..3, "BC", m),
            s(2..4, "XX", m),
            s(3..4, "?", Applicability::MaybeIncorrect),
            stale,
        ];
        assert_eq!(apply_suggestions(&f.text, &edits), ("aBCdEF".to_owned(), 2));
    }
}

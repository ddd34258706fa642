//! Diagnostics: every problem found in a document, with the YAML file, line and column.
//!
//! Stages never stop at the first problem: they push [`Diagnostic`]s into a
//! [`Diagnostics`] collector, and the macro turns each one into its own
//! `compile_error!` on the path literal of the call.
//!
//! A diagnostic points at a byte range of a file (its primary span) and may carry
//! secondary [`Label`]s (the declaration of a misspelt name, the OpenAPI operation a
//! parameter belongs to), possibly in other files. [`Diagnostic::render`] draws them with
//! `annotate-snippets` (the renderer rustc uses); the header keeps `file:line:col`.

mod code;

pub use code::Code;
use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;
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

/// Where a diagnostic points: a file, the byte range underlined and the line and column
/// of its start (the `file:line:col` of the message).
#[derive(Clone, Debug)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The position of the first offending character.
    pub pos: Pos,
    /// The bytes underlined in the file's text (an empty range shows one caret).
    pub range: std::ops::Range<usize>,
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
    (
        "manual_credential",
        "a parameter set by hand that the operation's security scheme supplies (configure the credential on the client instead)",
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
            let Some(lint) = d.lint() else {
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
    /// What kind of problem it is: a stable code that code reacting to a diagnostic
    /// matches (never the message); a lint's code names the lint.
    pub code: Code,
    /// The file the diagnostic is about when that is not where it points: for
    /// [`Code::CannotRead`], the file that could not be read.
    pub path: Option<PathBuf>,
    /// Edits of the source text that would fix the problem (not rendered by `Display`:
    /// the macro's wording does not change; `arazzo fix` applies the machine-applicable ones).
    pub suggestions: Vec<Suggestion>,
    /// Secondary labels: other places that explain the problem ("declared here").
    pub labels: Vec<Label>,
    /// Note lines, rendered after the help lines.
    pub notes: Vec<String>,
}

/// A secondary label of a [`Diagnostic`]: a place (in any file) and what it is.
#[derive(Clone, Debug)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// What it shows, e.g. `declared here`.
    pub message: String,
}

/// How [`Diagnostic::render`] draws a diagnostic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Start with `error: ` or `warning: ` (the macro leaves it out: rustc adds its own).
    pub severity: bool,
    /// ANSI colours (for a terminal).
    pub color: bool,
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
    /// `file:line:col` of `pos` in this file, for the documentation of generated items
    /// (where they come from); `None` when the display path is absolute (a file outside
    /// the crate), so that no absolute path is ever written into generated code.
    pub fn origin(&self, pos: Pos) -> Option<String> {
        let absolute = std::path::Path::new(&self.display).is_absolute()
            || self.display.starts_with('/')
            || self.display.starts_with('\\')
            || self.display.get(1..2) == Some(":");
        (!absolute && pos.line > 0).then(|| format!("{}:{}:{}", self.display, pos.line, pos.col))
    }

    /// Position (1-based line, 1-based column in characters) of the byte `offset`, if it
    /// is a character boundary of the text (the end of the text included).
    pub fn pos_of(&self, offset: usize) -> Option<Pos> {
        let before = self.text.get(..offset)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
        let col = before.get(line_start..)?.chars().count() + 1;
        Some(Pos {
            line: u32::try_from(line).ok()?,
            col: u32::try_from(col).ok()?,
        })
    }

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
    /// A location at `pos` underlining the byte range `range`.
    pub fn new(file: Arc<SourceFile>, pos: Pos, range: std::ops::Range<usize>) -> Location {
        Location { file, pos, range }
    }

    /// A location of `len` characters from `pos`, its byte range found by scanning the
    /// text (for places known only by line and column). Outside the text, the range is
    /// empty at the end of the text.
    pub fn from_pos(file: Arc<SourceFile>, pos: Pos, len: usize) -> Location {
        let range = file
            .offset(pos)
            .and_then(|start| {
                let rest = file.text.get(start..)?;
                let end = rest
                    .char_indices()
                    .nth(len)
                    .map_or(file.text.len(), |(b, _)| start + b);
                Some(start..end)
            })
            .unwrap_or(file.text.len()..file.text.len());
        Location { file, pos, range }
    }

    /// A location of the one character at byte `offset` (an empty range at the end of the
    /// text), at `pos`.
    pub fn at_offset(file: Arc<SourceFile>, pos: Pos, offset: usize) -> Location {
        let start = offset.min(file.text.len());
        let end = file
            .text
            .get(start..)
            .and_then(|r| r.chars().next())
            .map_or(start, |c| start + c.len_utf8());
        Location {
            file,
            pos,
            range: start..end,
        }
    }

    /// The byte range underlined, if it is a valid range of the text.
    pub fn byte_range(&self) -> Option<std::ops::Range<usize>> {
        let text = &self.file.text;
        let r = &self.range;
        (r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end))
        .then(|| r.clone())
    }
}

impl Diagnostic {
    /// An error of kind `code` at a location.
    pub fn at(code: Code, location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            message: message.into(),
            help: Vec::new(),
            severity: Severity::Error,
            code,
            path: None,
            suggestions: Vec::new(),
            labels: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A warning of lint `lint` (a code whose [`Code::lint`] is one of [`LINTS`]) at a
    /// location.
    pub fn warning(lint: Code, location: Option<Location>, message: impl Into<String>) -> Self {
        debug_assert!(lint.lint().is_some(), "{lint} is not a lint");
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::at(lint, location, message)
        }
    }

    /// The lint this diagnostic belongs to (one of [`LINTS`]), if any; errors that are
    /// not lints have none.
    pub fn lint(&self) -> Option<&'static str> {
        self.code.lint()
    }

    /// True for errors (including lints denied).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The note a lint diagnostic ends with: its level and how to change it.
    pub fn lint_note(&self) -> Option<String> {
        let lint = self.lint()?;
        Some(match self.severity {
            Severity::Warning => format!(
                "`warn({lint})` is the default; `allow({lint})` in the macro call silences it, `deny({lint})` makes it an error"
            ),
            Severity::Error => format!("`deny({lint})` is set in the macro call"),
        })
    }

    /// Names the file the diagnostic is about (see [`Diagnostic::path`]).
    #[must_use]
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Adds a help line.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// Adds a secondary label (nothing when the location is unknown).
    #[must_use]
    pub fn label(mut self, location: Option<Location>, message: impl Into<String>) -> Self {
        self.add_label(location, message);
        self
    }

    /// Adds a secondary label to a diagnostic already recorded (nothing when the
    /// location is unknown).
    pub fn add_label(
        &mut self,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> &mut Self {
        if let Some(location) = location {
            self.labels.push(Label {
                location,
                message: message.into(),
            });
        }
        self
    }

    /// Adds a note line.
    pub fn add_note(&mut self, note: impl Into<String>) -> &mut Self {
        self.notes.push(note.into());
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
    /// The rendering of the macro's `compile_error!`: [`Diagnostic::render`] without
    /// the severity and without colour.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(RenderOptions::default()))
    }
}

/// Longest source line quoted in a snippet; a mark on a longer line (minified JSON)
/// is shown as a position only.
const MAX_SNIPPET_LINE: usize = 1000;

/// Marks closer than this many lines share one snippet.
const SNIPPET_GAP_LINES: usize = 20;

/// One underline to draw: a file, a byte range, an optional label.
struct Mark<'a> {
    file: &'a SourceFile,
    range: std::ops::Range<usize>,
    label: Option<&'a str>,
    primary: bool,
}

impl Mark<'_> {
    /// The byte range of the line(s) the mark covers, without the final newline.
    fn lines(&self) -> std::ops::Range<usize> {
        let text = &self.file.text;
        let start = text[..self.range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[self.range.end..]
            .find('\n')
            .map_or(text.len(), |i| self.range.end + i);
        start..end
    }

    fn line_number(&self, byte: usize) -> usize {
        1 + self.file.text.as_bytes()[..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
    }
}

impl Diagnostic {
    /// Draws the diagnostic as rustc does: the header (`file:line:col: message`), the
    /// source line(s) with the primary span underlined (`^`) and the secondary labels
    /// (`-`, other files under `::: file:line:col`), then the `help:` and `note:` lines.
    pub fn render(&self, options: RenderOptions) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level as L, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => L::ERROR,
            Severity::Warning => L::WARNING,
        };
        let level = if options.severity {
            level
        } else {
            level.no_name()
        };
        let title = match self.position() {
            Some(p) => format!("{p}: {}", self.message),
            None => self.message.clone(),
        };
        let mut marks: Vec<Mark<'_>> = Vec::new();
        let mut far: Vec<String> = Vec::new();
        let places = self.location.iter().map(|l| (l, None, true)).chain(
            self.labels
                .iter()
                .map(|l| (&l.location, Some(l.message.as_str()), false)),
        );
        for (loc, label, primary) in places {
            let text = &loc.file.text;
            let Some(range) = loc.byte_range().filter(|r| {
                r.start <= r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
            }) else {
                continue;
            };
            let mark = Mark {
                file: &loc.file,
                range,
                label,
                primary,
            };
            let lines = mark.lines();
            if text[lines.clone()]
                .split('\n')
                .any(|l| l.len() > MAX_SNIPPET_LINE)
            {
                if let Some(label) = label {
                    far.push(format!(
                        "{label}: {}:{}:{}",
                        loc.file.display, loc.pos.line, loc.pos.col
                    ));
                }
                continue;
            }
            marks.push(mark);
        }
        // Files in order of first appearance (the primary's first), marks by position.
        let mut files: Vec<&SourceFile> = Vec::new();
        for m in &marks {
            if !files.iter().any(|f| std::ptr::eq(*f, m.file)) {
                files.push(m.file);
            }
        }
        let mut group = Group::with_title(level.primary_title(title));
        for file in files {
            let mut in_file: Vec<&Mark<'_>> = marks
                .iter()
                .filter(|m| std::ptr::eq(m.file, file))
                .collect();
            in_file.sort_by_key(|m| (m.range.start, m.range.end));
            let mut clusters: Vec<Vec<&Mark<'_>>> = Vec::new();
            for m in in_file {
                let near = clusters.last().and_then(|c| c.last()).is_some_and(|prev| {
                    let (a, b) = (prev.lines().end, m.lines().start);
                    b <= a
                        || file.text[a..b].bytes().filter(|c| *c == b'\n').count()
                            <= SNIPPET_GAP_LINES
                });
                match clusters.last_mut() {
                    Some(c) if near => c.push(m),
                    _ => clusters.push(vec![m]),
                }
            }
            // The primary's snippet first: it has no path (the header names the file);
            // the others of its file follow under `::: file:line:col`.
            clusters.sort_by_key(|c| !c.iter().any(|m| m.primary));
            for cluster in clusters {
                let start = cluster.iter().map(|m| m.lines().start).min().unwrap_or(0);
                let end = cluster.iter().map(|m| m.lines().end).max().unwrap_or(0);
                let mut snippet = Snippet::source(&file.text[start..end])
                    .line_start(cluster[0].line_number(start));
                if !cluster.iter().any(|m| m.primary) {
                    snippet = snippet.path(file.display.as_str());
                }
                for m in cluster {
                    let kind = if m.primary {
                        AnnotationKind::Primary
                    } else {
                        AnnotationKind::Context
                    };
                    snippet = snippet.annotation(
                        kind.span(m.range.start - start..m.range.end - start)
                            .label(m.label),
                    );
                }
                group = group.element(snippet);
            }
        }
        for h in &self.help {
            group = group.element(L::HELP.message(h.as_str()));
        }
        let lint_note = self.lint_note();
        for n in far.iter().chain(&lint_note).chain(&self.notes) {
            group = group.element(L::NOTE.message(n.as_str()));
        }
        let renderer = if options.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

/// Collects diagnostics across stages: the one sink every stage reports to. It is
/// shared (`&self`, interior mutability, as serde_derive's `Ctxt`), so that code which
/// only reads a document can report without borrowing the rest of its state mutably.
/// A diagnostic is complete when recorded: help lines and labels are added while it is
/// written ([`Report`]), never afterwards.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: RefCell<Vec<Diagnostic>>,
}

/// Most diagnostics reported for one document; past this the rest are summarised.
pub const MAX_DIAGNOSTICS: usize = 200;

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&self, d: Diagnostic) {
        self.items.borrow_mut().push(d);
    }

    /// Starts a diagnostic, recorded (after what was recorded before it is dropped) when
    /// the returned [`Report`] is dropped: add help lines and labels to it meanwhile.
    pub fn report(&self, d: Diagnostic) -> Report<'_> {
        Report {
            sink: self,
            diagnostic: d,
        }
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// True when an error (not only warnings) was reported.
    pub fn has_errors(&self) -> bool {
        self.items.borrow().iter().any(Diagnostic::is_error)
    }

    /// Number of errors so far.
    pub fn error_count(&self) -> usize {
        self.items.borrow().iter().filter(|d| d.is_error()).count()
    }

    /// Removes and returns the diagnostics recorded after the first `len`.
    pub fn split_off(&self, len: usize) -> Vec<Diagnostic> {
        let mut items = self.items.borrow_mut();
        let len = len.min(items.len());
        items.split_off(len)
    }

    /// Number of diagnostics so far.
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    /// The diagnostics, sorted by file and position, at most [`MAX_DIAGNOSTICS`] (each problem
    /// is reported once, where it is written: nothing is checked twice).
    pub fn into_vec(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner();
        items.sort_by(|a, b| {
            let ka = a.location.as_ref().map(|l| (l.file.display.clone(), l.pos));
            let kb = b.location.as_ref().map(|l| (l.file.display.clone(), l.pos));
            ka.cmp(&kb)
        });
        if items.len() > MAX_DIAGNOSTICS {
            let more = items.len() - MAX_DIAGNOSTICS;
            items.truncate(MAX_DIAGNOSTICS);
            items.push(Diagnostic::at(
                Code::TooManyProblems,
                None,
                format!("{more} more problems not shown"),
            ));
        }
        items
    }
}

/// A diagnostic being written: recorded in its [`Diagnostics`] when dropped. It reads
/// and writes as the [`Diagnostic`] it holds.
#[derive(Debug)]
pub struct Report<'s> {
    sink: &'s Diagnostics,
    diagnostic: Diagnostic,
}

impl std::ops::Deref for Report<'_> {
    type Target = Diagnostic;

    fn deref(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

impl std::ops::DerefMut for Report<'_> {
    fn deref_mut(&mut self) -> &mut Diagnostic {
        &mut self.diagnostic
    }
}

impl Drop for Report<'_> {
    fn drop(&mut self) {
        // What stays behind is empty (no allocation) and dropped with the report.
        let empty = Diagnostic::at(self.diagnostic.code, None, String::new());
        self.sink
            .push(std::mem::replace(&mut self.diagnostic, empty));
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
            Code::UnknownInput,
            Some(Location::from_pos(file, Pos { line: 2, col: 10 }, 13)),
            "unknown input `apiKy`",
        )
        .help("did you mean `apiKey`?");
        let text = d.to_string();
        assert_eq!(
            text,
            "specs/x.yml:2:10: unknown input `apiKy`\n  |\n2 |   value: $inputs.apiKy\n  |          ^^^^^^^^^^^^^\n  |\n  = help: did you mean `apiKey`?"
        );
        let mut warning = d.clone();
        warning.severity = Severity::Warning;
        warning.code = Code::Dialect;
        let text = warning.render(RenderOptions {
            severity: true,
            color: false,
        });
        assert!(
            text.starts_with("warning: specs/x.yml:2:10: unknown input"),
            "{text}"
        );
        assert!(text.ends_with("\n  = note: `warn(dialect)` is the default; `allow(dialect)` in the macro call silences it, `deny(dialect)` makes it an error"), "{text}");
    }

    #[test]
    fn renders_labels_in_the_same_and_other_files() {
        let doc = Arc::new(SourceFile {
            display: "x.arazzo.yaml".into(),
            text: "inputs:\n  apiKey: 1\nsteps:\n  value: $inputs.apiKy\n".into(),
        });
        let oas = Arc::new(SourceFile {
            display: "openapi/shop.yaml".into(),
            text: "paths:\n  /x:\n    get:\n      operationId: getX\n".into(),
        });
        let at = |file: &Arc<SourceFile>, line, col, len| {
            Some(Location::from_pos(file.clone(), Pos { line, col }, len))
        };
        let d = Diagnostic::at(
            Code::UnknownInput,
            at(&doc, 4, 18, 5),
            "unknown input `apiKy`",
        )
        .label(at(&doc, 2, 3, 6), "declared here")
        .label(at(&oas, 4, 7, 11), "the operation is here")
        .label(None, "dropped: no location");
        assert_eq!(d.labels.len(), 2);
        let expected = "\
x.arazzo.yaml:4:18: unknown input `apiKy`
  |
2 |   apiKey: 1
  |   ------ declared here
3 | steps:
4 |   value: $inputs.apiKy
  |                  ^^^^^
  |
 ::: openapi/shop.yaml:4:7
  |
4 |       operationId: getX
  |       ----------- the operation is here";
        assert_eq!(d.to_string(), expected);
    }

    #[test]
    fn a_mark_on_a_very_long_line_is_a_position_only() {
        let long = Arc::new(SourceFile {
            display: "big.json".into(),
            text: format!("{{\"a\": \"{}\", \"op\": 1}}", "x".repeat(2000)),
        });
        let doc = file("v: 1\n");
        let d = Diagnostic::at(
            Code::UnknownInput,
            Some(Location::from_pos(doc, Pos { line: 1, col: 4 }, 1)),
            "m",
        )
        .label(
            Some(Location::from_pos(long, Pos { line: 1, col: 2012 }, 4)),
            "the operation is here",
        );
        let text = d.to_string();
        assert!(
            text.ends_with("= note: the operation is here: big.json:1:2012"),
            "{text}"
        );
        assert!(!text.contains("xxxxxxxxxx"), "{text}");
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
        let loc = Location::from_pos(f.clone(), Pos { line: 2, col: 7 }, 13);
        let r = loc.byte_range().expect("inside the text");
        assert_eq!(&f.text[r], "$inputs.apiKy");
        assert_eq!(f.offset(Pos { line: 9, col: 1 }), None);
    }

    #[test]
    fn candidates_suggest_a_unique_close_name_only() {
        let f = file("v: $inputs.apiKy\n");
        let loc = || Some(Location::from_pos(f.clone(), Pos { line: 1, col: 4 }, 13));
        let mut d = Diagnostic::at(Code::UnknownInput, loc(), "unknown input");
        d.candidates("declares", ["apiKey", "customerId"], "apiKy");
        assert_eq!(d.suggestions.len(), 1);
        let s = &d.suggestions[0];
        assert_eq!(
            (s.range.clone(), s.replacement.as_str()),
            (11..16, "apiKey")
        );
        assert_eq!(s.applicability, Applicability::MachineApplicable);
        // Two close names: a suggestion, not applied.
        let mut d = Diagnostic::at(Code::UnknownInput, loc(), "unknown input");
        d.candidates("declares", ["apiKey", "apiKeys"], "apiKy");
        assert_eq!(
            d.suggestions[0].applicability,
            Applicability::MaybeIncorrect
        );
        // None close: nothing.
        let mut d = Diagnostic::at(Code::UnknownInput, loc(), "unknown input");
        d.candidates("declares", ["customerId"], "apiKy");
        assert!(d.suggestions.is_empty());
    }

    #[test]
    fn a_suggestion_is_made_only_where_the_text_matches() {
        let f = file("v: \"a\\u0041b\"\n");
        let mut d = Diagnostic::at(
            Code::UnknownInput,
            Some(Location::from_pos(f, Pos { line: 1, col: 5 }, 3)),
            "m",
        );
        d.suggest_location("aAb", "x", Applicability::MachineApplicable);
        assert!(d.suggestions.is_empty());
    }

    #[test]
    fn plain_scalars_starting_with_a_brace_are_quoted() {
        let f = file("operationPath: api#/paths/~1x/get\n");
        let mut d = Diagnostic::at(
            Code::UnknownInput,
            Some(Location::from_pos(f, Pos { line: 1, col: 16 }, 18)),
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

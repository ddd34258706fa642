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

/// One problem in a document.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Where it is, when known.
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Help lines: what was expected, the likely fix.
    pub help: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic at a location.
    pub fn at(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            message: message.into(),
            help: Vec::new(),
        }
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

//! A YAML 1.2 (and so JSON) tree that keeps the position of every node.
//!
//! Built from `saphyr-parser` events. Hostile input is bounded: nesting depth,
//! the number of nodes and the bytes of text (aliases are expanded, so "billion laughs"
//! documents and a large scalar aliased many times hit a budget instead of memory), and
//! scalars are resolved with the YAML 1.2 core schema.

use crate::diag::{Location, Pos, SourceFile};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Limits applied while building the tree.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes in the tree, counting each alias expansion again.
    pub max_nodes: usize,
    /// Most bytes of text (scalars and keys) in the tree, counting each alias expansion
    /// again: an anchored 1 MiB string aliased 2 000 times is 2 GiB once expanded.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 200,
            max_nodes: 2_000_000,
            max_bytes: 2 * crate::MAX_FILE_BYTES as usize,
        }
    }
}

/// A node: its value, where it starts, and how its text relates to the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Position of the node's first character (the quote, for quoted scalars).
    pub pos: Pos,
    /// Byte range of the node in the source text: a scalar's text as written (quotes
    /// included), a collection from its first character to where the parser ended it.
    /// Empty for nodes made up by the compiler.
    pub span: Range<usize>,
    /// For a single-line plain or quoted scalar, the column offset of its content
    /// from `pos` (0 plain, 1 quoted): positions inside the string can then be mapped.
    pub content_offset: Option<u32>,
    /// For a single-line quoted scalar with escapes (`\t`, `\u0041`, `''`): the column
    /// offset in the source of each character of the value, from the opening quote.
    pub col_map: Option<Arc<[u32]>>,
}

/// A YAML value with JSON-compatible types.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or empty.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with string keys, in document order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key: its text and position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key as text (numbers keep their spelling: `200`).
    pub text: String,
    /// Where the key starts.
    pub pos: Pos,
    /// Byte range of the key in the source text (quotes included).
    pub span: Range<usize>,
}

impl Key {
    /// The key as a string node (for diagnostics pointing at a key): its content is
    /// located inside the quotes of a quoted key.
    pub fn node(&self) -> Node {
        let written = self.span.end.saturating_sub(self.span.start);
        let quoted = written == self.text.len() + 2;
        Node {
            value: Value::Str(self.text.clone()),
            pos: self.pos,
            span: self.span.clone(),
            content_offset: Some(u32::from(quoted)),
            col_map: None,
        }
    }
}

/// A YAML error with the position reported by the parser.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub pos: Pos,
    /// Byte offset of the position in the source text.
    pub offset: usize,
}

impl Node {
    /// The member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// A JSON-ish name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    /// Follows an RFC 6901 pointer given as unescaped tokens.
    pub fn pointer<'a>(&'a self, tokens: &[String]) -> Option<&'a Node> {
        let mut cur = self;
        for t in tokens {
            cur = match &cur.value {
                Value::Map(_) => cur.get(t)?,
                Value::Seq(items) => items.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Like [`pointer`](Node::pointer), but returns the index taken at each
    /// step (the entry of a mapping, the item of a sequence), for
    /// [`at_indices`](Node::at_indices).
    pub fn pointer_indices(&self, tokens: &[String]) -> Option<Vec<usize>> {
        self.pointer_indices_by(tokens, |map, key| {
            map.entries().iter().position(|(k, _)| k.text == key)
        })
    }

    /// [`pointer_indices`](Node::pointer_indices) with the entry of a mapping found
    /// by `entry(mapping, key)` (a caller may look large mappings up by hash).
    pub fn pointer_indices_by(
        &self,
        tokens: &[String],
        entry: impl Fn(&Node, &str) -> Option<usize>,
    ) -> Option<Vec<usize>> {
        let mut cur = self;
        let mut path = Vec::with_capacity(tokens.len());
        for t in tokens {
            let (i, next) = match &cur.value {
                Value::Map(entries) => {
                    let i = entry(cur, t)?;
                    (i, &entries.get(i)?.1)
                }
                Value::Seq(items) => {
                    let i = t.parse::<usize>().ok()?;
                    (i, items.get(i)?)
                }
                _ => return None,
            };
            path.push(i);
            cur = next;
        }
        Some(path)
    }

    /// The node reached by taking entry or item `i` at each step.
    pub fn at_indices(&self, path: &[usize]) -> Option<&Node> {
        let mut cur = self;
        for &i in path {
            cur = match &cur.value {
                Value::Map(entries) => &entries.get(i)?.1,
                Value::Seq(items) => items.get(i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Position of the character `offset` bytes into this scalar's string content,
    /// when it can be mapped (single-line scalars); otherwise the node's position.
    pub fn pos_at(&self, byte_offset: usize) -> Pos {
        let Value::Str(s) = &self.value else {
            return self.pos;
        };
        let chars = s.get(..byte_offset).map_or(0, |p| p.chars().count());
        match (self.content_offset, &self.col_map) {
            (Some(off), _) => self.pos.shifted(off as usize + chars),
            (None, Some(map)) => {
                let col = map
                    .get(chars)
                    .copied()
                    .or_else(|| map.last().map(|c| c + 1));
                col.map_or(self.pos, |c| self.pos.shifted(c as usize))
            }
            _ => self.pos,
        }
    }

    /// A made-up `null` at this node's first character (where an absent value is reported).
    pub fn null_at_start(&self) -> Node {
        Node {
            value: Value::Null,
            pos: self.pos,
            span: self.span.start..self.span.start,
            content_offset: None,
            col_map: None,
        }
    }

    /// Converts to a `serde_json::Value` (floats that are not finite become null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn pos_of(m: &saphyr_parser::Span) -> Pos {
    Pos {
        line: u32::try_from(m.start.line()).unwrap_or(u32::MAX),
        col: u32::try_from(m.start.col() + 1).unwrap_or(u32::MAX),
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    if let Some(h) = s.strip_prefix("0x") {
        if digits(h, 16) {
            if let Ok(i) = i64::from_str_radix(h, 16) {
                return Value::Int(i);
            }
        }
    } else if let Some(o) = s.strip_prefix("0o") {
        if digits(o, 8) {
            if let Ok(i) = i64::from_str_radix(o, 8) {
                return Value::Int(i);
            }
        }
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits(unsigned, 10) {
        return match s.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => s
                .parse::<f64>()
                .map_or(Value::Str(s.to_owned()), Value::Float),
        };
    }
    let is_float = {
        let (mant, exp) = match unsigned.find(['e', 'E']) {
            Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
            None => (unsigned, None),
        };
        let mant_ok = {
            let (a, b) = mant.split_once('.').unwrap_or((mant, ""));
            (a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit()))
                && !(a.is_empty() && b.is_empty())
                && (mant.contains('.') || exp.is_some())
        };
        let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
        mant_ok && exp_ok
    };
    if is_float {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(s.to_owned())
}

/// Byte offsets of character indices (saphyr markers count characters), by a cursor that
/// moves from the last position asked: parser events come almost in order, so the walk
/// stays linear in the size of the text. ASCII text needs no walk.
struct ByteIndex<'s> {
    src: &'s str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'s> ByteIndex<'s> {
    fn new(src: &'s str) -> Self {
        ByteIndex {
            src,
            ascii: src.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    /// The byte offset of character `index` (the end of the text past it).
    fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.src.len());
        }
        while self.chars < index {
            let Some(c) = self.src[self.bytes..].chars().next() else {
                return self.bytes;
            };
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > index {
            let Some(c) = self.src[..self.bytes].chars().next_back() else {
                break;
            };
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.bytes
    }

    /// The byte range of a parser span.
    fn range(&mut self, span: &saphyr_parser::Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        start..end
    }
}

/// Maps each character of a quoted scalar's value to its column offset from the opening
/// quote, by replaying the escapes of the raw text. `None` when the replay disagrees
/// with the parser (then positions fall back to the scalar's start).
fn quoted_col_map(raw: &str, double: bool, decoded_chars: usize) -> Option<Arc<[u32]>> {
    let mut map = Vec::with_capacity(decoded_chars);
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0usize;
    while i < chars.len() {
        let col = u32::try_from(i + 1).ok()?;
        let width = chars
            .get(i)
            .map_or(1, |&c| escape_width(double, c, chars.get(i + 1).copied()));
        map.push(col);
        i += width;
    }
    (map.len() == decoded_chars).then(|| map.into())
}

/// How many source characters the character at hand of a quoted scalar's raw text
/// stands for: an escape (`\t`, `\x41`, `\u0041`, `\U0001F600`; `''` when single-quoted)
/// is one character of the value; anything else is itself.
fn escape_width(double: bool, c: char, next: Option<char>) -> usize {
    match (double, c, next) {
        (true, '\\', Some('x')) => 4,
        (true, '\\', Some('u')) => 6,
        (true, '\\', Some('U')) => 10,
        (true, '\\', Some(_)) => 2,
        (false, '\'', Some('\'')) => 2,
        _ => 1,
    }
}

/// One character of a scalar's value as re-read from the source: the character (`None`
/// for an escape of a double-quoted scalar, not decoded), the byte offset in the source
/// of the text it comes from (a line break for a character made by folding) and the
/// length of that text.
type Traced = (Option<char>, usize, usize);

/// The bytes of the line starting at `start` (without its line break) and where the
/// next line starts (`None` at the end of the text).
fn line_at(src: &str, start: usize) -> Option<(&str, Option<usize>)> {
    let rest = src.get(start..)?;
    Some(match rest.find('\n') {
        Some(i) => {
            let line = rest.get(..i)?;
            (line.strip_suffix('\r').unwrap_or(line), Some(start + i + 1))
        }
        None => (rest.strip_suffix('\r').unwrap_or(rest), None),
    })
}

/// How a block scalar's final line breaks are kept.
#[derive(Clone, Copy, PartialEq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// The header of a block scalar on `line` (`|`, `>-`, `|2+`, an optional comment after
/// it): folded or not, chomping, explicit indentation indicator.
fn block_header(line: &str) -> Option<(bool, Chomp, Option<usize>)> {
    for (i, c) in line.char_indices() {
        if c != '|' && c != '>' {
            continue;
        }
        let before = line.get(..i)?;
        if !(before.is_empty() || before.ends_with([' ', '\t'])) {
            continue;
        }
        let rest = line.get(i + 1..)?;
        let ind_len = rest
            .find(|c: char| !matches!(c, '1'..='9' | '+' | '-'))
            .unwrap_or(rest.len());
        let (ind, after) = rest.split_at(ind_len);
        let tail = after.trim_start_matches([' ', '\t']);
        if ind.len() > 2
            || !(tail.is_empty() || (tail.starts_with('#') && tail.len() < after.len()))
        {
            continue;
        }
        let chomp = match (ind.contains('-'), ind.contains('+')) {
            (true, false) => Chomp::Strip,
            (false, true) => Chomp::Keep,
            (false, false) => Chomp::Clip,
            (true, true) => continue,
        };
        let digits: Vec<usize> = ind
            .chars()
            .filter_map(|c| c.to_digit(10))
            .map(|d| d as usize)
            .collect();
        let indent = match digits.as_slice() {
            [] => None,
            [d] => Some(*d),
            _ => continue,
        };
        return Some((c == '>', chomp, indent));
    }
    None
}

/// Re-reads the lines of a block scalar from `start` (the line after its header) with
/// content indentation `indent`.
fn block_chars(src: &str, start: usize, indent: usize, folded: bool, chomp: Chomp) -> Vec<Traced> {
    // Each line: `Some((content start, content))` for a text line, `None` for an empty
    // one, and the offset of its line break (the end of the text for the last line).
    let mut lines: Vec<(Option<(usize, &str)>, usize)> = Vec::new();
    let mut at = Some(start);
    while let Some(line_start) = at {
        let Some((line, next)) = line_at(src, line_start) else {
            break;
        };
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let brk = line_start + line.len();
        if line.trim_matches(' ').is_empty() && spaces <= indent {
            lines.push((None, brk));
        } else if spaces < indent {
            break;
        } else {
            let content = line.get(indent..).unwrap_or_default();
            lines.push((Some((line_start + indent, content)), brk));
        }
        at = next;
    }
    // Empty lines after the last text line are trailing: kept only by `+`.
    let last_text = lines.iter().rposition(|(l, _)| l.is_some());
    let spaced = |content: &str| content.starts_with([' ', '\t']);
    let mut out: Vec<Traced> = Vec::new();
    let mut prev: Option<(&str, usize)> = None; // the previous text line: content, break
    let mut empties: Vec<usize> = Vec::new();
    for (i, (line, brk)) in lines.iter().enumerate() {
        if last_text.is_none_or(|l| i > l) {
            break;
        }
        let Some((content_start, content)) = line else {
            empties.push(*brk);
            continue;
        };
        if let Some((p, p_brk)) = prev {
            // Folding: a break between two lines that do not start with white space
            // becomes a space, or disappears before empty lines.
            if !(folded && !spaced(p) && !spaced(content)) {
                out.push((Some('\n'), p_brk, 1));
            } else if empties.is_empty() {
                out.push((Some(' '), p_brk, 1));
            }
        }
        out.extend(empties.drain(..).map(|b| (Some('\n'), b, 1)));
        out.extend(
            content
                .char_indices()
                .map(|(b, c)| (Some(c), content_start + b, c.len_utf8())),
        );
        prev = Some((content, *brk));
    }
    let final_break = prev.map(|(_, b)| b).filter(|&b| b < src.len());
    if chomp != Chomp::Strip {
        out.extend(final_break.map(|b| (Some('\n'), b, 1)));
    }
    if chomp == Chomp::Keep {
        let trailing = lines
            .get(last_text.map_or(0, |l| l + 1)..)
            .unwrap_or_default();
        out.extend(trailing.iter().map(|(_, b)| (Some('\n'), *b, 1)));
    }
    out
}

/// Re-reads a multi-line plain or quoted scalar: `inner` is its text without quotes,
/// starting at byte `base` of the source. Lines are folded (a single line break becomes
/// a space, `n` empty lines become `n` line breaks), leading and trailing white space of
/// the lines is dropped; a double-quoted scalar may escape characters and line breaks.
fn flow_chars(inner: &str, base: usize, quote: Option<char>) -> Vec<Traced> {
    let mut out: Vec<Traced> = Vec::new();
    let mut empties: Vec<usize> = Vec::new();
    // The break ending the previous text line: its offset, and whether it was escaped.
    let mut pending: Option<(usize, bool)> = None;
    let mut lines = Vec::new();
    let mut at = Some(0usize);
    while let Some(start) = at {
        let Some((line, next)) = line_at(inner, start) else {
            break;
        };
        lines.push((start, line, next.is_some()));
        at = next;
    }
    let mut first = true;
    for (at, line, more) in lines {
        let brk = at + line.len();
        let content = if first {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        };
        let lead = line.len() - content.len();
        if !first && content.trim_end_matches([' ', '\t']).is_empty() && more {
            empties.push(base + brk);
            continue;
        }
        if let Some((p_brk, escaped)) = pending.take() {
            if !escaped && empties.is_empty() {
                out.push((Some(' '), base + p_brk, 1));
            }
            out.extend(empties.iter().map(|&b| (Some('\n'), b, 1)));
        }
        empties.clear();
        // The characters of the line, escapes as one character each.
        // (character, offset, length, literal white space)
        let mut line_out: Vec<(Option<char>, usize, usize, bool)> = Vec::new();
        let chars: Vec<(usize, char)> = content.char_indices().collect();
        let mut i = 0usize;
        let mut escaped_break = false;
        while let Some(&(b, c)) = chars.get(i) {
            let off = base + at + lead + b;
            let next = chars.get(i + 1).map(|x| x.1);
            if quote == Some('"') && c == '\\' && next.is_none() && more {
                escaped_break = true;
                break;
            }
            let width = quote.map_or(1, |q| escape_width(q == '"', c, next));
            let ch = if width == 1 || quote == Some('\'') {
                Some(c)
            } else {
                None
            };
            let len = chars.get(i + width).map_or(content.len(), |x| x.0) - b;
            line_out.push((ch, off, len, width == 1 && matches!(c, ' ' | '\t')));
            i += width;
        }
        if more && !escaped_break {
            while line_out.last().is_some_and(|x| x.3) {
                line_out.pop();
            }
        }
        out.extend(line_out.into_iter().map(|(c, off, len, _)| (c, off, len)));
        first = false;
        pending = Some((brk, escaped_break));
    }
    out
}

/// The characters of a block scalar whose content starts at `start`, when its header is
/// found on an earlier line and they read back as the value (`matches`).
fn block_scalar_chars(
    src: &str,
    start: usize,
    matches: &dyn Fn(&[Traced]) -> bool,
) -> Option<Vec<Traced>> {
    // The content starts a line, after the header on an earlier line (empty lines may
    // come between).
    let line_start = src.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    if line_start == 0
        || !src
            .get(line_start..start)?
            .trim_start_matches(' ')
            .is_empty()
    {
        return None;
    }
    let mut header_end = line_start - 1;
    let header = loop {
        let header_start = src.get(..header_end)?.rfind('\n').map_or(0, |i| i + 1);
        let line = src.get(header_start..header_end)?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.trim_matches([' ', '\t']).is_empty() {
            break line;
        }
        header_end = header_start.checked_sub(1)?;
    };
    let (folded, chomp, indicator) = block_header(header)?;
    let content = header_end + 1;
    // The content indentation: that of the first text line; with an indicator (relative
    // to an indentation not known here), any up to it that reads the value back.
    let mut first_indent = 0;
    let mut at = Some(content);
    while let Some(s) = at {
        let (l, next) = line_at(src, s)?;
        if !l.trim_matches(' ').is_empty() {
            first_indent = l.len() - l.trim_start_matches(' ').len();
            break;
        }
        at = next;
    }
    let candidates = match indicator {
        None => first_indent..first_indent + 1,
        Some(m) => m..first_indent + 1,
    };
    candidates
        .map(|indent| block_chars(src, content, indent, folded, chomp))
        .find(|chars| matches(chars))
}

/// The characters of the scalar at `span` as re-read from `src`, if the text there is
/// a multi-line plain or quoted scalar, or the content of a block scalar.
fn scalar_chars(src: &str, span: &Range<usize>, value: &str) -> Option<Vec<Traced>> {
    let raw = src.get(span.clone())?;
    let matches = |chars: &[Traced]| {
        chars.len() == value.chars().count()
            && chars
                .iter()
                .zip(value.chars())
                .all(|((c, _, _), v)| c.is_none_or(|c| c == v))
    };
    if let Some(chars) = block_scalar_chars(src, span.start, &matches) {
        return Some(chars);
    }
    let chars = match raw.chars().next()? {
        q @ ('"' | '\'') => {
            let inner = raw.get(1..raw.len().checked_sub(1)?)?;
            flow_chars(inner, span.start + 1, Some(q))
        }
        _ => flow_chars(raw, span.start, None),
    };
    matches(&chars).then_some(chars)
}

impl Node {
    /// The byte range in `src` (the text this node was parsed from) of the part
    /// `range` of this string's value, for scalars written over several lines (block,
    /// multi-line plain and quoted scalars): the source text is re-read, so nothing is
    /// kept while parsing. `None` when the node is not such a scalar or its text does
    /// not read back as its value (an alias, a node made up by the compiler).
    pub fn source_range(&self, src: &str, range: Range<usize>) -> Option<Range<usize>> {
        let Value::Str(s) = &self.value else {
            return None;
        };
        let chars = scalar_chars(src, &self.span, s)?;
        let first = s.get(..range.start)?.chars().count();
        let start = chars.get(first)?.1;
        if range.end <= range.start {
            return Some(start..start);
        }
        let last = s.get(..range.end)?.chars().count().checked_sub(1)?;
        let (_, end, len) = *chars.get(last)?;
        let end = (end + len).min(src.len());
        (start <= end).then_some(start..end)
    }
}

enum Frame {
    Seq(Node, usize),
    /// A mapping being built, its anchor, the key waiting for its value, and the
    /// keys so far (for the duplicate check).
    Map(Node, usize, Option<Key>, KeySet),
}

/// Mappings with more entries than this check a new key for duplicates by hash
/// (the keys' hashes are kept from then on); smaller ones compare it with each key.
/// Without it, reading the `paths` or `schemas` of a large API costs a string
/// comparison per pair of entries.
const HASHED_KEYS: usize = 16;

/// The hashes of a large mapping's keys ([`HASHED_KEYS`]); empty while it is small.
#[derive(Default)]
struct KeySet(std::collections::HashSet<u64>);

impl KeySet {
    fn hash(key: &str) -> u64 {
        use std::hash::BuildHasher;
        // Fixed keys: the same document hashes the same way on every run.
        std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(key)
    }

    /// Whether `key` is among `entries` (this set's mapping); records it.
    fn contains_then_add(&mut self, entries: &[(Key, Node)], key: &str) -> bool {
        if entries.len() < HASHED_KEYS {
            return entries.iter().any(|(k, _)| k.text == key);
        }
        if self.0.is_empty() {
            self.0
                .extend(entries.iter().map(|(k, _)| Self::hash(&k.text)));
        }
        // A hash seen before is a duplicate only if a key really is equal.
        !self.0.insert(Self::hash(key)) && entries.iter().any(|(k, _)| k.text == key)
    }
}

/// Parses one YAML document into a positioned tree.
///
/// Errors carry the parser's position. Duplicate keys, non-scalar keys and
/// multiple documents are errors; the first error stops the build of the tree.
///
/// JSON text (starting with `{` or `[`) may escape characters outside the Basic
/// Multilingual Plane as UTF-16 surrogate pairs (`"\ud83d\udc4b"`), which YAML
/// does not allow: such pairs are rewritten as `\U0001f44b` before parsing (a lone
/// surrogate becomes U+FFFD, as in JSON parsers that do not reject it), and the
/// positions are mapped back to the original columns.
pub fn parse(src: &str, limits: Limits) -> Result<Node, YamlError> {
    let Some((joined, shifts, byte_shifts)) = join_surrogates(src) else {
        return parse_tree(src, limits);
    };
    // Each joined pair is two bytes shorter than in `src` (all escapes are ASCII).
    let byte = |b: usize| b + 2 * byte_shifts.partition_point(|s| *s <= b);
    let bytes = |r: &Range<usize>| byte(r.start)..byte(r.end);
    let shift = |pos: Pos| Pos {
        line: pos.line,
        col: pos.col.saturating_add(
            shifts
                .iter()
                .filter(|(l, end)| *l == pos.line && *end <= pos.col)
                .count() as u32
                * 2,
        ),
    };
    match parse_tree(&joined, limits) {
        Ok(mut root) => {
            let mut stack = vec![&mut root];
            while let Some(n) = stack.pop() {
                let new_pos = shift(n.pos);
                if let Some(map) = &n.col_map {
                    let old = n.pos;
                    let remapped: Vec<u32> = map
                        .iter()
                        .map(|off| {
                            let at = shift(Pos {
                                line: old.line,
                                col: old.col.saturating_add(*off),
                            });
                            at.col.saturating_sub(new_pos.col)
                        })
                        .collect();
                    n.col_map = Some(remapped.into());
                }
                n.pos = new_pos;
                n.span = bytes(&n.span);
                match &mut n.value {
                    Value::Seq(items) => stack.extend(items.iter_mut()),
                    Value::Map(entries) => {
                        for (k, v) in entries.iter_mut() {
                            k.pos = shift(k.pos);
                            k.span = bytes(&k.span);
                            stack.push(v);
                        }
                    }
                    _ => {}
                }
            }
            Ok(root)
        }
        Err(e) => Err(YamlError {
            pos: shift(e.pos),
            offset: byte(e.offset),
            ..e
        }),
    }
}

/// For JSON text with UTF-16 surrogate escapes: the text with each pair rewritten as
/// one `\UXXXXXXXX` escape (two characters shorter) and each lone surrogate as `\ufffd`
/// (same length), plus (line, column just after each shortened escape in the new text)
/// and the byte offset just after each in the new text.
/// `None` when there is nothing to rewrite.
#[allow(clippy::type_complexity)]
fn join_surrogates(src: &str) -> Option<(String, Vec<(u32, u32)>, Vec<usize>)> {
    let trimmed = src.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let surrogate_at = |chars: &[char], i: usize| -> Option<u32> {
        if chars.get(i) != Some(&'\\') || chars.get(i + 1) != Some(&'u') {
            return None;
        }
        let hex: String = chars.get(i + 2..i + 6)?.iter().collect();
        let v = u32::from_str_radix(&hex, 16).ok()?;
        (0xD800..=0xDFFF).contains(&v).then_some(v)
    };
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut shifts = Vec::new();
    let mut byte_shifts = Vec::new();
    let (mut line, mut col) = (1u32, 1u32);
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            match surrogate_at(&chars, i) {
                Some(hi @ 0xD800..=0xDBFF) => {
                    if let Some(lo @ 0xDC00..=0xDFFF) = surrogate_at(&chars, i + 6) {
                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        out.push_str(&format!("\\U{cp:08x}"));
                        col += 10;
                        shifts.push((line, col));
                        byte_shifts.push(out.len());
                        i += 12;
                    } else {
                        out.push_str("\\ufffd");
                        col += 6;
                        i += 6;
                    }
                    changed = true;
                }
                Some(_) => {
                    out.push_str("\\ufffd");
                    col += 6;
                    i += 6;
                    changed = true;
                }
                None => {
                    // An escaped character (`\\`, `\"`): copy both, so `\\ud83d` stays text.
                    out.push(c);
                    col += 1;
                    i += 1;
                    if let Some(&next) = chars.get(i) {
                        if next != '\n' {
                            out.push(next);
                            col += 1;
                            i += 1;
                        }
                    }
                }
            }
            continue;
        }
        out.push(c);
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        i += 1;
    }
    changed.then_some((out, shifts, byte_shifts))
}

fn parse_tree(src: &str, limits: Limits) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(src);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut root: Option<Node> = None;
    let mut nodes: usize = 0;
    let mut bytes: usize = 0;
    let mut documents = 0usize;
    let mut index = ByteIndex::new(src);
    let err = |message: String, pos: Pos, offset: usize| YamlError {
        message,
        pos,
        offset,
    };
    // Open collections: where each started (byte offset).
    let mut starts: Vec<usize> = Vec::new();

    while let Some(item) = parser.next_event() {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) => {
                return Err(YamlError {
                    message: e.info().to_owned(),
                    pos: Pos {
                        line: u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
                        col: u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
                    },
                    offset: index.byte(e.marker().index()),
                })
            }
        };
        let pos = pos_of(&span);
        let range = index.range(&span);
        let at = range.start;
        let completed: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        "a file must hold exactly one YAML document".into(),
                        pos,
                        at,
                    ));
                }
                None
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| err("alias to an unknown anchor".into(), pos, at))?;
                let (n, b) = expanded_size(&node, limits.max_nodes, limits.max_bytes);
                nodes = nodes.saturating_add(n);
                bytes = bytes.saturating_add(b);
                if bytes > limits.max_bytes {
                    return Err(err(
                        format!(
                            "document too large: more than {} bytes of text once aliases are expanded (an alias bomb?)",
                            limits.max_bytes
                        ),
                        pos,
                        at,
                    ));
                }
                if nodes > limits.max_nodes {
                    return Err(err(
                        format!(
                            "document too large: more than {} nodes once aliases are expanded (an alias bomb?)",
                            limits.max_nodes
                        ),
                        pos,
                        at,
                    ));
                }
                let node = Node {
                    pos,
                    span: range,
                    ..node
                };
                Some((node, 0))
            }
            Event::Scalar(text, style, anchor, tag) => {
                nodes += 1;
                bytes = bytes.saturating_add(text.len());
                let value = match (&tag, style) {
                    (Some(t), _) if t.is_yaml_core_schema() => match t.suffix.as_str() {
                        "str" => Value::Str(text.to_string()),
                        _ => resolve_plain(&text),
                    },
                    (_, ScalarStyle::Plain) => resolve_plain(&text),
                    _ => Value::Str(text.to_string()),
                };
                let node = scalar_node(src, &mut index, value, &text, style, &span);
                Some((node, anchor))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                nodes += 1;
                if stack.len() >= limits.max_depth {
                    return Err(err(
                        format!("nesting deeper than {} levels", limits.max_depth),
                        pos,
                        at,
                    ));
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                starts.push(at);
                let node = Node {
                    value: if is_seq {
                        Value::Seq(Vec::new())
                    } else {
                        Value::Map(Vec::new())
                    },
                    pos,
                    span: at..at,
                    content_offset: None,
                    col_map: None,
                };
                stack.push(if is_seq {
                    Frame::Seq(node, anchor)
                } else {
                    Frame::Map(node, anchor, None, KeySet::default())
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let start = starts.pop().unwrap_or(at);
                match stack.pop() {
                    Some(Frame::Seq(mut node, anchor))
                    | Some(Frame::Map(mut node, anchor, None, _)) => {
                        node.span = start..range.end.max(start);
                        Some((node, anchor))
                    }
                    Some(Frame::Map(_, _, Some(key), _)) => {
                        return Err(err(
                            format!("key `{}` has no value", key.text),
                            key.pos,
                            key.span.start,
                        ))
                    }
                    None => return Err(err("unbalanced YAML structure".into(), pos, at)),
                }
            }
        };
        if nodes > limits.max_nodes {
            return Err(err(
                format!("document too large: more than {} nodes", limits.max_nodes),
                pos,
                at,
            ));
        }
        let Some((node, anchor)) = completed else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        attach(&mut stack, &mut root, node)?;
    }
    root.ok_or_else(|| err("the file is empty".into(), Pos { line: 1, col: 1 }, 0))
}

/// A scalar's node: its value, and where its text is (offsets inside the string map to
/// columns only when the source text is the value itself: one line, no escapes or
/// doubled quotes; a quoted scalar with escapes on one line gets a column map).
fn scalar_node(
    src: &str,
    index: &mut ByteIndex<'_>,
    value: Value,
    text: &str,
    style: ScalarStyle,
    span: &saphyr_parser::Span,
) -> Node {
    let single_line = span.start.line() == span.end.line();
    let raw_chars = span.end.index().saturating_sub(span.start.index());
    let chars = text.chars().count();
    let content_offset = match style {
        ScalarStyle::Plain if single_line && raw_chars == chars => Some(0),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
            if single_line && raw_chars == chars + 2 =>
        {
            Some(1)
        }
        _ => None,
    };
    let col_map = match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
            if single_line && content_offset.is_none() =>
        {
            src.get(
                index.byte(span.start.index() + 1)..index.byte(span.end.index().saturating_sub(1)),
            )
            .and_then(|raw| quoted_col_map(raw, style == ScalarStyle::DoubleQuoted, chars))
        }
        _ => None,
    };
    Node {
        value,
        pos: pos_of(span),
        span: index.range(span),
        content_offset,
        col_map,
    }
}

/// Puts a completed node where it belongs: the root, the next item of the open
/// sequence, or the key (then the value) of the open mapping.
fn attach(stack: &mut [Frame], root: &mut Option<Node>, node: Node) -> Result<(), YamlError> {
    let err = |message: String, node: &Node| YamlError {
        message,
        pos: node.pos,
        offset: node.span.start,
    };
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq(seq, _)) => {
            if let Value::Seq(items) = &mut seq.value {
                items.push(node);
            }
        }
        Some(Frame::Map(map, _, pending, keys)) => match pending.take() {
            None => {
                let text = match &node.value {
                    Value::Str(s) => s.clone(),
                    Value::Int(i) => i.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Null => "null".to_owned(),
                    _ => return Err(err("mapping keys must be strings".into(), &node)),
                };
                if keys.contains_then_add(map.entries(), &text) {
                    return Err(err(format!("duplicate key `{text}`"), &node));
                }
                *pending = Some(Key {
                    text,
                    pos: node.pos,
                    span: node.span,
                });
            }
            Some(key) => {
                if let Value::Map(entries) = &mut map.value {
                    entries.push((key, node));
                }
            }
        },
    }
    Ok(())
}

/// The nodes and bytes of text (scalars and keys) of a tree, counted until either
/// exceeds its cap.
fn expanded_size(node: &Node, max_nodes: usize, max_bytes: usize) -> (usize, usize) {
    let (mut count, mut bytes) = (0usize, 0usize);
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        count += 1;
        if count > max_nodes || bytes > max_bytes {
            break;
        }
        match &n.value {
            Value::Str(s) => bytes = bytes.saturating_add(s.len()),
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(entries) => {
                for (k, v) in entries {
                    bytes = bytes.saturating_add(k.text.len());
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    (count, bytes)
}

/// Location of a whole node (underlining a string's content, or else its first character).
pub fn location(file: &Arc<SourceFile>, node: &Node) -> Option<Location> {
    if let (Value::Str(s), Some(off)) = (&node.value, node.content_offset) {
        let pos = node.pos.shifted(off as usize);
        let start = node.span.start + off as usize;
        let range = start..start + s.len();
        // The node's range holds the string as written, or the node was made up (a key
        // read back as a node, a quoted key): then the string is found by its position.
        return Some(if file.text.get(range.clone()) == Some(s.as_str()) {
            Location::new(file.clone(), pos, range)
        } else {
            Location::from_pos(file.clone(), pos, s.chars().count())
        });
    }
    // A number, boolean or null written on one line: underlined whole.
    let scalar = matches!(
        node.value,
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Null
    );
    let one_line = |w: &str| !w.is_empty() && !w.contains('\n') && !w.starts_with(['*', '&', '!']);
    if scalar && file.text.get(node.span.clone()).is_some_and(one_line) {
        return Some(Location::new(file.clone(), node.pos, node.span.clone()));
    }
    Some(Location::at_offset(file.clone(), node.pos, node.span.start))
}

/// Location of the part `span` (byte offsets in the string's value) of a string node:
/// the part itself where it can be found in the text, else where the node starts.
pub fn span_location(
    file: &Arc<SourceFile>,
    node: &Node,
    span: &std::ops::Range<usize>,
) -> Option<Location> {
    let part = match &node.value {
        Value::Str(s) => s.get(span.clone()),
        _ => None,
    };
    let pos = if node.content_offset.is_some() || node.col_map.is_some() {
        node.pos_at(span.start)
    } else {
        node.pos
    };
    // A plain or quoted scalar without escapes: the part is at the same offset in the text.
    if let (Some(off), Some(part)) = (node.content_offset, part) {
        let start = node.span.start + off as usize + span.start;
        let range = start..start + part.len();
        if file.text.get(range.clone()) == Some(part) {
            return Some(Location::new(file.clone(), pos, range));
        }
    }
    // A scalar over several lines (block, multi-line plain or quoted): its text is
    // re-read to find the part; else the scalar's start.
    if node.content_offset.is_none() && node.col_map.is_none() {
        if let Some(range) = node.source_range(&file.text, span.clone()) {
            if let Some(pos) = file.pos_of(range.start) {
                return Some(Location::new(file.clone(), pos, range));
            }
        }
    }
    let len = part.map_or(1, |p| p.chars().count().max(1));
    Some(Location::from_pos(file.clone(), pos, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Result<Node, YamlError> {
        parse(src, Limits::default())
    }

    #[test]
    fn json_surrogate_pairs_decode_and_keep_columns() {
        let src = "{\"a\": \"hi \\ud83d\\udc4b!\", \"b\": \"$x\",\n \"c\": \"\\uD83D\\uDE00 \\ud800 \\\\ud83d\"}";
        let n = p(src).unwrap();
        assert_eq!(n.get("a").unwrap().as_str(), Some("hi \u{1f44b}!"));
        // `"b"` starts at column 27 of the original text, after the 12-character pair.
        let b_key = &n.entries()[1].0;
        assert_eq!(b_key.pos, Pos { line: 1, col: 27 });
        assert_eq!(n.get("b").unwrap().pos, Pos { line: 1, col: 32 });
        let c = n.get("c").unwrap();
        // A lone surrogate becomes U+FFFD; an escaped backslash keeps `\ud83d` as text.
        assert_eq!(c.as_str(), Some("\u{1f600} \u{fffd} \\ud83d"));
        // The `\\` of the last escape maps to its own column in the original.
        let slash = c.as_str().unwrap().find('\\').unwrap();
        assert_eq!(c.pos_at(slash), Pos { line: 2, col: 28 });
        // YAML (not JSON) is left alone.
        assert!(p("a: '\\ud83d'\n").is_ok());
    }

    #[test]
    fn positions_and_types() {
        let n = p("a: 1\nb:\n  - x\n  - 'y'\nc: 2.5\nd: true\ne: ~\n200: ok\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, Value::Int(1));
        let b = n.get("b").unwrap();
        assert_eq!(b.items()[1].pos, Pos { line: 4, col: 5 });
        assert_eq!(b.items()[1].content_offset, Some(1));
        assert_eq!(n.get("c").unwrap().value, Value::Float(2.5));
        assert_eq!(n.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("e").unwrap().value, Value::Null);
        assert_eq!(n.get("200").unwrap().as_str(), Some("ok"));
    }

    #[test]
    fn nodes_and_keys_carry_byte_ranges() {
        let src = "é: 'ü x'\nb:\n  - [1, two]\n  - \"q\"\n";
        let n = p(src).unwrap();
        let (key, v) = &n.entries()[0];
        assert_eq!(&src[key.span.clone()], "é");
        assert_eq!(&src[v.span.clone()], "'ü x'");
        let b = n.get("b").unwrap();
        assert_eq!(&src[b.items()[0].span.clone()], "[1, two]");
        assert_eq!(&src[b.items()[0].items()[1].span.clone()], "two");
        assert_eq!(&src[b.items()[1].span.clone()], "\"q\"");
        assert!(src[b.span.clone()].starts_with("- [1, two]"));
        let e = p("a: 1\né: 2\né: 3\n").unwrap_err();
        assert_eq!(e.offset, "a: 1\né: 2\n".len());
        // JSON with a joined surrogate pair: ranges in the original text.
        let src = "{\"a\": \"\\ud83d\\udc4b\", \"b\": \"x\"}";
        let n = p(src).unwrap();
        assert_eq!(&src[n.get("b").unwrap().span.clone()], "\"x\"");
    }

    #[test]
    fn pos_at_maps_offsets_into_scalars() {
        let n = p("value: $inputs.apiKy\n").unwrap();
        let v = n.get("value").unwrap();
        assert_eq!(v.pos, Pos { line: 1, col: 8 });
        assert_eq!(v.pos_at(8), Pos { line: 1, col: 16 });
    }

    #[test]
    fn escaped_quoted_scalars_map_to_raw_columns() {
        // `\u0041` is one character of the value but six of the source.
        let n = p("v: \"\\u0041\\t {$inputs.apiKy}\"\n").unwrap();
        let v = n.get("v").unwrap();
        assert_eq!(v.as_str(), Some("A\t {$inputs.apiKy}"));
        assert_eq!(v.content_offset, None);
        // "A\t {" is 4 characters: the `$` is the 5th; in the source it is at column 15.
        let dollar = v.as_str().unwrap().find('$').unwrap();
        assert_eq!(v.pos_at(dollar), Pos { line: 1, col: 15 });
        let n = p("v: 'it''s $inputs.x'\n").unwrap();
        let v = n.get("v").unwrap();
        let dollar = v.as_str().unwrap().find('$').unwrap();
        assert_eq!(v.pos_at(dollar), Pos { line: 1, col: 11 });
        // Non-ASCII text before the scalar is counted in characters.
        let n = p("é: \"\\tx $inputs.y\"\n").unwrap();
        let v = n.get("é").unwrap();
        let dollar = v.as_str().unwrap().find('$').unwrap();
        assert_eq!(v.pos_at(dollar), Pos { line: 1, col: 9 });
    }

    #[test]
    fn json_is_yaml() {
        let n = p(r#"{"a": [1, "two", null], "b": {"c": false}}"#).unwrap();
        assert_eq!(
            n.to_json(),
            serde_json::json!({"a": [1, "two", null], "b": {"c": false}})
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = p("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.pos.line >= 1);
        let e = p("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.message, "duplicate key `a`");
        assert_eq!(e.pos, Pos { line: 2, col: 1 });
    }

    #[test]
    fn duplicate_keys_of_large_mappings_are_found_by_hash() {
        let keys: String = (0..200).map(|i| format!("k{i}: {i}\n")).collect();
        let tree = p(&keys).expect("distinct keys");
        assert_eq!(tree.entries().len(), 200);
        for dup in [0, 15, 16, 17, 199] {
            let text = format!("{keys}k{dup}: again\n");
            let e = p(&text).unwrap_err();
            assert_eq!(e.message, format!("duplicate key `k{dup}`"));
            assert_eq!(e.pos, Pos { line: 201, col: 1 });
        }
        // Equal keys written differently are one key.
        let e = p(&format!("{keys}'k7': x\n")).unwrap_err();
        assert_eq!(e.message, "duplicate key `k7`");
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            src.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let e = p(&src).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{}", e.message);
    }

    #[test]
    fn aliases_of_a_large_scalar_are_bounded_in_bytes() {
        // 1 000 aliases of a 100 KiB string: 3 001 nodes, but 100 MB of text once expanded.
        let big = "x".repeat(100 * 1024);
        let mut src = format!("a: &a {big}\nb:\n");
        for _ in 0..1000 {
            src.push_str("- *a\n");
        }
        let e = p(&src).unwrap_err();
        assert!(e.message.contains("bytes of text"), "{}", e.message);
        // The same text without aliases is within the budget.
        let small = format!("a: &a {big}\nb: [*a, *a, *a]\n");
        assert!(p(&small).is_ok());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let src = "[".repeat(10_000);
        assert!(p(&src).is_err());
    }

    /// The source text and (line, column) of `needle` in the value of `node`, found by
    /// re-reading the scalar.
    fn traced<'s>(src: &'s str, node: &Node, needle: &str) -> (&'s str, u32, u32) {
        let v = node.as_str().expect("a string");
        let at = v.find(needle).expect("the needle in the value");
        let range = node
            .source_range(src, at..at + needle.len())
            .expect("a mapped range");
        let before = &src[..range.start];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count() as u32
            + 1;
        (&src[range], line, col)
    }

    #[test]
    fn literal_block_scalars_map_to_source() {
        let src = "a: |\n  one\n  two $x\n  three\nb: 1\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one\ntwo $x\nthree\n"));
        assert_eq!(traced(src, a, "$x"), ("$x", 3, 7));
        assert_eq!(traced(src, a, "three\n"), ("three\n", 4, 3));
        // `|-`: no final line break; a part over a line break covers the indentation.
        let src = "a: |-\n    one\n    two $x\nb: 1\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one\ntwo $x"));
        assert_eq!(traced(src, a, "e\ntw"), ("e\n    tw", 2, 7));
        assert_eq!(traced(src, a, "$x"), ("$x", 3, 9));
        // Leading empty lines, a scalar as a sequence item.
        let src = "a: |\n\n  x $y\nb:\n- >\n\n \n  z $w\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("\nx $y\n"));
        assert_eq!(traced(src, a, "$y"), ("$y", 3, 5));
        let b = &n.get("b").unwrap().items()[0];
        assert_eq!(b.as_str(), Some("\n\nz $w\n"));
        assert_eq!(traced(src, b, "$w"), ("$w", 8, 5));
        // A comment after the header, Windows line breaks.
        let src = "a: |- # note\r\n  one\r\n  two $x\r\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one\ntwo $x"));
        assert_eq!(traced(src, a, "$x"), ("$x", 3, 7));
    }

    #[test]
    fn indentation_indicator_maps_to_source() {
        // The mapping is at column 3: `|2` puts the content at 4 spaces, so the first
        // line keeps one leading space.
        let src = "- c: |2\n     x $y\n    z $w\n  d: 1\n";
        let n = p(src).unwrap();
        let c = n.items()[0].get("c").unwrap();
        assert_eq!(c.as_str(), Some(" x $y\nz $w\n"));
        assert_eq!(traced(src, c, "$y"), ("$y", 2, 8));
        assert_eq!(traced(src, c, "$w"), ("$w", 3, 7));
        assert_eq!(traced(src, c, " x"), (" x", 2, 5));
    }

    #[test]
    fn folded_block_scalars_map_to_source() {
        // The fixture's shape: a `>-` condition in a sequence item.
        let src = "s:\n- condition: >-\n    $statusCode == 201 &&\n    $response.body#/tierr == 'pro'\n  outputs: {}\n";
        let n = p(src).unwrap();
        let c = n.get("s").unwrap().items()[0].get("condition").unwrap();
        assert_eq!(
            c.as_str(),
            Some("$statusCode == 201 && $response.body#/tierr == 'pro'")
        );
        assert_eq!(
            traced(src, c, "$response.body#/tierr"),
            ("$response.body#/tierr", 4, 5)
        );
        // The space made of a line break underlines the break.
        assert_eq!(traced(src, c, "&& $r"), ("&&\n    $r", 3, 24));
        // `>`: an empty line is a line break; clipped final break.
        let src = "a: >\n  one\n  two $x\n\n  three $y\nb: 1\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one two $x\nthree $y\n"));
        assert_eq!(traced(src, a, "$x"), ("$x", 3, 7));
        assert_eq!(traced(src, a, "$y"), ("$y", 5, 9));
        // `>+`: the trailing empty lines are kept.
        let src = "a: >+\n  x $y\n  z\n\n\nb: 1\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("x $y z\n\n\n"));
        assert_eq!(traced(src, a, "$y"), ("$y", 2, 5));
        assert_eq!(traced(src, a, "z\n\n\n"), ("z\n\n\n", 3, 3));
    }

    #[test]
    fn folded_more_indented_lines_map_to_source() {
        // Lines starting with white space are not folded, nor are the breaks around them.
        let src = "a: >\n  one\n  two\n    more $m\n\n  three $t\n  four\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one two\n  more $m\n\nthree $t four\n"));
        assert_eq!(traced(src, a, "  more $m"), ("  more $m", 4, 3));
        assert_eq!(traced(src, a, "$t"), ("$t", 6, 9));
        assert_eq!(traced(src, a, "four"), ("four", 7, 3));
    }

    #[test]
    fn multi_line_flow_scalars_map_to_source() {
        let src = "a: one\n  two $x\n\n    three $y\nb: 1\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one two $x\nthree $y"));
        assert_eq!(traced(src, a, "$x"), ("$x", 2, 7));
        assert_eq!(traced(src, a, "$y"), ("$y", 4, 11));
        // A plain scalar on the line after its key is not taken for a block scalar.
        let src = "a:\n  one\n  two $x\n";
        let n = p(src).unwrap();
        assert_eq!(traced(src, n.get("a").unwrap(), "$x"), ("$x", 3, 7));
        // Double-quoted: escapes count as one character, an escaped line break joins
        // the lines and keeps the white space before it.
        let src = "a: \"one \\t\n  two $x \\\n  three $y\"\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("one \t two $x three $y"));
        assert_eq!(traced(src, a, "$x"), ("$x", 2, 7));
        assert_eq!(traced(src, a, "$y"), ("$y", 3, 9));
        assert_eq!(traced(src, a, "\t"), ("\\t", 1, 9));
        // Single-quoted, with a doubled quote.
        let src = "a: 'it''s\n   $x'\n";
        let n = p(src).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.as_str(), Some("it's $x"));
        assert_eq!(traced(src, a, "$x"), ("$x", 2, 4));
        assert_eq!(traced(src, a, "'s"), ("''s", 1, 7));
    }

    #[test]
    fn unmapped_scalars_fall_back() {
        // An alias: its text is `*x`, not the value.
        let src = "a: &x >-\n  one\n  two\nb: *x\n";
        let n = p(src).unwrap();
        let b = n.get("b").unwrap();
        assert_eq!(b.as_str(), Some("one two"));
        assert_eq!(b.source_range(src, 0..3), None);
        // Offsets out of the value, not on a character boundary, or another text.
        let a = n.get("a").unwrap();
        assert_eq!(a.source_range(src, 0..99), None);
        assert_eq!(a.source_range(src, 99..100), None);
        assert_eq!(a.source_range("", 0..1), None);
        assert_eq!(a.source_range("a: |\n  x\n", 0..1), None);
        let n = p("a: 'é\n  ü'\n").unwrap();
        assert_eq!(
            n.get("a").unwrap().source_range("a: 'é\n  ü'\n", 1..2),
            None
        );
    }

    #[test]
    fn source_ranges_never_panic() {
        let sources = [
            "a: >2-\n   é x\n\n  ü\n\tb\nc: |+\n\n  \u{1f600}\n   \n\n",
            "a: \"x \\\n\n  \\u00e9 \\\n\"\nb: 'é''\n\n  x  '\nc: plain é\n\n  more\n",
            "- |1\n  x\n - >\n  y\n\n  - z\n",
            "a: >\r\n  x\r\n\r\n   y\r\n  z\r\n",
        ];
        for src in sources {
            let Ok(root) = p(src) else { continue };
            let mut stack = vec![&root];
            while let Some(n) = stack.pop() {
                stack.extend(n.items());
                stack.extend(n.entries().iter().map(|(_, v)| v));
                let Some(v) = n.as_str() else { continue };
                for a in 0..=v.len() + 1 {
                    for b in a..=v.len() + 1 {
                        if let Some(r) = n.source_range(src, a..b) {
                            assert!(src.get(r).is_some(), "{src:?} {a}..{b}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn core_schema_scalars() {
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("-3"), Value::Int(-3));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain("1.0.1"), Value::Str("1.0.1".into()));
        assert_eq!(resolve_plain("."), Value::Str(".".into()));
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
    }
}

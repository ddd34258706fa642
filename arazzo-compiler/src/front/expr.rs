//! Arazzo runtime expressions (`$inputs.x`, `$steps.a.outputs.b#/0`, …).
//!
//! The grammar is that of Arazzo 1.1.0 "Runtime Expressions", which also reads
//! every valid 1.0.x expression (1.0.x documents get the 1.0.1 grammar read with
//! this stricter structure; the 1.1-only roots `$self` and `$message` are refused
//! in them by the checker):
//!
//! ```text
//! expression = "$url" | "$method" | "$statusCode"
//!            | "$request." source | "$response." source
//!            | "$inputs." name [ "#" json-pointer ]
//!            | "$outputs." name [ "#" json-pointer ]
//!            | "$steps." id ".outputs." name [ "#" json-pointer ]
//!            | "$workflows." id "." ( "inputs" | "outputs" ) "." name [ "#" json-pointer ]
//!            | "$sourceDescriptions." id "." name
//!            | "$components." ( "inputs" | "parameters" | "successActions"
//!                             | "failureActions" ) "." name
//!            | "$self"                                          ; 1.1
//!            | "$message." ( "header." token | "payload" [ "#" json-pointer ] )  ; 1.1
//! source     = "header." token | "query." name | "path." name
//!            | "body" [ "#" json-pointer ]
//! json-pointer = *( "/" reference-token )       ; RFC 6901
//! id         = 1*( any char except "." "#" "{" "}" and whitespace )
//! name       = 1*( any char except "#" "{" "}" and whitespace )   ; may contain "."
//! token      = 1*tchar                                            ; RFC 9110, without "#"
//! ```
//!
//! Names that may carry a JSON pointer (inputs, outputs, step and workflow
//! values) also stop at `[` and `]`, so that the JavaScript-style mistake
//! `$steps.x.outputs.y[0]` gets a helpful error. When an expression is parsed
//! as a *prefix* (inside a condition), names, ids and pointers additionally
//! stop at any of `= ! < > & | ( ) [ ] ,`.
//!
//! All spans are byte offsets into the string handed to the parser.

use std::fmt;

/// A byte range into the parsed string.
pub type Span = std::ops::Range<usize>;

/// A name, id or header token inside an expression, with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The text as written.
    pub text: String,
    /// Where the text is.
    pub span: Span,
}

/// An RFC 6901 JSON pointer, as written after `#`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pointer {
    /// The pointer as written, without the `#` (e.g. `/a~1b/0`).
    pub raw: String,
    /// The reference tokens, unescaped (`~1` → `/`, `~0` → `~`).
    pub tokens: Vec<String>,
    /// Covers the `#` and the pointer.
    pub span: Span,
}

/// The part of a request or response that `$request.` / `$response.` selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `header.<token>`
    Header(Name),
    /// `query.<name>`
    Query(Name),
    /// `path.<name>`
    Path(Name),
    /// `body`, optionally followed by `#<json-pointer>`.
    Body(Option<Pointer>),
}

/// The section addressed by `$components.<kind>.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    /// `$components.inputs`
    Inputs,
    /// `$components.parameters`
    Parameters,
    /// `$components.successActions`
    SuccessActions,
    /// `$components.failureActions`
    FailureActions,
}

/// Which side of a workflow `$workflows.<id>.<field>` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowField {
    /// `$workflows.<id>.inputs`
    Inputs,
    /// `$workflows.<id>.outputs`
    Outputs,
}

/// What a runtime expression refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `$url`
    Url,
    /// `$method`
    Method,
    /// `$statusCode`
    StatusCode,
    /// `$request.<source>`
    Request(Source),
    /// `$response.<source>`
    Response(Source),
    /// `$inputs.<name>[#pointer]`
    Inputs {
        /// The input name.
        name: Name,
        /// The optional JSON pointer into the input.
        pointer: Option<Pointer>,
    },
    /// `$outputs.<name>[#pointer]`
    Outputs {
        /// The output name.
        name: Name,
        /// The optional JSON pointer into the output.
        pointer: Option<Pointer>,
    },
    /// `$steps.<step>.outputs.<name>[#pointer]`
    Steps {
        /// The step id.
        step: Name,
        /// The output name.
        name: Name,
        /// The optional JSON pointer into the output.
        pointer: Option<Pointer>,
    },
    /// `$workflows.<workflow>.<field>.<name>[#pointer]`
    Workflows {
        /// The workflow id.
        workflow: Name,
        /// Inputs or outputs.
        field: WorkflowField,
        /// The input or output name.
        name: Name,
        /// The optional JSON pointer into the value.
        pointer: Option<Pointer>,
    },
    /// `$sourceDescriptions.<source>.<name>`
    SourceDescriptions {
        /// The source description name.
        source: Name,
        /// The operation or workflow referenced in it.
        name: Name,
    },
    /// `$components.<kind>.<name>`
    Components {
        /// The component section.
        kind: ComponentKind,
        /// The component name.
        name: Name,
    },
    /// `$self` (Arazzo 1.1): the document's own URI, its `$self` field.
    SelfUri,
    /// `$message.header.<token>` or `$message.payload[#pointer]` (Arazzo 1.1, event-driven
    /// steps): the payload is read as [`Source::Body`].
    Message(Source),
}

/// A parsed runtime expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression refers to.
    pub kind: ExprKind,
    /// Where the expression is (from `$` to its last character).
    pub span: Span,
    /// The expression's source text.
    pub text: String,
    /// When the expression was written in a dialect public documents use and is
    /// read as a canonical expression (`$response.body.count` → `$response.body#/count`,
    /// `$steps.s.outputs.items[0].id` → `$steps.s.outputs.items#/0/id`): the
    /// canonical text and the span of the dialect accessors.
    pub dialect: Option<Box<(String, Span)>>,
}

/// A syntax error with the location of the offending text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// The offending text (may be empty, pointing at where something is missing).
    pub span: Span,
    /// How to fix it, when that is clear.
    pub help: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError {
            message: message.into(),
            span,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One piece of a string with embedded expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Text copied as is.
    Literal(String),
    /// An embedded `{$…}` expression; spans are relative to the whole template.
    Expr(Expr),
}

/// How a string value in an Arazzo document is to be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Classified {
    /// A plain string.
    Literal,
    /// The whole value is one runtime expression.
    Expression(Expr),
    /// Literal text with embedded `{$…}` expressions.
    Template(Vec<Segment>),
}

const ROOTS: &[&str] = &[
    "url",
    "method",
    "statusCode",
    "request",
    "response",
    "inputs",
    "outputs",
    "steps",
    "workflows",
    "sourceDescriptions",
    "components",
    "self",
    "message",
];

const CONDITION_HELP: &str = "a condition belongs in `successCriteria`/`criteria`, not in a value";

/// Parses `input` as exactly one runtime expression.
pub fn parse_expression(input: &str) -> Result<Expr, ParseError> {
    parse_whole(input, 0, input.len())
}

/// Parses one runtime expression at the start of `input` and returns it with
/// the number of bytes it spans. The expression ends at whitespace or any of
/// `= ! < > & | ( ) [ ] { } ,`.
pub fn parse_expression_prefix(input: &str) -> Result<(Expr, usize), ParseError> {
    let expr = parse_prefix_at(input, 0)?;
    let end = expr.span.end;
    Ok((expr, end))
}

/// Like [`parse_expression_prefix`], but starting at byte `start` of `src`;
/// spans are relative to `src`.
pub(crate) fn parse_prefix_at(src: &str, start: usize) -> Result<Expr, ParseError> {
    let mut s = Scanner::new(src, start, src.len(), Mode::Prefix);
    s.expression()
}

/// Parses `src[start..end]` as exactly one expression, with spans relative to `src`.
fn parse_whole(src: &str, start: usize, end: usize) -> Result<Expr, ParseError> {
    let mut s = Scanner::new(src, start, end, Mode::Whole);
    let mut expr = s.expression()?;
    if s.pos < s.end && s.peek() == Some('[') {
        s.bracket_dialect(&mut expr);
    }
    if s.pos < s.end && s.peek() == Some('[') && literal_brackets(s.text(s.pos..s.end)) {
        // Brackets that are no index (`[0]`) nor quoted member (`['a']`) belong to the
        // name or the pointer token: Arazzo 1.0.1 names are `*( CHAR )` and RFC 6901
        // leaves `[` and `]` unescaped (`$inputs.page[size]`, `$response.body#/filter[name]`).
        let mut t = Scanner::new(src, start, end, Mode::Whole);
        t.literal_brackets = true;
        if let Ok(literal) = t.expression() {
            if t.pos == t.end {
                return Ok(literal);
            }
        }
    }
    if s.pos < s.end {
        return Err(s.trailing(&expr));
    }
    Ok(expr)
}

/// True when `rest` (from a `[`) is bracket groups `[x]` whose content is not empty, not
/// an index and not quoted, with text between them: brackets that are part of a name.
fn literal_brackets(rest: &str) -> bool {
    let mut groups = 0;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                match chars.peek() {
                    None | Some(']' | '\'' | '"' | '[') => return false,
                    Some(d) if d.is_ascii_digit() => return false,
                    Some(_) => {}
                }
                if !chars.by_ref().any(|c| c == ']') {
                    return false;
                }
                groups += 1;
            }
            ']' => return false,
            _ => {}
        }
    }
    groups > 0
}

/// Splits a string with embedded `{$…}` expressions into segments.
///
/// A `{` not followed by `$` and a `}` outside an expression are literal text.
pub fn parse_template(input: &str) -> Result<Vec<Segment>, ParseError> {
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while let Some(rel) = input.get(i..).and_then(|rest| rest.find("{$")) {
        let open = i + rel;
        literal.push_str(input.get(i..open).unwrap_or(""));
        let Some(close) = input.get(open..).and_then(|rest| rest.find('}')) else {
            return Err(
                ParseError::new("unclosed `{` in embedded expression", open..open + 1)
                    .help("add `}` after the expression"),
            );
        };
        let close = open + close;
        let expr = parse_whole(input, open + 1, close)?;
        if !literal.is_empty() {
            segments.push(Segment::Literal(std::mem::take(&mut literal)));
        }
        segments.push(Segment::Expr(expr));
        i = close + 1;
    }
    literal.push_str(input.get(i..).unwrap_or(""));
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    Ok(segments)
}

/// Runtime expressions written in a string value outside `{…}`, which would be sent as
/// literal text (`Bearer $inputs.token`): the byte spans of each `$…` that parses as a
/// runtime expression, outside the embedded `{$…}` expressions. `skip` holds the spans
/// of the embedded expressions (from a parsed template).
pub fn bare_expressions(value: &str, skip: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (i, _) in value.match_indices('$') {
        if i > 0 && value.as_bytes().get(i - 1) == Some(&b'{') {
            continue;
        }
        if skip.iter().chain(out.iter()).any(|s| s.contains(&i)) {
            continue;
        }
        if let Ok(e) = parse_prefix_at(value, i) {
            if e.span.end > i + 1 {
                out.push(i..e.span.end);
            }
        }
    }
    out
}

/// `value` with each of `spans` wrapped in braces: the template that embeds them.
pub fn brace_spans(value: &str, spans: &[Span]) -> String {
    let mut out = String::with_capacity(value.len() + 2 * spans.len());
    let mut at = 0;
    for s in spans {
        out.push_str(value.get(at..s.start).unwrap_or(""));
        out.push('{');
        out.push_str(value.get(s.clone()).unwrap_or(""));
        out.push('}');
        at = s.end;
    }
    out.push_str(value.get(at..).unwrap_or(""));
    out
}

/// Decides whether a string value is a literal, one expression or a template.
///
/// A value starting with `$` must be a valid expression; a value containing
/// `{$` must be a valid template; anything else is a literal.
pub fn classify(value: &str) -> Result<Classified, ParseError> {
    if value.starts_with('$') {
        parse_expression(value).map(Classified::Expression)
    } else if value.contains("{$") {
        parse_template(value).map(Classified::Template)
    } else {
        Ok(Classified::Literal)
    }
}

impl Pointer {
    /// Parses an RFC 6901 pointer written without its `#`. `offset` is the byte
    /// offset of `raw` in the source, used for spans; the pointer's own span
    /// starts one byte earlier, at the `#` (when `offset > 0`).
    pub fn parse(raw: &str, offset: usize) -> Result<Pointer, ParseError> {
        let span = offset.saturating_sub(1)..offset + raw.len();
        if raw.is_empty() {
            return Ok(Pointer {
                raw: String::new(),
                tokens: Vec::new(),
                span,
            });
        }
        if !raw.starts_with('/') {
            return Err(ParseError::new(
                "a JSON pointer must start with `/`",
                offset..offset + raw.len(),
            )
            .help(format!("write `#/{raw}`")));
        }
        let mut tokens = Vec::new();
        let mut token = String::new();
        let mut chars = raw.char_indices().skip(1).peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '/' => tokens.push(std::mem::take(&mut token)),
                '~' => match chars.next() {
                    Some((_, '0')) => token.push('~'),
                    Some((_, '1')) => token.push('/'),
                    Some((_, other)) => {
                        let span = offset + i..offset + i + 1 + other.len_utf8();
                        return Err(ParseError::new(
                            format!(
                                "invalid escape `~{other}` in JSON pointer \
                                 (only `~0` and `~1` are allowed)"
                            ),
                            span,
                        )
                        .help("write `~0` for a literal `~` and `~1` for a `/`"));
                    }
                    None => {
                        return Err(ParseError::new(
                            "incomplete escape `~` in JSON pointer \
                             (only `~0` and `~1` are allowed)",
                            offset + i..offset + i + 1,
                        )
                        .help("write `~0` for a literal `~`"));
                    }
                },
                _ => token.push(c),
            }
        }
        tokens.push(token);
        Ok(Pointer {
            raw: raw.to_string(),
            tokens,
            span,
        })
    }
}

/// Escapes a reference token for use in a JSON pointer (RFC 6901):
/// `~` → `~0`, `/` → `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Picks the option closest to `word` (case-insensitively), if it is close.
fn suggest<'o>(word: &str, options: &[&'o str]) -> Option<&'o str> {
    if word.is_empty() {
        return None;
    }
    let lower = word.to_lowercase();
    let (distance, best) = options
        .iter()
        .map(|o| (strsim::levenshtein(&lower, &o.to_lowercase()), *o))
        .min_by_key(|(d, _)| *d)?;
    let longest = best.chars().count().max(word.chars().count());
    (distance <= 2 && distance * 2 < longest).then_some(best)
}

/// Formats options as "`a`, `b` or `c`".
fn one_of(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("`{o}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The expression is the whole (sub)string.
    Whole,
    /// The expression is followed by more text (a condition).
    Prefix,
}

/// A cursor over `src[..end]`, parsing one expression that starts at `start`.
struct Scanner<'a> {
    src: &'a str,
    start: usize,
    pos: usize,
    end: usize,
    mode: Mode,
    /// Set when JavaScript-style accessors were read as a JSON pointer.
    dialect: Option<Box<(String, Span)>>,
    /// `[` and `]` are ordinary characters of names and pointer tokens (a whole
    /// expression whose brackets are no index nor quoted member: `$inputs.page[size]`).
    literal_brackets: bool,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str, start: usize, end: usize, mode: Mode) -> Self {
        let end = end.min(src.len());
        Scanner {
            src,
            start,
            pos: start.min(end),
            end,
            mode,
            dialect: None,
            literal_brackets: false,
        }
    }

    fn text(&self, span: Span) -> &'a str {
        self.src.get(span).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..self.end)?.chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    /// Advances over characters satisfying `keep` and returns their span.
    fn scan(&mut self, keep: impl Fn(&Self, char) -> bool) -> Span {
        let from = self.pos;
        while let Some(c) = self.peek() {
            if !keep(self, c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        from..self.pos
    }

    /// The expression text read so far.
    fn so_far(&self) -> &'a str {
        self.text(self.start..self.pos)
    }

    /// The span of the next character (empty at the end).
    fn here(&self) -> Span {
        self.pos..self.pos + self.peek().map_or(0, char::len_utf8)
    }

    /// Characters that end any part of an expression. `brackets` makes `[`
    /// and `]` stop it too (always so for prefix expressions).
    fn is_stop(&self, c: char, brackets: bool) -> bool {
        if c.is_whitespace() || c == '{' || c == '}' {
            return true;
        }
        match self.mode {
            Mode::Whole => brackets && !self.literal_brackets && matches!(c, '[' | ']'),
            Mode::Prefix => matches!(
                c,
                '[' | ']' | '=' | '!' | '<' | '>' | '&' | '|' | '(' | ')' | ','
            ),
        }
    }

    fn expression(&mut self) -> Result<Expr, ParseError> {
        if !self.eat('$') {
            return Err(ParseError::new(
                "a runtime expression must start with `$`",
                self.here(),
            ));
        }
        let word_span = self.scan(|_, c| c.is_ascii_alphanumeric() || c == '_');
        let kind = match self.text(word_span.clone()) {
            "url" => ExprKind::Url,
            "method" => ExprKind::Method,
            "statusCode" => ExprKind::StatusCode,
            "request" => ExprKind::Request(self.source()?),
            "response" => ExprKind::Response(self.source()?),
            "self" => ExprKind::SelfUri,
            "message" => ExprKind::Message(self.message()?),
            "inputs" => ExprKind::Inputs {
                name: self.dot_name("an input name", true)?,
                pointer: self.pointer()?,
            },
            "outputs" => ExprKind::Outputs {
                name: self.dot_name("an output name", true)?,
                pointer: self.pointer()?,
            },
            "steps" => self.steps()?,
            "workflows" => self.workflows()?,
            "sourceDescriptions" => ExprKind::SourceDescriptions {
                source: self.dot_id("a source description name")?,
                name: self.dot_name("an operation or workflow id", false)?,
            },
            "components" => {
                let options = ["inputs", "parameters", "successActions", "failureActions"];
                let kind = match self.keyword(&options, Some("after `$components.`"), None)? {
                    0 => ComponentKind::Inputs,
                    1 => ComponentKind::Parameters,
                    2 => ComponentKind::SuccessActions,
                    _ => ComponentKind::FailureActions,
                };
                ExprKind::Components {
                    kind,
                    name: self.dot_name("a component name", false)?,
                }
            }
            "" => {
                return Err(ParseError::new(
                    "expected a runtime expression name after `$`",
                    self.here(),
                )
                .help(
                    "runtime expressions are `$url`, `$method`, `$statusCode`, or start with \
                     `$request.`, `$response.`, `$inputs.`, `$outputs.`, `$steps.`, \
                     `$workflows.`, `$sourceDescriptions.` or `$components.`",
                ));
            }
            word => {
                let span = self.start..word_span.end;
                let mut error = ParseError::new(
                    format!("unknown runtime expression `${word}`"),
                    span.clone(),
                );
                if let Some(root) = suggest(word, ROOTS) {
                    let rest = self.rest_of_expression();
                    error = error.help(format!("did you mean `${root}{rest}`?"));
                }
                return Err(error);
            }
        };
        Ok(Expr {
            kind,
            span: self.start..self.pos,
            text: self.so_far().to_string(),
            dialect: self.dialect.take(),
        })
    }

    /// The text from the current position to the end of the expression region.
    fn rest_of_expression(&mut self) -> &'a str {
        let span = self.scan(|s, c| !s.is_stop(c, false));
        self.text(span)
    }

    fn steps(&mut self) -> Result<ExprKind, ParseError> {
        let step = self.dot_id("a step id")?;
        self.keyword(
            &["outputs"],
            Some("after the step id"),
            Some("expected `.outputs.<name>` after the step id"),
        )?;
        let name = self.dot_name("an output name", true)?;
        let pointer = self.pointer()?;
        Ok(ExprKind::Steps {
            step,
            name,
            pointer,
        })
    }

    fn workflows(&mut self) -> Result<ExprKind, ParseError> {
        let workflow = self.dot_id("a workflow id")?;
        let field = self.keyword(
            &["inputs", "outputs"],
            Some("after the workflow id"),
            Some("expected `.inputs.<name>` or `.outputs.<name>` after the workflow id"),
        )?;
        let (field, what) = if field == 0 {
            (WorkflowField::Inputs, "an input name")
        } else {
            (WorkflowField::Outputs, "an output name")
        };
        let name = self.dot_name(what, true)?;
        let pointer = self.pointer()?;
        Ok(ExprKind::Workflows {
            workflow,
            field,
            name,
            pointer,
        })
    }

    /// After `.header`: `.<token>`, the header's name. In a whole expression, `#/<name>`
    /// (the form of an AsyncAPI `correlationId` location) is read as `.<name>`.
    fn header_name(&mut self) -> Result<Source, ParseError> {
        if self.mode == Mode::Whole && self.peek() == Some('#') {
            let from = self.pos;
            if let Ok(Some(p)) = self.pointer() {
                if let ([name], true) = (p.tokens.as_slice(), self.pos == self.end) {
                    if !name.is_empty() && name.chars().all(is_tchar) {
                        let base = self.text(self.start..from);
                        let canonical = format!("{base}.{name}");
                        self.dialect = Some(Box::new((canonical, from..self.pos)));
                        return Ok(Source::Header(Name {
                            text: name.clone(),
                            span: self.pos.saturating_sub(name.len())..self.pos,
                        }));
                    }
                }
            }
            self.pos = from;
        }
        if !self.eat('.') {
            return Err(self.expected_after("a header name"));
        }
        let span = self.scan(|s, c| is_tchar(c) && !s.is_stop(c, false) && c != '#');
        if span.is_empty() {
            return Err(self.expected_after("a header name"));
        }
        Ok(Source::Header(self.name(span)))
    }

    /// After `$message`: `.header.<token>` or `.payload[#pointer]` (dotted navigation
    /// after `payload`, `$message.payload.orderId`, is read as its pointer form, as after
    /// `$response.body`).
    fn message(&mut self) -> Result<Source, ParseError> {
        match self.keyword(&["header", "payload"], None, None)? {
            0 => self.header_name(),
            _ => self.body(),
        }
    }

    /// After `body` or `payload`: an optional `#` and JSON pointer, or (a whole
    /// expression) dotted or bracket accessors read as one.
    fn body(&mut self) -> Result<Source, ParseError> {
        let pointer = self.pointer()?;
        if pointer.is_none() && self.peek() == Some('.') {
            if self.mode == Mode::Whole {
                if let Some(p) = self.accessors_as_pointer(None) {
                    return Ok(Source::Body(Some(p)));
                }
            }
            return Err(self.javascript_access(None));
        }
        Ok(Source::Body(pointer))
    }

    fn source(&mut self) -> Result<Source, ParseError> {
        let options = ["header", "query", "path", "body"];
        match self.keyword(&options, None, None)? {
            0 => self.header_name(),
            1 => Ok(Source::Query(
                self.dot_name("a query parameter name", false)?,
            )),
            2 => Ok(Source::Path(self.dot_name("a path parameter name", false)?)),
            _ => self.body(),
        }
    }

    fn name(&self, span: Span) -> Name {
        Name {
            text: self.text(span.clone()).to_string(),
            span,
        }
    }

    /// "expected {what} after `<text so far>`", pointing at the next character.
    fn expected_after(&self, what: &str) -> ParseError {
        let so_far = self.so_far();
        let dot = if so_far.ends_with('.') { "" } else { "." };
        ParseError::new(
            format!("expected {what} after `{so_far}{dot}`"),
            self.here(),
        )
    }

    /// `.` followed by a name (which may contain dots).
    fn dot_name(&mut self, what: &str, brackets: bool) -> Result<Name, ParseError> {
        if !self.eat('.') {
            return Err(self.expected_after(what));
        }
        let span = self.scan(|s, c| !s.is_stop(c, brackets) && c != '#');
        if span.is_empty() {
            return Err(self.expected_after(what));
        }
        Ok(self.name(span))
    }

    /// `.` followed by an id (which ends at the next dot).
    fn dot_id(&mut self, what: &str) -> Result<Name, ParseError> {
        if !self.eat('.') {
            return Err(self.expected_after(what));
        }
        let span = self.id();
        if span.is_empty() {
            return Err(self.expected_after(what));
        }
        Ok(self.name(span))
    }

    fn id(&mut self) -> Span {
        self.scan(|s, c| !s.is_stop(c, true) && c != '#' && c != '.')
    }

    /// `.` followed by one of `options`; returns the index of the option.
    /// `missing_dot` replaces the message when there is no `.` at all.
    fn keyword(
        &mut self,
        options: &[&str],
        after: Option<&str>,
        missing_dot: Option<&str>,
    ) -> Result<usize, ParseError> {
        // The messages are built only on failure. `after: None` is "after `<text so far>.`".
        let so_far = self.so_far();
        let expected = || match after {
            Some(after) => format!("expected {} {after}", one_of(options)),
            None => format!("expected {} after `{so_far}.`", one_of(options)),
        };
        if !self.eat('.') {
            let message = missing_dot.map_or_else(expected, str::to_string);
            return Err(ParseError::new(message, self.here()));
        }
        let span = self.id();
        let word = self.text(span.clone());
        if let Some(index) = options.iter().position(|o| *o == word) {
            return Ok(index);
        }
        let expected = expected();
        if word.is_empty() {
            let message = missing_dot.map_or(expected, str::to_string);
            return Err(ParseError::new(message, self.here()));
        }
        let before = self.text(self.start..span.start);
        let mut error = ParseError::new(format!("{expected}, found `{word}`"), span);
        if let Some(option) = suggest(word, options) {
            let rest = self.rest_of_expression();
            error = error.help(format!("did you mean `{before}{option}{rest}`?"));
        }
        Err(error)
    }

    /// An optional `#` and JSON pointer.
    fn pointer(&mut self) -> Result<Option<Pointer>, ParseError> {
        let hash = self.pos;
        if !self.eat('#') {
            return Ok(None);
        }
        let span = self.scan(|s, c| !s.is_stop(c, true));
        let raw = self.text(span.clone());
        Pointer::parse(raw, span.start).map(Some).map_err(|mut e| {
            if !raw.starts_with('/') {
                let base = self.text(self.start..hash);
                e.help = Some(format!("write `{base}#/{raw}`"));
            }
            e
        })
    }

    /// Reads `.a`, `[0]`, `['a']` accessors up to the end of a whole expression as
    /// JSON pointer tokens appended to `pointer`, and records the dialect. `None`
    /// (the position unchanged) when they are not well formed or do not end the expression.
    fn accessors_as_pointer(&mut self, pointer: Option<&Pointer>) -> Option<Pointer> {
        let from = self.pos;
        let base_end = pointer.map_or(from, |p| p.span.start);
        let tokens = self.javascript_tokens().filter(|t| !t.is_empty());
        let Some(tokens) = tokens.filter(|_| self.pos == self.end) else {
            self.pos = from;
            return None;
        };
        let mut raw = pointer.map_or_else(String::new, |p| p.raw.clone());
        for token in &tokens {
            raw.push('/');
            raw.push_str(&escape_token(token));
        }
        let mut all = pointer.map_or_else(Vec::new, |p| p.tokens.clone());
        all.extend(tokens);
        let canonical = format!("{}#{raw}", self.text(self.start..base_end));
        self.dialect = Some(Box::new((canonical, from..self.pos)));
        Some(Pointer {
            raw,
            tokens: all,
            span: base_end..self.pos,
        })
    }

    /// `[0]…` after a whole expression that takes a JSON pointer: read as one.
    fn bracket_dialect(&mut self, expr: &mut Expr) {
        let slot = match &mut expr.kind {
            ExprKind::Inputs { pointer, .. }
            | ExprKind::Outputs { pointer, .. }
            | ExprKind::Steps { pointer, .. }
            | ExprKind::Workflows { pointer, .. }
            | ExprKind::Request(Source::Body(pointer))
            | ExprKind::Response(Source::Body(pointer))
            | ExprKind::Message(Source::Body(pointer)) => pointer,
            _ => return,
        };
        if let Some(p) = self.accessors_as_pointer(slot.as_ref()) {
            *slot = Some(p);
            expr.span = self.start..self.pos;
            expr.text = self.so_far().to_string();
            expr.dialect = self.dialect.take();
        }
    }

    /// The error for `.field` / `[0]` after a value that takes a JSON pointer.
    fn javascript_access(&mut self, pointer: Option<&Pointer>) -> ParseError {
        let base_end = pointer.map_or(self.pos, |p| p.span.start);
        let base = self.text(self.start..base_end);
        let from = self.pos;
        let tokens = self.javascript_tokens();
        let suffix = self.text(from..self.pos);
        let mut error = ParseError::new(
            format!("`{suffix}` is not valid here: runtime expressions select values with a JSON pointer"),
            from..self.pos.max(from + 1).min(self.end),
        );
        if let Some(tokens) = tokens {
            let mut fixed = format!("{base}#{}", pointer.map_or("", |p| p.raw.as_str()));
            for token in tokens {
                fixed.push('/');
                fixed.push_str(&escape_token(&token));
            }
            error = error.help(format!("use a JSON pointer: `{fixed}`"));
        }
        error
    }

    /// Reads `.a`, `[0]`, `['a']` accessors; `None` if they are not well formed.
    fn javascript_tokens(&mut self) -> Option<Vec<String>> {
        let mut tokens = Vec::new();
        loop {
            if self.eat('.') {
                let span = self.scan(|s, c| !s.is_stop(c, true) && c != '.');
                if span.is_empty() {
                    return None;
                }
                tokens.push(self.text(span).to_string());
            } else if self.eat('[') {
                let token = match self.peek() {
                    Some(q @ ('\'' | '"')) => {
                        self.pos += 1;
                        let span = self.scan(|_, c| c != q);
                        if !self.eat(q) {
                            return None;
                        }
                        self.text(span)
                    }
                    _ => {
                        let span = self.scan(|_, c| c.is_ascii_digit());
                        self.text(span)
                    }
                };
                if token.is_empty() || !self.eat(']') {
                    return None;
                }
                tokens.push(token.to_string());
            } else {
                break;
            }
        }
        match self.peek() {
            Some(c) if !self.is_stop(c, false) => None,
            _ => Some(tokens),
        }
    }

    /// The error for text left over after a whole expression.
    fn trailing(&mut self, expr: &Expr) -> ParseError {
        let takes_pointer = match &expr.kind {
            ExprKind::Inputs { pointer, .. }
            | ExprKind::Outputs { pointer, .. }
            | ExprKind::Steps { pointer, .. }
            | ExprKind::Workflows { pointer, .. } => Some(pointer.as_ref()),
            ExprKind::Request(Source::Body(pointer))
            | ExprKind::Response(Source::Body(pointer))
            | ExprKind::Message(Source::Body(pointer)) => Some(pointer.as_ref()),
            _ => None,
        };
        if let (Some(pointer), Some('[')) = (takes_pointer, self.peek()) {
            return self.javascript_access(pointer);
        }
        let rest = self.text(self.pos..self.end);
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            return ParseError::new(
                "unexpected whitespace after the expression",
                self.pos..self.end,
            )
            .help("remove the trailing whitespace");
        }
        let from = self.end - trimmed.len();
        let error = ParseError::new("unexpected text after the expression", from..self.end);
        if trimmed.starts_with(['=', '!', '<', '>', '&', '|']) {
            error.help(CONDITION_HELP)
        } else {
            error
        }
    }
}

/// RFC 9110 token characters.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_expressions_in_literals() {
        let v = "Bearer $inputs.token";
        let spans = bare_expressions(v, &[]);
        assert_eq!(spans, vec![7..20]);
        assert_eq!(brace_spans(v, &spans), "Bearer {$inputs.token}");
        // Not expressions: prices, shell variables, unknown roots.
        assert!(bare_expressions("costs $5, see $HOME or $foo.bar", &[]).is_empty());
        // Inside a template: only the bare one.
        let t = "{$inputs.a} and $steps.s.outputs.b";
        let segs = parse_template(t).unwrap();
        let skip: Vec<Span> = segs
            .iter()
            .filter_map(|s| match s {
                Segment::Expr(e) => Some(e.span.clone()),
                Segment::Literal(_) => None,
            })
            .collect();
        let spans = bare_expressions(t, &skip);
        assert_eq!(spans, vec![16..34]);
        assert_eq!(
            brace_spans(t, &spans),
            "{$inputs.a} and {$steps.s.outputs.b}"
        );
    }
    use proptest::prelude::*;

    fn name(text: &str, span: Span) -> Name {
        Name {
            text: text.to_string(),
            span,
        }
    }

    fn kind(input: &str) -> ExprKind {
        match parse_expression(input) {
            Ok(expr) => {
                assert_eq!(expr.text, input);
                assert_eq!(expr.span, 0..input.len());
                expr.kind
            }
            Err(e) => panic!("{input}: {e:?}"),
        }
    }

    fn err(input: &str) -> ParseError {
        match parse_expression(input) {
            Ok(expr) => panic!("{input} parsed as {expr:?}"),
            Err(e) => e,
        }
    }

    fn help(e: &ParseError) -> &str {
        e.help.as_deref().unwrap_or("")
    }

    #[test]
    fn brackets_that_are_no_accessor_belong_to_the_name_or_pointer_token() {
        // Arazzo 1.0.1 names are `*( CHAR )`; RFC 6901 leaves `[` `]` unescaped.
        match kind("$inputs.page[size]") {
            ExprKind::Inputs { name, pointer } => {
                assert_eq!(name.text, "page[size]");
                assert_eq!(name.span, 8..18);
                assert!(pointer.is_none());
            }
            other => panic!("{other:?}"),
        }
        match kind("$inputs.filter[name]#/a[b]") {
            ExprKind::Inputs { name, pointer } => {
                assert_eq!(name.text, "filter[name]");
                assert_eq!(pointer.map(|p| p.tokens), Some(vec!["a[b]".to_owned()]));
            }
            other => panic!("{other:?}"),
        }
        match kind("$response.body#/filter[name]/0") {
            ExprKind::Response(Source::Body(Some(p))) => {
                assert_eq!(p.tokens, ["filter[name]", "0"]);
            }
            other => panic!("{other:?}"),
        }
        // An index or a quoted member is still the dialect read as a pointer.
        match kind("$inputs.tags[0]") {
            ExprKind::Inputs { name, pointer } => {
                assert_eq!(name.text, "tags");
                assert_eq!(pointer.map(|p| p.tokens), Some(vec!["0".to_owned()]));
            }
            other => panic!("{other:?}"),
        }
        // Unbalanced or empty brackets stay errors.
        assert!(err("$inputs.a[")
            .message
            .starts_with("`[` is not valid here"));
        err("$inputs.a[]");
        err("$inputs.a[b]]");
        assert!(literal_brackets("[size]"));
        assert!(literal_brackets("[a]x[b]"));
        assert!(!literal_brackets("[0]"));
        assert!(!literal_brackets("['a']"));
        assert!(!literal_brackets("[a"));
        assert!(!literal_brackets("[a]]"));
    }

    #[test]
    fn fixed_roots() {
        assert_eq!(kind("$url"), ExprKind::Url);
        assert_eq!(kind("$method"), ExprKind::Method);
        assert_eq!(kind("$statusCode"), ExprKind::StatusCode);
    }

    #[test]
    fn request_and_response_sources() {
        assert_eq!(
            kind("$request.header.X-Api-Key"),
            ExprKind::Request(Source::Header(name("X-Api-Key", 16..25)))
        );
        assert_eq!(
            kind("$response.query.page.size"),
            ExprKind::Response(Source::Query(name("page.size", 16..25)))
        );
        assert_eq!(
            kind("$request.path.id"),
            ExprKind::Request(Source::Path(name("id", 14..16)))
        );
        assert_eq!(
            kind("$response.body"),
            ExprKind::Response(Source::Body(None))
        );
        let ExprKind::Response(Source::Body(Some(p))) = kind("$response.body#/a~1b/0/~0") else {
            panic!("no pointer");
        };
        assert_eq!(p.raw, "/a~1b/0/~0");
        assert_eq!(p.tokens, ["a/b", "0", "~"]);
        assert_eq!(p.span, 14..25);
        // Query names may use brackets in whole expressions.
        assert_eq!(
            kind("$request.query.page[size]"),
            ExprKind::Request(Source::Query(name("page[size]", 15..25)))
        );
    }

    #[test]
    fn inputs_outputs_steps_workflows() {
        assert_eq!(
            kind("$inputs.token"),
            ExprKind::Inputs {
                name: name("token", 8..13),
                pointer: None
            }
        );
        let ExprKind::Outputs { name: n, pointer } = kind("$outputs.a.b#/x") else {
            panic!()
        };
        assert_eq!(n, name("a.b", 9..12));
        assert_eq!(pointer.map(|p| p.tokens), Some(vec!["x".to_string()]));
        assert_eq!(
            kind("$steps.get-user.outputs.b.c"),
            ExprKind::Steps {
                step: name("get-user", 7..15),
                name: name("b.c", 24..27),
                pointer: None
            }
        );
        let ExprKind::Workflows {
            workflow,
            field,
            name: n,
            pointer,
        } = kind("$workflows.w1.inputs.x#/")
        else {
            panic!()
        };
        assert_eq!(workflow, name("w1", 11..13));
        assert_eq!(field, WorkflowField::Inputs);
        assert_eq!(n, name("x", 21..22));
        assert_eq!(pointer.map(|p| p.tokens), Some(vec![String::new()]));
        assert!(matches!(
            kind("$workflows.w.outputs.y"),
            ExprKind::Workflows {
                field: WorkflowField::Outputs,
                ..
            }
        ));
        assert_eq!(
            kind("$sourceDescriptions.petstore.getPet"),
            ExprKind::SourceDescriptions {
                source: name("petstore", 20..28),
                name: name("getPet", 29..35)
            }
        );
    }

    #[test]
    fn components() {
        for (word, k) in [
            ("inputs", ComponentKind::Inputs),
            ("parameters", ComponentKind::Parameters),
            ("successActions", ComponentKind::SuccessActions),
            ("failureActions", ComponentKind::FailureActions),
        ] {
            let input = format!("$components.{word}.x");
            let ExprKind::Components { kind: got, name: n } = kind(&input) else {
                panic!()
            };
            assert_eq!(got, k);
            assert_eq!(n.text, "x");
        }
        let e = err("$components.parameter.x");
        assert!(e
            .message
            .starts_with("expected `inputs`, `parameters`, `successActions` or `failureActions`"));
        assert_eq!(help(&e), "did you mean `$components.parameters.x`?");
    }

    #[test]
    fn pointers() {
        let p = Pointer::parse("", 5).unwrap();
        assert!(p.tokens.is_empty());
        assert_eq!(p.span, 4..5);
        let p = Pointer::parse("/a~01/~1/", 1).unwrap();
        assert_eq!(p.tokens, ["a~1", "/", ""]);
        let e = Pointer::parse("/a~", 1).unwrap_err();
        assert_eq!(e.span, 3..4);
        let e = Pointer::parse("/~é", 0).unwrap_err();
        assert_eq!(e.span, 1..4);
        assert_eq!(escape_token("a/b~c"), "a~1b~0c");
    }

    #[test]
    fn error_messages() {
        let e = err("$inputs.");
        assert_eq!(e.message, "expected an input name after `$inputs.`");
        assert_eq!(e.span, 8..8);

        let e = err("$steps.x.outputz.y");
        assert_eq!(
            e.message,
            "expected `outputs` after the step id, found `outputz`"
        );
        assert_eq!(e.span, 9..16);
        assert_eq!(help(&e), "did you mean `$steps.x.outputs.y`?");

        let e = err("$steps.x");
        assert_eq!(e.message, "expected `.outputs.<name>` after the step id");
        assert_eq!(e.span, 8..8);

        let e = err("$response.body#meterApiName");
        assert_eq!(e.message, "a JSON pointer must start with `/`");
        assert_eq!(e.span, 15..27);
        assert_eq!(help(&e), "write `$response.body#/meterApiName`");

        let e = err("$response.body#/a~2b");
        assert_eq!(
            e.message,
            "invalid escape `~2` in JSON pointer (only `~0` and `~1` are allowed)"
        );
        assert_eq!(e.span, 17..19);

        let e = err("$statuscode");
        assert_eq!(e.message, "unknown runtime expression `$statuscode`");
        assert_eq!(e.span, 0..11);
        assert_eq!(help(&e), "did you mean `$statusCode`?");
        assert_eq!(help(&err("$input.x")), "did you mean `$inputs.x`?");
        assert_eq!(
            help(&err("$respons.body")),
            "did you mean `$response.body`?"
        );
        assert_eq!(err("$zzz").help, None);

        // Malformed accessors stay errors proposing the pointer form where one exists.
        let e = err("$steps.x.outputs.y[0].z w");
        assert!(e.message.starts_with("`[0].z` is not valid here"), "{e:?}");
        assert_eq!(help(&e), "use a JSON pointer: `$steps.x.outputs.y#/0/z`");
        let e = err("$steps.x.outputs.y[0");
        assert!(e.message.starts_with("`[0` is not valid here"), "{e:?}");
        let e = err("$response.body.a[x]");
        assert!(e.message.starts_with("`.a[` is not valid here"), "{e:?}");
        assert_eq!(e.help, None);

        let e = err("$response.header.");
        assert_eq!(
            e.message,
            "expected a header name after `$response.header.`"
        );
        let e = err("$request.foo.x");
        assert_eq!(
            e.message,
            "expected `header`, `query`, `path` or `body` after `$request.`, found `foo`"
        );
        assert_eq!(e.span, 9..12);
        assert_eq!(
            help(&err("$request.headers.x")),
            "did you mean `$request.header.x`?"
        );

        let e = err("$statusCode == 200");
        assert_eq!(e.message, "unexpected text after the expression");
        assert_eq!(e.span, 12..18);
        assert_eq!(help(&e), CONDITION_HELP);

        let e = err("$workflows.w.inputz.a");
        assert_eq!(help(&e), "did you mean `$workflows.w.inputs.a`?");
        assert_eq!(
            err("$").message,
            "expected a runtime expression name after `$`"
        );
        assert_eq!(
            err("inputs").message,
            "a runtime expression must start with `$`"
        );
        assert_eq!(err("$inputs.x ").span, 9..10);
    }

    /// JavaScript-style accessors after a value that takes a pointer are read as one.
    #[test]
    fn dialect_accessors_read_as_pointers() {
        let dialect =
            |input: &str| parse_expression(input).map(|e| (e.dialect.map(|d| *d), e.kind));
        let Ok((Some((canonical, span)), ExprKind::Steps { name, pointer, .. })) =
            dialect("$steps.x.outputs.y[0].z")
        else {
            panic!()
        };
        assert_eq!(canonical, "$steps.x.outputs.y#/0/z");
        assert_eq!(span, 18..23);
        assert_eq!(name.text, "y");
        let p = pointer.unwrap();
        assert_eq!(
            (p.raw.as_str(), p.tokens.clone(), p.span),
            ("/0/z", vec!["0".to_string(), "z".to_string()], 18..23)
        );
        let Ok((Some((canonical, _)), ExprKind::Inputs { pointer, .. })) =
            dialect("$inputs.a#/b['c/d']")
        else {
            panic!()
        };
        assert_eq!(canonical, "$inputs.a#/b/c~1d");
        assert_eq!(pointer.unwrap().tokens, ["b", "c/d"]);
        let Ok((Some((canonical, span)), ExprKind::Response(Source::Body(Some(p))))) =
            dialect("$response.body.meterApiName")
        else {
            panic!()
        };
        assert_eq!(canonical, "$response.body#/meterApiName");
        assert_eq!((span, p.span), (14..27, 14..27));
        // In a template, the expression ends at its brace.
        let segs = parse_template("id={$response.body.items[1].id}").unwrap();
        let Segment::Expr(e) = &segs[1] else { panic!() };
        assert_eq!(
            e.dialect.as_deref().map(|d| d.0.as_str()),
            Some("$response.body#/items/1/id")
        );
        // Canonical expressions carry no dialect.
        assert_eq!(dialect("$response.body#/a").unwrap().0, None);
        // The same after `$message.payload` (Arazzo 1.1).
        let Ok((Some((canonical, span)), ExprKind::Message(Source::Body(Some(p))))) =
            dialect("$message.payload.order.lines[0]")
        else {
            panic!()
        };
        assert_eq!(canonical, "$message.payload#/order/lines/0");
        assert_eq!(
            (span, p.tokens),
            (16..31, vec!["order".into(), "lines".into(), "0".into()])
        );
        let Ok((Some((canonical, _)), _)) = dialect("$message.payload#/order['id']") else {
            panic!()
        };
        assert_eq!(canonical, "$message.payload#/order/id");
        assert_eq!(dialect("$message.payload#/orderId").unwrap().0, None);
        // A header named with a pointer, as an AsyncAPI `correlationId` location names it.
        let Ok((Some((canonical, span)), ExprKind::Message(Source::Header(h)))) =
            dialect("$message.header#/requestId")
        else {
            panic!()
        };
        assert_eq!(canonical, "$message.header.requestId");
        assert_eq!(
            (span, h.text.as_str(), h.span),
            (15..26, "requestId", 17..26)
        );
        assert!(parse_expression("$message.header#/a/b").is_err());
        assert!(parse_expression("$response.header#/").is_err());
    }

    #[test]
    fn prefixes() {
        let (e, n) = parse_expression_prefix("$statusCode == 200").unwrap();
        assert_eq!((e.kind, n), (ExprKind::StatusCode, 11));
        let (e, n) = parse_expression_prefix("$steps.a.outputs.items[0]").unwrap();
        assert_eq!((e.text.as_str(), n), ("$steps.a.outputs.items", 22));
        let (e, n) = parse_expression_prefix("$inputs.x==3").unwrap();
        assert_eq!((e.text.as_str(), n), ("$inputs.x", 9));
        let (e, _) = parse_expression_prefix("$response.body#/a.b&&x").unwrap();
        assert_eq!(e.text, "$response.body#/a.b");
        let e = parse_expression_prefix("$response.body.a == 1").unwrap_err();
        assert_eq!(help(&e), "use a JSON pointer: `$response.body#/a`");
    }

    #[test]
    fn templates() {
        let segs = parse_template("Bearer {$inputs.token}").unwrap();
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0], Segment::Literal("Bearer ".into()));
        let Segment::Expr(e) = &segs[1] else { panic!() };
        assert_eq!((e.text.as_str(), e.span.clone()), ("$inputs.token", 8..21));

        let segs = parse_template("{$steps.a.outputs.id}-x").unwrap();
        assert!(matches!(&segs[..], [Segment::Expr(_), Segment::Literal(l)] if l == "-x"));
        let segs = parse_template("{\"a\":1} {$url}}").unwrap();
        assert_eq!(segs[0], Segment::Literal("{\"a\":1} ".into()));
        assert_eq!(segs[2], Segment::Literal("}".into()));

        let e = parse_template("Bearer {$inputs.token").unwrap_err();
        assert_eq!(e.message, "unclosed `{` in embedded expression");
        assert_eq!(e.span, 7..8);
        let e = parse_template("x {$inputz.a}").unwrap_err();
        assert_eq!(e.span, 3..10);
    }

    #[test]
    fn arazzo_1_1_roots() {
        assert_eq!(kind("$self"), ExprKind::SelfUri);
        match kind("$message.payload#/orderId") {
            ExprKind::Message(Source::Body(Some(p))) => assert_eq!(p.tokens, vec!["orderId"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            kind("$message.header.X-Correlation"),
            ExprKind::Message(Source::Header(_))
        ));
        assert!(parse_expression("$message.body").is_err());
        assert!(parse_expression("$selfish").is_err());
        match kind("$inputs.filters#/color") {
            ExprKind::Inputs { name, pointer } => {
                assert_eq!(name.text, "filters");
                assert_eq!(pointer.map(|p| p.tokens), Some(vec!["color".to_string()]));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn classification() {
        assert_eq!(classify("plain").unwrap(), Classified::Literal);
        assert_eq!(classify("{\"a\":1}").unwrap(), Classified::Literal);
        assert!(matches!(classify("$url"), Ok(Classified::Expression(_))));
        assert!(matches!(classify("a{$url}"), Ok(Classified::Template(_))));
        assert!(classify("$nope").is_err());
    }

    fn spans(expr: &Expr) -> Vec<Span> {
        fn n(out: &mut Vec<Span>, name: &Name) {
            out.push(name.span.clone());
        }
        fn p(out: &mut Vec<Span>, pointer: &Option<Pointer>) {
            out.extend(pointer.iter().map(|p| p.span.clone()));
        }
        let mut out = vec![expr.span.clone()];
        match &expr.kind {
            ExprKind::SelfUri => {}
            ExprKind::Request(s) | ExprKind::Response(s) | ExprKind::Message(s) => match s {
                Source::Header(x) | Source::Query(x) | Source::Path(x) => n(&mut out, x),
                Source::Body(x) => p(&mut out, x),
            },
            ExprKind::Inputs { name, pointer } | ExprKind::Outputs { name, pointer } => {
                n(&mut out, name);
                p(&mut out, pointer);
            }
            ExprKind::Steps {
                step,
                name,
                pointer,
            } => {
                n(&mut out, step);
                n(&mut out, name);
                p(&mut out, pointer);
            }
            ExprKind::Workflows {
                workflow,
                name,
                pointer,
                ..
            } => {
                n(&mut out, workflow);
                n(&mut out, name);
                p(&mut out, pointer);
            }
            ExprKind::SourceDescriptions { source, name } => {
                n(&mut out, source);
                n(&mut out, name);
            }
            ExprKind::Components { name, .. } => n(&mut out, name),
            ExprKind::Url | ExprKind::Method | ExprKind::StatusCode => {}
        }
        out
    }

    fn valid_span(input: &str, span: &Span) -> bool {
        span.start <= span.end
            && span.end <= input.len()
            && input.is_char_boundary(span.start)
            && input.is_char_boundary(span.end)
    }

    fn check_all(input: &str) {
        let check = |r: Result<Vec<Span>, ParseError>| match r {
            Ok(spans) => assert!(spans.iter().all(|s| valid_span(input, s)), "{input:?}"),
            Err(e) => assert!(valid_span(input, &e.span), "{input:?} {e:?}"),
        };
        check(parse_expression(input).map(|e| spans(&e)));
        check(parse_expression_prefix(input).map(|(e, n)| {
            assert_eq!(n, e.span.end);
            spans(&e)
        }));
        check(parse_template(input).map(|segs| {
            segs.iter()
                .flat_map(|s| match s {
                    Segment::Expr(e) => spans(e),
                    Segment::Literal(_) => vec![],
                })
                .collect()
        }));
        check(classify(input).map(|_| vec![]));
    }

    fn grammar_chars() -> impl Strategy<Value = String> {
        "[$.#/~{}\\[\\]()=!<>&|'0-9a-zé ]{0,40}"
    }

    fn valid_expression() -> impl Strategy<Value = String> {
        let name = "[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,8}";
        let id = "[a-zA-Z0-9_-]{1,8}";
        let pointer =
            prop::option::of(prop::collection::vec("[a-z0-9~/.é]{0,4}", 0..4)).prop_map(|tokens| {
                match tokens {
                    None => String::new(),
                    Some(tokens) => {
                        let mut s = "#".to_string();
                        for t in tokens {
                            s.push('/');
                            s.push_str(&escape_token(&t));
                        }
                        s
                    }
                }
            });
        prop_oneof![
            Just("$url".to_string()),
            Just("$method".to_string()),
            Just("$statusCode".to_string()),
            ("(request|response)", "[A-Za-z0-9$%'*+.^_`~-]{1,8}")
                .prop_map(|(r, h)| format!("${r}.header.{h}")),
            ("(request|response)", "(query|path)", name)
                .prop_map(|(r, s, n)| format!("${r}.{s}.{n}")),
            ("(request|response)", pointer.clone()).prop_map(|(r, p)| format!("${r}.body{p}")),
            ("(inputs|outputs)", name, pointer.clone())
                .prop_map(|(r, n, p)| format!("${r}.{n}{p}")),
            (id, name, pointer.clone()).prop_map(|(i, n, p)| format!("$steps.{i}.outputs.{n}{p}")),
            (id, "(inputs|outputs)", name, pointer)
                .prop_map(|(i, f, n, p)| format!("$workflows.{i}.{f}.{n}{p}")),
            (id, name).prop_map(|(i, n)| format!("$sourceDescriptions.{i}.{n}")),
            ("(inputs|parameters|successActions|failureActions)", name)
                .prop_map(|(k, n)| format!("$components.{k}.{n}")),
        ]
    }

    proptest! {
        #[test]
        fn never_panics_on_unicode(input in "\\PC{0,40}") {
            check_all(&input);
        }

        #[test]
        fn never_panics_on_grammar_chars(input in grammar_chars()) {
            check_all(&input);
            check_all(&format!("${input}"));
            check_all(&format!("$steps.{input}"));
            check_all(&format!("x{{${input}"));
        }

        #[test]
        fn valid_expressions_round_trip(input in valid_expression()) {
            let expr = parse_expression(&input);
            prop_assert!(expr.is_ok(), "{input}: {expr:?}");
            let expr = expr.unwrap();
            prop_assert_eq!(&expr.text, &input);
            prop_assert!(spans(&expr).iter().all(|s| valid_span(&input, s)));
            let (prefix, n) = parse_expression_prefix(&format!("{input} == 1")).unwrap();
            prop_assert_eq!(n, input.len());
            prop_assert_eq!(prefix, expr.clone());
            let template = format!("a {{{input}}} b");
            let segs = parse_template(&template).unwrap();
            prop_assert_eq!(segs.len(), 3);
            let Segment::Expr(embedded) = &segs[1] else {
                return Err(TestCaseError::fail("no embedded expression"));
            };
            prop_assert_eq!(&embedded.text, &input);
            prop_assert_eq!(&embedded.span, &(3..3 + input.len()));
        }
    }
}

//! Arazzo "simple" criterion conditions (`$statusCode == 200 && $response.body#/ok`).
//!
//! Grammar, lowest precedence first; whitespace is allowed between tokens:
//!
//! ```text
//! condition  = or
//! or         = and *( "||" and )
//! and        = comparison *( "&&" comparison )
//! comparison = unary [ ( "==" / "!=" / "<" / "<=" / ">" / ">=" ) unary ]   ; does not chain
//! unary      = "!" unary / postfix
//! postfix    = primary *( "[" index "]" / "." field )   ; "." only after "[…]" or "( … )"
//! index      = integer / string
//! primary    = "null" / "true" / "false" / number / string
//!            / runtime-expression / "(" or ")"
//! number     = [ "-" ] int [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
//! string     = "'" *( any char except "'" / "''" ) "'"      ; "''" is one quote
//! field      = 1*( letter / digit / "_" / "-" )
//! ```
//!
//! Runtime expressions are parsed by [`crate::expr`]; inside a condition they
//! end at whitespace or any of `= ! < > & | ( ) [ ] { } ,`. Nesting is limited
//! to [`MAX_DEPTH`] levels so that hostile input cannot exhaust the stack.

use crate::expr::{self, Expr, ParseError, Span};

/// The deepest nesting of parentheses, `!` and operators a condition may have.
pub const MAX_DEPTH: usize = 64;

/// The deepest nesting of brackets and parentheses a JSONPath query may have. The JSONPath
/// parser (`serde_json_path`) is recursive: deeper queries are refused before it sees them.
pub const MAX_JSONPATH_DEPTH: usize = 64;

/// The deepest nesting of `[`, `(` and `!` in a JSONPath query, outside its string literals:
/// an upper bound of the recursion depth the JSONPath parser needs for it. Unbalanced
/// closing brackets do not lower it below zero.
pub fn jsonpath_nesting(query: &str) -> usize {
    let (mut depth, mut deepest, mut nots) = (0usize, 0usize, 0usize);
    for c in jsonpath_unquoted(query) {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // A run of `!` (each one a level of the parser) counts until the next token.
        if c == '!' {
            nots += 1;
        } else if !c.is_whitespace() {
            nots = 0;
        }
        deepest = deepest.max(depth + nots);
    }
    deepest
}

/// The characters of a JSONPath query outside its string literals (`'...'` and `"..."`,
/// where `\` escapes the next character): an opening quote is yielded, the literal up to
/// its closing quote is not. The one quote-aware scan of the compiler's JSONPath checks
/// ([`jsonpath_nesting`], whether a query is singular). The runtime has its own
/// (`nesting_depth` in `arazzo/src/rt/cond.rs`): the runtime does not depend on the compiler.
pub fn jsonpath_unquoted(query: &str) -> impl Iterator<Item = char> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    query.chars().filter(move |&c| {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            return false;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
        }
        true
    })
}

/// The deepest nesting of filter selectors (`[?...]`) a JSONPath query may have. The JSONPath
/// parser's time doubles with each level of filters nested in filters (it parses an inner
/// filter once as a comparison operand, then again as a test): 35 levels took minutes.
/// Public documents nest two at most.
pub const MAX_JSONPATH_FILTER_DEPTH: usize = 6;

/// The deepest nesting of filter selectors in a JSONPath query, outside its string literals:
/// a bracket holding a `?` (a filter selector, also after a comma) counts as one level.
pub fn jsonpath_filter_nesting(query: &str) -> usize {
    // One entry per open bracket or parenthesis: whether it holds a filter selector.
    let mut open: Vec<bool> = Vec::new();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in jsonpath_unquoted(query) {
        match c {
            '[' | '(' => open.push(false),
            // Closing a filter's bracket leaves that filter.
            ']' | ')' => depth -= usize::from(open.pop() == Some(true)),
            '?' => {
                if let Some(filter @ false) = open.last_mut() {
                    *filter = true;
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

/// Refuses a JSONPath query nested deeper than [`MAX_JSONPATH_DEPTH`], or with filters
/// nested deeper than [`MAX_JSONPATH_FILTER_DEPTH`] (the message of the diagnostic), so that
/// the recursive JSONPath parser never runs on it.
pub fn check_jsonpath_depth(query: &str) -> Result<(), String> {
    let depth = jsonpath_nesting(query);
    if depth > MAX_JSONPATH_DEPTH {
        return Err(format!(
            "JSONPath nested too deeply: {depth} levels of brackets and parentheses; the limit is {MAX_JSONPATH_DEPTH}"
        ));
    }
    let filters = jsonpath_filter_nesting(query);
    if filters > MAX_JSONPATH_FILTER_DEPTH {
        return Err(format!(
            "JSONPath filters nested too deeply: {filters} filter selectors (`[?...]`) inside each other; the limit is {MAX_JSONPATH_FILTER_DEPTH}"
        ));
    }
    Ok(())
}

/// A literal value in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number such as `200`, `-1.5` or `1e3`.
    Number(serde_json::Number),
    /// A single-quoted string, unescaped.
    String(String),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
}

impl BinaryOp {
    /// The operator that keeps the comparison true with its operands swapped: `a op b`
    /// is `b op.flipped() a` (`<` becomes `>`; `==`, `!=`, `&&`, `||` stay).
    pub fn flipped(self) -> BinaryOp {
        match self {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::Le => BinaryOp::Ge,
            BinaryOp::Gt => BinaryOp::Lt,
            BinaryOp::Ge => BinaryOp::Le,
            other => other,
        }
    }
}

/// The shape of a condition node.
#[derive(Debug, Clone, PartialEq)]
pub enum CondKind {
    /// A literal value.
    Literal(Literal),
    /// A runtime expression; its spans are relative to the whole condition.
    Expr(Expr),
    /// `!operand`
    Not(Box<Cond>),
    /// `lhs op rhs`
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        lhs: Box<Cond>,
        /// The right operand.
        rhs: Box<Cond>,
    },
    /// `base[index]`, where the index is an integer or string literal.
    Index {
        /// The indexed value.
        base: Box<Cond>,
        /// The index.
        index: Box<Cond>,
    },
    /// `base.name`
    Member {
        /// The value whose field is read.
        base: Box<Cond>,
        /// The field name.
        name: String,
    },
}

/// A parsed condition node with its location (parentheses included).
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// The node.
    pub kind: CondKind,
    /// Byte offsets into the condition string.
    pub span: Span,
}

impl Cond {
    /// Every runtime expression in the condition, left to right.
    pub fn expressions(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'c>(&'c self, out: &mut Vec<&'c Expr>) {
        match &self.kind {
            CondKind::Literal(_) => {}
            CondKind::Expr(e) => out.push(e),
            CondKind::Not(c) | CondKind::Member { base: c, .. } => c.collect(out),
            CondKind::Binary { lhs, rhs, .. } => {
                lhs.collect(out);
                rhs.collect(out);
            }
            CondKind::Index { base, index } => {
                base.collect(out);
                index.collect(out);
            }
        }
    }
}

/// Parses a whole criterion condition.
pub fn parse_condition(input: &str) -> Result<Cond, ParseError> {
    if input.trim().is_empty() {
        return Err(error("empty condition", 0..input.len())
            .help("write a condition such as `$statusCode == 200`"));
    }
    let mut parser = Parser {
        src: input,
        pos: 0,
        nesting: 0,
    };
    let (cond, _) = parser.or()?;
    parser.skip_ws();
    if parser.pos < input.len() {
        return Err(parser.leftover());
    }
    Ok(cond)
}

fn error(message: impl Into<String>, span: Span) -> ParseError {
    ParseError {
        message: message.into(),
        span,
        help: None,
    }
}

trait Help {
    fn help(self, help: impl Into<String>) -> Self;
}

impl Help for ParseError {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A node and the depth of its tree.
type Parsed = Result<(Cond, usize), ParseError>;

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// Current recursion depth (parentheses and `!`).
    nesting: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.pos += token.len();
        }
        found
    }

    /// The span of the next character (empty at the end).
    fn here(&self) -> Span {
        self.pos..self.pos + self.peek().map_or(0, char::len_utf8)
    }

    /// The span of the next word-like token, for error messages.
    fn next_token(&self) -> Span {
        let rest = self.rest();
        let len = match rest.chars().next() {
            Some(c) if c.is_alphanumeric() || c == '$' || c == '_' => rest
                .find(|c: char| c.is_whitespace() || "()[]=!<>&|,".contains(c))
                .unwrap_or(rest.len()),
            Some(c) => c.len_utf8(),
            None => 0,
        };
        self.pos..self.pos + len
    }

    fn too_deep(&self) -> ParseError {
        error("condition nested too deeply", self.here()).help(format!(
            "conditions may nest at most {MAX_DEPTH} levels; split it into several criteria"
        ))
    }

    /// Builds a node from children, enforcing the depth limit.
    fn node(&self, kind: CondKind, span: Span, depth: usize) -> Parsed {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok((Cond { kind, span }, depth))
    }

    fn binary(&self, op: BinaryOp, lhs: (Cond, usize), rhs: (Cond, usize)) -> Parsed {
        let span = lhs.0.span.start..rhs.0.span.end;
        let depth = lhs.1.max(rhs.1) + 1;
        let kind = CondKind::Binary {
            op,
            lhs: Box::new(lhs.0),
            rhs: Box::new(rhs.0),
        };
        self.node(kind, span, depth)
    }

    fn or(&mut self) -> Parsed {
        let mut lhs = self.and()?;
        loop {
            self.skip_ws();
            if self.eat("||") {
                let rhs = self.and()?;
                lhs = self.binary(BinaryOp::Or, lhs, rhs)?;
            } else if self.peek() == Some('|') {
                return Err(error("`|` is not an operator", self.here()).help("use `||`"));
            } else {
                return Ok(lhs);
            }
        }
    }

    fn and(&mut self) -> Parsed {
        let mut lhs = self.comparison()?;
        loop {
            self.skip_ws();
            if self.eat("&&") {
                let rhs = self.comparison()?;
                lhs = self.binary(BinaryOp::And, lhs, rhs)?;
            } else if self.peek() == Some('&') {
                return Err(error("`&` is not an operator", self.here()).help("use `&&`"));
            } else {
                return Ok(lhs);
            }
        }
    }

    /// A comparison operator, if one comes next.
    fn comparison_op(&mut self) -> Result<Option<(BinaryOp, Span)>, ParseError> {
        self.skip_ws();
        let start = self.pos;
        for (token, op) in [
            ("==", BinaryOp::Eq),
            ("!=", BinaryOp::Ne),
            ("<=", BinaryOp::Le),
            (">=", BinaryOp::Ge),
            ("<", BinaryOp::Lt),
            (">", BinaryOp::Gt),
        ] {
            if self.eat(token) {
                return Ok(Some((op, start..self.pos)));
            }
        }
        if self.peek() == Some('=') {
            return Err(error("`=` is not an operator", self.here()).help("use `==` to compare"));
        }
        Ok(None)
    }

    fn comparison(&mut self) -> Parsed {
        let lhs = self.unary()?;
        let Some((op, _)) = self.comparison_op()? else {
            return Ok(lhs);
        };
        let rhs = self.unary()?;
        if let Some((_, span)) = self.comparison_op()? {
            return Err(error("comparisons cannot be chained", span)
                .help("combine comparisons with `&&`, or add parentheses"));
        }
        self.binary(op, lhs, rhs)
    }

    fn unary(&mut self) -> Parsed {
        self.skip_ws();
        let start = self.pos;
        if !self.eat("!") {
            return self.postfix();
        }
        if self.nesting >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.nesting += 1;
        let operand = self.unary();
        self.nesting -= 1;
        let (operand, depth) = operand?;
        let span = start..operand.span.end;
        self.node(CondKind::Not(Box::new(operand)), span, depth + 1)
    }

    fn postfix(&mut self) -> Parsed {
        let (mut base, mut depth) = self.primary()?;
        loop {
            // A primary that starts with `(` is a parenthesised condition.
            let parenthesised = self
                .src
                .get(base.span.clone())
                .is_some_and(|s| s.starts_with('('));
            let indexable = parenthesised || !matches!(base.kind, CondKind::Literal(_));
            let member_ok = parenthesised
                || matches!(base.kind, CondKind::Index { .. } | CondKind::Member { .. });
            self.skip_ws();
            let start = base.span.start;
            if indexable && self.peek() == Some('[') {
                let index = self.index()?;
                let kind = CondKind::Index {
                    base: Box::new(base),
                    index: Box::new(index),
                };
                (base, depth) = self.node(kind, start..self.pos, depth + 1)?;
            } else if member_ok && self.eat(".") {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(rest.len());
                if len == 0 {
                    return Err(error("expected a field name after `.`", self.here()));
                }
                let name = rest.get(..len).unwrap_or("").to_string();
                self.pos += len;
                let kind = CondKind::Member {
                    base: Box::new(base),
                    name,
                };
                (base, depth) = self.node(kind, start..self.pos, depth + 1)?;
            } else {
                return Ok((base, depth));
            }
        }
    }

    /// `[ integer ]` or `[ 'key' ]`, starting at `[`.
    fn index(&mut self) -> Result<Cond, ParseError> {
        let open = self.pos;
        self.eat("[");
        self.skip_ws();
        let index = match self.peek() {
            Some('\'') => self.string()?,
            Some(c) if c.is_ascii_digit() => {
                let number = self.number()?;
                match &number.kind {
                    CondKind::Literal(Literal::Number(n)) if n.is_u64() => number,
                    _ => {
                        return Err(error(
                            "an index must be a non-negative integer",
                            number.span,
                        ))
                    }
                }
            }
            _ => {
                return Err(error(
                    "expected an integer index or a quoted key inside `[…]`",
                    self.next_token(),
                )
                .help("write e.g. `[0]` or `['name']`"))
            }
        };
        self.skip_ws();
        if !self.eat("]") {
            return Err(error("unclosed `[`", open..open + 1).help("add `]` after the index"));
        }
        Ok(index)
    }

    fn primary(&mut self) -> Parsed {
        self.skip_ws();
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(error(
                "expected a value, found the end of the condition",
                self.pos..self.pos,
            ));
        };
        match c {
            '(' => self.parenthesised(),
            '$' => {
                let expr = expr::parse_prefix_at(self.src, start)?;
                self.pos = expr.span.end;
                Ok((
                    Cond {
                        span: expr.span.clone(),
                        kind: CondKind::Expr(expr),
                    },
                    1,
                ))
            }
            '\'' => Ok((self.string()?, 1)),
            '-' | '0'..='9' => Ok((self.number()?, 1)),
            '"' => Err(self.double_quoted()),
            '{' => Err(self.braces()),
            c if c.is_alphanumeric() || c == '_' => self.word(),
            _ => Err(error(
                format!(
                    "expected a value, found `{}`",
                    self.src.get(self.next_token()).unwrap_or("")
                ),
                self.next_token(),
            )),
        }
    }

    fn parenthesised(&mut self) -> Parsed {
        let open = self.pos;
        if self.nesting >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.eat("(");
        self.nesting += 1;
        let inner = self.or();
        self.nesting -= 1;
        let (mut inner, depth) = inner?;
        self.skip_ws();
        if !self.eat(")") {
            return Err(error("unclosed `(`", open..open + 1).help("add a matching `)`"));
        }
        inner.span = open..self.pos;
        Ok((inner, depth))
    }

    /// A single-quoted string, starting at `'`.
    fn string(&mut self) -> Result<Cond, ParseError> {
        let start = self.pos;
        self.eat("'");
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(error("unterminated string", start..self.pos).help("add a closing `'`"));
            };
            self.pos += c.len_utf8();
            if c == '\'' && !self.eat("'") {
                break;
            }
            value.push(c);
        }
        Ok(Cond {
            kind: CondKind::Literal(Literal::String(value)),
            span: start..self.pos,
        })
    }

    fn number(&mut self) -> Result<Cond, ParseError> {
        let start = self.pos;
        let rest = self.rest();
        let mut len = 0;
        let mut previous = ' ';
        for c in rest.chars() {
            let sign_ok = len == 0 || matches!(previous, 'e' | 'E');
            if !(c.is_ascii_digit()
                || matches!(c, '.' | 'e' | 'E')
                || (sign_ok && matches!(c, '-' | '+')))
            {
                break;
            }
            len += 1;
            previous = c;
        }
        let text = rest.get(..len).unwrap_or("");
        self.pos += len;
        match text.parse::<serde_json::Number>() {
            Ok(n) => Ok(Cond {
                kind: CondKind::Literal(Literal::Number(n)),
                span: start..self.pos,
            }),
            Err(_) if text == "-" => Err(error("expected a number after `-`", start..self.pos)),
            Err(_) => Err(error(format!("invalid number `{text}`"), start..self.pos)
                .help("numbers are written like `200`, `-1.5` or `1e3`")),
        }
    }

    fn word(&mut self) -> Parsed {
        let start = self.pos;
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = rest.get(..len).unwrap_or("");
        self.pos += len;
        let span = start..self.pos;
        let literal = match word {
            "null" => Literal::Null,
            "true" => Literal::Bool(true),
            "false" => Literal::Bool(false),
            _ => {
                let lower = word.to_ascii_lowercase();
                let help = match lower.as_str() {
                    "null" | "true" | "false" => format!("write `{lower}` in lowercase"),
                    "and" => "use `&&`".to_string(),
                    "or" => "use `||`".to_string(),
                    "not" => "use `!`".to_string(),
                    _ => match expr::parse_prefix_at(&format!("${}", self.rest_from(start)), 0) {
                        Ok(e) => format!("runtime expressions start with `$`: `{}`", e.text),
                        Err(_) => format!("strings in conditions use single quotes: `'{word}'`"),
                    },
                };
                return Err(error(format!("unexpected `{word}`"), span).help(help));
            }
        };
        Ok((
            Cond {
                kind: CondKind::Literal(literal),
                span,
            },
            1,
        ))
    }

    fn rest_from(&self, start: usize) -> &'a str {
        self.src.get(start..).unwrap_or("")
    }

    fn double_quoted(&self) -> ParseError {
        let start = self.pos;
        let rest = self.rest_from(start + 1);
        match rest.find('"') {
            Some(len) => {
                let inner = rest.get(..len).unwrap_or("").replace('\'', "''");
                error(
                    "double-quoted strings are not allowed",
                    start..start + len + 2,
                )
                .help(format!(
                    "strings in conditions use single quotes: `'{inner}'`"
                ))
            }
            None => error("double-quoted strings are not allowed", start..start + 1)
                .help("strings in conditions use single quotes"),
        }
    }

    fn braces(&self) -> ParseError {
        let start = self.pos;
        let rest = self.rest_from(start + 1);
        match rest.rfind('}') {
            Some(len) => {
                let inner = rest.get(..len).unwrap_or("").trim();
                error(
                    "runtime expressions in conditions are not wrapped in `{}`",
                    start..start + len + 2,
                )
                .help(format!("remove the surrounding braces: `{inner}`"))
            }
            None => error("unexpected `{`", start..start + 1),
        }
    }

    /// The error for text after a complete condition.
    fn leftover(&self) -> ParseError {
        let span = self.next_token();
        let token = self.src.get(span.clone()).unwrap_or("");
        match token {
            ")" => error("unmatched `)`", span).help("remove it or add a matching `(`"),
            _ if token.eq_ignore_ascii_case("and") => {
                error(format!("unexpected `{token}`"), span).help("use `&&`")
            }
            _ if token.eq_ignore_ascii_case("or") => {
                error(format!("unexpected `{token}`"), span).help("use `||`")
            }
            "." => error("unexpected `.`", span)
                .help("select fields of a runtime expression with a JSON pointer, e.g. `$response.body#/name`"),
            _ => error(format!("unexpected `{token}`"), span)
                .help("expected an operator such as `==`, `&&` or `||`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ExprKind;
    use proptest::prelude::*;

    fn parse(input: &str) -> Cond {
        match parse_condition(input) {
            Ok(c) => c,
            Err(e) => panic!("{input}: {e:?}"),
        }
    }

    fn err(input: &str) -> ParseError {
        match parse_condition(input) {
            Ok(c) => panic!("{input} parsed as {c:?}"),
            Err(e) => e,
        }
    }

    /// Renders a condition fully parenthesised, to check its structure.
    fn show(c: &Cond) -> String {
        match &c.kind {
            CondKind::Literal(Literal::Null) => "null".into(),
            CondKind::Literal(Literal::Bool(b)) => b.to_string(),
            CondKind::Literal(Literal::Number(n)) => n.to_string(),
            CondKind::Literal(Literal::String(s)) => format!("{s:?}"),
            CondKind::Expr(e) => e.text.clone(),
            CondKind::Not(c) => format!("!{}", show(c)),
            CondKind::Binary { op, lhs, rhs } => {
                format!("({} {op:?} {})", show(lhs), show(rhs))
            }
            CondKind::Index { base, index } => format!("{}[{}]", show(base), show(index)),
            CondKind::Member { base, name } => format!("{}.{name}", show(base)),
        }
    }

    fn shows(input: &str) -> String {
        show(&parse(input))
    }

    #[test]
    fn literals() {
        assert_eq!(shows("null"), "null");
        assert_eq!(shows(" true "), "true");
        assert_eq!(shows("false"), "false");
        assert_eq!(shows("200"), "200");
        assert_eq!(shows("-1.5"), "-1.5");
        assert_eq!(shows("1e3"), "1000.0");
        assert_eq!(shows("2.5E-1"), "0.25");
        assert_eq!(shows("'it''s'"), "\"it's\"");
        assert_eq!(shows("''"), "\"\"");
        assert_eq!(shows("'é ✓'"), "\"é ✓\"");
        assert_eq!(parse("  'a'").span, 2..5);
    }

    #[test]
    fn precedence() {
        assert_eq!(
            shows("$statusCode == 200 && $response.body#/ok || !$inputs.x"),
            "((($statusCode Eq 200) And $response.body#/ok) Or !$inputs.x)"
        );
        assert_eq!(
            shows("1 < 2 && (3 >= 4 || 5 != 6) && 7 <= 8 && 9 > 0"),
            "((((1 Lt 2) And ((3 Ge 4) Or (5 Ne 6))) And (7 Le 8)) And (9 Gt 0))"
        );
        assert_eq!(shows("!!true"), "!!true");
        assert_eq!(shows("!$inputs.a[0] == 1"), "(!$inputs.a[0] Eq 1)");
        assert_eq!(shows("$statusCode==200"), "($statusCode Eq 200)");
        assert_eq!(shows("(1 == 2) == true"), "((1 Eq 2) Eq true)");
    }

    #[test]
    fn indexing_and_members() {
        assert_eq!(
            shows("$steps.a.outputs.items[0].name == 'x'"),
            "($steps.a.outputs.items[0].name Eq \"x\")"
        );
        assert_eq!(
            shows("$response.body#/a ['k'] [ 2 ]"),
            "$response.body#/a[\"k\"][2]"
        );
        assert_eq!(shows("($inputs.a).b-c"), "$inputs.a.b-c");
        let c = parse("$inputs.a[1].b");
        assert_eq!(c.span, 0..14);
        let e = err("$inputs.a[-1]");
        assert_eq!(e.span, 10..11);
        assert_eq!(
            err("$inputs.a[1.5]").message,
            "an index must be a non-negative integer"
        );
        assert_eq!(err("$inputs.a[0").message, "unclosed `[`");
        assert_eq!(err("(1)[0].").message, "expected a field name after `.`");
        assert_eq!(err("$statusCode.x").message, "unexpected `.`");
    }

    #[test]
    fn expressions_in_order() {
        let c = parse("$inputs.a[0] == $steps.s.outputs.b && !($url != $method)");
        let texts: Vec<&str> = c.expressions().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            ["$inputs.a", "$steps.s.outputs.b", "$url", "$method"]
        );
        let spans: Vec<Span> = c.expressions().iter().map(|e| e.span.clone()).collect();
        assert_eq!(spans, [0..9, 16..34, 40..44, 48..55]);
        let CondKind::Binary { lhs, .. } = &c.kind else {
            panic!()
        };
        let CondKind::Binary { rhs, .. } = &lhs.kind else {
            panic!()
        };
        let CondKind::Expr(e) = &rhs.kind else {
            panic!()
        };
        let ExprKind::Steps { name, .. } = &e.kind else {
            panic!()
        };
        assert_eq!(name.span, 33..34);
    }

    #[test]
    fn errors() {
        let e = err("$statusCode = 200");
        assert_eq!(e.message, "`=` is not an operator");
        assert_eq!(e.span, 12..13);
        assert_eq!(e.help.as_deref(), Some("use `==` to compare"));

        let e = err("{$statusCode == 401}");
        assert_eq!(e.span, 0..20);
        assert_eq!(
            e.help.as_deref(),
            Some("remove the surrounding braces: `$statusCode == 401`")
        );

        let e = err("($statusCode == 200");
        assert_eq!((e.message.as_str(), e.span.clone()), ("unclosed `(`", 0..1));
        let e = err("$statusCode == 200)");
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("unmatched `)`", 18..19)
        );

        let e = err("$response.body#/s == 'ok");
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("unterminated string", 21..24)
        );

        let e = err("$response.body#/s == \"ok\"");
        assert_eq!(e.span, 21..25);
        assert_eq!(
            e.help.as_deref(),
            Some("strings in conditions use single quotes: `'ok'`")
        );

        let e = err("  ");
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("empty condition", 0..2)
        );

        let e = err("true & false");
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("`&` is not an operator", 5..6)
        );
        assert_eq!(e.help.as_deref(), Some("use `&&`"));
        assert_eq!(err("true | false").help.as_deref(), Some("use `||`"));

        let e = err("1 == 1 == 1");
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("comparisons cannot be chained", 7..9)
        );

        let e = err("$statusCode ==");
        assert_eq!(e.span, 14..14);
        assert_eq!(err("$statusCode 200").span, 12..15);
        assert_eq!(
            err("True").help.as_deref(),
            Some("write `true` in lowercase")
        );
        assert_eq!(err("true and false").help.as_deref(), Some("use `&&`"));
        assert_eq!(err("true OR false").help.as_deref(), Some("use `||`"));
        assert_eq!(
            err("statusCode == 200").help.as_deref(),
            Some("runtime expressions start with `$`: `$statusCode`")
        );
        assert_eq!(
            err("ok").help.as_deref(),
            Some("strings in conditions use single quotes: `'ok'`")
        );
        assert_eq!(err("01").message, "invalid number `01`");
        assert_eq!(err("- 1").message, "expected a number after `-`");

        // Errors from the expression parser keep condition-relative spans.
        let e = err("true && $statuscode == 1");
        assert_eq!(e.span, 8..19);
        assert_eq!(e.help.as_deref(), Some("did you mean `$statusCode`?"));
    }

    #[test]
    fn depth_is_bounded() {
        let ok = format!("{}true{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse_condition(&ok).is_ok());
        for deep in [
            format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("{}true", "!".repeat(10_000)),
            vec!["true"; 10_000].join(" && "),
            format!("$inputs.a{}", "[0]".repeat(10_000)),
        ] {
            assert_eq!(err(&deep).message, "condition nested too deeply");
        }
    }

    /// Filters nested in filters make the JSONPath parser's time double per level (35 levels
    /// ran for minutes, found by the `nesting` fuzz target): they are counted and bounded
    /// before it runs, whatever the selectors around them.
    #[test]
    fn jsonpath_filters_nesting_is_bounded() {
        let nested =
            |open: &str, close: &str, n: usize| format!("${}.x{}", open.repeat(n), close.repeat(n));
        for (open, close) in [
            ("[?@", "]"),
            ("[?(@", ")]"),
            ("[?match(@", ",'a')]"),
            ("[0,?@", "]"),
        ] {
            let limit = nested(open, close, MAX_JSONPATH_FILTER_DEPTH);
            assert_eq!(
                jsonpath_filter_nesting(&limit),
                MAX_JSONPATH_FILTER_DEPTH,
                "{limit}"
            );
            assert!(check_jsonpath_depth(&limit).is_ok());
            let deeper = nested(open, close, MAX_JSONPATH_FILTER_DEPTH + 1);
            let message = check_jsonpath_depth(&deeper).unwrap_err();
            assert!(message.contains("filters nested too deeply"), "{message}");
        }
        // Filters side by side, and `?` inside string literals, do not nest.
        assert_eq!(
            jsonpath_filter_nesting("$[?@.a == '[?'][?@.b][?@.c, ?@.d]"),
            1
        );
        assert_eq!(jsonpath_filter_nesting("$.a[0]['?']"), 0);
        assert_eq!(jsonpath_filter_nesting("$[?@[?@.a]]"), 2);
    }

    fn valid_span(input: &str, span: &Span) -> bool {
        span.start <= span.end
            && span.end <= input.len()
            && input.is_char_boundary(span.start)
            && input.is_char_boundary(span.end)
    }

    fn check(input: &str) {
        match parse_condition(input) {
            Ok(c) => {
                fn walk(input: &str, c: &Cond) {
                    assert!(valid_span(input, &c.span), "{input:?} {c:?}");
                    match &c.kind {
                        CondKind::Not(x) | CondKind::Member { base: x, .. } => walk(input, x),
                        CondKind::Binary { lhs: a, rhs: b, .. }
                        | CondKind::Index { base: a, index: b } => {
                            walk(input, a);
                            walk(input, b);
                        }
                        CondKind::Expr(e) => assert!(valid_span(input, &e.span)),
                        CondKind::Literal(_) => {}
                    }
                }
                walk(input, &c);
            }
            Err(e) => assert!(valid_span(input, &e.span), "{input:?} {e:?}"),
        }
    }

    fn valid_condition() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            "-?[1-9][0-9]{0,5}(\\.[0-9]{1,3})?",
            "'([a-z é]|'')*'",
            "\\$(statusCode|inputs\\.[a-z]{1,5}|steps\\.[a-z]{1,4}\\.outputs\\.[a-z.]{1,5})",
            "\\$response\\.body#(/[a-z0-9]{1,3}){0,3}",
        ];
        leaf.prop_recursive(4, 24, 2, |inner| {
            prop_oneof![
                (inner.clone(), "(==|!=|<|<=|>|>=|&&|\\|\\|)", inner.clone())
                    .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
                inner.clone().prop_map(|a| format!("!{a}")),
                (inner, 0u8..9).prop_map(|(a, i)| format!("({a})[{i}]")),
            ]
        })
    }

    proptest! {
        #[test]
        fn never_panics_on_unicode(input in "\\PC{0,40}") {
            check(&input);
        }

        #[test]
        fn never_panics_on_grammar_chars(input in "[$.#/~{}\\[\\]()=!<>&|'\" 0-9a-zé-]{0,40}") {
            check(&input);
            check(&format!("$inputs.{input}"));
        }

        #[test]
        fn valid_conditions_parse(input in valid_condition()) {
            let parsed = parse_condition(&input);
            prop_assert!(parsed.is_ok(), "{input}: {parsed:?}");
            let parsed = parsed.unwrap();
            prop_assert_eq!(parsed.span.clone(), 0..input.len());
            for e in parsed.expressions() {
                prop_assert_eq!(input.get(e.span.clone()), Some(e.text.as_str()));
            }
            check(&input);
        }
    }
}

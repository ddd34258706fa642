//! Which documented responses of an operation can satisfy a step's success criteria.
//!
//! Each documented response key (`200`, `2XX`, `default`) is tried against the
//! criteria with a three-valued evaluation: comparisons of `$statusCode` with a
//! number are decided where the key decides them, everything else is unknown.
//! A `regex` criterion on `$statusCode` decides exact codes.
//! A response is admitted unless the criteria are certainly false for it. Without
//! criteria, the 2xx responses are admitted (the `default` one when there is none).

use crate::condition::{self, BinaryOp, Cond, CondKind, Literal};
use crate::expr::ExprKind;
use crate::model::{Criterion, CriterionType};

/// A truth value that may be unknown at build time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

/// The status codes a response key stands for.
struct Key<'k> {
    /// `Some(c)` for an exact code.
    exact: Option<u16>,
    /// `Some(d)` for a class `dXX`.
    class: Option<u16>,
    /// Every key documented (what a class or `default` does not cover).
    all: &'k [&'k str],
}

impl Key<'_> {
    /// Whether status `n` may be answered with this response.
    fn possible(&self, n: u16) -> bool {
        let documented = |k: &str| k == n.to_string();
        let class_documented = |k: &str| class_of(k) == Some(n / 100);
        match (self.exact, self.class) {
            (Some(c), _) => c == n,
            (None, Some(d)) => n / 100 == d && !self.all.iter().any(|k| documented(k)),
            (None, None) => {
                (100..=599).contains(&n)
                    && !self
                        .all
                        .iter()
                        .any(|k| documented(k) || class_documented(k))
            }
        }
    }

    fn compare(&self, op: BinaryOp, n: u16) -> Tri {
        if let Some(c) = self.exact {
            let holds = match op {
                BinaryOp::Eq => c == n,
                BinaryOp::Ne => c != n,
                BinaryOp::Lt => c < n,
                BinaryOp::Le => c <= n,
                BinaryOp::Gt => c > n,
                BinaryOp::Ge => c >= n,
                BinaryOp::And | BinaryOp::Or => return Tri::Unknown,
            };
            return if holds { Tri::True } else { Tri::False };
        }
        match op {
            BinaryOp::Eq if !self.possible(n) => Tri::False,
            BinaryOp::Ne if !self.possible(n) => Tri::True,
            _ => match self.class {
                // A class spans d00..=d99: a bound outside it decides.
                Some(d) => {
                    let (lo, hi) = (d * 100, d * 100 + 99);
                    let decided = match op {
                        BinaryOp::Lt => (hi < n, lo >= n),
                        BinaryOp::Le => (hi <= n, lo > n),
                        BinaryOp::Gt => (lo > n, hi <= n),
                        BinaryOp::Ge => (lo >= n, hi < n),
                        _ => (false, false),
                    };
                    match decided {
                        (true, _) => Tri::True,
                        (_, true) => Tri::False,
                        _ => Tri::Unknown,
                    }
                }
                None => Tri::Unknown,
            },
        }
    }
}

/// `Some(d)` for a response key `dXX` (any case).
fn class_of(k: &str) -> Option<u16> {
    let digit = k.get(..1)?;
    let rest = k.get(1..)?;
    if k.len() == 3 && rest.eq_ignore_ascii_case("XX") {
        digit.parse().ok()
    } else {
        None
    }
}

fn status_literal(c: &Cond) -> Option<u16> {
    match &c.kind {
        CondKind::Literal(Literal::Number(n)) => n.as_u64().and_then(|v| u16::try_from(v).ok()),
        _ => None,
    }
}

fn is_status(c: &Cond) -> bool {
    matches!(&c.kind, CondKind::Expr(e) if e.kind == ExprKind::StatusCode)
}

fn eval(c: &Cond, key: &Key<'_>) -> Tri {
    match &c.kind {
        CondKind::Not(inner) => eval(inner, key).not(),
        CondKind::Binary { op, lhs, rhs } => match op {
            BinaryOp::And => eval(lhs, key).and(eval(rhs, key)),
            BinaryOp::Or => eval(lhs, key).or(eval(rhs, key)),
            _ => {
                if let (true, Some(n)) = (is_status(lhs), status_literal(rhs)) {
                    key.compare(*op, n)
                } else if let (Some(n), true) = (status_literal(lhs), is_status(rhs)) {
                    key.compare(op.flipped(), n)
                } else {
                    Tri::Unknown
                }
            }
        },
        CondKind::Literal(Literal::Bool(b)) => {
            if *b {
                Tri::True
            } else {
                Tri::False
            }
        }
        _ => Tri::Unknown,
    }
}

/// For each documented response key (`codes`), whether a response with that key can
/// satisfy `criteria` (all of them). Criteria that are not simple, or do not parse,
/// decide nothing.
pub fn admitted(criteria: &[Criterion], codes: &[&str]) -> Vec<bool> {
    let conds: Vec<Cond> = criteria
        .iter()
        .filter(|c| c.kind == CriterionType::Simple)
        .filter_map(|c| condition::parse_condition(&c.condition.value).ok())
        .collect();
    let keys: Vec<Key<'_>> = codes
        .iter()
        .map(|k| Key {
            exact: (k.len() == 3 && k.chars().all(|c| c.is_ascii_digit()))
                .then(|| k.parse().ok())
                .flatten(),
            class: class_of(k),
            all: codes,
        })
        .collect();
    if criteria.is_empty() {
        let two =
            |k: &Key<'_>| k.exact.is_some_and(|c| (200..300).contains(&c)) || k.class == Some(2);
        let any_two = keys.iter().any(two);
        return keys
            .iter()
            .zip(codes)
            .map(|(k, code)| two(k) || (!any_two && *code == "default"))
            .collect();
    }
    // `type: regex` with `context: $statusCode` decides exact codes too.
    let patterns: Vec<regex::Regex> = criteria
        .iter()
        .filter(|c| c.kind == CriterionType::Regex)
        .filter(|c| {
            c.context
                .as_ref()
                .is_some_and(|t| t.value.trim() == "$statusCode")
        })
        .filter_map(|c| regex::Regex::new(&c.condition.value).ok())
        .collect();
    keys.iter()
        .map(|k| {
            conds.iter().all(|c| eval(c, k) != Tri::False)
                && k.exact
                    .is_none_or(|code| patterns.iter().all(|p| p.is_match(&code.to_string())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;
    use crate::yaml::{Node, Value};

    fn crit(condition: &str) -> Criterion<'static> {
        // The model borrows its nodes from the document tree; a test's node lives on.
        let node: &'static Node = Box::leak(Box::new(Node {
            value: Value::Str(condition.to_owned()),
            pos: crate::diag::Pos { line: 1, col: 1 },
            span: 0..0,
            content_offset: None,
            col_map: None,
        }));
        Criterion {
            context: None,
            condition: Text {
                value: condition.to_owned(),
                node: node.clone(),
            },
            kind: CriterionType::Simple,
            node,
        }
    }

    const CODES: &[&str] = &["200", "201", "404", "4XX", "default"];

    #[test]
    fn regex_criteria_on_the_status_code() {
        let mut c = crit("^(200|404)$");
        c.kind = CriterionType::Regex;
        c.context = Some(Text {
            value: "$statusCode".to_owned(),
            node: c.node.clone(),
        });
        assert_eq!(admitted(&[c], CODES), [true, false, true, true, true]);
    }

    fn run(conds: &[&str]) -> Vec<bool> {
        let criteria: Vec<Criterion> = conds.iter().map(|c| crit(c)).collect();
        admitted(&criteria, CODES)
    }

    #[test]
    fn status_criteria_select_responses() {
        assert_eq!(run(&[]), [true, true, false, false, false]);
        assert_eq!(admitted(&[], &["404", "default"]), [false, true]);
        // Keys that are not status codes are never sliced inside a character.
        assert_eq!(
            admitted(&[crit("$statusCode == 200")], &["é2", "2é", "éXX"]),
            [true, true, true]
        );
        assert_eq!(
            run(&["$statusCode == 200"]),
            [true, false, false, false, false]
        );
        assert_eq!(
            run(&["$statusCode == 200 || $statusCode == 404"]),
            [true, false, true, false, false]
        );
        // 409 is not documented on its own: the 4XX response stands for it.
        assert_eq!(
            run(&["409 == $statusCode"]),
            [false, false, false, true, false]
        );
        // 500 falls to `default`.
        assert_eq!(
            run(&["$statusCode == 500"]),
            [false, false, false, false, true]
        );
        assert_eq!(
            run(&["$statusCode < 300"]),
            [true, true, false, false, true]
        );
        // The status is not pinned: every response.
        assert_eq!(run(&["$response.body#/ok == true"]), [true; 5]);
        assert_eq!(
            run(&["$statusCode == 200 && $response.body#/ok == true"]),
            [true, false, false, false, false]
        );
        assert_eq!(
            run(&["!($statusCode == 404)"]),
            [true, true, false, true, true]
        );
        // Several criteria all hold.
        assert_eq!(
            run(&["$statusCode >= 200", "$statusCode != 201"]),
            [true, false, true, true, true]
        );
    }
}

//! Lint `manual_credential`: a parameter the document sets by hand although the
//! operation's security scheme would supply exactly that value.
//!
//! A use is recorded for every parameter a step sends (its own, or inherited from
//! its workflow's `parameters`); at the end of the workflow, a parameter written once
//! and supplied by a scheme in every step that sends it gets the lint, with an edit
//! removing it (and the workflow input it reads, when nothing else reads that input).
//!
//! Exactly supplied means:
//! - an `apiKey` scheme of the same `in` and name, the parameter's value being a
//!   workflow input (`$inputs.key`, or `{$inputs.key}` alone): `Credential::api_key`
//!   sends that value;
//! - `Authorization` set to `Bearer {$inputs.token}` (the word in any case, one space)
//!   for an `http` (bearer), `oauth2` or `openIdConnect` scheme: `Credential::bearer`
//!   sends that header.
//!
//! `http` `basic` is left alone: the scheme builds `Basic base64(user:password)` from
//! two values, while a hand-written header carries a value already encoded, which
//! `Credential::basic` cannot take; the replacement would not be certain.

use super::*;
use crate::ir::{SchemeKind, SecurityReq};

/// A text edit: a byte range and its replacement.
type Edit = (std::ops::Range<usize>, String);

/// What a security scheme supplies in place of a parameter written by hand.
#[derive(Clone, Debug)]
pub(super) struct Supplied {
    /// Source description name.
    source: String,
    /// Security scheme name.
    scheme: String,
    /// The `arazzo::Credential` constructor to configure.
    credential: &'static str,
    /// The workflow input the parameter reads, when it reads a whole input.
    input: Option<String>,
}

/// One parameter a step sends, and where it is written.
pub(super) struct CredUse<'a> {
    /// The parameter (or reference) as written.
    origin: &'a ParamOrRef<'a>,
    /// Written in the workflow's `parameters` (else the step's).
    workflow_level: bool,
    /// The step sending it.
    step: usize,
    /// The parameter's name and `in` (of the component, for a reference).
    name: String,
    location: ParamIn,
    /// Removing a step's parameter would bring back a workflow parameter it overrides.
    overrides: bool,
    /// What a scheme of the step's operation supplies instead (`None`: nothing does).
    supplied: Option<Supplied>,
}

/// Where a parameter of a step comes from: its entry and whether it is the workflow's.
#[derive(Clone, Copy)]
pub(super) struct Origin<'a> {
    /// The entry as written.
    pub param: &'a ParamOrRef<'a>,
    /// In the workflow's `parameters`.
    pub workflow_level: bool,
    /// A step parameter that replaces a workflow parameter of the same name and `in`.
    pub overrides: bool,
}

/// The workflow input a value reads whole: `$inputs.name` or a template of that alone;
/// `Some(None)` for an input read deeper (`$inputs.creds.key`), `None` for anything else.
fn whole_input(v: &Val) -> Option<Option<String>> {
    let e = match v {
        Val::Expr(e, _) => e,
        Val::Template(parts) => match parts.as_slice() {
            [TPart::Expr(e)] => e,
            _ => return None,
        },
        _ => return None,
    };
    let RtExpr::Input(p) = e else { return None };
    let tokens = crate::openapi::pointer_tokens(p)?;
    Some(match tokens.as_slice() {
        [name] => Some(name.clone()),
        _ => None,
    })
}

/// The input of `Bearer {$inputs.x}` (`Some(None)` for a deeper pointer).
fn bearer_input(v: &Val) -> Option<Option<String>> {
    let Val::Template(parts) = v else { return None };
    let [TPart::Lit(word), TPart::Expr(e)] = parts.as_slice() else {
        return None;
    };
    if !word.eq_ignore_ascii_case("bearer ") {
        return None;
    }
    whole_input(&Val::Expr(e.clone(), Ty::Json))
}

/// What the operation's security supplies in place of `param`, sent with value `value`.
pub(super) fn supplied_by(
    source: &str,
    security: &[Vec<SecurityReq>],
    location: ParamIn,
    name: &str,
    value: &Val,
) -> Option<Supplied> {
    security.iter().flatten().find_map(|req| {
        let (credential, input) = match &req.kind {
            SchemeKind::ApiKey {
                location: l,
                name: n,
            } if *l == location
                && if location == ParamIn::Header {
                    n.eq_ignore_ascii_case(name)
                } else {
                    n == name
                } =>
            {
                ("api_key", whole_input(value)?)
            }
            SchemeKind::Bearer | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect
                if location == ParamIn::Header && name.eq_ignore_ascii_case("authorization") =>
            {
                ("bearer", bearer_input(value)?)
            }
            _ => return None,
        };
        Some(Supplied {
            source: source.to_owned(),
            scheme: req.scheme.clone(),
            credential,
            input,
        })
    })
}

/// The end of a node's content: a scalar's end, or the largest end of what a collection
/// holds (a block collection's own span may run on to the next token).
fn content_end(n: &Node) -> usize {
    let inner = match &n.value {
        Value::Seq(items) => items.iter().map(content_end).max(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.span.end.max(content_end(v)))
            .max(),
        _ => None,
    };
    inner.unwrap_or(n.span.end)
}

/// The byte range of whole lines from the line holding `start` to the end of the line
/// holding `end - 1`, when only blanks precede `start`'s content (`before_ok` judges the
/// text between the line start and `start`) and only blanks or a comment follow `end`.
fn whole_lines(
    text: &str,
    start: usize,
    end: usize,
    before_ok: impl Fn(&str) -> bool,
) -> Option<std::ops::Range<usize>> {
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    if !before_ok(text.get(line_start..start)?) {
        return None;
    }
    let rest = text.get(end..)?;
    let nl = rest.find('\n');
    let tail = &rest[..nl.unwrap_or(rest.len())];
    let tail = tail.trim_start_matches([' ', '\t']);
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(line_start..nl.map_or(text.len(), |i| end + i + 1))
}

/// A block sequence item's prefix: indentation, `-`, blanks.
fn item_prefix(before: &str) -> bool {
    before
        .trim_end_matches([' ', '\t'])
        .strip_suffix('-')
        .is_some_and(|indent| indent.chars().all(|c| c == ' '))
}

/// The edit removing item `k` of the block sequence under `key` of mapping `parent`:
/// its lines, or the key and its lines when it is the only item.
fn remove_item(text: &str, parent: &Node, key: &str, k: usize) -> Option<std::ops::Range<usize>> {
    let (key_node, seq) = parent.entries().iter().find(|(n, _)| n.text == key)?;
    let item = seq.items().get(k)?;
    if text.get(seq.span.clone())?.starts_with('[') {
        return None;
    }
    let lines = whole_lines(text, item.span.start, content_end(item), item_prefix)?;
    if seq.items().len() > 1 {
        return Some(lines);
    }
    // The only item: the key goes too (`parameters:` alone would be null).
    let key_lines = whole_lines(text, key_node.span.start, key_node.span.end + 1, |b| {
        b.chars().all(|c| c == ' ')
    })?;
    (text.get(key_node.span.end..key_node.span.end + 1) == Some(":")
        && key_lines.end == lines.start)
        .then_some(key_lines.start..lines.end)
}

/// Occurrences of `word` in `text` not inside a longer name.
fn word_count(text: &str, word: &str) -> usize {
    let part = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    text.match_indices(word)
        .filter(|(at, _)| {
            !text[..*at].chars().next_back().is_some_and(part)
                && !text[at + word.len()..].chars().next().is_some_and(part)
        })
        .count()
}

impl<'a> Checker<'a> {
    /// Records what a step sends among its parameters, and what its operation's security
    /// would supply instead (nothing for a step that sends no request).
    pub(super) fn record_credential_uses(
        &mut self,
        step: usize,
        origins: &[Origin<'a>],
        params: &[(model::Parameter<'a>, Option<&'a Node>)],
        kind: &ir::StepKind,
    ) {
        for (o, (p, _)) in origins.iter().zip(params) {
            let supplied = match (kind, p.location) {
                (
                    ir::StepKind::Operation {
                        source,
                        params: lowered,
                        security,
                        ..
                    },
                    Some(location),
                ) => lowered
                    .iter()
                    .find(|l| {
                        l.location == location
                            && if location == ParamIn::Header {
                                l.name.eq_ignore_ascii_case(&p.name.value)
                            } else {
                                l.name == p.name.value
                            }
                    })
                    .and_then(|l| supplied_by(source, security, location, &l.name, &l.value)),
                _ => None,
            };
            let Some(location) = p.location else { continue };
            self.cred_uses.push(CredUse {
                name: p.name.value.clone(),
                location,
                origin: o.param,
                workflow_level: o.workflow_level,
                step,
                overrides: o.overrides,
                supplied,
            });
        }
    }

    /// After a workflow: the lint on every parameter that a scheme supplies in every step
    /// sending it.
    pub(super) fn lint_manual_credentials(&mut self, st: &Wf<'a>) {
        let uses = std::mem::take(&mut self.cred_uses);
        let wf = &self.doc.workflows[st.index];
        let mut seen: Vec<*const ParamOrRef<'a>> = Vec::new();
        for u in &uses {
            let key: *const ParamOrRef<'a> = u.origin;
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let group: Vec<&CredUse<'a>> = uses
                .iter()
                .filter(|v| std::ptr::eq(v.origin, u.origin))
                .collect();
            let Some(all) = group
                .iter()
                .map(|v| v.supplied.clone())
                .collect::<Option<Vec<Supplied>>>()
            else {
                continue;
            };
            let pointed = match u.origin {
                ParamOrRef::Param(p) => &p.name.node,
                ParamOrRef::Ref { reference, .. } => &reference.node,
            };
            let (name, location) = (&u.name, u.location);
            let mut pairs: Vec<(String, String, &'static str)> = all
                .iter()
                .map(|s| (s.source.clone(), s.scheme.clone(), s.credential))
                .collect();
            pairs.sort();
            pairs.dedup();
            let schemes = pairs
                .iter()
                .map(|(src, sch, _)| format!("`{src}`/`{sch}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let who = if u.workflow_level {
                format!("workflow `{}` sets", wf.id.value)
            } else {
                format!(
                    "step `{}` sets",
                    wf.steps.get(u.step).map_or("", |s| s.id.value.as_str())
                )
            };
            let message = format!(
                "{who} {} parameter `{name}` by hand, but the operation's security scheme {schemes} supplies it",
                location.as_str()
            );
            // The edit: the entry's lines, when the layout is one this can remove.
            let text = &self.file.text;
            let parent = if u.workflow_level {
                Some(wf.node)
            } else {
                wf.steps.get(u.step).map(|s| s.node)
            };
            let removal = parent.and_then(|parent| {
                let list = parent.get("parameters")?;
                let k = list.items().iter().position(|it| {
                    it.span.start <= pointed.span.start && pointed.span.end <= it.span.end
                })?;
                remove_item(text, parent, "parameters", k)
            });
            let certain = !u.overrides || u.workflow_level;
            let input_removal = match u.origin {
                ParamOrRef::Param(_) if certain && removal.is_some() => {
                    self.unused_input_removal(st.index, &all)
                }
                _ => Vec::new(),
            };
            let file = self.file.clone();
            let mut d = self.warn(Code::ManualCredential, pointed, message);
            for (src, sch, credential) in &pairs {
                d.help.push(format!(
                    "remove the parameter and configure the credential on the client: `.credential(\"{src}\", \"{sch}\", arazzo::Credential::{credential}(..))`"
                ));
            }
            if u.workflow_level && group.len() > 1 {
                d.add_note(format!(
                    "it is sent by {} steps, and supplied by a scheme in each",
                    group.len()
                ));
            }
            if let Some(range) = removal {
                let applicability = if certain {
                    Applicability::MachineApplicable
                } else {
                    Applicability::MaybeIncorrect
                };
                for (r, replacement) in std::iter::once((range, String::new())).chain(input_removal)
                {
                    let original = file.text.get(r.clone()).unwrap_or_default().to_owned();
                    d.suggestions.push(crate::diag::Suggestion {
                        file: file.clone(),
                        range: r,
                        original,
                        replacement,
                        applicability,
                    });
                }
            }
        }
    }

    /// Edits removing the workflow input every supplied value reads, when it is the same
    /// input, its name occurs nowhere else in the document (no other use, no workflow
    /// passing it on by name), and its schema entries can be removed line by line.
    fn unused_input_removal(&self, w: usize, all: &[Supplied]) -> Vec<Edit> {
        let Some(Some(name)) = all.first().map(|s| s.input.clone()) else {
            return Vec::new();
        };
        if all
            .iter()
            .any(|s| s.input.as_deref() != Some(name.as_str()))
            || all.len() != 1
        {
            return Vec::new();
        }
        let text = &self.file.text;
        let Some(inputs) = self.doc.workflows[w].inputs else {
            return Vec::new();
        };
        let Some(props) = inputs.get("properties") else {
            return Vec::new();
        };
        let Some(k) = props.entries().iter().position(|(n, _)| n.text == name) else {
            return Vec::new();
        };
        let required = inputs.get("required");
        let in_required =
            required.is_some_and(|r| r.items().iter().any(|i| i.as_str() == Some(&name)));
        // The property key, the one use, and the `required` entry: nothing else.
        if word_count(text, &name) != 2 + usize::from(in_required) || props.entries().len() < 2 {
            return Vec::new();
        }
        let (key, value) = &props.entries()[k];
        if text
            .get(props.span.clone())
            .is_some_and(|t| t.starts_with('{'))
        {
            return Vec::new();
        }
        let Some(prop) = whole_lines(
            text,
            key.span.start,
            content_end(value).max(key.span.end),
            |b| b.chars().all(|c| c == ' '),
        ) else {
            return Vec::new();
        };
        let mut out = vec![(prop, String::new())];
        if let Some(r) = required.filter(|_| in_required) {
            let items = r.items();
            let Some(j) = items.iter().position(|i| i.as_str() == Some(&name)) else {
                return Vec::new();
            };
            let written = text.get(r.span.clone()).unwrap_or_default();
            if written.starts_with('[') {
                let plain = |s: &str| {
                    s.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                };
                let rest: Option<Vec<&str>> = items
                    .iter()
                    .filter(|i| i.as_str() != Some(&name))
                    .map(|i| i.as_str().filter(|s| plain(s)))
                    .collect();
                let Some(rest) = rest else { return Vec::new() };
                if written.contains('\n') || !written.ends_with(']') {
                    return Vec::new();
                }
                out.push((r.span.clone(), format!("[{}]", rest.join(", "))));
                return out;
            }
            if items.len() < 2 {
                return Vec::new();
            }
            let Some(item) = items.get(j) else {
                return Vec::new();
            };
            let Some(lines) = whole_lines(text, item.span.start, content_end(item), item_prefix)
            else {
                return Vec::new();
            };
            out.push((lines, String::new()));
        }
        out
    }
}

//! Event-driven steps (Arazzo 1.1 on AsyncAPI 3.0): resolving `operationId` and
//! `channelPath` to an AsyncAPI operation or channel, checking `action`,
//! `correlationId`, message headers and payloads, and typing `$message.payload`
//! and `$message.header.<name>` from the message schemas.

use super::{Checker, Ectx, Target, Wf};
use crate::asyncapi::{AsyncApi, CorrelationLoc, MessageAction, MessageView, MsgLoc};
use crate::diag::{did_you_mean, list_names, Code, Diagnostic};
use crate::expr::Source;
use crate::ir::{self, BodyKind, Lit, Val};
use crate::model::{self, ParamIn, Text};
use crate::openapi::pointer_tokens;
use crate::types::{self, Schema, Scope, Ty, Walk};
use crate::yaml::Node;

impl<'a> Checker<'a> {
    /// Resolves an `operationId` to an AsyncAPI operation: `Some(target)` when
    /// `source` names an AsyncAPI source description, or when no source is named
    /// and only an AsyncAPI description defines `id`; `None` to look it up among
    /// the OpenAPI operations.
    pub(super) fn async_operation_target(
        &mut self,
        source: Option<&str>,
        id: &str,
        t: &Text,
        s: &model::Step,
    ) -> Option<Target<'a>> {
        let sources = self.sources;
        let in_source = source.map(|src| sources.asyncapis.iter().position(|(n, _)| n == src));
        let found: Vec<(usize, usize)> = sources
            .asyncapis
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| source.is_none_or(|src| src == n))
            .filter_map(|(ai, (_, api))| {
                let k = api.as_ref()?.operations.iter().position(|o| o.id == id)?;
                Some((ai, k))
            })
            .collect();
        match in_source {
            // A named OpenAPI (or unknown) source: not ours.
            Some(None) => return None,
            // No source named: ours only when no OpenAPI operation has the id.
            None => {
                // (The OpenAPI operations are looked at only when an AsyncAPI one has the id.)
                let http = || {
                    sources.apis.iter().any(|(_, a)| {
                        a.as_ref()
                            .is_some_and(|a| a.operations_with_id(id).next().is_some())
                    })
                };
                if found.is_empty() || http() {
                    return None;
                }
            }
            Some(Some(ai)) => {
                if found.is_empty() {
                    let Some((name, api)) = self.env().async_api(ai) else {
                        return Some(Target::Unknown); // failed to load: reported
                    };
                    let mut d = self.err(
                        Code::UnknownOperation,
                        &t.node,
                        format!(
                            "AsyncAPI source `{name}` has no operation `{id}` (in step `{}`)",
                            s.id.value
                        ),
                    );
                    d.candidates(
                        "it defines",
                        api.operations.iter().map(|o| o.id.as_str()),
                        id,
                    );
                    self.reply_hint(&mut d, ai, id, s);
                    return Some(Target::Unknown);
                }
            }
        }
        if found.len() > 1 {
            let cands: Vec<String> = found
                .iter()
                .map(|(ai, _)| format!("$sourceDescriptions.{}.{id}", sources.asyncapis[*ai].0))
                .collect();
            self.err(
                Code::AmbiguousOperation,
                &t.node,
                format!("operationId `{id}` is ambiguous: several source descriptions define it"),
            )
            .help
            .push(format!("name the source: {}", cands.join(" or ")));
            return Some(Target::Unknown);
        }
        let (ai, k) = found[0];
        let (name, api) = self.env().async_api(ai)?;
        let op = &api.operations[k];
        match op.channel {
            Some(channel) => Some(Target::Msg {
                api: ai,
                op: Some(k),
                channel,
                reply: false,
            }),
            None => {
                self.err(Code::InvalidReference,
                    &t.node,
                    format!("AsyncAPI operation `{id}` of `{name}` has no `channel` that resolves to one of its `channels`"),
                )
                .help
                .push("an operation's `channel` is a `$ref: '#/channels/<key>'`".into());
                Some(Target::Unknown)
            }
        }
    }

    /// Resolves an `operationPath` into AsyncAPI source `ai`:
    /// `{$sourceDescriptions.<name>.url}#/operations/<id>` (the operation) or
    /// `#/operations/<id>/reply` (its reply). `start` is where `fragment` (after `#`)
    /// starts in the value.
    pub(super) fn async_operation_path(
        &mut self,
        ai: usize,
        t: &Text,
        fragment: &str,
        start: usize,
    ) -> Target<'a> {
        let Some((name, api)) = self.env().async_api(ai) else {
            return Target::Unknown; // failed to load: reported
        };
        let value = t.value.as_str();
        let channel_form = |key: &str| {
            format!(
                "channelPath: '{{$sourceDescriptions.{name}.url}}#/channels/{}'",
                crate::expr::escape_token(key)
            )
        };
        let tokens = pointer_tokens(fragment).unwrap_or_default();
        let (id, reply) = match tokens.as_slice() {
            [o, id] if o == "operations" => (id, false),
            [o, id, r] if o == "operations" && r == "reply" => (id, true),
            [c, key] if c == "channels" => {
                self.err(
                    Code::InvalidTarget,
                    &t.node,
                    format!("`operationPath` `{value}` points at a channel, not at an operation"),
                )
                .help
                .push(format!(
                    "a step on a channel is written `{}`",
                    channel_form(key)
                ));
                return Target::Unknown;
            }
            _ => {
                self.err_span(Code::InvalidTarget,
                    &t.node,
                    &(start..value.len()),
                    format!("`operationPath` into AsyncAPI source `{name}` must point at an operation or its reply, found `#{fragment}`"),
                )
                .help
                .push(format!("for example `{{$sourceDescriptions.{name}.url}}#/operations/<operationId>` or `.../operations/<operationId>/reply`"));
                return Target::Unknown;
            }
        };
        let Some(k) = api.operations.iter().position(|o| o.id == *id) else {
            let at = start + "/operations/".len();
            let end = at + crate::expr::escape_token(id).len();
            self.err_span(
                Code::UnknownOperation,
                &t.node,
                &(at..end.min(value.len())),
                format!("AsyncAPI source `{name}` has no operation `{id}`"),
            )
            .candidates(
                "it defines",
                api.operations.iter().map(|o| o.id.as_str()),
                id,
            );
            return Target::Unknown;
        };
        let op = &api.operations[k];
        if !reply {
            return match op.channel {
                Some(channel) => Target::Msg {
                    api: ai,
                    op: Some(k),
                    channel,
                    reply: false,
                },
                None => {
                    self.err(Code::InvalidReference,
                        &t.node,
                        format!("AsyncAPI operation `{id}` of `{name}` has no `channel` that resolves to one of its `channels`"),
                    );
                    Target::Unknown
                }
            };
        }
        let Some(r) = &op.reply else {
            let mut d = self.err(
                Code::InvalidTarget,
                &t.node,
                format!("AsyncAPI operation `{id}` of `{name}` has no `reply`"),
            );
            let with: Vec<&str> = api
                .operations
                .iter()
                .filter(|o| o.reply.is_some())
                .map(|o| o.id.as_str())
                .collect();
            if !with.is_empty() {
                d.help
                    .push(format!("operations with a reply: {}", list_names(with)));
            }
            return Target::Unknown;
        };
        match (r.channel, &r.address_location) {
            (Some(channel), _) => Target::Msg {
                api: ai,
                op: Some(k),
                channel,
                reply: true,
            },
            (None, Some(location)) => {
                self.err(Code::Unsupported,
                    &t.node,
                    format!("the reply of `{id}` (`{name}`) has its address only at run time (`address.location: {location}`), which is not supported yet"),
                )
                .help
                .push("give the reply a `channel` with a fixed `address`".into());
                Target::Unknown
            }
            (None, None) => {
                self.err(Code::InvalidReference,
                    &t.node,
                    format!("the reply of `{id}` (`{name}`) has no `channel` that resolves to one of its `channels`"),
                )
                .help
                .push("a reply's `channel` is a `$ref: '#/channels/<key>'`".into());
                Target::Unknown
            }
        }
    }

    /// Help for an operation id that AsyncAPI source `ai` does not define but one of
    /// its replies answers to: a reply whose channel (key or address) or messages are
    /// named like `id` (`confirmOrder`: channel `confirm-order`), else, for a `receive`
    /// step, the one reply the source describes. Adds to `d` the reply found, the forms
    /// that receive it and a label where it is declared; `false` when there is none.
    pub(super) fn reply_hint(
        &self,
        d: &mut Diagnostic,
        ai: usize,
        id: &str,
        s: &model::Step,
    ) -> bool {
        let Some((name, api)) = self.env().async_api(ai) else {
            return false;
        };
        let store = &self.sources.store;
        let norm = |x: &str| -> String {
            x.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let wanted = norm(id);
        let replies: Vec<(usize, usize)> = api
            .operations
            .iter()
            .enumerate()
            .filter_map(|(k, o)| Some((k, o.reply.as_ref()?.channel?)))
            .collect();
        let named_like = |&&(k, channel): &&(usize, usize)| {
            let ch = &api.channels[channel];
            let reply_messages = api.operations[k]
                .reply
                .as_ref()
                .map_or(&[][..], |r| r.messages.as_slice());
            let mut names = vec![ch.key.clone(), ch.address_or_key().to_owned()];
            for loc in reply_messages {
                if let Some(last) = loc.pointer.last() {
                    names.push(last.split('.').next().unwrap_or(last).to_owned());
                }
                if let Some(v) = store.async_message(loc) {
                    names.push(v.name(loc));
                }
            }
            names.iter().any(|n| norm(n) == wanted)
        };
        let receives = matches!(s.action, Some((MessageAction::Receive, _)));
        let found = match replies.iter().find(named_like) {
            Some(r) => Some((*r, true)),
            None if receives && replies.len() == 1 => Some((replies[0], false)),
            None => None,
        };
        let Some(((k, channel), by_name)) = found else {
            return false;
        };
        let op = &api.operations[k];
        let ch = &api.channels[channel];
        let file = api.file;
        // The label goes on the `reply` key of the operation.
        let reply_key = store
            .files
            .get(file)
            .and_then(|f| f.root.pointer(&["operations".to_owned(), op.id.clone()]))
            .and_then(|o| o.entries().iter().find(|(k, _)| k.text == "reply"))
            .map(|(k, _)| k.node());
        let reply_at = reply_key.and_then(|node| {
            self.env()
                .api_location(crate::openapi::At { file, node: &node })
        });
        d.help.push(if by_name {
            format!(
                "`{id}` is not an operation: it is the reply of `{}` (channel `{}`), which answers its message",
                op.id, ch.key
            )
        } else {
            format!(
                "the one reply `{name}` describes is that of `{}` (channel `{}`), which a `receive` step may mean",
                op.id, ch.key
            )
        });
        d.help.push(format!(
            "to receive the reply, write `operationPath: '{{$sourceDescriptions.{name}.url}}#/operations/{}/reply'` (or `channelPath: '{{$sourceDescriptions.{name}.url}}#/channels/{}'`)",
            crate::expr::escape_token(&op.id),
            crate::expr::escape_token(&ch.key)
        ));
        d.add_label(
            reply_at,
            format!("the reply of `{}` is declared here", op.id),
        );
        true
    }

    /// The source names an unknown `$sourceDescriptions.<name>.` prefix may have meant.
    pub(super) fn async_source_names(&self) -> impl Iterator<Item = &'a str> {
        let sources = self.sources;
        sources.asyncapis.iter().map(|(n, _)| n.as_str())
    }

    /// The operation ids of the AsyncAPI sources (all, or of source `only`).
    pub(super) fn async_operation_ids(&self, only: Option<&str>) -> Vec<&'a str> {
        let sources = self.sources;
        sources
            .asyncapis
            .iter()
            .filter(|(n, _)| only.is_none_or(|o| o == n))
            .filter_map(|(_, a)| a.as_ref())
            .flat_map(|a| a.operations.iter().map(|o| o.id.as_str()))
            .collect()
    }

    /// Resolves `channelPath: '{$sourceDescriptions.<name>.url}#/channels/<key>'`.
    pub(super) fn channel_path(&mut self, t: &Text) -> Target<'a> {
        let sources = self.sources;
        let value = t.value.as_str();
        let parsed = value
            .strip_prefix("{$sourceDescriptions.")
            .and_then(|rest| rest.split_once(".url}"));
        let Some((src, fragment)) = parsed else {
            self.err(Code::InvalidTarget,
                &t.node,
                format!("`channelPath` `{value}` must be `{{$sourceDescriptions.<name>.url}}#/channels/<channel>`"),
            );
            return Target::Unknown;
        };
        let Some(ai) = sources.asyncapis.iter().position(|(n, _)| n == src) else {
            let names: Vec<&str> = self.async_source_names().collect();
            self.err_span(
                Code::UnknownSource,
                &t.node,
                &(21..21 + src.len()),
                format!("`{src}` in `channelPath` is not an AsyncAPI source description"),
            )
            .candidates(
                "the document's AsyncAPI source descriptions (`type: asyncapi`)",
                names,
                src,
            );
            return Target::Unknown;
        };
        let Some((name, api)) = self.env().async_api(ai) else {
            return Target::Unknown; // failed to load: reported
        };
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let start = value.len() - fragment.len();
        match pointer_tokens(fragment).as_deref() {
            Some([channels, key]) if channels == "channels" => {
                match api.channels.iter().position(|c| c.key == *key) {
                    Some(channel) => Target::Msg {
                        api: ai,
                        op: None,
                        channel,
                        reply: false,
                    },
                    None => {
                        let at = start + "/channels/".len();
                        self.err_span(
                            Code::UnknownChannel,
                            &t.node,
                            &(at..value.len()),
                            format!("AsyncAPI source `{name}` has no channel `{key}`"),
                        )
                        .candidates(
                            "its channels",
                            api.channels.iter().map(|c| c.key.as_str()),
                            key,
                        );
                        Target::Unknown
                    }
                }
            }
            _ => {
                self.err_span(Code::InvalidTarget,
                    &t.node,
                    &(start..value.len()),
                    format!("`channelPath` must point at a channel: `#/channels/<channel>`, found `#{fragment}`"),
                );
                Target::Unknown
            }
        }
    }

    /// Checks `action` and `correlationId` against what the step runs.
    pub(super) fn check_message_fields(&mut self, s: &model::Step, target: Target<'a>) {
        let is_msg = matches!(target, Target::Msg { .. });
        if is_msg {
            if s.action.is_none() && s.node.get("action").is_none() {
                let hint = match target {
                    Target::Msg {
                        api,
                        op: Some(k),
                        reply: false,
                        ..
                    } => self
                        .env()
                        .async_api(api)
                        .and_then(|(_, a)| a.operations.get(k)?.action)
                        .map(|a| {
                            format!(
                                "its AsyncAPI operation has `action: {}`; add `action: {}` (or the other) to the step",
                                a.as_str(),
                                a.as_str()
                            )
                        }),
                    _ => None,
                };
                let mut d = self.err(
                    Code::InvalidMessageStep,
                    &s.id.node,
                    format!(
                        "step `{}` runs an AsyncAPI operation but has no `action`",
                        s.id.value
                    ),
                );
                d.help
                    .push("say whether the workflow sends or receives: `action: send` or `action: receive`".into());
                if let Some(h) = hint {
                    d.help.push(h);
                }
            }
            if let (Some((MessageAction::Send, _)), Some(c)) = (&s.action, &s.correlation_id) {
                self.err(Code::InvalidMessageStep, &c.node, format!("`correlationId` on step `{}`, which sends: it only selects the message a `receive` step waits for", s.id.value))
                    .help
                    .push("put the correlation id in the message instead (the header or payload field the AsyncAPI message's `correlationId` names)".into());
            }
            return;
        }
        if matches!(target, Target::Unknown) {
            return;
        }
        let runs = match target {
            Target::Workflow(_) => "runs a workflow",
            _ => "calls an HTTP operation",
        };
        if let Some((_, n)) = &s.action {
            self.err(Code::InvalidMessageStep,
                n,
                format!(
                    "`action` on step `{}`, which {runs}: only steps on AsyncAPI operations send or receive",
                    s.id.value
                ),
            )
            .help
            .push("remove `action`, or name an operation of an `asyncapi` source description".into());
        }
        if let Some(c) = &s.correlation_id {
            self.err(Code::InvalidMessageStep,
                &c.node,
                format!(
                    "`correlationId` on step `{}`, which {runs}: it applies to `receive` steps on AsyncAPI operations",
                    s.id.value
                ),
            );
        }
    }

    /// Lowers the body of an event-driven step.
    pub(super) fn message_step(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        s: &'a model::Step<'a>,
        target: Target<'a>,
        params: &[(model::Parameter<'a>, Option<&'a Node>)],
    ) -> ir::StepKind {
        let Target::Msg { api, channel, .. } = target else {
            return ir::StepKind::Unresolved;
        };
        let Some((source, a)) = self.env().async_api(api) else {
            return ir::StepKind::Unresolved;
        };
        let ch = &a.channels[channel];
        let operation = self.env().msg_target_name(target);
        let action = s
            .action
            .as_ref()
            .map_or(MessageAction::Send, |(act, _)| *act);
        if ch.address.as_deref().is_some_and(|x| x.contains('{')) {
            self.err(Code::Unsupported,
                &s.id.node,
                format!(
                    "channel `{}` of `{source}` has a parameterized address `{}`, which is not supported yet",
                    ch.key,
                    ch.address_or_key()
                ),
            )
            .help
            .push("give the channel a fixed `address`".into());
        }
        let messages = self.env().step_messages(target);
        // Headers: parameters `in: header`, checked against the headers schemas.
        let header_names: Option<Vec<String>> = {
            let mut names: Vec<String> = Vec::new();
            let mut any = false;
            for (_, m) in &messages {
                let Some(h) = m.headers else { continue };
                if let Some((r, _)) = self.resolver.resolve(Schema::Api(h)) {
                    if let Some(props) = r.node().get("properties") {
                        any = true;
                        for (k, _) in props.entries() {
                            if !names.contains(&k.text) {
                                names.push(k.text.clone());
                            }
                        }
                    }
                }
            }
            any.then_some(names)
        };
        let mut headers = Vec::new();
        for (p, override_value) in params {
            let value_node = override_value.as_ref().unwrap_or(&p.value);
            // A workflow-level parameter meant for the HTTP steps (path, query, cookie).
            let inherited = !s.parameters.iter().any(|q| match q {
                model::ParamOrRef::Param(q) => q.name.node.pos == p.name.node.pos,
                model::ParamOrRef::Ref { .. } => false,
            });
            match p.location {
                Some(ParamIn::Header) => {}
                Some(_) if inherited => continue,
                Some(other) => {
                    self.err(Code::InvalidParameter,
                        &p.name.node,
                        format!(
                            "parameter `{}` of step `{}` is `in: {}`, but a message has only headers",
                            p.name.value,
                            s.id.value,
                            other.as_str()
                        ),
                    )
                    .help
                    .push("use `in: header` for a message header; the payload goes in `requestBody`".into());
                    continue;
                }
                None => {
                    self.err(
                        Code::InvalidParameter,
                        &p.name.node,
                        format!(
                            "parameter `{}` of step `{}` has no `in`",
                            p.name.value, s.id.value
                        ),
                    )
                    .help
                    .push("a message header is `in: header`".into());
                    continue;
                }
            }
            if let Some(names) = &header_names {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&p.name.value)) {
                    let help = did_you_mean(&p.name.value, names.iter().map(String::as_str));
                    let mut d = self.err(
                        Code::UnknownParameter,
                        &p.name.node,
                        format!(
                            "the messages of `{operation}` document no header `{}`",
                            p.name.value
                        ),
                    );
                    d.help.push(format!(
                        "their headers: {}",
                        list_names(names.iter().map(String::as_str))
                    ));
                    if let Some(h) = help {
                        d.help.push(h);
                    }
                    d.suggest_name(&p.name.value, names.iter().map(String::as_str));
                }
            }
            let (value, _, _) = self.value_expr(st, ec, value_node);
            headers.push(ir::Param {
                name: p.name.value.clone(),
                location: ParamIn::Header,
                value,
                secret: false,
            });
        }
        if action == MessageAction::Receive && !headers.is_empty() {
            if let Some((p, _)) = params.first() {
                self.err(
                    Code::InvalidMessageStep,
                    &p.name.node,
                    format!("step `{}` receives: it sends no headers", s.id.value),
                )
                .help
                .push("to select the message, use `correlationId`".into());
            }
            headers.clear();
        }
        // The payload of a send step.
        let body = match (&s.request_body, action) {
            (Some(rb), MessageAction::Receive) => {
                self.err(
                    Code::RequestBodyPresence,
                    rb.node,
                    format!(
                        "step `{}` receives a message and cannot have a `requestBody`",
                        s.id.value
                    ),
                )
                .help
                .push("a `requestBody` is the payload of a `send` step".into());
                None
            }
            (Some(rb), MessageAction::Send) => self.message_body(st, ec, rb, a, &messages, s),
            (None, _) => None,
        };
        // The correlation id a receive step waits for.
        let correlation = match (&s.correlation_id, action) {
            (Some(c), MessageAction::Receive) => {
                let located: Vec<Result<CorrelationLoc, String>> = messages
                    .iter()
                    .filter_map(|(_, m)| self.sources.store.message_correlation(m))
                    .collect();
                let (value, _, _) = self.value_expr(st, ec, &c.node);
                match located.first() {
                    Some(Ok(loc)) => Some((loc.clone(), value)),
                    Some(Err(text)) => {
                        self.err(Code::Unsupported, &c.node, format!("the correlation id location `{text}` of the message of `{operation}` is not supported"))
                            .help
                            .push("supported: `$message.header#/<name>` and `$message.payload#/<pointer>`".into());
                        None
                    }
                    None => {
                        self.err(Code::InvalidMessageStep,
                            &c.node,
                            format!(
                                "step `{}` has a `correlationId`, but the messages of `{operation}` declare none",
                                s.id.value
                            ),
                        )
                        .help
                        .push("give the AsyncAPI message a `correlationId` with a `location` (`$message.header#/<name>` or `$message.payload#/<pointer>`)".into());
                        None
                    }
                }
            }
            _ => None,
        };
        ir::StepKind::Message {
            source: source.to_owned(),
            operation,
            action,
            channel: ch.address_or_key().to_owned(),
            headers,
            body,
            correlation,
        }
    }

    /// The payload of a send step, checked against the message payload schema.
    fn message_body(
        &mut self,
        st: &mut Wf<'a>,
        ec: &Ectx<'_>,
        rb: &model::RequestBody,
        api: &'a AsyncApi,
        messages: &[(&'a MsgLoc, MessageView<'a>)],
        s: &model::Step,
    ) -> Option<ir::Body> {
        let store = &self.sources.store;
        let first = messages.first();
        let content_type = match (&rb.content_type, first) {
            (Some(c), _) => c.value.clone(),
            (None, Some((_, m))) => store.message_content_type(api, m),
            (None, None) => "application/json".to_owned(),
        };
        let media = crate::openapi::media_essence(&content_type);
        let kind = if crate::openapi::is_json(&media) {
            BodyKind::Json
        } else if media.starts_with("text/") {
            BodyKind::Text
        } else {
            let node = rb.content_type.as_ref().map_or(rb.node, |t| &t.node);
            self.err(
                Code::UnsupportedContentType,
                node,
                format!("message content type `{content_type}` is not supported"),
            )
            .help
            .push("supported: application/json (and +json) and text/*".into());
            return None;
        };
        let absent = rb.node.null_at_start();
        let payload = rb.payload.unwrap_or(&absent);
        let (value, _, _) = self.value_expr(st, ec, payload);
        if kind == BodyKind::Text
            && !matches!(
                value,
                Val::Lit(Lit::Str(_)) | Val::Template(_) | Val::Expr(..)
            )
        {
            self.err(
                Code::ContentTypeMismatch,
                payload,
                format!("a `{content_type}` message must be a string payload"),
            );
        }
        let replacements = self.replacements(st, ec, rb);
        // Checked like an HTTP request body, against the (first) message's payload schema.
        if let (Some((_, m)), BodyKind::Json) = (first, kind) {
            if let Some(schema) = m.payload {
                let replaced: Vec<String> = rb
                    .replacements
                    .iter()
                    .map(|(t, _)| t.value.clone())
                    .collect();
                self.check_payload(payload, &value, Schema::Api(schema), "", &replaced, s);
            }
        }
        Some(ir::Body {
            content_type,
            kind,
            value,
            replacements,
            parts: Vec::new(),
        })
    }

    /// The type of a step output that reads the message (and its schema).
    pub(super) fn message_output_type(
        &mut self,
        st: &Wf<'a>,
        ec: &Ectx<'_>,
        src: &Source,
        hint: &str,
    ) -> (Ty, Option<Schema<'a>>) {
        let target = ec.step.and_then(|i| st.targets.get(i).copied());
        if !matches!(target, Some(Target::Msg { .. })) {
            return (Ty::Json, None);
        }
        let messages = self.env().step_messages(target.unwrap_or(Target::Unknown));
        match src {
            Source::Header(h) => {
                for (_, m) in &messages {
                    let Some(hs) = m.headers else { continue };
                    if let Walk::Found(_, optional) = types::walk(
                        &self.resolver,
                        Schema::Api(hs),
                        std::slice::from_ref(&h.text),
                    ) {
                        return (
                            if optional {
                                Ty::String.optional()
                            } else {
                                Ty::String
                            },
                            None,
                        );
                    }
                }
                (Ty::String, None)
            }
            Source::Body(ptr) => {
                let tokens = ptr.as_ref().map(|p| p.tokens.clone()).unwrap_or_default();
                for (_, m) in &messages {
                    let Some(schema) = m.payload else { continue };
                    if let Walk::Found(s, optional) =
                        types::walk(&self.resolver, Schema::Api(schema), &tokens)
                    {
                        let ty =
                            self.types
                                .ty_of(&self.resolver, s, hint, Scope::Workflow(st.index));
                        return (if optional { ty.optional() } else { ty }, Some(s));
                    }
                }
                (Ty::Json, None)
            }
            Source::Query(_) | Source::Path(_) => (Ty::Json, None),
        }
    }
}

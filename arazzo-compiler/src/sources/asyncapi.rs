//! The part of AsyncAPI 3.0 the compiler needs for event-driven steps, read
//! from the same positioned YAML tree and file [`Store`] as OpenAPI.
//!
//! Indexed: `channels` (key, `address`, messages), `operations` (key = the
//! operation id, `action`, `channel` `$ref`, `messages` `$ref`s, and the `reply`:
//! its channel, messages and address). Messages stay
//! YAML nodes: [`Store::async_message`] resolves one (following `$ref`s, also
//! into `components` and other files) into its payload schema, headers
//! schema, content type and correlation-id location. AsyncAPI 2.x is refused
//! with its version named.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::openapi::{pointer_tokens, At, Store};
use crate::yaml::{Node, Value};

pub use crate::model::MessageAction;

/// Where a message (or a `$ref` to one) is: a file of the store and a pointer in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgLoc {
    /// File index in the store.
    pub file: usize,
    /// Pointer tokens from the file root.
    pub pointer: Vec<String>,
}

/// A channel of an AsyncAPI description.
#[derive(Clone, Debug)]
pub struct Channel {
    /// Its key under `channels`.
    pub key: String,
    /// `address` (`None` when absent or null: the key is used).
    pub address: Option<String>,
    /// Its messages.
    pub messages: Vec<MsgLoc>,
}

impl Channel {
    /// The address messages are sent to: `address`, else the key.
    pub fn address_or_key(&self) -> &str {
        self.address.as_deref().unwrap_or(&self.key)
    }
}

/// An operation of an AsyncAPI description.
#[derive(Clone, Debug)]
pub struct AsyncOperation {
    /// Its key under `operations` (the operation id).
    pub id: String,
    /// `action`, when valid.
    pub action: Option<MessageAction>,
    /// Index of its channel in [`AsyncApi::channels`], when the `$ref` resolves.
    pub channel: Option<usize>,
    /// Its messages (`messages`, else all of the channel's).
    pub messages: Vec<MsgLoc>,
    /// Its `reply` (the answer the other party sends back), `$ref` followed.
    pub reply: Option<Reply>,
}

/// The `reply` of an AsyncAPI operation (Operation Reply Object): where the answer
/// to the operation's message comes, and which messages it may be.
#[derive(Clone, Debug)]
pub struct Reply {
    /// Index of its channel in [`AsyncApi::channels`], when `channel` is a `$ref` that
    /// resolves to one of them.
    pub channel: Option<usize>,
    /// Its messages (`messages`, else all of the channel's).
    pub messages: Vec<MsgLoc>,
    /// `address.location` (Operation Reply Address Object): a runtime expression that
    /// gives the reply's address at run time, such as `$message.header#/replyTo`.
    pub address_location: Option<String>,
}

/// An AsyncAPI 3 description as a source.
#[derive(Clone, Debug)]
pub struct AsyncApi {
    /// Entry file index.
    pub file: usize,
    /// `asyncapi` version.
    pub version: String,
    /// `defaultContentType`.
    pub default_content_type: Option<String>,
    /// Every channel.
    pub channels: Vec<Channel>,
    /// Every operation.
    pub operations: Vec<AsyncOperation>,
}

/// Where the correlation id of a message is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorrelationLoc {
    /// `$message.header#/<name>`.
    Header(String),
    /// `$message.payload#<pointer>` (RFC 6901, `""` for the whole payload).
    Payload(String),
}

/// A message resolved for checking.
#[derive(Clone, Copy, Debug)]
pub struct MessageView<'a> {
    /// The Message Object.
    pub node: At<'a>,
    /// The payload schema (a Multi Format Schema Object's `schema` when it is one).
    pub payload: Option<At<'a>>,
    /// The headers schema.
    pub headers: Option<At<'a>>,
}

impl MessageView<'_> {
    /// `name`, else `title`, else the last token of where it is.
    pub fn name(&self, loc: &MsgLoc) -> String {
        ["name", "title"]
            .iter()
            .find_map(|k| self.node.node.get(k).and_then(Node::as_str))
            .map(str::to_owned)
            .or_else(|| loc.pointer.last().cloned())
            .unwrap_or_default()
    }
}

impl Store {
    /// The `(file, pointer)` a `$ref` names, without loading anything (the file
    /// must be loaded already).
    pub fn ref_location(&self, from: usize, reference: &str) -> Option<(usize, Vec<String>)> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let tokens = pointer_tokens(fragment)?;
        if file_part.is_empty() {
            return Some((from, tokens));
        }
        let target = self.follow(from, &format!("{file_part}#"))?;
        Some((target.file, tokens))
    }

    /// Reads the AsyncAPI 3 description of entry file `file`.
    pub fn asyncapi(
        &self,
        file: usize,
        diags: &Diagnostics,
        blame: &dyn Fn(Code, String) -> Diagnostic,
    ) -> Option<AsyncApi> {
        let display = &self.files.get(file)?.file.display;
        let root = &self.files.get(file)?.root;
        let version = match root.get("asyncapi").map(|v| &v.value) {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Float(f)) => f.to_string(),
            _ => {
                diags.push(blame(
                    Code::NotADescription,
                    format!(
                        "`{display}` is not an AsyncAPI description (no `asyncapi` version field)"
                    ),
                ));
                return None;
            }
        };
        if !version.starts_with("3.") {
            diags.push(
                blame(Code::UnsupportedVersion, format!(
                    "AsyncAPI version `{version}` of `{display}` is not supported (3.x is)"
                ))
                .help("AsyncAPI 2 describes publish/subscribe from the server's side; convert it to AsyncAPI 3 (for example with the AsyncAPI CLI's `convert` command)"),
            );
            return None;
        }
        let message_list = |at: At<'_>, list: Option<&Node>, under: &[&str]| -> Vec<MsgLoc> {
            let Some(list) = list else { return Vec::new() };
            let mut out = Vec::new();
            let items: Vec<(Option<String>, &Node)> = match &list.value {
                Value::Map(entries) => entries
                    .iter()
                    .map(|(k, v)| (Some(k.text.clone()), v))
                    .collect(),
                Value::Seq(items) => items.iter().map(|v| (None, v)).collect(),
                _ => Vec::new(),
            };
            for (key, node) in items {
                match node.get("$ref").and_then(Node::as_str) {
                    Some(r) => {
                        if let Some((f, pointer)) = self.ref_location(at.file, r) {
                            out.push(MsgLoc { file: f, pointer });
                        }
                    }
                    None => {
                        if let Some(k) = key {
                            let mut pointer: Vec<String> =
                                under.iter().map(|s| (*s).to_owned()).collect();
                            pointer.push(k);
                            out.push(MsgLoc {
                                file: at.file,
                                pointer,
                            });
                        }
                    }
                }
            }
            out
        };
        let mut channels = Vec::new();
        for (key, node) in root.get("channels").map(Node::entries).unwrap_or(&[]) {
            if key.text.starts_with("x-") {
                continue;
            }
            let Some(at) = self.resolve(At { file, node }) else {
                continue;
            };
            let address = at
                .node
                .get("address")
                .and_then(Node::as_str)
                .map(str::to_owned);
            // Inline messages of a channel reached by `$ref` live where the ref points.
            let under: Vec<String> = if at.file == file && node.get("$ref").is_none() {
                vec!["channels".into(), key.text.clone(), "messages".into()]
            } else {
                match node
                    .get("$ref")
                    .and_then(Node::as_str)
                    .and_then(|r| self.ref_location(file, r))
                {
                    Some((_, mut p)) => {
                        p.push("messages".into());
                        p
                    }
                    None => Vec::new(),
                }
            };
            let under: Vec<&str> = under.iter().map(String::as_str).collect();
            let messages = message_list(at, at.node.get("messages"), &under);
            channels.push(Channel {
                key: key.text.clone(),
                address,
                messages,
            });
        }
        let mut operations = Vec::new();
        for (key, node) in root.get("operations").map(Node::entries).unwrap_or(&[]) {
            if key.text.starts_with("x-") {
                continue;
            }
            let Some(at) = self.resolve(At { file, node }) else {
                continue;
            };
            let action = match at.node.get("action").and_then(Node::as_str) {
                Some("send") => Some(MessageAction::Send),
                Some("receive") => Some(MessageAction::Receive),
                _ => None,
            };
            // `channel` and `messages` of an operation or of its reply.
            let channel_and_messages = |at: At<'_>| -> (Option<usize>, Vec<MsgLoc>) {
                let channel = at
                    .node
                    .get("channel")
                    .and_then(|c| c.get("$ref"))
                    .and_then(Node::as_str)
                    .and_then(|r| self.ref_location(at.file, r))
                    .and_then(|(f, p)| match p.as_slice() {
                        [c, k] if c == "channels" && f == file => {
                            channels.iter().position(|ch| ch.key == *k)
                        }
                        _ => None,
                    });
                let mut messages = message_list(at, at.node.get("messages"), &[]);
                if at.node.get("messages").is_none() {
                    if let Some(ch) = channel.and_then(|c| channels.get(c)) {
                        messages = ch.messages.clone();
                    }
                }
                (channel, messages)
            };
            let (channel, messages) = channel_and_messages(at);
            let reply = at
                .node
                .get("reply")
                .and_then(|node| {
                    self.resolve(At {
                        file: at.file,
                        node,
                    })
                })
                .map(|r| {
                    let (channel, messages) = channel_and_messages(r);
                    let address_location = r
                        .node
                        .get("address")
                        .and_then(|node| self.resolve(At { file: r.file, node }))
                        .and_then(|a| a.node.get("location"))
                        .and_then(Node::as_str)
                        .map(str::to_owned);
                    Reply {
                        channel,
                        messages,
                        address_location,
                    }
                });
            operations.push(AsyncOperation {
                id: key.text.clone(),
                action,
                channel,
                messages,
                reply,
            });
        }
        Some(AsyncApi {
            file,
            version,
            default_content_type: root
                .get("defaultContentType")
                .and_then(Node::as_str)
                .map(str::to_owned),
            channels,
            operations,
        })
    }

    /// The message at `loc`, `$ref`s followed.
    pub fn async_message<'a>(&'a self, loc: &MsgLoc) -> Option<MessageView<'a>> {
        let node = self.files.get(loc.file)?.root.pointer(&loc.pointer)?;
        let at = self.resolve(At {
            file: loc.file,
            node,
        })?;
        let file = at.file;
        let schema_of = |n: &'a Node| -> Option<At<'a>> {
            let s = self.resolve(At { file, node: n })?;
            // A Multi Format Schema Object: `schemaFormat` + `schema`.
            match (s.node.get("schemaFormat"), s.node.get("schema")) {
                (Some(_), Some(inner)) => Some(At {
                    file: s.file,
                    node: inner,
                }),
                _ => Some(s),
            }
        };
        Some(MessageView {
            node: at,
            payload: at.node.get("payload").and_then(schema_of),
            headers: at.node.get("headers").and_then(schema_of),
        })
    }

    /// The content type of a message: its `contentType`, else the
    /// description's `defaultContentType`, else `application/json`.
    pub fn message_content_type(&self, api: &AsyncApi, view: &MessageView<'_>) -> String {
        view.node
            .node
            .get("contentType")
            .and_then(Node::as_str)
            .map(str::to_owned)
            .or_else(|| api.default_content_type.clone())
            .unwrap_or_else(|| "application/json".to_owned())
    }

    /// Where the correlation id of a message is (its `correlationId`, `$ref`
    /// followed); `Err` with the location text when it is not a form this
    /// compiler reads.
    pub fn message_correlation(
        &self,
        view: &MessageView<'_>,
    ) -> Option<Result<CorrelationLoc, String>> {
        let c = view.node.node.get("correlationId")?;
        let c = self.resolve(At {
            file: view.node.file,
            node: c,
        })?;
        let location = c.node.get("location").and_then(Node::as_str)?;
        Some(parse_correlation_location(location).ok_or_else(|| location.to_owned()))
    }
}

/// Reads `$message.header#/name` or `$message.payload#/pointer`.
pub fn parse_correlation_location(location: &str) -> Option<CorrelationLoc> {
    let (root, fragment) = location.split_once('#').unwrap_or((location, ""));
    let tokens = pointer_tokens(fragment)?;
    match root {
        "$message.header" => match tokens.as_slice() {
            [name] if !name.is_empty() => Some(CorrelationLoc::Header(name.clone())),
            _ => None,
        },
        "$message.payload" => Some(CorrelationLoc::Payload(fragment.to_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_locations() {
        assert_eq!(
            parse_correlation_location("$message.header#/correlationId"),
            Some(CorrelationLoc::Header("correlationId".into()))
        );
        assert_eq!(
            parse_correlation_location("$message.payload#/meta/id"),
            Some(CorrelationLoc::Payload("/meta/id".into()))
        );
        assert_eq!(
            parse_correlation_location("$message.payload"),
            Some(CorrelationLoc::Payload(String::new()))
        );
        assert_eq!(parse_correlation_location("$message.header#/a/b"), None);
        assert_eq!(parse_correlation_location("$request.body#/a"), None);
    }
}

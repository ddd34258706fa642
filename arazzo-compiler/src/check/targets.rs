//! Step targets: `operationId`, `operationPath` and `workflowId`, resolved to an operation or a workflow.

use super::*;

impl<'a> Checker<'a> {
    pub(super) fn target(&mut self, s: &'a model::Step<'a>, w: usize) -> Target<'a> {
        match &s.target {
            None => Target::Unknown,
            Some(StepTarget::OperationId(t)) => self.operation_id(t, s),
            // Dialect: `operationPath: $sourceDescriptions.<name>.<operationId>`, the
            // operation reference `operationId` takes, read as that `operationId`.
            Some(StepTarget::OperationPath(t))
                if t.value.starts_with("$sourceDescriptions.") && !t.value.contains('#') =>
            {
                // Warned (with its fix) only when the operation is found: otherwise the
                // error says what is wrong, and the renaming would not be the fix.
                let errors = self.diags.error_count();
                self.reading = Some(format!(
                    "`operationPath: {}` is read as `operationId: {}`",
                    t.value, t.value
                ));
                let target = self.operation_id(t, s);
                self.reading = None;
                if self.diags.error_count() == errors {
                    self.operation_path_dialect(t, s);
                }
                target
            }
            Some(StepTarget::OperationPath(t)) => self.operation_path(t),
            Some(StepTarget::ChannelPath(t)) => self.channel_path(t),
            Some(StepTarget::WorkflowId(t)) => {
                if let Some(found) = self.other_document_workflow(&t.node, &t.value) {
                    return found.map_or(Target::Unknown, Target::Workflow);
                }
                match self.env().workflow_index(&t.value) {
                    Some(j) if j == w => {
                        self.err(
                            Code::DependencyCycle,
                            &t.node,
                            format!("step `{}` runs its own workflow `{}`", s.id.value, t.value),
                        );
                        Target::Unknown
                    }
                    Some(j) => Target::Workflow(WorkflowRef::Local(j)),
                    None => {
                        let ids: Vec<&str> =
                            self.doc.workflows.iter().map(|x| x.id.as_str()).collect();
                        self.err(
                            Code::UnknownWorkflow,
                            &t.node,
                            format!("unknown workflowId `{}` in step `{}`", t.value, s.id.value),
                        )
                        .candidates(
                            "the document declares",
                            ids.iter().copied(),
                            &t.value,
                        );
                        Target::Unknown
                    }
                }
            }
        }
    }

    /// The `dialect` warning for an operation reference written in `operationPath`, with
    /// the machine-applicable fix renaming the field to `operationId`.
    fn operation_path_dialect(&mut self, t: &Text, s: &model::Step) {
        let key = s
            .node
            .entries()
            .iter()
            .find(|(k, _)| k.text == "operationPath")
            .map(|(k, _)| model::location(&self.file, &k.node()));
        let mut d = self.warn(
            Code::Dialect,
            &t.node,
            format!(
                "`operationPath: {}` is read as `operationId: {}`",
                t.value, t.value
            ),
        );
        d.add_help(
            "`operationPath` takes a JSON pointer into a source description \
                 (`{$sourceDescriptions.<name>.url}#/...`); an operation named by its id is an \
                 `operationId`: rename the field to `operationId`",
        );
        if let Some(Some(key)) = key {
            d.suggest_at(
                &key,
                "operationPath",
                "operationId",
                Applicability::MachineApplicable,
            );
        }
    }

    /// Resolves an `operationId` (`<id>` or `$sourceDescriptions.<name>.<id>`).
    fn operation_id(&mut self, t: &Text, s: &model::Step) -> Target<'a> {
        let sources = self.sources;
        let (source, id) = match t.value.strip_prefix("$sourceDescriptions.") {
            Some(rest) => match rest.split_once('.') {
                Some((src, id)) => (Some(src), id),
                None => {
                    self.err(
                        Code::InvalidTarget,
                        &t.node,
                        format!(
                            "`{}` must be `$sourceDescriptions.<name>.<operationId>`",
                            t.value
                        ),
                    );
                    return Target::Unknown;
                }
            },
            None => (None, t.value.as_str()),
        };
        if let Some(target) = self.async_operation_target(source, id, t, s) {
            return target;
        }
        let mut found: Vec<(usize, &'a Operation)> = Vec::new();
        for (ai, (name, api)) in sources.apis.iter().enumerate() {
            if source.is_some_and(|s| s != name) {
                continue;
            }
            if let Some(api) = api {
                found.extend(api.operations_with_id(id).map(|op| (ai, op)));
            }
        }
        if let Some(src) = source {
            if !sources.apis.iter().any(|(n, _)| n == src) {
                let names: Vec<&str> = sources
                    .apis
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .chain(self.async_source_names())
                    .collect();
                self.err_span(
                    Code::UnknownSource,
                    &t.node,
                    &(20..20 + src.len()),
                    format!("unknown source description `{src}` in `{}`", t.value),
                )
                .candidates(
                    "the document's OpenAPI source descriptions",
                    names,
                    src,
                );
                return Target::Unknown;
            }
        }
        match found.len() {
            1 => Target::Op {
                api: found[0].0,
                op: found[0].1,
            },
            0 => {
                if sources.apis.iter().any(|(_, a)| a.is_none()) {
                    return Target::Unknown; // a source failed to load: already reported
                }
                let all: Vec<&str> = sources
                    .apis
                    .iter()
                    .filter(|(n, _)| source.is_none_or(|s| s == n))
                    .filter_map(|(_, a)| a.as_ref())
                    .flat_map(|a| {
                        a.operations
                            .iter()
                            .filter_map(|o| o.operation_id.as_deref())
                    })
                    .chain(self.async_operation_ids(source))
                    .collect();
                let mut d = self.err(
                    Code::UnknownOperation,
                    &t.node,
                    format!("unknown operationId `{id}` in step `{}`", s.id.value),
                );
                d.candidates(
                    if sources.asyncapis.is_empty() {
                        "the OpenAPI descriptions define"
                    } else {
                        "the OpenAPI and AsyncAPI descriptions define"
                    },
                    all.iter().copied(),
                    id,
                );
                if source.is_none() {
                    let _ =
                        (0..sources.asyncapis.len()).any(|ai| self.reply_hint(&mut d, ai, id, s));
                }
                Target::Unknown
            }
            _ => {
                let cands: Vec<String> = found
                    .iter()
                    .map(|(ai, _)| format!("$sourceDescriptions.{}.{id}", sources.apis[*ai].0))
                    .collect();
                self.err(
                    Code::AmbiguousOperation,
                    &t.node,
                    format!(
                        "operationId `{id}` is ambiguous: several source descriptions define it"
                    ),
                )
                .help
                .push(format!("name the source: {}", cands.join(" or ")));
                Target::Unknown
            }
        }
    }

    pub(super) fn operation_path(&mut self, t: &Text) -> Target<'a> {
        let sources = self.sources;
        let mut value = t.value.as_str();
        // Dialect: `someSource#/paths/...` names a declared source description directly.
        let canonical;
        if let Some((name, frag)) = value.split_once('#') {
            if !name.starts_with('{') && sources.apis.iter().any(|(n, _)| n == name) {
                canonical = format!("{{$sourceDescriptions.{name}.url}}#{frag}");
                self.warn(
                    Code::Dialect,
                    &t.node,
                    format!("`operationPath` `{value}` is read as `{canonical}`"),
                )
                .add_help(format!("an `operationPath` starts with the source description's url as a runtime expression: write `{canonical}`"))
                .suggest_scalar(value, &canonical, Applicability::MachineApplicable);
                value = canonical.as_str();
            }
        }
        const PREFIX: &str = "{$sourceDescriptions.";
        let Some(rest) = value.strip_prefix(PREFIX) else {
            self.err(Code::InvalidTarget, &t.node, format!("`operationPath` `{value}` must start with `{{$sourceDescriptions.<name>.url}}#`"))
                .help.push("for example `{$sourceDescriptions.api.url}#/paths/~1customers~1{id}/get`".into());
            return Target::Unknown;
        };
        let Some((name, after)) = rest.split_once(".url}") else {
            self.err(Code::InvalidTarget, &t.node, format!("`operationPath` `{value}` must start with `{{$sourceDescriptions.<name>.url}}#`"));
            return Target::Unknown;
        };
        let Some(ai) = sources.apis.iter().position(|(n, _)| n == name) else {
            if let Some(ai) = sources.asyncapis.iter().position(|(n, _)| n == name) {
                let frag = after.strip_prefix('#').unwrap_or(after);
                let start = value.len() - frag.len();
                return self.async_operation_path(ai, t, frag, start);
            }
            let names: Vec<&str> = sources
                .apis
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(self.async_source_names())
                .collect();
            self.err_span(
                Code::UnknownSource,
                &t.node,
                &(PREFIX.len()..PREFIX.len() + name.len()),
                format!("unknown source description `{name}` in `operationPath`"),
            )
            .candidates("the document's OpenAPI source descriptions", names, name);
            return Target::Unknown;
        };
        let Some(api) = &sources.apis[ai].1 else {
            return Target::Unknown;
        };
        let frag = after.strip_prefix('#').unwrap_or(after);
        let Some(tokens) = crate::openapi::pointer_tokens(frag) else {
            self.err(
                Code::InvalidTarget,
                &t.node,
                format!("`operationPath` `{value}` has a malformed JSON pointer"),
            )
            .help
            .push("escape `/` in the path as `~1`: `#/paths/~1customers~1{id}/get`".into());
            return Target::Unknown;
        };
        match tokens.as_slice() {
            [p, path, method] if p == "paths" => {
                match api
                    .operations
                    .iter()
                    .find(|o| o.path == *path && o.method.eq_ignore_ascii_case(method))
                {
                    Some(op) => Target::Op { api: ai, op },
                    None => {
                        let paths: Vec<String> = api
                            .operations
                            .iter()
                            .map(|o| format!("{} {}", o.method, o.path))
                            .collect();
                        let help = did_you_mean(
                            &format!("{} {}", method.to_ascii_uppercase(), path),
                            paths.iter().map(String::as_str),
                        );
                        let mut d = self.err(Code::UnknownOperation, &t.node, format!("`operationPath` does not resolve: no operation `{} {path}` in source `{name}`", method.to_ascii_uppercase()));
                        d.help.push(format!(
                            "operations: {}",
                            list_names(paths.iter().map(String::as_str))
                        ));
                        if let Some(h) = help {
                            d.help.push(h);
                        }
                        Target::Unknown
                    }
                }
            }
            [p, path] if p == "paths" => {
                let methods: Vec<String> = api
                    .operations
                    .iter()
                    .filter(|o| o.path == *path)
                    .map(|o| o.method.to_ascii_lowercase())
                    .collect();
                self.err(
                    Code::InvalidTarget,
                    &t.node,
                    format!("`operationPath` points at the path `{path}`, not at an operation"),
                )
                .help
                .push(format!(
                    "add the HTTP method: `{value}/{}`",
                    methods.first().map_or("get", String::as_str)
                ));
                Target::Unknown
            }
            _ => {
                self.err(
                    Code::InvalidTarget,
                    &t.node,
                    format!("`operationPath` `{value}` does not point at an operation"),
                )
                .help
                .push(
                    "it must look like `{$sourceDescriptions.api.url}#/paths/~1customers/get`"
                        .into(),
                );
                Target::Unknown
            }
        }
    }
}

/// Same parameter: same `in` and name (header names compare case-insensitively).
pub(super) fn same_param(q: &model::Parameter, p: &model::Parameter) -> bool {
    q.location == p.location
        && if p.location == Some(ParamIn::Header) {
            q.name.value.eq_ignore_ascii_case(&p.name.value)
        } else {
            q.name.value == p.name.value
        }
}

impl Checker<'_> {
    /// Resolves `$sourceDescriptions.<arazzo source>.<workflowId>` (a workflow of another
    /// Arazzo document) to its workflow index. `None` when `value` is not of that form;
    /// `Some(None)` when it names no such workflow (reported at `node`).
    pub(super) fn other_document_workflow(
        &mut self,
        node: &Node,
        value: &str,
    ) -> Option<Option<WorkflowRef>> {
        let rest = value.strip_prefix("$sourceDescriptions.")?;
        let (src, id) = rest.split_once('.').unwrap_or((rest, ""));
        let Some((_, exports)) = self.sources.arazzo.iter().find(|(n, _)| n == src) else {
            let names: Vec<&str> = self
                .sources
                .arazzo
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            self.err(
                Code::UnknownSource,
                node,
                format!("`{value}` names no Arazzo source description `{src}`"),
            )
            .candidates(
                "the document's Arazzo source descriptions (`type: arazzo`)",
                names.iter().copied(),
                src,
            );
            return Some(None);
        };
        let exports = exports.clone();
        Some(
            match self
                .sources
                .arazzo_workflows()
                .position(|(n, w)| n == src && w.id == id)
            {
                Some(k) => Some(WorkflowRef::External(k)),
                None => {
                    self.err(
                        Code::UnknownWorkflow,
                        node,
                        format!("Arazzo source `{src}` has no workflow `{id}`"),
                    )
                    .candidates(
                        "it declares",
                        exports.iter().map(|w| w.id.as_str()),
                        id,
                    );
                    None
                }
            },
        )
    }
}

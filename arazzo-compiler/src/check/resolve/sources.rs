//! `$sourceDescriptions.*`: the source descriptions of the document.

use super::super::*;
use super::Resolution;
use crate::expr::Name;

impl<'a> Checker<'a> {
    /// `$sourceDescriptions.<source>.<name>`: the url of a source description.
    pub(in crate::check) fn resolve_source_descriptions(
        &mut self,
        node: &Node,
        e: &Expr,
        source: &Name,
        name: &Name,
    ) -> Resolution<'a> {
        let text = e.text.clone();
        let Some(sd) = self
            .doc
            .sources
            .iter()
            .find(|s| s.name.value == source.text)
        else {
            let names: Vec<String> = self
                .doc
                .sources
                .iter()
                .map(|s| s.name.value.clone())
                .collect();
            let names_ref: Vec<&str> = names.iter().map(String::as_str).collect();
            self.unknown_name(
                Code::UnknownSource,
                node,
                &source.span,
                format!("unknown source description `{}` in `{text}`", source.text),
                "the document declares",
                &names_ref,
                &source.text,
            );
            return None;
        };
        // Arazzo 1.1 resolution order: an operationId (OpenAPI source) or a
        // workflowId (Arazzo source) first, then a field of the source description.
        let names_operation = self
            .sources
            .apis
            .iter()
            .find(|(n, _)| *n == source.text)
            .and_then(|(_, a)| a.as_ref())
            .is_some_and(|a| {
                a.operations
                    .iter()
                    .any(|o| o.operation_id.as_deref() == Some(name.text.as_str()))
            })
            || self
                .sources
                .arazzo
                .iter()
                .find(|(n, _)| *n == source.text)
                .is_some_and(|(_, ws)| ws.iter().any(|w| w.id == name.text));
        let v11 = self.doc.version >= model::Version::V1_1;
        let field = match name.text.as_str() {
            _ if names_operation => None,
            "url" => Some(sd.url.value.clone()),
            "name" if v11 => Some(sd.name.value.clone()),
            "type" if v11 => Some(
                match sd.kind {
                    Some(model::SourceType::Arazzo) => "arazzo",
                    Some(model::SourceType::AsyncApi) => "asyncapi",
                    Some(model::SourceType::OpenApi) | None => "openapi",
                }
                .to_owned(),
            ),
            _ => None,
        };
        if let Some(v) = field {
            Some((RtExpr::Const(Lit::Str(v)), Ty::String, None))
        } else if names_operation {
            self.err_span(Code::NoValue, node, &name.span, format!("`{text}` names an operation or workflow of `{}`, which is not a value", source.text))
                .help.push("an operationId or workflowId takes precedence over the source description's fields; operations are named in `operationId`, not in values".into());
            None
        } else if !v11 && (name.text == "type" || name.text == "name") {
            let declared = self.declared();
            let d = self.err_span(
                Code::Arazzo11Only,
                node,
                &name.span,
                format!("`{text}` is an Arazzo 1.1 expression"),
            );
            model::requires_1_1(d, &declared);
            None
        } else {
            self.err_span(
                Code::NoValue,
                node,
                &name.span,
                format!(
                    "`{text}` has no value here; only `$sourceDescriptions.{}.url` is a value",
                    source.text
                ),
            )
            .help
            .push("operations are named in `operationId`, not in values".into());
            None
        }
    }
}

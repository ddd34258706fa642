//! `$sourceDescriptions.*`: the source descriptions of the document.

use super::{Env, Resolution, Resolved};
use crate::diag::Code;
use crate::expr::{Expr, Name};
use crate::ir::{Lit, RtExpr};
use crate::model::{self, SourceType, Version};
use crate::types::Ty;
use crate::yaml::Node;

/// `$sourceDescriptions.<source>.<name>`: the url of a source description (and, in
/// Arazzo 1.1, its name and type).
pub(super) fn resolve<'a>(
    env: &Env<'_, 'a>,
    node: &Node,
    e: &Expr,
    source: &Name,
    name: &Name,
) -> Resolution<'a> {
    let text = &e.text;
    let Some(sd) = env.doc.sources.iter().find(|s| s.name.value == source.text) else {
        let names: Vec<&str> = env.doc.sources.iter().map(|s| s.name.as_str()).collect();
        let mut d = env.problem(
            Code::UnknownSource,
            node,
            &source.span,
            format!("unknown source description `{}` in `{text}`", source.text),
        );
        d.candidates("the document declares", names, &source.text);
        return Err(d.into());
    };
    // Arazzo 1.1 resolution order: an operationId (OpenAPI source) or a workflowId
    // (Arazzo source) first, then a field of the source description.
    let sources = env.sources;
    let names_operation = sources
        .apis
        .iter()
        .find(|(n, _)| *n == source.text)
        .and_then(|(_, a)| a.as_ref())
        .is_some_and(|a| {
            a.operations
                .iter()
                .any(|o| o.operation_id.as_deref() == Some(name.text.as_str()))
        })
        || sources
            .arazzo
            .iter()
            .find(|(n, _)| *n == source.text)
            .is_some_and(|(_, ws)| ws.iter().any(|w| w.id == name.text));
    let v11 = env.doc.version >= Version::V1_1;
    let field = match name.text.as_str() {
        _ if names_operation => None,
        "url" => Some(sd.url.value.clone()),
        "name" if v11 => Some(sd.name.value.clone()),
        "type" if v11 => Some(
            match sd.kind {
                Some(SourceType::Arazzo) => "arazzo",
                Some(SourceType::AsyncApi) => "asyncapi",
                Some(SourceType::OpenApi) | None => "openapi",
            }
            .to_owned(),
        ),
        _ => None,
    };
    if let Some(v) = field {
        let declared_at = env.source_location(&source.text);
        return Ok(Resolved::new(RtExpr::Const(Lit::Str(v)), Ty::String).declared(declared_at));
    }
    let d = if names_operation {
        let mut d = env.problem(
            Code::NoValue,
            node,
            &name.span,
            format!(
                "`{text}` names an operation or workflow of `{}`, which is not a value",
                source.text
            ),
        );
        d.add_help("an operationId or workflowId takes precedence over the source description's fields; operations are named in `operationId`, not in values");
        d
    } else if !v11 && (name.text == "type" || name.text == "name") {
        let mut d = env.problem(
            Code::Arazzo11Only,
            node,
            &name.span,
            format!("`{text}` is an Arazzo 1.1 expression"),
        );
        model::requires_1_1(&mut d, &env.declared());
        d
    } else {
        let mut d = env.problem(
            Code::NoValue,
            node,
            &name.span,
            format!(
                "`{text}` has no value here; only `$sourceDescriptions.{}.url` is a value",
                source.text
            ),
        );
        d.add_help("operations are named in `operationId`, not in values");
        d
    };
    Err(d.into())
}

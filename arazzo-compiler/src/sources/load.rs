//! Resolving source descriptions: each `sourceDescriptions` entry is mapped to a
//! local file (relative to the Arazzo document, or given by the caller for
//! remote urls), loaded, and indexed as an OpenAPI [`Api`].

use crate::diag::{Code, Diagnostic, Diagnostics, Location, SourceFile};
use crate::model::{self, Document, SourceType};
use crate::openapi::{Api, Store};
use crate::yaml::Node;
use std::path::{Path, PathBuf};

pub use crate::files::{confined, is_url_key, map_url, normalize, SourceMap, OUTSIDE_HELP};
use std::sync::Arc;

/// Every loaded source: the file store and one entry per OpenAPI source description.
#[derive(Debug, Default)]
pub struct Sources {
    /// All OpenAPI files read.
    pub store: Store,
    /// Source name → its API (`None` when it failed to load; the failure is reported).
    pub apis: Vec<(String, Option<Api>)>,
    /// Source name → its AsyncAPI description (`type: asyncapi`; `None` when it
    /// failed to load; the failure is reported).
    pub asyncapis: Vec<(String, Option<crate::asyncapi::AsyncApi>)>,
    /// Source name → the workflows of that Arazzo document (`type: arazzo`).
    pub arazzo: Vec<(String, Vec<ExportedWorkflow>)>,
}

/// A workflow of another Arazzo document, as this one sees it.
#[derive(Clone, Debug)]
pub struct ExportedWorkflow {
    /// `workflowId`.
    pub id: String,
    /// Its module: inside the source's module (`__src_other::pay`) once the including
    /// document has placed it, as the path from the invocation's module.
    pub module: String,
    /// (JSON name, Rust field, type) of its inputs; types are paths from the invocation's module.
    pub inputs: Vec<(String, String, crate::types::Ty)>,
    /// (JSON name, Rust field, type) of its outputs.
    pub outputs: Vec<(String, String, crate::types::Ty)>,
    /// JSON names of its inputs that are secrets (they flow into credentials).
    pub secret_inputs: Vec<String>,
}

impl Sources {
    /// Every workflow of every Arazzo source, with its source name, in a stable order.
    pub fn arazzo_workflows(&self) -> impl Iterator<Item = (&str, &ExportedWorkflow)> {
        self.arazzo
            .iter()
            .flat_map(|(n, ws)| ws.iter().map(move |w| (n.as_str(), w)))
    }
}

/// The local file of a source description: the caller's mapping, or the url relative to
/// the document. `Err` carries the diagnostic for an unmapped remote url.
pub fn source_path(
    sd: &crate::model::SourceDescription,
    doc_path: &Path,
    file: &Arc<SourceFile>,
    map: &SourceMap,
) -> Result<PathBuf, Box<Diagnostic>> {
    let name = sd.name.as_str();
    let url = sd.url.as_str();
    if let Some((_, p)) = map.overrides.iter().find(|(n, _)| n == name) {
        return Ok(p.clone());
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        if let Some(p) = map_url(&map.overrides, url) {
            return Ok(p);
        }
        let mut d = Diagnostic::at(Code::RemoteSource,
            model::location(file, &sd.url.node),
            format!("source description `{name}` is remote (`{url}`); remote descriptions are never fetched at build time"),
        )
        .help(format!(
            "save it in the crate and map it in the macro call: `arazzo_workflow!(\"{}\", sources({} = \"specs/{name}.yaml\"))`, or map its URL or a prefix of it: `sources(\"{}\" = \"vendor/\")`",
            file.display,
            macro_key(name),
            url.rfind('/').and_then(|i| url.get(..=i)).unwrap_or(url)
        ));
        let tried: Vec<&str> = map
            .overrides
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| is_url_key(k))
            .collect();
        if !tried.is_empty() {
            d = d.help(format!(
                "no URL mapping matched; the mappings tried: {}",
                tried.join(", ")
            ));
        }
        return Err(Box::new(d));
    }
    let dir = doc_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let rel = url.strip_prefix("file://").unwrap_or(url);
    let rel = rel.split('#').next().unwrap_or(rel);
    // A url is percent-encoded (`my%20api.yaml` names `my api.yaml`).
    let decoded = crate::files::percent_decode(rel);
    let blame = |code: Code, m: String| {
        Box::new(Diagnostic::at(code, model::location(file, &sd.url.node), m))
    };
    if decoded.chars().any(char::is_control) {
        return Err(blame(Code::ForbiddenPath, format!(
            "the url of source description `{name}` names a file with control characters (a line break?), which cannot be a source file"
        )));
    }
    let path = normalize(&dir.join(decoded));
    if !confined(&path, &map.allowed) {
        return Err(Box::new(
            Diagnostic::at(Code::ForbiddenPath,
                model::location(file, &sd.url.node),
                format!("the url of source description `{name}` (`{url}`) names a file outside the crate"),
            )
            .help(OUTSIDE_HELP),
        ));
    }
    Ok(path)
}

/// How a source name is written as a key of the macro's `sources(...)`: bare when it is a
/// Rust identifier, else a string literal (`"cafe-api"`).
pub fn macro_key(name: &str) -> String {
    let ident = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_";
    if ident {
        name.to_owned()
    } else {
        format!("\"{name}\"")
    }
}

/// Loads every source description of a document.
pub fn load_sources(
    doc: &Document,
    doc_path: &Path,
    file: &Arc<SourceFile>,
    map: &SourceMap,
    display: &dyn Fn(&Path) -> String,
    diags: &Diagnostics,
) -> Sources {
    let mut sources = Sources::default();
    sources.store.allowed = map.allowed.clone();
    sources.store.overlays = map.overlays.clone();
    let mut seen: Vec<&str> = Vec::new();
    for sd in &doc.sources {
        let name = sd.name.as_str();
        if seen.contains(&name) {
            diags.push(Diagnostic::at(
                Code::Duplicate,
                model::location(file, &sd.name.node),
                format!("duplicate source description name `{name}`"),
            ));
            continue;
        }
        seen.push(name);
        if sd.kind == Some(SourceType::Arazzo) {
            continue;
        }
        if sd.kind == Some(SourceType::AsyncApi) {
            let api = load_asyncapi(sd, doc_path, file, map, display, diags, &mut sources.store);
            sources.asyncapis.push((name.to_owned(), api));
            continue;
        }
        let path = match source_path(sd, doc_path, file, map) {
            Ok(p) => p,
            Err(d) => {
                diags.push(*d);
                sources.apis.push((name.to_owned(), None));
                continue;
            }
        };
        let blame_loc = model::location(file, &sd.url.node);
        let blame = |code: Code, m: String| Diagnostic::at(code, blame_loc.clone(), m);
        sources.store.set_url_map(&map.overrides);
        let Some(index) = sources.store.load(&path, display, diags, &blame) else {
            sources.apis.push((name.to_owned(), None));
            continue;
        };
        // Path items defined in other files, and security schemes, are needed to index
        // the API; everything else is loaded when a used operation reaches it.
        let root = sources.store.file(index).root.clone();
        if root.get("openapi").is_some() {
            for (p, item) in root.get("paths").map(Node::entries).unwrap_or(&[]) {
                if !p.text.starts_with("x-") && item.get("$ref").is_some() {
                    let _ = sources
                        .store
                        .path_item_location(index, &p.text, display, diags, &blame);
                }
            }
            let schemes = vec!["components".to_owned(), "securitySchemes".to_owned()];
            if root.pointer(&schemes).is_some() {
                sources
                    .store
                    .load_reached(vec![(index, schemes)], display, diags, &blame);
            }
        }
        // A source without `type` that turns out to be an Arazzo document is not an API.
        if sd.kind.is_none() && sources.store.file(index).root.get("arazzo").is_some() {
            continue;
        }
        let api = sources.store.api(index, diags, &blame);
        sources.apis.push((name.to_owned(), api));
    }
    sources
}

/// Loads an AsyncAPI source description and every file its channels,
/// operations and components reach through `$ref`s, and indexes it.
fn load_asyncapi(
    sd: &crate::model::SourceDescription,
    doc_path: &Path,
    file: &Arc<SourceFile>,
    map: &SourceMap,
    display: &dyn Fn(&Path) -> String,
    diags: &Diagnostics,
    store: &mut Store,
) -> Option<crate::asyncapi::AsyncApi> {
    let path = match source_path(sd, doc_path, file, map) {
        Ok(p) => p,
        Err(d) => {
            diags.push(*d);
            return None;
        }
    };
    let blame_loc = model::location(file, &sd.url.node);
    let blame = |code: Code, m: String| Diagnostic::at(code, blame_loc.clone(), m);
    store.set_url_map(&map.overrides);
    let index = store.load(&path, display, diags, &blame)?;
    let start = ["channels", "operations", "components"]
        .iter()
        .map(|k| (index, vec![(*k).to_owned()]))
        .collect();
    store.load_reached(start, display, diags, &blame);
    store.asyncapi(index, diags, &blame)
}

/// Loads the files that the `$ref`s of the operations the document's steps call reach
/// (request bodies, parameters, responses, schemas), and only those: a missing file
/// named by an unused component or an `x-` extension is not an error.
pub fn load_used(
    doc: &Document,
    sources: &mut Sources,
    file: &Arc<SourceFile>,
    display: &dyn Fn(&Path) -> String,
    diags: &Diagnostics,
) {
    let steps: Vec<&model::Step> = doc.workflows.iter().flat_map(|w| w.steps.iter()).collect();
    let by_path = steps
        .iter()
        .any(|s| matches!(s.target, Some(model::StepTarget::OperationPath(_))));
    for (name, api) in &sources.apis {
        let Some(api) = api else { continue };
        // Operation ids the steps name for this source: a set, so that thousands of
        // operations are not each compared with every step.
        let ids: std::collections::HashSet<&str> = steps
            .iter()
            .filter_map(|s| match &s.target {
                Some(model::StepTarget::OperationId(t)) => {
                    match t.value.strip_prefix("$sourceDescriptions.") {
                        Some(rest) => match rest.split_once('.') {
                            Some((src, id)) if src == name => Some(id),
                            _ => None,
                        },
                        None => Some(t.value.as_str()),
                    }
                }
                _ => None,
            })
            .collect();
        let used: Vec<&crate::openapi::Operation> = api
            .operations
            .iter()
            .filter(|op| {
                op.operation_id
                    .as_deref()
                    .is_some_and(|id| ids.contains(id))
                    || (by_path && steps.iter().any(|s| calls(s, name, op)))
            })
            .collect();
        if used.is_empty() {
            continue;
        }
        let blame_loc = doc
            .sources
            .iter()
            .find(|sd| sd.name.value == *name)
            .and_then(|sd| model::location(file, &sd.url.node));
        let blame = |code: Code, m: String| Diagnostic::at(code, blame_loc.clone(), m);
        let mut start = Vec::new();
        let store = &mut sources.store;
        for op in used {
            if let Some((f, mut tokens)) =
                store.path_item_location(api.file, &op.path, display, diags, &blame)
            {
                let mut params = tokens.clone();
                params.push("parameters".to_owned());
                start.push((f, params));
                tokens.push(op.method.to_ascii_lowercase());
                start.push((f, tokens));
            }
        }
        store.load_reached(start, display, diags, &blame);
    }
}

/// Whether step `s` may call operation `op` of source `source` (by `operationId`, with or
/// without the source prefix, or by `operationPath`).
fn calls(s: &model::Step, source: &str, op: &crate::openapi::Operation) -> bool {
    match &s.target {
        Some(model::StepTarget::OperationId(t)) => {
            let id = match t.value.strip_prefix("$sourceDescriptions.") {
                Some(rest) => match rest.split_once('.') {
                    Some((src, id)) if src == source => id,
                    _ => return false,
                },
                None => t.value.as_str(),
            };
            op.operation_id.as_deref() == Some(id)
        }
        Some(model::StepTarget::OperationPath(t)) => {
            let Some(rest) = t.value.strip_prefix("{$sourceDescriptions.") else {
                return false;
            };
            let Some((src, after)) = rest.split_once(".url}") else {
                return false;
            };
            if src != source {
                return false;
            }
            let fragment = after.strip_prefix('#').unwrap_or(after);
            match crate::openapi::pointer_tokens(fragment).as_deref() {
                Some([paths, path, method, ..]) if paths == "paths" => {
                    *path == op.path && method.eq_ignore_ascii_case(&op.method)
                }
                // Anything else: assume it may be any operation of the source.
                _ => true,
            }
        }
        _ => false,
    }
}

/// A location at the start of a file (for problems with the file as a whole).
pub fn file_start(file: &Arc<SourceFile>) -> Option<Location> {
    Some(Location::at_offset(
        file.clone(),
        crate::diag::Pos { line: 1, col: 1 },
        0,
    ))
}

//! Resolving source descriptions: each `sourceDescriptions` entry is mapped to a
//! local file (relative to the Arazzo document, or given by the caller for
//! remote urls), loaded, and indexed as an OpenAPI [`Api`].

use crate::diag::{Diagnostic, Diagnostics, Location, SourceFile};
use crate::model::{self, Document, SourceType};
use crate::openapi::{Api, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every loaded source: the file store and one entry per OpenAPI source description.
#[derive(Debug, Default)]
pub struct Sources {
    /// All OpenAPI files read.
    pub store: Store,
    /// Source name → its API (`None` when it failed to load; the failure is reported).
    pub apis: Vec<(String, Option<Api>)>,
}

/// Where to find source descriptions.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    /// Source name → local file (already absolute), overriding the document's url.
    pub overrides: Vec<(String, PathBuf)>,
}

/// Loads every source description of a document.
pub fn load_sources(
    doc: &Document,
    doc_path: &Path,
    file: &Arc<SourceFile>,
    map: &SourceMap,
    display: &dyn Fn(&Path) -> String,
    diags: &mut Diagnostics,
) -> Sources {
    let mut sources = Sources::default();
    let dir = doc_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut seen: Vec<&str> = Vec::new();
    for sd in &doc.sources {
        let name = sd.name.as_str();
        if seen.contains(&name) {
            diags.push(Diagnostic::at(
                model::location(file, &sd.name.node),
                format!("duplicate source description name `{name}`"),
            ));
            continue;
        }
        seen.push(name);
        if sd.kind == Some(SourceType::Arazzo) {
            continue;
        }
        let url = sd.url.as_str();
        let path = match map.overrides.iter().find(|(n, _)| n == name) {
            Some((_, p)) => p.clone(),
            None if url.starts_with("http://") || url.starts_with("https://") => {
                diags.push(
                    Diagnostic::at(
                        model::location(file, &sd.url.node),
                        format!("source description `{name}` is remote (`{url}`); remote descriptions are never fetched at build time"),
                    )
                    .help(format!(
                        "save it in the crate and map it in the macro call: `arazzo_workflow!(\"{}\", sources({name} = \"specs/openapi/{name}.yaml\"))`",
                        file.display
                    )),
                );
                sources.apis.push((name.to_owned(), None));
                continue;
            }
            None => {
                let rel = url.strip_prefix("file://").unwrap_or(url);
                let rel = rel.split('#').next().unwrap_or(rel);
                normalize(&dir.join(rel))
            }
        };
        let blame_loc = model::location(file, &sd.url.node);
        let blame = |m: String| Diagnostic::at(blame_loc.clone(), m);
        let Some(index) = sources.store.load(&path, display, diags, &blame) else {
            sources.apis.push((name.to_owned(), None));
            continue;
        };
        // A source without `type` that turns out to be an Arazzo document is not an API.
        if sd.kind.is_none() && sources.store.file(index).root.get("arazzo").is_some() {
            continue;
        }
        let api = sources.store.api(index, diags, &blame);
        sources.apis.push((name.to_owned(), api));
    }
    sources
}

/// A location at the start of a file (for problems with the file as a whole).
pub fn file_start(file: &Arc<SourceFile>) -> Option<Location> {
    Some(Location {
        file: file.clone(),
        pos: crate::diag::Pos { line: 1, col: 1 },
        len: 1,
    })
}

/// Removes `.` and `name/..` components without touching the filesystem (for messages).
pub fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

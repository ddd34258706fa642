//! Which files a compilation may read, and where a source's URL is read from: the
//! directories source urls and `$ref`s are confined to, the caller's mapping of names
//! and URLs to local files, and the path helpers both need. Shared by the loading of
//! sources ([`crate::resolve`]) and the `$ref` store ([`crate::openapi::Store`]).

use std::path::{Path, PathBuf};

/// Where to find source descriptions.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    /// Source name → local file (already absolute), overriding the document's url.
    /// A key with `://` is a URL: an exact URL maps that file, a URL ending in `/` is a
    /// prefix mapping every URL under it to the local path plus the rest of the URL.
    pub overrides: Vec<(String, PathBuf)>,
    /// The directories (canonical) source urls and `$ref`s may name files in, with their
    /// subdirectories ([`crate::allowed_dirs`]); empty: anywhere.
    pub allowed: Vec<PathBuf>,
    /// Editor buffers read instead of the files they name ([`Overlays`]).
    pub overlays: Overlays,
}

/// Whether `path` is in one of `allowed` or below (compared canonical, so that a symbolic
/// link does not lead out; a path that does not exist is compared normalized). Empty
/// `allowed`: anywhere.
pub fn confined(path: &Path, allowed: &[PathBuf]) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let canonical = path.canonicalize().unwrap_or_else(|_| normalize(path));
    allowed.iter().any(|dir| canonical.starts_with(dir))
}

/// The help of a diagnostic for a file outside [`SourceMap::allowed`].
pub const OUTSIDE_HELP: &str = "files are read from the document's crate (the nearest directory above it with a `Cargo.toml` or `.git`) and below, and next to files mapped with `sources(...)`; for a monorepo, widen it: `arazzo_workflow!(\"x.arazzo.yaml\", root = \"..\")`, `arazzo check --root ..`";

/// Whether a `sources(...)` key is a URL (exact or prefix) rather than a source name.
pub fn is_url_key(key: &str) -> bool {
    key.contains("://")
}

/// The local file a remote `url` maps to through the URL keys of `overrides`: an exact
/// key, else the longest prefix key (ending in `/`) followed by the rest of the URL.
pub fn map_url(overrides: &[(String, PathBuf)], url: &str) -> Option<PathBuf> {
    let url = url.split('#').next().unwrap_or(url);
    if let Some((_, p)) = overrides.iter().find(|(k, _)| is_url_key(k) && k == url) {
        return Some(p.clone());
    }
    let (key, path) = overrides
        .iter()
        .filter(|(k, _)| is_url_key(k) && k.ends_with('/') && url.starts_with(k.as_str()))
        .max_by_key(|(k, _)| k.len())?;
    let rest = url.get(key.len()..)?;
    let rest = rest.split(['?']).next().unwrap_or(rest);
    // No way out of the mapped directory.
    let rel = Path::new(rest);
    if rel
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    Some(path.join(percent_decode(rest)))
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

/// Decodes `%XX` escapes (a url path or pointer token); invalid UTF-8 leaves the text as is.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// Editor buffers that replace the contents of files on disk (the Arazzo document being
/// edited, or an OpenAPI/AsyncAPI description open in the editor), by absolute path.
pub type Overlays = std::collections::HashMap<PathBuf, std::sync::Arc<str>>;

//! The part of OpenAPI 3.0 / 3.1 / 3.2 the compiler needs, read from positioned YAML.
//!
//! Operations are indexed by `operationId` and by path + method; schemas stay
//! YAML nodes and are walked through [`Store::resolve`], which follows `$ref`
//! within a file and across files with a bound on the chain length (so `$ref`
//! cycles end). Swagger 2.0 is refused with its version named.

use crate::diag::{Code, Diagnostic, Diagnostics, Pos, SourceFile};
pub use crate::files::percent_decode;
use crate::model::ParamIn;
use crate::yaml::{self, Node, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Most `$ref` hops followed in one resolution.
pub const MAX_REF_HOPS: usize = 64;
/// Most files loaded through `$ref`s from one description.
pub const MAX_FILES: usize = 64;

/// One loaded OpenAPI file.
#[derive(Debug)]
pub struct OpenApiFile {
    /// Canonical path.
    pub path: PathBuf,
    /// Text and display name.
    pub file: Arc<SourceFile>,
    /// The YAML tree (shared with the parse cache).
    pub root: Arc<Node>,
}

/// What a cached parse was made from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stamp {
    /// A file on disk: its modification time and size.
    Disk(std::time::SystemTime, u64),
    /// An editor buffer ([`crate::files::Overlays`]): a hash of its text and its length.
    Text(u64, usize),
}

/// A parsed file, kept across invocations of the macro in one compiler process.
type Cached = (Stamp, Arc<SourceFile>, Arc<Node>);

/// Parsed OpenAPI files keyed by path, reused while their modification time and size match:
/// many invocations sharing an OpenAPI description parse it once per compiler process.
static PARSE_CACHE: std::sync::Mutex<Option<HashMap<PathBuf, Cached>>> =
    std::sync::Mutex::new(None);

/// Empties the parse cache (benchmarks measure cold compilations with it).
pub fn clear_parse_cache() {
    if let Ok(mut guard) = PARSE_CACHE.lock() {
        *guard = None;
    }
}

/// The text of a file (with the name diagnostics print) and its parse result.
type Parsed = (Arc<SourceFile>, Result<Arc<Node>, yaml::YamlError>);

/// Reads and parses a file, through [`PARSE_CACHE`]. The text is shared with the
/// cache, not copied, unless this compilation prints the file's name differently.
fn read_parsed(path: &Path, display: String, overlay: Option<&Arc<str>>) -> Result<Parsed, String> {
    let stamp = match overlay {
        Some(text) => {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            Stamp::Text(h.finish(), text.len())
        }
        None => {
            let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
            if meta.len() > crate::MAX_FILE_BYTES {
                return Err(format!(
                    "the file is {} bytes; the limit is {}",
                    meta.len(),
                    crate::MAX_FILE_BYTES
                ));
            }
            Stamp::Disk(meta.modified().map_err(|e| e.to_string())?, meta.len())
        }
    };
    if let Ok(guard) = PARSE_CACHE.lock() {
        if let Some((t, file, root)) = guard.as_ref().and_then(|m| m.get(path)) {
            if *t == stamp {
                let file = if file.display == display {
                    file.clone()
                } else {
                    Arc::new(SourceFile {
                        display,
                        text: file.text.clone(),
                    })
                };
                return Ok((file, Ok(root.clone())));
            }
        }
    }
    let text = match overlay {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(path).map_err(|e| e.to_string())?,
    };
    let file = Arc::new(SourceFile { display, text });
    match yaml::parse(&file.text, yaml::Limits::default()) {
        Ok(root) => {
            let root = Arc::new(root);
            if let Ok(mut guard) = PARSE_CACHE.lock() {
                guard
                    .get_or_insert_with(HashMap::new)
                    .insert(path.to_path_buf(), (stamp, file.clone(), root.clone()));
            }
            Ok((file, Ok(root)))
        }
        Err(e) => Ok((file, Err(e))),
    }
}

/// A node together with the file it belongs to (so its `$ref`s resolve correctly).
#[derive(Clone, Copy, Debug)]
pub struct At<'a> {
    /// Index of the file in the store.
    pub file: usize,
    /// The node.
    pub node: &'a Node,
}

/// `(file, fragment)` of a followed `$ref` → the entry index taken at each step
/// (`None` when the target does not exist).
type RefIndex = HashMap<(usize, String), Option<Vec<usize>>>;

/// Every OpenAPI file loaded for one compilation.
#[derive(Debug, Default)]
pub struct Store {
    /// Files, in load order.
    pub files: Vec<OpenApiFile>,
    by_path: HashMap<PathBuf, usize>,
    /// Files that could not be read or parsed (reported once).
    failed: std::collections::HashSet<PathBuf>,
    /// `(file, fragment)` of `$ref`s already followed → the entry index at each
    /// step: components are looked up once, not searched for at every use.
    ref_index: std::sync::Mutex<RefIndex>,
    /// Key → entry index of the large mappings looked up so far (`paths`,
    /// `components/schemas` of big descriptions), by the mapping node's address
    /// (the trees are immutable and outlive the store): a pointer into a mapping of
    /// thousands of entries is a hash lookup, not a scan.
    key_index: std::sync::Mutex<HashMap<usize, Arc<KeyIndex>>>,
    /// The directories (canonical) `$ref`s may name files in, with their subdirectories;
    /// empty: anywhere (see [`crate::files::SourceMap::allowed`]).
    pub allowed: Vec<PathBuf>,
    /// The URL keys of `sources(...)`: remote `$ref`s resolve through them.
    url_map: Vec<(String, PathBuf)>,
    /// Editor buffers read instead of the files they name (by canonical path).
    pub(crate) overlays: crate::files::Overlays,
}

/// Key → entry index of one mapping (the first entry with that key).
type KeyIndex = HashMap<Box<str>, usize>;

/// Mappings with fewer entries are scanned: building an index would cost more.
const INDEXED_ENTRIES: usize = 32;

/// A parameter an operation declares.
#[derive(Clone, Debug)]
pub struct OpParam {
    /// `name`.
    pub name: String,
    /// `in`.
    pub location: ParamIn,
    /// `required`.
    pub required: bool,
}

/// An operation of an OpenAPI description.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The file whose `paths` lists the operation (its path item may `$ref` another file).
    pub file: usize,
    /// `operationId`, when it has one.
    pub operation_id: Option<String>,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// Path-level and operation-level parameters merged (operation wins), read on
    /// first use through [`Store::parameters`]: a description of thousands of
    /// operations is indexed without reading the parameters of those no step calls.
    parameters: std::sync::OnceLock<Vec<OpParam>>,
    /// Index of its path item among the entries of `paths` (a direct lookup;
    /// descriptions with thousands of paths made the search show in profiles).
    pub path_entry: usize,
}

/// An OpenAPI description as a source: its entry file, servers, operations, security.
#[derive(Debug)]
pub struct Api {
    /// Entry file index.
    pub file: usize,
    /// `openapi` version.
    pub version: String,
    /// First server url, when given.
    pub server: Option<String>,
    /// Every operation.
    pub operations: Vec<Operation>,
    /// Header names that carry an API-key or HTTP-auth credential (lower-case).
    pub credential_headers: Vec<String>,
    /// Cookie names that carry an API key.
    pub credential_cookies: Vec<String>,
    /// Query names that carry an API key.
    pub credential_queries: Vec<String>,
    /// `components.securitySchemes`: name and kind (schemes of unknown types left out).
    pub schemes: Vec<(String, SchemeKind)>,
    /// The global `security`, when given.
    pub security: Option<Vec<Vec<SecurityReq>>>,
    /// Positions in `operations` by `operationId` (a step's target is a hash lookup,
    /// not a scan of thousands of operations).
    by_id: HashMap<String, Vec<usize>>,
}

impl Api {
    /// The operations whose `operationId` is `id` (more than one in an invalid description).
    pub fn operations_with_id<'s>(&'s self, id: &str) -> impl Iterator<Item = &'s Operation> {
        self.by_id
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|&k| self.operations.get(k))
    }
}

const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

impl Store {
    /// The index of the entry `key` of a mapping (a hash lookup for large mappings).
    fn entry_index(&self, map: &Node, key: &str) -> Option<usize> {
        let entries = map.entries();
        if entries.len() < INDEXED_ENTRIES {
            return entries.iter().position(|(k, _)| k.text == key);
        }
        let address = map as *const Node as usize;
        let index = match self.key_index.lock() {
            Ok(mut indexes) => indexes
                .entry(address)
                .or_insert_with(|| {
                    let mut index = KeyIndex::with_capacity(entries.len());
                    for (i, (k, _)) in entries.iter().enumerate() {
                        index.entry(k.text.as_str().into()).or_insert(i);
                    }
                    Arc::new(index)
                })
                .clone(),
            Err(_) => return entries.iter().position(|(k, _)| k.text == key),
        };
        index.get(key).copied()
    }

    /// Follows a pointer (unescaped tokens) from `node`, returning the index taken at
    /// each step; as [`Node::pointer_indices`], with large mappings looked up by hash.
    fn pointer_path(&self, node: &Node, tokens: &[String]) -> Option<Vec<usize>> {
        node.pointer_indices_by(tokens, |map, key| self.entry_index(map, key))
    }

    /// The node a pointer (unescaped tokens) reaches from `node`; as [`Node::pointer`],
    /// with large mappings looked up by hash.
    fn pointer_node<'n>(&self, node: &'n Node, tokens: &[String]) -> Option<&'n Node> {
        let path = self.pointer_path(node, tokens)?;
        node.at_indices(&path)
    }

    /// Loads one file (not the files its `$ref`s name: see [`Store::load_reached`]);
    /// returns its index.
    pub fn load(
        &mut self,
        path: &Path,
        display: &dyn Fn(&Path) -> String,
        diags: &Diagnostics,
        blame: &dyn Fn(Code, String) -> Diagnostic,
    ) -> Option<usize> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if let Some(&i) = self.by_path.get(&canonical) {
            return Some(i);
        }
        if self.files.len() >= MAX_FILES {
            diags.push(blame(
                Code::TooManyFiles,
                format!("too many OpenAPI files referenced (more than {MAX_FILES})"),
            ));
            return None;
        }
        let overlay = self
            .overlays
            .get(&canonical)
            .or_else(|| self.overlays.get(path));
        let (file, parsed) = match read_parsed(&canonical, display(&canonical), overlay) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    blame(
                        Code::CannotRead,
                        format!("cannot read OpenAPI description `{}`: {e}", display(path)),
                    )
                    .with_path(path),
                );
                return None;
            }
        };
        let root = match parsed {
            Ok(r) => r,
            Err(e) => {
                // A file that is not YAML is not a description: its lines are never
                // quoted (it could be anything the url or `$ref` names, credentials included).
                let unquoted = Arc::new(SourceFile {
                    display: file.display.clone(),
                    text: String::new(),
                });
                diags.push(Diagnostic::at(
                    Code::InvalidYaml,
                    Some(crate::diag::Location::at_offset(unquoted, e.pos, e.offset)),
                    format!("invalid YAML/JSON in OpenAPI description: {}", e.message),
                ));
                return None;
            }
        };
        let index = self.files.len();
        self.by_path.insert(canonical.clone(), index);
        self.files.push(OpenApiFile {
            path: canonical,
            file,
            root,
        });
        Some(index)
    }

    /// The file and pointer a `$ref` names, loading the file when first reached
    /// (a file that cannot be read is reported once, through `blame`).
    pub fn ref_target(
        &mut self,
        from: usize,
        reference: &str,
        display: &dyn Fn(&Path) -> String,
        diags: &Diagnostics,
        blame: &dyn Fn(Code, String) -> Diagnostic,
    ) -> Option<(usize, Vec<String>)> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let tokens = pointer_tokens(fragment)?;
        if file_part.is_empty() {
            return Some((from, tokens));
        }
        let p = self.ref_file(from, file_part)?;
        let decoded = percent_decode(file_part);
        let canonical = p.canonicalize().unwrap_or_else(|_| p.clone());
        if self.failed.contains(&canonical) {
            return None;
        }
        let refused = if decoded.chars().any(char::is_control) {
            Some(blame(Code::ForbiddenPath, format!(
                "`$ref: {}` names a file with control characters (a line break?), which cannot be a source file",
                reference.escape_debug()
            )))
        } else if !crate::files::confined(&p, &self.allowed) {
            Some(
                blame(
                    Code::ForbiddenPath,
                    format!(
                        "`$ref: {reference}` in `{}` names a file outside the crate",
                        self.files.get(from)?.file.display
                    ),
                )
                .help(crate::files::OUTSIDE_HELP),
            )
        } else {
            None
        };
        if let Some(d) = refused {
            diags.push(d);
            self.failed.insert(canonical);
            return None;
        }
        match self.load(&p, display, diags, blame) {
            Some(i) => Some((i, tokens)),
            None => {
                self.failed.insert(canonical);
                None
            }
        }
    }

    /// Where the path item `path` of the entry file `file` is, following (and loading)
    /// its `$ref` chain.
    pub fn path_item_location(
        &mut self,
        file: usize,
        path: &str,
        display: &dyn Fn(&Path) -> String,
        diags: &Diagnostics,
        blame: &dyn Fn(Code, String) -> Diagnostic,
    ) -> Option<(usize, Vec<String>)> {
        let mut at = (file, vec!["paths".to_owned(), path.to_owned()]);
        for _ in 0..MAX_REF_HOPS {
            let root = self.files.get(at.0)?.root.clone();
            let node = self.pointer_node(&root, &at.1)?;
            let Some(r) = node.get("$ref").and_then(Node::as_str) else {
                return Some(at);
            };
            at = self.ref_target(at.0, r, display, diags, blame)?;
        }
        None
    }

    /// Loads every file reached from the given places through `$ref`s, transitively:
    /// external files are read only when something walked refers to them.
    pub fn load_reached(
        &mut self,
        start: Vec<(usize, Vec<String>)>,
        display: &dyn Fn(&Path) -> String,
        diags: &Diagnostics,
        blame: &dyn Fn(Code, String) -> Diagnostic,
    ) {
        let mut seen: std::collections::HashSet<(usize, Vec<String>)> =
            std::collections::HashSet::new();
        let mut work = start;
        while let Some((file, tokens)) = work.pop() {
            if seen.len() > 100_000 || !seen.insert((file, tokens.clone())) {
                continue;
            }
            let Some(root) = self.files.get(file).map(|f| f.root.clone()) else {
                continue;
            };
            let Some(node) = self.pointer_node(&root, &tokens) else {
                continue;
            };
            let mut refs = Vec::new();
            collect_refs(node, &mut refs);
            for r in refs {
                if let Some(target) = self.ref_target(file, &r, display, diags, blame) {
                    work.push(target);
                }
            }
        }
    }

    /// The file at an index.
    pub fn file(&self, i: usize) -> &OpenApiFile {
        &self.files[i]
    }

    /// Follows `$ref` chains from a node. `None` when a reference does not resolve
    /// or the chain is longer than [`MAX_REF_HOPS`] (a cycle).
    pub fn resolve<'a>(&'a self, mut at: At<'a>) -> Option<At<'a>> {
        for _ in 0..MAX_REF_HOPS {
            let Some(r) = at.node.get("$ref").and_then(Node::as_str) else {
                return Some(at);
            };
            at = self.follow(at.file, r)?;
        }
        None
    }

    /// Keeps the URL keys of a `sources(...)` mapping, for remote `$ref`s.
    pub fn set_url_map(&mut self, overrides: &[(String, PathBuf)]) {
        self.url_map = overrides
            .iter()
            .filter(|(k, _)| crate::files::is_url_key(k))
            .cloned()
            .collect();
    }

    /// The local file a `$ref`'s file part names: a remote URL through the URL mapping
    /// (`None` when none matches), else a path relative to the file `from`.
    fn ref_file(&self, from: usize, file_part: &str) -> Option<PathBuf> {
        if file_part.starts_with("http://") || file_part.starts_with("https://") {
            return crate::files::map_url(&self.url_map, file_part);
        }
        let dir = self.files.get(from)?.path.parent()?.to_path_buf();
        Some(dir.join(percent_decode(file_part)))
    }

    /// Resolves one `$ref` string relative to a file.
    pub fn follow(&self, from: usize, reference: &str) -> Option<At<'_>> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if file_part.is_empty() {
            from
        } else {
            let p = self.ref_file(from, file_part)?;
            let canonical = p.canonicalize().unwrap_or(p);
            *self.by_path.get(&canonical)?
        };
        let root = &self.files.get(file)?.root;
        let key = (file, fragment.to_owned());
        let cached = self
            .ref_index
            .lock()
            .ok()
            .and_then(|index| index.get(&key).cloned());
        let path = match cached {
            Some(path) => path,
            None => {
                let path = pointer_tokens(fragment).and_then(|t| self.pointer_path(root, &t));
                if let Ok(mut index) = self.ref_index.lock() {
                    index.insert(key, path.clone());
                }
                path
            }
        };
        let node = root.at_indices(&path?)?;
        Some(At { file, node })
    }

    /// Reads the API of an entry file: version, servers, operations, security schemes.
    pub fn api(
        &self,
        file: usize,
        diags: &Diagnostics,
        blame: &dyn Fn(Code, String) -> Diagnostic,
    ) -> Option<Api> {
        let root = &self.files.get(file)?.root;
        if let Some(v) = root.get("swagger") {
            let version = match &v.value {
                Value::Str(s) => s.clone(),
                Value::Float(f) => f.to_string(),
                _ => "2.0".into(),
            };
            diags.push(blame(Code::UnsupportedVersion, format!(
                "`{}` is a Swagger {version} description; only OpenAPI 3.0, 3.1 and 3.2 are supported",
                self.files[file].file.display
            )).help("convert it to OpenAPI 3 (for example with swagger2openapi) and point the source description at the result"));
            return None;
        }
        let version = match root.get("openapi").map(|v| &v.value) {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Float(f)) => f.to_string(),
            _ => {
                diags.push(blame(
                    Code::NotADescription,
                    format!(
                        "`{}` is not an OpenAPI description (no `openapi` version field)",
                        self.files[file].file.display
                    ),
                ));
                return None;
            }
        };
        if !(version.starts_with("3.0") || version.starts_with("3.1") || version.starts_with("3.2"))
        {
            diags.push(blame(
                Code::UnsupportedVersion,
                format!(
                    "OpenAPI version `{version}` of `{}` is not supported (3.0, 3.1 and 3.2 are)",
                    self.files[file].file.display
                ),
            ));
            return None;
        }
        let server = root
            .get("servers")
            .and_then(|s| s.items().first())
            .and_then(|s| {
                let url = s.get("url")?.as_str()?.to_owned();
                // Substitute server variables with their defaults.
                let mut url = url;
                for (k, v) in s.get("variables").map(Node::entries).unwrap_or(&[]) {
                    if let Some(d) = v.get("default").and_then(Node::as_str) {
                        url = url.replace(&format!("{{{}}}", k.text), d);
                    }
                }
                Some(url)
            });
        let mut operations = Vec::new();
        if let Some(paths) = root.get("paths") {
            for (path_entry, (path, item)) in paths.entries().iter().enumerate() {
                if path.text.starts_with("x-") {
                    continue;
                }
                let Some(item_at) = self.resolve(At { file, node: item }) else {
                    continue;
                };
                for (method, op) in item_at.node.entries() {
                    let m = method.text.as_str();
                    if !METHODS.contains(&m) {
                        continue;
                    }
                    operations.push(Operation {
                        file,
                        operation_id: op
                            .get("operationId")
                            .and_then(Node::as_str)
                            .map(str::to_owned),
                        method: m.to_ascii_uppercase(),
                        path: path.text.clone(),
                        parameters: std::sync::OnceLock::new(),
                        path_entry,
                    });
                }
            }
        }
        let mut credential_headers = Vec::new();
        let mut credential_cookies = Vec::new();
        let mut credential_queries = Vec::new();
        let mut scheme_list = Vec::new();
        if let Some(schemes) = root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
        {
            for (scheme_name, scheme) in schemes.entries() {
                let Some(s) = self.resolve(At { file, node: scheme }) else {
                    continue;
                };
                if let Some(kind) = self.scheme_kind(s) {
                    scheme_list.push((scheme_name.text.clone(), kind));
                }
                match s.node.get("type").and_then(Node::as_str) {
                    Some("apiKey") => {
                        let name = s
                            .node
                            .get("name")
                            .and_then(Node::as_str)
                            .unwrap_or_default();
                        match s.node.get("in").and_then(Node::as_str) {
                            Some("header") => credential_headers.push(name.to_ascii_lowercase()),
                            Some("cookie") => credential_cookies.push(name.to_owned()),
                            Some("query") => credential_queries.push(name.to_owned()),
                            _ => {}
                        }
                    }
                    Some("http") | Some("oauth2") | Some("openIdConnect") => {
                        credential_headers.push("authorization".into());
                    }
                    _ => {}
                }
            }
        }
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, op) in operations.iter().enumerate() {
            if let Some(id) = &op.operation_id {
                by_id.entry(id.clone()).or_default().push(k);
            }
        }
        Some(Api {
            file,
            version,
            server,
            operations,
            by_id,
            credential_headers,
            credential_cookies,
            credential_queries,
            security: root
                .get("security")
                .map(|s| security_requirements(s, &scheme_list)),
            schemes: scheme_list,
        })
    }

    /// What a security scheme is, when its type is one OpenAPI defines.
    fn scheme_kind(&self, s: At<'_>) -> Option<SchemeKind> {
        use SchemeKind as K;
        let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_owned);
        Some(match s.node.get("type").and_then(Node::as_str)? {
            "apiKey" => K::ApiKey {
                location: match s.node.get("in").and_then(Node::as_str)? {
                    "header" => ParamIn::Header,
                    "query" => ParamIn::Query,
                    "cookie" => ParamIn::Cookie,
                    _ => return None,
                },
                name: text(s.node, "name")?,
            },
            "http" => match s.node.get("scheme").and_then(Node::as_str) {
                Some(b) if b.eq_ignore_ascii_case("basic") => K::Basic,
                _ => K::Bearer,
            },
            "oauth2" => {
                let flows = s.node.get("flows");
                let flow = |name: &str| flows.and_then(|f| f.get(name));
                let token = |name: &str| flow(name).and_then(|f| text(f, "tokenUrl"));
                K::OAuth2 {
                    client_credentials: token("clientCredentials"),
                    password: token("password"),
                    refresh_url: flows
                        .map(Node::entries)
                        .unwrap_or(&[])
                        .iter()
                        .find_map(|(_, f)| text(f, "refreshUrl")),
                    flows: flows
                        .map(Node::entries)
                        .unwrap_or(&[])
                        .iter()
                        .map(|(k, _)| k.text.clone())
                        .filter(|k| !k.starts_with("x-"))
                        .collect(),
                }
            }
            "openIdConnect" => K::OpenIdConnect,
            "mutualTLS" => K::MutualTls,
            _ => return None,
        })
    }

    /// The effective `security` of an operation: its own, else the global one.
    pub fn security(&self, api: &Api, op: &Operation) -> Vec<Vec<SecurityReq>> {
        let own = self
            .operation_node(op)
            .and_then(|at| at.node.get("security"))
            .map(|s| security_requirements(s, &api.schemes));
        own.or_else(|| api.security.clone()).unwrap_or_default()
    }

    fn params(&self, at: At<'_>) -> Vec<OpParam> {
        let mut out = Vec::new();
        for p in at.node.get("parameters").map(Node::items).unwrap_or(&[]) {
            let Some(p) = self.resolve(At {
                file: at.file,
                node: p,
            }) else {
                continue;
            };
            let name = p.node.get("name").and_then(Node::as_str);
            let location = match p.node.get("in").and_then(Node::as_str) {
                Some("path") => Some(ParamIn::Path),
                Some("query") => Some(ParamIn::Query),
                Some("querystring") => Some(ParamIn::QueryString),
                Some("header") => Some(ParamIn::Header),
                Some("cookie") => Some(ParamIn::Cookie),
                _ => None,
            };
            // OpenAPI: header parameters named `Accept`, `Content-Type` or `Authorization`
            // are ignored (the media types and security schemes describe them).
            let ignored = location == Some(ParamIn::Header)
                && name.is_some_and(|n| {
                    ["accept", "content-type", "authorization"]
                        .iter()
                        .any(|x| n.eq_ignore_ascii_case(x))
                });
            if ignored {
                continue;
            }
            if let (Some(name), Some(location)) = (name, location) {
                out.push(OpParam {
                    name: name.to_owned(),
                    location,
                    required: location == ParamIn::Path
                        || p.node
                            .get("required")
                            .and_then(Node::as_bool)
                            .unwrap_or(false),
                });
            }
        }
        out
    }

    /// The operation's path item (its `$ref` followed).
    fn path_item(&self, op: &Operation) -> Option<At<'_>> {
        let root = &self.files.get(op.file)?.root;
        let paths = root.get("paths")?;
        let item = match paths.entries().get(op.path_entry) {
            Some((key, item)) if key.text == op.path => item,
            _ => paths.get(&op.path)?,
        };
        self.resolve(At {
            file: op.file,
            node: item,
        })
    }

    /// The operation node in its (resolved) path item.
    fn operation_in<'s>(item: At<'s>, op: &Operation) -> Option<At<'s>> {
        Some(At {
            file: item.file,
            node: item.node.get(&op.method.to_ascii_lowercase())?,
        })
    }

    /// The operation node.
    pub fn operation_node(&self, op: &Operation) -> Option<At<'_>> {
        Self::operation_in(self.path_item(op)?, op)
    }

    /// The operation's parameters: those of its path item and its own merged (its
    /// own win), read once.
    pub fn parameters<'o>(&self, op: &'o Operation) -> &'o [OpParam] {
        op.parameters.get_or_init(|| {
            let Some(item) = self.path_item(op) else {
                return Vec::new();
            };
            let mut parameters = self.params(item);
            let own = Self::operation_in(item, op).map(|o| self.params(o));
            for p in own.unwrap_or_default() {
                parameters.retain(|q| !(q.name == p.name && q.location == p.location));
                parameters.push(p);
            }
            parameters
        })
    }

    /// The request body schema for a content type (or the first JSON one), and whether the body is required.
    pub fn request_schema(
        &self,
        op: &Operation,
        content_type: Option<&str>,
    ) -> Option<(String, Option<At<'_>>)> {
        let opn = self.operation_node(op)?;
        let rb = self.resolve(At {
            file: opn.file,
            node: opn.node.get("requestBody")?,
        })?;
        let (ct, media) = pick_content(rb.node.get("content")?, content_type)?;
        Some((
            ct,
            media.get("schema").map(|s| At {
                file: rb.file,
                node: s,
            }),
        ))
    }

    /// Every documented response of an operation: its status key as written (`200`,
    /// `2XX`, `default`) and the response, `$ref` followed; extensions (`x-`) are not
    /// responses.
    pub fn responses(&self, op: &Operation) -> Vec<(String, At<'_>)> {
        let Some(opn) = self.operation_node(op) else {
            return Vec::new();
        };
        let Some(responses) = opn.node.get("responses") else {
            return Vec::new();
        };
        responses
            .entries()
            .iter()
            .filter(|(k, _)| !k.text.starts_with("x-"))
            .filter_map(|(k, v)| {
                let at = self.resolve(At {
                    file: opn.file,
                    node: v,
                })?;
                Some((k.text.clone(), at))
            })
            .collect()
    }

    /// The success response of an operation: the first documented 2xx (or `2XX`, then `default`).
    pub fn success_response(&self, op: &Operation) -> Option<(String, At<'_>)> {
        let opn = self.operation_node(op)?;
        let responses = opn.node.get("responses")?;
        let mut codes: Vec<&str> = responses
            .entries()
            .iter()
            .map(|(k, _)| k.text.as_str())
            .collect();
        codes.sort();
        let code = codes
            .iter()
            .find(|c| c.len() == 3 && c.starts_with('2') && c.chars().all(|ch| ch.is_ascii_digit()))
            .or_else(|| codes.iter().find(|c| c.eq_ignore_ascii_case("2XX")))
            .or_else(|| codes.iter().find(|c| **c == "default"))?;
        let node = responses.get(code)?;
        let at = self.resolve(At {
            file: opn.file,
            node,
        })?;
        Some(((*code).to_owned(), at))
    }

    /// The JSON schema of a response (first JSON-like content).
    pub fn response_schema<'a>(&'a self, response: At<'a>) -> Option<At<'a>> {
        let (_, media) = pick_content(response.node.get("content")?, None)?;
        Some(At {
            file: response.file,
            node: media.get("schema")?,
        })
    }

    /// The media type a response is read as (the first JSON-like one, else the first
    /// documented) and its schema, if any. `None` when the response documents no content.
    pub fn response_media<'a>(&'a self, response: At<'a>) -> Option<(String, Option<At<'a>>)> {
        let (ct, media) = pick_content(response.node.get("content")?, None)?;
        Some((
            ct,
            media.get("schema").map(|s| At {
                file: response.file,
                node: s,
            }),
        ))
    }

    /// The `contentType` that the `encoding` of an operation's `content_type` request
    /// body sets for the property `part` (multipart bodies), when it sets one.
    pub fn part_content_type(
        &self,
        op: &Operation,
        content_type: &str,
        part: &str,
    ) -> Option<String> {
        let opn = self.operation_node(op)?;
        let rb = self.resolve(At {
            file: opn.file,
            node: opn.node.get("requestBody")?,
        })?;
        let (_, media) = pick_content(rb.node.get("content")?, Some(content_type))?;
        media
            .get("encoding")?
            .get(part)?
            .get("contentType")?
            .as_str()
            .map(str::to_owned)
    }

    /// Headers a response documents (as spelled there), `None` when it documents none.
    pub fn response_headers(&self, response: At<'_>) -> Option<Vec<String>> {
        let h = response.node.get("headers")?;
        Some(h.entries().iter().map(|(k, _)| k.text.clone()).collect())
    }
}

/// Picks the media type: the one asked for, else the first JSON-like one, else the first.
/// The one asked for matches by type/subtype, ignoring parameters (`; charset=utf-8`) on
/// either side (an exact match first), then a `type/*` range, then `*/*`.
/// A `security` list: alternatives of scheme names with scopes. Schemes that are
/// not declared (or of a type OpenAPI does not define) are left out.
fn security_requirements(node: &Node, schemes: &[(String, SchemeKind)]) -> Vec<Vec<SecurityReq>> {
    node.items()
        .iter()
        .map(|alternative| {
            alternative
                .entries()
                .iter()
                .filter_map(|(name, scopes)| {
                    let (_, kind) = schemes.iter().find(|(n, _)| *n == name.text)?;
                    Some(SecurityReq {
                        scheme: name.text.clone(),
                        kind: kind.clone(),
                        scopes: scopes
                            .items()
                            .iter()
                            .filter_map(Node::as_str)
                            .map(str::to_owned)
                            .collect(),
                    })
                })
                .collect()
        })
        .collect()
}

fn pick_content<'a>(content: &'a Node, wanted: Option<&str>) -> Option<(String, &'a Node)> {
    let entries = content.entries();
    if let Some(w) = wanted {
        let exact = normalize_media(w);
        let essence = media_essence(w);
        let range = format!("{}/*", essence.split('/').next().unwrap_or(""));
        return entries
            .iter()
            .find(|(k, _)| normalize_media(&k.text) == exact)
            .or_else(|| {
                entries
                    .iter()
                    .find(|(k, _)| media_essence(&k.text) == essence)
            })
            .or_else(|| {
                entries
                    .iter()
                    .find(|(k, _)| media_essence(&k.text) == range)
            })
            .or_else(|| entries.iter().find(|(k, _)| k.text == "*/*"))
            .map(|(k, v)| (k.text.clone(), v));
    }
    entries
        .iter()
        .find(|(k, _)| is_json(&k.text))
        .or_else(|| entries.first())
        .map(|(k, v)| (k.text.clone(), v))
}

/// The type/subtype of a media type, lower-case, without parameters.
pub fn media_essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

/// A media type with its parameters, lower-case, without spaces (for exact comparison).
fn normalize_media(media: &str) -> String {
    media
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// How a body of a media type is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// JSON (`application/json`, `+json`, and the ranges `*/*`, `application/*`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Text: `text/*`, `application/xml` and `+xml`.
    Text,
    /// Another `multipart/*` type (not supported).
    OtherMultipart,
    /// Anything else is bytes: `application/octet-stream`, `image/*`, `application/pdf`...
    Binary,
}

/// The [`MediaKind`] of a media type (parameters ignored).
pub fn media_kind(media: &str) -> MediaKind {
    let m = media_essence(media);
    if is_json(&m) {
        MediaKind::Json
    } else if m == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if m == "multipart/form-data" {
        MediaKind::Multipart
    } else if m.starts_with("multipart/") {
        MediaKind::OtherMultipart
    } else if m.starts_with("text/") || m == "application/xml" || m.ends_with("+xml") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// True for `application/json`, `application/*+json` and similar.
pub fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
}

/// Splits a `#` fragment into unescaped pointer tokens (`None` when malformed).
pub fn pointer_tokens(fragment: &str) -> Option<Vec<String>> {
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let rest = fragment.strip_prefix('/')?;
    rest.split('/')
        .map(|t| {
            let t = percent_decode(t);
            let mut out = String::new();
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return None,
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        })
        .collect()
}

/// Maps whose keys are names (a property `x-id`, a header `X-Rate-Limit`), not fields:
/// an `x-` key there is not a specification extension.
const NAMED_MAPS: [&str; 18] = [
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
    "headers",
    "schemas",
    "parameters",
    "examples",
    "requestBodies",
    "responses",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "encoding",
    "variables",
    "mapping",
];

/// Every `$ref` string under a node (within and across files), except inside `x-`
/// specification extensions (which the compiler never reads).
fn collect_refs(node: &Node, out: &mut Vec<String>) {
    let mut stack: Vec<(&Node, bool)> = vec![(node, false)];
    while let Some((n, named)) = stack.pop() {
        match &n.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if k.text == "$ref" {
                        if let Some(r) = v.as_str() {
                            if !out.iter().any(|o| o == r) {
                                out.push(r.to_owned());
                            }
                        }
                    } else if named || !k.text.starts_with("x-") {
                        stack.push((v, !named && NAMED_MAPS.contains(&k.text.as_str())));
                    }
                }
            }
            Value::Seq(items) => stack.extend(items.iter().map(|i| (i, false))),
            _ => {}
        }
    }
}

/// A position in an OpenAPI file, for messages that point there.
pub fn pos_of(at: At<'_>) -> Pos {
    at.node.pos
}

/// One scheme of a security requirement, with the scopes the operation asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityReq {
    /// The scheme's name in `components.securitySchemes`.
    pub scheme: String,
    /// What the scheme is.
    pub kind: SchemeKind,
    /// Scopes (OAuth2) or roles.
    pub scopes: Vec<String>,
}

/// The type of a security scheme (OpenAPI `securitySchemes`).
#[derive(Clone, Debug, PartialEq)]
pub enum SchemeKind {
    /// `apiKey`: a key in a header, query parameter or cookie.
    ApiKey {
        /// Where (`header`, `query` or `cookie`).
        location: ParamIn,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// `http` `basic`.
    Basic,
    /// `http` `bearer` (or another `http` scheme: a token in `Authorization`).
    Bearer,
    /// `oauth2`.
    OAuth2 {
        /// `clientCredentials.tokenUrl`.
        client_credentials: Option<String>,
        /// `password.tokenUrl`.
        password: Option<String>,
        /// The first `refreshUrl`.
        refresh_url: Option<String>,
        /// The flows declared (`clientCredentials`, `authorizationCode`, ...).
        flows: Vec<String>,
    },
    /// `openIdConnect`.
    OpenIdConnect,
    /// `mutualTLS`.
    MutualTls,
}

impl SchemeKind {
    /// How the scheme is described to a user (`apiKey in header X-API-KEY`, `oauth2 (clientCredentials)`).
    pub fn describe(&self) -> String {
        match self {
            SchemeKind::ApiKey { location, name } => {
                format!("apiKey in {} `{name}`", location.as_str())
            }
            SchemeKind::Basic => "http basic".into(),
            SchemeKind::Bearer => "http bearer".into(),
            SchemeKind::OAuth2 { flows, .. } => format!("oauth2 ({})", flows.join(", ")),
            SchemeKind::OpenIdConnect => "openIdConnect".into(),
            SchemeKind::MutualTls => "mutualTLS".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_unescape() {
        assert_eq!(
            pointer_tokens("/paths/~1customers~1{id}/get"),
            Some(vec!["paths".into(), "/customers/{id}".into(), "get".into()])
        );
        assert_eq!(pointer_tokens("/a~2"), None);
        assert_eq!(pointer_tokens("nope"), None);
        assert_eq!(pointer_tokens("/a%20b"), Some(vec!["a b".into()]));
    }

    #[test]
    fn refs_inside_extensions_are_not_collected() {
        let n = content(
            "x-samples: {$ref: a.yaml}\nproperties:\n  x-id: {$ref: b.yaml}\n  p: {x-doc: {$ref: c.yaml}}\nheaders:\n  X-Rate: {$ref: d.yaml}\n",
        );
        let mut refs = Vec::new();
        collect_refs(&n, &mut refs);
        refs.sort();
        assert_eq!(refs, ["b.yaml", "d.yaml"]);
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
    }

    fn content(yaml: &str) -> Node {
        crate::yaml::parse(yaml, crate::yaml::Limits::default()).unwrap()
    }

    #[test]
    fn media_types_match_by_essence_in_both_directions() {
        let declared_with_charset =
            content("application/json; charset=utf-8: {}\ntext/plain: {}\n");
        let picked = pick_content(&declared_with_charset, Some("application/json")).unwrap();
        assert_eq!(picked.0, "application/json; charset=utf-8");
        let declared_plain = content("text/plain: {}\napplication/json: {}\n");
        let picked =
            pick_content(&declared_plain, Some("Application/JSON; charset=UTF-8")).unwrap();
        assert_eq!(picked.0, "application/json");
        // An exact match (parameters included) wins over the first with the same essence.
        let both =
            content("application/json; charset=latin1: {}\napplication/json; charset=utf-8: {}\n");
        let picked = pick_content(&both, Some("application/json;charset=UTF-8")).unwrap();
        assert_eq!(picked.0, "application/json; charset=utf-8");
        // A range.
        let range = content("text/*: {}\n");
        assert_eq!(pick_content(&range, Some("text/csv")).unwrap().0, "text/*");
        assert!(pick_content(&declared_plain, Some("application/xml")).is_none());
    }
}

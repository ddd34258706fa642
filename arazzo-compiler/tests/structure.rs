//! The shape of the compiler's source: no function longer than [`MAX_LINES`] lines, and
//! no cycle between its modules. Read with `syn` from `src/`, as written.

use proc_macro2::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// The most lines a function (its signature to its closing brace) may have.
const MAX_LINES: usize = 200;

/// Functions allowed over the limit, as `file: function` (none: every function of the
/// crate is at most 200 lines). An entry that is no longer over the limit fails the test,
/// so that the list can only shrink.
const ALLOWED_LONG: &[&str] = &[];

/// Every `.rs` file below `src/`, with its path relative to `src/` (`/` separated).
fn sources() -> Vec<(String, syn::File)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.map(|e| e.path()).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let rel = path
                .strip_prefix(&src)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (rel, file)
        })
        .collect()
}

/// Collects the functions (free, methods, nested) of a file with their length in lines.
#[derive(Default)]
struct Functions {
    /// Names of the enclosing impl type and functions.
    scope: Vec<String>,
    /// (qualified name, lines).
    found: Vec<(String, usize)>,
}

impl Functions {
    /// Records a function whose body ends at `end` (none: a trait method without a
    /// body), then the functions nested in it (`visit`).
    fn function(&mut self, sig: &syn::Signature, end: Option<Span>, visit: impl FnOnce(&mut Self)) {
        let name = sig.ident.to_string();
        if let Some(end) = end {
            let lines = end.end().line + 1 - sig.fn_token.span.start().line;
            let mut qualified = self.scope.clone();
            qualified.push(name.clone());
            self.found.push((qualified.join("::"), lines));
        }
        self.scope.push(name);
        visit(self);
        self.scope.pop();
    }
}

impl<'ast> Visit<'ast> for Functions {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let name = match &*i.self_ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .last()
                .map_or_else(|| "_".to_owned(), |s| s.ident.to_string()),
            _ => "_".to_owned(),
        };
        self.scope.push(name);
        syn::visit::visit_item_impl(self, i);
        self.scope.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let end = f.block.brace_token.span.close();
        self.function(&f.sig, Some(end), |v| syn::visit::visit_item_fn(v, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let end = f.block.brace_token.span.close();
        self.function(&f.sig, Some(end), |v| syn::visit::visit_impl_item_fn(v, f));
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        let end = f.default.as_ref().map(|b| b.brace_token.span.close());
        self.function(&f.sig, end, |v| syn::visit::visit_trait_item_fn(v, f));
    }
}

/// Every function of `src/` as `file: name` with its length in lines.
fn function_lengths() -> Vec<(String, usize)> {
    let mut all = Vec::new();
    for (rel, file) in sources() {
        let mut v = Functions::default();
        v.visit_file(&file);
        all.extend(v.found.into_iter().map(|(f, n)| (format!("{rel}: {f}"), n)));
    }
    all
}

#[test]
fn no_function_is_longer_than_200_lines() {
    let all = function_lengths();
    assert!(all.len() > 100, "too few functions found: {}", all.len());
    let mut too_long: Vec<String> = all
        .iter()
        .filter(|(name, n)| *n > MAX_LINES && !ALLOWED_LONG.contains(&name.as_str()))
        .map(|(name, n)| format!("{name} ({n} lines)"))
        .collect();
    too_long.sort();
    assert!(
        too_long.is_empty(),
        "functions longer than {MAX_LINES} lines (split them by responsibility into named helpers):\n{}",
        too_long.join("\n")
    );
    let stale: Vec<&&str> = ALLOWED_LONG
        .iter()
        .filter(|a| !all.iter().any(|(name, n)| name == **a && *n > MAX_LINES))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed long functions that are no longer over {MAX_LINES} lines (or no longer exist): remove them from ALLOWED_LONG: {stale:?}"
    );
}

/// The module path of a file: `lib.rs` is the root (empty), `a.rs` and `a/mod.rs` are
/// `a`, `a/b.rs` is `a::b`.
fn module_of(rel: &str) -> Vec<String> {
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Collects the paths into the crate a module names (outside its tests): `crate::`,
/// `super::`, `self::` and, as `use` allows, the name of a child module.
struct Paths<'m> {
    /// The crate's modules.
    modules: &'m BTreeSet<Vec<String>>,
    /// The module of the file, then the inline modules entered.
    module: Vec<String>,
    /// Absolute paths (segments after `crate`).
    found: Vec<Vec<String>>,
    /// Modules re-exported under a name (`pub use front::yaml;`, `pub use x as y;`):
    /// (the name, the module).
    aliases: Vec<(String, Vec<String>)>,
}

impl Paths<'_> {
    /// Records the absolute form of `segments`; whether it is a path into the crate.
    fn absolute(&mut self, segments: Vec<String>) -> bool {
        let mut it = segments.into_iter().peekable();
        let mut base = match it.peek().map(String::as_str) {
            Some("crate") => {
                it.next();
                Vec::new()
            }
            Some("super") => self.module.clone(),
            Some("self") => {
                it.next();
                self.module.clone()
            }
            Some(child) => {
                let mut full = self.module.clone();
                full.push(child.to_owned());
                if !self.modules.contains(&full) {
                    return false;
                }
                self.module.clone()
            }
            None => return false,
        };
        while it.peek().is_some_and(|s| s == "super") {
            it.next();
            base.pop();
        }
        base.extend(it);
        self.found.push(base);
        true
    }

    /// Records `name` as an alias of the path just recorded when that is a module.
    fn alias(&mut self, name: String) {
        if let Some(last) = self.found.last() {
            if self.modules.contains(last) {
                let target = last.clone();
                self.aliases.push((name, target));
            }
        }
    }

    /// Every path a `use` tree names (a glob names the module itself).
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                full.push(n.ident.to_string());
                if self.absolute(full) {
                    self.alias(n.ident.to_string());
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                if self.absolute(full) {
                    self.alias(r.rename.to_string());
                }
            }
            syn::UseTree::Glob(_) => {
                self.absolute(prefix.clone());
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if is_test_only(&m.attrs) {
            return;
        }
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if !is_test_only(&u.attrs) {
            self.use_tree(&mut Vec::new(), &u.tree);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        // A path in code is relative to the module only through `crate`, `self`, `super`.
        if matches!(
            segments.first().map(String::as_str),
            Some("crate" | "self" | "super")
        ) {
            self.absolute(segments);
        }
        syn::visit::visit_path(self, p);
    }
}

/// The crate's modules and, for each, the modules its paths name (resolved to the
/// longest module prefix; a module the crate root re-exports under another name, as
/// `pub use front::yaml;`, is followed to where it is).
fn module_graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = sources();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(rel, _)| module_of(rel)).collect();
    let mut named: Vec<(Vec<String>, Vec<Vec<String>>)> = Vec::new();
    // Modules the crate root re-exports: `crate::yaml` for `crate::front::yaml`.
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (rel, file) in &files {
        let mut v = Paths {
            modules: &modules,
            module: module_of(rel),
            found: Vec::new(),
            aliases: Vec::new(),
        };
        for item in &file.items {
            v.visit_item(item);
        }
        if v.module.is_empty() {
            aliases.extend(v.aliases);
        }
        named.push((module_of(rel), v.found));
    }
    let resolve = |path: &[String]| -> Option<Vec<String>> {
        let mut path = path.to_vec();
        if let Some(target) = path.first().and_then(|f| aliases.get(f)) {
            path.splice(0..1, target.iter().cloned());
        }
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains(p))
    };
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, paths) in named {
        let deps = graph.entry(module.clone()).or_default();
        for p in paths {
            if let Some(target) = resolve(&p) {
                deps.insert(target);
            }
        }
    }
    graph
}

/// The cycles of a graph: for each strongly connected component of more than one
/// node, one cycle through it, as `a -> b -> a`, and the component's nodes.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    // Which nodes each node reaches (the graphs are small).
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = graph.get(from).into_iter().flatten().collect();
        while let Some(n) = todo.pop() {
            if seen.insert(n.clone()) {
                todo.extend(graph.get(n).into_iter().flatten());
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|k| (k, reach(k))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for start in graph.keys() {
        if done.contains(start) || !reaches[start].contains(start) {
            continue;
        }
        let component: BTreeSet<&String> = graph
            .keys()
            .filter(|k| reaches[start].contains(*k) && reaches[*k].contains(start))
            .collect();
        done.extend(component.iter().map(|s| (*s).clone()));
        // A shortest cycle through `start`, inside its component (breadth first).
        let mut previous: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        'search: while let Some(n) = queue.pop_front() {
            for next in graph.get(n).into_iter().flatten() {
                if !component.contains(next) || previous.contains_key(next) {
                    continue;
                }
                previous.insert(next, n);
                if next == start {
                    break 'search;
                }
                queue.push_back(next);
            }
        }
        let mut path = vec![start.clone()];
        let mut at = previous.get(start).copied();
        while let Some(n) = at {
            if n == start {
                break;
            }
            path.push(n.clone());
            at = previous.get(n).copied();
        }
        path.push(start.clone());
        path.reverse();
        let knot: Vec<&str> = component.iter().map(|s| s.as_str()).collect();
        out.push(format!(
            "{} (modules that reach each other: {})",
            path.join(" -> "),
            knot.join(", ")
        ));
    }
    out
}

/// The graph with each node named by its path (`front::model`), `level` segments at
/// most (1: the crate's top-level modules), without edges between a module and its
/// ancestors (a folder's `mod.rs` and its files name each other by nature) or the root.
fn named_graph(level: usize) -> BTreeMap<String, BTreeSet<String>> {
    let cut = |m: &[String]| m[..m.len().min(level)].join("::");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, deps) in module_graph() {
        if from.is_empty() {
            continue;
        }
        let entry = out.entry(cut(&from)).or_default();
        for to in deps {
            let related = to.is_empty() || from.starts_with(&to) || to.starts_with(&from);
            if !related && cut(&from) != cut(&to) {
                entry.insert(cut(&to));
            }
        }
    }
    out
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = named_graph(1);
    assert!(graph.len() > 5, "too few modules found: {graph:?}");
    let found = cycles(&graph);
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

#[test]
fn no_cycle_between_modules() {
    let found = cycles(&named_graph(usize::MAX));
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

/// The cycle search itself finds a cycle and names it.
#[test]
fn cycles_are_found_and_named() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("model", vec!["asyncapi", "yaml"]),
        ("asyncapi", vec!["openapi"]),
        ("openapi", vec!["model", "yaml"]),
        ("yaml", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        cycles(&graph),
        ["asyncapi -> openapi -> model -> asyncapi (modules that reach each other: asyncapi, model, openapi)"]
    );
}

/// The `&mut` parameters (and `&mut self`) of the functions of a file, as `file: function`.
#[derive(Default)]
struct MutParams {
    found: Vec<String>,
}

impl MutParams {
    fn signature(&mut self, sig: &syn::Signature) {
        let mutable = sig.inputs.iter().any(|input| match input {
            syn::FnArg::Receiver(r) => r.reference.is_some() && r.mutability.is_some(),
            syn::FnArg::Typed(t) => {
                matches!(&*t.ty, syn::Type::Reference(r) if r.mutability.is_some())
            }
        });
        if mutable {
            self.found.push(sig.ident.to_string());
        }
    }
}

impl<'ast> Visit<'ast> for MutParams {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.signature(&f.sig);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.signature(&f.sig);
        syn::visit::visit_impl_item_fn(self, f);
    }
}

/// Resolution is read-only: no function of `check/resolve/` (its tests aside) takes
/// anything mutably. It returns what an expression resolves to, or the problem, and the
/// checker records, names types and lowers with that.
#[test]
fn resolution_takes_nothing_mutably() {
    let files: Vec<(String, syn::File)> = sources()
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("check/resolve/") && rel != "check/resolve/tests.rs")
        .collect();
    assert!(files.len() >= 10, "the resolvers moved: {}", files.len());
    let mut mutable = Vec::new();
    for (rel, file) in &files {
        let mut v = MutParams::default();
        v.visit_file(file);
        mutable.extend(v.found.into_iter().map(|f| format!("{rel}: {f}")));
    }
    assert!(
        mutable.is_empty(),
        "resolvers must only read (return a problem instead of recording it):\n{}",
        mutable.join("\n")
    );
}

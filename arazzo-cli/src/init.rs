//! `arazzo init`: sets up the crate of the current directory for a folder of Arazzo
//! documents, in macro mode (the folder, and the line to write) or in build-script mode
//! (also `build.rs` and the `arazzo-build` build-dependency). Running it again changes
//! nothing.

use crate::{write_stdout, CliError, Ctx};
use std::path::{Component, Path};
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// What `build.rs` calls; a `build.rs` that already calls it is left alone.
const CALL: &str = "arazzo_build::compile_dir";

pub(crate) fn init(ctx: &Ctx, build_script: bool, dir: &str) -> Result<u8, CliError> {
    let relative = Path::new(dir)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if dir.is_empty() || !relative || dir.contains(['\n', '\r', '"', '\\']) {
        return Err(CliError::Init(format!(
            "`--dir {dir}`: expected a relative path inside the crate"
        )));
    }
    let manifest = ctx.cwd.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|source| CliError::Read {
        path: manifest.clone(),
        source,
    })?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| CliError::Init(format!("`Cargo.toml` is not valid TOML: {e}")))?;
    let Some(arazzo) = doc.get("dependencies").and_then(|d| d.get("arazzo")) else {
        return Err(CliError::Init(
            "`Cargo.toml` has no `arazzo` dependency: add it under `[dependencies]` first".into(),
        ));
    };
    let build_dep = build_dependency(arazzo);
    let build_rs = ctx.cwd.join("build.rs");
    let existing = match std::fs::read_to_string(&build_rs) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(CliError::Read {
                path: build_rs,
                source,
            })
        }
    };
    if build_script {
        if let Some(t) = &existing {
            if !t.contains(CALL) {
                return Err(CliError::Init(format!(
                    "`build.rs` exists: add `{CALL}({dir:?});` to its `main` (nothing was changed)"
                )));
            }
        }
    }
    let folder = ctx.cwd.join(dir);
    if !folder.is_dir() {
        std::fs::create_dir_all(&folder).map_err(|source| CliError::Write {
            path: folder.clone(),
            source,
        })?;
        ctx.status("Created", &format!("{dir}/"));
    }
    if !build_script {
        write_stdout(&format!(
            "Macro mode: in the crate, one line per document of `{dir}`:\n    arazzo::arazzo_workflow!(\"{dir}/<document>.arazzo.yaml\");\n\
             Editors show the generated types; after editing a document, restart rust-analyzer\n\
             to see the change (or use `arazzo init --build-script`: docs/editors.md).\n"
        ))?;
        return Ok(0);
    }
    let deps = doc
        .entry("build-dependencies")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(deps) = deps.as_table_like_mut() else {
        return Err(CliError::Init(
            "`build-dependencies` in `Cargo.toml` is not a table".into(),
        ));
    };
    if deps.get("arazzo-build").is_none() {
        deps.insert("arazzo-build", build_dep);
        std::fs::write(&manifest, doc.to_string()).map_err(|source| CliError::Write {
            path: manifest.clone(),
            source,
        })?;
        ctx.status(
            "Added",
            "`arazzo-build` to `[build-dependencies]` of Cargo.toml",
        );
    }
    if existing.is_none() {
        let code = format!(
            "//! Compiles the Arazzo documents of `{dir}` into `OUT_DIR` (build-script mode);\n\
             //! `arazzo::include_workflows!()` includes the code.\n\n\
             fn main() {{\n    {CALL}({dir:?});\n}}\n"
        );
        std::fs::write(&build_rs, code).map_err(|source| CliError::Write {
            path: build_rs.clone(),
            source,
        })?;
        ctx.status("Created", "build.rs");
    }
    write_stdout(&format!(
        "Build-script mode: add this line to the crate (src/lib.rs or src/main.rs):\n    arazzo::include_workflows!();\n\
         Each document of `{dir}` becomes a module named after its file\n\
         (`{dir}/billing.arazzo.yaml` -> `billing::<workflow>::{{Inputs, Outputs, run}}`).\n"
    ))?;
    Ok(0)
}

/// `arazzo-build` from where `arazzo` comes from: the sibling folder of a path
/// dependency, or the same version, git source or workspace entry.
fn build_dependency(arazzo: &Item) -> Item {
    let Some(spec) = arazzo.as_table_like() else {
        // `arazzo = "0.1"`: the same version.
        let version = arazzo.as_str().unwrap_or("*");
        return Item::Value(Value::from(version));
    };
    let mut out = InlineTable::new();
    for (key, value) in spec.iter() {
        let Some(value) = value.as_value() else {
            continue;
        };
        match key {
            "path" => {
                let path = value.as_str().unwrap_or(".");
                let sibling = Path::new(path)
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join("arazzo-build");
                out.insert(
                    "path",
                    Value::from(sibling.to_string_lossy().replace('\\', "/")),
                );
            }
            "version" | "git" | "branch" | "tag" | "rev" | "registry" | "workspace" => {
                out.insert(key, value.clone());
            }
            _ => {}
        }
    }
    Item::Value(Value::InlineTable(out))
}

//! No behaviour depends on the wording of a diagnostic: code that reacts to a diagnostic
//! matches its [`arazzo_compiler::diag::Code`]. This test fails when the non-test code of
//! any crate of the workspace inspects a message's text (`message.contains(..)`,
//! `message.starts_with(..)`, `.message == ..`, ...).

use std::path::{Path, PathBuf};

/// The text patterns that inspect a diagnostic's message.
const FORBIDDEN: &[&str] = &[
    "message.contains(",
    "message.starts_with(",
    "message.ends_with(",
    "message.find(",
    ".message ==",
    ".message !=",
    "== d.message",
    "!= d.message",
];

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines (1-based) of `source` that inspect a message, outside `#[cfg(test)]` items.
fn violations(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Depth of braces inside a `#[cfg(test)]` item, when in one.
    let mut test_depth: Option<i64> = None;
    let mut pending_test = false;
    for (i, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let trimmed = code.trim();
        if trimmed.starts_with("#[cfg(test)]") {
            pending_test = true;
            continue;
        }
        let opens = code.matches('{').count() as i64;
        let closes = code.matches('}').count() as i64;
        if let Some(depth) = test_depth.as_mut() {
            *depth += opens - closes;
            if *depth <= 0 {
                test_depth = None;
            }
            continue;
        }
        if pending_test {
            // The item the attribute applies to: skipped up to its closing brace (or its
            // `;` for `mod tests;`, whose file is skipped by name).
            pending_test = false;
            if opens > closes {
                test_depth = Some(opens - closes);
            }
            continue;
        }
        if FORBIDDEN.iter().any(|p| code.contains(p)) {
            found.push((i + 1, line.trim().to_owned()));
        }
    }
    found
}

#[test]
fn no_code_matches_a_diagnostic_message() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The workspace's crates when built in the workspace, else this crate alone.
    let workspace = crate_dir
        .parent()
        .filter(|p| {
            std::fs::read_to_string(p.join("Cargo.toml")).is_ok_and(|t| t.contains("[workspace]"))
        })
        .unwrap_or(crate_dir);
    let mut files = Vec::new();
    let mut roots = vec![crate_dir.join("src")];
    if let Ok(entries) = std::fs::read_dir(workspace) {
        for entry in entries.flatten() {
            let src = entry.path().join("src");
            if entry.path().join("Cargo.toml").is_file() && src.is_dir() && !roots.contains(&src) {
                roots.push(src);
            }
        }
    }
    for root in &roots {
        rust_files(root, &mut files);
    }
    assert!(
        files.iter().any(|f| f.ends_with("src/diag.rs")),
        "the compiler's sources were not found under {}",
        workspace.display()
    );
    let mut all = Vec::new();
    for file in files {
        // `tests.rs` modules are test code (`#[cfg(test)] mod tests;`).
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file is readable");
        for (line, text) in violations(&text) {
            all.push(format!("{}:{line}: {text}", file.display()));
        }
    }
    assert!(
        all.is_empty(),
        "code that reacts to a diagnostic must match its `code`, not its message:\n{}",
        all.join("\n")
    );
}

#[test]
fn the_scan_finds_matching_outside_tests_only() {
    let source = r#"
fn react(d: &Diagnostic) -> bool {
    d.message.starts_with("invalid YAML")
}

#[cfg(test)]
mod tests {
    #[test]
    fn t() {
        assert!(d.message.contains("x"));
    }
}

fn again(d: &Diagnostic) -> bool {
    d.message == "x" // `message.contains(` in a comment is fine
}
"#;
    let found: Vec<usize> = violations(source).into_iter().map(|(l, _)| l).collect();
    assert_eq!(found, [3, 15]);
}

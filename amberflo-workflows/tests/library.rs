//! As a library (`default-features = false`), the crate pulls neither axum
//! nor clap: the fake Amberflo and the CLI are behind the `fake` and `cli`
//! features. Checked on `cargo tree`'s normal dependencies.

use std::process::Command;

/// `cargo tree -e normal` of this crate, without its default features or with them.
fn tree(no_default: bool) -> String {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--offline",
        "--locked",
        "-p",
        "amberflo-workflows",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]);
    if no_default {
        cmd.arg("--no-default-features");
    }
    let output = cmd.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The names of the packages in a `cargo tree --prefix none` listing.
fn packages(tree: &str) -> Vec<&str> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn the_library_pulls_neither_axum_nor_clap() {
    let library = tree(true);
    let names = packages(&library);
    assert!(names.contains(&"arazzo"), "{library}");
    for heavy in ["axum", "clap", "tracing-subscriber"] {
        assert!(!names.contains(&heavy), "{heavy} in:\n{library}");
    }
    // The same listing with the default features (the CLI's) has them: the
    // check above reads the tree it means to.
    let cli = tree(false);
    let names = packages(&cli);
    for heavy in ["axum", "clap"] {
        assert!(names.contains(&heavy), "{heavy} missing from:\n{cli}");
    }
}

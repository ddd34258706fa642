//! Build-script mode facing hostile documents: nothing a document names can become a
//! cargo directive, and the file written is one rustc accepts.

use arazzo_compiler::build::{generate_to, Error};
use arazzo_compiler::Options;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../arazzo-cli/tests/fixtures");

/// A crate (`Cargo.toml`) holding the clean CLI fixture as `doc.arazzo.yaml`, edited by `edit`.
fn crate_with(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    std::fs::copy(
        Path::new(FIXTURES).join("library.openapi.yaml"),
        dir.path().join("library.openapi.yaml"),
    )
    .expect("copy");
    let doc =
        std::fs::read_to_string(Path::new(FIXTURES).join("clean.arazzo.yaml")).expect("fixture");
    std::fs::write(dir.path().join("doc.arazzo.yaml"), edit(doc)).expect("write");
    dir
}

/// Runs build-script mode on the crate's document: the result and the directives printed.
fn generate(dir: &Path) -> (Result<(), Error>, String) {
    let mut directives = Vec::new();
    let result = generate_to(
        dir.join("doc.arazzo.yaml"),
        dir.join("out.rs"),
        &Options {
            display_root: dir.to_path_buf(),
            ..Options::default()
        },
        &mut directives,
    );
    (
        result.map(|_| ()),
        String::from_utf8(directives).expect("UTF-8 directives"),
    )
}

/// Every line is a `rerun-if-changed` or a `warning`: nothing else reaches cargo.
fn only_expected_directives(directives: &str) {
    for line in directives.lines() {
        assert!(
            line.starts_with("cargo:rerun-if-changed=") || line.starts_with("cargo:warning="),
            "unexpected directive line `{line}` in:\n{directives}"
        );
    }
}

#[test]
fn a_source_url_cannot_inject_cargo_directives() {
    // The url decodes to a name with line breaks; the file exists (Linux allows the name).
    let evil = "x\ncargo:rustc-env=PWNED=1\ncargo:rustc-cfg=pwned\n.yaml";
    let dir = crate_with(|doc| {
        doc.replace(
            "url: ./library.openapi.yaml",
            "url: x%0Acargo:rustc-env=PWNED=1%0Acargo:rustc-cfg=pwned%0A.yaml",
        )
    });
    std::fs::copy(
        dir.path().join("library.openapi.yaml"),
        dir.path().join(evil),
    )
    .expect("copy");
    let (result, directives) = generate(dir.path());
    only_expected_directives(&directives);
    let Err(Error::Document(diagnostics)) = result else {
        panic!("expected diagnostics, got {result:?}");
    };
    let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(
        messages.iter().any(|m| m.contains("control characters")),
        "{messages:?}"
    );
    assert!(!dir.path().join("out.rs").exists());
}

#[test]
fn a_ref_cannot_inject_cargo_directives() {
    let evil = "s\ncargo:rustc-cfg=pwned\n.yaml";
    let dir = crate_with(|doc| doc);
    std::fs::write(
        dir.path().join(evil),
        "Book:\n  type: object\n  properties:\n    title: {type: string}\n",
    )
    .expect("write");
    let api = dir.path().join("library.openapi.yaml");
    let text = std::fs::read_to_string(&api).expect("read");
    std::fs::write(
        &api,
        text.replacen(
            "$ref: '#/components/schemas/Book'",
            "$ref: 's%0Acargo:rustc-cfg=pwned%0A.yaml#/Book'",
            1,
        ),
    )
    .expect("write");
    let (result, directives) = generate(dir.path());
    only_expected_directives(&directives);
    assert!(result.is_err(), "{directives}");
}

#[test]
fn warnings_cannot_hide_text_or_inject_directives() {
    // A warning quoting document text with a carriage return and a bidi override.
    let dir = crate_with(|doc| {
        doc.replace(
            "    - condition: $statusCode == 200\n",
            "    - condition: $statusCode == 200\n  - stepId: \"never\\r\\u202Ereached\"\n    operationId: getBook\n    parameters:\n    - name: isbn\n      in: path\n      value: $inputs.isbn\n    onSuccess:\n    - name: stop\n      type: end\n",
        )
        .replace(
            "    successCriteria:\n    - condition: $statusCode == 200\n    outputs:",
            "    successCriteria:\n    - condition: $statusCode == 200\n    onSuccess:\n    - name: done\n      type: end\n    outputs:",
        )
    });
    let (_, directives) = generate(dir.path());
    only_expected_directives(&directives);
    assert!(
        !directives.contains('\r') && !directives.contains('\u{202E}'),
        "{directives:?}"
    );
}

#[test]
fn descriptions_with_a_lone_cr_or_bidi_controls_make_a_file_rustc_accepts() {
    // rustc refuses a bare CR in a `///` comment and bidi controls in any comment
    // (`text_direction_codepoint_in_comment`); the written file has neither.
    let dir = crate_with(|doc| {
        doc.replace(
            "  version: 1.0.0\n",
            "  version: 1.0.0\n  description: \"one\\rtwo \\u202Eevil\\u202C \\u2066x\\u2069\"\n",
        )
        .replace(
            "  - stepId: lookUp\n",
            "  - stepId: lookUp\n    description: \"a\\rb\\r\\nc \\u202Bd \\u202Eevil\"\n",
        )
    });
    let (result, directives) = generate(dir.path());
    assert!(result.is_ok(), "{result:?}\n{directives}");
    let written = std::fs::read_to_string(dir.path().join("out.rs")).expect("written");
    assert!(!written.contains('\r'), "a carriage return is left");
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2069}',
    ] {
        assert!(!written.contains(c), "{:?} is left", c);
    }
    // The text is kept, the controls written visibly.
    assert!(written.contains("/// b\n"), "{written}");
    assert!(written.contains("\\u{202e}evil"), "{written}");
    syn::parse_file(&written).expect("the file parses");
}

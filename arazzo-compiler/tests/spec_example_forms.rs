//! The forms the Arazzo 1.1 specification's own example uses, in a document written
//! here (`tests/specs/arazzo/box-office.arazzo.yaml`): an operation reference in
//! `operationPath`, dotted navigation after `$message.payload`, and a receive step on
//! the `reply` of an AsyncAPI operation.

mod common;
use arazzo_compiler::diag::Applicability;
use arazzo_compiler::{compile, Level, Options, Output, Severity};
use common::{rendered, repo};
use std::path::Path;

const BOX_OFFICE: &str = "tests/specs/arazzo/box-office.arazzo.yaml";

fn compile_with(path: &Path, root: &Path, lints: &[(&str, Level)]) -> Output {
    let options = Options {
        display_root: root.to_path_buf(),
        lints: lints.iter().map(|(n, l)| ((*n).to_owned(), *l)).collect(),
        ..Default::default()
    };
    compile(path, &options)
}

const WARNINGS: [&str; 5] = [
    "`operationPath: $sourceDescriptions.boxOffice.logIn` is read as `operationId: $sourceDescriptions.boxOffice.logIn`",
    "`operationPath: $sourceDescriptions.boxOfficeEvents.reserveSeat` is read as `operationId: $sourceDescriptions.boxOfficeEvents.reserveSeat`",
    "`$message.payload.reservationId` is read as `$message.payload#/reservationId`",
    "`$message.payload.heldUntil` is read as `$message.payload#/heldUntil`",
    "`$message.payload.reservationId` is read as `$message.payload#/reservationId`",
];

#[test]
fn the_forms_are_read_with_a_dialect_warning_each() {
    let root = repo();
    let out = compile_with(&root.join(BOX_OFFICE), &root, &[]);
    assert!(!out.has_errors(), "{}", rendered(&out));
    let found: Vec<(Option<&str>, Severity, &str)> = out
        .diagnostics
        .iter()
        .map(|d| (d.lint(), d.severity, d.message.as_str()))
        .collect();
    let expected: Vec<(Option<&str>, Severity, &str)> = WARNINGS
        .iter()
        .map(|m| (Some("dialect"), Severity::Warning, *m))
        .collect();
    assert_eq!(found, expected, "{}", rendered(&out));
    // The operationPath warning's fix renames the field, nothing else.
    let fix = &out.diagnostics[0].suggestions;
    assert_eq!(fix.len(), 1);
    assert_eq!(
        (
            fix[0].original.as_str(),
            fix[0].replacement.as_str(),
            fix[0].applicability
        ),
        (
            "operationPath",
            "operationId",
            Applicability::MachineApplicable
        )
    );
    let text = std::fs::read_to_string(root.join(BOX_OFFICE)).unwrap();
    assert_eq!(&text[fix[0].range.clone()], "operationPath");
    assert!(text[fix[0].range.end..].starts_with(": $sourceDescriptions.boxOffice.logIn\n"));
}

#[test]
fn allowed_they_are_silent_and_denied_they_are_errors() {
    let root = repo();
    let path = root.join(BOX_OFFICE);
    let warned = compile_with(&path, &root, &[]);
    let allowed = compile_with(&path, &root, &[("dialect", Level::Allow)]);
    assert!(allowed.diagnostics.is_empty(), "{}", rendered(&allowed));
    assert_eq!(allowed.code, warned.code);
    let denied = compile_with(&path, &root, &[("dialect", Level::Deny)]);
    let errors: Vec<&str> = denied.errors().map(|d| d.message.as_str()).collect();
    assert_eq!(errors, WARNINGS);
    assert_eq!(denied.warnings().count(), 0);
}

/// The document with each form rewritten by hand into its canonical form generates the
/// same code, without any diagnostic.
#[test]
fn the_canonical_forms_generate_the_same_code() {
    let root = repo();
    let text = std::fs::read_to_string(root.join(BOX_OFFICE)).unwrap();
    let canonical = text
        .replace(
            "operationPath: $sourceDescriptions.",
            "operationId: $sourceDescriptions.",
        )
        .replace(
            "$message.payload.reservationId",
            "$message.payload#/reservationId",
        )
        .replace("$message.payload.heldUntil", "$message.payload#/heldUntil");
    assert_ne!(canonical, text);
    let dir = std::env::temp_dir().join(format!("arazzo-box-office-{}", std::process::id()));
    for sub in ["arazzo", "openapi", "asyncapi"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for f in [
        "openapi/box-office.openapi.yaml",
        "asyncapi/box-office.asyncapi.yaml",
    ] {
        std::fs::copy(root.join("tests/specs").join(f), dir.join(f)).unwrap();
    }
    let doc = dir.join("arazzo/box-office.arazzo.yaml");
    std::fs::write(&doc, canonical).unwrap();
    let fixed = compile_with(&doc, &dir, &[]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(fixed.diagnostics.is_empty(), "{}", rendered(&fixed));
    let original = compile_with(&root.join(BOX_OFFICE), &root, &[]);
    // The step outputs' documentation quotes each expression as written: the only difference.
    let quoted_canonically = original
        .code
        .replace(
            "`$message.payload.reservationId`",
            "`$message.payload#/reservationId`",
        )
        .replace(
            "`$message.payload.heldUntil`",
            "`$message.payload#/heldUntil`",
        );
    // Hover provenance (`Defined at `file:line:col``) differs by file and column only.
    assert_eq!(
        without_positions(&fixed.code),
        without_positions(&quoted_canonically)
    );
}

/// The code with the `Defined at `file:line:col`` of its documentation left out.
fn without_positions(code: &str) -> String {
    regex::Regex::new(r"Defined at `[^`]*`")
        .expect("a valid regex")
        .replace_all(code, "Defined at")
        .into_owned()
}

/// A receive step on a reply reads the reply's messages (`SeatConfirmation`), not those
/// of the operation it answers (`SeatRequest`), and says so in its errors.
#[test]
fn a_step_on_a_reply_is_typed_from_the_reply_messages() {
    let root = repo();
    let text = std::fs::read_to_string(root.join(BOX_OFFICE)).unwrap();
    // `holder` is a property of the request, not of the confirmation.
    let wrong = text.replace(
        "      seatId: $message.payload#/seatId\n",
        "      seatId: $message.payload#/seatId\n      holder: $message.payload#/holder\n",
    );
    assert_ne!(wrong, text);
    let dir = std::env::temp_dir().join(format!("arazzo-box-office-reply-{}", std::process::id()));
    for sub in ["arazzo", "openapi", "asyncapi"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for f in [
        "openapi/box-office.openapi.yaml",
        "asyncapi/box-office.asyncapi.yaml",
    ] {
        std::fs::copy(root.join("tests/specs").join(f), dir.join(f)).unwrap();
    }
    let doc = dir.join("arazzo/box-office.arazzo.yaml");
    std::fs::write(&doc, wrong).unwrap();
    let out = compile_with(&doc, &dir, &[("dialect", Level::Allow)]);
    let _ = std::fs::remove_dir_all(&dir);
    let errors: Vec<String> = out.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{}", rendered(&out));
    assert!(
        errors[0].contains("message `confirmSeat.message` of `reserveSeat/reply` has no property `holder` at `/holder` (in `$message.payload#/holder`)"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("= help: the schema there has: reservationId, seatId, heldUntil"),
        "{}",
        errors[0]
    );
}

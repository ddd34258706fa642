//! `arazzo fix` on the forms of the Arazzo 1.1 specification's example, in
//! `tests/specs/arazzo/box-office.arazzo.yaml` (copied with its sources into a
//! temporary directory): each becomes its canonical form and no warning is left.

use assert_cmd::Command;
use std::path::Path;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/specs");
const DOC: &str = "arazzo/box-office.arazzo.yaml";

fn arazzo(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("arazzo").expect("the arazzo binary");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn fix_rewrites_the_specification_example_forms_into_canonical_ones() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for f in [
        DOC,
        "openapi/box-office.openapi.yaml",
        "asyncapi/box-office.asyncapi.yaml",
    ] {
        let to = dir.path().join(f);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(Path::new(SPECS).join(f), to).expect("copy");
    }
    let before = std::fs::read_to_string(dir.path().join(DOC)).expect("read");

    let out = arazzo(dir.path())
        .args(["check", DOC])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 errors, 5 warnings"),
        "{}",
        stderr(&out)
    );

    let out = arazzo(dir.path()).args(["fix", DOC]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("(5 fixes)"), "{}", stderr(&out));
    let after = std::fs::read_to_string(dir.path().join(DOC)).expect("read");
    let expected = before
        .replace(
            "    operationPath: $sourceDescriptions.boxOffice.logIn\n",
            "    operationId: $sourceDescriptions.boxOffice.logIn\n",
        )
        .replace(
            "    operationPath: $sourceDescriptions.boxOfficeEvents.reserveSeat\n",
            "    operationId: $sourceDescriptions.boxOfficeEvents.reserveSeat\n",
        )
        .replace(
            "reservationId: $message.payload.reservationId",
            "reservationId: $message.payload#/reservationId",
        )
        .replace(
            "heldUntil: $message.payload.heldUntil",
            "heldUntil: $message.payload#/heldUntil",
        );
    assert_ne!(before, expected);
    assert_eq!(
        after, expected,
        "only these edits, comments and layout kept"
    );
    // The receive step on the reply is already canonical: untouched.
    assert!(after.contains(
        "operationPath: '{$sourceDescriptions.boxOfficeEvents.url}#/operations/reserveSeat/reply'"
    ));

    let out = arazzo(dir.path())
        .args(["check", DOC])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("warning:"), "{}", stderr(&out));
}

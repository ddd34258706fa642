//! The `arazzo` binary run as a process, on fixtures copied into a temporary directory.

use assert_cmd::Command;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A temporary directory holding a copy of every fixture.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for entry in std::fs::read_dir(FIXTURES).expect("fixtures") {
        let entry = entry.expect("fixture entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy fixture");
    }
    dir
}

fn arazzo(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("arazzo").expect("the arazzo binary");
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("read fixture")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn check_clean_document_exits_0() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "clean.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Checking clean.arazzo.yaml"), "{err}");
    assert!(
        err.contains("Finished 1 document: 0 errors, 0 warnings"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "no colour off a terminal: {err}");
}

#[test]
fn check_reports_errors_and_warnings_as_the_macro_does() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // The macro's rendering, with `error: ` / `warning: ` as rustc prefixes it.
    assert!(err.contains(
        "error: fixable.arazzo.yaml:40:27: unknown input `memberID` in `$inputs.memberID`\n   |\n40 |         memberId: $inputs.memberID       # misspelt input\n   |                           ^^^^^^^^\n   |\n  ::: fixable.arazzo.yaml:16:7\n   |\n16 |       memberId: {type: string}\n   |       -------- `memberId` is declared here\n   |\n   = help: the workflow declares: isbn, memberId, token\n   = help: did you mean `memberId`?"
    ), "{err}");
    assert!(err.contains("warning: fixable.arazzo.yaml:32:28: `$response.body.title` is read as `$response.body#/title`"), "{err}");
    assert!(err.contains("= note: `arazzo fix` can apply the suggested fix"));
    assert!(
        err.contains("error: 1 document: 2 errors, 2 warnings"),
        "{err}"
    );
}

#[test]
fn check_colours_only_when_asked() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["--color", "always", "check", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(err.contains("\x1b[") && err.contains("error"), "{err}");
    let out = arazzo(dir.path())
        .args(["check", "--color", "never", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert!(!stderr(&out).contains('\x1b'));
}

#[test]
fn check_json_lines() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "--format", "json", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = read(dir.path(), "fixable.arazzo.yaml");
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 4);
    let misspelt = lines
        .iter()
        .find(|d| d["message"] == "unknown input `memberID` in `$inputs.memberID`")
        .expect("the misspelt input");
    assert_eq!(misspelt["file"], "fixable.arazzo.yaml");
    assert_eq!(misspelt["line"], 40);
    assert_eq!(misspelt["column"], 27);
    assert_eq!(misspelt["severity"], "error");
    assert_eq!(misspelt["lint"], serde_json::Value::Null);
    assert_eq!(misspelt["code"], "unknown_input");
    let (start, end) = (
        misspelt["byte_start"].as_u64().expect("start") as usize,
        misspelt["byte_end"].as_u64().expect("end") as usize,
    );
    assert_eq!(&text[start..end], "memberID");
    let s = &misspelt["suggestions"][0];
    assert_eq!(s["replacement"], "memberId");
    assert_eq!(s["applicability"], "machine-applicable");
    let dialects = lines.iter().filter(|d| d["lint"] == "dialect").count();
    assert_eq!(dialects, 2);
    // A lint's code is its name.
    for d in &lines {
        if d["lint"] != serde_json::Value::Null {
            assert_eq!(d["code"], d["lint"], "{d}");
        }
    }
    for d in &lines {
        let s = &d["suggestions"][0];
        let (a, b) = (
            s["byte_start"].as_u64().expect("start") as usize,
            s["byte_end"].as_u64().expect("end") as usize,
        );
        assert_eq!(text[a..b], s["original"], "{d}");
    }
}

#[test]
fn check_sarif() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args([
            "check",
            "--format",
            "sarif",
            "fixable.arazzo.yaml",
            "clean.arazzo.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "arazzo");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "dialect")
        .expect("a dialect result");
    assert_eq!(warning["level"], "warning");
    let loc = &warning["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "fixable.arazzo.yaml");
    assert_eq!(loc["region"]["startLine"], 21);
    assert!(
        warning["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .as_str()
            .expect("inserted text")
            .starts_with("'{$sourceDescriptions.library.url}#")
    );
}

#[test]
fn usage_and_io_problems_exit_2() {
    let dir = workspace();
    for args in [
        vec!["check", "missing.arazzo.yaml"],
        vec!["check"],
        vec!["check", "--source", "nonsense", "clean.arazzo.yaml"],
        vec!["check", "--source", "x=missing.yaml", "clean.arazzo.yaml"],
        vec!["check", "--deny", "dialects", "clean.arazzo.yaml"],
        vec!["check", "--format", "xml", "clean.arazzo.yaml"],
        vec!["fix", "missing.arazzo.yaml"],
        vec!["expand", "missing.arazzo.yaml"],
        vec!["frobnicate"],
    ] {
        let out = arazzo(dir.path()).args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn deny_makes_a_lint_an_error() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "dialects.arazzo.json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = arazzo(dir.path())
        .args(["check", "-D", "dialect", "dialects.arazzo.json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

fn fix(dir: &Path, file: &str) -> std::process::Output {
    arazzo(dir).args(["fix", file]).output().expect("run")
}

#[test]
fn fix_applies_several_fixes_keeping_comments_and_layout() {
    let dir = workspace();
    let before = read(dir.path(), "fixable.arazzo.yaml");
    let out = fix(dir.path(), "fixable.arazzo.yaml");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("Fixed fixable.arazzo.yaml (4 fixes)"));
    let after = read(dir.path(), "fixable.arazzo.yaml");
    let expected = before
        .replace(
            "operationPath: library#/paths/~1books~1{isbn}/get",
            "operationPath: '{$sourceDescriptions.library.url}#/paths/~1books~1{isbn}/get'",
        )
        .replace(
            "value: Bearer $inputs.token   #",
            "value: Bearer {$inputs.token}   #",
        )
        .replace(
            "title: $response.body.title          #",
            "title: $response.body#/title          #",
        )
        .replace(
            "memberId: $inputs.memberID       #",
            "memberId: $inputs.memberId       #",
        );
    assert_ne!(before, expected);
    assert_eq!(after, expected, "only the four edits, nothing else");
    // The fixed document checks clean.
    let out = arazzo(dir.path())
        .args(["check", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn fix_is_idempotent() {
    let dir = workspace();
    for file in ["fixable.arazzo.yaml", "dialects.arazzo.json"] {
        assert_eq!(fix(dir.path(), file).status.code(), Some(0));
        let once = read(dir.path(), file);
        let out = fix(dir.path(), file);
        assert_eq!(out.status.code(), Some(0));
        assert!(stderr(&out).contains("0 fixes applied"), "{}", stderr(&out));
        assert_eq!(read(dir.path(), file), once, "a second fix changes nothing");
    }
}

#[test]
fn fix_json_document_stays_json() {
    let dir = workspace();
    let out = fix(dir.path(), "dialects.arazzo.json");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("(6 fixes)"), "{}", stderr(&out));
    let after = read(dir.path(), "dialects.arazzo.json");
    let doc: serde_json::Value = serde_json::from_str(&after).expect("still JSON");
    let steps = &doc["workflows"][0]["steps"];
    assert_eq!(
        steps[0]["operationPath"],
        "{$sourceDescriptions.library.url}#/paths/~1books~1{isbn}/get"
    );
    assert_eq!(steps[0]["parameters"][0]["value"], "$inputs.book#/isbn");
    assert_eq!(steps[0]["outputs"]["firstTag"], "$response.body#/tags/0");
    assert_eq!(
        doc["workflows"][0]["outputs"]["room"],
        "$steps.find.outputs.book#/shelf/room"
    );
    let out = arazzo(dir.path())
        .args(["check", "-D", "dialect", "dialects.arazzo.json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "no dialect left: {}",
        stderr(&out)
    );
}

#[test]
fn fix_dry_run_prints_a_diff_and_writes_nothing() {
    let dir = workspace();
    let before = read(dir.path(), "fixable.arazzo.yaml");
    let out = arazzo(dir.path())
        .args(["fix", "--dry-run", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.starts_with("--- a/fixable.arazzo.yaml\n+++ b/fixable.arazzo.yaml\n"));
    assert!(diff.contains("\n-        memberId: $inputs.memberID       # misspelt input\n+        memberId: $inputs.memberId       # misspelt input\n"), "{diff}");
    assert!(diff.contains(
        "\n+      value: Bearer {$inputs.token}   # sent as literal text without braces\n"
    ));
    assert_eq!(diff.lines().filter(|l| l.starts_with("+ ")).count(), 4);
    assert!(stderr(&out).contains("Would fix fixable.arazzo.yaml (4 fixes)"));
    assert_eq!(read(dir.path(), "fixable.arazzo.yaml"), before);
}

#[test]
fn fix_leaves_problems_without_a_certain_fix_untouched() {
    let dir = workspace();
    let before = read(dir.path(), "unfixable.arazzo.yaml");
    let out = fix(dir.path(), "unfixable.arazzo.yaml");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown input `zzz`"), "{err}");
    assert!(err.contains("unknown step `nowhere`"), "{err}");
    assert!(
        err.contains("0 fixes applied; 2 errors and 0 warnings remain"),
        "{err}"
    );
    assert_eq!(
        read(dir.path(), "unfixable.arazzo.yaml"),
        before,
        "byte for byte"
    );
}

#[test]
fn fix_refuses_an_edit_that_would_break_the_yaml() {
    // `Bearer {$inputs.token}` inside a flow mapping would start a nested mapping: that
    // edit is refused, the two safe ones are applied.
    let dir = workspace();
    let out = fix(dir.path(), "flow.arazzo.yaml");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Fixed flow.arazzo.yaml (2 fixes)"), "{err}");
    assert!(err.contains("1 suggested fix not applied"), "{err}");
    let after = read(dir.path(), "flow.arazzo.yaml");
    assert!(after.contains("value: Bearer $inputs.token}"));
    assert!(after.contains("code: $steps.lookUp.outputs.isbn}"));
    assert!(after.contains("title: $response.body#/title,"));
}

#[test]
fn expand_prints_formatted_rust() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["expand", "clean.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let code = stdout(&out);
    assert!(code.contains("pub mod look_up {\n"), "{code}");
    assert!(code.contains("pub struct Inputs {\n"), "{code}");
    assert!(code.contains("pub async fn run("), "{code}");
    // Formatted: indented lines, not one long token stream.
    assert!(code.lines().count() > 50);
    assert!(code.contains("\n        pub isbn: "), "{code}");
}

#[test]
fn expand_mocks_adds_the_test_doubles() {
    let dir = workspace();
    let plain = arazzo(dir.path())
        .args(["expand", "clean.arazzo.yaml"])
        .output()
        .expect("run");
    let mocked = arazzo(dir.path())
        .args(["expand", "--mocks", "clean.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(mocked.status.code(), Some(0), "{}", stderr(&mocked));
    let (plain, mocked) = (stdout(&plain), stdout(&mocked));
    assert!(!plain.contains("pub mod mock {"), "{plain}");
    assert!(mocked.contains("pub mod mock {\n"), "{mocked}");
    assert!(mocked.contains("::arazzo::__mock_enabled!"), "{mocked}");
}

#[test]
fn expand_with_errors_exits_1() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["expand", "unfixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("could not expand `unfixable.arazzo.yaml` due to 2 errors"));
}

#[test]
fn fix_misspelt_names_over_several_rounds() {
    // Fixing the operation id and the step name lets the checker reach the outputs, whose
    // misspelt names are then fixed in a second round.
    let dir = workspace();
    let before = read(dir.path(), "misspelt.arazzo.yaml");
    let out = fix(dir.path(), "misspelt.arazzo.yaml");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("(6 fixes)"), "{}", stderr(&out));
    let expected = before
        .replace("operationId: getBok", "operationId: getBook")
        .replace("stepId: borow", "stepId: borrow")
        .replace("#/titel", "#/title")
        .replace(
            "sourceDescriptions.librry.url",
            "sourceDescriptions.library.url",
        )
        .replace(
            "$steps.lookup.outputs.titl\n",
            "$steps.lookUp.outputs.title\n",
        );
    assert_eq!(read(dir.path(), "misspelt.arazzo.yaml"), expected);
    let again = fix(dir.path(), "misspelt.arazzo.yaml");
    assert!(stderr(&again).contains("0 fixes applied"));
    assert_eq!(read(dir.path(), "misspelt.arazzo.yaml"), expected);
}

#[test]
fn fix_that_reveals_a_deeper_problem_is_applied_and_the_problem_reported() {
    let dir = workspace();
    let before = read(dir.path(), "reveals.arazzo.yaml");
    let out = fix(dir.path(), "reveals.arazzo.yaml");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Fixed reveals.arazzo.yaml (1 fix)"), "{err}");
    assert!(err.contains("workflow `borrow` depends on `look-up`, which requires the input `isbn` that `borrow` does not declare"), "{err}");
    assert!(
        err.contains("1 fix applied; 1 error and 0 warnings remain"),
        "{err}"
    );
    assert_eq!(
        read(dir.path(), "reveals.arazzo.yaml"),
        before.replace("dependsOn: [look-upp]", "dependsOn: [look-up]")
    );
}

#[test]
fn fix_retypes_an_input_that_every_use_needs_as_another_type() {
    let dir = workspace();
    let before = read(dir.path(), "retype.arazzo.yaml");
    let out = fix(dir.path(), "retype.arazzo.yaml");
    let after = read(dir.path(), "retype.arazzo.yaml");
    // `memberId` is only used where a string is required: its type becomes `string`,
    // the comment kept (the edit is made only when every body use asks for one type).
    let expected = before.replace(
        "        type: integer   # the loans API",
        "        type: string   # the loans API",
    );
    assert_eq!(after, expected, "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Idempotent.
    let out = fix(dir.path(), "retype.arazzo.yaml");
    assert!(stderr(&out).contains("0 fixes applied"), "{}", stderr(&out));
}

// ------------------------------------------------ lint levels, quiet, colour, sources

/// The dialect warnings of `dialects.arazzo.json` under the given lint flags.
fn dialect_warnings(flags: &[&str]) -> (usize, String) {
    let dir = workspace();
    let out = arazzo(dir.path())
        .arg("check")
        .args(flags)
        .arg("dialects.arazzo.json")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    (
        err.matches("\nwarning: ").count() + usize::from(err.starts_with("warning: ")),
        err,
    )
}

#[test]
fn allow_silences_a_lint_and_warn_brings_it_back() {
    let (default, err) = dialect_warnings(&[]);
    assert!(default > 0, "{err}");
    assert!(err.contains("is read as"), "{err}");
    // -A: no warning at all, and the summary counts none.
    let (allowed, err) = dialect_warnings(&["-A", "dialect"]);
    assert_eq!(allowed, 0, "{err}");
    assert!(
        err.contains("Finished 1 document: 0 errors, 0 warnings"),
        "{err}"
    );
    let (allowed, _) = dialect_warnings(&["--allow", "dialect"]);
    assert_eq!(allowed, 0);
    // -W after -A: the warnings again, as many as by default.
    let (warned, err) = dialect_warnings(&["-A", "dialect", "-W", "dialect"]);
    assert_eq!(warned, default, "{err}");
    let (warned, _) = dialect_warnings(&["-W", "dialect"]);
    assert_eq!(warned, default);
}

#[test]
fn quiet_drops_the_status_lines_but_not_the_diagnostics() {
    let dir = workspace();
    let loud = arazzo(dir.path())
        .args(["check", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert!(stderr(&loud).contains("Checking fixable.arazzo.yaml"));
    for flags in [["-q", "check"], ["check", "--quiet"]] {
        let out = arazzo(dir.path())
            .args(flags)
            .arg("fixable.arazzo.yaml")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(!err.contains("Checking"), "{err}");
        assert!(!err.contains("Finished"), "{err}");
        assert!(err.contains("unknown input `memberID`"), "{err}");
        // Everything else is what the loud run printed.
        let loud = stderr(&loud);
        for line in err.lines() {
            assert!(loud.contains(line), "{line}");
        }
    }
}

/// `arazzo check fixable.arazzo.yaml` run on a terminal (a pseudo-terminal made by
/// util-linux `script`, which `.ci/run` installs), with `NO_COLOR` set or not; what the
/// terminal showed.
fn on_a_terminal(dir: &Path, no_color: Option<&str>) -> String {
    let bin = assert_cmd::cargo::cargo_bin("arazzo");
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(dir)
        .args(["-q", "-e", "-c"])
        .arg(format!("'{}' check fixable.arazzo.yaml", bin.display()))
        .arg("/dev/null")
        .env_remove("NO_COLOR");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd
        .output()
        .expect("util-linux `script` (a pseudo-terminal) is installed");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    let dir = workspace();
    let shown = on_a_terminal(dir.path(), None);
    assert!(shown.contains("unknown input `memberID`"), "{shown}");
    assert!(shown.contains("\x1b["), "a terminal is coloured: {shown}");
    let shown = on_a_terminal(dir.path(), Some("1"));
    assert!(shown.contains("unknown input `memberID`"), "{shown}");
    assert!(!shown.contains('\x1b'), "NO_COLOR: {shown}");
    // `--color always` still colours with NO_COLOR set.
    let out = arazzo(dir.path())
        .env("NO_COLOR", "1")
        .args(["--color", "always", "check", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    assert!(stderr(&out).contains("\x1b["));
}

#[test]
fn source_maps_a_remote_description_to_a_local_file() {
    let dir = workspace();
    let remote = read(dir.path(), "clean.arazzo.yaml").replace(
        "url: ./library.openapi.yaml",
        "url: https://library.example/openapi.yaml",
    );
    std::fs::write(dir.path().join("remote.arazzo.yaml"), remote).expect("write");
    std::fs::create_dir(dir.path().join("specs")).expect("mkdir");
    std::fs::copy(
        dir.path().join("library.openapi.yaml"),
        dir.path().join("specs/library.yaml"),
    )
    .expect("copy");
    // Without a mapping the remote description is an error; nothing is fetched.
    let out = arazzo(dir.path())
        .args(["check", "remote.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("source description `library` is remote"),
        "{}",
        stderr(&out)
    );
    // Mapped by name to a local file: the document checks clean.
    let out = arazzo(dir.path())
        .args([
            "check",
            "--source",
            "library=specs/library.yaml",
            "remote.arazzo.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A mapping for another name does not apply.
    let out = arazzo(dir.path())
        .args([
            "check",
            "--source",
            "books=specs/library.yaml",
            "remote.arazzo.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    // The mapped file is what is checked against: an operation it lacks is reported.
    std::fs::write(
        dir.path().join("specs/empty.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
    )
    .expect("write");
    let out = arazzo(dir.path())
        .args([
            "check",
            "--source",
            "library=specs/empty.yaml",
            "remote.arazzo.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("getBook"), "{}", stderr(&out));
}

// ------------------------------------------------ machine-readable details

#[test]
fn json_lines_carry_the_secondary_labels() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "--format", "json", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    let text = read(dir.path(), "fixable.arazzo.yaml");
    let misspelt: serde_json::Value = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON"))
        .find(|d| d["message"] == "unknown input `memberID` in `$inputs.memberID`")
        .expect("the misspelt input");
    let labels = misspelt["labels"].as_array().expect("labels");
    assert_eq!(labels.len(), 1, "{misspelt}");
    let label = &labels[0];
    assert_eq!(label["file"], "fixable.arazzo.yaml");
    assert_eq!(label["line"], 16);
    assert_eq!(label["column"], 7);
    assert_eq!(label["message"], "`memberId` is declared here");
    let (a, b) = (
        label["byte_start"].as_u64().expect("start") as usize,
        label["byte_end"].as_u64().expect("end") as usize,
    );
    assert_eq!(&text[a..b], "memberId");
}

#[test]
fn sarif_lists_its_rules_and_related_locations() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "--format", "sarif", "fixable.arazzo.yaml"])
        .output()
        .expect("run");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    // One rule per diagnostic code, each once; the lints among them.
    let codes: Vec<&str> = arazzo_compiler::diag::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(ids, codes);
    for lint in [
        "dialect",
        "unreachable_step",
        "undocumented_content_type",
        "manual_credential",
    ] {
        assert!(ids.contains(&lint), "{lint}");
    }
    for r in rules {
        assert!(
            !r["shortDescription"]["text"]
                .as_str()
                .expect("description")
                .is_empty(),
            "{r}"
        );
    }
    let dialect = rules
        .iter()
        .find(|r| r["id"] == "dialect")
        .expect("dialect");
    assert_eq!(dialect["defaultConfiguration"]["level"], "warning");
    // Every result names a rule of the list.
    let results = run["results"].as_array().expect("results");
    for r in results {
        assert!(ids.contains(&r["ruleId"].as_str().expect("ruleId")), "{r}");
    }
    // The misspelt input's declaration is a related location.
    let misspelt = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("unknown input `memberID`"))
        })
        .expect("the misspelt input");
    assert_eq!(misspelt["ruleId"], "unknown_input");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "unknown_input")
        .expect("the rule of an unknown input");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let related = misspelt["relatedLocations"].as_array().expect("related");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["message"]["text"], "`memberId` is declared here");
    let loc = &related[0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "fixable.arazzo.yaml");
    assert_eq!(loc["region"]["startLine"], 16);
    assert_eq!(loc["region"]["startColumn"], 7);
    let text = read(dir.path(), "fixable.arazzo.yaml");
    let start = loc["region"]["byteOffset"].as_u64().expect("offset") as usize;
    let len = loc["region"]["byteLength"].as_u64().expect("length") as usize;
    assert_eq!(&text[start..start + len], "memberId");
}
#[test]
fn check_lists_the_credentials_a_document_needs() {
    let dir = workspace();
    let out = arazzo(dir.path())
        .args(["check", "secured.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.trim_start().starts_with("Credential "))
        .map(|l| l.trim().to_owned())
        .collect();
    assert_eq!(
        listed,
        [
            "Credential secured.arazzo.yaml: `secured`/`oauth` (oauth2 (clientCredentials)) for daily/orders",
            "Credential secured.arazzo.yaml: `secured`/`apiKey` (apiKey in header `X-API-KEY`) for daily/report",
            "Credential secured.arazzo.yaml: `secured`/`basic` (http basic) for daily/report",
        ]
    );
    let out = arazzo(dir.path())
        .args(["check", "--format", "json", "secured.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"document": "secured.arazzo.yaml", "credential": {"source": "secured", "scheme": "oauth", "kind": "oauth2 (clientCredentials)", "steps": ["daily/orders"]}}),
            serde_json::json!({"document": "secured.arazzo.yaml", "credential": {"source": "secured", "scheme": "apiKey", "kind": "apiKey in header `X-API-KEY`", "steps": ["daily/report"]}}),
            serde_json::json!({"document": "secured.arazzo.yaml", "credential": {"source": "secured", "scheme": "basic", "kind": "http basic", "steps": ["daily/report"]}}),
        ]
    );
}

#[test]
fn source_urls_map_by_prefix_and_exact_url() {
    let dir = workspace();
    let vendor = dir.path().join("vendor/acme");
    std::fs::create_dir_all(&vendor).expect("vendor dir");
    std::fs::copy(
        dir.path().join("secured.openapi.yaml"),
        vendor.join("secured.openapi.yaml"),
    )
    .expect("copy");
    let doc = read(dir.path(), "secured.arazzo.yaml").replace(
        "./secured.openapi.yaml",
        "https://raw.githubusercontent.com/acme/api/main/secured.openapi.yaml",
    );
    std::fs::write(dir.path().join("remote.arazzo.yaml"), doc).expect("write");
    for mapping in [
        "https://raw.githubusercontent.com/acme/api/main/=vendor/acme/",
        "https://raw.githubusercontent.com/acme/api/main/secured.openapi.yaml=vendor/acme/secured.openapi.yaml",
    ] {
        let out = arazzo(dir.path())
            .args(["check", "--source", mapping, "remote.arazzo.yaml"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{mapping}: {}", stderr(&out));
    }
    // A prefix that matches nothing: the error names the URL and the mappings tried.
    let out = arazzo(dir.path())
        .args([
            "check",
            "--source",
            "https://raw.githubusercontent.com/other/=vendor/acme/",
            "remote.arazzo.yaml",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("`https://raw.githubusercontent.com/acme/api/main/secured.openapi.yaml`"),
        "{err}"
    );
    assert!(
        err.contains("the mappings tried: https://raw.githubusercontent.com/other/"),
        "{err}"
    );
}

/// `arazzo init --build-script`: `build.rs` calling `arazzo_build::compile_dir`, the
/// build-dependency taken from where `arazzo` comes from (the rest of `Cargo.toml` kept),
/// the folder; a second run changes nothing.
#[test]
fn init_build_script_sets_up_the_crate_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let manifest = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                    # the runtime and the macro\n[dependencies]\narazzo = { path = \"../arazzo-rs/arazzo\" }\n";
    std::fs::write(dir.path().join("Cargo.toml"), manifest).expect("write");
    let out = arazzo(dir.path())
        .args(["init", "--build-script"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let toml = read(dir.path(), "Cargo.toml");
    assert!(toml.starts_with(manifest), "{toml}");
    assert!(
        toml.contains(
            "[build-dependencies]\narazzo-build = { path = \"../arazzo-rs/arazzo-build\" }\n"
        ),
        "{toml}"
    );
    let build = read(dir.path(), "build.rs");
    assert!(
        build.contains("arazzo_build::compile_dir(\"specs/arazzo\");"),
        "{build}"
    );
    assert!(dir.path().join("specs/arazzo").is_dir());
    assert!(
        stdout(&out).contains("arazzo::include_workflows!();"),
        "{}",
        stdout(&out)
    );
    // Again: nothing to do, nothing changed.
    let again = arazzo(dir.path())
        .args(["init", "--build-script"])
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(read(dir.path(), "Cargo.toml"), toml);
    assert_eq!(read(dir.path(), "build.rs"), build);
}

#[test]
fn init_build_script_follows_a_version_and_refuses_a_foreign_build_rs() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let manifest =
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\narazzo = \"0.1\"\n";
    std::fs::write(dir.path().join("Cargo.toml"), manifest).expect("write");
    std::fs::write(dir.path().join("build.rs"), "fn main() {}\n").expect("write");
    let out = arazzo(dir.path())
        .args(["init", "--build-script", "--dir", "workflows"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("add `arazzo_build::compile_dir(\"workflows\");`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(dir.path(), "Cargo.toml"), manifest, "nothing changed");
    assert!(!dir.path().join("workflows").exists());
    std::fs::remove_file(dir.path().join("build.rs")).expect("remove");
    let out = arazzo(dir.path())
        .args(["init", "--build-script", "--dir", "workflows"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        read(dir.path(), "Cargo.toml").ends_with("[build-dependencies]\narazzo-build = \"0.1\"\n")
    );
    assert!(read(dir.path(), "build.rs").contains("compile_dir(\"workflows\")"));
    // Without an `arazzo` dependency there is nothing to follow.
    let bare = tempfile::tempdir().expect("temporary directory");
    std::fs::write(bare.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    let out = arazzo(bare.path())
        .args(["init", "--build-script"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no `arazzo` dependency"),
        "{}",
        stderr(&out)
    );
}

// ------------------------------------------------ manual_credential

/// `tests/ui/fixtures/lint-manual-credential.arazzo.yaml` and the OpenAPI it names, in a
/// temporary directory.
fn manual_credential_workspace() -> (tempfile::TempDir, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::copy(
        root.join("tests/specs/openapi/shop-auth.openapi.yaml"),
        dir.path().join("shop-auth.openapi.yaml"),
    )
    .expect("copy the OpenAPI");
    let doc =
        std::fs::read_to_string(root.join("tests/ui/fixtures/lint-manual-credential.arazzo.yaml"))
            .expect("the fixture")
            .replace(
                "../../specs/openapi/shop-auth.openapi.yaml",
                "shop-auth.openapi.yaml",
            );
    std::fs::write(dir.path().join("creds.arazzo.yaml"), &doc).expect("write");
    (dir, doc)
}

#[test]
fn fix_removes_credentials_set_by_hand_and_the_input_only_they_read() {
    let (dir, before) = manual_credential_workspace();
    let out = arazzo(dir.path())
        .args(["check", "creds.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 errors, 4 warnings"),
        "{}",
        stderr(&out)
    );
    let out = fix(dir.path(), "creds.arazzo.yaml");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("(6 fixes)"), "{}", stderr(&out));
    let after = read(dir.path(), "creds.arazzo.yaml");
    let expected = before
        // `shopKey` was read by the removed header only: gone from the inputs.
        .replace("    required: [shopKey, token]\n", "    required: [token]\n")
        .replace("      shopKey:\n        type: string\n", "")
        // The only parameter of a step: `parameters:` goes with it.
        .replace(
            "    parameters:\n    - name: X-API-KEY\n      in: header\n      value: $inputs.shopKey\n",
            "",
        )
        // One of two: the other stays, and `queryKey` (read by it) too.
        .replace(
            "    - name: api_key\n      in: query\n      value: '{$inputs.queryKey}'\n",
            "",
        )
        .replace(
            "    parameters:\n    - name: Authorization\n      in: header\n      value: Bearer {$inputs.token}\n",
            "",
        )
        // The workflow's parameter, supplied in both its steps.
        .replace(
            "  parameters:\n  - reference: $components.parameters.cookieKey\n  steps:\n  - stepId: first",
            "  steps:\n  - stepId: first",
        );
    assert_ne!(before, expected);
    assert_eq!(after, expected, "{}", stderr(&out));
    // Basic and the key from a step output are left alone; the result checks clean.
    assert!(after.contains("value: Basic {$inputs.basic}"));
    assert!(after.contains("value: $steps.bearer.outputs.status"));
    let out = arazzo(dir.path())
        .args(["check", "creds.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&out)
    );
    // Idempotent.
    let out = fix(dir.path(), "creds.arazzo.yaml");
    assert!(stderr(&out).contains("0 fixes applied"), "{}", stderr(&out));
}

#[test]
fn manual_credential_is_allowed_denied_and_fixed_only_when_certain() {
    let (dir, _) = manual_credential_workspace();
    let out = arazzo(dir.path())
        .args(["check", "-A", "manual_credential", "creds.arazzo.yaml"])
        .output()
        .expect("run");
    assert!(
        stderr(&out).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&out)
    );
    let out = arazzo(dir.path())
        .args(["check", "-D", "manual_credential", "creds.arazzo.yaml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // A step parameter that overrides a workflow parameter of the same name: removing it
    // would bring the workflow's value back, so the edit is only a suggestion.
    let doc = read(dir.path(), "creds.arazzo.yaml").replace(
        "  parameters:\n  - reference: $components.parameters.cookieKey\n  steps:\n  # apiKey in a header",
        "  parameters:\n  - reference: $components.parameters.cookieKey\n  - name: X-API-KEY\n    in: header\n    value: fixed\n  steps:\n  # apiKey in a header",
    );
    std::fs::write(dir.path().join("creds.arazzo.yaml"), &doc).expect("write");
    let out = arazzo(dir.path())
        .args(["check", "--format", "json", "creds.arazzo.yaml"])
        .output()
        .expect("run");
    let text = stdout(&out);
    let header = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("step `header` sets header parameter `X-API-KEY`"))
        })
        .unwrap_or_else(|| panic!("the lint on step `header`: {text}"));
    let applicability: Vec<&str> = header["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .filter_map(|s| s["applicability"].as_str())
        .collect();
    assert_eq!(applicability, ["maybe-incorrect"], "{header}");
}

#[test]
fn fix_retypes_inputs_as_arrays_and_objects_only_when_every_use_agrees() {
    let dir = workspace();
    let before = read(dir.path(), "retype-structured.arazzo.yaml");
    let out = fix(dir.path(), "retype-structured.arazzo.yaml");
    let after = read(dir.path(), "retype-structured.arazzo.yaml");
    // `tags`: an array of strings where it is used, the `items` copied from the body;
    // `meta`: an object. The others are left as they are: `labels` feeds arrays of
    // strings and of integers, `mixed` an array and a string, `lines` items given by a
    // `$ref` into the OpenAPI file, `dated` has a `format` an array would not take.
    let expected = before
        .replace(
            "        type: string   # the body takes an array of strings\n",
            "        type: array   # the body takes an array of strings\n        items: {\"type\":\"string\"}\n",
        )
        .replace(
            "        type: string\n        description: free-form metadata\n",
            "        type: object\n        description: free-form metadata\n",
        );
    assert_ne!(before, expected);
    assert_eq!(after, expected, "{}", stderr(&out));
    assert!(stderr(&out).contains("(3 fixes)"), "{}", stderr(&out));
    let err = stderr(&out);
    for left in [
        "`$inputs.labels`",
        "`$inputs.mixed`",
        "`$inputs.lines`",
        "`$inputs.dated`",
    ] {
        assert!(err.contains(left), "{left} is still reported: {err}");
    }
    for fixed in ["`$inputs.tags`", "`$inputs.meta`"] {
        assert!(!err.contains(fixed), "{fixed} is fixed: {err}");
    }
    // Idempotent.
    let out = fix(dir.path(), "retype-structured.arazzo.yaml");
    assert!(stderr(&out).contains("0 fixes applied"), "{}", stderr(&out));
}

#[test]
fn fix_leaves_a_response_pointer_one_level_away_as_a_suggestion() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir(dir.path().join("openapi")).expect("mkdir");
    std::fs::copy(
        root.join("tests/ui/fixtures/openapi/nested.yaml"),
        dir.path().join("openapi/nested.yaml"),
    )
    .expect("copy the OpenAPI");
    std::fs::copy(
        root.join("tests/ui/fixtures/response-pointer-one-level-away.arazzo.yaml"),
        dir.path().join("near.arazzo.yaml"),
    )
    .expect("copy the document");
    let before = read(dir.path(), "near.arazzo.yaml");
    let out = arazzo(dir.path())
        .args(["check", "--format", "json", "near.arazzo.yaml"])
        .output()
        .expect("run");
    let suggested: Vec<(String, String)> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .flat_map(|d| d["suggestions"].as_array().cloned().unwrap_or_default())
        .map(|s| {
            (
                s["applicability"].as_str().unwrap_or_default().to_owned(),
                s["replacement"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        suggested,
        [
            ("maybe-incorrect".to_owned(), "/data/id".to_owned()),
            ("maybe-incorrect".to_owned(), "/status".to_owned()),
        ],
        "{}",
        stdout(&out)
    );
    let out = fix(dir.path(), "near.arazzo.yaml");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        read(dir.path(), "near.arazzo.yaml"),
        before,
        "nothing applied"
    );
    assert!(
        stderr(&out).contains("did you mean it?"),
        "{}",
        stderr(&out)
    );
}

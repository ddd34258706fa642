//! Deep nesting, for every recursive parser the compiler runs on document text: a
//! generator of deep inputs. Each input picks a parser, an opening token (`(`, `[`, `!`,
//! `[?`, `{`, a YAML `- `, ...) and a depth of up to 20 000; the token is repeated that
//! many times around the rest of the input, then closed. Conditions, templates and YAML
//! are parsed directly; JSONPath criteria, JSONPath selectors and simple conditions go
//! through a whole document (the checker bounds the depth, then runs the JSONPath parser).
//! Never a crash, a stack overflow or a hang: only diagnostics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::Arc;

const TOKENS: [(&str, &str); 10] = [
    ("(", ")"),
    ("[", "]"),
    ("!", ""),
    ("[?", "]"),
    ("[?(", ")]"),
    ("[?@", "]"),
    ("[?!(", ")]"),
    ("{", "}"),
    ("- ", ""),
    ("{$", "}"),
];

/// The Arazzo document the generated text is placed into (`@TEXT@`), single-quoted.
const DOCUMENT: &str = "arazzo: 1.1.0
info: {title: nesting, version: 1.0.0}
sourceDescriptions:
- name: metering
  url: ../openapi/amberflo-metering-openapi.yaml
  type: openapi
workflows:
- workflowId: deep
  inputs:
    type: object
    properties:
      name: {type: string}
  steps:
  - stepId: ingest
    operationId: ingestMeterEvents
    successCriteria:
    - @CRITERION@
    outputs:
      picked:
        context: $response.body
        type: jsonpath
        selector: '@SELECTOR@'
";

fuzz_target!(|data: &[u8]| {
    let [which, d0, d1, token, rest @ ..] = data else {
        return;
    };
    let depth = usize::from(u16::from_le_bytes([*d0, *d1])) % 20_000;
    let (open, close) = TOKENS[usize::from(*token) % TOKENS.len()];
    let core = String::from_utf8_lossy(rest);
    let text = format!("{}{core}{}", open.repeat(depth), close.repeat(depth));
    match which % 6 {
        0 => {
            let _ = arazzo_compiler::condition::parse_condition(&text);
        }
        1 => {
            let _ = arazzo_compiler::expr::parse_template(&text);
            let _ = arazzo_compiler::expr::classify(&text);
        }
        2 => {
            let _ = arazzo_compiler::yaml::parse(&text, arazzo_compiler::yaml::Limits::default());
        }
        n => {
            let quoted = text.replace('\'', "''");
            let (criterion, selector) = match n {
                3 => (
                    format!("context: $response.body\n      type: jsonpath\n      condition: '${quoted}'"),
                    "$.x".to_owned(),
                ),
                4 => (format!("condition: '{quoted}'"), "$.x".to_owned()),
                _ => ("condition: $statusCode == 200".to_owned(), format!("${quoted}")),
            };
            let doc = DOCUMENT
                .replace("@CRITERION@", &criterion)
                .replace("@SELECTOR@", &selector);
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let file = Arc::new(arazzo_compiler::diag::SourceFile {
                display: "nesting.arazzo.yaml".into(),
                text: doc,
            });
            let options = arazzo_compiler::Options {
                display_root: root.clone(),
                ..Default::default()
            };
            let path = root.join("specs/arazzo/nesting.arazzo.yaml");
            let out = arazzo_compiler::compile_source(file, &path, &options);
            for d in &out.diagnostics {
                let _ = d.to_string();
            }
        }
    }
});

//! Real-world documents are not falsely rejected (and the one real trap is caught):
//! each test compiles a small document written here and inspects the diagnostics.

use arazzo_compiler::{compile, Options, Output};
use std::path::{Path, PathBuf};

/// A fresh directory with the given files (relative path → text).
fn workdir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arazzo-real-world-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn compile_in(dir: &Path, doc: &str, sources: &[(&str, &str)]) -> Output {
    let options = Options {
        display_root: dir.to_path_buf(),
        sources: sources
            .iter()
            .map(|(n, p)| ((*n).to_owned(), dir.join(p)))
            .collect(),
        ..Options::default()
    };
    compile(&dir.join(doc), &options)
}

fn messages(out: &Output) -> Vec<String> {
    out.diagnostics.iter().map(ToString::to_string).collect()
}

fn assert_clean(out: &Output) {
    let m = messages(out);
    assert!(m.is_empty(), "unexpected diagnostics:\n{}", m.join("\n"));
}

const API: &str = r##"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    post:
      operationId: putThing
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: accept, in: header, required: true, schema: {type: string}}
      - {name: Content-Type, in: header, required: true, schema: {type: string}}
      - {name: Authorization, in: header, required: true, schema: {type: string}}
      - {name: X-Request-Id, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json; charset=utf-8:
            schema: {$ref: "#/components/schemas/Thing"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
"##;

fn doc(step_extra: &str) -> String {
    format!(
        r#"arazzo: 1.0.1
info: {{title: t, version: "1"}}
sourceDescriptions:
- {{name: api, url: ../openapi/api.yaml, type: openapi}}
workflows:
- workflowId: w
  inputs:
    type: object
    properties:
      token: {{type: string}}
  steps:
  - stepId: s
    operationId: putThing
    parameters:
    - {{name: id, in: path, value: x}}
    - {{name: X-Request-Id, in: header, value: r-1}}
{step_extra}    requestBody:
      contentType: application/json
      payload:
        name: n
"#
    )
}

#[test]
fn ignored_headers_read_only_and_media_type_parameters() {
    let dir = workdir(
        "headers",
        &[("arazzo/doc.yaml", &doc("")), ("openapi/api.yaml", API)],
    );
    // Accept / Content-Type / Authorization are never "required header not supplied";
    // the readOnly `id` is not required in the body; `application/json` matches the
    // documented `application/json; charset=utf-8`.
    assert_clean(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    // Other required headers still are.
    let without = doc("").replace("    - {name: X-Request-Id, in: header, value: r-1}\n", "");
    std::fs::write(dir.join("arazzo/doc.yaml"), without).unwrap();
    let m = messages(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].contains("does not supply the required header parameter `X-Request-Id`"),
        "{}",
        m[0]
    );
}

#[test]
fn media_type_parameters_on_the_step() {
    let api = API.replace("application/json; charset=utf-8:", "application/json:");
    let d = doc("").replace(
        "contentType: application/json",
        "contentType: 'application/json; charset=UTF-8'",
    );
    let dir = workdir(
        "charset",
        &[("arazzo/doc.yaml", &d), ("openapi/api.yaml", &api)],
    );
    assert_clean(&compile_in(&dir, "arazzo/doc.yaml", &[]));
}

#[test]
fn schema_key_and_extensions_everywhere() {
    let d = doc("    - {name: Authorization, in: header, value: 'Bearer {$inputs.token}', x-p: 1}\n")
        .replace("arazzo: 1.0.1\n", "$schema: https://spec.openapis.org/arazzo/1.0/schema/2024-08-01\narazzo: 1.0.1\nx-top: {a: 1}\n")
        .replace("info: {title: t, version: \"1\"}", "info: {title: t, version: \"1\", x-i: 1}")
        .replace("type: openapi}", "type: openapi, x-s: 1}")
        .replace("- workflowId: w\n", "- workflowId: w\n  x-w: 1\n")
        .replace("  - stepId: s\n", "  - stepId: s\n    x-step: [1, 2]\n")
        .replace("      contentType: application/json\n", "      contentType: application/json\n      x-rb: 1\n")
        + "    successCriteria:\n    - {condition: $statusCode == 200, x-c: 1}\n    - {context: $response.body, condition: $.name, type: {type: jsonpath, version: rfc9535, x-t: 1}}\n    onSuccess:\n    - {name: done, type: end, x-a: 1}\ncomponents:\n  x-comp: 1\n";
    let api = API
        .replace("openapi: 3.0.3\n", "openapi: 3.0.3\nx-api: 1\n")
        .replace(
            "paths:\n",
            "paths:\n  x-paths-extension: {get: {operationId: notAnOperation}}\n",
        );
    let dir = workdir(
        "extensions",
        &[("arazzo/doc.yaml", &d), ("openapi/api.yaml", &api)],
    );
    assert_clean(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    // A field that is neither known nor an extension is still an error.
    std::fs::write(dir.join("arazzo/doc.yaml"), d.replace("x-top:", "top:")).unwrap();
    let m = messages(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    assert!(
        m.iter()
            .any(|x| x.contains("unknown field `top` in the Arazzo document")),
        "{m:#?}"
    );
}

#[test]
fn write_only_response_property_is_optional() {
    let api = API
        .replace(
            "        name: {type: string}\n",
            "        name: {type: string}\n        secret: {type: string, writeOnly: true}\n",
        )
        .replace("required: [id, name]", "required: [id, name, secret]");
    // writeOnly: still required in the request body.
    let d = doc("").replace("        name: n\n", "        name: n\n        secret: s\n")
        + "    outputs:\n      secret: $response.body#/secret\n      name: $response.body#/name\n  outputs:\n    secret: $steps.s.outputs.secret\n    name: $steps.s.outputs.name\n";
    let dir = workdir(
        "writeonly",
        &[("arazzo/doc.yaml", &d), ("openapi/api.yaml", &api)],
    );
    let out = compile_in(&dir, "arazzo/doc.yaml", &[]);
    assert_clean(&out);
    let code = out
        .tokens()
        .expect("the generated code lexes")
        .to_string()
        .replace(' ', "");
    assert!(code.contains("pubsecret:Option<"), "{code}");
    assert!(!code.contains("pubname:Option<"), "{code}");
}

#[test]
fn bare_runtime_expression_in_a_string_is_an_error() {
    let d = doc("    - {name: Authorization, in: header, value: Bearer $inputs.token}\n").replace(
        "        name: n\n",
        "        name: hello $inputs.token and {$inputs.token}\n",
    );
    let dir = workdir(
        "bare",
        &[("arazzo/doc.yaml", &d), ("openapi/api.yaml", API)],
    );
    let out = compile_in(&dir, "arazzo/doc.yaml", &[]);
    let m = messages(&out);
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(
        m[0].starts_with("arazzo/doc.yaml:17:55: `$inputs.token` would be sent as literal text"),
        "{}",
        m[0]
    );
    assert!(
        m[0].contains("help: write `Bearer {$inputs.token}`"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("help: write `hello {$inputs.token} and {$inputs.token}`"),
        "{}",
        m[1]
    );
    // Not expressions: prices and shell-like words stay literal text.
    let d = doc("    - {name: Authorization, in: header, value: costs $5 for $HOME}\n");
    std::fs::write(dir.join("arazzo/doc.yaml"), d).unwrap();
    assert_clean(&compile_in(&dir, "arazzo/doc.yaml", &[]));
}

#[test]
fn external_refs_load_lazily() {
    let api = API
        .replace("openapi: 3.0.3\n", "openapi: 3.0.3\nx-notes: {$ref: ./missing-notes.yaml}\n")
        .replace(
            "components:\n  schemas:\n",
            "components:\n  schemas:\n    Unused: {$ref: ./missing-schemas.yaml#/Unused}\n",
        )
        .replace(
            "        name: {type: string}\n",
            "        name: {type: string}\n        extra: {$ref: './shared%20schemas.yaml#/Extra'}\n",
        )
        // An extension inside the used operation is never read either.
        .replace(
            "      operationId: putThing\n",
            "      operationId: putThing\n      x-code-samples: {$ref: ./missing-samples.yaml}\n",
        );
    let shared = "Extra: {type: integer}\n";
    let d = doc("") + "    outputs:\n      extra: $response.body#/extra\n";
    let dir = workdir(
        "lazy",
        &[
            ("arazzo/doc.yaml", &d),
            ("openapi/api.yaml", &api),
            ("openapi/shared schemas.yaml", shared),
        ],
    );
    let out = compile_in(&dir, "arazzo/doc.yaml", &[]);
    assert_clean(&out);
    assert!(out.files.iter().any(|f| f.ends_with("shared schemas.yaml")));
    assert!(!out
        .files
        .iter()
        .any(|f| f.to_string_lossy().contains("missing")));
    // A missing file that a used operation reaches is still an error.
    let broken = api.replace(
        "#/components/schemas/Thing\"}\n      responses",
        "./missing-body.yaml\"}\n      responses",
    );
    std::fs::write(dir.join("openapi/api.yaml"), broken).unwrap();
    let m = messages(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    assert!(
        m.iter()
            .any(|x| x.contains("cannot read OpenAPI description")
                && x.contains("missing-body.yaml")),
        "{m:#?}"
    );
}

#[test]
fn path_items_in_other_files() {
    let api = "openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\npaths:\n  /things/{id}:\n    $ref: ./paths/thing.yaml\n";
    let item = "post:\n  operationId: putThing\n  parameters:\n  - {name: id, in: path, required: true, schema: {type: string}}\n  - {name: X-Request-Id, in: header, schema: {type: string}}\n  requestBody:\n    content:\n      application/json:\n        schema: {type: object, required: [name], properties: {name: {type: string}}}\n  responses:\n    \"200\": {description: ok}\n";
    let dir = workdir(
        "pathitems",
        &[
            ("arazzo/doc.yaml", &doc("")),
            ("openapi/api.yaml", api),
            ("openapi/paths/thing.yaml", item),
        ],
    );
    assert_clean(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    // The body schema of the other file is checked.
    let d = doc("").replace("        name: n\n", "        nam: n\n");
    std::fs::write(dir.join("arazzo/doc.yaml"), d).unwrap();
    let m = messages(&compile_in(&dir, "arazzo/doc.yaml", &[]));
    assert!(
        m.iter()
            .any(|x| x.contains("missing the required property `name`")),
        "{m:#?}"
    );
}

#[test]
fn percent_encoded_source_url() {
    let d = doc("").replace("url: ../openapi/api.yaml", "url: ../openapi/my%20api.yaml");
    let dir = workdir(
        "percent",
        &[("arazzo/doc.yaml", &d), ("openapi/my api.yaml", API)],
    );
    assert_clean(&compile_in(&dir, "arazzo/doc.yaml", &[]));
}

#[test]
fn json_documents_with_surrogate_pairs() {
    let api = r#"{"openapi": "3.1.0", "info": {"title": "\ud83d\udc4b", "version": "1"},
 "paths": {"/hi": {"get": {"operationId": "hi", "summary": "\ud83d\udc4b\ud83d\udc4b",
   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
     {"type": "object", "properties": {"wave": {"type": "string", "enum": ["\ud83d\udc4b"]}}}}}}}}}}}
"#;
    let d = r#"{"arazzo": "1.0.1", "info": {"title": "\ud83d\udc4b", "version": "1"},
 "sourceDescriptions": [{"name": "users-openAPI", "url": "https://example.com/api.json", "type": "openapi"}],
 "workflows": [{"workflowId": "w", "steps": [{"stepId": "s", "operationId": "hi",
   "description": "\ud83d\udc4b", "outputs": {"wave": "$response.body#/wave", "bad": "$response.body#/wav"}}]}]}
"#;
    let dir = workdir("json", &[("arazzo/doc.json", d), ("openapi/api.json", api)]);
    let out = compile_in(
        &dir,
        "arazzo/doc.json",
        &[("users-openAPI", "openapi/api.json")],
    );
    let m = messages(&out);
    // Only the deliberate drift, at its column in the original text (after a surrogate pair).
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].starts_with("arazzo/doc.json:4:101:"), "{}", m[0]);
}

#[test]
fn the_source_mapping_applies_to_included_arazzo_documents() {
    let inner = r#"arazzo: 1.0.1
info: {title: inner, version: "1"}
sourceDescriptions:
- {name: cafe-api, url: "https://cafe.example.com/openapi.yaml", type: openapi}
workflows:
- workflowId: inner
  steps:
  - stepId: s
    operationId: putThing
    parameters:
    - {name: id, in: path, value: x}
    - {name: X-Request-Id, in: header, value: r}
    requestBody: {payload: {name: n}}
"#;
    let outer = r#"arazzo: 1.0.1
info: {title: outer, version: "1"}
sourceDescriptions:
- {name: users-flows, url: "https://example.com/flows.arazzo.yaml", type: arazzo}
workflows:
- workflowId: outer
  steps:
  - stepId: run
    workflowId: $sourceDescriptions.users-flows.inner
"#;
    let dir = workdir(
        "included",
        &[
            ("arazzo/outer.yaml", outer),
            ("arazzo/inner.yaml", inner),
            ("openapi/api.yaml", API),
        ],
    );
    let out = compile_in(
        &dir,
        "arazzo/outer.yaml",
        &[
            ("users-flows", "arazzo/inner.yaml"),
            ("cafe-api", "openapi/api.yaml"),
        ],
    );
    assert_clean(&out);
    // Unmapped, the help shows the string-key form of the macro argument.
    let out = compile_in(
        &dir,
        "arazzo/outer.yaml",
        &[("users-flows", "arazzo/inner.yaml")],
    );
    let m = messages(&out);
    assert!(
        m.iter()
            .any(|x| x.contains("sources(\"cafe-api\" = \"specs/cafe-api.yaml\")")),
        "{m:#?}"
    );
}

const UPSERT_API: &str = r##"openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /c/{id}:
    get:
      operationId: getC
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, required: [customerId], properties: {customerId: {type: string}}}
        "404":
          description: missing
          content:
            application/json:
              schema: {type: object, required: [message], properties: {message: {type: string}}}
"##;

fn upsert_doc(criteria: &str) -> String {
    format!(
        r##"arazzo: 1.0.1
info: {{title: t, version: "1"}}
sourceDescriptions:
- {{name: api, url: ./api.yaml, type: openapi}}
workflows:
- workflowId: upsert
  inputs: {{type: object, properties: {{id: {{type: string}}}}}}
  steps:
  - stepId: get
    operationId: getC
    parameters:
    - {{name: id, in: path, value: $inputs.id}}
{criteria}    outputs:
      why: $response.body#/message
"##
    )
}

#[test]
fn an_output_found_only_in_an_admitted_error_response_is_accepted() {
    let criteria =
        "    successCriteria:\n    - condition: $statusCode == 200 || $statusCode == 404\n";
    let dir = workdir(
        "admitted-404",
        &[
            ("api.yaml", UPSERT_API),
            ("wf.arazzo.yaml", &upsert_doc(criteria)),
        ],
    );
    assert_clean(&compile_in(&dir, "wf.arazzo.yaml", &[]));
}

#[test]
fn an_output_found_only_in_a_response_the_criteria_exclude_is_refused() {
    // No criteria: only a 2xx response succeeds, and it has no `message`.
    let dir = workdir(
        "excluded-404",
        &[
            ("api.yaml", UPSERT_API),
            ("wf.arazzo.yaml", &upsert_doc("")),
        ],
    );
    let m = messages(&compile_in(&dir, "wf.arazzo.yaml", &[]));
    assert!(
        m.iter()
            .any(|d| d.contains("the 200 response of `getC` has no property `message`")),
        "{m:#?}"
    );
}

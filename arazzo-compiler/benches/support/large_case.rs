//! The large case of the build-time benchmarks, generated: an OpenAPI description of
//! [`LARGE_OPERATIONS`] operations (≈ 5 MB of YAML) and an Arazzo document of
//! [`LARGE_WORKFLOWS`] × [`LARGE_STEPS`] steps over it. Shared by the `compile`
//! benchmark and the in-rustc measurement (`../in_rustc`), which include this file.

use std::path::PathBuf;

/// Operations in the generated large OpenAPI description.
pub const LARGE_OPERATIONS: usize = 2_100;
/// Workflows (of [`LARGE_STEPS`] steps each) in the generated large Arazzo document.
pub const LARGE_WORKFLOWS: usize = 100;
/// Steps per workflow in the generated large Arazzo document.
pub const LARGE_STEPS: usize = 10;

/// An OpenAPI description of [`LARGE_OPERATIONS`] operations (≈ 5 MB of YAML), each
/// with a path parameter, a header, a JSON request body and a 200 response whose
/// schemas are components of their own, and an Arazzo document of
/// [`LARGE_WORKFLOWS`] × [`LARGE_STEPS`] steps over it, each step passing an
/// output of the step before it. Written once into a temporary directory.
pub fn large_case() -> &'static (PathBuf, String, String) {
    static CASE: std::sync::OnceLock<(PathBuf, String, String)> = std::sync::OnceLock::new();
    CASE.get_or_init(|| {
        use std::fmt::Write as _;
        let dir = std::env::temp_dir().join(format!("arazzo-bench-large-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let mut oas = String::from(
            "openapi: 3.1.0\ninfo:\n  title: Large generated API\n  version: 1.0.0\nservers:\n- url: https://large.example\npaths:\n",
        );
        let mut schemas = String::from("components:\n  schemas:\n");
        for i in 0..LARGE_OPERATIONS {
            let _ = write!(
                oas,
                "  /things{i}/{{thingId}}/items:\n    post:\n      operationId: op{i}\n      summary: Create an item of thing kind {i}\n      description: Creates an item under the given thing; generated for the large benchmark case, with enough prose to be realistic in size for a documented public API description. Items are validated on creation; the response carries the stored item with its generated identifier, its owner and its timestamps, and errors follow the problem-details format.\n      parameters:\n      - name: thingId\n        in: path\n        required: true\n        description: The thing the item belongs to.\n        schema: {{type: string}}\n      - name: X-Request-Id\n        in: header\n        description: A request id echoed in the response.\n        schema: {{type: string}}\n      - name: verbose\n        in: query\n        schema: {{type: boolean}}\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Item{i}Write'\n      responses:\n        '200':\n          description: The created item.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Item{i}'\n        '400':\n          description: Invalid.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Problem'\n        '404':\n          description: No such thing.\n"
            );
            let _ = write!(
                schemas,
                "    Item{i}Write:\n      type: object\n      required: [name, quantity]\n      properties:\n        name: {{type: string, description: The name of the item.}}\n        quantity: {{type: integer, format: int32}}\n        price: {{type: number}}\n        tags: {{type: array, items: {{type: string}}}}\n        status: {{type: string, enum: [draft, active, retired]}}\n        note: {{type: string, description: A free-form note shown to operators in the console.}}\n    Item{i}:\n      type: object\n      required: [id, name]\n      properties:\n        id: {{type: string, description: The identifier of the created item.}}\n        name: {{type: string}}\n        quantity: {{type: integer, format: int32}}\n        price: {{type: number}}\n        tags: {{type: array, items: {{type: string}}}}\n        createdAt: {{type: string, format: date-time}}\n        owner:\n          type: object\n          properties:\n            id: {{type: string}}\n            email: {{type: string, format: email}}\n        status: {{type: string, enum: [draft, active, retired]}}\n"
            );
        }
        schemas.push_str("    Problem:\n      type: object\n      properties:\n        title: {type: string}\n        detail: {type: string}\n");
        oas.push_str(&schemas);
        let mut doc = String::from(
            "arazzo: 1.0.1\ninfo:\n  title: Large generated workflows\n  version: 1.0.0\nsourceDescriptions:\n- name: large\n  url: large.openapi.yaml\n  type: openapi\nworkflows:\n",
        );
        for w in 0..LARGE_WORKFLOWS {
            let _ = write!(
                doc,
                "- workflowId: flow{w}\n  summary: Generated workflow {w}.\n  inputs:\n    type: object\n    required: [thing, name]\n    properties:\n      thing: {{type: string}}\n      name: {{type: string}}\n      quantity: {{type: integer}}\n  steps:\n"
            );
            for s in 0..LARGE_STEPS {
                let op = (w * LARGE_STEPS + s) * 7 % LARGE_OPERATIONS;
                let thing = if s == 0 {
                    "$inputs.thing".to_owned()
                } else {
                    format!("$steps.step{}.outputs.id", s - 1)
                };
                let _ = write!(
                    doc,
                    "  - stepId: step{s}\n    operationId: op{op}\n    parameters:\n    - name: thingId\n      in: path\n      value: {thing}\n    - name: X-Request-Id\n      in: header\n      value: req-{w}-{s}\n    requestBody:\n      contentType: application/json\n      payload:\n        name: $inputs.name\n        quantity: 3\n        tags: [generated, 'step {s}']\n    successCriteria:\n    - condition: $statusCode == 200\n    outputs:\n      id: $response.body#/id\n      owner: $response.body#/owner/email\n"
                );
            }
            let _ = write!(
                doc,
                "  outputs:\n    last: $steps.step{}.outputs.id\n",
                LARGE_STEPS - 1
            );
        }
        let _ = std::fs::write(dir.join("large.openapi.yaml"), &oas);
        let _ = std::fs::write(dir.join("large.arazzo.yaml"), &doc);
        (dir, oas, doc)
    })
}

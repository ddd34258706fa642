// Inputs typed from JSON Schema: `$ref` to components/inputs, nested object → struct,
// string enum → Rust enum (matched exhaustively), int32/float formats, arrays,
// additionalProperties → map, `type: [string, "null"]`, `default`, and oneOf of
// distinct types → an untagged enum.
mod wf {
    arazzo::arazzo_workflow!(
        "tests/ui/fixtures/pass/input-types.arazzo.yaml",
        sources(statusApi = "tests/ui/fixtures/openapi/status-32.yaml")
    );
}

use std::collections::BTreeMap;
use wf::typed_inputs::{self as typed, Inputs, InputsLevel, InputsService, InputsTarget};

fn _types(i: Inputs, o: typed::Outputs) {
    let s: InputsService = i.service;
    let _id: String = s.id;
    let _region: Option<String> = s.region;
    match i.level {
        InputsLevel::Basic | InputsLevel::Full => {}
        InputsLevel::UnknownValue(_) => {}
    }
    let _r: i32 = i.retries;
    let _ratio: f32 = i.ratio;
    let _tags: Vec<String> = i.tags;
    let _labels: Option<BTreeMap<String, String>> = i.labels;
    let _note: Option<String> = i.note;
    let _verbose: Option<bool> = i.verbose;
    match i.target {
        Some(InputsTarget::String(_)) | Some(InputsTarget::Integer(_)) | None => {}
    }
    let _state: wf::typed_inputs::StatusState = o.state;
}

fn main() {}

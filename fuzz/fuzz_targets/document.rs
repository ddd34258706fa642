//! A whole Arazzo document from arbitrary bytes, checked against the real metering
//! OpenAPI and emitted: never a panic, only diagnostics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc_path = root.join("specs/arazzo/fuzz-input.arazzo.yaml");
    let file = Arc::new(arazzo_compiler::diag::SourceFile {
        display: "fuzz-input.arazzo.yaml".into(),
        text: String::from_utf8_lossy(data).into_owned(),
    });
    let options = arazzo_compiler::Options { display_root: root, ..Default::default() };
    let out = arazzo_compiler::compile_source(file, &doc_path, &options);
    for d in &out.diagnostics {
        let _ = d.to_string();
    }
});

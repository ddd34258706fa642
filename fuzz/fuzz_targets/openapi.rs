//! The seed workflow against an OpenAPI description made of arbitrary bytes:
//! never a panic, only diagnostics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::Arc;

fn workdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("arazzo-fuzz-openapi-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("arazzo"));
    let _ = std::fs::create_dir_all(dir.join("openapi"));
    dir
}

const SEED: &str = include_str!("../../specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");

fuzz_target!(|data: &[u8]| {
    let dir = workdir();
    if std::fs::write(dir.join("openapi/amberflo-metering-openapi.yaml"), data).is_err() {
        return;
    }
    arazzo_compiler::openapi::clear_parse_cache();
    let file = Arc::new(arazzo_compiler::diag::SourceFile { display: "seed.yml".into(), text: SEED.into() });
    let options = arazzo_compiler::Options { display_root: dir.clone(), ..Default::default() };
    let out = arazzo_compiler::compile_source(file, &dir.join("arazzo/seed.yml"), &options);
    for d in &out.diagnostics {
        let _ = d.to_string();
    }
});

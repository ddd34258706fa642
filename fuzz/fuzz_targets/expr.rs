//! Runtime expressions and string templates from arbitrary text: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = arazzo_compiler::expr::parse_expression(&text);
    let _ = arazzo_compiler::expr::parse_template(&text);
    let _ = arazzo_compiler::expr::classify(&text);
});

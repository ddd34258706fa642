//! Criterion conditions from arbitrary text: never a panic, bounded nesting.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = arazzo_compiler::condition::parse_condition(&text);
});

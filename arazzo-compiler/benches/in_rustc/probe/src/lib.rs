//! Times the large case's expansion inside rustc, against the plain YAML parse of its
//! files, in alternating rounds (`ROUNDS`, 7 by default), and prints the medians.
//!
//! Three ways are timed in each round:
//! - `parse`: the two files parsed into positioned YAML trees, as the `compile` bench's
//!   `parse_large_yaml`;
//! - `compiler tokens`: `compile` building the compiler's tokens through the proc-macro
//!   bridge (what `quote!` does inside a procedural macro), then handed to rustc;
//! - `fallback tokens`: `compile` building proc-macro2's own tokens (as `arazzo_workflow!`
//!   does), then handed to rustc as text, which rustc's lexer reads back.

use proc_macro::TokenStream;
use std::time::Instant;

#[path = "../../../support/large_case.rs"]
#[allow(dead_code)]
mod large_case;

/// Milliseconds since `t`.
fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs the measurement and expands to nothing.
#[proc_macro]
pub fn measure(_: TokenStream) -> TokenStream {
    let (dir, oas, doc) = large_case::large_case();
    let path = dir.join("large.arazzo.yaml");
    let options = arazzo_compiler::Options {
        display_root: dir.clone(),
        ..Default::default()
    };
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let limits = arazzo_compiler::yaml::Limits::default;
    let (mut parse, mut compiler, mut fallback, mut lex) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let t = Instant::now();
        let trees = (
            arazzo_compiler::yaml::parse(oas, limits()),
            arazzo_compiler::yaml::parse(doc, limits()),
        );
        parse.push(ms(t));
        drop(trees);

        arazzo_compiler::openapi::clear_parse_cache();
        let t = Instant::now();
        let out = arazzo_compiler::compile(&path, &options);
        let tokens = TokenStream::from(out.tokens);
        compiler.push(ms(t));
        assert!(
            out.diagnostics.is_empty(),
            "the large case compiles cleanly"
        );
        drop(tokens);

        arazzo_compiler::openapi::clear_parse_cache();
        let t = Instant::now();
        proc_macro2::fallback::force();
        let out = arazzo_compiler::compile(&path, &options);
        proc_macro2::fallback::unforce();
        let text = out.tokens.to_string();
        let before_lexing = Instant::now();
        let tokens: TokenStream = text.parse().expect("the generated code lexes");
        lex.push(ms(before_lexing));
        fallback.push(ms(t));
        drop(tokens);
    }
    let (parse, compiler, fallback, lex) = (
        median(parse),
        median(compiler),
        median(fallback),
        median(lex),
    );
    eprintln!("in rustc, medians of {rounds} rounds:");
    eprintln!("  parse            {parse:7.1} ms");
    eprintln!(
        "  compiler tokens  {compiler:7.1} ms  {:.2}x the parse",
        compiler / parse
    );
    eprintln!(
        "  fallback tokens  {fallback:7.1} ms  {:.2}x the parse (of which rustc's lexer {lex:.1} ms)",
        fallback / parse
    );
    TokenStream::new()
}

//! Times the large case's expansion inside rustc, against the plain YAML parse of its
//! files, in alternating rounds (`ROUNDS`, 7 by default), and prints the medians:
//! - `parse`: the two files parsed into positioned YAML trees, as the `compile` bench's
//!   `parse_large_yaml`;
//! - `expansion`: what `arazzo_workflow!` does: `compile`, then its code handed to rustc's
//!   lexer (`proc_macro::TokenStream::from_str`); the lexer's share is printed too.

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
    let (mut parse, mut expansion, mut lex) = (vec![], vec![], vec![]);
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
        let before_lexing = Instant::now();
        let tokens: TokenStream = out.code.parse().expect("the generated code lexes");
        lex.push(ms(before_lexing));
        expansion.push(ms(t));
        assert!(
            out.diagnostics.is_empty(),
            "the large case compiles cleanly"
        );
        drop(tokens);
    }
    let (parse, expansion, lex) = (median(parse), median(expansion), median(lex));
    eprintln!("in rustc, medians of {rounds} rounds:");
    eprintln!("  parse      {parse:7.1} ms");
    eprintln!(
        "  expansion  {expansion:7.1} ms  {:.2}x the parse (of which rustc's lexer {lex:.1} ms)",
        expansion / parse
    );
    TokenStream::new()
}

//! The language server's latency on the large case of the compiler's benchmarks (a 5 MB
//! OpenAPI description, 100 workflows of 10 steps): diagnostics after an edit of the
//! Arazzo document with the parsed OpenAPI kept ([`Analyzer`]), and completion.
//!
//! Run: `cargo bench -p arazzoc --bench lsp`. Results are recorded in BENCHMARKS.md.

use arazzo_compiler::query::{Analyzer, Overlays};
use std::sync::Arc;

#[allow(dead_code)]
#[path = "../src/lsp.rs"]
mod lsp;

#[allow(dead_code)]
#[path = "../../arazzo-compiler/benches/support/large_case.rs"]
mod large_case;

fn main() {
    divan::main();
}

fn analyzer() -> (Analyzer, std::path::PathBuf, &'static str) {
    let (dir, _, doc) = large_case::large_case();
    let analyzer = Analyzer::new(arazzo_compiler::Options {
        display_root: dir.clone(),
        ..Default::default()
    });
    let path = dir.join("large.arazzo.yaml");
    // The first analysis parses the OpenAPI description; later ones reuse it.
    let first = analyzer.analyze(&path, &Overlays::new());
    assert!(
        first.diagnostics.is_empty(),
        "{:?}",
        first.diagnostics.first().map(ToString::to_string)
    );
    (analyzer, path, doc)
}

/// An edit of the Arazzo document (a different misspelt input each time), then its
/// analysis and the diagnostics as the server publishes them.
#[divan::bench(sample_count = 20)]
fn diagnostics_after_edit(b: divan::Bencher) {
    let (analyzer, path, doc) = analyzer();
    let counter = std::sync::atomic::AtomicU64::new(0);
    b.with_inputs(|| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let text = doc.replacen("$inputs.name", &format!("$inputs.nam{n}"), 1);
        let mut overlays = Overlays::new();
        overlays.insert(path.clone(), Arc::from(text));
        overlays
    })
    .bench_refs(|overlays| {
        let a = analyzer.analyze(&path, overlays);
        let index = lsp::LineIndex::new(&a.text);
        let published: Vec<_> = a
            .diagnostics
            .iter()
            .map(|d| lsp::lsp_diagnostic(&a, &index, d))
            .collect();
        assert_eq!(published.len(), 1);
        published
    });
}

/// Completion right after typing (the text differs from the last analysis): `$inputs.`
/// and `$response.body#/` in the last step of the last workflow, and `operationId:`
/// among the 2 100 operations.
#[divan::bench(args = ["$inputs.", "$response.body#/", "operationId: op20"])]
fn completion(b: divan::Bencher, typed: &str) {
    let (analyzer, path, doc) = analyzer();
    let analysis = analyzer.analyze(&path, &Overlays::new());
    let at = doc
        .rfind("      id: $response.body#/id")
        .expect("the last step's output")
        + 10;
    let text = match typed {
        "operationId: op20" => {
            let at = doc.rfind("operationId: op").expect("an operationId");
            let end = at + doc[at..].find('\n').expect("a line");
            format!("{}{typed}{}", &doc[..at], &doc[end..])
        }
        _ => format!(
            "{}{typed}{}",
            &doc[..at],
            &doc[at + "$response.body#/id".len()..]
        ),
    };
    let offset = match typed {
        "operationId: op20" => text.rfind(typed).expect("typed") + typed.len(),
        _ => at + typed.len(),
    };
    b.bench(|| {
        let items = lsp::completions(&analysis, &text, offset);
        assert!(!items.is_empty(), "{typed}");
        items
    });
}

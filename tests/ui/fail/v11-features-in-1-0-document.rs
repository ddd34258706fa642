// Arazzo 1.1 fields and expressions in a document that declares 1.0.1: each is an
// error naming the version, all reported in one build.
arazzo::arazzo_workflow!("tests/ui/fixtures/v11-features-in-1-0-document.arazzo.yaml");

fn main() {}

// Source urls and `$ref`s are confined to the document's crate (issue 30, finding 8).
arazzo::arazzo_workflow!("tests/ui/fixtures/source-outside-the-crate.arazzo.yaml");

fn main() {}

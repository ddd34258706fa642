arazzo::arazzo_workflow!("tests/ui/fixtures/doc-unknown-source-type.arazzo.yaml");

fn main() {}

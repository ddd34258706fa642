arazzo::arazzo_workflow!("tests/ui/fixtures/doc-unknown-field.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/doc-yaml-syntax-error.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/oas-operation-path-unresolved.arazzo.yaml");

fn main() {}

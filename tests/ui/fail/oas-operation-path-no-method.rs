arazzo::arazzo_workflow!("tests/ui/fixtures/oas-operation-path-no-method.arazzo.yaml");

fn main() {}

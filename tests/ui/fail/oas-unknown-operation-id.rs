arazzo::arazzo_workflow!("tests/ui/fixtures/oas-unknown-operation-id.arazzo.yaml");

fn main() {}

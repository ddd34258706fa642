arazzo::arazzo_workflow!("tests/ui/fixtures/oas-ambiguous-operation-id.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/oas-response-pointer-drift.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/name-step-output-undeclared.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/workflow-step-unknown-input.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/name-workflow-output-unknown-step-output.arazzo.yaml");

fn main() {}

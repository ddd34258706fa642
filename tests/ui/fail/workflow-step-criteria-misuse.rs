arazzo::arazzo_workflow!("tests/ui/fixtures/workflow-step-criteria-misuse.arazzo.yaml");

fn main() {}

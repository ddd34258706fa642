arazzo::arazzo_workflow!("tests/ui/fixtures/action-goto-step-and-workflow.arazzo.yaml");

fn main() {}

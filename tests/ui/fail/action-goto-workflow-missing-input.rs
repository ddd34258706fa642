arazzo::arazzo_workflow!("tests/ui/fixtures/action-goto-workflow-missing-input.arazzo.yaml");

fn main() {}

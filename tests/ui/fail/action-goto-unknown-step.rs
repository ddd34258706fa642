arazzo::arazzo_workflow!("tests/ui/fixtures/action-goto-unknown-step.arazzo.yaml");

fn main() {}

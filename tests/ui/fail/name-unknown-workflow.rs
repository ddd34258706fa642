arazzo::arazzo_workflow!("tests/ui/fixtures/name-unknown-workflow.arazzo.yaml");

fn main() {}

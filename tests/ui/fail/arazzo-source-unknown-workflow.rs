arazzo::arazzo_workflow!("tests/ui/fixtures/arazzo-source-unknown-workflow.arazzo.yaml");

fn main() {}

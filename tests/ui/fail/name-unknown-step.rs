arazzo::arazzo_workflow!("tests/ui/fixtures/name-unknown-step.arazzo.yaml");

fn main() {}

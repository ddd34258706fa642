arazzo::arazzo_workflow!("tests/ui/fixtures/step-two-targets.arazzo.yaml");

fn main() {}

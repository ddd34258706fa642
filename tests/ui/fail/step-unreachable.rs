arazzo::arazzo_workflow!("tests/ui/fixtures/step-unreachable.arazzo.yaml");

fn main() {}

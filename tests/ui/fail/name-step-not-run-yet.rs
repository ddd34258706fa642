arazzo::arazzo_workflow!("tests/ui/fixtures/name-step-not-run-yet.arazzo.yaml");

fn main() {}

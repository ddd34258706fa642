arazzo::arazzo_workflow!("tests/ui/fixtures/action-retry-after-negative.arazzo.yaml");

fn main() {}

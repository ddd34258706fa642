arazzo::arazzo_workflow!("tests/ui/fixtures/success-action-retry.arazzo.yaml");

fn main() {}

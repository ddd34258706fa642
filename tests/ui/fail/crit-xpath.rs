arazzo::arazzo_workflow!("tests/ui/fixtures/crit-xpath.arazzo.yaml");

fn main() {}

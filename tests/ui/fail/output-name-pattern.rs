arazzo::arazzo_workflow!("tests/ui/fixtures/output-name-pattern.arazzo.yaml");

fn main() {}

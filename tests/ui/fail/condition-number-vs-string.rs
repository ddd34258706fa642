arazzo::arazzo_workflow!("tests/ui/fixtures/condition-number-vs-string.arazzo.yaml");

fn main() {}

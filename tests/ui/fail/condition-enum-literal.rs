arazzo::arazzo_workflow!("tests/ui/fixtures/condition-enum-literal.arazzo.yaml");

fn main() {}

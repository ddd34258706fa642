arazzo::arazzo_workflow!("tests/ui/fixtures/cond-trailing-operator.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/position-dq-escape.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/cond-single-equals.arazzo.yaml");

fn main() {}

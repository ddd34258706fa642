arazzo::arazzo_workflow!("tests/ui/fixtures/expr-steps-outputz.arazzo.yaml");

fn main() {}

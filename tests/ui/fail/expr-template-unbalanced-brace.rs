arazzo::arazzo_workflow!("tests/ui/fixtures/expr-template-unbalanced-brace.arazzo.yaml");

fn main() {}

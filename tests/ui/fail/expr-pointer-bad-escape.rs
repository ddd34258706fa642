arazzo::arazzo_workflow!("tests/ui/fixtures/expr-pointer-bad-escape.arazzo.yaml");

fn main() {}

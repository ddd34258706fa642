arazzo::arazzo_workflow!("tests/ui/fixtures/expr-unknown-root.arazzo.yaml");

fn main() {}

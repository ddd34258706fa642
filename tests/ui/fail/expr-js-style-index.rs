arazzo::arazzo_workflow!("tests/ui/fixtures/expr-js-style-index.arazzo.yaml");

fn main() {}

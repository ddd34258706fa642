arazzo::arazzo_workflow!("tests/ui/fixtures/expr-inputs-empty-name.arazzo.yaml");

fn main() {}

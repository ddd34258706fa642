arazzo::arazzo_workflow!("tests/ui/fixtures/expr-inputs-pointer-on-scalar.arazzo.yaml");

fn main() {}

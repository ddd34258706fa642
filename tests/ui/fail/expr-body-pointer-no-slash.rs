arazzo::arazzo_workflow!("tests/ui/fixtures/expr-body-pointer-no-slash.arazzo.yaml");

fn main() {}

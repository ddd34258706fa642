arazzo::arazzo_workflow!("tests/ui/fixtures/expr-response-pointer-into-array-drift.arazzo.yaml");

fn main() {}

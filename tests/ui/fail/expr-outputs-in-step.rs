arazzo::arazzo_workflow!("tests/ui/fixtures/expr-outputs-in-step.arazzo.yaml");

fn main() {}

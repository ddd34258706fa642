arazzo::arazzo_workflow!("tests/ui/fixtures/no-cascade-literal-null-step-not-run-yet-in-body.arazzo.yaml");

fn main() {}

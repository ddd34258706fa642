arazzo::arazzo_workflow!("tests/ui/fixtures/no-cascade-literal-null-unknown-root-in-body.arazzo.yaml");

fn main() {}

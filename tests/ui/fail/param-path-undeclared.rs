arazzo::arazzo_workflow!("tests/ui/fixtures/param-path-undeclared.arazzo.yaml");

fn main() {}

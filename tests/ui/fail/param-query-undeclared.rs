arazzo::arazzo_workflow!("tests/ui/fixtures/param-query-undeclared.arazzo.yaml");

fn main() {}

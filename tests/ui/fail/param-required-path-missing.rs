arazzo::arazzo_workflow!("tests/ui/fixtures/param-required-path-missing.arazzo.yaml");

fn main() {}

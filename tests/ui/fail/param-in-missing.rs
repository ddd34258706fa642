arazzo::arazzo_workflow!("tests/ui/fixtures/param-in-missing.arazzo.yaml");

fn main() {}

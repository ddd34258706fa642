arazzo::arazzo_workflow!("tests/ui/fixtures/param-duplicate.arazzo.yaml");

fn main() {}

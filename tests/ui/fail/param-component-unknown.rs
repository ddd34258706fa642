arazzo::arazzo_workflow!("tests/ui/fixtures/param-component-unknown.arazzo.yaml");

fn main() {}

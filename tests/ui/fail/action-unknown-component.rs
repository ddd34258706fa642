arazzo::arazzo_workflow!("tests/ui/fixtures/action-unknown-component.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/body-unknown-property.arazzo.yaml");

fn main() {}

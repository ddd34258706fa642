arazzo::arazzo_workflow!("tests/ui/fixtures/body-unsupported-content-type.arazzo.yaml");

fn main() {}

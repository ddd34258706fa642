arazzo::arazzo_workflow!("tests/ui/fixtures/body-required-property-missing.arazzo.yaml");

fn main() {}

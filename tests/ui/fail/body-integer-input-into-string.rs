arazzo::arazzo_workflow!("tests/ui/fixtures/body-integer-input-into-string.arazzo.yaml");

fn main() {}

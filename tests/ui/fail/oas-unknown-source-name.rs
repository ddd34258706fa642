arazzo::arazzo_workflow!("tests/ui/fixtures/oas-unknown-source-name.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/oas-missing-file.arazzo.yaml");

fn main() {}

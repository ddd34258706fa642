arazzo::arazzo_workflow!("tests/ui/fixtures/name-input-misspelt.arazzo.yaml");

fn main() {}

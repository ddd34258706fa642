arazzo::arazzo_workflow!("tests/ui/fixtures/source-name-pattern.arazzo.yaml");

fn main() {}

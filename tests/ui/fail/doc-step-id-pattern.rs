arazzo::arazzo_workflow!("tests/ui/fixtures/doc-step-id-pattern.arazzo.yaml");

fn main() {}

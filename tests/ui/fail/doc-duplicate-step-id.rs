arazzo::arazzo_workflow!("tests/ui/fixtures/doc-duplicate-step-id.arazzo.yaml");

fn main() {}

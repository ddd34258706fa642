arazzo::arazzo_workflow!("tests/ui/fixtures/doc-duplicate-workflow-id.arazzo.yaml");

fn main() {}

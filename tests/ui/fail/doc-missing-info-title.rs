arazzo::arazzo_workflow!("tests/ui/fixtures/doc-missing-info-title.arazzo.yaml");

fn main() {}

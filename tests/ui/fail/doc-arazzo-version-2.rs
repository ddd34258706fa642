arazzo::arazzo_workflow!("tests/ui/fixtures/doc-arazzo-version-2.arazzo.yaml");

fn main() {}

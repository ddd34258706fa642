arazzo::arazzo_workflow!("tests/ui/fixtures/doc-wrong-type.arazzo.yaml");

fn main() {}

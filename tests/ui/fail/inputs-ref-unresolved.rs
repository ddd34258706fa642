arazzo::arazzo_workflow!("tests/ui/fixtures/inputs-ref-unresolved.arazzo.yaml");

fn main() {}

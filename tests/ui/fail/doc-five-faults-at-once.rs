arazzo::arazzo_workflow!("tests/ui/fixtures/doc-five-faults-at-once.arazzo.yaml");

fn main() {}

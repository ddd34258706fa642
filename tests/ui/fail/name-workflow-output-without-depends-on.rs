arazzo::arazzo_workflow!("tests/ui/fixtures/name-workflow-output-without-depends-on.arazzo.yaml");

fn main() {}

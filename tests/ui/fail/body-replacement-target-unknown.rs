arazzo::arazzo_workflow!("tests/ui/fixtures/body-replacement-target-unknown.arazzo.yaml");

fn main() {}

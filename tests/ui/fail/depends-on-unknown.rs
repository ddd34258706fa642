arazzo::arazzo_workflow!("tests/ui/fixtures/depends-on-unknown.arazzo.yaml");

fn main() {}

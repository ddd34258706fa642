arazzo::arazzo_workflow!("tests/ui/fixtures/cond-wrapped-in-braces.arazzo.yaml");

fn main() {}

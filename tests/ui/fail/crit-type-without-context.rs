arazzo::arazzo_workflow!("tests/ui/fixtures/crit-type-without-context.arazzo.yaml");

fn main() {}

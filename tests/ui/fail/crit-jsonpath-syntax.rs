arazzo::arazzo_workflow!("tests/ui/fixtures/crit-jsonpath-syntax.arazzo.yaml");

fn main() {}

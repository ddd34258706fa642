arazzo::arazzo_workflow!("tests/ui/fixtures/crit-invalid-regex.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/no-false-positive-depends-on-cycle-outputs.arazzo.yaml");

fn main() {}

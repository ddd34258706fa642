arazzo::arazzo_workflow!("tests/ui/fixtures/crit-jsonpath-goessner-length.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/body-enum-literal-not-allowed.arazzo.yaml");

fn main() {}

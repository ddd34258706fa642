arazzo::arazzo_workflow!("tests/ui/fixtures/body-literal-wrong-type.arazzo.yaml");

fn main() {}

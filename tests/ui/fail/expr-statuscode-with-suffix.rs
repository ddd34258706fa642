arazzo::arazzo_workflow!("tests/ui/fixtures/expr-statuscode-with-suffix.arazzo.yaml");

fn main() {}

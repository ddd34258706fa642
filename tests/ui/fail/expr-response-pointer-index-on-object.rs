arazzo::arazzo_workflow!("tests/ui/fixtures/expr-response-pointer-index-on-object.arazzo.yaml");

fn main() {}

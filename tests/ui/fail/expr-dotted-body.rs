arazzo::arazzo_workflow!("tests/ui/fixtures/expr-dotted-body.arazzo.yaml");

fn main() {}

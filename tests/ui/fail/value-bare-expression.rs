// A runtime expression outside `{...}` in a string value would be sent as literal text.
arazzo::arazzo_workflow!("tests/ui/fixtures/value-bare-expression.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/cond-unbalanced-parens.arazzo.yaml");

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/cond-double-quoted-string.arazzo.yaml");

fn main() {}

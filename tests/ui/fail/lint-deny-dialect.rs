// `deny(dialect)` turns every dialect warning into an error.
arazzo::arazzo_workflow!("tests/specs/arazzo/dialects.arazzo.yaml", deny(dialect));

fn main() {}

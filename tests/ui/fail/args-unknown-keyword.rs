// An argument that is not `sources(...)` or a lint level is an error on that argument.
arazzo::arazzo_workflow!("tests/ui/fixtures/name-input-misspelt.arazzo.yaml", source(shop = "x.yaml"));

fn main() {}

arazzo::arazzo_workflow!("tests/ui/fixtures/request-header-not-sent.arazzo.yaml");

fn main() {}

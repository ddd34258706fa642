arazzo::arazzo_workflow!("tests/ui/fixtures/request-in-request.arazzo.yaml");

fn main() {}

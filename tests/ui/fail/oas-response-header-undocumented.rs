arazzo::arazzo_workflow!("tests/ui/fixtures/oas-response-header-undocumented.arazzo.yaml");

fn main() {}

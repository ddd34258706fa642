arazzo::arazzo_workflow!("tests/ui/fixtures/oas-remote-url-without-mapping.arazzo.yaml");

fn main() {}

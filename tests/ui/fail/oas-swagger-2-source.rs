arazzo::arazzo_workflow!("tests/ui/fixtures/oas-swagger-2-source.arazzo.yaml");

fn main() {}

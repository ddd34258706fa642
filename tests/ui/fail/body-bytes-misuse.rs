arazzo::arazzo_workflow!("tests/ui/fixtures/body-bytes-misuse.arazzo.yaml");

fn main() {}

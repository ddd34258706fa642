arazzo::arazzo_workflow!("tests/ui/fixtures/form-body-missing-field.arazzo.yaml");

fn main() {}

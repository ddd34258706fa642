arazzo::arazzo_workflow!("tests/ui/fixtures/action-goto-without-target.arazzo.yaml");

fn main() {}

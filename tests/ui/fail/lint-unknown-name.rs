// An unknown lint name is an error listing the known ones.
arazzo::arazzo_workflow!("tests/ui/fixtures/step-unreachable.arazzo.yaml", allow(unreachable_steps));

fn main() {}

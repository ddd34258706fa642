arazzo::arazzo_workflow!("tests/ui/fixtures/no-cascade-unreachable-step-reads-earlier-step.arazzo.yaml");

fn main() {}

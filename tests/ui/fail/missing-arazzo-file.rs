// The path is resolved against CARGO_MANIFEST_DIR, then each parent directory
// up to the repository root; the error lists every path tried.
arazzo::arazzo_workflow!("tests/ui/fixtures/no-such-workflow.arazzo.yaml");

fn main() {}

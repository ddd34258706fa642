// The path must be relative to CARGO_MANIFEST_DIR (a build must not depend on where the
// repository is checked out).
arazzo::arazzo_workflow!("/etc/arazzo/workflow.yaml");

fn main() {}

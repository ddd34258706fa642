// `deny(unreachable_step)` turns the warning into an error; the second call shows a
// warning as cargo prints it (lint `undocumented_content_type`, left at `warn`).
mod denied {
    arazzo::arazzo_workflow!("tests/ui/fixtures/step-unreachable.arazzo.yaml", deny(unreachable_step));
}

mod warned {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml");
}

fn main() {}

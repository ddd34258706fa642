// `allow(...)` silences a warning: the same document twice, once with the lint at its
// default (`warn`: the warning below) and once allowed (nothing). The error at the end
// makes trybuild compare rustc's whole output, warnings included.
mod warned {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml");
}

mod allowed {
    arazzo::arazzo_workflow!(
        "tests/ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml",
        allow(undocumented_content_type),
    );
}

compile_error!("the end of the case: only `warned` warns");

fn main() {}

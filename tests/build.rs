//! Build-script mode, exercised: the code for one document is generated into `OUT_DIR`
//! and `include!`d by `tests/build_mode.rs`, which compares it with the macro's.

fn main() {
    let options = arazzo_compiler::Options::default();
    if let Err(e) = arazzo_compiler::build::generate(
        "specs/arazzo/customer-lookup.arazzo.yaml",
        "customer_lookup.rs",
        &options,
    ) {
        panic!("{e}");
    }
}

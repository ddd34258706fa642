// Lint levels in the macro call: `allow(dialect)` silences the dialect warnings (the
// dialects are still read as their canonical forms); `warn(...)` keeps the default.
mod allowed {
    arazzo::arazzo_workflow!("tests/specs/arazzo/dialects.arazzo.yaml", allow(dialect));
}

mod warned {
    arazzo::arazzo_workflow!(
        "tests/ui/fixtures/step-unreachable.arazzo.yaml",
        warn(unreachable_step),
        allow(dialect, undocumented_content_type),
    );
}

fn _types(o: allowed::restock_item::Outputs, p: warned::onboard_customer::Outputs) {
    let _price: Option<i64> = o.price;
    let _id: String = p.customer_id;
}

fn main() {}

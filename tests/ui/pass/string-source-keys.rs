// Source names that are not Rust identifiers, mapped with string keys (also for the
// Arazzo document it includes); `$schema` and `x-` extensions; a writeOnly property
// read from a response is optional; an enum from a JSON description with surrogate pairs;
// an output present in only one of the responses the success criteria admit is optional.
mod wf {
    arazzo::arazzo_workflow!(
        "tests/specs/arazzo/real-world.arazzo.yaml",
        sources(
            "cafe-api" = "tests/specs/openapi/cafe.openapi.yaml",
            "order-flows" = "tests/specs/arazzo/real-world-orders.arazzo.yaml"
        )
    );
}

fn _types(
    o: wf::place_order::Outputs,
    m: wf::menu_item::Outputs,
    i: wf::order_item::Outputs,
    f: wf::find_order::Outputs,
) {
    let _id: String = o.order_id;
    let _status: String = o.status;
    let _token: Option<String> = o.payment_token;
    let _name: String = m.name;
    let _emoji: wf::menu_item::ItemEmoji = m.emoji;
    let _item: String = i.item;
    // Success criteria admit 200 and 404; only the 200 response has `item`.
    let _maybe: Option<String> = f.item;
    // Only the 404 response (a problem document) has `title`.
    let _problem: Option<String> = f.problem;
    let _status: i64 = f.status;
}

fn _calls(client: &arazzo::Client, i: &wf::place_order::Inputs) {
    let _ = async { wf::place_order::run(client, i).await };
}

fn main() {}

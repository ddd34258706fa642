// The dialects public documents use, each read as its canonical form (lint `dialect`):
// dotted and bracket navigation after inputs, step outputs and the response body, and
// an `operationPath` naming its source description. The types follow the pointer reading.
mod wf {
    arazzo::arazzo_workflow!("tests/specs/arazzo/dialects.arazzo.yaml");
}

use wf::restock_item as restock;

fn _types(o: restock::Outputs) {
    let _name: String = o.name; // `$response.body.name`: the required `name` of `Item`
    let _first: Option<String> = o.first_tag; // `$response.body.tags[0]`
    let _price: Option<i64> = o.price; // `$steps.fetch.outputs.item.price`
    let _event: String = o.event_id;
    let _label: String = o.label;
}

fn _calls(client: &arazzo::Client, i: &restock::Inputs) {
    let _ = async { restock::run(client, i).await };
}

fn main() {}

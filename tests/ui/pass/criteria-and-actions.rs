// JSONPath (RFC 9535 and the Goessner version object) and regex criteria;
// `end`, `goto` and `retry` actions with criteria.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/criteria-and-actions.arazzo.yaml");
}

use wf::find_pro_customer as find;

fn _types(i: find::Inputs, o: find::Outputs) {
    let _key: String = i.api_key;
    // `#/items/0/id`: the list may be empty.
    let _first: Option<String> = o.first_id;
    // `seats` is not required in the response schema.
    let _seats: Option<i64> = o.seats;
}

fn _calls(client: &arazzo::Client, i: &find::Inputs) {
    let _ = async { find::run(client, i).await };
}

fn main() {}

// An Arazzo 1.1 document: `in: querystring`, Selector Objects (JSON pointer typed from
// the schema, JSONPath as JSON), `$self`, `$sourceDescriptions.<name>.type`, step
// `dependsOn` and `timeout` (run end to end in tests/tests/arazzo_1_1_e2e.rs).
mod wf {
    arazzo::arazzo_workflow!("tests/specs/arazzo/catalog-1-1.arazzo.yaml");
}

use wf::find_and_reserve as flow;

fn _types(o: flow::Outputs, s: flow::steps::SearchOutputs, f: flow::steps::FetchOutputs) {
    let _first: Option<String> = s.first_id; // `/items/0` may not exist
    let _names: Vec<arazzo::__private::serde_json::Value> = s.names;
    let _total: i64 = s.total;
    let _width: i64 = f.width;
    let _cart: String = o.cart_id;
    let _name: Option<String> = o.product_name;
    let _doc: String = o.document;
    let _url: String = o.catalog_url;
}

fn _calls(client: &arazzo::Client, i: &flow::Inputs) {
    let _ = async { flow::run(client, i).await };
}

fn main() {}

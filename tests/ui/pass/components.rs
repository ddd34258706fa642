// Components: inputs by `$ref`, parameters by `reference` (one with a `value`
// override), workflow-level parameters, success and failure actions by reference.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/components.arazzo.yaml");
}

use wf::refresh_customer as refresh;

fn _types(i: refresh::Inputs, o: refresh::Outputs) {
    let _key: String = i.api_key;
    let _id: String = i.customer_id;
    let _email: String = o.email;
    let tags: Option<Vec<refresh::ExpandedTagsItem>> = o.tags;
    let _label: Option<String> = tags.unwrap_or_default().into_iter().next().and_then(|t| t.label);
}

fn _calls(client: &arazzo::Client, i: &refresh::Inputs) {
    let _ = async { refresh::run(client, i).await };
}

fn main() {}

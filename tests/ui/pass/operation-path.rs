// Steps named by `operationPath` (`{$sourceDescriptions.shop.url}#/paths/...`).
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/operation-path.arazzo.yaml");
}

use wf::remove_customer as remove;

fn _types(i: remove::Inputs, o: remove::Outputs) {
    let _key: String = i.api_key;
    let _id: String = i.customer_id;
    let _email: String = o.email;
}

fn _calls(client: &arazzo::Client, i: &remove::Inputs) {
    let _ = async { remove::run(client, i).await };
}

fn main() {}

// A request body sent with a media type its operation does not document is a warning
// (lint `undocumented_content_type`): the body is sent as written, unchecked.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/lint-undocumented-content-type.arazzo.yaml");
}

use wf::create_customer_vendor_json as create;

fn _types(o: create::Outputs) {
    let _id: String = o.customer_id;
}

fn _calls(client: &arazzo::Client, i: &create::Inputs) {
    let _ = async { create::run(client, i).await };
}

fn main() {}

// Two source descriptions (OpenAPI 3.0 YAML and OpenAPI 3.1 JSON), operations
// named with `$sourceDescriptions.<name>.<operationId>`, templates such as
// `Bearer {$inputs.token}` in headers, and `type: [string, "null"]`.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/billing-two-sources.arazzo.yaml");
}

use wf::invoice_customer as invoice;

fn _types(i: invoice::Inputs, o: invoice::Outputs) {
    let _token: String = i.token;
    let _amount: f64 = i.amount;
    let _note: Option<String> = i.note;
    let _id: String = o.invoice_id;
    let _amount: f64 = o.amount;
    let _note: Option<String> = o.note;
    let _status: invoice::ConfirmStatus = o.status;
}

fn _calls(client: &arazzo::Client, i: &invoice::Inputs) {
    let _ = async { invoice::run(client, i).await };
}

fn main() {}

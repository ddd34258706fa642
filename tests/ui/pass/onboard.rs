// The base document of the compile-fail fixtures compiles, with these types.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/onboard.arazzo.yaml");
}

use wf::onboard_customer::{self as onboard, steps};

fn _types(i: onboard::Inputs, o: onboard::Outputs, s: steps::FetchCustomerOutputs, c: steps::CreateCustomerOutputs) {
    let _key: String = i.api_key;
    let _email: String = i.email;
    let _tier: String = i.tier;
    let _seats: Option<i64> = i.seats;
    let _id: String = o.customer_id;
    let _created: i64 = o.created_at;
    let _created: i64 = s.created_at;
    let _id: String = c.customer_id;
}

fn _calls(client: &arazzo::Client, i: &onboard::Inputs) {
    let _ = async {
        let _o: Result<onboard::Outputs, arazzo::Error> = onboard::run(client, i).await;
    };
}

fn main() {
    assert_eq!(onboard::WORKFLOW_ID, "onboard-customer");
}

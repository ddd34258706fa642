// A step no path reaches is a warning (lint `unreachable_step`), as dead code is in
// rustc: the workflow compiles, and the outputs it would give are `Option`s.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/step-unreachable.arazzo.yaml");
}

use wf::onboard_customer as onboard;

fn _types(o: onboard::Outputs) {
    let _id: String = o.customer_id;
    let _created: i64 = o.created_at;
}

fn _calls(client: &arazzo::Client, i: &onboard::Inputs) {
    let _ = async { onboard::run(client, i).await };
}

fn main() {}

// A workflowId with spaces (`Fetch Customer Email`), a step that runs another
// workflow, `dependsOn`, and `$workflows.<id>.outputs.<name>`.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/workflow-steps.arazzo.yaml");
}

use wf::{audit_customer as audit, fetch_customer_email as fetch_email, fetch_tier};

fn _types(e: fetch_email::Outputs, t: fetch_tier::Outputs, a: audit::Outputs, s: audit::steps::AgainOutputs) {
    let _email: String = e.email;
    let _created: i64 = e.created_at;
    let _tier: fetch_tier::FetchTier = t.tier;
    let tier: fetch_tier::FetchTier = a.tier;
    let _s: &str = tier.as_str();
    let _email: String = a.again_email;
    let _email: String = s.email;
}

fn _calls(client: &arazzo::Client, i: &audit::Inputs, j: &fetch_email::Inputs) {
    let _ = async { audit::run(client, i).await };
    let _ = async { fetch_email::run(client, j).await };
}

fn main() {
    assert_eq!(fetch_email::WORKFLOW_ID, "Fetch Customer Email");
}

// Steps that run a workflow (of this document and of another one) with success
// criteria over its outputs and success/failure actions; `dependsOn` and action
// targets naming another document's workflow.
mod wf {
    arazzo::arazzo_workflow!("tests/specs/arazzo/workflow-steps.arazzo.yaml");
}

use wf::{run_job, run_remote_job};

fn _types(o: run_job::Outputs, r: run_remote_job::Outputs) {
    // The steps may fail and end the workflow (or transfer): their outputs may be absent.
    let _state: Option<wf::poll_job::GetState> = o.state;
    let _remote: Option<wf::__src_job_docs::check_job::FetchState> = r.state;
}

fn _calls(client: &arazzo::Client, i: &run_job::Inputs, j: &run_remote_job::Inputs) {
    let _ = async { run_job::run(client, i).await };
    let _ = async { run_remote_job::run(client, j).await };
}

fn main() {}

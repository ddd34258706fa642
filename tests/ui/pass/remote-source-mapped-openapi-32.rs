// A remote source description mapped to a local file with `sources(...)`, an
// OpenAPI 3.2 description, a path-item parameter, an enum in a response, and a
// nullable string.
mod wf {
    arazzo::arazzo_workflow!(
        "tests/ui/fixtures/pass/remote-mapped-status.arazzo.yaml",
        sources(statusApi = "tests/ui/fixtures/openapi/status-32.yaml")
    );
}

use wf::check_service as check;

fn _types(i: check::Inputs, o: check::Outputs) {
    let _id: String = i.service_id;
    let state: check::StatusState = o.state;
    match state {
        check::StatusState::Up | check::StatusState::Degraded | check::StatusState::Down => {}
        check::StatusState::UnknownValue(_) => {}
    }
    let _at: i64 = o.checked_at;
    let _message: Option<String> = o.message;
}

fn _calls(client: &arazzo::Client, i: &check::Inputs) {
    let _ = async { check::run(client, i).await };
}

fn main() {}

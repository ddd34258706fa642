// Accepted, and typed: a pointer into a response without a schema or into a free-form
// object (`type: object` alone, `additionalProperties: true`, `{}`) is any JSON value that
// may be absent; `[` `]` in input names (Arazzo 1.0.1 names are `*( CHAR )`) and inside
// JSON pointer tokens are part of the name or token.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/free-form-and-brackets.arazzo.yaml");
}

use arazzo::__private::serde_json::Value;
use wf::free_form as flow;

fn _inputs() -> flow::Inputs {
    flow::Inputs {
        filter_name: Some("a".to_owned()),
        page_size: Some(20),
    }
}

fn _outputs(o: flow::Outputs) {
    let _total: Option<Value> = o.total;
    let _owner: Option<Value> = o.owner;
    let _extra: Option<Value> = o.extra;
    let _filter: Option<String> = o.filter;
    let _anything: Option<Value> = o.anything;
    let _size: Option<i64> = o.size;
}

fn _steps(s: flow::steps::OpenOutputs) {
    let _id: String = s.id;
    let _extra: Option<Value> = s.extra;
}

fn main() {}

// Event-driven steps used wrong: a step on an AsyncAPI operation without `action`;
// `correlationId` on a send step; `$statusCode` and `$response` on message steps;
// a `requestBody` on a receive step; `action`, `correlationId` and `$message` on a
// step that calls an HTTP operation; `$message` in a workflow output.
arazzo::arazzo_workflow!("tests/ui/fixtures/msg-step-misuse.arazzo.yaml");

fn main() {}

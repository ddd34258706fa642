// `deny(manual_credential)`: a parameter that sends by hand the credential an operation's
// security scheme supplies is an error (the seed sends its API key as `X-API-KEY`).
arazzo::arazzo_workflow!(
    "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
    deny(manual_credential)
);

fn main() {}

// Event-driven steps checked against the AsyncAPI description: an unknown operation
// and channel, an undocumented header and a parameter that is not a header, a payload
// that does not fit the message schema, and message payload and header expressions
// that name what the schemas do not have (each with a "did you mean").
arazzo::arazzo_workflow!("tests/ui/fixtures/msg-schema-drift.arazzo.yaml");

fn main() {}

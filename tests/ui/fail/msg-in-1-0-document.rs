// The event-driven parts of Arazzo 1.1 in a 1.0.1 document: each is an error naming
// the version (`asyncapi` source, `channelPath`, `action`, `correlationId`, `$message`).
arazzo::arazzo_workflow!("tests/ui/fixtures/msg-in-1-0-document.arazzo.yaml");

fn main() {}

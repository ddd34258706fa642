// Arazzo 1.1 fields used wrong: a step `dependsOn` a later and an unknown step, an
// `in: querystring` parameter the operation does not declare, `$self` without a
// `$self` field, `$sourceDescriptions.<name>.<operationId>` as a value, and the
// event-driven parts not supported yet (`asyncapi` source, `action`, `$message`);
// a `timeout` that is not positive; an unknown input and an invalid query in a
// JSONPath criterion with an embedded expression; `parameters` on an action (not supported yet).
arazzo::arazzo_workflow!("tests/ui/fixtures/v11-misuse.arazzo.yaml");

fn main() {}

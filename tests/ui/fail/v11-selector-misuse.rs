// Selector Objects (Arazzo 1.1): a pointer that drifted from the response schema, a
// pointer without `/`, an invalid JSONPath query, XPath, an unknown type, a context
// that is not structured data, and a context that is not a runtime expression.
arazzo::arazzo_workflow!("tests/ui/fixtures/v11-selector-misuse.arazzo.yaml");

fn main() {}

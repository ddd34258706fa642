// A `sources(...)` mapping that names a file that does not exist: one error, naming the paths tried.
arazzo::arazzo_workflow!(
    "tests/ui/fixtures/oas-remote-url-without-mapping.arazzo.yaml",
    sources(shop = "tests/ui/fixtures/openapi/shop-v3.yaml")
);

fn main() {}

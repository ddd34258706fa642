// Two documents, one including the other, whose source descriptions share the name
// `users-openAPI` but not the URL: mapped by URL prefix, each to its own file. The
// parent's description reads its response schema from a sibling remote file through a
// `$ref` with an absolute URL, resolved through the same mapping.
mod wf {
    arazzo::arazzo_workflow!(
        "tests/ui/fixtures/pass/url-sources/parent.arazzo.yaml",
        sources(
            "https://raw.githubusercontent.com/acme/api/main/" = "tests/ui/fixtures/pass/url-sources/vendor/acme/",
            "https://example.com/other/users.openapi.yaml" = "tests/ui/fixtures/pass/url-sources/vendor/other/users.openapi.yaml"
        )
    );
}

fn _types(u: wf::find_user::Outputs, a: wf::__src_accounts::find_account::Outputs) {
    // From the schema in the sibling remote file: `name` required, `email` not.
    let _name: String = u.name;
    let _email: Option<String> = u.email;
    // From the child's own `users-openAPI`.
    let _balance: f64 = a.balance;
}

fn main() {}

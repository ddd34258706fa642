// An `application/x-www-form-urlencoded` body, and a JSON body with `replacements`;
// a whole `$response.body` output typed by the component schema.
mod wf {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/replacements-and-form.arazzo.yaml");
}

use wf::token_then_signup as signup;

fn _types(i: signup::Inputs, o: signup::Outputs) {
    let _secret: String = i.client_secret;
    let _token: String = o.access_token;
    let _expires: i64 = o.expires_in;
    let customer: wf::types::Customer = o.customer;
    let _id: String = customer.id;
    let _created: i64 = customer.created_at;
    let _name: Option<String> = customer.name;
}

fn _calls(client: &arazzo::Client, i: &signup::Inputs) {
    let _ = async { signup::run(client, i).await };
}

fn main() {}

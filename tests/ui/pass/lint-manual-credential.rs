// `manual_credential`: a document that sets credentials by hand compiles (the lint is a
// warning, allowed here), and the same document after `arazzo fix` has no input left
// that only the removed header read (`shopKey`): the struct literals below name every field.
mod by_hand {
    arazzo::arazzo_workflow!(
        "tests/ui/fixtures/lint-manual-credential.arazzo.yaml",
        allow(manual_credential)
    );
}

mod fixed {
    arazzo::arazzo_workflow!("tests/ui/fixtures/pass/manual-credential-fixed.arazzo.yaml");
}

fn _inputs() {
    let _ = by_hand::by_hand::Inputs {
        shop_key: String::new(),
        query_key: None,
        token: String::new(),
        basic: None,
    };
    let _ = fixed::by_hand::Inputs {
        query_key: None,
        token: String::new(),
        basic: None,
    };
}

fn _calls(client: &arazzo::Client, i: &fixed::by_hand::Inputs, c: &fixed::cookie_only::Inputs) {
    let _ = async { fixed::by_hand::run(client, i).await };
    let _ = async { fixed::cookie_only::run(client, c).await };
}

fn main() {}

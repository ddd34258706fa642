//! Event-driven steps (Arazzo 1.1 on AsyncAPI 3.0): the AsyncAPI loader, the checks
//! and the generated code, through the compiler's public entry point.

mod common;
use arazzo_compiler::Output;
use common::{compile_at, rendered, repo};

const ORDERS: &str = "tests/specs/arazzo/order-events.arazzo.yaml";
const ASYNCAPI: &str = "tests/specs/asyncapi/orders.asyncapi.yaml";

/// A scratch copy of the order documents, with `edit` applied to the Arazzo
/// document and `edit_async` to the AsyncAPI one.
fn compile_edited(
    edit: impl Fn(String) -> String,
    edit_async: impl Fn(String) -> String,
) -> Output {
    let root = repo();
    let dir = std::env::temp_dir().join(format!(
        "arazzo-events-{}-{}",
        std::process::id(),
        std::thread::current()
            .name()
            .unwrap_or("t")
            .replace("::", "-")
    ));
    std::fs::create_dir_all(dir.join("arazzo")).unwrap();
    std::fs::create_dir_all(dir.join("asyncapi")).unwrap();
    let text = std::fs::read_to_string(root.join(ASYNCAPI)).unwrap();
    std::fs::write(dir.join("asyncapi/orders.asyncapi.yaml"), edit_async(text)).unwrap();
    let text = std::fs::read_to_string(root.join(ORDERS)).unwrap();
    let doc = dir.join("arazzo/order-events.arazzo.yaml");
    std::fs::write(&doc, edit(text)).unwrap();
    let out = compile_at(&doc, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn the_order_document_compiles_without_diagnostics() {
    let root = repo();
    let out = compile_at(&root.join(ORDERS), &root);
    assert!(out.diagnostics.is_empty(), "{}", rendered(&out));
    // The AsyncAPI description is tracked for rebuilds.
    assert!(
        out.files
            .iter()
            .any(|f| f.ends_with("asyncapi/orders.asyncapi.yaml")),
        "{:?}",
        out.files
    );
    let code = out.tokens().expect("the generated code lexes").to_string();
    for needle in [
        "MessageStep :: new",
        "correlate_header (\"correlationId\"",
        "correlate_payload (\"/orderId\"",
        ". receive () . await",
        ". send () . await",
        "step_timeout (2000u64)",
        "path : \"orders.confirmed\"",
        "method : \"RECEIVE\"",
    ] {
        assert!(
            code.contains(needle),
            "`{needle}` not in the generated code"
        );
    }
}

#[test]
fn a_renamed_payload_property_is_reported_at_the_expression() {
    let out = compile_edited(
        |t| t,
        |t| {
            t.replacen(
                "          confirmationId:\n            type: string\n",
                "          confirmationNumber:\n            type: string\n",
                1,
            )
        },
    );
    let errors: Vec<String> = out.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{}", rendered(&out));
    let e = &errors[0];
    assert!(
        e.contains("order-events.arazzo.yaml:49:")
            && e.contains("message `OrderConfirmed` of `confirmOrder` has no property `confirmationId` at `/confirmationId`")
            && e.contains("confirmationNumber"),
        "{e}"
    );
}

#[test]
fn asyncapi_2_is_refused_with_its_version() {
    let out = compile_edited(
        |t| t,
        |t| t.replacen("asyncapi: 3.0.0", "asyncapi: 2.6.0", 1),
    );
    let text = rendered(&out);
    assert!(
        text.contains("AsyncAPI version `2.6.0`") && text.contains("3.x is"),
        "{text}"
    );
}

#[test]
fn an_operation_without_its_channel_is_reported() {
    let out = compile_edited(
        |t| t,
        |t| {
            t.replacen(
                "      $ref: '#/channels/orderConfirmed'\n",
                "      $ref: '#/channels/nowhere'\n",
                1,
            )
        },
    );
    let text = rendered(&out);
    assert!(
        text.contains(
            "AsyncAPI operation `confirmOrder` of `orderEvents` has no `channel` that resolves"
        ),
        "{text}"
    );
}

#[test]
fn a_message_without_correlation_id_cannot_be_correlated() {
    let out = compile_edited(
        |t| t,
        |t| {
            t.replacen(
                "      correlationId:\n        location: $message.payload#/orderId\n",
                "",
                1,
            )
        },
    );
    let text = rendered(&out);
    assert!(
        text.contains(
            "step `shipped` has a `correlationId`, but the messages of `orderShipped` declare none"
        ),
        "{text}"
    );
}

#[test]
fn receive_step_without_action_names_the_operation_action() {
    let out = compile_edited(|t| t.replacen("    action: receive\n", "", 1), |t| t);
    let text = rendered(&out);
    assert!(
        text.contains("step `confirmOrder` runs an AsyncAPI operation but has no `action`")
            && text.contains("its AsyncAPI operation has `action: receive`"),
        "{text}"
    );
}

#[test]
fn an_unknown_action_is_reported_with_a_suggestion() {
    let out = compile_edited(|t| t.replacen("action: send", "action: sned", 1), |t| t);
    let text = rendered(&out);
    assert!(
        text.contains("a step `action` must be `send` or `receive`, found `sned`")
            && text.contains("did you mean `send`?"),
        "{text}"
    );
}

//! Event-driven steps (Arazzo 1.1 on AsyncAPI 3.0) end to end over the in-memory
//! transport, the test playing the order service: it reads the order the workflow
//! sends, answers on the confirmation channel (also with messages of other
//! correlation ids, which the workflow must skip), or does not answer at all.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/order-events.arazzo.yaml");
}

use std::time::Duration;

use arazzo::transport::{
    BoxFuture, InMemoryTransport, Message, MessageFilter, Transport, TransportError,
};
use flows::place_and_confirm_order::{run, steps, Inputs};
use serde_json::json;

fn inputs() -> Inputs {
    Inputs {
        order_id: "o-42".into(),
        sku: "ROSE-RED".into(),
        quantity: 3,
        correlation_id: "c-42".into(),
    }
}

fn client(broker: &InMemoryTransport) -> arazzo::Client {
    arazzo::Client::builder()
        .transport(broker.clone())
        .build()
        .unwrap()
}

fn confirmation(correlation: &str, body: serde_json::Value) -> Message {
    Message::json(&body)
        .unwrap()
        .with_header("correlationId", correlation)
}

/// The order service: reads the placed order, then answers with `replies`.
fn order_service(
    broker: &InMemoryTransport,
    replies: Vec<Message>,
) -> tokio::task::JoinHandle<Message> {
    let broker = broker.clone();
    tokio::spawn(async move {
        let placed = broker
            .next_message("orders.placed", Duration::from_secs(5))
            .await
            .expect("the workflow sends the order");
        for r in replies {
            broker.publish("orders.confirmed", r);
        }
        placed
    })
}

#[tokio::test]
async fn sends_the_order_and_receives_the_matching_confirmation() {
    let broker = InMemoryTransport::new();
    let service = order_service(
        &broker,
        vec![
            confirmation(
                "c-other",
                json!({"orderId": "o-1", "status": "REJECTED", "confirmationId": "x"}),
            ),
            confirmation(
                "c-42",
                json!({"orderId": "o-42", "status": "CONFIRMED", "confirmationId": "conf-7", "total": 13.5}),
            ),
        ],
    );
    let outputs = run(&client(&broker), &inputs()).await.unwrap();
    // Typed from the AsyncAPI message schemas.
    let order_id: String = outputs.order_id;
    let confirmation_id: String = outputs.confirmation_id;
    let total: Option<f64> = outputs.total;
    let correlation: String = outputs.correlation;
    assert_eq!(order_id, "o-42");
    assert_eq!(confirmation_id, "conf-7");
    assert_eq!(total, Some(13.5));
    assert_eq!(correlation, "c-42");

    let placed = service.await.unwrap();
    let status = steps::confirm_order(&client(&broker), &inputs()).await;
    // Run on its own, the receive step waits again (nothing left for `c-42`).
    assert!(
        matches!(status, Err(arazzo::Error::MessageTimeout { .. })),
        "{status:?}"
    );
    assert_eq!(placed.header("correlationId"), Some("c-42"));
    assert_eq!(placed.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        placed.payload_json().unwrap(),
        json!({"orderId": "o-42", "sku": "ROSE-RED", "quantity": 3})
    );
    // The other party's confirmation is still there: the workflow took only its own.
    let left = broker
        .next_message("orders.confirmed", Duration::from_millis(50))
        .await
        .unwrap();
    assert_eq!(left.header("correlationId"), Some("c-other"));
}

#[tokio::test]
async fn a_reply_published_before_the_receive_step_is_not_lost() {
    let broker = InMemoryTransport::new();
    broker.publish(
        "orders.confirmed",
        confirmation(
            "c-42",
            json!({"orderId": "o-42", "status": "CONFIRMED", "confirmationId": "early"}),
        ),
    );
    let outputs = run(&client(&broker), &inputs()).await.unwrap();
    assert_eq!(outputs.confirmation_id, "early");
    assert_eq!(outputs.total, None);
}

#[tokio::test]
async fn a_rejection_fails_the_criteria_of_the_receive_step() {
    let broker = InMemoryTransport::new();
    let _service = order_service(
        &broker,
        vec![confirmation(
            "c-42",
            json!({"orderId": "o-42", "status": "REJECTED", "confirmationId": "conf-8"}),
        )],
    );
    let err = run(&client(&broker), &inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::MessageCriteriaNotMet {
                step: "confirmOrder",
                channel: "orders.confirmed",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.step(), Some("confirmOrder"));
    assert!(err.to_string().contains("REJECTED"), "{err}");
}

#[tokio::test]
async fn no_answer_times_out_naming_the_step() {
    let broker = InMemoryTransport::new();
    let err = run(&client(&broker), &inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::MessageTimeout { step: "confirmOrder", operation: "confirmOrder", after, .. }
                if after == Duration::from_millis(2000)
        ),
        "{err:?}"
    );
    // The order was sent before.
    assert_eq!(broker.sent("orders.placed").len(), 1);
}

#[tokio::test]
async fn without_a_transport_nothing_is_sent() {
    let client = arazzo::Client::builder().build().unwrap();
    let err = run(&client, &inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::NoTransport {
                step: "placeOrder",
                source_name: "orderEvents",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_step_runs_on_its_own() {
    let broker = InMemoryTransport::new();
    let out = steps::place_order(&client(&broker), &inputs())
        .await
        .unwrap();
    assert_eq!(out.sent_order_id, "o-42");
    assert_eq!(broker.sent("orders.placed").len(), 1);
}

#[tokio::test]
async fn retry_waits_for_the_next_matching_message() {
    use flows::await_shipment::{run, Inputs};
    let broker = InMemoryTransport::new();
    let shipped = |order: &str, carrier: &str, tracking: &str| {
        Message::json(&json!({"orderId": order, "carrier": carrier, "trackingNumber": tracking}))
            .unwrap()
    };
    broker.publish("orders.shipped", shipped("o-9", "UPS", "not-mine"));
    broker.publish("orders.shipped", shipped("o-42", "DHL", "dhl-1"));
    broker.publish("orders.shipped", shipped("o-42", "UPS", "ups-1"));
    let outputs = run(
        &client(&broker),
        &Inputs {
            order_id: "o-42".into(),
            carrier: "UPS".into(),
        },
    )
    .await
    .unwrap();
    let tracking: String = outputs.tracking_number;
    let carrier: Option<String> = outputs.carrier;
    assert_eq!(tracking, "ups-1");
    assert_eq!(carrier.as_deref(), Some("UPS"));
    // The message of another order was left alone.
    assert_eq!(
        broker
            .next_message("orders.shipped", Duration::from_millis(50))
            .await
            .and_then(|m| m.payload_json().ok()),
        Some(json!({"orderId": "o-9", "carrier": "UPS", "trackingNumber": "not-mine"}))
    );
}

#[tokio::test]
async fn retries_run_out_with_the_attempts_counted() {
    use flows::await_shipment::{run, Inputs};
    let broker = InMemoryTransport::new();
    for n in 0..3 {
        broker.publish(
            "orders.shipped",
            Message::json(
                &json!({"orderId": "o-42", "carrier": "DHL", "trackingNumber": format!("d-{n}")}),
            )
            .unwrap(),
        );
    }
    let err = run(
        &client(&broker),
        &Inputs {
            order_id: "o-42".into(),
            carrier: "UPS".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::MessageCriteriaNotMet {
                step: "shipped",
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_message_larger_than_the_body_limit_is_refused() {
    let broker = InMemoryTransport::new();
    broker.publish(
        "orders.confirmed",
        confirmation(
            "c-42",
            json!({"orderId": "o-42", "status": "CONFIRMED", "confirmationId": "x".repeat(4096)}),
        ),
    );
    let client = arazzo::Client::builder()
        .transport(broker.clone())
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let err = run(&client, &inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::MessageTooLarge {
                step: "confirmOrder",
                channel: "orders.confirmed",
                limit: 1024,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("1024 bytes"), "{err}");
}

// ------------------------------------------------------- broker failures

/// A broker that fails: every send (when `send_fails`) and every receive with
/// `Unavailable`; sends that succeed go to `inner`.
struct Broken {
    inner: InMemoryTransport,
    send_fails: bool,
}

impl Transport for Broken {
    fn send<'a>(
        &'a self,
        channel: &'a str,
        message: Message,
    ) -> BoxFuture<'a, Result<(), TransportError>> {
        if self.send_fails {
            return Box::pin(async {
                Err(TransportError::Unavailable {
                    message: "connection refused by broker".into(),
                })
            });
        }
        self.inner.send(channel, message)
    }

    fn receive<'a>(
        &'a self,
        _channel: &'a str,
        _filter: &'a MessageFilter,
        _timeout: Duration,
    ) -> BoxFuture<'a, Result<Message, TransportError>> {
        Box::pin(async {
            Err(TransportError::Other(
                "consumer group rebalanced".to_owned().into(),
            ))
        })
    }
}

#[tokio::test]
async fn a_broker_that_refuses_the_message_is_a_send_error() {
    let log = InMemoryTransport::new();
    let client = arazzo::Client::builder()
        .transport(Broken {
            inner: log.clone(),
            send_fails: true,
        })
        .build()
        .unwrap();
    let err = run(&client, &inputs()).await.unwrap_err();
    match &err {
        arazzo::Error::Send {
            workflow: "place-and-confirm-order",
            step: "placeOrder",
            channel: "orders.placed",
            source: TransportError::Unavailable { message },
            ..
        } => assert_eq!(message, "connection refused by broker"),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("broker unavailable"), "{err}");
    // The receive step never ran: nothing was sent either.
    assert!(log.sent("orders.placed").is_empty());
}

#[tokio::test]
async fn a_broker_that_fails_while_waiting_is_a_receive_error() {
    let log = InMemoryTransport::new();
    let client = arazzo::Client::builder()
        .transport(Broken {
            inner: log.clone(),
            send_fails: false,
        })
        .build()
        .unwrap();
    let err = run(&client, &inputs()).await.unwrap_err();
    assert!(
        matches!(
            &err,
            arazzo::Error::Receive {
                step: "confirmOrder",
                channel: "orders.confirmed",
                source: TransportError::Other(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("consumer group rebalanced"),
        "{err}"
    );
    // The order went out before the receive failed.
    assert_eq!(log.sent("orders.placed").len(), 1);
}

#[tokio::test]
async fn a_source_transport_overrides_the_default_transport() {
    let broken = || Broken {
        inner: InMemoryTransport::new(),
        send_fails: true,
    };
    // The default is broken; `orderEvents` has a working broker of its own.
    let broker = InMemoryTransport::new();
    let _service = order_service(
        &broker,
        vec![confirmation(
            "c-42",
            json!({"orderId": "o-42", "status": "CONFIRMED", "confirmationId": "conf-9"}),
        )],
    );
    let client = arazzo::Client::builder()
        .transport(broken())
        .source_transport("orderEvents", broker.clone())
        .build()
        .unwrap();
    let out = run(&client, &inputs()).await.unwrap();
    assert_eq!(out.confirmation_id, "conf-9");

    // The other way round: the default works, the source's own broker is broken.
    let working = InMemoryTransport::new();
    let client = arazzo::Client::builder()
        .transport(working.clone())
        .source_transport("orderEvents", broken())
        .build()
        .unwrap();
    let err = run(&client, &inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::Send {
                step: "placeOrder",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(working.sent("orders.placed").is_empty());

    // A transport for another source name is not used for `orderEvents`.
    let client = arazzo::Client::builder()
        .source_transport("otherEvents", InMemoryTransport::new())
        .build()
        .unwrap();
    let err = run(&client, &inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            arazzo::Error::NoTransport {
                step: "placeOrder",
                source_name: "orderEvents",
                ..
            }
        ),
        "{err:?}"
    );
}

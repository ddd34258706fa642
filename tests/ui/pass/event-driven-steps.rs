// Event-driven steps (Arazzo 1.1 on AsyncAPI 3.0): a send step by operationId, a
// receive step with `correlationId` and `timeout`, a receive step by `channelPath`
// with a retry; outputs typed from the AsyncAPI message schemas (payload and
// headers), and the client's transport (run end to end in tests/tests/message_e2e.rs).
mod wf {
    arazzo::arazzo_workflow!("tests/specs/arazzo/order-events.arazzo.yaml");
}

use wf::{await_shipment as shipment, place_and_confirm_order as order};

fn _types(
    o: order::Outputs,
    placed: order::steps::PlaceOrderOutputs,
    confirmed: order::steps::ConfirmOrderOutputs,
    s: shipment::Outputs,
) {
    let _sent: String = placed.sent_order_id; // required in the payload schema
    let _confirmation: String = confirmed.confirmation_id;
    let _total: Option<f64> = confirmed.total; // not required
    let _status: order::ConfirmOrderStatus = confirmed.status; // an enum in the schema
    let _correlation: String = confirmed.correlation; // a required header
    let _order: String = o.order_id;
    let _total_out: Option<f64> = o.total;
    let _tracking: String = s.tracking_number;
    let _carrier: Option<String> = s.carrier;
}

fn _inputs() -> order::Inputs {
    order::Inputs {
        order_id: "o-1".into(),
        sku: "ROSE".into(),
        quantity: 2,
        correlation_id: "c-1".into(),
    }
}

fn _calls(client: &arazzo::Client, i: &order::Inputs) {
    let _ = async { order::run(client, i).await };
    let _ = async { order::steps::place_order(client, i).await };
}

fn _client() -> Result<arazzo::Client, arazzo::Error> {
    let broker = arazzo::transport::InMemoryTransport::new();
    arazzo::Client::builder()
        .transport(broker.clone())
        .source_transport("orderEvents", broker)
        .build()
}

fn main() {}

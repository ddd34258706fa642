//! The forms of the Arazzo 1.1 specification's example, in a document written here
//! (`tests/specs/arazzo/box-office.arazzo.yaml`), end to end: an operation reference in
//! `operationPath` (OpenAPI and AsyncAPI), dotted `$message.payload` navigation, and a
//! receive step on the `reply` of the AsyncAPI operation it sent on. The box office is
//! wiremock on 127.0.0.1 for the HTTP steps; the test plays its broker side over the
//! in-memory transport: it reads the reservation request and publishes the reply.

mod flows {
    // `allow(dialect)`: the forms are read as their canonical ones, without the warnings
    // (which `arazzo-compiler/tests/spec_example_forms.rs` pins).
    arazzo::arazzo_workflow!("tests/specs/arazzo/box-office.arazzo.yaml", allow(dialect));
}

use std::time::Duration;

use arazzo::transport::{InMemoryTransport, Message};
use flows::reserve_a_seat::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn inputs() -> Inputs {
    Inputs {
        username: "ada".into(),
        password: "s3cret".into(),
        section: "C".into(),
        request_id: "req-7".into(),
    }
}

/// The box office's HTTP side, with `seats` free in section C.
async fn box_office(seats: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/session"))
        .and(query_param("username", "ada"))
        .and(query_param("password", "s3cret"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Expires-After", "2026-12-06T03:00:00Z")
                .set_body_json(json!("session-token-1")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/seats"))
        .and(query_param("section", "C"))
        .and(header("Authorization", "session-token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(seats))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, broker: &InMemoryTransport) -> arazzo::Client {
    arazzo::Client::builder()
        .server("boxOffice", server.uri())
        .transport(broker.clone())
        .build()
        .unwrap()
}

fn confirmation(request_id: &str, body: serde_json::Value) -> Message {
    Message::json(&body)
        .unwrap()
        .with_header("requestId", request_id)
}

#[tokio::test]
async fn reserves_the_seat_and_receives_the_reply() {
    let server = box_office(json!([{"id": 12, "row": "C"}, {"id": 13, "row": "C"}])).await;
    let broker = InMemoryTransport::new();
    // The box office's broker side: takes the request, then replies (first to another
    // requester, whose confirmation the workflow must skip).
    let service = {
        let broker = broker.clone();
        tokio::spawn(async move {
            let request = broker
                .next_message("seats.requested", Duration::from_secs(10))
                .await
                .expect("the workflow sends the reservation request");
            broker.publish(
                "seats.confirmed",
                confirmation("req-other", json!({"reservationId": 1, "seatId": 40})),
            );
            broker.publish(
                "seats.confirmed",
                confirmation(
                    "req-7",
                    json!({"reservationId": 900, "seatId": 12, "heldUntil": "2026-12-06T02:30:00Z"}),
                ),
            );
            request
        })
    };
    let outputs = run(&client(&server, &broker), &inputs()).await.unwrap();
    // Typed from the reply's message (`SeatConfirmation`) and the OpenAPI response.
    let reservation_id: Option<i64> = outputs.reservation_id;
    let seat_id: Option<i64> = outputs.seat_id;
    let held_until: Option<String> = outputs.held_until;
    let session_expires: String = outputs.session_expires;
    let session: String = outputs.session;
    assert_eq!(reservation_id, Some(900));
    assert_eq!(seat_id, Some(12));
    assert_eq!(held_until.as_deref(), Some("2026-12-06T02:30:00Z"));
    assert_eq!(session_expires, "2026-12-06T03:00:00Z");
    assert_eq!(session, "session-token-1");

    let request = service.await.unwrap();
    assert_eq!(request.header("requestId"), Some("req-7"));
    assert_eq!(
        request.payload_json().unwrap(),
        json!({"seatId": 12, "holder": "ada"})
    );
    // The other requester's confirmation is left on the channel.
    let left = broker
        .try_take("seats.confirmed", &arazzo::transport::MessageFilter::any())
        .expect("the other confirmation");
    assert_eq!(left.header("requestId"), Some("req-other"));
}

#[tokio::test]
async fn no_free_seat_ends_the_workflow_before_the_reservation() {
    let server = box_office(json!([])).await;
    let broker = InMemoryTransport::new();
    let outputs = run(&client(&server, &broker), &inputs()).await.unwrap();
    assert_eq!(outputs.reservation_id, None);
    assert_eq!(outputs.session, "session-token-1");
    assert!(broker.sent("seats.requested").is_empty());
}

#[tokio::test]
async fn the_reply_channel_by_channel_path() {
    use flows::await_confirmation::{run, Inputs};
    let broker = InMemoryTransport::new();
    broker.publish(
        "seats.confirmed",
        confirmation("req-8", json!({"reservationId": 901, "seatId": 3})),
    );
    let client = arazzo::Client::builder()
        .transport(broker.clone())
        .build()
        .unwrap();
    let outputs = run(
        &client,
        &Inputs {
            request_id: "req-8".into(),
        },
    )
    .await
    .unwrap();
    let reservation_id: i64 = outputs.reservation_id;
    assert_eq!(reservation_id, 901);
}

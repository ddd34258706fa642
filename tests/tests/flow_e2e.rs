//! Control flow of generated workflows end to end against local mock servers
//! (wiremock on 127.0.0.1): branches, `end`, criteria of every type,
//! retries, `goto` loops, workflow composition, request bodies, several
//! sources and reusable components.
//!
//! Fixtures: `tests/specs/arazzo/{branching,retries,composition}.arazzo.yaml`
//! over `tests/specs/openapi/{billing,notify}.openapi.yaml`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod branching {
    arazzo::arazzo_workflow!("tests/specs/arazzo/branching.arazzo.yaml");
}
mod retries {
    arazzo::arazzo_workflow!("tests/specs/arazzo/retries.arazzo.yaml");
}
mod composition {
    arazzo::arazzo_workflow!("tests/specs/arazzo/composition.arazzo.yaml");
}
mod recovery {
    arazzo::arazzo_workflow!("tests/specs/arazzo/recovery.arazzo.yaml");
}

// ---------------------------------------------------------------- helpers

fn billing_client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("billing", server.uri())
        .request_timeout(Duration::from_secs(2))
        .workflow_timeout(Duration::from_secs(5))
        .build()
        .expect("valid url")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

async fn count(server: &MockServer, m: &str, p: &str) -> usize {
    received(server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == m && r.url.path() == p)
        .count()
}

fn json_of(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("JSON request body")
}

fn header_of<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .get(name)
        .map(|v| v.to_str().expect("ascii header"))
}

fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Compile-time check that a value is an `Option`.
fn assert_option<T>(_: &Option<T>) {}

fn invoice(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "number": "INV-2024-0042",
        "customerId": "cus_1",
        "status": status,
        "amountDue": 4200,
        "currency": "usd",
        "disputed": false
    })
}

async fn mount(server: &MockServer, m: &str, p: &str, response: ResponseTemplate) {
    Mock::given(method(m))
        .and(path(p))
        .respond_with(response)
        .mount(server)
        .await;
}

// ------------------------------------------------------------ branching

mod upsert {
    use super::*;
    use crate::branching::upsert_customer::{run, Inputs};

    fn inputs() -> Inputs {
        Inputs {
            customer_id: "cus_1".into(),
            name: "Ada Lovelace".into(),
            email: Some("ada@example.com".into()),
        }
    }

    #[tokio::test]
    async fn missing_customer_404_takes_the_create_branch() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/customers/cus_1",
            ResponseTemplate::new(404).set_body_json(json!({"title": "Not Found"})),
        )
        .await;
        mount(
            &server,
            "POST",
            "/customers",
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "cus_1", "name": "Ada Lovelace"})),
        )
        .await;
        mount(
            &server,
            "PUT",
            "/customers/cus_1",
            ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1", "name": "x"})),
        )
        .await;

        let out = run(&billing_client(&server), &inputs()).await.expect("ok");
        assert_option(&out.created_id);
        assert_option(&out.updated_id);
        assert_eq!(out.created_id.as_deref(), Some("cus_1"));
        assert_eq!(out.updated_id, None);

        let reqs = received(&server).await;
        let seen: Vec<(String, String)> = reqs
            .iter()
            .map(|r| (r.method.to_string(), r.url.path().to_owned()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("GET".to_owned(), "/customers/cus_1".to_owned()),
                ("POST".to_owned(), "/customers".to_owned()),
            ]
        );
        assert_eq!(
            json_of(&reqs[1]),
            json!({"id": "cus_1", "name": "Ada Lovelace", "email": "ada@example.com"})
        );
    }

    #[tokio::test]
    async fn existing_customer_200_takes_the_update_branch() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/customers/cus_1",
            ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1", "name": "Ada"})),
        )
        .await;
        mount(
            &server,
            "POST",
            "/customers",
            ResponseTemplate::new(201).set_body_json(json!({"id": "cus_1", "name": "x"})),
        )
        .await;
        mount(
            &server,
            "PUT",
            "/customers/cus_1",
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "cus_1", "name": "Ada Lovelace"})),
        )
        .await;

        let mut i = inputs();
        i.email = None;
        let out = run(&billing_client(&server), &i).await.expect("ok");
        assert_eq!(out.created_id, None);
        assert_eq!(out.updated_id.as_deref(), Some("cus_1"));

        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[1].method.as_str(), "PUT");
        assert_eq!(reqs[1].url.path(), "/customers/cus_1");
        assert_eq!(json_of(&reqs[1]), json!({"name": "Ada Lovelace"}));
        assert_eq!(count(&server, "POST", "/customers").await, 0);
    }

    #[tokio::test]
    async fn other_status_fails_the_first_step() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/customers/cus_1",
            ResponseTemplate::new(500),
        )
        .await;
        let err = run(&billing_client(&server), &inputs())
            .await
            .expect_err("500 is neither 200 nor 404");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "findCustomer",
                    status: 500,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(received(&server).await.len(), 1);
    }
}

mod end_early {
    use super::*;
    use crate::branching::settle_invoice::{run, Inputs, Outputs};

    fn inputs() -> Inputs {
        Inputs {
            invoice_id: "in_1".into(),
        }
    }

    #[tokio::test]
    async fn end_stops_the_run_and_skipped_outputs_are_none() {
        let server = MockServer::start().await;
        // "PAID" == 'paid': string equality is case-insensitive.
        mount(
            &server,
            "GET",
            "/invoices/in_1",
            ResponseTemplate::new(200).set_body_json(invoice("in_1", "PAID")),
        )
        .await;
        mount(
            &server,
            "POST",
            "/invoices/in_1/payments",
            ResponseTemplate::new(200)
                .set_body_json(json!({"receiptId": "rc_1", "invoiceId": "in_1"})),
        )
        .await;

        let out: Outputs = run(&billing_client(&server), &inputs()).await.expect("ok");
        assert_option(&out.receipt_id);
        assert_eq!(out.receipt_id, None);
        assert_eq!(out.status, "PAID");
        assert_eq!(count(&server, "POST", "/invoices/in_1/payments").await, 0);
    }

    #[tokio::test]
    async fn without_end_the_next_step_runs() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/invoices/in_1",
            ResponseTemplate::new(200).set_body_json(invoice("in_1", "open")),
        )
        .await;
        mount(
            &server,
            "POST",
            "/invoices/in_1/payments",
            ResponseTemplate::new(200)
                .set_body_json(json!({"receiptId": "rc_1", "invoiceId": "in_1"})),
        )
        .await;

        let out = run(&billing_client(&server), &inputs()).await.expect("ok");
        assert_eq!(out.receipt_id.as_deref(), Some("rc_1"));
        assert_eq!(out.status, "open");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        // The amount flows from the first step's output as a JSON number.
        assert_eq!(json_of(&reqs[1]), json!({"amount": 4200}));
    }
}

// ------------------------------------------------------------- criteria

mod criteria {
    use super::*;
    use crate::branching::{
        check_invoice_number, require_open_invoice, require_paid_invoice, review_invoice,
    };

    async fn invoices_server(list: Value) -> MockServer {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(list),
        )
        .await;
        server
    }

    #[tokio::test]
    async fn jsonpath_criterion_true() {
        let server =
            invoices_server(json!([invoice("in_1", "OPEN"), invoice("in_2", "PAID"),])).await;
        let out = require_paid_invoice::run(
            &billing_client(&server),
            &require_paid_invoice::Inputs {
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect("one invoice is PAID");
        assert_eq!(out.first_id.as_deref(), Some("in_1"));
        let reqs = received(&server).await;
        assert_eq!(
            query_pairs(&reqs[0]),
            vec![("customerId".into(), "cus_1".into())]
        );
    }

    #[tokio::test]
    async fn jsonpath_criterion_false() {
        let server =
            invoices_server(json!([invoice("in_1", "OPEN"), invoice("in_2", "VOID"),])).await;
        let err = require_paid_invoice::run(
            &billing_client(&server),
            &require_paid_invoice::Inputs {
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect_err("no invoice is PAID");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "listInvoices",
                    status: 200,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn jsonpath_criterion_on_empty_list_is_false() {
        let server = invoices_server(json!([])).await;
        let err = require_paid_invoice::run(
            &billing_client(&server),
            &require_paid_invoice::Inputs {
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect_err("empty list");
        assert_eq!(err.step(), Some("listInvoices"));
    }

    #[tokio::test]
    async fn versioned_jsonpath_type_with_logical_and() {
        let mut paid_with_due = invoice("in_1", "PAID");
        paid_with_due["amountDue"] = json!(10);
        let mut open_zero = invoice("in_2", "OPEN");
        open_zero["amountDue"] = json!(0);
        let server = invoices_server(json!([paid_with_due.clone(), open_zero.clone()])).await;
        let i = require_open_invoice::Inputs {
            customer_id: "cus_1".into(),
        };
        let err = require_open_invoice::run(&billing_client(&server), &i)
            .await
            .expect_err("no open invoice with an amount due");
        assert_eq!(err.step(), Some("listOpen"));

        let server =
            invoices_server(json!([paid_with_due, open_zero, invoice("in_3", "OPEN")])).await;
        require_open_invoice::run(&billing_client(&server), &i)
            .await
            .expect("in_3 is open with an amount due");
    }

    async fn invoice_server(body: Value) -> MockServer {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/invoices/in_1",
            ResponseTemplate::new(200).set_body_json(body),
        )
        .await;
        server
    }

    #[tokio::test]
    async fn regex_criterion_true_and_false() {
        let i = check_invoice_number::Inputs {
            invoice_id: "in_1".into(),
        };
        let server = invoice_server(invoice("in_1", "open")).await;
        let out = check_invoice_number::run(&billing_client(&server), &i)
            .await
            .expect("INV-2024-0042 matches");
        assert_eq!(out.number, "INV-2024-0042");

        for bad in ["INV-24-0042", "inv-2024-0042x", "XINV-2024-0042"] {
            let mut body = invoice("in_1", "open");
            body["number"] = json!(bad);
            let server = invoice_server(body).await;
            let err = check_invoice_number::run(&billing_client(&server), &i)
                .await
                .expect_err(bad);
            assert!(
                matches!(
                    err,
                    arazzo::Error::CriteriaNotMet {
                        step: "fetchInvoice",
                        ..
                    }
                ),
                "{bad}: {err:?}"
            );
        }
    }

    /// An invoice below the auto-approval threshold.
    fn small(status: &str) -> Value {
        let mut body = invoice("in_1", status);
        body["amountDue"] = json!(250);
        body
    }

    async fn review(body: Value) -> Result<review_invoice::Outputs, arazzo::Error> {
        let server = invoice_server(body).await;
        review_invoice::run(
            &billing_client(&server),
            &review_invoice::Inputs {
                invoice_id: "in_1".into(),
            },
        )
        .await
    }

    #[tokio::test]
    async fn simple_conditions_with_and_or_not_and_less_than() {
        // Small, undisputed, in USD: approved.
        let out = review(small("open")).await.expect("approved");
        assert_eq!(out.status, "open");

        // `||`: EUR (upper case in the body, case-insensitive) is fine too.
        let mut eur = small("open");
        eur["currency"] = json!("EUR");
        review(eur).await.expect("EUR approved");

        // `<`: 1000 is not < 1000.
        let mut big = small("open");
        big["amountDue"] = json!(1000);
        assert!(matches!(
            review(big).await,
            Err(arazzo::Error::CriteriaNotMet {
                step: "inspect",
                ..
            })
        ));
        let mut just_below = small("open");
        just_below["amountDue"] = json!(999);
        review(just_below).await.expect("999 < 1000");

        // `!`: a disputed invoice is rejected.
        let mut disputed = small("open");
        disputed["disputed"] = json!(true);
        let err = review(disputed).await.expect_err("rejected");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "inspect",
                    status: 200,
                    ..
                }
            ),
            "{err:?}"
        );

        // Neither currency.
        let mut gbp = small("open");
        gbp["currency"] = json!("gbp");
        let err = review(gbp).await.expect_err("rejected");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "inspect",
                    status: 200,
                    ..
                }
            ),
            "{err:?}"
        );

        // `!=` is case-insensitive too: "VOID" != 'void' is false.
        let mut void = small("VOID");
        void["currency"] = json!("usd");
        let err = review(void).await.expect_err("rejected");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "inspect",
                    status: 200,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn not_of_an_absent_field_is_true() {
        let mut body = small("open");
        body.as_object_mut().expect("object").remove("disputed");
        review(body).await.expect("absent `disputed` is falsy");
    }
}

// -------------------------------------------------------------- retries

mod retry {
    use super::*;
    use crate::retries::{
        pay_politely, pay_quickly, pay_with_default_retry, pay_with_retries, pay_with_two_retries,
    };

    const PAY_PATH: &str = "/invoices/in_9/payments";

    fn receipt() -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({"receiptId": "rc_9", "invoiceId": "in_9"}))
    }

    /// Answers `first` `times` times, then `then` forever.
    async fn flaky(
        server: &MockServer,
        first: ResponseTemplate,
        times: u64,
        then: ResponseTemplate,
    ) {
        Mock::given(method("POST"))
            .and(path(PAY_PATH))
            .respond_with(first)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(server)
            .await;
        Mock::given(method("POST"))
            .and(path(PAY_PATH))
            .respond_with(then)
            .with_priority(2)
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn succeeds_on_the_third_attempt() {
        let server = MockServer::start().await;
        flaky(&server, ResponseTemplate::new(503), 2, receipt()).await;
        let out = pay_with_retries::run(
            &billing_client(&server),
            &pay_with_retries::Inputs {
                invoice_id: "in_9".into(),
                amount: 4200,
            },
        )
        .await
        .expect("third attempt succeeds");
        assert_eq!(out.receipt_id, "rc_9");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 3);
        for r in &reqs {
            // Every attempt is the same request.
            assert_eq!(json_of(r), json!({"amount": 4200}));
            assert_eq!(header_of(r, "Idempotency-Key"), Some("pay-in_9"));
        }
    }

    #[tokio::test]
    async fn retry_criteria_not_matching_fails_without_retry() {
        let server = MockServer::start().await;
        flaky(&server, ResponseTemplate::new(400), 5, receipt()).await;
        let err = pay_with_retries::run(
            &billing_client(&server),
            &pay_with_retries::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect_err("400 is not retried");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "pay",
                    status: 400,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn exhausts_retry_limit() {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            PAY_PATH,
            ResponseTemplate::new(500).set_body_string("down"),
        )
        .await;
        let started = Instant::now();
        let err = pay_with_two_retries::run(
            &billing_client(&server),
            &pay_with_two_retries::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect_err("always 500");
        let elapsed = started.elapsed();
        match &err {
            arazzo::Error::RetriesExhausted {
                step,
                attempts,
                status,
                body,
                ..
            } => {
                assert_eq!(*step, "pay");
                assert_eq!(*attempts, 3);
                assert_eq!(*status, 500);
                assert_eq!(body, "down");
            }
            other => panic!("expected RetriesExhausted, got {other:?}"),
        }
        assert_eq!(err.status(), Some(500));
        assert_eq!(received(&server).await.len(), 3, "1 attempt + retryLimit 2");
        // retryAfter: 0.05 between attempts.
        assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
    }

    #[tokio::test]
    async fn absent_retry_limit_means_one_retry() {
        let server = MockServer::start().await;
        mount(&server, "POST", PAY_PATH, ResponseTemplate::new(503)).await;
        let err = pay_with_default_retry::run(
            &billing_client(&server),
            &pay_with_default_retry::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect_err("always 503");
        assert!(
            matches!(
                err,
                arazzo::Error::RetriesExhausted {
                    attempts: 2,
                    status: 503,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(received(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn absent_retry_limit_second_attempt_can_succeed() {
        let server = MockServer::start().await;
        flaky(&server, ResponseTemplate::new(503), 1, receipt()).await;
        pay_with_default_retry::run(
            &billing_client(&server),
            &pay_with_default_retry::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect("second attempt succeeds");
        assert_eq!(received(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn retry_after_header_zero_overrules_a_long_retry_after() {
        // The action says retryAfter: 30; the server says Retry-After: 0.
        let server = MockServer::start().await;
        flaky(
            &server,
            ResponseTemplate::new(503).insert_header("Retry-After", "0"),
            1,
            receipt(),
        )
        .await;
        // The deadline (20 s) is below the action's 30 s: waiting those would fail the run.
        let client = arazzo::Client::builder()
            .server("billing", server.uri())
            .workflow_timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        let started = Instant::now();
        let out = pay_politely::run(
            &client,
            &pay_politely::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect("retried immediately");
        assert_eq!(out.receipt_id, "rc_9");
        // Far from the 30 s of the action.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(received(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn retry_after_header_lengthens_a_short_retry_after() {
        // The action says retryAfter: 0.05; a 429 says Retry-After: 1.
        let server = MockServer::start().await;
        flaky(
            &server,
            ResponseTemplate::new(429).insert_header("Retry-After", "1"),
            1,
            receipt(),
        )
        .await;
        let started = Instant::now();
        let out = pay_quickly::run(
            &billing_client(&server),
            &pay_quickly::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect("second attempt succeeds");
        let elapsed = started.elapsed();
        assert_eq!(out.receipt_id, "rc_9");
        // At least the server's second; no upper bound (nothing longer is in play).
        assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    }

    #[tokio::test]
    async fn retry_after_action_value_is_waited_without_header() {
        let server = MockServer::start().await;
        flaky(&server, ResponseTemplate::new(503), 1, receipt()).await;
        let started = Instant::now();
        pay_quickly::run(
            &billing_client(&server),
            &pay_quickly::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect("second attempt succeeds");
        let elapsed = started.elapsed();
        // At least the action's 50 ms; far below the 60 s default `max_retry_after`,
        // which a response without `Retry-After` must not fall back to.
        assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(25), "{elapsed:?}");
    }

    #[tokio::test]
    async fn retry_after_header_is_capped_by_max_retry_after() {
        let server = MockServer::start().await;
        flaky(
            &server,
            ResponseTemplate::new(503).insert_header("Retry-After", "3600"),
            1,
            receipt(),
        )
        .await;
        let client = arazzo::Client::builder()
            .server("billing", server.uri())
            .max_retry_after(Duration::from_millis(100))
            .workflow_timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let started = Instant::now();
        pay_politely::run(
            &client,
            &pay_politely::Inputs {
                invoice_id: "in_9".into(),
                amount: 1,
            },
        )
        .await
        .expect("capped wait");
        let elapsed = started.elapsed();
        // At least the cap; far from the 3600 s the server asked for.
        assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    }
}

// ---------------------------------------------------------------- loops

mod loops {
    use super::*;
    use crate::retries::wait_for_export::{run, Inputs};

    fn inputs() -> Inputs {
        Inputs {
            export_id: "exp_1".into(),
        }
    }

    fn export(state: &str) -> ResponseTemplate {
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "exp_1", "state": state, "progress": 10}))
    }

    #[tokio::test]
    async fn backward_goto_loop_is_stopped_by_the_step_bound() {
        let server = MockServer::start().await;
        mount(&server, "GET", "/exports/exp_1", export("running")).await;
        mount(
            &server,
            "POST",
            "/exports/exp_1/heartbeat",
            ResponseTemplate::new(204),
        )
        .await;
        let client = arazzo::Client::builder()
            .server("billing", server.uri())
            .max_steps(5)
            .build()
            .expect("client");
        let err = run(&client, &inputs()).await.expect_err("never done");
        assert!(
            matches!(
                err,
                arazzo::Error::StepLimitExceeded {
                    workflow: "wait-for-export",
                    limit: 5
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.workflow(), Some("wait-for-export"));
        assert_eq!(err.step(), None);
        // poll, heartbeat, poll, heartbeat, poll: then the sixth step is refused.
        assert_eq!(count(&server, "GET", "/exports/exp_1").await, 3);
        assert_eq!(count(&server, "POST", "/exports/exp_1/heartbeat").await, 2);
    }

    #[tokio::test]
    async fn loop_ends_when_the_job_is_done() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/exports/exp_1"))
            .respond_with(export("running"))
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/exports/exp_1"))
            .respond_with(export("DONE"))
            .with_priority(2)
            .mount(&server)
            .await;
        mount(
            &server,
            "POST",
            "/exports/exp_1/heartbeat",
            ResponseTemplate::new(204),
        )
        .await;
        let out = run(&billing_client(&server), &inputs())
            .await
            .expect("done");
        assert_eq!(out.state, "DONE");
        assert_eq!(count(&server, "GET", "/exports/exp_1").await, 3);
        assert_eq!(count(&server, "POST", "/exports/exp_1/heartbeat").await, 2);
    }
}

// ---------------------------------------------------------- composition

mod compose {
    use super::*;
    use crate::composition::{
        bill_new_customer, draft_tagged_invoice, get_access_token, notify_invoice_owner,
        onboard_customer, paged_invoices, register_customer, tenant_report,
    };

    async fn customers_and_invoices(server: &MockServer) {
        mount(
            server,
            "POST",
            "/customers",
            ResponseTemplate::new(201).set_body_json(json!({"id": "cus_777", "name": "Grace"})),
        )
        .await;
        mount(
            server,
            "POST",
            "/invoices",
            ResponseTemplate::new(201).set_body_json(invoice("in_55", "draft")),
        )
        .await;
    }

    #[tokio::test]
    async fn workflow_step_runs_another_workflow() {
        let server = MockServer::start().await;
        customers_and_invoices(&server).await;
        let out = onboard_customer::run(
            &billing_client(&server),
            &onboard_customer::Inputs {
                id: "c-1".into(),
                name: "Grace Hopper".into(),
                amount: 990,
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.customer_id, "cus_777");
        assert_eq!(out.invoice_id, "in_55");

        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        // Step parameters became the inner workflow's inputs.
        assert_eq!(reqs[0].url.path(), "/customers");
        assert_eq!(
            json_of(&reqs[0]),
            json!({"id": "c-1", "name": "Grace Hopper"})
        );
        // `$outputs.customerId` of the inner workflow became the step's output.
        assert_eq!(reqs[1].url.path(), "/invoices");
        assert_eq!(
            json_of(&reqs[1]),
            json!({
                "customerId": "cus_777",
                "lines": [{"description": "Onboarding fee", "amount": 990}]
            })
        );
    }

    #[tokio::test]
    async fn workflow_step_failure_is_reported_with_the_inner_step() {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            "/customers",
            ResponseTemplate::new(409).set_body_json(json!({"title": "exists"})),
        )
        .await;
        let err = onboard_customer::run(
            &billing_client(&server),
            &onboard_customer::Inputs {
                id: "c-1".into(),
                name: "Grace Hopper".into(),
                amount: 990,
            },
        )
        .await
        .expect_err("409");
        assert_eq!(err.step(), Some("create"));
        assert_eq!(err.workflow(), Some("register-customer"));
        assert_eq!(err.status(), Some(409));
        assert_eq!(count(&server, "POST", "/invoices").await, 0);
    }

    #[tokio::test]
    async fn inner_workflow_runs_on_its_own() {
        let server = MockServer::start().await;
        customers_and_invoices(&server).await;
        let out = register_customer::run(
            &billing_client(&server),
            &register_customer::Inputs {
                customer_id: "c-2".into(),
                full_name: "Edsger".into(),
                email: Some("ed@example.com".into()),
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.customer_id, "cus_777");
    }

    #[tokio::test]
    async fn step_functions_take_the_outputs_they_read() {
        let server = MockServer::start().await;
        customers_and_invoices(&server).await;
        let client = billing_client(&server);
        let inputs = onboard_customer::Inputs {
            id: "c-1".into(),
            name: "Grace Hopper".into(),
            amount: 5,
        };
        // A workflow step, on its own, runs the inner workflow.
        let registered: onboard_customer::steps::RegisterOutputs =
            onboard_customer::steps::register(&client, &inputs)
                .await
                .expect("ok");
        assert_eq!(registered.customer_id, "cus_777");
        let given = onboard_customer::steps::RegisterOutputs {
            customer_id: "cus_given".into(),
        };
        let drafted = onboard_customer::steps::draft(&client, &inputs, &given)
            .await
            .expect("ok");
        assert_eq!(drafted.invoice_id, "in_55");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        assert_eq!(json_of(&reqs[1])["customerId"], json!("cus_given"));
    }

    #[tokio::test]
    async fn depends_on_runs_the_other_workflow_first() {
        let server = MockServer::start().await;
        customers_and_invoices(&server).await;
        let out = bill_new_customer::run(
            &billing_client(&server),
            &bill_new_customer::Inputs {
                customer_id: "c-3".into(),
                full_name: "Barbara Liskov".into(),
                amount: 15,
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.invoice_id, "in_55");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].url.path(), "/customers");
        assert_eq!(
            json_of(&reqs[0]),
            json!({"id": "c-3", "name": "Barbara Liskov"})
        );
        assert_eq!(
            json_of(&reqs[1]),
            json!({
                "customerId": "cus_777",
                "lines": [{"description": "Setup", "amount": 15}]
            })
        );
    }

    #[tokio::test]
    async fn depends_on_failure_stops_before_the_first_step() {
        let server = MockServer::start().await;
        mount(&server, "POST", "/customers", ResponseTemplate::new(500)).await;
        let err = bill_new_customer::run(
            &billing_client(&server),
            &bill_new_customer::Inputs {
                customer_id: "c-3".into(),
                full_name: "Barbara Liskov".into(),
                amount: 15,
            },
        )
        .await
        .expect_err("dependency failed");
        assert_eq!(err.workflow(), Some("register-customer"));
        assert_eq!(count(&server, "POST", "/invoices").await, 0);
    }

    #[tokio::test]
    async fn request_body_replacements_patch_the_payload() {
        let server = MockServer::start().await;
        customers_and_invoices(&server).await;
        draft_tagged_invoice::run(
            &billing_client(&server),
            &draft_tagged_invoice::Inputs {
                customer_id: "cus_42".into(),
                batch: "2024-06".into(),
            },
        )
        .await
        .expect("ok");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 1);
        assert_eq!(
            json_of(&reqs[0]),
            json!({
                "customerId": "cus_42",
                "currency": "usd",
                "lines": [{"description": "Template line", "amount": 1250}],
                "metadata": {"source": "template", "batch": "2024-06"}
            })
        );
        assert!(json_of(&reqs[0])["lines"][0]["amount"].is_i64());
    }

    #[tokio::test]
    async fn form_encoded_body() {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            "/oauth/token",
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "tok_abc",
                "expires_in": 3600,
                "token_type": "Bearer"
            })),
        )
        .await;
        let out = get_access_token::run(
            &billing_client(&server),
            &get_access_token::Inputs {
                client_id: "app 1&2".into(),
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.access_token, "tok_abc");
        assert_eq!(out.expires_in, 3600);

        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 1);
        assert_eq!(
            header_of(&reqs[0], "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let raw = String::from_utf8(reqs[0].body.clone()).expect("utf-8");
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            vec![
                ("client_id".to_owned(), "app 1&2".to_owned()),
                ("grant_type".to_owned(), "client_credentials".to_owned()),
                (
                    "scope".to_owned(),
                    "invoices:read invoices:write".to_owned()
                ),
            ],
            "{raw}"
        );
        assert!(raw.contains("client_id=app+1%262"), "{raw}");
        assert!(
            raw.contains("scope=invoices%3Aread+invoices%3Awrite"),
            "{raw}"
        );
        assert_eq!(raw.matches('&').count(), 2, "{raw}");
    }

    #[tokio::test]
    async fn two_sources_two_servers_and_operation_path() {
        let billing = MockServer::start().await;
        let notify = MockServer::start().await;
        mount(
            &billing,
            "GET",
            "/invoices/in_1",
            ResponseTemplate::new(200).set_body_json(invoice("in_1", "open")),
        )
        .await;
        mount(
            &notify,
            "POST",
            "/messages",
            ResponseTemplate::new(202).set_body_json(json!({"messageId": "msg_1"})),
        )
        .await;
        let client = arazzo::Client::builder()
            .server("billing", billing.uri())
            .server("notify", notify.uri())
            .build()
            .expect("client");
        let out = notify_invoice_owner::run(
            &client,
            &notify_invoice_owner::Inputs {
                invoice_id: "in_1".into(),
                recipient: "ada@example.com".into(),
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.number, "INV-2024-0042");
        assert_eq!(out.message_id, "msg_1");

        let b = received(&billing).await;
        let n = received(&notify).await;
        assert_eq!(b.len(), 1);
        assert_eq!(n.len(), 1);
        assert_eq!(b[0].method.as_str(), "GET");
        assert_eq!(b[0].url.path(), "/invoices/in_1");
        assert_eq!(n[0].url.path(), "/messages");
        assert_eq!(header_of(&n[0], "X-Channel"), Some("email"));
        assert_eq!(
            json_of(&n[0]),
            json!({
                "to": "ada@example.com",
                "text": "Invoice INV-2024-0042 is due (4200 cents)"
            })
        );
    }

    #[tokio::test]
    async fn server_url_path_prefix_is_kept() {
        let billing = MockServer::start().await;
        let notify = MockServer::start().await;
        mount(
            &billing,
            "GET",
            "/v2/invoices/in_1",
            ResponseTemplate::new(200).set_body_json(invoice("in_1", "open")),
        )
        .await;
        mount(
            &notify,
            "POST",
            "/api/messages",
            ResponseTemplate::new(202).set_body_json(json!({"messageId": "msg_2"})),
        )
        .await;
        let client = arazzo::Client::builder()
            .server("billing", format!("{}/v2", billing.uri()))
            .server("notify", format!("{}/api/", notify.uri()))
            .build()
            .expect("client");
        let out = notify_invoice_owner::run(
            &client,
            &notify_invoice_owner::Inputs {
                invoice_id: "in_1".into(),
                recipient: "ada@example.com".into(),
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.message_id, "msg_2");
    }

    #[tokio::test]
    async fn workflow_parameters_apply_to_every_step() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/customers/cus_1",
            ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1", "name": "Ada"})),
        )
        .await;
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(json!([])),
        )
        .await;
        let out = tenant_report::run(
            &billing_client(&server),
            &tenant_report::Inputs {
                tenant: "tenant-7".into(),
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.name, "Ada");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 3);
        let tenants: Vec<Vec<&str>> = reqs
            .iter()
            .map(|r| {
                r.headers
                    .get_all("x-tenant-id")
                    .iter()
                    .map(|v| v.to_str().expect("ascii"))
                    .collect()
            })
            .collect();
        // The third step overrides the workflow parameter (header names are
        // case-insensitive): one header, the step's value.
        assert_eq!(
            tenants,
            vec![vec!["tenant-7"], vec!["tenant-7"], vec!["shared"]]
        );
        assert_eq!(
            query_pairs(&reqs[1]),
            vec![("customerId".into(), "cus_1".into())]
        );
        assert!(query_pairs(&reqs[2]).is_empty());
    }

    #[tokio::test]
    async fn component_parameters_with_value_override() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(json!([invoice("in_1", "open")])),
        )
        .await;
        let out = paged_invoices::run(
            &billing_client(&server),
            &paged_invoices::Inputs {
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect("ok");
        assert_option(&out.first_id);
        assert_eq!(out.first_id.as_deref(), Some("in_1"));
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        for r in &reqs {
            assert_eq!(header_of(r, "X-Tenant-Id"), Some("acme"));
        }
        let mut first = query_pairs(&reqs[0]);
        first.sort();
        assert_eq!(
            first,
            vec![
                ("customerId".to_owned(), "cus_1".to_owned()),
                ("limit".to_owned(), "10".to_owned()),
            ]
        );
        let mut second = query_pairs(&reqs[1]);
        second.sort();
        assert_eq!(
            second,
            vec![
                ("customerId".to_owned(), "cus_1".to_owned()),
                ("limit".to_owned(), "50".to_owned()),
            ]
        );
    }

    #[tokio::test]
    async fn component_success_action_ends_the_run() {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(json!([])),
        )
        .await;
        let out = paged_invoices::run(
            &billing_client(&server),
            &paged_invoices::Inputs {
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.first_id, None);
        assert_eq!(
            received(&server).await.len(),
            1,
            "stopWhenEmpty ended the run"
        );
    }

    #[tokio::test]
    async fn component_failure_action_retries() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/invoices"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(json!([invoice("in_1", "open")])),
        )
        .await;
        paged_invoices::run(
            &billing_client(&server),
            &paged_invoices::Inputs {
                customer_id: "cus_1".into(),
            },
        )
        .await
        .expect("retried once");
        // firstPage twice (503, then 200), then allPages.
        assert_eq!(received(&server).await.len(), 3);
    }
}

// ------------------------------------------------------------- recovery

mod recover {
    use super::*;
    use crate::recovery::{list_recent, pay_with_fresh_token};

    const PAY: &str = "/invoices/in_3/payments";

    fn inputs() -> pay_with_fresh_token::Inputs {
        pay_with_fresh_token::Inputs {
            invoice_id: "in_3".into(),
            client_id: Some("cli_1".into()),
        }
    }

    async fn token_endpoint(server: &MockServer) {
        mount(
            server,
            "POST",
            "/oauth/token",
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok_fresh", "expires_in": 60})),
        )
        .await;
    }

    async fn lookup_endpoint(server: &MockServer) {
        mount(
            server,
            "GET",
            "/invoices/in_3",
            ResponseTemplate::new(200)
                .set_body_json(invoice("in_3", "pending"))
                .insert_header("X-Request-Id", "req-77"),
        )
        .await;
    }

    fn seen(reqs: &[Request]) -> Vec<String> {
        reqs.iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }

    #[tokio::test]
    async fn retry_with_step_id_runs_that_step_then_retries() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(PAY))
            .respond_with(ResponseTemplate::new(401))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        mount(
            &server,
            "POST",
            PAY,
            ResponseTemplate::new(200)
                .set_body_json(json!({"receiptId": "rc_3", "invoiceId": "in_3"})),
        )
        .await;
        token_endpoint(&server).await;
        lookup_endpoint(&server).await;

        let out = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect("ok");
        assert_eq!(out.receipt_id.as_deref(), Some("rc_3"));
        assert_eq!(out.looked_up_status, None);
        assert_eq!(out.request_id, None);
        let reqs = received(&server).await;
        assert_eq!(
            seen(&reqs),
            vec![
                format!("POST {PAY}"),
                "POST /oauth/token".into(),
                format!("POST {PAY}")
            ]
        );
        assert_eq!(
            header_of(&reqs[2], "authorization"),
            Some("Bearer tok_fresh")
        );
        assert_eq!(
            String::from_utf8_lossy(&reqs[1].body),
            "client_id=cli_1&grant_type=client_credentials"
        );
    }

    #[tokio::test]
    async fn step_function_with_an_optional_earlier_step() {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            PAY,
            ResponseTemplate::new(200)
                .set_body_json(json!({"receiptId": "rc_3", "invoiceId": "in_3"})),
        )
        .await;
        let client = billing_client(&server);
        let token = pay_with_fresh_token::steps::TokenOutputs {
            access_token: "tok_given".into(),
        };
        let paid = pay_with_fresh_token::steps::pay(&client, &inputs(), Some(&token))
            .await
            .expect("ok");
        assert_eq!(paid.receipt_id, "rc_3");
        assert_eq!(paid.status, 200);
        pay_with_fresh_token::steps::pay(&client, &inputs(), None)
            .await
            .expect("ok");
        let reqs = received(&server).await;
        assert_eq!(
            header_of(&reqs[0], "authorization"),
            Some("Bearer tok_given")
        );
        // Without a token the template leaves "Bearer " (trailing space trimmed on the wire).
        assert_eq!(
            header_of(&reqs[1], "authorization").map(str::trim_end),
            Some("Bearer")
        );
    }

    #[tokio::test]
    async fn retry_with_step_id_exhausts() {
        let server = MockServer::start().await;
        mount(&server, "POST", PAY, ResponseTemplate::new(401)).await;
        token_endpoint(&server).await;
        let err = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect_err("always 401");
        assert!(
            matches!(
                err,
                arazzo::Error::RetriesExhausted {
                    step: "pay",
                    attempts: 2,
                    status: 401,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(received(&server).await.len(), 3);
    }

    #[tokio::test]
    async fn after_the_retry_limit_the_next_failure_action_applies() {
        let server = MockServer::start().await;
        mount(&server, "POST", PAY, ResponseTemplate::new(503)).await;
        lookup_endpoint(&server).await;
        let out = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect("falls back to the lookup");
        assert_eq!(out.receipt_id, None);
        assert_eq!(out.looked_up_status.as_deref(), Some("pending"));
        // An output read from a response header.
        assert_eq!(out.request_id.as_deref(), Some("req-77"));
        let reqs = received(&server).await;
        assert_eq!(
            seen(&reqs),
            vec![
                format!("POST {PAY}"),
                format!("POST {PAY}"),
                "GET /invoices/in_3".into()
            ]
        );
    }

    /// A `retry` with `stepId: token` whose target leaves by its own `goto`
    /// must not leave a "resume at pay" marker behind: once the fallback step
    /// `lookup` has run, the workflow is over. Sends a duplicate payment POST.
    #[tokio::test]
    async fn no_payment_is_sent_after_the_fallback_ran() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(PAY))
            .respond_with(ResponseTemplate::new(401))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        mount(&server, "POST", PAY, ResponseTemplate::new(503)).await;
        token_endpoint(&server).await;
        lookup_endpoint(&server).await;
        let out = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect("falls back to the lookup");
        assert_eq!(out.looked_up_status.as_deref(), Some("pending"));
        let reqs = seen(&received(&server).await);
        let lookup = reqs
            .iter()
            .position(|r| r == "GET /invoices/in_3")
            .expect("lookup ran");
        assert_eq!(
            lookup,
            reqs.len() - 1,
            "nothing after the fallback: {reqs:?}"
        );
    }

    /// Each retry action has its own `retryLimit`: a 401 retry (via the token
    /// step) must not use up the 503 retry of the same step.
    #[tokio::test]
    async fn retry_limits_are_counted_per_action() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(PAY))
            .respond_with(ResponseTemplate::new(401))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(PAY))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(2)
            .mount(&server)
            .await;
        mount(
            &server,
            "POST",
            PAY,
            ResponseTemplate::new(200)
                .set_body_json(json!({"receiptId": "rc_3", "invoiceId": "in_3"})),
        )
        .await;
        token_endpoint(&server).await;
        lookup_endpoint(&server).await;
        let out = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect("ok");
        let reqs = received(&server).await;
        assert_eq!(
            seen(&reqs),
            vec![
                format!("POST {PAY}"),
                "POST /oauth/token".into(),
                format!("POST {PAY}"),
                format!("POST {PAY}"),
            ]
        );
        assert_eq!(out.receipt_id.as_deref(), Some("rc_3"));
    }

    #[tokio::test]
    async fn workflow_level_failure_action_ends_the_run() {
        let server = MockServer::start().await;
        mount(&server, "POST", PAY, ResponseTemplate::new(409)).await;
        let out = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect("409 ends the workflow without error");
        assert_eq!(out.receipt_id, None);
        assert_eq!(out.looked_up_status, None);
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn unmatched_failure_fails_the_run() {
        let server = MockServer::start().await;
        mount(&server, "POST", PAY, ResponseTemplate::new(400)).await;
        let err = pay_with_fresh_token::run(&billing_client(&server), &inputs())
            .await
            .expect_err("400");
        assert!(
            matches!(
                err,
                arazzo::Error::CriteriaNotMet {
                    step: "pay",
                    status: 400,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn query_parameters_templates_and_output_pointers() {
        let server = MockServer::start().await;
        let mut first = invoice("in_1", "open");
        first["currency"] = json!("eur");
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(json!([first, invoice("in_2", "PAID")])),
        )
        .await;
        mount(
            &server,
            "POST",
            "/invoices",
            ResponseTemplate::new(201).set_body_json(invoice("in_9", "draft")),
        )
        .await;
        let out = list_recent::run(
            &billing_client(&server),
            &list_recent::Inputs {
                customer_id: "cus 1/ä".into(),
                order: None,
            },
        )
        .await
        .expect("ok");
        assert_eq!(out.invoice_id, "in_9");
        assert_eq!(out.first_number.as_deref(), Some("INV-2024-0042"));
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2);
        // Absent optional input: the `order` query parameter is left out.
        assert_eq!(
            query_pairs(&reqs[0]),
            vec![
                ("customerId".to_owned(), "cus 1/ä".to_owned()),
                ("limit".to_owned(), "3".to_owned()),
            ]
        );
        assert_eq!(
            json_of(&reqs[1]),
            json!({
                "customerId": "cus 1/ä",
                "currency": "eur",
                "lines": [{"description": "Follow-up to INV-2024-0042", "amount": 4200}]
            })
        );

        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            "/invoices",
            ResponseTemplate::new(200).set_body_json(json!([invoice("in_1", "open")])),
        )
        .await;
        mount(
            &server,
            "POST",
            "/invoices",
            ResponseTemplate::new(201).set_body_json(invoice("in_9", "draft")),
        )
        .await;
        list_recent::run(
            &billing_client(&server),
            &list_recent::Inputs {
                customer_id: "c".into(),
                order: Some("desc".into()),
            },
        )
        .await
        .expect("ok");
        let reqs = received(&server).await;
        assert_eq!(reqs[0].url.query(), Some("customerId=c&limit=3&order=desc"));
    }
}

//! Typed, compile-checked Amberflo workflows.
//!
//! Every workflow is an Arazzo document in `specs/arazzo/`, compiled at build time
//! by [`arazzo::arazzo_workflow!`] against the Amberflo OpenAPI descriptions in
//! `specs/openapi/`: a typo in an expression or an API change breaks the build.
//! `fake` (feature `fake`) is a stateful fake Amberflo for tests and the CLI's
//! default mode, and [`registry`] lists every workflow for the
//! `amberflo-workflows` CLI (feature `cli`), from the workflows' generated
//! metadata.
//!
//! As a library, take it with `default-features = false`: the workflows and
//! the registry need neither axum nor clap (the `fake` and `cli` features
//! bring them).
//!
//! Every workflow module (e.g. [`upsert_customer`]) has `Inputs`, `Outputs`,
//! `WORKFLOW_ID`, `run` and one function per step in `steps`. The source
//! descriptions are named `meteringApi` and `billingApi`; point them at a
//! server with [`arazzo::ClientBuilder::server`].
//!
//! The documents send `X-API-KEY` themselves, from their `apiKey` input (the seed
//! among them, which stays as given), although the descriptions' `apiKeyAuth`
//! scheme could supply it: each macro call says `allow(manual_credential)`, so the
//! `apiKey` inputs stay part of the generated API. A workflow's own header wins over
//! a configured credential (see `docs/authentication.md`).
#![deny(missing_docs)]

/// `create-meter-and-ingest-event`: create a meter definition, then ingest a first event against it.
pub mod create_meter_and_ingest_event_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
        allow(manual_credential)
    );
}
pub use create_meter_and_ingest_event_workflow::create_meter_and_ingest_event;

/// `upsert-customer`: create a customer, or update it when it already exists.
pub mod upsert_customer_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-upsert-customer.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use upsert_customer_workflow::upsert_customer;

/// `offboard-customer`: delete a customer that has never been invoiced.
pub mod offboard_customer_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-offboard-customer.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use offboard_customer_workflow::offboard_customer;

/// `ingest-and-query-usage`: ingest a meter event, then query the customer's usage.
pub mod ingest_and_query_usage_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-ingest-and-query-usage.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use ingest_and_query_usage_workflow::ingest_and_query_usage;

/// `create-product-meter` and `launch-usage-based-product`: a product's meter,
/// first customer and pricing plan, across the metering and billing APIs.
pub mod launch_usage_based_product_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-launch-usage-based-product.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use launch_usage_based_product_workflow::{create_product_meter, launch_usage_based_product};

/// `top-up-prepaid-after-usage`: meter usage, then top up the prepaid balance when there is usage.
pub mod prepaid_top_up_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-prepaid-top-up.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use prepaid_top_up_workflow::top_up_prepaid_after_usage;

/// `setup-meter-with-filtering-rule`: a dimensioned meter and an EXCLUDE filtering rule.
pub mod meter_with_filtering_rule_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-meter-with-filtering-rule.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use meter_with_filtering_rule_workflow::setup_meter_with_filtering_rule;

/// `get-customer-invoices`: a customer and its invoices.
pub mod customer_invoices_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-customer-invoices.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use customer_invoices_workflow::get_customer_invoices;

/// `create-customer` and `onboard-customer-with-first-usage`: create a
/// customer, record its first usage and activate it.
pub mod onboard_customer_workflow {
    arazzo::arazzo_workflow!(
        "specs/arazzo/amberflo-onboard-customer.arazzo.yaml",
        allow(manual_credential)
    );
}
pub use onboard_customer_workflow::{create_customer, onboard_customer_with_first_usage};

#[cfg(feature = "fake")]
pub mod fake;
pub mod registry;
#[cfg(feature = "restate")]
pub mod restate;

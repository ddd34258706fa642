//! Typed, compile-checked Amberflo workflows.
//!
//! Every workflow is an Arazzo document in `specs/arazzo/`, compiled at build time
//! by [`arazzo::arazzo_workflow!`] against the Amberflo OpenAPI descriptions in
//! `specs/openapi/`: a typo in an expression or an API change breaks the build.
//! [`fake`] is a stateful fake Amberflo for tests and the CLI's default mode.

/// `create-meter-and-ingest-event`: create a meter definition, then ingest a first event against it.
pub mod create_meter_and_ingest_event_workflow {
    arazzo::arazzo_workflow!("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");
}
pub use create_meter_and_ingest_event_workflow::create_meter_and_ingest_event;

pub mod fake;

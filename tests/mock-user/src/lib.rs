//! A service's own code, as a user of `arazzo` writes it: it provisions usage metering
//! for a customer through the compiled seed workflow and turns its failures into the
//! service's own error type. `tests/doubles.rs` tests it with the generated test doubles.

use serde::Deserialize;

// The seed sets `X-API-KEY` itself (it stays as given): the lint that says so is allowed.
arazzo::arazzo_workflow!(
    "specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml",
    allow(manual_credential)
);

use create_meter_and_ingest_event as seed;

/// What provisioning gives back.
#[derive(Clone, Debug, PartialEq)]
pub struct Provisioned {
    /// The meter's API name, as the API stored it.
    pub meter: String,
    /// The API's answer to the first usage event.
    pub message: String,
}

/// The error body the metering API answers with.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ApiError {
    /// Machine-readable code (`NOT_FOUND`).
    pub code: String,
    /// Human-readable description.
    #[serde(default)]
    pub message: String,
}

/// Why provisioning failed.
#[derive(Debug)]
pub enum ProvisionError {
    /// The API refused a step, with its error body.
    Rejected {
        /// The step refused (`createMeter`, `ingestEvent`).
        step: &'static str,
        /// The HTTP status.
        status: u16,
        /// The error body, when it is the API's error shape.
        error: Option<ApiError>,
    },
    /// Anything else (transport, decoding, limits).
    Workflow(arazzo::Error),
}

/// One usage event.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// Units used.
    pub units: f64,
    /// Over how many requests (the value ingested is `units / requests`).
    pub requests: u32,
    /// When, in Unix milliseconds.
    pub at_millis: i64,
}

/// Creates the meter `meter` and ingests a first event for `customer`: the average
/// usage per request.
pub async fn provision(
    client: &arazzo::Client,
    api_key: &str,
    meter: &str,
    customer: &str,
    usage: Usage,
) -> Result<Provisioned, ProvisionError> {
    let inputs = seed::Inputs {
        api_key: api_key.to_owned(),
        meter_api_name: meter.to_owned(),
        display_name: meter.replace('-', " "),
        r#type: "SUM_OF_ALL_USAGE".to_owned(),
        customer_id: customer.to_owned(),
        // A division the caller can get wrong: 0 requests make it NaN, which JSON
        // cannot carry (the double catches what is sent then).
        meter_value: usage.units / f64::from(usage.requests),
        meter_time_in_millis: usage.at_millis,
        unique_id: None,
    };
    match seed::run(client, &inputs).await {
        Ok(out) => Ok(Provisioned {
            meter: out.meter_api_name,
            message: out.ingest_result,
        }),
        Err(arazzo::Error::CriteriaNotMet {
            step, status, body, ..
        }) => Err(ProvisionError::Rejected {
            step,
            status,
            error: serde_json::from_str(&body).ok(),
        }),
        Err(other) => Err(ProvisionError::Workflow(other)),
    }
}

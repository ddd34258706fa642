//! Every workflow as a durable Restate service (`amberflo-workflows serve
//! --restate`), with [`arazzo_restate`].

use arazzo_restate::{workflow, Services};

use crate::registry::API_KEY_INPUT;

/// The eleven workflows, one Restate service each (named after the
/// `workflowId`), running on `client`; `apiKey` is `api_key`, taken from the
/// service's configuration and never from an invocation.
pub fn services(client: arazzo::Client, api_key: String) -> Services {
    Services::new(client)
        .workflow(workflow!(crate::create_meter_and_ingest_event))
        .workflow(workflow!(crate::upsert_customer))
        .workflow(workflow!(crate::offboard_customer))
        .workflow(workflow!(crate::ingest_and_query_usage))
        .workflow(workflow!(crate::create_product_meter))
        .workflow(workflow!(crate::launch_usage_based_product))
        .workflow(workflow!(crate::top_up_prepaid_after_usage))
        .workflow(workflow!(crate::setup_meter_with_filtering_rule))
        .workflow(workflow!(crate::get_customer_invoices))
        .workflow(workflow!(crate::create_customer))
        .workflow(workflow!(crate::onboard_customer_with_first_usage))
        .secrets(move |_workflow, input| (input == API_KEY_INPUT).then(|| api_key.clone()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_workflow_of_the_registry_is_served_with_its_api_key_secret() {
        let services = super::services(arazzo::Client::new(), String::new());
        let served: Vec<&str> = services.workflows().iter().map(|w| w.id()).collect();
        let listed: Vec<&str> = crate::registry::workflows()
            .iter()
            .map(|w| w.id())
            .collect();
        assert_eq!(served, listed);
        for w in services.workflows() {
            assert_eq!(w.secret_inputs(), &[super::API_KEY_INPUT], "{}", w.id());
        }
    }
}

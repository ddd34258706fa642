mod seed {
    arazzo::arazzo_workflow!("specs/arazzo/amberflo-create-meter-and-ingest-event-workflow.yml");
}

fn _types(o: seed::create_meter_and_ingest_event::Outputs, i: seed::create_meter_and_ingest_event::Inputs) {
    let _name: String = o.meter_api_name;
    let _t: i64 = i.meter_time_in_millis;
    let _u: Option<String> = i.unique_id;
}

fn _calls(client: &arazzo::Client, i: &seed::create_meter_and_ingest_event::Inputs) {
    let _ = async { seed::create_meter_and_ingest_event::run(client, i).await };
}

fn main() {}

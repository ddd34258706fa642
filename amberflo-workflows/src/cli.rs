//! Command-line parsing and the `list` and `run` commands.

use std::path::PathBuf;
use std::process::ExitCode;

use amberflo_workflows::fake::FakeAmberflo;
use amberflo_workflows::registry::{self, Outputs, RunError, WorkflowEntry, API_KEY_INPUT};
use clap::{Parser, Subcommand};
use serde_json::{Map, Value};
use tracing_subscriber::layer::SubscriberExt as _;

use crate::cli_trace::StepPrinter;

/// Environment variable holding the Amberflo API key.
const API_KEY_ENV: &str = "AMBERFLO_API_KEY";
/// Key used against the embedded fake when no API key is set.
const DEMO_API_KEY: &str = "demo-api-key";
/// The source description names the workflows use.
const SOURCES: &[&str] = &["meteringApi", "billingApi"];

/// Exit code: a problem with the command line or the inputs.
const EXIT_USAGE: u8 = 2;
/// Exit code: a step failed (success criteria not met, HTTP status).
const EXIT_STEP_FAILED: u8 = 3;
/// Exit code: a transport error (connect, timeout, broken connection).
const EXIT_TRANSPORT: u8 = 4;
/// Exit code: anything else.
const EXIT_OTHER: u8 = 1;

/// Run typed Amberflo workflows compiled from Arazzo documents.
///
/// By default workflows run against an embedded fake Amberflo that starts
/// empty; use --base-url to run against a real Amberflo. The API key is read
/// from the AMBERFLO_API_KEY environment variable and never printed.
#[derive(Debug, Parser)]
#[command(name = "amberflo-workflows", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the workflows with their summaries and inputs.
    List {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run one workflow and print its outputs.
    ///
    /// Each step prints a line (step, method, path, HTTP status, elapsed
    /// time) on stderr as it runs; the outputs go to stdout.
    Run {
        /// The workflowId to run (see `list`).
        workflow_id: String,
        /// An input as KEY=VALUE; repeatable. VALUE is parsed as JSON when it
        /// parses (numbers, true/false, arrays, objects), else taken as a
        /// string; for string inputs the raw text is always used.
        #[arg(long = "input", short = 'i', value_name = "KEY=VALUE")]
        inputs: Vec<String>,
        /// A JSON file with an object of inputs (--input values override it).
        #[arg(long, value_name = "FILE")]
        inputs_file: Option<PathBuf>,
        /// Run against this Amberflo base URL instead of the embedded fake.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Print the outputs as JSON.
        #[arg(long)]
        json: bool,
        /// Do not print the step lines.
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Serve every workflow as a durable Restate service (see docs/restate.md).
    ///
    /// Each workflow is a Restate service named after its workflowId with
    /// one handler, `run`, taking the inputs (without `apiKey`) as JSON. The
    /// API key comes from AMBERFLO_API_KEY and never enters Restate's journal.
    #[cfg(feature = "restate")]
    Serve {
        /// Serve as Restate handlers (the only mode so far).
        #[arg(long)]
        restate: bool,
        /// The port the Restate endpoint listens on.
        #[arg(long, default_value_t = 9080)]
        port: u16,
        /// The interface it listens on.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Amberflo base URL the steps call instead of an embedded fake Amberflo.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

/// A failure of the CLI, with the exit code it maps to.
#[derive(Debug)]
struct CliError {
    code: u8,
    message: String,
}

impl CliError {
    fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    fn other(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_OTHER,
            message: message.into(),
        }
    }
}

impl From<RunError> for CliError {
    fn from(e: RunError) -> Self {
        let code = match &e {
            RunError::Inputs(_) => EXIT_USAGE,
            RunError::Workflow(w) => exit_code_of(w),
            RunError::Outputs(_) => EXIT_OTHER,
        };
        CliError {
            code,
            message: e.to_string(),
        }
    }
}

/// The exit code of a workflow error.
fn exit_code_of(e: &arazzo::Error) -> u8 {
    use arazzo::Error as E;
    match e {
        E::CriteriaNotMet { .. } | E::RetriesExhausted { .. } => EXIT_STEP_FAILED,
        E::Connect { .. }
        | E::Timeout { .. }
        | E::WorkflowTimeout { .. }
        | E::TooManyRedirects { .. }
        | E::Transport { .. }
        | E::BodyInterrupted { .. } => EXIT_TRANSPORT,
        _ => EXIT_OTHER,
    }
}

/// Parses the command line, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let result = match cli.command {
        Command::List { json } => list(json),
        Command::Run {
            workflow_id,
            inputs,
            inputs_file,
            base_url,
            json,
            quiet,
        } => run_command(RunArgs {
            workflow_id,
            inputs,
            inputs_file,
            base_url,
            json,
            quiet,
        }),
        #[cfg(feature = "restate")]
        Command::Serve {
            restate,
            port,
            host,
            base_url,
        } => serve_command(restate, std::net::SocketAddr::new(host, port), base_url),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

fn list(json: bool) -> Result<(), CliError> {
    if json {
        let list: Vec<Value> = registry::workflows()
            .iter()
            .map(|w| {
                serde_json::json!({
                    "id": w.id(),
                    "summary": w.summary(),
                    "prerequisites": w.prerequisites,
                    "inputs": w.inputs().iter().map(|i| serde_json::json!({
                        "name": i.name,
                        "type": i.json_type.as_str(),
                        "required": i.required,
                        "description": i.description.unwrap_or_default(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let text =
            serde_json::to_string_pretty(&list).map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    for w in registry::workflows() {
        println!("{}", w.id());
        println!("    {}", w.summary());
        if !w.prerequisites.is_empty() {
            println!("    needs: {}", w.prerequisites);
        }
        for i in w.inputs() {
            if i.secret {
                println!("      {:<22} (from ${API_KEY_ENV})", i.name);
                continue;
            }
            println!(
                "      {:<22} {:<8} {:<9} {}",
                i.name,
                i.json_type.as_str(),
                if i.required { "required" } else { "optional" },
                i.description.unwrap_or_default()
            );
        }
        println!();
    }
    Ok(())
}

struct RunArgs {
    workflow_id: String,
    inputs: Vec<String>,
    inputs_file: Option<PathBuf>,
    base_url: Option<String>,
    json: bool,
    quiet: bool,
}

fn run_command(args: RunArgs) -> Result<(), CliError> {
    let entry = registry::find(&args.workflow_id).ok_or_else(|| {
        let ids: Vec<&str> = registry::workflows().iter().map(|w| w.id()).collect();
        CliError::usage(format!(
            "unknown workflow `{}`; the workflows are: {}",
            args.workflow_id,
            ids.join(", ")
        ))
    })?;
    let mut inputs = collect_inputs(entry, args.inputs_file.as_deref(), &args.inputs)?;
    let api_key = match std::env::var(API_KEY_ENV) {
        Ok(key) if !key.trim().is_empty() => key,
        _ if args.base_url.is_none() => DEMO_API_KEY.to_owned(),
        _ => {
            return Err(CliError::usage(format!(
                "set {API_KEY_ENV} to your Amberflo API key to run against {}",
                args.base_url.as_deref().unwrap_or_default()
            )))
        }
    };
    inputs.insert(API_KEY_INPUT.to_owned(), Value::String(api_key));
    entry.check_inputs(&inputs)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::other(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(run_workflow(entry, inputs, &args))
}

/// `serve --restate`: every workflow as a Restate service on `addr`.
#[cfg(feature = "restate")]
fn serve_command(
    restate: bool,
    addr: std::net::SocketAddr,
    base_url: Option<String>,
) -> Result<(), CliError> {
    if !restate {
        return Err(CliError::usage(
            "`serve` needs `--restate` (the only way to serve so far)",
        ));
    }
    let api_key = match std::env::var(API_KEY_ENV) {
        Ok(key) if !key.trim().is_empty() => key,
        _ if base_url.is_none() => DEMO_API_KEY.to_owned(),
        _ => {
            return Err(CliError::usage(format!(
                "set {API_KEY_ENV} to your Amberflo API key to serve against {}",
                base_url.as_deref().unwrap_or_default()
            )))
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::other(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let fake = match &base_url {
            Some(_) => None,
            None => Some(
                FakeAmberflo::start_with_api_key(&api_key)
                    .await
                    .map_err(|e| CliError::other(format!("cannot start the fake Amberflo: {e}")))?,
            ),
        };
        let target = match (&base_url, &fake) {
            (Some(url), _) => url.clone(),
            (None, Some(fake)) => fake.base_url(),
            (None, None) => return Err(CliError::other("no server to run against")),
        };
        let mut builder = arazzo::Client::builder();
        for source in SOURCES {
            builder = builder.server(*source, target.as_str());
        }
        let client = builder
            .build()
            .map_err(|e| CliError::usage(format!("invalid --base-url: {e}")))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::other(format!("cannot listen on {addr}: {e}")))?;
        let bound = listener.local_addr().unwrap_or(addr);
        let services = amberflo_workflows::restate::services(client, api_key);
        if fake.is_some() {
            eprintln!("steps call the embedded fake Amberflo at {target}");
        } else {
            eprintln!("steps call {target}");
        }
        eprintln!(
            "serving {} workflows as Restate services on http://{bound}",
            registry::workflows().len()
        );
        eprintln!("register this deployment with Restate (admin API on port 9070):");
        eprintln!(
            "  curl -sS http://localhost:9070/deployments -H 'content-type: application/json' -d '{{\"uri\": \"http://{bound}\"}}'"
        );
        eprintln!("  (or: restate deployments register http://{bound})");
        services.serve_on(listener).await;
        Ok(())
    })
}

/// Builds the JSON inputs from the inputs file and the `--input` pairs.
fn collect_inputs(
    entry: &WorkflowEntry,
    file: Option<&std::path::Path>,
    pairs: &[String],
) -> Result<Map<String, Value>, CliError> {
    let mut inputs = Map::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read `{}`: {e}", path.display())))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| CliError::usage(format!("`{}` is not valid JSON: {e}", path.display())))?;
        match value {
            Value::Object(map) => inputs = map,
            _ => {
                return Err(CliError::usage(format!(
                    "`{}` must hold a JSON object of inputs",
                    path.display()
                )))
            }
        }
        if inputs.contains_key(API_KEY_INPUT) {
            return Err(CliError::usage(format!(
                "`{}` must not contain `{API_KEY_INPUT}`: pass the API key in {API_KEY_ENV}",
                path.display()
            )));
        }
    }
    for pair in pairs {
        let Some((key, raw)) = pair.split_once('=') else {
            return Err(CliError::usage(format!(
                "--input expects KEY=VALUE, got `{}`",
                pair.chars().take(40).collect::<String>()
            )));
        };
        let key = key.trim();
        if key == API_KEY_INPUT {
            return Err(CliError::usage(format!(
                "do not pass the API key as an input: set {API_KEY_ENV} instead"
            )));
        }
        inputs.insert(key.to_owned(), entry.parse_input(key, raw));
    }
    Ok(inputs)
}

async fn run_workflow(
    entry: &'static WorkflowEntry,
    inputs: Map<String, Value>,
    args: &RunArgs,
) -> Result<(), CliError> {
    let fake = match &args.base_url {
        Some(_) => None,
        None => Some(
            FakeAmberflo::start()
                .await
                .map_err(|e| CliError::other(format!("cannot start the fake Amberflo: {e}")))?,
        ),
    };
    let base_url = match (&args.base_url, &fake) {
        (Some(url), _) => url.clone(),
        (None, Some(fake)) => fake.base_url(),
        (None, None) => return Err(CliError::other("no server to run against")),
    };
    let mut builder = arazzo::Client::builder();
    // The key also goes to the descriptions' `apiKeyAuth` scheme (`X-API-KEY`), for
    // the operations of documents that do not set that header themselves.
    let api_key = inputs.get(API_KEY_INPUT).and_then(Value::as_str);
    for source in SOURCES {
        builder = builder.server(*source, base_url.as_str());
        if let Some(key) = api_key {
            builder = builder.credential(*source, "apiKeyAuth", arazzo::Credential::api_key(key));
        }
    }
    let client = builder
        .build()
        .map_err(|e| CliError::usage(format!("invalid --base-url: {e}")))?;

    let target = if fake.is_some() {
        format!("the embedded fake Amberflo at {base_url}")
    } else {
        client
            .base_url(SOURCES[0], &base_url)
            .map(|u| {
                let mut u = u;
                let _ = u.set_password(None);
                let _ = u.set_username("");
                u.to_string()
            })
            .unwrap_or_default()
    };
    if !args.quiet {
        eprintln!("running workflow `{}` against {target}", entry.id());
    }
    let started = std::time::Instant::now();
    if !args.quiet {
        let subscriber = tracing_subscriber::registry().with(StepPrinter {
            top_workflow: entry.id(),
        });
        // Only fails when a subscriber is already installed; then the step
        // lines are simply not printed.
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
    let outputs = (entry.run)(&client, Value::Object(inputs)).await?;
    if !args.quiet {
        eprintln!(
            "workflow `{}` succeeded in {:.0} ms",
            entry.id(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    print_outputs(&outputs, args.json)
}

/// Prints the outputs in the order the workflow declares them.
fn print_outputs(outputs: &Outputs, json: bool) -> Result<(), CliError> {
    if json {
        let text =
            serde_json::to_string_pretty(outputs).map_err(|e| CliError::other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    println!("outputs:");
    for (name, value) in &outputs.0 {
        match value {
            Value::String(s) => println!("  {name}: {s}"),
            Value::Null => println!("  {name}: (none)"),
            Value::Array(_) | Value::Object(_) => {
                let text = serde_json::to_string_pretty(value)
                    .map_err(|e| CliError::other(e.to_string()))?;
                println!("  {name}:");
                for line in text.lines() {
                    println!("    {line}");
                }
            }
            other => println!("  {name}: {other}"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_read_by_the_input_json_type() {
        let entry = registry::find("create-meter-and-ingest-event").unwrap();
        let pairs = [
            "meterValue=3".to_owned(),
            "meterTimeInMillis=1700000000000".to_owned(),
            "customerId=123".to_owned(),
            "displayName=\"quoted\"".to_owned(),
            "type=API calls".to_owned(),
        ];
        let inputs = collect_inputs(entry, None, &pairs).unwrap();
        assert_eq!(inputs["meterValue"], json!(3));
        assert_eq!(inputs["meterTimeInMillis"], json!(1_700_000_000_000_i64));
        assert_eq!(inputs["customerId"], json!("123"));
        assert_eq!(inputs["displayName"], json!("quoted"));
        assert_eq!(inputs["type"], json!("API calls"));
        let e = collect_inputs(entry, None, &["apiKey=k".to_owned()]).unwrap_err();
        assert_eq!(e.code, EXIT_USAGE);
    }

    #[test]
    fn exit_codes() {
        let e = arazzo::Error::CriteriaNotMet {
            workflow: "w",
            step: "s",
            operation: "o",
            status: 404,
            body: String::new(),
        };
        assert_eq!(exit_code_of(&e), EXIT_STEP_FAILED);
        let e = arazzo::Error::StepLimitExceeded {
            workflow: "w",
            limit: 1,
        };
        assert_eq!(exit_code_of(&e), EXIT_OTHER);
        assert_eq!(
            CliError::from(RunError::Inputs("x".into())).code,
            EXIT_USAGE
        );
    }
}

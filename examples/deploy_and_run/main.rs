//! The stepworker demo: deploy a three-step order workflow, run its two
//! activities in a worker, start a few executions and show what each step did.
//!
//! ```text
//! cargo run --example deploy_and_run                      # embedded engine, no setup
//! cargo run --example deploy_and_run -- --endpoint http://127.0.0.1:8083
//! cargo run --example deploy_and_run -- --aws --role-arn arn:aws:iam::...:role/...
//! ```

mod orders;
mod steps;
mod table;

use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use futures_util::{future::try_join_all, TryStreamExt};
use serde::Deserialize;
use serde_json::json;
use stepworker::asl::{Catch, DeployChange, Pass, Retry, StateMachine, Task};
use stepworker::{Client, Worker};
use stepworker_local::LocalEngine;
use tracing_subscriber::EnvFilter;

use orders::{charge_card, validate_order, Order};
use table::ExecutionReport;

/// Any role ARN does for stepworker-local; AWS needs a real one.
const LOCAL_ROLE: &str = "arn:aws:iam::123456789012:role/stepworker-demo";

#[derive(Parser)]
#[command(about = "Deploy an order workflow, run its worker, and show each execution step by step")]
struct Args {
    /// A Step Functions-compatible endpoint, e.g. a running stepworker-local
    /// (dummy credentials). Default: an engine embedded in this process.
    #[arg(long, conflicts_with = "aws")]
    endpoint: Option<String>,
    /// Use AWS as the environment configures it (region, credentials,
    /// AWS_ENDPOINT_URL_SFN); implied when AWS_REGION or AWS_ENDPOINT_URL* is set.
    #[arg(long)]
    aws: bool,
    /// The IAM role the state machine runs as (required on AWS).
    #[arg(long, default_value = LOCAL_ROLE)]
    role_arn: String,
}

/// What the workflow returns for each order.
#[derive(Deserialize)]
struct Outcome {
    status: String,
    detail: String,
}

/// Validate -> Charge -> Confirm; out-of-stock orders are caught and rejected.
fn order_workflow() -> anyhow::Result<StateMachine> {
    let machine = StateMachine::builder()
        .comment("Validate, charge and confirm an order")
        .start_at("Validate")
        .state(
            "Validate",
            Task::activity::<validate_order>()
                .catch(Catch::on(["OrderError.OutOfStock"], "Rejected").result_path("$.error"))
                .next("Charge"),
        )
        .state(
            "Charge",
            Task::activity::<charge_card>()
                .retry(
                    Retry::on(["PaymentError.GatewayTimeout"])
                        .interval_seconds(1)
                        .max_attempts(3),
                )
                .next("Confirm"),
        )
        .state(
            "Confirm",
            Pass::new()
                .parameters(json!({
                    "status": "confirmed",
                    "detail.$": "States.Format('charged {} ({})', $.amount, $.payment_id)",
                }))
                .end(),
        )
        .state(
            "Rejected",
            Pass::new()
                .parameters(json!({"status": "rejected", "detail.$": "$.error.Cause"}))
                .end(),
        )
        .build()?;
    Ok(machine)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let log_filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt().with_env_filter(log_filter).init();
    let args = Args::parse();
    let (client, engine) = connect(&args).await?;
    let where_to = match &engine {
        Some(local) => format!("{} (embedded stepworker-local)", local.endpoint_url()),
        None => client.config().endpoint_url(),
    };
    println!("stepworker demo: an order workflow with a Retry and a Catch\n");
    println!("  endpoint    {where_to}");

    let deployed = order_workflow()?
        .deploy(&client, "stepworker-demo-orders", &args.role_arn)
        .send()
        .await
        .context("deploying the workflow")?;
    let change = match deployed.change {
        DeployChange::Created => "created",
        DeployChange::Updated => "updated",
        DeployChange::Unchanged => "unchanged",
    };
    println!("  workflow    {} ({change})", deployed.state_machine.arn());

    let worker = Worker::builder(client.clone())
        .activity(validate_order)
        .activity(charge_card)
        .concurrency(8)
        .build();
    let worker_handle = worker.handle();
    let worker_run = tokio::spawn(worker.run());
    println!("  worker      polling validate-order and charge-card, 8 tasks at a time\n");

    let orders = [
        Order::new("order-1", "espresso-beans", 2),
        Order::new("order-2", "grinder", 1),
        Order::new("order-3", "kettle", 1),
    ];
    let executions = try_join_all(
        orders
            .iter()
            .map(|order| deployed.state_machine.start(order).send()),
    )
    .await
    .context("starting the executions")?;
    let mut reports = Vec::new();
    for (order, execution) in orders.iter().zip(&executions) {
        let result = match execution.wait::<Outcome>().await {
            Ok(outcome) => format!("SUCCEEDED  {}: {}", outcome.status, outcome.detail),
            Err(failed) => format!("FAILED     {failed}"),
        };
        let history: Vec<_> = execution.history().try_collect().await?;
        reports.push(ExecutionReport {
            headline: format!(
                "{}  {} x {}  ->  {result}",
                order.id, order.quantity, order.item
            ),
            steps: steps::steps(&history),
        });
    }
    table::print_executions(&reports);

    // No new polls; running tasks finish. Open long polls are never cut, as
    // they may be handed a task: a stopping engine answers them at once,
    // AWS within 60 s.
    worker_handle.shutdown();
    match engine {
        Some(local) => local.shutdown().await?,
        None => println!("waiting for open long polls to return (up to 60 s)"),
    }
    worker_run.await??;
    println!("worker stopped gracefully");
    Ok(())
}

/// A client for the endpoint the arguments and environment name, and the
/// embedded engine when they name none.
async fn connect(args: &Args) -> anyhow::Result<(Client, Option<LocalEngine>)> {
    let aws_configured = ["AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL", "AWS_REGION"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    if let Some(url) = &args.endpoint {
        return Ok((Client::local(url.as_str()), None));
    }
    if args.aws || aws_configured {
        if args.role_arn == LOCAL_ROLE {
            bail!("on AWS, pass the state machine's IAM role with --role-arn");
        }
        let client = Client::from_env().context("reading the AWS configuration")?;
        return Ok((client, None));
    }
    let engine = LocalEngine::builder()
        // Idle polls return after 5 s rather than AWS's 60 s, so that a poll
        // racing the shutdown cannot hold the demo's exit for long.
        .poll_timeout(Duration::from_secs(5))
        .start()
        .await
        .context("starting the embedded engine")?;
    Ok((Client::local(engine.endpoint_url()), Some(engine)))
}

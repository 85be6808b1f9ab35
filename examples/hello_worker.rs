//! The smallest worker: one `#[activity]` function and a `Worker`.
//!
//! ```text
//! cargo run --example hello_worker
//! ```
//! With no AWS endpoint or region in the environment it starts an embedded
//! engine, runs one execution through the worker and exits. Otherwise it
//! serves the `hello` activity there until Ctrl-C, e.g. against a running
//! `stepworker-local`:
//!
//! ```text
//! AWS_ENDPOINT_URL=http://127.0.0.1:8083 AWS_REGION=us-east-1 \
//! AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test cargo run --example hello_worker
//! ```

use stepworker::asl::{StateMachine, Task};
use stepworker::worker::shutdown_signal;
use stepworker::{activity, Client, Worker};
use stepworker_local::LocalEngine;

#[activity(name = "hello", heartbeat = "10s", timeout = "1m")]
async fn hello(name: String) -> String {
    format!("Hello, {name}!")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let configured = ["AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL", "AWS_REGION"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    if configured {
        let client = Client::from_env()?;
        Worker::builder(client)
            .activity(hello)
            .build()
            .run_until(shutdown_signal())
            .await?;
        return Ok(());
    }

    // No endpoint configured: bring one, and give the worker something to do.
    let engine = LocalEngine::start().await?;
    let client = Client::local(engine.endpoint_url());
    let greeter = StateMachine::builder()
        .start_at("Greet")
        .state("Greet", Task::activity::<hello>().end())
        .build()?
        .deploy(&client, "hello", "arn:aws:iam::123456789012:role/hello")
        .send()
        .await?
        .state_machine;

    let worker = Worker::builder(client).activity(hello).build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());
    let greeting: String = greeter.start("world").send().await?.wait().await?;
    println!("{greeting}");

    handle.shutdown();
    engine.shutdown().await?;
    running.await??;
    Ok(())
}

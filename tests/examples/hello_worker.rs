//! `cargo run --example hello_worker`: with nothing configured it greets
//! through an embedded engine and exits 0; pointed at an endpoint by the
//! environment it serves there until SIGTERM.

use std::time::Duration;

use crate::support::{describe, example_binary, example_command, run_example, terminate};
use stepworker::asl::{StateMachine, Task};
use stepworker::Client;
use stepworker_local::LocalEngine;

const LIMIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn with_no_configuration_it_runs_one_greeting_and_exits_0() {
    let output = run_example("hello_worker", &[], LIMIT).await;
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().any(|line| line == "Hello, world!"),
        "{}",
        describe(&output)
    );
}

#[tokio::test]
async fn with_an_endpoint_in_the_environment_it_serves_until_sigterm() {
    let engine = LocalEngine::builder()
        // The worker waits for its open polls when it stops.
        .poll_timeout(Duration::from_secs(1))
        .start()
        .await
        .expect("engine starts");
    let client = Client::local(engine.endpoint_url());
    let greeter = StateMachine::builder()
        .start_at("Greet")
        .state("Greet", Task::activity_named("hello").end())
        .build()
        .expect("valid definition")
        .deploy(&client, "greeter", "arn:aws:iam::123456789012:role/test")
        .send()
        .await
        .expect("deploy")
        .state_machine;

    let binary = example_binary("hello_worker").await;
    let mut command = example_command(&binary, &[]);
    command
        .env("AWS_ENDPOINT_URL", engine.endpoint_url())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test");
    let worker = command.spawn().expect("the example starts");

    let execution = greeter.start("fleet").send().await.expect("start");
    let greeting: String = tokio::time::timeout(LIMIT, execution.wait())
        .await
        .expect("the worker answers in time")
        .expect("the execution succeeds");
    assert_eq!(greeting, "Hello, fleet!");

    terminate(&worker);
    let output = tokio::time::timeout(LIMIT, worker.wait_with_output())
        .await
        .expect("the worker stops in time")
        .expect("the worker's output");
    assert!(output.status.success(), "{}", describe(&output));
}

//! `cargo run --example deploy_and_run`, the README demo: with no
//! configuration it exits 0 and shows each execution's result and steps,
//! including the retry and the caught failure; `--endpoint` sends it all to
//! another engine.

use std::time::Duration;

use crate::support::{describe, example_binary, example_command, run_example};
use stepworker::Client;
use stepworker_local::LocalEngine;

/// The demo takes about two seconds (one retry waits one second).
const LIMIT: Duration = Duration::from_secs(60);

/// One row of a steps table: state, what happened, milliseconds.
#[derive(Debug)]
struct Row {
    state: String,
    happened: String,
    millis: i64,
}

/// The block of output of the execution whose headline starts with `order`:
/// its headline and its step rows.
fn execution(stdout: &str, order: &str) -> (String, Vec<Row>) {
    let block = stdout
        .split("\n\n")
        .find(|block| block.starts_with(&format!("{order} ")))
        .unwrap_or_else(|| panic!("no execution block for {order} in:\n{stdout}"));
    let mut lines = block.lines();
    let headline = lines.next().unwrap_or_default().to_owned();
    let rows = lines
        .skip(1) // the column headers
        .map(|line| {
            let line = line.trim();
            let (state, rest) = line.split_once(' ').expect("state column");
            let (happened, millis) = rest.trim().rsplit_once(' ').expect("ms column");
            Row {
                state: state.to_owned(),
                happened: happened.trim().to_owned(),
                millis: millis.parse().expect("ms is a number"),
            }
        })
        .collect();
    (headline, rows)
}

#[tokio::test]
async fn the_demo_shows_results_retry_and_catch_and_exits_0() {
    let output = run_example("deploy_and_run", &[], LIMIT).await;
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);

    let (headline, steps) = execution(&stdout, "order-1");
    assert!(
        headline.ends_with("SUCCEEDED  confirmed: charged $29.00 (pay-order-1)"),
        "{headline}"
    );
    let states: Vec<_> = steps.iter().map(|s| s.state.as_str()).collect();
    assert_eq!(states, ["Validate", "Charge", "Confirm"], "{steps:?}");

    let (headline, _) = execution(&stdout, "order-2");
    assert!(
        headline.ends_with("SUCCEEDED  confirmed: charged $89.00 (pay-order-2)"),
        "{headline}"
    );

    let (headline, steps) = execution(&stdout, "order-3");
    assert!(
        headline.ends_with("SUCCEEDED  rejected: kettle is out of stock"),
        "{headline}"
    );
    assert_eq!(steps[0].state, "Validate");
    assert_eq!(
        steps[0].happened,
        "validate-order failed (OrderError.OutOfStock), caught"
    );
    assert_eq!(steps[1].state, "Rejected");

    // The gateway times out exactly once, in whichever order reached it first.
    let retried: Vec<Row> = ["order-1", "order-2"]
        .into_iter()
        .flat_map(|order| execution(&stdout, order).1)
        .filter(|row| row.happened.contains("attempt 2"))
        .collect();
    assert_eq!(retried.len(), 1, "{stdout}");
    assert_eq!(retried[0].state, "Charge");
    assert_eq!(
        retried[0].happened,
        "charge-card succeeded on attempt 2 after PaymentError.GatewayTimeout"
    );
    // The retry waited its IntervalSeconds (1 s), which the timing shows.
    assert!(retried[0].millis >= 1_000, "{:?}", retried[0]);

    assert!(stdout.contains("worker stopped gracefully"), "{stdout}");
}

#[tokio::test]
async fn with_an_endpoint_it_deploys_and_runs_there() {
    let engine = LocalEngine::builder()
        // The example's worker waits for its open polls when it stops.
        .poll_timeout(Duration::from_secs(1))
        .start()
        .await
        .expect("engine starts");
    let url = engine.endpoint_url();
    let binary = example_binary("deploy_and_run").await;
    let output = tokio::time::timeout(
        LIMIT,
        example_command(&binary, &["--endpoint", &url]).output(),
    )
    .await
    .expect("the demo ends in time")
    .expect("the demo starts");
    assert!(output.status.success(), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains(&url));

    let client = Client::local(&url);
    let machines = client
        .list_state_machines()
        .send()
        .await
        .expect("list state machines");
    let demo = machines
        .state_machines
        .iter()
        .find(|machine| machine.name == "stepworker-demo-orders")
        .expect("the demo deployed its state machine to this engine");
    let executions = client
        .list_executions()
        .state_machine_arn(&demo.state_machine_arn)
        .send()
        .await
        .expect("list executions");
    assert_eq!(executions.executions.len(), 3);
}

#[tokio::test]
async fn on_aws_it_refuses_to_deploy_without_a_role() {
    let binary = example_binary("deploy_and_run").await;
    let output = tokio::time::timeout(LIMIT, example_command(&binary, &["--aws"]).output())
        .await
        .expect("the demo ends in time")
        .expect("the demo starts");
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--role-arn"),
        "{}",
        describe(&output)
    );
}

//! API quotas over HTTP: token buckets per operation, refilled on the
//! engine's clock, answering `ThrottlingException` as AWS does.

use std::time::Duration;

use crate::support::wire::{call, Wire};
use serde_json::{json, Value};
use stepworker_local::{Bucket, LocalEngine, ManualClock, Quotas};

const START: i64 = 1_700_000_000_000;

fn list() -> Value {
    json!({})
}

#[tokio::test]
async fn an_empty_bucket_throttles_until_the_clock_refills_it() {
    let clock = ManualClock::new(START);
    let quotas = Quotas::none()
        .bucket("ListActivities", Bucket::new(3, 2))
        .expect("a known operation");
    let engine = LocalEngine::builder()
        .clock(clock.clone())
        .quotas(quotas)
        .start()
        .await
        .expect("engine starts");
    let addr = engine.local_addr();
    for n in 0..3 {
        let answer = call(addr, "ListActivities", &list()).await;
        assert_eq!(answer.status(), 200, "call {n} fits the bucket");
    }
    let throttled = call(addr, "ListActivities", &list()).await;
    // AWS JSON services answer throttling with the framework's exception:
    // HTTP 400, `com.amazon.coral.availability#ThrottlingException`, "Rate exceeded".
    assert_eq!(
        throttled,
        Wire::Answer {
            status: 400,
            error_type: Some("ThrottlingException".to_owned()),
            body: json!({
                "__type": "com.amazon.coral.availability#ThrottlingException",
                "message": "Rate exceeded"
            }),
        }
    );
    // Other operations have no bucket and pass.
    assert_eq!(call(addr, "ListStateMachines", &list()).await.status(), 200);
    // 2 tokens a second: the next one comes after 500 ms of engine time.
    clock.advance(Duration::from_millis(499));
    assert_eq!(call(addr, "ListActivities", &list()).await.status(), 400);
    clock.advance(Duration::from_millis(1));
    assert_eq!(call(addr, "ListActivities", &list()).await.status(), 200);
    assert_eq!(call(addr, "ListActivities", &list()).await.status(), 400);
    // A long pause refills up to the size, never beyond.
    clock.advance(Duration::from_secs(60));
    let after_pause: Vec<u16> = list_statuses(addr, 4).await;
    assert_eq!(after_pause, [200, 200, 200, 400]);
    let counts = engine.pressure_stats();
    assert_eq!(counts["ListActivities"].quota_throttled, 4);
    assert!(!counts.contains_key("ListStateMachines"));
}

async fn list_statuses(addr: std::net::SocketAddr, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(call(addr, "ListActivities", &list()).await.status());
    }
    statuses
}

/// Calls `operation` until it is throttled (at most `limit + 1` times); the
/// number of calls that passed.
async fn calls_before_throttle(
    engine: &LocalEngine,
    operation: &str,
    body: &Value,
    limit: u32,
) -> u32 {
    for passed in 0..=limit {
        let answer = call(engine.local_addr(), operation, body).await;
        if answer.error_name() == Some("ThrottlingException") {
            return passed;
        }
        assert_ne!(answer, Wire::Reset);
    }
    panic!("{operation} was not throttled after {limit} calls");
}

/// The sizes of the table on
/// <https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-api-action-throttling-general>,
/// checked over HTTP for operations whose size differs between the larger
/// regions and the others. Calls that fail (no such execution) still take
/// a token, as on AWS.
#[tokio::test]
async fn aws_quotas_follow_the_region() {
    let execution = json!({
        "executionArn": "arn:aws:states:us-west-2:123456789012:execution:m:e"
    });
    for (region, describe_size, list_executions_size) in
        [("us-west-2", 300, 200), ("ap-southeast-2", 250, 100)]
    {
        let arn_region = execution["executionArn"]
            .as_str()
            .unwrap_or_default()
            .replace("us-west-2", region);
        let engine = LocalEngine::builder()
            .region(region)
            .clock(ManualClock::new(START))
            .quotas(Quotas::aws())
            .start()
            .await
            .expect("engine starts");
        let describe = json!({ "executionArn": arn_region });
        assert_eq!(
            calls_before_throttle(&engine, "DescribeExecution", &describe, 400).await,
            describe_size,
            "DescribeExecution in {region}"
        );
        let machine = format!("arn:aws:states:{region}:123456789012:stateMachine:m");
        let list = json!({ "stateMachineArn": machine });
        assert_eq!(
            calls_before_throttle(&engine, "ListExecutions", &list, 300).await,
            list_executions_size,
            "ListExecutions in {region}"
        );
        // StartSyncExecution has no bucket on the page and is never throttled.
        let sync = json!({ "stateMachineArn": machine });
        for _ in 0..5 {
            let answer = call(engine.local_addr(), "StartSyncExecution", &sync).await;
            assert_ne!(answer.error_name(), Some("ThrottlingException"));
        }
    }
}

#[test]
fn the_aws_table_is_the_documented_one() {
    let large = Quotas::aws_buckets("us-east-1");
    let other = Quotas::aws_buckets("sa-east-1");
    assert_eq!(large.len(), 36, "every operation but StartSyncExecution");
    for region in ["us-east-1", "us-west-2", "eu-west-1"] {
        assert_eq!(Quotas::aws_buckets(region), large);
    }
    let expect = [
        ("GetActivityTask", (3_000, 500), (1_500, 300)),
        ("SendTaskSuccess", (3_000, 500), (1_500, 300)),
        ("SendTaskFailure", (3_000, 500), (1_500, 300)),
        ("SendTaskHeartbeat", (3_000, 500), (1_500, 300)),
        ("StartExecution", (1_300, 300), (800, 150)),
        ("RedriveExecution", (1_300, 300), (800, 150)),
        ("StopExecution", (1_000, 200), (500, 25)),
        ("DescribeExecution", (300, 15), (250, 10)),
        ("ListExecutions", (200, 5), (100, 2)),
        ("ListActivities", (100, 10), (100, 5)),
        ("GetExecutionHistory", (400, 20), (400, 20)),
        ("TestState", (50, 10), (50, 10)),
        ("CreateActivity", (100, 1), (100, 1)),
        ("DescribeStateMachine", (200, 20), (200, 20)),
    ];
    for (operation, (size, refill), (other_size, other_refill)) in expect {
        assert_eq!(large[operation], Bucket::new(size, refill), "{operation}");
        assert_eq!(
            other[operation],
            Bucket::new(other_size, other_refill),
            "{operation}"
        );
    }
}

#[tokio::test]
async fn without_quotas_nothing_is_throttled() {
    let engine = LocalEngine::builder()
        .clock(ManualClock::new(START))
        .start()
        .await
        .expect("engine starts");
    for _ in 0..150 {
        assert_eq!(
            call(engine.local_addr(), "ListActivities", &list())
                .await
                .status(),
            200
        );
    }
    assert!(engine.pressure_stats().is_empty());
}

async fn machine(engine: &LocalEngine, name: &str, machine_type: &str) -> String {
    let definition = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let created = engine
        .call(
            "CreateStateMachine",
            &json!({"name": name, "type": machine_type, "definition": definition.to_string(),
                    "roleArn": "arn:aws:iam::123456789012:role/test"}),
        )
        .await
        .expect("machine");
    created["stateMachineArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// AWS gives StartExecution on Express machines a bucket of its own
/// (6,000 refilled at 6,000/s); a bucket you set covers both.
#[tokio::test]
async fn express_starts_have_their_own_bucket() {
    let engine = LocalEngine::builder()
        .region("eu-north-1")
        .clock(ManualClock::new(START))
        .quotas(Quotas::aws())
        .start()
        .await
        .expect("engine starts");
    let standard = json!({ "stateMachineArn": machine(&engine, "standard", "STANDARD").await });
    let express = json!({ "stateMachineArn": machine(&engine, "express", "EXPRESS").await });
    assert_eq!(
        calls_before_throttle(&engine, "StartExecution", &standard, 900).await,
        800
    );
    let start = call(engine.local_addr(), "StartExecution", &express).await;
    assert_eq!(start.status(), 200, "{start:?}");

    let own = Quotas::aws()
        .bucket("StartExecution", Bucket::new(1, 0))
        .expect("known");
    let engine = LocalEngine::builder()
        .clock(ManualClock::new(START))
        .quotas(own)
        .start()
        .await
        .expect("engine starts");
    let express = json!({ "stateMachineArn": machine(&engine, "express", "EXPRESS").await });
    assert_eq!(
        calls_before_throttle(&engine, "StartExecution", &express, 5).await,
        1
    );
}

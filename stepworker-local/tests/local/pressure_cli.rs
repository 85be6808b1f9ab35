//! The binary's pressure flags: `--quotas aws` with `--region`, `--quota`,
//! `--faults FILE`, `--profile aws-pressure`, and the errors that stop it
//! at start.

use std::time::{Duration, Instant};

use crate::support::wire::call;
use crate::support::{engine_command, temp_file};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

/// The engine's address, read from the line it prints.
async fn address_of(child: &mut Child) -> std::net::SocketAddr {
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("the engine prints its endpoint")
    .expect("stdout readable");
    let endpoint = line.trim().rsplit(' ').next().expect("endpoint");
    endpoint
        .trim_start_matches("http://")
        .parse()
        .expect("an address")
}

/// Runs the binary with `args`, expecting it to refuse to start; its stderr.
async fn refused(args: &[&str]) -> String {
    let child = engine_command().args(args).spawn().expect("binary starts");
    let output = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the engine exits")
        .expect("output");
    assert!(!output.status.success(), "{args:?} must stop the engine");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Calls DescribeExecution on a missing execution until throttled; the
/// calls that passed and the seconds that took. The system clock refills
/// the bucket meanwhile, so the count is at least the bucket size and at
/// most what the refill rate could add in that time.
async fn describe_calls_before_throttle(addr: std::net::SocketAddr, region: &str) -> (u64, u64) {
    let body = json!({
        "executionArn": format!("arn:aws:states:{region}:123456789012:execution:m:e")
    });
    let started = Instant::now();
    for passed in 0..1_000 {
        let answer = call(addr, "DescribeExecution", &body).await;
        if answer.error_name() == Some("ThrottlingException") {
            return (passed, started.elapsed().as_secs() + 1);
        }
    }
    panic!("DescribeExecution was never throttled");
}

#[tokio::test]
async fn quotas_aws_sizes_buckets_by_region() {
    for (region, size, refill) in [("ap-southeast-2", 250, 10), ("us-east-1", 300, 15)] {
        let mut child = engine_command()
            .args(["--quotas", "aws", "--region", region])
            .spawn()
            .expect("binary starts");
        let addr = address_of(&mut child).await;
        let (passed, seconds) = describe_calls_before_throttle(addr, region).await;
        assert!(
            passed >= size && passed <= size + refill * seconds,
            "{region}: throttled after {passed} calls in {seconds} s; bucket {size}, refill {refill}/s"
        );
        child.kill().await.expect("engine stops");
    }
}

#[tokio::test]
async fn the_profile_turns_on_aws_quotas_and_a_quota_flag_wins() {
    let mut child = engine_command()
        .args(["--profile", "aws-pressure", "--quota", "ListActivities=2:0"])
        .spawn()
        .expect("binary starts");
    let addr = address_of(&mut child).await;
    let (passed, seconds) = describe_calls_before_throttle(addr, "us-east-1").await;
    assert!((300..=300 + 15 * seconds).contains(&passed), "{passed}");
    let statuses = [
        call(addr, "ListActivities", &json!({})).await.status(),
        call(addr, "ListActivities", &json!({})).await.status(),
        call(addr, "ListActivities", &json!({})).await.status(),
    ];
    assert_eq!(statuses, [200, 200, 400]);
    child.kill().await.expect("engine stops");
}

#[tokio::test]
async fn a_faults_file_is_loaded() {
    let file = temp_file(
        "throttle-all.json",
        r#"{"seed": 1, "operations": {"ListActivities": {"throttle": 1.0}}}"#,
    );
    let mut child = engine_command()
        .arg("--faults")
        .arg(&file)
        .spawn()
        .expect("binary starts");
    let addr = address_of(&mut child).await;
    let answer = call(addr, "ListActivities", &json!({})).await;
    assert_eq!(answer.error_name(), Some("ThrottlingException"));
    assert_eq!(
        call(addr, "ListStateMachines", &json!({})).await.status(),
        200
    );
    child.kill().await.expect("engine stops");
}

#[tokio::test]
async fn bad_quota_flags_stop_the_start_naming_the_problem() {
    let unknown = refused(&["--quota", "GetActivityTasks=20:10"]).await;
    assert!(unknown.contains("'GetActivityTasks'"), "{unknown}");
    let shape = refused(&["--quota", "GetActivityTask=20"]).await;
    assert!(shape.contains("SIZE:REFILL"), "{shape}");
    let number = refused(&["--quota", "GetActivityTask=lots:10"]).await;
    assert!(number.contains("'lots'"), "{number}");
    let set = refused(&["--quotas", "gcp"]).await;
    assert!(set.contains("gcp"), "{set}");
    let profile = refused(&["--profile", "gentle"]).await;
    assert!(profile.contains("gentle"), "{profile}");
}

#[tokio::test]
async fn bad_faults_files_stop_the_start_with_the_json_pointer() {
    let cases = [
        (
            "typo.json",
            r#"{"operations": {"*": {"throttel": 0.1}}}"#,
            "/operations/*/throttel",
        ),
        (
            "rate.json",
            r#"{"operations": {"SendTaskSuccess": {"resetAfterEffect": 1.5}}}"#,
            "/operations/SendTaskSuccess/resetAfterEffect",
        ),
        (
            "name.json",
            r#"{"operations": {"SendTaskSucess": {}}}"#,
            "/operations/SendTaskSucess",
        ),
        (
            "latency.json",
            r#"{"operations": {"*": {"latency": {"rate": 0.5, "minMs": "fast", "maxMs": 9}}}}"#,
            "/operations/*/latency/minMs",
        ),
    ];
    for (name, contents, pointer) in cases {
        let file = temp_file(name, contents);
        let stderr = refused(&["--faults", file.to_str().expect("utf-8 path")]).await;
        assert!(stderr.contains(name), "{stderr}");
        assert!(stderr.contains(&format!("at {pointer}:")), "{stderr}");
    }
    let missing = refused(&["--faults", "/nonexistent/faults.json"]).await;
    assert!(missing.contains("/nonexistent/faults.json"), "{missing}");
}

/// GET on the engine's console route `path`, as JSON.
async fn console_json(addr: std::net::SocketAddr, path: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or("");
    serde_json::from_str(body).expect("JSON")
}

/// Abandons a parked poll; whether the engine kept it parked, as the
/// console reports.
async fn abandoned_poll_is_kept(args: &[&str]) -> bool {
    let mut child = engine_command().args(args).spawn().expect("binary starts");
    let addr = address_of(&mut child).await;
    let created = call(addr, "CreateActivity", &json!({"name": "a"}))
        .await
        .ok();
    let poll = json!({"activityArn": created["activityArn"], "workerName": "gone"});
    let stream = crate::support::wire::open(addr, "GetActivityTask", &poll).await;
    let mut parked = false;
    for _ in 0..400 {
        let activities = console_json(addr, "/console/activities").await;
        if activities[0]["load"]["parkedPolls"] == 1 {
            parked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(parked, "the poll parks");
    drop(stream);
    let mut kept = false;
    for _ in 0..400 {
        let report = console_json(addr, "/console/pressure").await;
        let parked =
            console_json(addr, "/console/activities").await[0]["load"]["parkedPolls"].clone();
        if report["closedPollsKept"] == 1 {
            assert_eq!(parked, 1, "a kept poll stays parked");
            kept = true;
            break;
        }
        if parked == 0 {
            assert_eq!(report["closedPollsKept"], 0);
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().await.expect("engine stops");
    kept
}

#[tokio::test]
async fn closed_polls_are_kept_only_when_asked() {
    assert!(abandoned_poll_is_kept(&["--deliver-to-closed-polls"]).await);
    assert!(abandoned_poll_is_kept(&["--profile", "aws-pressure"]).await);
    assert!(!abandoned_poll_is_kept(&[]).await);
}

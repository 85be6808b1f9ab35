//! The local console in a real browser: a workflow whose task fails and is
//! caught runs on an in-process engine, a worker (the stepworker client)
//! fails the task, then headless Chromium opens the execution page. The
//! dumped DOM must show each state with its status and the step list must
//! show the failure's error and cause; screenshots are saved under
//! `target/console-screenshots/`.
//!
//! Needs Debian's `chromium` at /usr/bin/chromium. Without it the test is
//! skipped with a notice, unless `STEPWORKER_REQUIRE_BROWSER=1` (CI).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use stepworker::client::Client;
use stepworker::model::ExecutionStatus;
use stepworker_local::LocalEngine;
use tokio::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";
const ERROR: &str = "Card.Declined";
const CAUSE: &str = "Insufficient funds on card ending 4242";

fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is target/tmp: the screenshots go next to it.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("console-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Runs headless Chromium on `url` with `extra` arguments; its stdout.
fn profile_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-profile-{}", std::process::id()))
}

async fn chromium(url: &str, extra: &[String]) -> String {
    let profile = profile_dir();
    let mut command = Command::new(CHROMIUM);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .expect("chromium finishes within 90 s")
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {:?}",
        output.status
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn screenshot(url: &str, file: &str, height: u32) -> PathBuf {
    let path = screenshots_dir().join(file);
    let _ = std::fs::remove_file(&path);
    chromium(
        url,
        &[
            format!("--screenshot={}", path.display()),
            format!("--window-size=1440,{height}"),
        ],
    )
    .await;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "{file} is empty ({size} bytes)");
    path
}

/// The start tag of the element carrying `marker` (`id="state-Charge"`).
fn start_tag<'a>(dom: &'a str, marker: &str) -> &'a str {
    let at = dom
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} is not in the page"));
    let start = dom[..at].rfind('<').unwrap_or(0);
    let end = dom[at..].find('>').map_or(dom.len(), |e| at + e);
    &dom[start..end]
}

/// The step list row of a state: from its `<tr` to its `</tr>`.
fn step_row<'a>(dom: &'a str, state: &str) -> &'a str {
    let marker = format!(r#"data-state="{state}""#);
    let rows = dom
        .find(r#"id="steps""#)
        .expect("the step list is in the page");
    let at = dom[rows..]
        .find(&marker)
        .map(|i| rows + i)
        .unwrap_or_else(|| panic!("no step row for {state}"));
    let end = dom[at..].find("</tr>").map_or(dom.len(), |e| at + e);
    &dom[at..end]
}

fn definition(activity_arn: &str) -> Value {
    json!({
        "Comment": "Charge a card; a declined card is apologised for",
        "StartAt": "Charge",
        "States": {
            "Charge": {
                "Type": "Task",
                "Resource": activity_arn,
                "TimeoutSeconds": 60,
                "Catch": [{"ErrorEquals": [ERROR], "Next": "Apologise"}],
                "Next": "Ship"
            },
            "Ship": {"Type": "Pass", "End": true},
            "Apologise": {"Type": "Pass", "Result": {"sorry": true}, "Next": "Done"},
            "Done": {"Type": "Succeed"}
        }
    })
}

/// A Parallel state whose second branch holds a Map of a Map.
fn fan_out(activity_arn: &str) -> Value {
    json!({
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Left", "States": {
                        "Left": {"Type": "Task", "Resource": activity_arn, "Next": "LeftDone"},
                        "LeftDone": {"Type": "Pass", "End": true}
                    }},
                    {"StartAt": "Right", "States": {
                        "Right": {"Type": "Pass", "Next": "Orders"},
                        "Orders": {
                            "Type": "Map",
                            "ItemsPath": "$.orders",
                            "ItemProcessor": {"StartAt": "Lines", "States": {
                                "Lines": {
                                    "Type": "Map",
                                    "ItemProcessor": {"StartAt": "Pack", "States": {
                                        "Pack": {"Type": "Task", "Resource": activity_arn, "End": true}
                                    }},
                                    "End": true
                                }
                            }},
                            "End": true
                        }
                    }}
                ],
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Cleanup"}],
                "Next": "Finish"
            },
            "Cleanup": {"Type": "Fail", "Error": "FanOutFailed"},
            "Finish": {"Type": "Succeed"}
        }
    })
}

/// A 40-state workflow: tasks with catches to one handler, validation
/// choices, a loop back to the start.
fn forty_states(activity_arn: &str) -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..36 {
        let next = format!("Step{:02}", i + 1);
        let state = if i % 6 == 3 {
            json!({"Type": "Choice", "Choices": [
                {"Variable": "$.ok", "BooleanEquals": false, "Next": "Reject"},
                {"Variable": "$.retry", "BooleanEquals": true, "Next": "Step00"}
            ], "Default": next})
        } else {
            json!({"Type": "Task", "Resource": activity_arn,
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "HandleError"}],
                   "Next": if i == 35 { "Approve".to_owned() } else { next }})
        };
        states.insert(format!("Step{i:02}"), state);
    }
    states.insert("Approve".into(), json!({"Type": "Succeed"}));
    states.insert(
        "Reject".into(),
        json!({"Type": "Fail", "Error": "Rejected"}),
    );
    states.insert(
        "HandleError".into(),
        json!({"Type": "Pass", "Next": "Notify"}),
    );
    states.insert("Notify".into(), json!({"Type": "Fail", "Error": "Failed"}));
    json!({"StartAt": "Step00", "States": states})
}

#[tokio::test]
async fn the_execution_page_shows_a_caught_failure() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var("STEPWORKER_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("{CHROMIUM} is missing and STEPWORKER_REQUIRE_BROWSER=1");
        }
        eprintln!("NOTICE: skipping the console browser test: {CHROMIUM} is not installed");
        return;
    }
    let engine = Arc::new(LocalEngine::start().await.expect("engine starts"));
    // The engine serves its console beside the API on its own port.
    let url = engine.endpoint_url();
    let client = Client::local(&url);

    let activity = client
        .create_activity()
        .name("charge-card")
        .send()
        .await
        .expect("activity")
        .activity_arn;
    let machine = client
        .create_state_machine()
        .name("checkout")
        .role_arn("arn:aws:iam::123456789012:role/checkout")
        .definition(definition(&activity).to_string())
        .send()
        .await
        .expect("state machine")
        .state_machine_arn;
    let execution = client
        .start_execution()
        .state_machine_arn(&machine)
        .name("order-1001")
        .input(r#"{"order":1001,"amount":42}"#)
        .send()
        .await
        .expect("started")
        .execution_arn;

    // The worker: take the task and fail it.
    let task = client
        .get_activity_task()
        .activity_arn(&activity)
        .worker_name("console-test-worker")
        .send()
        .await
        .expect("poll");
    let token = task.task_token.expect("a task was waiting");
    client
        .send_task_failure()
        .task_token(token)
        .error(ERROR)
        .cause(CAUSE)
        .send()
        .await
        .expect("failure reported");
    let finished = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let described = client
                .describe_execution()
                .execution_arn(&execution)
                .send()
                .await
                .expect("describe");
            if described.status != ExecutionStatus::Running {
                break described;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the execution ends");
    assert_eq!(finished.status, ExecutionStatus::Succeeded);

    let page = format!("{url}/executions/{}", execution.replace(':', "%3A"));
    let dom = chromium(&page, &["--dump-dom".to_owned()]).await;
    std::fs::write(screenshots_dir().join("execution.html"), &dom).expect("save the DOM");

    // The graph: every state drawn, coloured by what happened.
    for (state, status) in [
        ("Charge", "st-caught"),
        ("Apologise", "st-succeeded"),
        ("Done", "st-succeeded"),
        ("Ship", "st-not-reached"),
    ] {
        let tag = start_tag(&dom, &format!(r#"id="state-{state}""#));
        assert!(tag.contains(status), "{state} should be {status}: {tag}");
    }
    // The caught edge is marked as taken, the skipped one is not.
    let caught = start_tag(&dom, r#"data-from="Charge" data-to="Apologise""#);
    assert!(caught.contains("taken"), "{caught}");
    let skipped = start_tag(&dom, r#"data-from="Charge" data-to="Ship""#);
    assert!(!skipped.contains("taken"), "{skipped}");

    // The step list: the failure's error and cause on the caught task.
    let charge = step_row(&dom, "Charge");
    assert!(charge.contains("st-caught"), "{charge}");
    assert!(charge.contains(ERROR), "the error is shown: {charge}");
    assert!(charge.contains(CAUSE), "the cause is shown: {charge}");
    assert!(step_row(&dom, "Apologise").contains("st-succeeded"));
    assert!(!dom[dom.find(r#"id="steps""#).unwrap_or(0)..].contains(r#"data-state="Ship""#));
    // The summary and the raw history are filled in too.
    assert!(start_tag(&dom, r#"id="status""#).contains("status-succeeded"));
    assert!(dom.contains("ActivityFailed"), "the event history is shown");

    let shot = screenshot(&page, "execution.png", 900).await;
    eprintln!("screenshot: {}", shot.display());

    // A running execution: its task state shows as running, with a Stop
    // button, while the page polls.
    let running = client
        .start_execution()
        .state_machine_arn(&machine)
        .name("order-1002")
        .input(r#"{"order":1002}"#)
        .send()
        .await
        .expect("started")
        .execution_arn;
    let running_page = format!("{url}/executions/{}", running.replace(':', "%3A"));
    let dom = chromium(&running_page, &["--dump-dom".to_owned()]).await;
    assert!(start_tag(&dom, r#"id="state-Charge""#).contains("st-running"));
    assert!(start_tag(&dom, r#"id="state-Apologise""#).contains("st-not-reached"));
    assert!(start_tag(&dom, r#"id="status""#).contains("status-running"));
    let stop = start_tag(&dom, r#"id="stop""#);
    assert!(
        !stop.contains("hidden"),
        "a running execution can be stopped: {stop}"
    );
    screenshot(&running_page, "execution_running.png", 900).await;

    // Parallel branches and a nested Map drawn as groups.
    let nested = client
        .create_state_machine()
        .name("fan-out")
        .role_arn("arn:aws:iam::123456789012:role/checkout")
        .definition(fan_out(&activity).to_string())
        .send()
        .await
        .expect("nested machine")
        .state_machine_arn;
    let nested_page = format!("{url}/state-machines/{}", nested.replace(':', "%3A"));
    let dom = chromium(&nested_page, &["--dump-dom".to_owned()]).await;
    for state in ["Both", "Left", "Right", "Orders", "Lines", "Pack"] {
        start_tag(&dom, &format!(r#"id="state-{state}""#));
    }
    assert_eq!(dom.matches(r#"class="group""#).count(), 4);
    screenshot(&nested_page, "state_machine_nested.png", 900).await;

    // The state machine page of a 40-state workflow, for readability.
    let big = client
        .create_state_machine()
        .name("forty-states")
        .role_arn("arn:aws:iam::123456789012:role/checkout")
        .definition(forty_states(&activity).to_string())
        .send()
        .await
        .expect("40-state machine")
        .state_machine_arn;
    let big_page = format!("{url}/state-machines/{}", big.replace(':', "%3A"));
    let dom = chromium(&big_page, &["--dump-dom".to_owned()]).await;
    assert_eq!(dom.matches(r#"class="state type-"#).count(), 40);
    screenshot(&big_page, "state_machine_40.png", 900).await;
    // The overview: the waiting task is counted, executions newest first.
    let dom = chromium(&format!("{url}/"), &["--dump-dom".to_owned()]).await;
    let activities = &dom[dom.find(r#"id="activities""#).expect("activities table")..];
    let charge_row = &activities[activities.find("charge-card").expect("activity listed")..];
    let charge_row = &charge_row[..charge_row.find("</tr>").unwrap_or(charge_row.len())];
    assert!(
        charge_row.contains(r#"<td class="num">0</td><td class="num">1</td>"#),
        "no parked poll, one queued task: {charge_row}"
    );
    let executions = &dom[dom.find(r#"id="executions""#).expect("executions table")..];
    let newest = executions
        .find("order-1002")
        .expect("running execution listed");
    let older = executions
        .find("order-1001")
        .expect("finished execution listed");
    assert!(newest < older, "newest first");
    screenshot(&format!("{url}/"), "overview.png", 900).await;
    let _ = std::fs::remove_dir_all(profile_dir());
}

//! Requests an attacker would send, against the `stepworker-local` binary
//! run as a child process (a stack overflow aborts the process, so a
//! regression fails these tests instead of killing the test harness).
//! Each answer must be a typed 4xx or a failed state/execution, the process
//! must stay alive, and the API must keep answering.
//!
//! Every request goes to 127.0.0.1 over plain sockets (so malformed and
//! slow requests can be sent as they are); every wait is bounded.

use std::process::Stdio;
use std::time::Duration;

use crate::support::process::Engine;
use crate::support::{BINARY, ROLE};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::Command;

fn pass_with_input_path(path: &str) -> String {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": path, "End": true}}})
        .to_string()
}

fn jsonata_pass(output: &str) -> String {
    json!({"Type": "Pass", "QueryLanguage": "JSONata", "Output": output, "End": true}).to_string()
}

/// The error name, without the namespace AWS puts before `#`.
fn error_type(body: &Value) -> &str {
    let name = body["__type"].as_str().unwrap_or("");
    name.rsplit('#').next().unwrap_or(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_definitions_and_expressions_get_typed_answers() {
    let mut engine = Engine::start(&[]).await;

    // A filter nested 2,000 parentheses deep overflowed the query parser.
    let deep_filter = format!("$[?{}@.a{}]", "(".repeat(2_000), ")".repeat(2_000));
    let definition = pass_with_input_path(&deep_filter);
    let (status, body) = engine
        .call(
            "ValidateStateMachineDefinition",
            &json!({"definition": definition}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"], "FAIL", "{body}");
    let (status, body) = engine
        .call(
            "CreateStateMachine",
            &json!({"name": "deep", "definition": definition, "roleArn": ROLE}),
        )
        .await;
    assert_eq!(
        (status, error_type(&body)),
        (400, "InvalidDefinition"),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap_or("").contains("InputPath"),
        "{body}"
    );
    let state = json!({"Type": "Pass", "InputPath": deep_filter, "End": true}).to_string();
    let (status, body) = engine
        .call("TestState", &json!({"definition": state, "roleArn": ROLE}))
        .await;
    assert_eq!(
        (status, error_type(&body)),
        (400, "InvalidDefinition"),
        "{body}"
    );
    engine.assert_api_answers("a deeply nested filter").await;

    // `$reduce` nesting an object 200,000 levels deep.
    let reduce = jsonata_pass("{% $reduce([1..200000], function($a, $v){ {'x': $a} }, {}) %}");
    let (status, body) = engine
        .call("TestState", &json!({"definition": reduce, "roleArn": ROLE}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "FAILED", "{body}");
    assert_eq!(body["error"], "States.QueryEvaluationError", "{body}");
    engine
        .assert_api_answers("a 200,000-deep JSONata value")
        .await;

    // `$pad` asked for a 2 GiB string.
    let pad = jsonata_pass("{% $pad('', 2147483647, 'x') %}");
    let (status, body) = engine
        .call("TestState", &json!({"definition": pad, "roleArn": ROLE}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"], "States.QueryEvaluationError", "{body}");
    assert!(
        body["cause"]
            .as_str()
            .unwrap_or("")
            .contains("payload limit"),
        "{body}"
    );
    engine.assert_api_answers("$pad with a 2 GiB width").await;

    // A string doubled forty times (a terabyte) is stopped at the
    // evaluation's memory budget, which the binary's allocator counts.
    let doubling = jsonata_pass("{% $reduce([1..40], function($a, $v){ $a & $a }, 'x') %}");
    let (status, body) = engine
        .call(
            "TestState",
            &json!({"definition": doubling, "roleArn": ROLE}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"], "States.QueryEvaluationError", "{body}");
    assert!(
        body["cause"]
            .as_str()
            .unwrap_or("")
            .contains("memory budget"),
        "{body}"
    );
    engine.assert_api_answers("a doubling string").await;

    // Five descendant segments over a 100-deep document select ~10^10 nodes.
    let mut deep_input = json!(1);
    for _ in 0..100 {
        deep_input = json!([deep_input]);
    }
    let state = json!({"Type": "Pass", "InputPath": "$..*..*..*..*..*", "End": true}).to_string();
    let (status, body) = engine
        .call(
            "TestState",
            &json!({"definition": state, "roleArn": ROLE, "input": deep_input.to_string()}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "FAILED", "{body}");
    assert_eq!(body["error"], "States.Runtime", "{body}");
    assert!(
        body["cause"]
            .as_str()
            .unwrap_or("")
            .contains("could visit more than"),
        "{body}"
    );
    engine
        .assert_api_answers("an exploding descendant query")
        .await;

    // A request body nested 100,000 levels deep.
    let deep_body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (status, body) = engine.call_with("ListActivities", &deep_body, "").await;
    assert_eq!(
        (status, error_type(&body)),
        (400, "SerializationException"),
        "{body}"
    );
    // An execution input nested 100,000 levels deep.
    let (status, body) = engine
        .call(
            "ValidateStateMachineDefinition",
            &json!({"definition": pass_with_input_path("$")}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, created) = engine
        .call(
            "CreateStateMachine",
            &json!({"name": "plain", "definition": pass_with_input_path("$"), "roleArn": ROLE}),
        )
        .await;
    let machine = created["stateMachineArn"]
        .as_str()
        .expect("created")
        .to_owned();
    let (status, body) = engine
        .call(
            "StartExecution",
            &json!({"stateMachineArn": machine, "input": deep_body}),
        )
        .await;
    assert_eq!(
        (status, error_type(&body)),
        (400, "InvalidExecutionInput"),
        "{body}"
    );
    engine.assert_api_answers("deeply nested JSON").await;

    // A definition nesting Parallel states as deep as the JSON parser lets it.
    let mut branch = json!({"StartAt": "L", "States": {"L": {"Type": "Pass", "End": true}}});
    for _ in 0..40 {
        branch = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch], "End": true}}});
    }
    let (status, body) = engine
        .call(
            "ValidateStateMachineDefinition",
            &json!({"definition": branch.to_string()}),
        )
        .await;
    assert!(status == 200 || status == 400, "{status} {body}");
    engine
        .assert_api_answers("deeply nested Parallel states")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_hosts_and_origins_are_refused() {
    let mut engine = Engine::start(&[]).await;
    // DNS rebinding: the browser sends the attacker's name as Host.
    let request = b"POST / HTTP/1.1\r\nHost: evil.example:8083\r\n\
        Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.ListActivities\r\n\
        Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    let (status, body) = engine.raw(request).await.expect("answered");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("AccessDeniedException"), "{body}");
    // A cross-site request from a page the developer visits.
    let (status, body) = engine
        .call_with("ListActivities", "{}", "Origin: https://evil.example\r\n")
        .await;
    assert_eq!(
        (status, error_type(&body)),
        (403, "AccessDeniedException"),
        "{body}"
    );
    // The console's own pages call the API same-origin.
    let own_origin = format!("Origin: http://{}\r\n", engine.addr);
    let (status, body) = engine.call_with("ListActivities", "{}", &own_origin).await;
    assert_eq!(status, 200, "{body}");
    // The console answers with its security headers.
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        engine.addr
    );
    let mut stream = TcpStream::connect(&engine.addr).await.expect("connects");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let head = answer
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(head.contains("frame-ancestors 'none'"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    engine.assert_api_answers("refused hosts").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_loopback_binds_need_an_explicit_flag() {
    let output = Command::new(BINARY)
        .args(["--host", "0.0.0.0", "--port", "0"])
        .stdin(Stdio::null())
        .output()
        .await
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--allow-remote"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_cannot_hold_the_engine_and_long_polls_survive() {
    // A poll parks longer than the 10 s a request head may take.
    let mut engine = Engine::start(&["--poll-timeout-seconds", "12"]).await;
    let (_, created) = engine
        .call("CreateActivity", &json!({"name": "parked"}))
        .await;
    let activity = created["activityArn"].as_str().expect("created").to_owned();
    let poll = {
        let api = engine.api.clone();
        let body = json!({"activityArn": activity});
        tokio::spawn(async move { api.call("GetActivityTask", &body).await })
    };
    // 200 clients that send half a request head and stall.
    let mut stalled = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(&engine.addr).await.expect("connects");
        stream
            .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar")
            .await
            .expect("sent");
        stalled.push(stream);
    }
    engine.assert_api_answers("200 stalled request heads").await;
    // A head of 1 MiB of headers is refused, not buffered.
    let huge = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nX-Padding: {}\r\n\r\n",
        engine.addr,
        "a".repeat(1024 * 1024)
    );
    if let Some((status, _)) = engine.raw(huge.as_bytes()).await {
        assert_eq!(status, 431, "an oversized head");
    }
    engine.assert_api_answers("a 1 MiB request head").await;
    // The stalled connections are closed by the engine (bounded wait).
    let mut first = stalled.swap_remove(0);
    let mut buffer = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(60), first.read(&mut buffer))
        .await
        .expect("a stalled connection is closed by the engine");
    match closed {
        Ok(0) | Err(_) => {}
        Ok(n) => assert!(
            buffer[..n].starts_with(b"HTTP/1.1 408"),
            "a stalled head gets nothing but a close or a 408: {:?}",
            String::from_utf8_lossy(&buffer[..n])
        ),
    }
    // The parked poll answered empty at its own timeout, not cut.
    let (status, body) = tokio::time::timeout(Duration::from_secs(60), poll)
        .await
        .expect("the poll answers")
        .expect("poll task");
    assert_eq!(status, 200, "{body}");
    assert!(body.get("taskToken").is_none(), "{body}");
    engine.assert_api_answers("slow clients").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_map_past_the_history_quota_fails_at_event_25000() {
    let mut engine = Engine::start(&[]).await;
    let definition = json!({
        "StartAt": "M",
        "States": {"M": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
            "End": true
        }}
    });
    let (_, created) = engine
        .call(
            "CreateStateMachine",
            &json!({"name": "wide", "definition": definition.to_string(), "roleArn": ROLE}),
        )
        .await;
    let machine = created["stateMachineArn"]
        .as_str()
        .expect("created")
        .to_owned();
    let items: Vec<u8> = vec![0; 20_000];
    let (status, started) = engine
        .call(
            "StartExecution",
            &json!({"stateMachineArn": machine, "input": serde_json::to_string(&items).unwrap()}),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let execution = started["executionArn"]
        .as_str()
        .expect("started")
        .to_owned();
    let mut described = Value::Null;
    // Bounded: 5 minutes, for a debug build on a loaded machine.
    for _ in 0..3_000 {
        let (_, body) = engine
            .call("DescribeExecution", &json!({"executionArn": execution}))
            .await;
        if body["status"] != "RUNNING" {
            described = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(described["status"], "FAILED", "{described}");
    assert_eq!(described["error"], "States.Runtime", "{described}");
    assert_eq!(
        described["cause"],
        "The execution reached the maximum number of history events (25000)."
    );
    let (_, last) = engine
        .call(
            "GetExecutionHistory",
            &json!({"executionArn": execution, "reverseOrder": true, "maxResults": 1}),
        )
        .await;
    assert_eq!(last["events"][0]["id"], 25_000, "{last}");
    assert_eq!(last["events"][0]["type"], "ExecutionFailed", "{last}");
    engine.assert_api_answers("a history at its quota").await;
}

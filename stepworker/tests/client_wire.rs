//! The exact HTTP requests the client sends, checked by a real server,
//! including a SigV4 signature the server recomputes on its side.

mod client_support;

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use client_support::{parse_amz_date, test_credentials, Received, Reply, TestServer};
use serde_json::json;
use stepworker::model::{ExecutionStatus, Timestamp};
use stepworker::Error;

/// The parts of an `Authorization` header.
struct Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Authorization {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .expect("SigV4 algorithm");
    let mut credential = String::new();
    let mut signed_headers = Vec::new();
    let mut signature = String::new();
    for part in rest.split(", ") {
        let (key, val) = part.split_once('=').expect("key=value");
        match key {
            "Credential" => credential = val.to_owned(),
            "SignedHeaders" => signed_headers = val.split(';').map(str::to_owned).collect(),
            "Signature" => signature = val.to_owned(),
            other => panic!("unexpected Authorization part {other}"),
        }
    }
    Authorization {
        credential,
        signed_headers,
        signature,
    }
}

/// Signs the received request again, as the service would to check it, and
/// returns the signature it should carry.
fn recompute_signature(request: &Received, signed_headers: &[String]) -> String {
    let time = parse_amz_date(request.header("x-amz-date")).expect("x-amz-date");
    let identity = Identity::from(test_credentials());
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("states")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("params");
    // The signer adds x-amz-date and the session token itself.
    let headers: Vec<(&str, &str)> = signed_headers
        .iter()
        .filter(|name| !matches!(name.as_str(), "x-amz-date" | "x-amz-security-token"))
        .map(|name| (name.as_str(), request.header(name)))
        .collect();
    let uri = format!("http://{}{}", request.header("host"), request.uri.path());
    let signable = SignableRequest::new(
        request.method.as_str(),
        &uri,
        headers.into_iter(),
        SignableBody::Bytes(&request.body),
    )
    .expect("signable");
    let (_, signature) = sign(signable, &params.into()).expect("sign").into_parts();
    signature
}

/// Checks the envelope every operation shares and that the signature verifies.
fn assert_wire_envelope(request: &Received, operation: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.uri.path(), "/");
    assert_eq!(request.uri.query(), None);
    assert_eq!(
        request.header("x-amz-target"),
        format!("AWSStepFunctions.{operation}")
    );
    assert_eq!(request.header("content-type"), "application/x-amz-json-1.0");
    assert_eq!(request.header("x-amz-security-token"), "session-token-xyz");
    assert!(request.header("user-agent").starts_with("stepworker/"));

    let auth = parse_authorization(request.header("authorization"));
    let date = &request.header("x-amz-date")[..8];
    assert_eq!(
        auth.credential,
        format!("AKIDTESTKEY/{date}/us-east-1/states/aws4_request")
    );
    for needed in [
        "content-type",
        "host",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-target",
    ] {
        assert!(
            auth.signed_headers.iter().any(|h| h == needed),
            "{needed} not signed: {:?}",
            auth.signed_headers
        );
    }
    assert_eq!(
        auth.signature,
        recompute_signature(request, &auth.signed_headers),
        "signature does not verify"
    );
}

#[tokio::test]
async fn start_execution_sends_the_exact_request_and_reads_the_answer() {
    let server = TestServer::always(Reply::ok(json!({
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:sm:run-1",
        "startDate": 1_700_000_000.25,
    })))
    .await;
    let out = server
        .client()
        .start_execution()
        .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:sm")
        .name("run-1")
        .input(r#"{"n":1}"#)
        .send()
        .await
        .expect("start execution");

    assert_eq!(
        out.execution_arn,
        "arn:aws:states:us-east-1:123456789012:execution:sm:run-1"
    );
    assert_eq!(
        out.start_date,
        Timestamp::from_epoch_millis(1_700_000_000_250)
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_wire_envelope(&received[0], "StartExecution");
    assert_eq!(
        received[0].json(),
        json!({
            "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
            "name": "run-1",
            "input": "{\"n\":1}",
        })
    );
}

#[tokio::test]
async fn task_operations_have_their_own_targets_and_bodies() {
    let server = TestServer::start(|request, _| match request.operation() {
        "GetActivityTask" => Reply::ok(json!({"taskToken": "tok-1", "input": "{\"a\":2}"})),
        _ => Reply::ok(json!({})),
    })
    .await;
    let client = server.client();

    let task = client
        .get_activity_task()
        .activity_arn("arn:aws:states:us-east-1:123456789012:activity:resize")
        .worker_name("host-1")
        .send()
        .await
        .expect("get activity task");
    assert_eq!(task.task_token.as_deref(), Some("tok-1"));
    assert_eq!(task.input.as_deref(), Some("{\"a\":2}"));

    client
        .send_task_success()
        .task_token("tok-1")
        .output("{\"ok\":true}")
        .send()
        .await
        .expect("send task success");
    client
        .send_task_failure()
        .task_token("tok-2")
        .error("Resize.Failed")
        .cause("disk full")
        .send()
        .await
        .expect("send task failure");
    client
        .send_task_heartbeat()
        .task_token("tok-3")
        .send()
        .await
        .expect("heartbeat");

    let received = server.received();
    let expected = [
        (
            "GetActivityTask",
            json!({"activityArn": "arn:aws:states:us-east-1:123456789012:activity:resize", "workerName": "host-1"}),
        ),
        (
            "SendTaskSuccess",
            json!({"taskToken": "tok-1", "output": "{\"ok\":true}"}),
        ),
        (
            "SendTaskFailure",
            json!({"taskToken": "tok-2", "error": "Resize.Failed", "cause": "disk full"}),
        ),
        ("SendTaskHeartbeat", json!({"taskToken": "tok-3"})),
    ];
    assert_eq!(received.len(), expected.len());
    for (request, (operation, body)) in received.iter().zip(expected) {
        assert_wire_envelope(request, operation);
        assert_eq!(request.json(), body, "{operation}");
    }
}

#[tokio::test]
async fn describe_execution_decodes_enums_and_timestamps() {
    let server = TestServer::always(Reply::ok(json!({
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:sm:e",
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
        "status": "SUCCEEDED",
        "startDate": 1_700_000_000,
        "stopDate": 1_700_000_005.5,
        "output": "{}",
    })))
    .await;
    let out = server
        .client()
        .describe_execution()
        .execution_arn("arn:aws:states:us-east-1:123456789012:execution:sm:e")
        .send()
        .await
        .expect("describe");
    assert_eq!(out.status, ExecutionStatus::Succeeded);
    assert_eq!(
        out.stop_date.map(|t| t.epoch_millis()),
        Some(1_700_000_005_500)
    );
    let received = server.received();
    assert_wire_envelope(&received[0], "DescribeExecution");
}

#[tokio::test]
async fn sync_operations_reach_a_loopback_endpoint_unprefixed() {
    let server = TestServer::always(Reply::ok(json!({
        "executionArn": "arn:aws:states:us-east-1:123456789012:express:sm:e:1",
        "startDate": 1, "stopDate": 2, "status": "SUCCEEDED",
    })))
    .await;
    let out = server
        .client()
        .start_sync_execution()
        .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:sm")
        .send()
        .await
        .expect("start sync execution");
    assert_eq!(out.status.as_str(), "SUCCEEDED");
    let received = server.received();
    assert_wire_envelope(&received[0], "StartSyncExecution");
    assert!(received[0].header("host").starts_with("127.0.0.1:"));
}

#[tokio::test]
async fn empty_success_bodies_mean_no_members() {
    let server = TestServer::always(Reply::raw(200, "")).await;
    server
        .client()
        .send_task_heartbeat()
        .task_token("tok")
        .send()
        .await
        .expect("an empty 200 is a success");
}

#[tokio::test]
async fn a_missing_required_member_fails_without_a_request() {
    let server = TestServer::always(Reply::ok(json!({}))).await;
    let client = server.client();
    let err = client
        .start_execution()
        .input("{}")
        .send()
        .await
        .expect_err("stateMachineArn is required");
    assert!(matches!(
        err,
        Error::MissingParameter {
            operation: "StartExecution",
            member: "stateMachineArn"
        }
    ));
    let err = client
        .send_task_success()
        .task_token("t")
        .send()
        .await
        .expect_err("output is required");
    assert!(matches!(
        err,
        Error::MissingParameter {
            member: "output",
            ..
        }
    ));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn signed_request_matches_what_is_sent() {
    let server = TestServer::always(Reply::ok(json!({}))).await;
    let client = server.client();
    let input = stepworker::model::DeleteActivityInput {
        activity_arn: "arn:aws:states:us-east-1:123456789012:activity:a".into(),
    };
    let request = client
        .signed_request::<stepworker::model::operations::DeleteActivity>(&input)
        .await
        .expect("build");
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri().to_string(), format!("{}/", server.url));
    assert_eq!(
        request.headers()["x-amz-target"],
        "AWSStepFunctions.DeleteActivity"
    );
    assert!(request.headers().contains_key("authorization"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(request.body()).expect("json"),
        json!({"activityArn": "arn:aws:states:us-east-1:123456789012:activity:a"})
    );
}

#[tokio::test]
async fn calls_can_run_on_spawned_tasks_and_errors_cross_threads() {
    fn assert_send_sync_static<T: Send + Sync + 'static>() {}
    assert_send_sync_static::<Error>();
    assert_send_sync_static::<stepworker::Client>();

    let server = TestServer::always(Reply::ok(json!({"activities": []}))).await;
    let client = server.client();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_activities().send().await })
        })
        .collect();
    for call in calls {
        let out = call.await.expect("task").expect("list activities");
        assert!(out.activities.is_empty());
    }
    assert_eq!(server.count(), 4);
}

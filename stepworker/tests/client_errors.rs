//! How error answers of every shape reach the caller.

mod client_support;

use client_support::{Reply, TestServer, ARN};
use serde_json::json;
use stepworker::client::{Client, Config, RetryConfig, TransportErrorKind};
use stepworker::model::ErrorCode;
use stepworker::Error;

/// A client without retries, so each answer is seen exactly once.
fn no_retry_client(server: &TestServer) -> Client {
    Client::new(
        server
            .config()
            .retry_config(RetryConfig::disabled())
            .build(),
    )
}

async fn describe_with(reply: Reply) -> Error {
    let server = TestServer::always(reply).await;
    no_retry_client(&server)
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect_err("the server answers with an error")
}

#[tokio::test]
async fn type_with_namespace_gives_the_bare_name_message_and_request_id() {
    let err = describe_with(Reply::error(
        400,
        "com.amazonaws.swf.service.model#ExecutionDoesNotExist",
        "Execution Does Not Exist: 'arn'",
    ))
    .await;
    assert_eq!(err.code(), Some(&ErrorCode::ExecutionDoesNotExist));
    assert_eq!(err.message(), "Execution Does Not Exist: 'arn'");
    assert_eq!(err.request_id(), Some("req-0001"));
    let service = err.as_service_error().expect("service error");
    assert_eq!(service.status(), 400);
}

#[tokio::test]
async fn type_without_namespace_and_capitalised_message() {
    let err = describe_with(Reply::raw(
        400,
        json!({"__type": "InvalidArn", "Message": "Invalid Arn: 'x'"}).to_string(),
    ))
    .await;
    assert_eq!(err.code(), Some(&ErrorCode::InvalidArn));
    assert_eq!(err.message(), "Invalid Arn: 'x'");
}

#[tokio::test]
async fn details_after_a_colon_are_dropped() {
    let err = describe_with(Reply::error(
        400,
        "TaskTimedOut:http://internal.amazon.com/coral/com.amazonaws.swf/",
        "Task Timed Out",
    ))
    .await;
    assert_eq!(err.code(), Some(&ErrorCode::TaskTimedOut));
}

#[tokio::test]
async fn the_error_type_header_wins_over_the_body() {
    let err = describe_with(
        Reply::error(400, "InvalidToken", "from body")
            .with_header("x-amzn-ErrorType", "TaskDoesNotExist:http://details/"),
    )
    .await;
    assert_eq!(err.code(), Some(&ErrorCode::TaskDoesNotExist));
    assert_eq!(err.message(), "from body");
}

#[tokio::test]
async fn the_error_type_header_alone_is_enough() {
    let err = describe_with(
        Reply::raw(400, "").with_header("x-amzn-ErrorType", "aws#ValidationException"),
    )
    .await;
    assert_eq!(err.code(), Some(&ErrorCode::ValidationException));
}

#[tokio::test]
async fn names_this_version_does_not_know_are_kept() {
    let err = describe_with(Reply::error(400, "ns#BrandNewException", "new")).await;
    assert_eq!(
        err.code(),
        Some(&ErrorCode::Unknown("BrandNewException".into()))
    );
}

#[tokio::test]
async fn every_modeled_error_name_is_matchable() {
    let server = TestServer::start(|request, _| {
        let name = request.json()["executionArn"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Reply::error(400, &format!("com.amazonaws.states#{name}"), "m")
    })
    .await;
    let client = no_retry_client(&server);
    for name in ErrorCode::MODELED {
        let err = client
            .describe_execution()
            .execution_arn(*name)
            .send()
            .await
            .expect_err("error");
        let code = err.code().expect("service error");
        assert_eq!(code.as_str(), *name);
        assert!(!matches!(code, ErrorCode::Unknown(_)), "{name} is unknown");
    }
}

#[tokio::test]
async fn a_non_json_error_body_is_an_http_error() {
    let err = describe_with(Reply::raw(502, "<html>Bad Gateway</html>")).await;
    match &err {
        Error::Http {
            status,
            message,
            request_id,
        } => {
            assert_eq!(*status, 502);
            assert!(message.contains("Bad Gateway"), "{message}");
            assert_eq!(request_id.as_deref(), Some("req-0001"));
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_truncated_success_body_is_a_deserialization_error() {
    let err = describe_with(Reply::raw(200, r#"{"executionArn": "arn:aws:sta"#)).await;
    match &err {
        Error::Deserialization {
            operation,
            status,
            request_id,
            ..
        } => {
            assert_eq!(*operation, "DescribeExecution");
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("req-0001"));
        }
        other => panic!("expected a deserialization error, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_non_json_success_body_is_a_deserialization_error() {
    let err = describe_with(Reply::raw(200, "OK")).await;
    assert!(matches!(err, Error::Deserialization { .. }), "{err:?}");
}

#[tokio::test]
async fn a_success_body_missing_required_members_is_a_deserialization_error() {
    let err = describe_with(Reply::ok(json!({"executionArn": ARN}))).await;
    assert!(matches!(err, Error::Deserialization { .. }), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let client = Client::new(
        Config::local(url)
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let err = client
        .describe_execution()
        .execution_arn(ARN)
        .send()
        .await
        .expect_err("nothing listens");
    match &err {
        Error::Transport(transport) => {
            assert_eq!(transport.kind(), TransportErrorKind::Connect);
            assert!(transport.request_not_sent());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_client_without_region_reports_it_on_call() {
    let client = Client::new(Config::builder().build());
    let err = client
        .list_activities()
        .send()
        .await
        .expect_err("no region");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.message().contains("region"), "{}", err.message());
}

#[tokio::test]
async fn a_bad_endpoint_url_is_a_config_error_not_a_panic() {
    let client = Client::local("not a url at all");
    let err = client.list_activities().send().await.expect_err("bad url");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

#[tokio::test]
async fn debug_output_does_not_leak_secrets() {
    let server = TestServer::always(Reply::ok(json!({}))).await;
    let client = server.client();
    let text = format!("{client:?}");
    assert!(!text.contains("test/secret+key"), "{text}");
    assert!(!text.contains("session-token-xyz"), "{text}");
}

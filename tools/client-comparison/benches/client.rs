//! stepworker's client against the official aws-sdk-sfn, in one run:
//!
//! - `per_call/*`: the client-side cost of one call without a network:
//!   build the request, serialize, sign, and decode a canned answer.
//!   stepworker: `Client::signed_request` + decoding; aws-sdk-sfn: a full
//!   `describe_state_machine().send()` through an in-memory HTTP connector.
//! - `loopback/*`: one DescribeStateMachine round trip against the same axum
//!   server on 127.0.0.1, each client with a warm connection pool.
//!
//! Run: `cargo bench -p stepworker-client-comparison --bench client -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use aws_sdk_sfn::config::{BehaviorVersion, Credentials as SdkCredentials, Region};
use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;
use criterion::{criterion_group, criterion_main, Criterion};
use stepworker::client::Client;
use stepworker::model::operations::DescribeStateMachine;
use stepworker::model::{DescribeStateMachineInput, DescribeStateMachineOutput};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:bench";

/// A DescribeStateMachine answer with every required member.
const ANSWER: &str = r#"{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:bench","name":"bench","status":"ACTIVE","definition":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}","roleArn":"arn:aws:iam::123456789012:role/bench","type":"STANDARD","creationDate":1700000000.5}"#;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// An HTTP connector that answers every request with [`ANSWER`] at once.
#[derive(Debug, Clone)]
struct CannedConnector;

impl HttpConnector for CannedConnector {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let status = 200u16.try_into().expect("status");
        HttpConnectorFuture::ready(Ok(HttpResponse::new(status, SdkBody::from(ANSWER))))
    }
}

fn sdk_config() -> aws_sdk_sfn::config::Builder {
    aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SdkCredentials::new("test", "test", None, None, "bench"))
}

fn per_call(c: &mut Criterion) {
    let rt = runtime();
    let ours = Client::local("http://127.0.0.1:9");
    let input = DescribeStateMachineInput {
        state_machine_arn: ARN.to_owned(),
        ..Default::default()
    };
    let sdk = aws_sdk_sfn::Client::from_conf(
        sdk_config()
            .http_client(http_client_fn(|_, _| {
                SharedHttpConnector::new(CannedConnector)
            }))
            .build(),
    );

    let mut group = c.benchmark_group("per_call");
    group.bench_function("stepworker", |b| {
        b.to_async(&rt).iter(|| async {
            let request = ours
                .signed_request::<DescribeStateMachine>(black_box(&input))
                .await
                .expect("signed request");
            black_box(request);
            let out: DescribeStateMachineOutput =
                serde_json::from_str(black_box(ANSWER)).expect("decode");
            black_box(out)
        })
    });
    group.bench_function("aws_sdk_sfn", |b| {
        b.to_async(&rt).iter(|| async {
            let out = sdk
                .describe_state_machine()
                .state_machine_arn(black_box(ARN))
                .send()
                .await
                .expect("canned answer");
            black_box(out)
        })
    });
    group.finish();
}

/// Serves [`ANSWER`] to every request on 127.0.0.1; returns the endpoint URL.
async fn serve_answer() -> String {
    let app = axum::Router::new()
        .fallback(|| async { ([("content-type", "application/x-amz-json-1.0")], ANSWER) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

fn loopback(c: &mut Criterion) {
    let rt = runtime();
    let url = rt.block_on(serve_answer());
    let ours = Client::local(url.clone());
    let sdk = aws_sdk_sfn::Client::from_conf(sdk_config().endpoint_url(url).build());

    let mut group = c.benchmark_group("loopback");
    group.bench_function("stepworker", |b| {
        b.to_async(&rt).iter(|| async {
            let out = ours
                .describe_state_machine()
                .state_machine_arn(ARN)
                .send()
                .await
                .expect("describe");
            black_box(out)
        })
    });
    group.bench_function("aws_sdk_sfn", |b| {
        b.to_async(&rt).iter(|| async {
            let out = sdk
                .describe_state_machine()
                .state_machine_arn(ARN)
                .send()
                .await
                .expect("describe");
            black_box(out)
        })
    });
    group.finish();
}

criterion_group!(benches, per_call, loopback);
criterion_main!(benches);

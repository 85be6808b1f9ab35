//! A scripted Step Functions endpoint for the client tests: an axum server on
//! 127.0.0.1 that records every request and answers as the test says.

#![allow(dead_code)] // each test binary uses a different part of it

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use stepworker::client::{Client, Config, Credentials, RetryConfig};

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    /// A header's value as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// The operation named by `X-Amz-Target`.
    pub fn operation(&self) -> &str {
        self.header("x-amz-target")
            .strip_prefix("AWSStepFunctions.")
            .unwrap_or("")
    }
}

/// What the server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn ok(body: serde_json::Value) -> Self {
        Self::raw(200, body.to_string())
    }

    /// Any status and body text.
    pub fn raw(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![("x-amzn-RequestId", "req-0001".to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// A service error in the JSON 1.0 style.
    pub fn error(status: u16, type_field: &str, message: &str) -> Self {
        Self::raw(
            status,
            serde_json::json!({"__type": type_field, "message": message}).to_string(),
        )
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Answers only after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Responder = dyn Fn(&Received, usize) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    responder: Arc<Responder>,
}

/// A running test server; it stops when dropped.
pub struct TestServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server whose answer to the n-th request (from 0) is
    /// `responder(request, n)`.
    pub async fn start(
        responder: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            received: received.clone(),
            responder: Arc::new(responder),
        };
        let app = Router::new().fallback(handle).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url,
            received,
            task,
        }
    }

    /// A server that always gives the same answer.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone()).await
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.received.lock().expect("lock").len()
    }

    /// A client for this server with fast retries (so retry tests stay quick).
    pub fn client(&self) -> Client {
        Client::new(self.config().build())
    }

    /// The configuration [`TestServer::client`] uses, to adjust.
    pub fn config(&self) -> stepworker::client::ConfigBuilder {
        test_config(&self.url)
    }
}

/// A configuration for a test endpoint at `url`: the test keys and fast
/// retries (so retry tests stay quick).
pub fn test_config(url: &str) -> stepworker::client::ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials(test_credentials())
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The keys the test clients sign with.
pub fn test_credentials() -> Credentials {
    Credentials::new(
        "AKIDTESTKEY",
        "test/secret+key",
        Some("session-token-xyz".to_owned()),
        None,
        "tests",
    )
}

async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Received {
        method,
        uri,
        headers,
        body,
    };
    let reply = {
        let mut received = shared.received.lock().expect("lock");
        let index = received.len();
        received.push(request.clone());
        (shared.responder)(&request, index)
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (
        StatusCode::from_u16(reply.status).expect("status"),
        reply.body,
    )
        .into_response();
    response.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.0".parse().expect("header"),
    );
    for (name, value) in reply.headers {
        response
            .headers_mut()
            .insert(name, value.parse().expect("header value"));
    }
    response
}

/// Parses `x-amz-date` (`20240102T030405Z`).
pub fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> { text.get(range)?.parse().ok() };
    if text.len() != 16 || text.get(8..9)? != "T" || text.get(15..16)? != "Z" {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The execution every DescribeExecution test asks about.
pub const ARN: &str = "arn:aws:states:us-east-1:123456789012:execution:sm:e";

/// A DescribeExecution answer for [`ARN`], still running.
pub fn described() -> Reply {
    Reply::ok(serde_json::json!({
        "executionArn": ARN,
        "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
        "status": "RUNNING",
        "startDate": 1,
    }))
}

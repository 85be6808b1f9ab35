//! A raw HTTP/1.1 client for the pressure tests: one connection per call,
//! so a test sees exactly what the wire carries, including a connection
//! closed without an answer.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What came back for one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    /// A response: status, `x-amzn-errortype` header, body as JSON.
    Answer {
        status: u16,
        error_type: Option<String>,
        body: Value,
    },
    /// The connection closed (or was reset) before any byte of a response.
    Reset,
}

impl Wire {
    /// The status, or 0 for a reset.
    pub fn status(&self) -> u16 {
        match self {
            Wire::Answer { status, .. } => *status,
            Wire::Reset => 0,
        }
    }

    /// The body of a 200 answer.
    pub fn ok(self) -> Value {
        match self {
            Wire::Answer {
                status: 200, body, ..
            } => body,
            other => panic!("expected a 200 answer, got {other:?}"),
        }
    }

    /// The error name of a non-200 answer, without namespace.
    pub fn error_name(&self) -> Option<&str> {
        match self {
            Wire::Answer { status, body, .. } if *status != 200 => {
                body["__type"].as_str().and_then(|t| t.rsplit('#').next())
            }
            _ => None,
        }
    }
}

/// Sends the request of `operation` with `body` and reads what comes back.
pub async fn call(addr: SocketAddr, operation: &str, body: &Value) -> Wire {
    let mut stream = open(addr, operation, body).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("the engine answers or closes within 30 s");
    if answer.is_empty() {
        // Nothing arrived: a clean close or a reset, the same to a client.
        return Wire::Reset;
    }
    read.expect("a response that started arrives whole");
    parse(&answer)
}

/// The events of `execution`'s history (the first page), oldest first;
/// the call must succeed.
pub async fn history_events(addr: SocketAddr, execution: &str) -> Vec<Value> {
    let history = call(
        addr,
        "GetExecutionHistory",
        &serde_json::json!({"executionArn": execution}),
    )
    .await
    .ok();
    history["events"].as_array().cloned().unwrap_or_default()
}

/// Connects and sends the request, leaving the answer unread (for a long
/// poll a test abandons).
pub async fn open(addr: SocketAddr, operation: &str, body: &Value) -> TcpStream {
    let body = body.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AWSStepFunctions.{operation}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("engine reachable");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request sent");
    stream
}

fn parse(raw: &[u8]) -> Wire {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let error_type = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("x-amzn-errortype")
            .then(|| value.trim().to_owned())
    });
    let body = serde_json::from_str(body).unwrap_or(Value::Null);
    Wire::Answer {
        status,
        error_type,
        body,
    }
}

/// Waits (bounded) until `ready` holds, yielding to the engine meanwhile.
pub async fn eventually(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..2_000 {
        if ready() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting for {what}");
}

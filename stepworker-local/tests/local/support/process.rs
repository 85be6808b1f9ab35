//! A `stepworker-local` binary run as a child process, and its API called
//! over plain sockets on 127.0.0.1 (so malformed and slow requests can be
//! sent as they are). Every wait is bounded.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use super::BINARY;

/// A running engine and its API.
pub struct Engine {
    pub child: Child,
    pub api: Api,
}

/// The API at `host:port`, called over fresh plain connections.
#[derive(Clone)]
pub struct Api {
    pub addr: String,
}

impl std::ops::Deref for Engine {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Engine {
    pub async fn start(extra_args: &[&str]) -> Self {
        let mut child = Command::new(BINARY)
            .args(["--port", "0"])
            .args(extra_args)
            .env_remove("SFN_MOCK_CONFIG")
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the engine starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(30),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the engine prints its endpoint")
        .expect("stdout readable");
        let url = line.trim().rsplit(' ').next().expect("endpoint").to_owned();
        let addr = url.trim_start_matches("http://").to_owned();
        Self {
            child,
            api: Api { addr },
        }
    }

    /// Asserts the process is still running.
    pub fn assert_alive(&mut self, after: &str) {
        assert!(
            matches!(self.child.try_wait(), Ok(None)),
            "the engine died after {after}"
        );
    }

    pub async fn assert_api_answers(&mut self, after: &str) {
        self.assert_alive(after);
        let (status, _) = self.api.call("ListActivities", &json!({})).await;
        assert_eq!(status, 200, "ListActivities after {after}");
    }
}

impl Api {
    /// Sends raw bytes on a fresh connection and reads the whole answer:
    /// status and body (`None` when the server closed without answering).
    pub async fn raw(&self, request: &[u8]) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(&self.addr).await.expect("connects");
        stream.write_all(request).await.ok()?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(90), stream.read_to_end(&mut answer))
            .await
            .expect("the engine answers in time")
            .ok()?;
        let text = String::from_utf8_lossy(&answer).into_owned();
        let status = text.split(' ').nth(1)?.parse().ok()?;
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
        Some((status, body))
    }

    /// Calls an operation with `headers` added; status and JSON body.
    pub async fn call_with(&self, operation: &str, body: &str, headers: &str) -> (u16, Value) {
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\n\
             X-Amz-Target: AWSStepFunctions.{operation}\r\nContent-Length: {}\r\n\
             Connection: close\r\n{headers}\r\n{body}",
            self.addr,
            body.len()
        );
        let (status, body) = self
            .raw(request.as_bytes())
            .await
            .unwrap_or_else(|| panic!("{operation}: the engine closed without answering"));
        let json = serde_json::from_str(&body).unwrap_or(Value::Null);
        (status, json)
    }

    pub async fn call(&self, operation: &str, body: &Value) -> (u16, Value) {
        self.call_with(operation, &body.to_string(), "").await
    }
}

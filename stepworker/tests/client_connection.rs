//! A connection that dies after the request went out: the service may have
//! acted on it, so only operations that are safe to repeat are sent again.

mod client_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use client_support::test_config;
use stepworker::client::{Client, TransportErrorKind};
use stepworker::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ANSWER: &str = r#"{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:sm:e","stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:sm","status":"RUNNING","startDate":1}"#;

/// A raw HTTP/1.1 server that reads each request whole, then hangs up without
/// answering on the first `drops` connections and answers [`ANSWER`] after.
struct HangingUpServer {
    url: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl HangingUpServer {
    async fn start(drops: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    if read_request(&mut socket).await.is_none() {
                        return;
                    }
                    if n >= drops {
                        let response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\n\r\n{ANSWER}",
                            ANSWER.len()
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                    }
                    // Dropping the socket hangs up, answered or not.
                });
            }
        });
        Self {
            url,
            requests,
            task,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn client(&self) -> Client {
        Client::new(test_config(&self.url).build())
    }
}

impl Drop for HangingUpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request (head and `content-length` body); `None` if cut short.
async fn read_request(socket: &mut TcpStream) -> Option<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&buffer);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let length = text[..head_end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buffer.len() >= head_end + 4 + length {
                return Some(());
            }
        }
    }
}

#[tokio::test]
async fn a_read_is_sent_again_after_the_connection_dies() {
    let server = HangingUpServer::start(1).await;
    let out = server
        .client()
        .describe_execution()
        .execution_arn("arn:aws:states:us-east-1:123456789012:execution:sm:e")
        .send()
        .await
        .expect("second connection answers");
    assert_eq!(out.status.as_str(), "RUNNING");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_task_report_is_not_sent_again_after_the_connection_dies() {
    let server = HangingUpServer::start(1).await;
    let err = server
        .client()
        .send_task_success()
        .task_token("tok")
        .output("{}")
        .send()
        .await
        .expect_err("the only attempt lost its answer");
    match &err {
        Error::Transport(transport) => {
            assert_ne!(transport.kind(), TransportErrorKind::Connect);
            assert!(!transport.request_not_sent());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_poll_is_not_sent_again_after_the_connection_dies() {
    // The service may have handed a task to the lost poll.
    let server = HangingUpServer::start(1).await;
    let err = server
        .client()
        .get_activity_task()
        .activity_arn("arn:aws:states:us-east-1:123456789012:activity:a")
        .send()
        .await
        .expect_err("the only attempt lost its answer");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 1);
}

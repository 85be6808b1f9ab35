//! One HTTP exchange over a pooled reqwest client (rustls, no OpenSSL).

use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;

use super::error::{Error, TransportError, TransportErrorKind};
use super::timeouts::TimeoutConfig;

/// Idle pooled connections are closed after this; AWS front ends close idle
/// connections themselves after about a minute, and reusing one they already
/// closed costs a failed attempt.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(45);

/// A complete HTTP answer.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// The connection pool shared by every clone of a client.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
}

impl Transport {
    pub(crate) fn new(timeouts: &TimeoutConfig, user_agent: &str) -> Result<Self, Error> {
        // HTTP/1.1 only, as the AWS SDKs speak to Step Functions: a worker holds
        // dozens of 60 s long polls open at once, and on one HTTP/2
        // connection they would queue behind the server's stream limit
        // instead of each getting a connection of their own.
        let http = reqwest::Client::builder()
            .http1_only()
            .connect_timeout(timeouts.connect_timeout())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_nodelay(true)
            .user_agent(user_agent)
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { http })
    }

    /// Sends `request` and reads the whole answer within `timeout`.
    pub(crate) async fn send(
        &self,
        operation: &'static str,
        request: http::Request<Bytes>,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let mut request = reqwest::Request::try_from(request)
            .map_err(|e| Error::config(format!("{operation}: cannot build the request: {e}")))?;
        *request.timeout_mut() = Some(timeout);
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| classify(operation, timeout, e, TransportErrorKind::Request))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| classify(operation, timeout, e, TransportErrorKind::Body))?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}

/// Maps a reqwest failure to the client's error, keeping whether the request
/// can have reached the service (it cannot when the connection never opened).
fn classify(
    operation: &'static str,
    timeout: Duration,
    error: reqwest::Error,
    stage: TransportErrorKind,
) -> Error {
    if error.is_connect() {
        return Error::Transport(TransportError::new(
            operation,
            TransportErrorKind::Connect,
            Box::new(error),
        ));
    }
    if error.is_timeout() {
        return Error::Timeout {
            operation,
            after: timeout,
        };
    }
    Error::Transport(TransportError::new(operation, stage, Box::new(error)))
}

//! One HTTP exchange over a pooled reqwest client (rustls, no OpenSSL).
//!
//! Redirects are never followed: the service does not send them, and
//! following one would hand a signed request (the session token included)
//! to whatever host the answer names. A redirect answer is an HTTP error
//! like any other. Bodies are read up to a cap, so a hostile or broken
//! endpoint cannot make the client buffer without end.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::HeaderMap;

use super::config::Config;
use super::error::{Error, TransportError, TransportErrorKind};

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

/// GetExecutionHistory pages carry up to 1,000 events with their data; they
/// may read this many times the ordinary cap.
const HISTORY_SIZE_FACTOR: u64 = 8;

/// The connection pool shared by every clone of a client.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    max_body: u64,
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Self, Error> {
        let timeouts = &config.timeouts;
        // HTTP/1.1 only, as the AWS SDKs speak to Step Functions: a worker holds
        // dozens of 60 s long polls open at once, and on one HTTP/2
        // connection they would queue behind the server's stream limit
        // instead of each getting a connection of their own.
        let http = reqwest::Client::builder()
            .http1_only()
            .connect_timeout(timeouts.connect_timeout())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(&config.user_agent)
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            max_body: config.max_response_size,
        })
    }

    fn body_limit(&self, operation: &str) -> u64 {
        if operation == "GetExecutionHistory" {
            self.max_body.saturating_mul(HISTORY_SIZE_FACTOR)
        } else {
            self.max_body
        }
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
        let mut response = self
            .http
            .execute(request)
            .await
            .map_err(|e| classify(operation, timeout, e, TransportErrorKind::Request))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.body_limit(operation);
        let too_large = || Error::ResponseTooLarge {
            operation,
            status,
            limit,
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(too_large());
        }
        // The declared length (already checked against the cap) sizes the
        // buffer once; a body without one grows as it comes.
        let declared = response.content_length().unwrap_or(0);
        let mut body = BytesMut::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| classify(operation, timeout, e, TransportErrorKind::Body))?
        {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
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

//! The one error type of every client call.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::model::ErrorCode;

/// Error names AWS SDKs treat as throttling, whatever the service.
///
/// Step Functions itself answers `ThrottlingException`, but proxies and other
/// AWS front ends in the path answer some of the others; `KmsThrottlingException`
/// is the modeled throttling of the KMS key behind an encrypted resource.
const THROTTLING_NAMES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "KmsThrottlingException",
];

/// Error names that say the service failed this time and may succeed the next.
const TRANSIENT_NAMES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "ServiceUnavailable",
    "InternalFailure",
];

/// Everything a client call can fail with.
///
/// A service error keeps the name the service answered with, so a caller can
/// match any modeled error:
///
/// ```
/// # use stepworker::{Error, model::ErrorCode};
/// fn is_gone(err: &Error) -> bool {
///     matches!(err.code(), Some(ErrorCode::TaskTimedOut | ErrorCode::TaskDoesNotExist))
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a named error (`TaskTimedOut`, `InvalidArn`,
    /// `ThrottlingException`, ...).
    #[error(transparent)]
    Service(ServiceError),
    /// The service (or something in front of it) answered with an HTTP error
    /// status that names no error.
    #[error("HTTP status {status} without an error name: {message}")]
    Http {
        /// The HTTP status code.
        status: u16,
        /// What could be read of the answer (a short excerpt).
        message: String,
        /// `x-amzn-RequestId`, when the answer carried one.
        request_id: Option<String>,
    },
    /// A required member was not set on a builder; no request was made.
    #[error("{operation}: required member `{member}` is not set")]
    MissingParameter {
        /// The operation name.
        operation: &'static str,
        /// The member's wire name.
        member: &'static str,
    },
    /// The request could not be sent or its answer could not be read.
    #[error(transparent)]
    Transport(TransportError),
    /// No complete answer came within the call's time limit.
    #[error("{operation}: no answer within {after:?}")]
    Timeout {
        /// The operation name.
        operation: &'static str,
        /// The time limit of one attempt.
        after: Duration,
    },
    /// The request could not be turned into JSON.
    #[error("{operation}: cannot serialize the request: {message}")]
    Serialization {
        /// The operation name.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A success answer whose body is not the operation's response shape
    /// (not JSON, truncated, or wrong types).
    #[error("{operation}: cannot read the response (HTTP {status}): {message}")]
    Deserialization {
        /// The operation name.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// What went wrong (the parser's message; the body is not copied).
        message: String,
        /// `x-amzn-RequestId`, when the answer carried one.
        request_id: Option<String>,
    },
    /// No credentials could be found or refreshed, or signing failed.
    #[error("credentials: {message}")]
    Credentials {
        /// What went wrong.
        message: String,
    },
    /// The client's configuration cannot work (no region, bad endpoint URL,
    /// unreadable profile file, ...).
    #[error("configuration: {message}")]
    Config {
        /// What went wrong.
        message: String,
    },
    /// The answer's body is larger than the client accepts
    /// ([`ConfigBuilder::max_response_size`](super::ConfigBuilder::max_response_size));
    /// it was not read further. Not retried: the same call would get the
    /// same answer.
    #[error("{operation}: the answer (HTTP {status}) is larger than {limit} bytes")]
    ResponseTooLarge {
        /// The operation name.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
    },
}

/// Why a failed call may pass later; decides the retry's delay and its cost
/// from the retry quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryKind {
    /// The caller is being throttled: back off from a long base (1 s).
    Throttling,
    /// Anything else that may pass on a later try (5xx, transport failures,
    /// timeouts, a signature refused for clock skew): a short base (50 ms).
    Transient,
}

impl Error {
    pub(crate) fn missing_parameter(operation: &'static str, member: &'static str) -> Self {
        Self::MissingParameter { operation, member }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }

    pub(crate) fn credentials(message: impl Into<String>) -> Self {
        Self::Credentials {
            message: message.into(),
        }
    }

    /// The service's error name, when the service answered with one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Self::Service(e) => Some(e.code()),
            _ => None,
        }
    }

    /// The service error, when the service answered with a named error.
    pub fn as_service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the same call may succeed later: throttling, HTTP 429 and 5xx,
    /// a signature refused for clock skew, transport failures and timeouts.
    ///
    /// This says nothing about whether repeating the call is *safe*: after a
    /// timeout or a broken connection the first request may have taken effect.
    /// The client's own retries take that into account per operation.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Service(e) => e.is_throttling() || e.is_transient() || e.is_clock_skew(),
            Self::Http { status, .. } => *status == 429 || *status >= 500,
            Self::Transport(_) | Self::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Whether a later try may pass, and why ([`Error::is_retryable`] with
    /// the distinction the backoff and the retry quota need).
    pub fn retry_kind(&self) -> Option<RetryKind> {
        if self.is_throttling() {
            Some(RetryKind::Throttling)
        } else if self.is_retryable() {
            Some(RetryKind::Transient)
        } else {
            None
        }
    }

    /// The delay the service asked for before a retry (`x-amz-retry-after`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_service_error().and_then(ServiceError::retry_after)
    }

    /// Whether this is a throttling error (`ThrottlingException`, HTTP 429, ...).
    pub fn is_throttling(&self) -> bool {
        match self {
            Self::Service(e) => e.is_throttling(),
            Self::Http { status, .. } => *status == 429,
            _ => false,
        }
    }

    /// The human-readable message: the service's message for service errors
    /// (the error name when it sent none), the description otherwise.
    pub fn message(&self) -> String {
        match self {
            Self::Service(e) => e.message().unwrap_or(e.code().as_str()).to_owned(),
            Self::Http { message, .. }
            | Self::Serialization { message, .. }
            | Self::Deserialization { message, .. }
            | Self::Credentials { message }
            | Self::Config { message } => message.clone(),
            Self::Transport(e) => e.message().to_owned(),
            other => other.to_string(),
        }
    }

    /// `x-amzn-RequestId` of the answer, when one came.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.request_id(),
            Self::Http { request_id, .. } | Self::Deserialization { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }
}

/// A named error the service answered with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    code: ErrorCode,
    message: Option<String>,
    request_id: Option<String>,
    status: u16,
    retry_after: Option<Duration>,
}

impl ServiceError {
    /// A service error (used by the client's parser, and by tests and mocks).
    pub fn new(
        code: ErrorCode,
        message: Option<String>,
        request_id: Option<String>,
        status: u16,
    ) -> Self {
        Self {
            code,
            message,
            request_id,
            status,
            retry_after: None,
        }
    }

    /// The same error with the delay the service asked for before a retry.
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    /// The delay the service asked for before a retry (`x-amz-retry-after`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The error name, without namespace or details.
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The service's message, if it sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// `x-amzn-RequestId` of the answer, if it carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status code of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the name or status says the caller is being throttled.
    pub fn is_throttling(&self) -> bool {
        self.status == 429 || THROTTLING_NAMES.contains(&self.code.as_str())
    }

    /// Whether the signature was refused for its time (the local clock is off);
    /// the client corrects its clock from the answer, so a retry can pass.
    pub fn is_clock_skew(&self) -> bool {
        match self.code.as_str() {
            "RequestExpired" | "RequestTimeTooSkewed" => true,
            "InvalidSignatureException" => self.message.as_deref().is_some_and(|m| {
                m.contains("Signature expired") || m.contains("Signature not yet current")
            }),
            _ => false,
        }
    }

    /// Whether the service failed on its side (5xx or a transient name).
    pub fn is_transient(&self) -> bool {
        self.status >= 500 || TRANSIENT_NAMES.contains(&self.code.as_str())
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl StdError for ServiceError {}

/// What stage of the exchange a transport failure happened in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be opened: nothing was sent.
    Connect,
    /// The connection failed while the request was sent or before the
    /// answer's head arrived: the service may have seen the request.
    Request,
    /// The answer's body could not be read completely.
    Body,
}

/// The request could not be sent or its answer could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: transport failure ({kind:?}): {message}")]
pub struct TransportError {
    operation: &'static str,
    kind: TransportErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl TransportError {
    pub(crate) fn new(
        operation: &'static str,
        kind: TransportErrorKind,
        source: Box<dyn StdError + Send + Sync>,
    ) -> Self {
        Self {
            operation,
            kind,
            message: error_chain(source.as_ref()),
            source: Some(source),
        }
    }

    /// The operation that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// At what stage the exchange failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The failure and its causes, joined.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the service cannot have seen the request.
    pub fn request_not_sent(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

/// "outer: cause: root cause", so a log line says what actually broke.
pub(crate) fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, status: u16) -> Error {
        Error::Service(ServiceError::new(
            ErrorCode::from_name(code),
            Some("m".into()),
            Some("rid".into()),
            status,
        ))
    }

    #[test]
    fn throttling_and_server_errors_are_retryable() {
        assert!(service("ThrottlingException", 400).is_retryable());
        assert!(service("TooManyRequestsException", 400).is_retryable());
        assert!(service("Whatever", 429).is_retryable());
        assert!(service("InternalFailure", 500).is_retryable());
    }

    #[test]
    fn validation_and_not_found_are_not_retryable() {
        for name in ["InvalidArn", "ValidationException", "ExecutionDoesNotExist"] {
            assert!(!service(name, 400).is_retryable(), "{name}");
        }
    }

    #[test]
    fn retry_kind_separates_throttling_from_other_transient_failures() {
        assert_eq!(
            service("ThrottlingException", 400).retry_kind(),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            Error::Http {
                status: 429,
                message: String::new(),
                request_id: None
            }
            .retry_kind(),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            service("InternalFailure", 500).retry_kind(),
            Some(RetryKind::Transient)
        );
        assert_eq!(service("InvalidArn", 400).retry_kind(), None);
        let too_large = Error::ResponseTooLarge {
            operation: "DescribeExecution",
            status: 200,
            limit: 10,
        };
        assert_eq!(too_large.retry_kind(), None);
    }

    #[test]
    fn accessors_reach_the_service_error() {
        let err = service("TaskTimedOut", 400);
        assert_eq!(err.code(), Some(&ErrorCode::TaskTimedOut));
        assert_eq!(err.message(), "m");
        assert_eq!(err.request_id(), Some("rid"));
    }
}

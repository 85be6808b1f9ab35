//! Turns an HTTP error answer of the JSON 1.0 protocol into an [`Error`].
//!
//! The error name comes from the `x-amzn-ErrorType` header when present (it
//! wins, as in the AWS SDKs), else from `__type` (or `code`) in the body. Either
//! may be decorated: `namespace#Name:details`; only `Name` is kept.

use std::time::Duration;

use http::HeaderMap;
use serde::Deserialize;

use super::error::{Error, ServiceError};
use crate::model::ErrorCode;

/// Header carrying the error name.
const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
/// Header carrying the request id.
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// Header carrying the delay the service asks for before a retry.
const RETRY_AFTER_HEADER: &str = "x-amz-retry-after";
/// How much of an unreadable body an error message keeps.
const EXCERPT_CHARS: usize = 200;

/// The members of an error body this client reads; anything else is ignored.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "__type")]
    r#type: Option<String>,
    code: Option<String>,
    message: Option<String>,
    #[serde(rename = "Message")]
    message_upper: Option<String>,
}

/// The request id of an answer, if it carried one.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Builds the error for a non-2xx answer. Never panics, whatever the body.
pub(crate) fn parse_error_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    let request_id = request_id(headers);
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let header_name = headers
        .get(ERROR_TYPE_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(sanitize_error_name);
    let body_name = parsed.as_ref().and_then(|b| {
        b.r#type
            .as_deref()
            .or(b.code.as_deref())
            .and_then(sanitize_error_name)
    });
    let message = parsed
        .as_ref()
        .and_then(|b| b.message.clone().or_else(|| b.message_upper.clone()));

    match header_name.or(body_name) {
        Some(name) => Error::Service(
            ServiceError::new(ErrorCode::from_name(name), message, request_id, status)
                .with_retry_after(retry_after(headers)),
        ),
        None => Error::Http {
            status,
            message: message.unwrap_or_else(|| excerpt(body)),
            request_id,
        },
    }
}

/// `x-amz-retry-after`: how long the service asks the client to wait, in
/// milliseconds (the header AWS SDKs honor in retry behavior 2.1; aws-runtime
/// 1.10 `retries/classifiers.rs`). Anything but a whole number is ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER_HEADER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_millis)
}

/// `aws.protocoltests#Name:http://details` -> `Name`; `None` when nothing is left.
pub(crate) fn sanitize_error_name(raw: &str) -> Option<&str> {
    let without_details = raw.split(':').next().unwrap_or(raw);
    let name = without_details
        .rsplit('#')
        .next()
        .unwrap_or(without_details)
        .trim();
    (!name.is_empty()).then_some(name)
}

/// The start of a body as text, for an error that has nothing better to say.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return "empty body".to_owned();
    }
    let mut out: String = trimmed.chars().take(EXCERPT_CHARS).collect();
    if trimmed.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_namespace_and_details() {
        assert_eq!(sanitize_error_name("InvalidArn"), Some("InvalidArn"));
        assert_eq!(
            sanitize_error_name("com.amazonaws.states#InvalidArn"),
            Some("InvalidArn")
        );
        assert_eq!(
            sanitize_error_name("InvalidArn:http://internal.amazon.com/coral/"),
            Some("InvalidArn")
        );
        assert_eq!(
            sanitize_error_name("ns.v2#TaskTimedOut:http://x#y"),
            Some("TaskTimedOut")
        );
        assert_eq!(sanitize_error_name(" : "), None);
    }

    #[test]
    fn truncated_body_becomes_http_error() {
        let err = parse_error_response(500, &HeaderMap::new(), b"{\"__type\": \"Inv");
        match err {
            Error::Http {
                status, message, ..
            } => {
                assert_eq!(status, 500);
                assert!(message.starts_with("{\"__type\""), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(1000);
        let err = parse_error_response(502, &HeaderMap::new(), body.as_bytes());
        assert_eq!(err.message().chars().count(), EXCERPT_CHARS + 1);
    }
}

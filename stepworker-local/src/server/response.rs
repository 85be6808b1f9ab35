//! HTTP responses: JSON 1.0 bodies, error bodies, and the request id every
//! response carries.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::error::ApiError;

/// The content type of the AWS JSON 1.0 protocol.
pub const JSON_10: &str = "application/x-amz-json-1.0";
/// Header carrying the request id.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// Header carrying the error name.
pub static ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");

/// A 200 answer with a JSON body.
pub fn ok(body: Vec<u8>) -> Response {
    with_json(StatusCode::OK, body)
}

/// An error answer with `{"__type","message"}` and AWS's status for it (a
/// message-less error, like AWS's `InternalFailure`, has `__type` only).
pub fn error(e: &ApiError) -> Response {
    let body = if e.message().is_empty() {
        json!({ "__type": e.wire_type() })
    } else {
        json!({ "__type": e.wire_type(), "message": e.message() })
    };
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = with_json(status, body.to_string().into_bytes());
    if let Ok(value) = HeaderValue::from_str(e.code().as_str()) {
        response.headers_mut().insert(ERROR_TYPE.clone(), value);
    }
    response
}

/// No answer at all: a response whose body fails before its first byte.
/// hyper then drops the connection with the head still unsent, so the
/// client sees the connection close without a response, as when a network
/// resets it.
pub fn connection_reset() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by the fault plan",
        ))
    });
    Response::new(Body::from_stream(failing))
}

fn with_json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_10));
    response
}

/// Middleware: a fresh `x-amzn-RequestId` on every response.
///
/// The bytes come from rand's thread-local generator (a CSPRNG the kernel
/// seeds once per thread) rather than from `Uuid::new_v4`, which asks the
/// kernel for random bytes, a system call on every request.
pub async fn request_id(request: Request, next: Next) -> Response {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut text = uuid::Uuid::encode_buffer();
    let id = id.hyphenated().encode_lower(&mut text);
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    response
}

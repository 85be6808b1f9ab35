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

/// A 400 answer with `{"__type","message"}`.
pub fn error(e: &ApiError) -> Response {
    let body = json!({ "__type": e.wire_type(), "message": e.message() }).to_string();
    let mut response = with_json(StatusCode::BAD_REQUEST, body.into_bytes());
    if let Ok(value) = HeaderValue::from_str(e.code().as_str()) {
        response.headers_mut().insert(ERROR_TYPE.clone(), value);
    }
    response
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
pub async fn request_id(request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    response
}

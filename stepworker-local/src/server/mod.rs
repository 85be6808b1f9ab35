//! The HTTP side: `POST /` with the AWS JSON 1.0 protocol.
//!
//! [`api_router`] is a plain axum `Router`, so other routes (a web console
//! on `GET /`) can be merged beside it.

mod decode;
mod dispatch;
pub use dispatch::dispatch;
mod guard;
pub use guard::{guard, Guard};
mod listen;
pub use listen::serve;
mod repoll;
mod response;
mod sigv4;
pub use sigv4::SigV4Keys;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use stepworker::model::ErrorCode;

use crate::core::Core;
use crate::error::ApiError;
use crate::pressure::Reply;

pub use dispatch::TARGET_PREFIX;
pub use response::JSON_10;

/// The Step Functions API on `POST /`.
pub fn api_router(core: Arc<Core>) -> Router {
    Router::new()
        .route("/", post(handle))
        .with_state(core)
        .layer(axum::middleware::from_fn(response::request_id))
}

async fn handle(State(core): State<Arc<Core>>, headers: HeaderMap, body: Bytes) -> Response {
    match check_content_type(&headers) {
        Err(e) => response::error(&e),
        Ok(()) => {
            let target = headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let call = dispatch::dispatch(&core, target, &body);
            match core.pressure.around(&core, target, &body, call).await {
                Reply::Answer(Ok(body)) => response::ok(body),
                Reply::Answer(Err(e)) => {
                    tracing::debug!(target, error = %e, "request refused");
                    response::error(&e)
                }
                Reply::ResetConnection => response::connection_reset(),
            }
        }
    }
}

/// AWS JSON 1.0 (1.1 is accepted too: some tools send it).
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if media_type.eq_ignore_ascii_case(JSON_10)
        || media_type.eq_ignore_ascii_case("application/x-amz-json-1.1")
    {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("Unsupported Content-Type '{content_type}': use {JSON_10}"),
        ))
    }
}

//! `GET /console/pressure`: what quotas, injected faults and lost polls did.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::console::backend::ConsoleBackend;

/// The engine's pressure report, or `null` if it does not report one.
pub async fn pressure<B: ConsoleBackend>(State(backend): State<B>) -> Response {
    ([(CACHE_CONTROL, "no-store")], Json(backend.pressure())).into_response()
}

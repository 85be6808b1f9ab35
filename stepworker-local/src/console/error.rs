//! Errors of the console's own routes, answered as JSON
//! `{"error": "...", "message": "..."}` with AWS's error names.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::ApiError;

/// Why a console route could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The engine refused the call.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The query string lacks what the route needs.
    #[error("{0}")]
    MissingParameter(&'static str),
    /// The stored definition does not parse (cannot happen for a definition
    /// the engine accepted, but the console must not panic on it).
    #[error("The definition cannot be drawn: {0}")]
    Definition(String),
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, name) = match &self {
            ConsoleError::Api(e) => {
                let name = e.code().as_str().to_owned();
                let status = if name.ends_with("DoesNotExist") {
                    StatusCode::NOT_FOUND
                } else if name == "InternalFailure" {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::BAD_REQUEST
                };
                (status, name)
            }
            ConsoleError::MissingParameter(_) => (
                StatusCode::BAD_REQUEST,
                "MissingRequiredParameter".to_owned(),
            ),
            ConsoleError::Definition(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "InvalidDefinition".to_owned(),
            ),
        };
        let message = match &self {
            ConsoleError::Api(e) => e.message().to_owned(),
            other => other.to_string(),
        };
        (status, Json(json!({ "error": name, "message": message }))).into_response()
    }
}

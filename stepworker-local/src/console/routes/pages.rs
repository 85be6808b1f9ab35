//! The pages, their script and their style, compiled into the binary so
//! the console works offline.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse};

const OVERVIEW: &str = include_str!("../../../assets/console/overview.html");
const STATE_MACHINE: &str = include_str!("../../../assets/console/state_machine.html");
const EXECUTION: &str = include_str!("../../../assets/console/execution.html");
const SCRIPT: &str = include_str!("../../../assets/console/console.js");
const STYLE: &str = include_str!("../../../assets/console/console.css");

/// `GET /`: state machines, activities and executions.
pub async fn overview() -> Html<&'static str> {
    Html(OVERVIEW)
}

/// `GET /state-machines/{arn}`: the graph and the definition.
pub async fn state_machine() -> Html<&'static str> {
    Html(STATE_MACHINE)
}

/// `GET /executions/{arn}`: the execution step by step.
pub async fn execution() -> Html<&'static str> {
    Html(EXECUTION)
}

/// `GET /console/console.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
}

/// `GET /console/console.css`.
pub async fn style() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
}

//! The console's HTTP routes.

mod activity_load;
mod execution_steps;
mod graph_svg;
mod pages;
mod pressure;

use axum::routing::get;
use axum::Router;

use super::backend::ConsoleBackend;

/// The console: pages on `GET /`, `/state-machines/{arn}` and
/// `/executions/{arn}`, their script and style, and the data routes under
/// `/console/`. Merge it beside the API router (which only takes `POST /`).
pub fn router<B: ConsoleBackend>(backend: B) -> Router {
    Router::new()
        .route("/", get(pages::overview))
        .route("/state-machines/{*arn}", get(pages::state_machine))
        .route("/executions/{*arn}", get(pages::execution))
        .route("/console/console.js", get(pages::script))
        .route("/console/console.css", get(pages::style))
        .route("/console/graph.svg", get(graph_svg::graph::<B>))
        .route("/console/steps", get(execution_steps::steps::<B>))
        .route("/console/activities", get(activity_load::activities::<B>))
        .route("/console/pressure", get(pressure::pressure::<B>))
        .with_state(backend)
}

//! `GET /health`: the worker's health as an orchestrator reads it.

use std::net::SocketAddr;

use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use stepworker::worker::WorkerHandle;
use tokio::task::JoinHandle;

/// Serves the endpoint on `addr` until the returned task is aborted.
pub async fn serve(addr: SocketAddr, worker: WorkerHandle) -> anyhow::Result<JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the health endpoint to {addr}"))?;
    tracing::info!(%addr, "health endpoint on GET /health");
    let app = Router::new()
        .route("/health", get(health))
        .with_state(worker);
    Ok(tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the health endpoint stopped");
        }
    }))
}

/// 200 when every activity is registered and its polls are not refused,
/// 503 otherwise; the body gives each activity's detail either way.
async fn health(State(worker): State<WorkerHandle>) -> (StatusCode, Json<Value>) {
    let health = worker.health();
    let status = if health.is_healthy() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let activities: Vec<Value> = health
        .activities
        .iter()
        .map(|activity| {
            let last_poll = activity
                .last_successful_poll
                .and_then(|at| at.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|since_epoch| since_epoch.as_secs_f64());
            json!({
                "name": activity.name,
                "arn": activity.arn,
                "registered": activity.registered,
                "healthy": activity.is_healthy(),
                "last_successful_poll": last_poll,
                "consecutive_errors": activity.consecutive_errors,
                "consecutive_refusals": activity.consecutive_refusals,
                "last_error": activity.last_error,
            })
        })
        .collect();
    let body = json!({
        "healthy": health.is_healthy(),
        "shutting_down": health.shutting_down,
        "tasks_in_flight": worker.tasks_in_flight(),
        "activities": activities,
    });
    (status, Json(body))
}

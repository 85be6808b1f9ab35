//! Reading the fleet's `GET /health` over HTTP.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

/// A loopback address with a port free a moment ago, for `--health-addr`.
pub fn free_loopback_addr() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a free port")?;
    Ok(listener.local_addr()?)
}

/// One answer of the endpoint.
#[derive(Clone, Debug)]
pub struct HealthAnswer {
    /// The HTTP status (200 healthy, 503 not).
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

/// `GET http://addr/health`.
pub async fn get(addr: SocketAddr) -> anyhow::Result<HealthAnswer> {
    let answer = reqwest::get(format!("http://{addr}/health"))
        .await
        .context("GET /health")?;
    let status = answer.status().as_u16();
    let body = answer.json().await.context("the health body")?;
    Ok(HealthAnswer { status, body })
}

/// Asks until an answer satisfies `until`, for at most `limit`; that answer.
pub async fn wait_for(
    addr: SocketAddr,
    limit: Duration,
    until: impl Fn(&HealthAnswer) -> bool,
) -> anyhow::Result<HealthAnswer> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut last = None;
    while tokio::time::Instant::now() < deadline {
        if let Ok(answer) = get(addr).await {
            if until(&answer) {
                return Ok(answer);
            }
            last = Some(answer);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("no such health answer within {limit:?}; the last: {last:?}")
}

//! What the deploy tests share: the role deploys name, the bound on every
//! wait, and an engine with a client pointed at it.

use std::time::Duration;

use stepworker::Client;
use stepworker_local::LocalEngine;

/// The execution role every test deploys with; the engine only checks its form.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/stepworker";

/// Bounds every wait so a broken engine fails the test instead of hanging it.
pub const LIMIT: Duration = Duration::from_secs(10);

/// A fresh engine with default settings and a client for it.
pub async fn engine() -> (LocalEngine, Client) {
    let engine = LocalEngine::start().await.expect("engine starts");
    let client = Client::local(engine.endpoint_url());
    (engine, client)
}

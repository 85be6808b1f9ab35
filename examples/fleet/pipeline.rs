//! The activities this fleet serves: the three steps of an image pipeline.
//!
//! The work is simulated (`work_ms` of waiting per step) so load tests can
//! shape it; each handler stops early when its task is cancelled.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use stepworker::{activity, ActivityContext};

/// An image moving through the pipeline.
#[derive(Debug, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    /// How long each step works on this image, in milliseconds.
    #[serde(default)]
    pub work_ms: u64,
    /// The steps done so far, oldest first.
    #[serde(default)]
    pub done: Vec<String>,
}

/// The task was cancelled (stopped execution, timeout, or the shutdown grace
/// period ran out); the worker reports nothing for it.
#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
#[error("cancelled before {step} finished")]
pub struct Cancelled {
    step: &'static str,
}

#[activity(name = "fetch-image", heartbeat = "10s", timeout = "5m")]
pub async fn fetch_image(image: Image, ctx: ActivityContext) -> Result<Image, Cancelled> {
    work(image, "fetched", &ctx).await
}

#[activity(name = "resize-image", heartbeat = "10s", timeout = "5m")]
pub async fn resize_image(image: Image, ctx: ActivityContext) -> Result<Image, Cancelled> {
    work(image, "resized", &ctx).await
}

#[activity(name = "publish-image", heartbeat = "10s", timeout = "5m")]
pub async fn publish_image(image: Image, ctx: ActivityContext) -> Result<Image, Cancelled> {
    work(image, "published", &ctx).await
}

async fn work(
    mut image: Image,
    step: &'static str,
    ctx: &ActivityContext,
) -> Result<Image, Cancelled> {
    tokio::select! {
        () = ctx.cancelled() => Err(Cancelled { step }),
        () = tokio::time::sleep(Duration::from_millis(image.work_ms)) => {
            tracing::debug!(image = %image.id, step, "step done");
            image.done.push(step.to_owned());
            Ok(image)
        }
    }
}

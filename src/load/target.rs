//! The engine a load tool drives: stepworker-local embedded in the tool's
//! own process, or any Step Functions-compatible endpoint.

use anyhow::Result;
use stepworker::client::{Config, RetryConfig};
use stepworker::Client;
use stepworker_local::LocalEngine;

use super::Rss;

/// The engine under load.
pub enum Target {
    /// stepworker-local in this process: its counters and memory are at hand.
    Embedded(LocalEngine),
    /// Another process at `url` (stepworker-local, LocalStack, moto, ...),
    /// known only through its API; `pid`, when given, is whose memory to read.
    Remote {
        /// The endpoint URL.
        url: String,
        /// The serving process, for its resident memory.
        pid: Option<u32>,
    },
}

impl Target {
    /// The endpoint URL requests go to.
    pub fn url(&self) -> String {
        match self {
            Self::Embedded(engine) => engine.endpoint_url(),
            Self::Remote { url, .. } => url.clone(),
        }
    }

    /// A client for this target, as [`load_client`] makes it.
    pub fn client(&self) -> Client {
        load_client(&self.url())
    }

    /// A short name for reports.
    pub fn describe(&self) -> String {
        match self {
            Self::Embedded(engine) => {
                format!("embedded stepworker-local at {}", engine.endpoint_url())
            }
            Self::Remote {
                url,
                pid: Some(pid),
            } => format!("{url} (process {pid})"),
            Self::Remote { url, pid: None } => url.clone(),
        }
    }

    /// The resident memory of the serving process: this one when embedded
    /// (which then includes the load tool itself), the given process when
    /// remote; `None` for a remote target without a process id.
    pub fn rss(&self) -> Option<Result<Rss>> {
        match self {
            Self::Embedded(_) => Some(Rss::of(None)),
            Self::Remote { pid, .. } => pid.map(|pid| Rss::of(Some(pid))),
        }
    }

    /// Stops an embedded engine; a remote one is left running.
    pub async fn shutdown(self) -> Result<()> {
        if let Self::Embedded(engine) = self {
            engine.shutdown().await?;
        }
        Ok(())
    }
}

/// A stepworker client for `url` as every load tool uses it: region
/// us-east-1, dummy static keys, SigV4-signed like any AWS call, and no
/// retries, so a throttled or failed call shows up in the figures instead of
/// being hidden by backoff.
pub fn load_client(url: &str) -> Client {
    let config = Config::local(url)
        .to_builder()
        .retry_config(RetryConfig::disabled())
        .build();
    Client::new(config)
}

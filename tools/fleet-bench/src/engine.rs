//! The `stepworker-local` binary as a process, and what it reports about
//! the pressure it applied.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;
use stepworker::Client;

use crate::process::{Ended, Running};

/// How long the engine may take to start listening.
const START_LIMIT: Duration = Duration::from_secs(30);

/// A running engine on a free loopback port.
pub struct EngineProcess {
    running: Running,
    url: String,
}

impl EngineProcess {
    /// Starts `binary` with `args` added to `--port 0`, and waits until it
    /// listens.
    pub async fn start(binary: &Path, args: &[String]) -> anyhow::Result<Self> {
        let all_args = ["--port", "0"]
            .into_iter()
            .map(str::to_owned)
            .chain(args.iter().cloned());
        let mut running = Running::spawn(binary, all_args, &[("RUST_LOG", "warn")])?;
        let url = running
            .wait_for_line(START_LIMIT, |line| {
                line.strip_prefix("stepworker-local listening on ")
                    .map(str::to_owned)
            })
            .await
            .context("the engine did not start")?;
        Ok(Self { running, url })
    }

    /// The endpoint URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client for it with the dummy local credentials.
    pub fn client(&self) -> Client {
        Client::local(self.url.as_str())
    }

    /// What quotas and injected faults did so far (`GET /console/pressure`).
    pub async fn pressure(&self) -> anyhow::Result<PressureReport> {
        let url = format!("{}/console/pressure", self.url);
        let report = reqwest::get(&url)
            .await
            .with_context(|| format!("GET {url}"))?
            .error_for_status()?
            .json::<Option<PressureReport>>()
            .await?;
        report.context("the engine reports no pressure")
    }

    /// Stops it (SIGTERM) and returns its output.
    pub async fn stop(self) -> anyhow::Result<Ended> {
        self.running.terminate()?;
        self.running.wait(Duration::from_secs(30)).await
    }
}

/// `GET /console/pressure`: calls acted on per operation, and tasks handed
/// to polls whose client had gone.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PressureReport {
    /// By operation name; operations never acted on are absent.
    pub operations: BTreeMap<String, PressureCounts>,
    /// Parked polls kept after their client hung up.
    pub closed_polls_kept: u64,
    /// Tasks handed to such polls: lost until the state's HeartbeatSeconds.
    pub tasks_lost_to_closed_polls: u64,
}

impl PressureReport {
    /// The counts of `operation` (zero when it was never acted on).
    pub fn of(&self, operation: &str) -> PressureCounts {
        self.operations.get(operation).copied().unwrap_or_default()
    }
}

/// What the pressure layer did to one operation's calls.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)] // the engine's `PressureCounts`, field for field
pub struct PressureCounts {
    pub quota_throttled: u64,
    pub injected_throttles: u64,
    pub internal_failures: u64,
    pub service_unavailable: u64,
    pub delayed: u64,
    pub resets_before_effect: u64,
    pub resets_after_effect: u64,
}

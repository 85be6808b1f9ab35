//! An instance of the fleet example as a process.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};

use crate::process::{Ended, Running};
use crate::summary::FleetSummary;

/// How an instance is started.
#[derive(Clone, Debug)]
pub struct FleetOptions {
    /// `--worker-name`, recorded in each `ActivityStarted` event.
    pub name: String,
    /// `--concurrency`.
    pub concurrency: usize,
    /// `--pollers` (per activity).
    pub pollers: usize,
    /// `--shutdown-deadline`, in seconds.
    pub shutdown_deadline: u64,
    /// `--health-addr`.
    pub health_addr: Option<SocketAddr>,
    /// `None`: `--endpoint` (the local engine's dummy keys). `Some((key id,
    /// secret))`: no `--endpoint`; the fleet reads its configuration from
    /// the environment as it does on AWS (`Client::from_env`), with these
    /// keys and the endpoint in `AWS_ENDPOINT_URL_SFN`.
    pub credentials: Option<(String, String)>,
}

impl FleetOptions {
    /// An instance called `name` with the example's defaults otherwise.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            concurrency: 16,
            pollers: 2,
            shutdown_deadline: 25,
            health_addr: None,
            credentials: None,
        }
    }
}

/// A running instance.
pub struct FleetProcess {
    running: Running,
    /// What it was started with.
    pub options: FleetOptions,
}

/// A stopped instance.
#[derive(Debug)]
pub struct StoppedFleet {
    /// What it was started with.
    pub options: FleetOptions,
    /// From SIGTERM to exit.
    pub stop_took: Duration,
    /// Its output.
    pub ended: Ended,
    /// Its exit summary.
    pub summary: FleetSummary,
}

impl FleetProcess {
    /// Starts the fleet `binary` against `endpoint`, and waits until its
    /// worker runs (it logs `worker running`).
    pub async fn start(
        binary: &Path,
        endpoint: &str,
        options: FleetOptions,
    ) -> anyhow::Result<Self> {
        let mut args = vec![
            "--worker-name".to_owned(),
            options.name.clone(),
            "--concurrency".to_owned(),
            options.concurrency.to_string(),
            "--pollers".to_owned(),
            options.pollers.to_string(),
            "--shutdown-deadline".to_owned(),
            options.shutdown_deadline.to_string(),
        ];
        if let Some(addr) = options.health_addr {
            args.extend(["--health-addr".to_owned(), addr.to_string()]);
        }
        let mut env = vec![("RUST_LOG", "info")];
        match &options.credentials {
            None => args.extend(["--endpoint".to_owned(), endpoint.to_owned()]),
            Some((key_id, secret)) => env.extend([
                ("AWS_ENDPOINT_URL_SFN", endpoint),
                ("AWS_REGION", "us-east-1"),
                ("AWS_ACCESS_KEY_ID", key_id.as_str()),
                ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
                // Nothing from this machine's own AWS setup.
                ("AWS_CONFIG_FILE", "/nonexistent/aws-config"),
                (
                    "AWS_SHARED_CREDENTIALS_FILE",
                    "/nonexistent/aws-credentials",
                ),
                ("AWS_EC2_METADATA_DISABLED", "true"),
            ]),
        }
        let mut running = Running::spawn(binary, &args, &env)?;
        running
            .wait_for_line(Duration::from_secs(30), |line| {
                line.contains("worker running").then_some(())
            })
            .await
            .with_context(|| format!("fleet {} did not start", options.name))?;
        Ok(Self { running, options })
    }

    /// Sends SIGTERM and waits at most `limit` for a clean exit.
    pub async fn stop(self, limit: Duration) -> anyhow::Result<StoppedFleet> {
        let asked = Instant::now();
        self.running.terminate()?;
        let ended = self.running.wait(limit).await?;
        let stop_took = asked.elapsed();
        ensure!(
            ended.status.success(),
            "fleet {} failed:\n{}",
            self.options.name,
            ended.describe()
        );
        let summary = FleetSummary::parse(&ended.stdout)
            .with_context(|| format!("fleet {}:\n{}", self.options.name, ended.describe()))?;
        Ok(StoppedFleet {
            options: self.options,
            stop_took,
            ended,
            summary,
        })
    }
}

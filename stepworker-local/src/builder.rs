//! Configuring and starting a [`LocalEngine`].

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::config::{EngineConfig, Retention};
use crate::engine::LocalEngine;
use crate::mocks::MockConfig;
use crate::pressure::{Faults, PressureConfig, Quotas};

/// Builds a [`LocalEngine`]: `LocalEngine::builder().region("eu-west-1").start().await`.
#[derive(Clone)]
pub struct EngineBuilder {
    pub(crate) config: EngineConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) bind: SocketAddr,
    /// A mock configuration file, read at start.
    mock_config_file: Option<PathBuf>,
    /// A faults file, read at start.
    faults_file: Option<PathBuf>,
    /// Keys whose SigV4 signatures API requests must carry, if any.
    pub(crate) sigv4: Option<crate::server::SigV4Keys>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        Self {
            config: EngineConfig::default(),
            clock: Arc::new(SystemClock),
            // Loopback and an ephemeral port: safe and parallel-test friendly.
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            mock_config_file: None,
            faults_file: None,
            sigv4: None,
        }
    }
}

impl EngineBuilder {
    /// Region of ARNs (default `us-east-1`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }

    /// Account id of ARNs (default `123456789012`).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.config.account_id = account_id.into();
        self
    }

    /// The clock (default: the system clock). Pass a
    /// [`ManualClock`](crate::ManualClock) to drive time from a test.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// What to keep of finished executions.
    pub fn retention(mut self, retention: Retention) -> Self {
        self.config.retention = retention;
        self
    }

    /// How long an empty `GetActivityTask` waits (default 60 s, like AWS).
    pub fn poll_timeout(mut self, timeout: Duration) -> Self {
        self.config.poll_timeout = timeout;
        self
    }

    /// Open polls allowed per activity (default 1,000, like AWS).
    pub fn max_parked_polls(mut self, max: usize) -> Self {
        self.config.max_parked_polls = max;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Mocked service-integration responses, in the mock configuration
    /// format of Step Functions Local. An execution started with
    /// `<state machine ARN>#<TestCaseName>` runs that test case.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let mocks: stepworker_local::MockConfig = r#"{"StateMachines": {}, "MockedResponses": {}}"#.parse()?;
    /// let engine = stepworker_local::LocalEngine::builder().mock_config(mocks).start().await?;
    /// # drop(engine); Ok(()) }
    /// ```
    pub fn mock_config(mut self, config: MockConfig) -> Self {
        self.config.mock_config = Some(Arc::new(config));
        self.mock_config_file = None;
        self
    }

    /// Reads the mock configuration from a file when the engine starts; a
    /// missing or malformed file makes [`EngineBuilder::start`] fail with
    /// `InvalidData`, naming the file and the JSON pointer of the bad field.
    pub fn mock_config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.mock_config_file = Some(path.into());
        self.config.mock_config = None;
        self
    }

    /// API quotas: token buckets per operation, refilled on the engine's
    /// clock; an empty bucket answers `ThrottlingException` as AWS does.
    /// Off by default.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use stepworker_local::{Bucket, LocalEngine, Quotas};
    /// let quotas = Quotas::aws().bucket("GetActivityTask", Bucket::new(20, 10))?;
    /// let engine = LocalEngine::builder().region("eu-north-1").quotas(quotas).start().await?;
    /// # drop(engine); Ok(()) }
    /// ```
    pub fn quotas(mut self, quotas: Quotas) -> Self {
        self.config.pressure.quotas = quotas;
        self
    }

    /// Injected faults (throttling, 5xx, latency, connection resets),
    /// drawn from the plan's seed. Off by default.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.config.pressure.faults = Some(faults);
        self.faults_file = None;
        self
    }

    /// Reads the fault plan from a JSON file when the engine starts; a
    /// missing or malformed file makes [`EngineBuilder::start`] fail with
    /// `InvalidData`, naming the file and the JSON pointer of the problem.
    pub fn faults_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.faults_file = Some(path.into());
        self.config.pressure.faults = None;
        self
    }

    /// Whether a parked `GetActivityTask` whose client hung up can still be
    /// handed a task, which is then lost to the worker and comes back only
    /// through HeartbeatSeconds or TimeoutSeconds, as on AWS. Off by
    /// default: a departed poll is skipped and the task goes to the next.
    pub fn deliver_to_closed_polls(mut self, deliver: bool) -> Self {
        self.config.pressure.deliver_to_closed_polls = deliver;
        self
    }

    /// AWS's quotas for the engine's region and polls lost as on AWS, in
    /// one switch (`--profile aws-pressure`). Faults stay as configured.
    pub fn aws_pressure(mut self) -> Self {
        let faults = self.config.pressure.faults.take();
        self.config.pressure = PressureConfig {
            faults,
            ..PressureConfig::aws_pressure()
        };
        self
    }

    /// Requires every API request to be signed (SigV4) with one of `keys`,
    /// for an engine shared on a network; requests signed otherwise, or not
    /// at all, are refused as AWS refuses them (`InvalidSignatureException`,
    /// `UnrecognizedClientException`, `MissingAuthenticationToken`).
    pub fn require_sigv4(mut self, keys: crate::server::SigV4Keys) -> Self {
        self.sigv4 = Some(keys);
        self
    }

    /// Binds and starts serving in the background.
    pub async fn start(mut self) -> std::io::Result<LocalEngine> {
        if let Some(path) = self.mock_config_file.take() {
            self.config.mock_config = Some(Arc::new(MockConfig::from_file(path)?));
        }
        if let Some(path) = self.faults_file.take() {
            self.config.pressure.faults = Some(Faults::from_file(path)?);
        }
        LocalEngine::start_with(self).await
    }
}

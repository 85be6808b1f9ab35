//! The client's configuration, built explicitly or loaded like the AWS SDKs do.

use super::credentials::{Credentials, CredentialsSource, ProvideCredentials};
use super::error::Error;
use super::partitions::states_endpoint;
use super::retry::RetryConfig;
use super::timeouts::TimeoutConfig;

/// Region of [`Config::local`] clients: any will do for a local engine, and
/// us-east-1 is what Step Functions Local and the AWS tools assume.
pub(crate) const LOCAL_REGION: &str = "us-east-1";

/// Configuration of a [`Client`](super::Client).
///
/// ```
/// use std::time::Duration;
/// use stepworker::client::{Config, Credentials, RetryConfig};
///
/// let config = Config::builder()
///     .region("eu-west-1")
///     .credentials(Credentials::new("AKID", "SECRET", None, None, "Example"))
///     .retry_config(RetryConfig::standard().with_max_attempts(5))
///     .build();
/// assert_eq!(config.endpoint_url(), "https://states.eu-west-1.amazonaws.com");
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) credentials: CredentialsSource,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) user_agent: String,
    pub(crate) host_prefix: bool,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) max_response_size: u64,
}

impl Config {
    /// An empty builder: no region, no credentials, default retries and timeouts.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The configuration of a client for a local engine at `endpoint_url`:
    /// region us-east-1 and the dummy keys `test`/`test`.
    pub fn local(endpoint_url: impl Into<String>) -> Self {
        Self::builder()
            .region(LOCAL_REGION)
            .endpoint_url(endpoint_url)
            .credentials(Credentials::new("test", "test", None, None, "Local"))
            .build()
    }

    /// A builder holding this configuration, to change some of it.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            config: self.clone(),
        }
    }

    /// The region requests are signed for, if one is set.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The endpoint requests go to: the explicit one, else the region's
    /// (in its partition, FIPS and dual-stack as configured); empty when it
    /// cannot be resolved (see [`Config::resolve_endpoint_url`]).
    pub fn endpoint_url(&self) -> String {
        self.resolve_endpoint_url().unwrap_or_default()
    }

    /// The endpoint requests go to, resolved as aws-sdk-sfn does:
    /// `https://states[-fips].<region>.<partition's DNS suffix>`, the
    /// dual-stack suffix (`api.aws`, ...) with dual-stack on. FIPS or
    /// dual-stack with an explicit endpoint is refused, as in the SDKs.
    pub fn resolve_endpoint_url(&self) -> Result<String, Error> {
        match (&self.endpoint_url, &self.region) {
            (Some(_), _) if self.use_fips => Err(Error::config(
                "Invalid Configuration: FIPS and custom endpoint are not supported",
            )),
            (Some(_), _) if self.use_dual_stack => Err(Error::config(
                "Invalid Configuration: Dualstack and custom endpoint are not supported",
            )),
            (Some(url), _) => Ok(url.clone()),
            (None, Some(region)) => Ok(states_endpoint(region, self.use_fips, self.use_dual_stack)),
            (None, None) => Err(Error::config("Invalid Configuration: Missing Region")),
        }
    }

    /// Whether the FIPS endpoint is used.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether the dual-stack (IPv4 and IPv6) endpoint is used.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// The largest answer body read, in bytes (GetExecutionHistory may read
    /// eight times as much).
    pub fn max_response_size(&self) -> u64 {
        self.max_response_size
    }

    /// Whether an endpoint was set explicitly (rather than derived from the region).
    pub fn has_custom_endpoint(&self) -> bool {
        self.endpoint_url.is_some()
    }

    /// Where the signing keys come from.
    pub fn credentials_source(&self) -> &CredentialsSource {
        &self.credentials
    }

    /// How calls are retried.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// How long calls may take.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// The `User-Agent` header sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
}

/// Builder of a [`Config`].
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    config: Config,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        Self {
            config: Config {
                region: None,
                endpoint_url: None,
                credentials: CredentialsSource::Missing {
                    reason: "no credentials configured".to_owned(),
                },
                retry: RetryConfig::default(),
                timeouts: TimeoutConfig::default(),
                user_agent: default_user_agent(),
                host_prefix: true,
                use_fips: false,
                use_dual_stack: false,
                max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            },
        }
    }
}

impl ConfigBuilder {
    /// The region (`us-east-1`, `eu-west-1`, ...).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// An endpoint other than `https://states.<region>.amazonaws.com`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// Fixed keys.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = CredentialsSource::Static(credentials);
        self
    }

    /// A provider of (refreshable) keys; its answers are cached until
    /// five minutes before they expire.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.config.credentials = CredentialsSource::provider(provider);
        self
    }

    /// Any credentials source.
    pub fn credentials_source(mut self, source: CredentialsSource) -> Self {
        self.config.credentials = source;
        self
    }

    /// How calls are retried.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.config.retry = retry;
        self
    }

    /// How long calls may take.
    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.config.timeouts = timeouts;
        self
    }

    /// Appends `app` to the `User-Agent` header (`stepworker/0.1.0 app`).
    pub fn app_name(mut self, app: &str) -> Self {
        self.config.user_agent = format!("{} {app}", default_user_agent());
        self
    }

    /// Whether `sync-` goes in front of the host for StartSyncExecution and
    /// TestState, as the model asks (default true; never for IP hosts).
    pub fn host_prefix(mut self, enabled: bool) -> Self {
        self.config.host_prefix = enabled;
        self
    }

    /// Sends requests to the region's FIPS endpoint (`states-fips.`; in
    /// us-gov-west-1 the regular endpoint, which is FIPS already).
    /// `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint` in the loaders.
    pub fn use_fips(mut self, enabled: bool) -> Self {
        self.config.use_fips = enabled;
        self
    }

    /// Sends requests to the region's dual-stack endpoint (IPv4 and IPv6).
    /// `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint` in the loaders.
    pub fn use_dual_stack(mut self, enabled: bool) -> Self {
        self.config.use_dual_stack = enabled;
        self
    }

    /// The largest answer body the client reads (default 8 MiB; eight times
    /// that for GetExecutionHistory, whose pages hold up to 1,000 events).
    /// A larger answer fails with [`Error::ResponseTooLarge`] instead of
    /// filling memory.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.config.max_response_size = bytes;
        self
    }

    /// The configuration. Problems (no region, a bad endpoint URL) surface as
    /// [`Error::Config`](super::Error::Config) on the first call, as in the AWS SDKs.
    pub fn build(self) -> Config {
        self.config
    }
}

/// Default cap of an answer's body. The largest ordinary answers are a
/// 1 MB definition or two 256 KiB payloads with their members.
const DEFAULT_MAX_RESPONSE_SIZE: u64 = 8 * 1024 * 1024;

fn default_user_agent() -> String {
    format!("stepworker/{}", env!("CARGO_PKG_VERSION"))
}

//! The full AWS credential chain (SSO, IMDS, ECS, web identity, assume role,
//! credential process) through `aws-config`, behind the `aws-config` feature.

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::{future, ProvideCredentials};
use tokio::sync::OnceCell;

use super::config::{Config, ConfigBuilder};
use super::environment::Environment;
use super::retry::{RetryConfig, RetryMode};
use super::timeouts::TimeoutConfig;
use super::Client;

impl Config {
    /// Region, endpoint, credentials provider, attempts and timeouts of an
    /// `aws-config` [`SdkConfig`]. The provider's credentials are cached by
    /// the client and refreshed five minutes before they expire.
    ///
    /// `AWS_ENDPOINT_URL_SFN` (a per-service setting `SdkConfig` does not carry
    /// for other crates) is read from the process environment, then
    /// `SdkConfig::endpoint_url`.
    pub fn from_sdk_config(sdk: &SdkConfig) -> Self {
        Self::builder_from_sdk_config(sdk, &Environment::process()).build()
    }

    /// [`Config::from_sdk_config`] as a builder, with an explicit environment.
    pub fn builder_from_sdk_config(sdk: &SdkConfig, env: &Environment) -> ConfigBuilder {
        let mut builder = Config::builder();
        if let Some(region) = sdk.region() {
            builder = builder.region(region.as_ref());
        }
        let ignore_endpoints = env
            .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let endpoint = env
            .get("AWS_ENDPOINT_URL_SFN")
            .filter(|_| !ignore_endpoints)
            .or(sdk.endpoint_url());
        if let Some(url) = endpoint {
            builder = builder.endpoint_url(url);
        }
        if let Some(fips) = sdk.use_fips() {
            builder = builder.use_fips(fips);
        }
        if let Some(dual_stack) = sdk.use_dual_stack() {
            builder = builder.use_dual_stack(dual_stack);
        }
        if let Some(provider) = sdk.credentials_provider() {
            builder = builder.credentials_provider(provider);
        }
        if let Some(retry) = sdk.retry_config() {
            let attempts = usize::try_from(retry.max_attempts()).unwrap_or(usize::MAX);
            let mode = match retry.mode() {
                aws_config::retry::RetryMode::Adaptive => RetryMode::Adaptive,
                _ => RetryMode::Standard,
            };
            // The SDK's `initial_backoff` is its throttling base (1 s); the
            // short base of other failures stays this client's.
            builder = builder.retry_config(
                RetryConfig::standard()
                    .with_mode(mode)
                    .with_max_attempts(attempts)
                    .with_throttling_backoff(retry.initial_backoff())
                    .with_max_backoff(retry.max_backoff()),
            );
        }
        if let Some(timeouts) = sdk.timeout_config() {
            let mut ours = TimeoutConfig::builder();
            if let Some(connect) = timeouts.connect_timeout() {
                ours = ours.connect_timeout(connect);
            }
            if let Some(attempt) = timeouts.operation_attempt_timeout() {
                // Only ordinary calls: GetActivityTask keeps its long read.
                ours = ours.call_timeout(attempt);
            }
            builder = builder.timeout_config(ours.build());
        }
        builder
    }
}

impl Client {
    /// A client from an `aws-config` [`SdkConfig`], as [`Config::from_sdk_config`].
    pub fn from_aws_config(sdk: &SdkConfig) -> Self {
        Self::new(Config::from_sdk_config(sdk))
    }

    /// Loads the default AWS configuration (the whole credential chain) and
    /// builds a client from it.
    pub async fn load_aws_defaults() -> Self {
        let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
        Self::from_aws_config(&sdk)
    }
}

/// The AWS SDKs' default credential chain (environment, profile with SSO,
/// assume role and credential_process, web identity (EKS IRSA), container
/// credentials (ECS, EKS Pod Identity), IMDS (EC2)), built on first use:
/// building it is async, and [`Config::from_env`] is not.
#[derive(Debug)]
pub(crate) struct DefaultChain {
    profile: Option<String>,
    chain: OnceCell<DefaultCredentialsChain>,
}

impl DefaultChain {
    /// The chain for `profile` (the chain's own default when `None`).
    pub(crate) fn new(profile: Option<&str>) -> Self {
        Self {
            profile: profile.map(str::to_owned),
            chain: OnceCell::new(),
        }
    }

    async fn chain(&self) -> &DefaultCredentialsChain {
        self.chain
            .get_or_init(|| async {
                let mut builder = DefaultCredentialsChain::builder();
                if let Some(profile) = &self.profile {
                    builder = builder.profile_name(profile);
                }
                builder.build().await
            })
            .await
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(
            async move { self.chain().await.provide_credentials().await },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_config::Region;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_credential_types::Credentials;

    #[tokio::test]
    async fn sdk_config_settings_carry_over() {
        let sdk = SdkConfig::builder()
            .region(Region::new("eu-central-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDCHAIN",
                "secret",
                None,
                None,
                "chain",
            )))
            .behavior_version(BehaviorVersion::latest())
            .build();
        let config = Config::builder_from_sdk_config(&sdk, &Environment::default()).build();
        assert_eq!(config.region(), Some("eu-central-1"));
        assert_eq!(config.endpoint_url(), "http://127.0.0.1:9");
        let creds = config.credentials_source().resolve().await.unwrap();
        assert_eq!(creds.access_key_id(), "AKIDCHAIN");
    }

    #[test]
    fn sdk_retry_mode_fips_and_dual_stack_carry_over() {
        let sdk = SdkConfig::builder()
            .region(Region::new("us-gov-east-1"))
            .use_fips(true)
            .use_dual_stack(true)
            .retry_config(
                aws_config::retry::RetryConfig::adaptive()
                    .with_max_attempts(5)
                    .with_initial_backoff(std::time::Duration::from_secs(2)),
            )
            .behavior_version(BehaviorVersion::latest())
            .build();
        let config = Config::builder_from_sdk_config(&sdk, &Environment::default()).build();
        assert_eq!(
            config.endpoint_url(),
            "https://states-fips.us-gov-east-1.api.aws"
        );
        let retry = config.retry_config();
        assert_eq!(retry.mode(), RetryMode::Adaptive);
        assert_eq!(retry.max_attempts(), 5);
        assert_eq!(
            retry.throttling_backoff(),
            std::time::Duration::from_secs(2)
        );
    }
}

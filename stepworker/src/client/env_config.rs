//! [`Config::from_env`]: region, endpoint, credentials and retries from the
//! environment and the shared AWS files, in the AWS SDKs' order.

use std::path::PathBuf;

use super::config::{Config, ConfigBuilder};
use super::credentials::{Credentials, CredentialsSource};
use super::environment::Environment;
use super::error::Error;
use super::profile_file::{shared_file_paths, FileKind, ProfileSet};
use super::retry::{RetryConfig, RetryMode};

/// Profile keys that need a credential provider only the `aws-config`
/// feature brings (assume role, SSO, external process, web identity).
const CHAIN_ONLY_KEYS: &[&str] = &[
    "role_arn",
    "sso_session",
    "sso_start_url",
    "credential_process",
    "web_identity_token_file",
];

impl Config {
    /// Loads the configuration from the process environment and the shared
    /// AWS files, as the AWS SDKs do:
    ///
    /// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`;
    /// - endpoint: `AWS_ENDPOINT_URL_SFN`, `AWS_ENDPOINT_URL`, then the
    ///   profile's `endpoint_url` (none of them with
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`);
    /// - credentials: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`
    ///   (+ `AWS_SESSION_TOKEN`), then the profile's keys from
    ///   `~/.aws/credentials` or `~/.aws/config`;
    /// - retries: `AWS_RETRY_MODE` (`standard` or `adaptive`) and
    ///   `AWS_MAX_ATTEMPTS`, then the profile's `retry_mode` and `max_attempts`.
    ///
    /// The profile is `AWS_PROFILE` (default `default`); the files are
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` when set.
    ///
    /// Fails on an unreadable or malformed file, and on an `AWS_PROFILE` that
    /// neither file defines. A missing region or missing keys are reported by
    /// the first call instead, so a client can be built before they matter.
    /// Profiles that assume roles or use SSO need the `aws-config` feature.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_environment(&Environment::process())
    }

    /// [`Config::from_env`] over an explicit [`Environment`].
    pub fn from_environment(env: &Environment) -> Result<Self, Error> {
        Ok(Self::builder_from_environment(env)?.build())
    }

    /// [`Config::from_environment`], as a builder to override some settings.
    pub fn builder_from_environment(env: &Environment) -> Result<ConfigBuilder, Error> {
        let profile_name = env.get("AWS_PROFILE").unwrap_or("default");
        let (config_path, credentials_path) = shared_file_paths(env);
        let profiles = load_profiles(config_path.as_ref(), credentials_path.as_ref())?;
        let env_keys = env_credentials(env);

        if env.get("AWS_PROFILE").is_some()
            && profiles.profile(profile_name).is_none()
            && env_keys.is_none()
        {
            return Err(Error::config(format!(
                "profile `{profile_name}` (AWS_PROFILE) is not in {} nor {}",
                describe(config_path.as_ref()),
                describe(credentials_path.as_ref())
            )));
        }

        let mut builder = Config::builder();
        if let Some(region) = env
            .get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .or_else(|| profiles.get(profile_name, "region"))
        {
            builder = builder.region(region.trim());
        }
        if let Some(url) = endpoint_url(env, &profiles, profile_name) {
            builder = builder.endpoint_url(url.trim());
        }
        builder = builder.retry_config(retry_config(env, &profiles, profile_name)?);
        let credentials = env_keys
            .map(CredentialsSource::Static)
            .unwrap_or_else(|| profile_credentials(&profiles, profile_name));
        Ok(builder.credentials_source(credentials))
    }
}

/// `AWS_RETRY_MODE` / `retry_mode` and `AWS_MAX_ATTEMPTS` / `max_attempts`.
fn retry_config(
    env: &Environment,
    profiles: &ProfileSet,
    profile: &str,
) -> Result<RetryConfig, Error> {
    let mut retry = RetryConfig::standard();
    if let Some(mode) = env
        .get("AWS_RETRY_MODE")
        .or_else(|| profiles.get(profile, "retry_mode"))
    {
        retry = retry.with_mode(mode.parse::<RetryMode>()?);
    }
    if let Some(attempts) = env
        .get("AWS_MAX_ATTEMPTS")
        .or_else(|| profiles.get(profile, "max_attempts"))
    {
        let attempts: usize = attempts
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                Error::config(format!(
                    "max attempts `{attempts}` is not a whole number above 0"
                ))
            })?;
        retry = retry.with_max_attempts(attempts);
    }
    Ok(retry)
}

fn load_profiles(
    config_path: Option<&PathBuf>,
    credentials_path: Option<&PathBuf>,
) -> Result<ProfileSet, Error> {
    let mut profiles = match config_path {
        Some(path) => ProfileSet::load(path, FileKind::Config)?,
        None => ProfileSet::default(),
    };
    if let Some(path) = credentials_path {
        profiles.merge(ProfileSet::load(path, FileKind::Credentials)?);
    }
    Ok(profiles)
}

fn endpoint_url<'a>(
    env: &'a Environment,
    profiles: &'a ProfileSet,
    profile: &str,
) -> Option<&'a str> {
    let ignore = env
        .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| profiles.get(profile, "ignore_configured_endpoint_urls"))
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if ignore {
        return None;
    }
    env.get("AWS_ENDPOINT_URL_SFN")
        .or_else(|| env.get("AWS_ENDPOINT_URL"))
        .or_else(|| profiles.get(profile, "endpoint_url"))
}

fn env_credentials(env: &Environment) -> Option<Credentials> {
    let key = env.get("AWS_ACCESS_KEY_ID")?;
    let secret = env.get("AWS_SECRET_ACCESS_KEY")?;
    let token = env.get("AWS_SESSION_TOKEN").map(str::to_owned);
    Some(Credentials::new(key, secret, token, None, "Environment"))
}

fn profile_credentials(profiles: &ProfileSet, profile: &str) -> CredentialsSource {
    let key = profiles.get(profile, "aws_access_key_id");
    let secret = profiles.get(profile, "aws_secret_access_key");
    if let (Some(key), Some(secret)) = (key, secret) {
        let token = profiles
            .get(profile, "aws_session_token")
            .map(str::to_owned);
        return CredentialsSource::Static(Credentials::new(
            key,
            secret,
            token,
            None,
            "ProfileFile",
        ));
    }
    let reason = match CHAIN_ONLY_KEYS
        .iter()
        .find(|k| profiles.get(profile, k).is_some())
    {
        Some(key) => format!(
            "profile `{profile}` uses `{key}`, which needs stepworker's `aws-config` feature \
             (Client::from_aws_config)"
        ),
        None => format!(
            "no credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set and profile \
             `{profile}` has no aws_access_key_id/aws_secret_access_key"
        ),
    };
    CredentialsSource::Missing { reason }
}

fn describe(path: Option<&PathBuf>) -> String {
    path.map_or_else(
        || "(no home directory)".to_owned(),
        |p| p.display().to_string(),
    )
}

//! [`Config::from_env`]: region, endpoint, credentials and retries from the
//! environment and the shared AWS files, in the AWS SDKs' order.

use std::path::PathBuf;

use super::config::{Config, ConfigBuilder};
use super::credentials::{Credentials, CredentialsSource};
use super::environment::Environment;
use super::error::Error;
use super::profile_file::{shared_file_paths, FileKind, ProfileSet};
use super::retry::{RetryConfig, RetryMode};

/// Environment variables that point to credentials only the AWS credential
/// chain (the `aws-config` feature) fetches: ECS and EKS Pod Identity
/// container credentials (the token file is Pod Identity's), EKS IRSA web
/// identity.
const CHAIN_ENV_VARS: &[&str] = &[
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
];

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
    ///   `~/.aws/credentials` or `~/.aws/config`, then (with the default
    ///   `aws-config` feature) the rest of the AWS credential chain: SSO,
    ///   assume role, `credential_process`, web identity (EKS IRSA), container
    ///   credentials (ECS, EKS Pod Identity) and IMDS (EC2), called on the
    ///   first request and refreshed before expiry;
    /// - FIPS and dual-stack endpoints: `AWS_USE_FIPS_ENDPOINT` and
    ///   `AWS_USE_DUALSTACK_ENDPOINT`, then the profile's `use_fips_endpoint`
    ///   and `use_dualstack_endpoint` (`true`/`false`);
    /// - retries: `AWS_RETRY_MODE` (`standard` or `adaptive`) and
    ///   `AWS_MAX_ATTEMPTS`, then the profile's `retry_mode` and `max_attempts`.
    ///
    /// The profile is `AWS_PROFILE` (default `default`); the files are
    /// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` when set.
    ///
    /// Fails on an unreadable or malformed file, and on an `AWS_PROFILE` that
    /// neither file defines. A missing region or missing keys are reported by
    /// the first call instead, so a client can be built before they matter.
    /// Without the `aws-config` feature, an environment that only the chain
    /// can serve (ECS, EKS, an SSO profile) gives
    /// [`CredentialsSource::Missing`] with a reason naming the feature.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_environment(&Environment::process())
    }

    /// [`Config::from_env`] over an explicit [`Environment`]. Unless it is
    /// [`Environment::process`], the credential chain is not consulted.
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
        let flag = |var, key| switch(env, &profiles, profile_name, var, key);
        if let Some(fips) = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")? {
            builder = builder.use_fips(fips);
        }
        if let Some(dual_stack) = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")? {
            builder = builder.use_dual_stack(dual_stack);
        }
        let credentials = env_keys
            .map(CredentialsSource::Static)
            .unwrap_or_else(|| profile_credentials(env, &profiles, profile_name));
        Ok(builder.credentials_source(credentials))
    }
}

/// A `true`/`false` setting: the variable, else the profile's key.
fn switch(
    env: &Environment,
    profiles: &ProfileSet,
    profile: &str,
    var: &str,
    key: &str,
) -> Result<Option<bool>, Error> {
    let Some(value) = env.get(var).or_else(|| profiles.get(profile, key)) else {
        return Ok(None);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(Error::config(format!(
            "{var} / {key} is `{value}`; expected true or false"
        ))),
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

fn profile_credentials(
    env: &Environment,
    profiles: &ProfileSet,
    profile: &str,
) -> CredentialsSource {
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
    chain_credentials(env, profiles, profile)
}

/// Neither the environment nor the profile holds keys: the rest of the AWS
/// credential chain (SSO, assume role, web identity, container credentials,
/// IMDS), where it is built in and the environment is the process's.
#[cfg(feature = "aws-config")]
fn chain_credentials(env: &Environment, profiles: &ProfileSet, profile: &str) -> CredentialsSource {
    if env.is_process() {
        let chosen = env.get("AWS_PROFILE");
        return CredentialsSource::provider(super::aws_config::DefaultChain::new(chosen));
    }
    let reason = match chain_source(env, profiles, profile) {
        Some(source) => format!(
            "{source} is resolved by the AWS credential chain (stepworker's `aws-config` \
             feature), which Config::from_env() uses; an explicit Environment \
             (Config::from_environment) never reaches it"
        ),
        None => no_keys_reason(profile),
    };
    CredentialsSource::Missing { reason }
}

/// Without the `aws-config` feature there is no chain: name the feature
/// when the environment shows where keys would have come from.
#[cfg(not(feature = "aws-config"))]
fn chain_credentials(env: &Environment, profiles: &ProfileSet, profile: &str) -> CredentialsSource {
    let reason = match chain_source(env, profiles, profile) {
        Some(source) => format!(
            "{source} needs stepworker's `aws-config` feature (on by default; this build has \
             default-features = false)"
        ),
        None => format!(
            "{}; on EC2, ECS or EKS, enable stepworker's `aws-config` feature (on by default)",
            no_keys_reason(profile)
        ),
    };
    CredentialsSource::Missing { reason }
}

/// What in the environment or the profile says keys come from the chain.
fn chain_source(env: &Environment, profiles: &ProfileSet, profile: &str) -> Option<String> {
    if let Some(var) = CHAIN_ENV_VARS.iter().find(|var| env.get(var).is_some()) {
        return Some(format!("`{var}` (set on ECS and EKS)"));
    }
    CHAIN_ONLY_KEYS
        .iter()
        .find(|key| profiles.get(profile, key).is_some())
        .map(|key| format!("profile `{profile}`'s `{key}`"))
}

fn no_keys_reason(profile: &str) -> String {
    format!(
        "no credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set and profile \
         `{profile}` has no aws_access_key_id/aws_secret_access_key"
    )
}

fn describe(path: Option<&PathBuf>) -> String {
    path.map_or_else(
        || "(no home directory)".to_owned(),
        |p| p.display().to_string(),
    )
}

//! Region, endpoint and credentials from the environment and the shared AWS
//! files, given to the loader explicitly (the process environment is never
//! touched, so these tests run in parallel safely).

mod client_support;

use std::path::Path;

use client_support::{Reply, TestServer};
use serde_json::json;
use stepworker::client::{Client, Config, CredentialsSource, Environment};
use stepworker::Error;

/// A temporary home with `.aws/config` and `.aws/credentials`.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(config: &str, credentials: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let aws = dir.path().join(".aws");
        std::fs::create_dir_all(&aws).expect("mkdir");
        std::fs::write(aws.join("config"), config).expect("write config");
        std::fs::write(aws.join("credentials"), credentials).expect("write credentials");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// An environment with HOME here plus `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Environment {
        let home = self.path().display().to_string();
        let mut all: Vec<(String, String)> = vec![("HOME".into(), home)];
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Environment::from_vars(all)
    }
}

const CONFIG: &str = "\
[default]
region = eu-west-1

[profile work]
region = ap-southeast-2
max_attempts = 5

[profile sso]
sso_session = corp
sso_account_id = 123456789012
";

const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = default-secret

[work]
aws_access_key_id = AKIDWORK
aws_secret_access_key = work/secret
aws_session_token = work-token
";

fn static_keys(config: &Config) -> (String, String, Option<String>) {
    match config.credentials_source() {
        CredentialsSource::Static(c) => (
            c.access_key_id().to_owned(),
            c.secret_access_key().to_owned(),
            c.session_token().map(str::to_owned),
        ),
        other => panic!("expected static keys, got {other:?}"),
    }
}

#[test]
fn the_default_profile_gives_region_and_keys() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let config = Config::from_environment(&home.env(&[])).expect("load");
    assert_eq!(config.region(), Some("eu-west-1"));
    assert_eq!(
        config.endpoint_url(),
        "https://states.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        static_keys(&config),
        ("AKIDDEFAULT".into(), "default-secret".into(), None)
    );
}

#[test]
fn aws_profile_selects_a_named_profile_in_both_files() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let config = Config::from_environment(&home.env(&[("AWS_PROFILE", "work")])).expect("load");
    assert_eq!(config.region(), Some("ap-southeast-2"));
    assert_eq!(config.retry_config().max_attempts(), 5);
    assert_eq!(
        static_keys(&config),
        (
            "AKIDWORK".into(),
            "work/secret".into(),
            Some("work-token".into())
        )
    );
}

#[test]
fn environment_variables_win_over_the_files() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let config = Config::from_environment(&home.env(&[
        ("AWS_REGION", "us-west-1"),
        ("AWS_DEFAULT_REGION", "us-east-2"),
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ("AWS_SESSION_TOKEN", "env-token"),
        ("AWS_MAX_ATTEMPTS", "7"),
    ]))
    .expect("load");
    assert_eq!(config.region(), Some("us-west-1"));
    assert_eq!(config.retry_config().max_attempts(), 7);
    assert_eq!(
        static_keys(&config),
        (
            "AKIDENV".into(),
            "env-secret".into(),
            Some("env-token".into())
        )
    );

    let config =
        Config::from_environment(&home.env(&[("AWS_DEFAULT_REGION", "us-east-2")])).expect("load");
    assert_eq!(config.region(), Some("us-east-2"));
}

#[test]
fn the_service_endpoint_variable_wins_over_the_global_one() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let both = home.env(&[
        ("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:8083"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
    ]);
    let config = Config::from_environment(&both).expect("load");
    assert_eq!(config.endpoint_url(), "http://127.0.0.1:8083");
    assert!(config.has_custom_endpoint());

    let global = home.env(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")]);
    let config = Config::from_environment(&global).expect("load");
    assert_eq!(config.endpoint_url(), "http://127.0.0.1:4566");

    let ignored = home.env(&[
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
    ]);
    let config = Config::from_environment(&ignored).expect("load");
    assert!(!config.has_custom_endpoint());
}

#[test]
fn explicit_file_locations_are_honoured() {
    let home = Home::new("", "");
    let elsewhere = tempfile::tempdir().expect("dir");
    let config_path = elsewhere.path().join("cfg");
    let credentials_path = elsewhere.path().join("creds");
    std::fs::write(&config_path, "[profile ci]\nregion = sa-east-1\n").expect("write");
    std::fs::write(
        &credentials_path,
        "[ci]\naws_access_key_id = AKIDCI\naws_secret_access_key = ci\n",
    )
    .expect("write");
    let env = home.env(&[
        ("AWS_CONFIG_FILE", &config_path.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            &credentials_path.display().to_string(),
        ),
        ("AWS_PROFILE", "ci"),
    ]);
    let config = Config::from_environment(&env).expect("load");
    assert_eq!(config.region(), Some("sa-east-1"));
    assert_eq!(static_keys(&config).0, "AKIDCI");
}

#[test]
fn an_unknown_aws_profile_is_an_error() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let err = Config::from_environment(&home.env(&[("AWS_PROFILE", "nope")]))
        .expect_err("no such profile");
    assert!(matches!(err, Error::Config { .. }));
    assert!(err.message().contains("nope"), "{}", err.message());
}

#[test]
fn a_malformed_file_names_the_file_and_line() {
    let home = Home::new("[default]\nregion = x\nthis line is wrong\n", "");
    let err = Config::from_environment(&home.env(&[])).expect_err("malformed");
    let message = err.message();
    assert!(message.contains("config:3"), "{message}");
}

#[test]
fn missing_files_mean_no_credentials_yet_not_an_error() {
    let home = tempfile::tempdir().expect("dir");
    let env = Environment::from_vars([("HOME", home.path().display().to_string())]);
    let config = Config::from_environment(&env).expect("load");
    assert_eq!(config.region(), None);
    assert!(matches!(
        config.credentials_source(),
        CredentialsSource::Missing { .. }
    ));
}

#[test]
fn an_sso_profile_points_to_the_aws_config_feature() {
    let home = Home::new(CONFIG, CREDENTIALS);
    let config = Config::from_environment(&home.env(&[("AWS_PROFILE", "sso")])).expect("load");
    match config.credentials_source() {
        CredentialsSource::Missing { reason } => {
            assert!(reason.contains("aws-config"), "{reason}")
        }
        other => panic!("expected missing credentials, got {other:?}"),
    }
}

#[tokio::test]
async fn a_client_from_a_profile_signs_with_its_keys() {
    let server = TestServer::always(Reply::ok(json!({"activities": []}))).await;
    let home = Home::new(CONFIG, CREDENTIALS);
    let env = home.env(&[
        ("AWS_PROFILE", "work"),
        ("AWS_ENDPOINT_URL_SFN", &server.url),
    ]);
    let client = Client::new(Config::from_environment(&env).expect("load"));
    client.list_activities().send().await.expect("list");
    let request = &server.received()[0];
    let authorization = request.header("authorization");
    assert!(
        authorization.contains("Credential=AKIDWORK/")
            && authorization.contains("/ap-southeast-2/states/"),
        "{authorization}"
    );
    assert_eq!(request.header("x-amz-security-token"), "work-token");
}

#[tokio::test]
async fn a_client_without_credentials_says_where_it_looked() {
    let server = TestServer::always(Reply::ok(json!({"activities": []}))).await;
    let home = tempfile::tempdir().expect("dir");
    let env = Environment::from_vars([
        ("HOME", home.path().display().to_string()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ENDPOINT_URL", server.url.clone()),
    ]);
    let client = Client::new(Config::from_environment(&env).expect("load"));
    let err = client.list_activities().send().await.expect_err("no keys");
    assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
    assert!(
        err.message().contains("AWS_ACCESS_KEY_ID"),
        "{}",
        err.message()
    );
    assert_eq!(server.count(), 0);
}

#[test]
fn container_and_web_identity_settings_are_named_when_no_chain_can_serve_them() {
    // An explicit environment never reaches the credential chain (with or
    // without the `aws-config` feature), so the loader says what it saw.
    let home = tempfile::tempdir().expect("dir");
    for var in [
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ] {
        let env = Environment::from_vars([
            ("HOME", home.path().display().to_string()),
            (var, "/v2/credentials/abc".to_owned()),
        ]);
        match Config::from_environment(&env)
            .expect("load")
            .credentials_source()
        {
            CredentialsSource::Missing { reason } => {
                assert!(reason.contains(var), "{reason}");
                assert!(reason.contains("aws-config"), "{reason}");
            }
            other => panic!("{var}: expected missing credentials, got {other:?}"),
        }
    }
}

#[test]
fn keys_in_the_environment_win_over_container_settings() {
    let env = Environment::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/abc",
        ),
    ]);
    let config = Config::from_environment(&env).expect("load");
    assert_eq!(static_keys(&config).0, "AKIDENV");
}

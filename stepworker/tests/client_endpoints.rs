//! The endpoint of every partition, with FIPS and dual-stack, as aws-sdk-sfn
//! resolves it. Expected URLs are the test cases of the Step Functions
//! endpoint rules (aws-sdk-sfn 1.125 `config/endpoint.rs`) plus, for the
//! combinations those cases leave out, the rules themselves
//! (`https://states[-fips].{Region}.{dnsSuffix | dualStackDnsSuffix}`).

mod client_support;

use client_support::{Reply, TestServer};
use serde_json::json;
use stepworker::client::{Client, Config, Environment};
use stepworker::Error;

fn resolved(region: &str, fips: bool, dual_stack: bool) -> String {
    Config::builder()
        .region(region)
        .use_fips(fips)
        .use_dual_stack(dual_stack)
        .build()
        .resolve_endpoint_url()
        .unwrap_or_else(|e| panic!("{region} fips={fips} dual={dual_stack}: {e}"))
}

#[test]
fn every_partition_and_flag_combination_resolves_like_the_sdk() {
    // (region, fips, dual-stack, URL)
    let cases = [
        // The SDK's own test cases.
        (
            "us-east-1",
            true,
            true,
            "https://states-fips.us-east-1.api.aws",
        ),
        (
            "us-east-1",
            true,
            false,
            "https://states-fips.us-east-1.amazonaws.com",
        ),
        ("us-east-1", false, true, "https://states.us-east-1.api.aws"),
        (
            "us-east-1",
            false,
            false,
            "https://states.us-east-1.amazonaws.com",
        ),
        (
            "cn-northwest-1",
            true,
            true,
            "https://states-fips.cn-northwest-1.api.amazonwebservices.com.cn",
        ),
        (
            "cn-northwest-1",
            true,
            false,
            "https://states-fips.cn-northwest-1.amazonaws.com.cn",
        ),
        (
            "cn-northwest-1",
            false,
            true,
            "https://states.cn-northwest-1.api.amazonwebservices.com.cn",
        ),
        (
            "cn-northwest-1",
            false,
            false,
            "https://states.cn-northwest-1.amazonaws.com.cn",
        ),
        (
            "eusc-de-east-1",
            true,
            false,
            "https://states-fips.eusc-de-east-1.amazonaws.eu",
        ),
        (
            "eusc-de-east-1",
            false,
            false,
            "https://states.eusc-de-east-1.amazonaws.eu",
        ),
        (
            "us-iso-east-1",
            true,
            false,
            "https://states-fips.us-iso-east-1.c2s.ic.gov",
        ),
        (
            "us-iso-east-1",
            false,
            false,
            "https://states.us-iso-east-1.c2s.ic.gov",
        ),
        (
            "us-isob-east-1",
            true,
            false,
            "https://states-fips.us-isob-east-1.sc2s.sgov.gov",
        ),
        (
            "us-isob-east-1",
            false,
            false,
            "https://states.us-isob-east-1.sc2s.sgov.gov",
        ),
        (
            "eu-isoe-west-1",
            true,
            false,
            "https://states-fips.eu-isoe-west-1.cloud.adc-e.uk",
        ),
        (
            "eu-isoe-west-1",
            false,
            false,
            "https://states.eu-isoe-west-1.cloud.adc-e.uk",
        ),
        (
            "us-isof-south-1",
            true,
            false,
            "https://states-fips.us-isof-south-1.csp.hci.ic.gov",
        ),
        (
            "us-isof-south-1",
            false,
            false,
            "https://states.us-isof-south-1.csp.hci.ic.gov",
        ),
        (
            "us-gov-west-1",
            true,
            true,
            "https://states-fips.us-gov-west-1.api.aws",
        ),
        (
            "us-gov-west-1",
            true,
            false,
            "https://states.us-gov-west-1.amazonaws.com",
        ),
        (
            "us-gov-west-1",
            false,
            true,
            "https://states-fips.us-gov-west-1.api.aws",
        ),
        (
            "us-gov-west-1",
            false,
            false,
            "https://states.us-gov-west-1.amazonaws.com",
        ),
        // From the rules: the other partitions' dual-stack suffixes.
        (
            "us-gov-east-1",
            true,
            false,
            "https://states-fips.us-gov-east-1.amazonaws.com",
        ),
        (
            "us-gov-east-1",
            false,
            true,
            "https://states-fips.us-gov-east-1.api.aws",
        ),
        (
            "us-iso-east-1",
            false,
            true,
            "https://states.us-iso-east-1.api.aws.ic.gov",
        ),
        (
            "us-isob-east-1",
            true,
            true,
            "https://states-fips.us-isob-east-1.api.aws.scloud",
        ),
        (
            "eu-isoe-west-1",
            false,
            true,
            "https://states.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
        ),
        (
            "us-isof-south-1",
            true,
            true,
            "https://states-fips.us-isof-south-1.api.aws.hci.ic.gov",
        ),
        (
            "eusc-de-east-1",
            false,
            true,
            "https://states.eusc-de-east-1.api.amazonwebservices.eu",
        ),
        // A region the table does not know yet is in `aws`.
        (
            "ap-future-9",
            false,
            false,
            "https://states.ap-future-9.amazonaws.com",
        ),
    ];
    for (region, fips, dual_stack, url) in cases {
        assert_eq!(
            resolved(region, fips, dual_stack),
            url,
            "{region} fips={fips} dual={dual_stack}"
        );
    }
}

#[test]
fn fips_or_dual_stack_with_a_custom_endpoint_is_refused_like_the_sdk() {
    let custom = || {
        Config::builder()
            .region("us-east-1")
            .endpoint_url("https://example.com")
    };
    assert_eq!(
        custom().build().resolve_endpoint_url().unwrap(),
        "https://example.com"
    );
    let err = custom()
        .use_fips(true)
        .build()
        .resolve_endpoint_url()
        .unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid Configuration: FIPS and custom endpoint are not supported"
    );
    let err = custom()
        .use_dual_stack(true)
        .build()
        .resolve_endpoint_url()
        .unwrap_err();
    assert_eq!(
        err.message(),
        "Invalid Configuration: Dualstack and custom endpoint are not supported"
    );
    let err = Config::builder()
        .build()
        .resolve_endpoint_url()
        .unwrap_err();
    assert_eq!(err.message(), "Invalid Configuration: Missing Region");
}

#[tokio::test]
async fn a_refused_combination_fails_each_call_without_sending() {
    let server = TestServer::always(Reply::ok(json!({"activities": []}))).await;
    let client = Client::new(server.config().use_fips(true).build());
    let err = client.list_activities().send().await.expect_err("refused");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert_eq!(server.count(), 0);
}

#[test]
fn the_environment_and_the_profile_turn_fips_and_dual_stack_on() {
    let env = Environment::from_vars([
        ("AWS_REGION", "us-west-2"),
        ("AWS_USE_FIPS_ENDPOINT", "true"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "TRUE"),
    ]);
    let config = Config::from_environment(&env).expect("loads");
    assert_eq!(
        config.endpoint_url(),
        "https://states-fips.us-west-2.api.aws"
    );

    let home = tempfile::tempdir().expect("dir");
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).expect("mkdir");
    std::fs::write(
        aws.join("config"),
        "[default]\nregion = cn-north-1\nuse_dualstack_endpoint = true\nuse_fips_endpoint = false\n",
    )
    .expect("write");
    let env = Environment::from_vars([("HOME", home.path().display().to_string())]);
    let config = Config::from_environment(&env).expect("loads");
    assert!(config.use_dual_stack() && !config.use_fips());
    assert_eq!(
        config.endpoint_url(),
        "https://states.cn-north-1.api.amazonwebservices.com.cn"
    );

    // The variable wins over the profile, and a bad value is an error.
    let env = Environment::from_vars([
        ("HOME", home.path().display().to_string()),
        ("AWS_USE_DUALSTACK_ENDPOINT", "false".to_owned()),
    ]);
    assert!(!Config::from_environment(&env)
        .expect("loads")
        .use_dual_stack());
    let env = Environment::from_vars([("AWS_USE_FIPS_ENDPOINT", "yes")]);
    let err = Config::from_environment(&env).expect_err("not a boolean");
    assert!(err.message().contains("AWS_USE_FIPS_ENDPOINT"), "{err}");
}

#[tokio::test]
async fn a_signed_request_goes_to_the_resolved_host_with_its_host_prefix() {
    let client = Client::new(
        Config::builder()
            .region("us-gov-east-1")
            .use_fips(true)
            .credentials(client_support::test_credentials())
            .build(),
    );
    let input = stepworker::model::ListActivitiesInput::default();
    let request = client
        .signed_request::<stepworker::model::operations::ListActivities>(&input)
        .await
        .expect("signs");
    assert_eq!(
        request.uri().to_string(),
        "https://states-fips.us-gov-east-1.amazonaws.com/"
    );
    let authorization = request.headers()["authorization"].to_str().unwrap();
    assert!(
        authorization.contains("/us-gov-east-1/states/"),
        "{authorization}"
    );
}

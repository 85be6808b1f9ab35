//! `Client::from_env()` on EKS Pod Identity (and ECS): with nothing but the
//! variables the platform sets, the default `aws-config` feature's
//! credential chain fetches keys from the container credentials endpoint.
//!
//! The chain reads the process environment, so this binary holds one test
//! that sets the variables before any other thread runs. The endpoint is on
//! 127.0.0.1 (the chain allows loopback for `AWS_CONTAINER_CREDENTIALS_FULL_URI`),
//! and IMDS is disabled so nothing leaves the host.

#![cfg(feature = "aws-config")]

mod client_support;

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use client_support::{Reply, TestServer};
use serde_json::json;
use stepworker::client::{Client, Config};

const POD_TOKEN: &str = "pod-identity-token-123";

#[test]
fn from_env_finds_container_credentials_with_no_extra_code() {
    let dir = tempfile::tempdir().expect("dir");
    let token_file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, POD_TOKEN).expect("token file");

    // Bind first (no runtime needed), so the URL is known before any thread starts.
    let credentials_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    credentials_listener
        .set_nonblocking(true)
        .expect("nonblocking");
    let credentials_url = format!(
        "http://{}/v1/credentials",
        credentials_listener.local_addr().expect("addr")
    );

    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SFN",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("HOME", dir.path());
    std::env::set_var("AWS_CONFIG_FILE", dir.path().join("no-config"));
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        dir.path().join("no-credentials"),
    );
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_REGION", "us-east-1");
    std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", &credentials_url);
    std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let seen_tokens = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = seen_tokens.clone();
        let app = Router::new().route(
            "/v1/credentials",
            get(move |headers: HeaderMap| {
                let seen = seen.clone();
                async move {
                    let token = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    seen.lock().expect("lock").push(token);
                    Json(json!({
                        "AccessKeyId": "AKIDPODIDENTITY",
                        "SecretAccessKey": "pod-secret",
                        "Token": "pod-session-token",
                        "AccountId": "123456789012",
                        "Expiration": "2099-01-01T00:00:00Z",
                    }))
                }
            }),
        );
        let listener = tokio::net::TcpListener::from_std(credentials_listener).expect("listener");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });

        // What `Client::from_env()` does, with the test endpoint put in
        // afterwards (setting a variable now would race the runtime's threads).
        let service = TestServer::always(Reply::ok(json!({"activities": []}))).await;
        let config = Config::from_env()
            .expect("loads")
            .to_builder()
            .endpoint_url(&service.url)
            .build();
        let client = Client::new(config);
        for _ in 0..3 {
            client
                .list_activities()
                .send()
                .await
                .expect("signed with pod keys");
        }

        let request = &service.received()[0];
        let authorization = request.header("authorization");
        assert!(
            authorization.contains("Credential=AKIDPODIDENTITY/"),
            "{authorization}"
        );
        assert_eq!(request.header("x-amz-security-token"), "pod-session-token");
        let seen = seen_tokens.lock().expect("lock").clone();
        assert_eq!(
            seen,
            vec![POD_TOKEN.to_owned()],
            "fetched once, with the pod's token"
        );
    });
}

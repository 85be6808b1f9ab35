//! `examples/fleet --health-addr`: `GET /health` over HTTP, the way a
//! container health check or a Kubernetes probe reads it, against the
//! `stepworker-local` binary.
//!
//! - 200 while the fleet is registered and its polls come back;
//! - 503 once every poll is refused (the activities were deleted under it:
//!   `ActivityDoesNotExist`, which no retry fixes);
//! - 503 when the service does not know the fleet's key
//!   (`--require-sigv4`: `UnrecognizedClientException`, AWS's answer for an
//!   unknown access key), so no activity registers; the same fleet with a
//!   known key is healthy against the same engine.
//!
//! The engine's idle polls end after a second so "last successful poll" is
//! set quickly; each wait is bounded.

use std::time::Duration;

use serde_json::Value;
use stepworker_fleet_bench::health::{self, HealthAnswer};
use stepworker_fleet_bench::pipeline::STEPS;
use stepworker_fleet_bench::{Binaries, EngineProcess, FleetOptions, FleetProcess, Profile};

const LIMIT: Duration = Duration::from_secs(30);

fn activities(answer: &HealthAnswer) -> &[Value] {
    answer.body["activities"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

fn every_activity(answer: &HealthAnswer, check: impl Fn(&Value) -> bool) -> bool {
    let listed = activities(answer);
    listed.len() == STEPS.len() && listed.iter().all(check)
}

fn last_error_names(activity: &Value, error: &str) -> bool {
    activity["last_error"]
        .as_str()
        .is_some_and(|last| last.contains(error))
}

#[tokio::test]
async fn healthy_while_polling_and_unhealthy_once_every_poll_is_refused() {
    let binaries = Binaries::build(Profile::current()).await.expect("build");
    let engine = EngineProcess::start(
        &binaries.engine,
        &["--poll-timeout-seconds".into(), "1".into()],
    )
    .await
    .expect("the engine starts");
    let addr = health::free_loopback_addr().expect("a port");
    let options = FleetOptions {
        health_addr: Some(addr),
        ..FleetOptions::named("healthy-fleet")
    };
    let fleet = FleetProcess::start(&binaries.fleet, engine.url(), options)
        .await
        .expect("the fleet starts");

    let healthy = health::wait_for(addr, LIMIT, |answer| {
        every_activity(answer, |a| {
            a["registered"] == true && a["last_successful_poll"].is_number()
        })
    })
    .await
    .expect("every activity registered and polled");
    assert_eq!(healthy.status, 200, "{:#}", healthy.body);
    assert_eq!(healthy.body["healthy"], true, "{:#}", healthy.body);
    let mut names: Vec<&str> = activities(&healthy)
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["fetch-image", "publish-image", "resize-image"]);

    // Delete the activities under the running fleet: from now on every poll
    // is refused with ActivityDoesNotExist.
    let client = engine.client();
    for activity in activities(&healthy) {
        let arn = activity["arn"]
            .as_str()
            .expect("a registered activity has its ARN");
        client
            .delete_activity()
            .activity_arn(arn)
            .send()
            .await
            .expect("DeleteActivity");
    }
    let refused = health::wait_for(addr, LIMIT, |answer| {
        every_activity(answer, |a| {
            a["consecutive_refusals"].as_u64() >= Some(3)
                && last_error_names(a, "ActivityDoesNotExist")
        })
    })
    .await
    .expect("every poll refused");
    assert_eq!(refused.status, 503, "{:#}", refused.body);
    assert_eq!(refused.body["healthy"], false, "{:#}", refused.body);
    assert!(
        every_activity(&refused, |a| a["healthy"] == false),
        "{:#}",
        refused.body
    );

    let stopped = fleet.stop(LIMIT).await.expect("a clean exit");
    assert!(stopped.ended.status.success());
    engine.stop().await.expect("the engine stops");
}

#[tokio::test]
async fn a_key_the_service_refuses_is_unhealthy_and_a_known_one_healthy() {
    let binaries = Binaries::build(Profile::current()).await.expect("build");
    let keys = tempfile::NamedTempFile::new().expect("a keys file");
    std::fs::write(keys.path(), "AKIDFLEETALLOWED allowed-secret\n").expect("write keys");
    let engine = EngineProcess::start(
        &binaries.engine,
        &[
            "--poll-timeout-seconds".into(),
            "1".into(),
            "--require-sigv4".into(),
            "--sigv4-keys".into(),
            keys.path().display().to_string(),
        ],
    )
    .await
    .expect("the engine starts");

    let fleet_with = |name: &str, key_id: &str, secret: &str| {
        let addr = health::free_loopback_addr().expect("a port");
        let options = FleetOptions {
            health_addr: Some(addr),
            credentials: Some((key_id.to_owned(), secret.to_owned())),
            ..FleetOptions::named(name)
        };
        (addr, options)
    };

    let (denied_addr, options) = fleet_with("denied-fleet", "AKIDFLEETDENIED", "denied-secret");
    let denied = FleetProcess::start(&binaries.fleet, engine.url(), options)
        .await
        .expect("the fleet starts");
    let refused = health::wait_for(denied_addr, LIMIT, |answer| {
        every_activity(answer, |a| {
            a["consecutive_refusals"].as_u64() >= Some(1)
                && last_error_names(a, "UnrecognizedClientException")
        })
    })
    .await
    .expect("every call refused");
    assert_eq!(refused.status, 503, "{:#}", refused.body);
    assert!(
        every_activity(&refused, |a| a["registered"] == false
            && a["healthy"] == false),
        "{:#}",
        refused.body
    );
    denied.stop(LIMIT).await.expect("a clean exit");

    let (allowed_addr, options) = fleet_with("allowed-fleet", "AKIDFLEETALLOWED", "allowed-secret");
    let allowed = FleetProcess::start(&binaries.fleet, engine.url(), options)
        .await
        .expect("the fleet starts");
    let healthy = health::wait_for(allowed_addr, LIMIT, |answer| {
        every_activity(answer, |a| {
            a["registered"] == true && a["last_successful_poll"].is_number()
        })
    })
    .await
    .expect("the known key registers and polls");
    assert_eq!(healthy.status, 200, "{:#}", healthy.body);
    allowed.stop(LIMIT).await.expect("a clean exit");
    engine.stop().await.expect("the engine stops");
}

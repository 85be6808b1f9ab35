//! Registration in the background and the health it shows, on paused time.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::mock_service::MockService;
use super::runtime_tests::{eventually, start};
use super::{Activity, ActivityContext, TaskFailure, WorkerBuilder, WorkerError};

#[tokio::test(start_paused = true)]
async fn a_refused_registration_is_retried_and_the_activity_then_serves() {
    let service = MockService::new(Duration::from_secs(60));
    service.refused_creates.store(3, Ordering::SeqCst);
    service.enqueue("t", r#"{"echo": {"value": 3}}"#);
    let harness = start(service, |b| b);
    // Still running while refused, and unhealthy: not registered.
    let refused = eventually(Duration::from_secs(3), || {
        harness.service.create_calls.load(Ordering::SeqCst) >= 1
    })
    .await;
    assert!(refused);
    let health = harness.handle.health();
    assert!(!health.is_healthy());
    assert!(!health.activities[0].registered);
    assert!(health.activities[0]
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("AccessDenied")));
    assert!(
        !harness.run.is_finished(),
        "run() ended on a refused registration"
    );

    // Three refusals at 5, 10 and 20 s bounds: served within a minute.
    let served = eventually(Duration::from_secs(60), || {
        !harness.service.reports().is_empty()
    })
    .await;
    assert!(served, "never served after the refusals ended");
    assert_eq!(harness.service.create_calls.load(Ordering::SeqCst), 4);
    assert!(harness.handle.health().is_healthy());
    // Its polls last 60 s: the shutdown drops them at the cut.
    harness.handle.shutdown();
    let ended = tokio::time::timeout(Duration::from_secs(60), harness.run).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))));
}

#[tokio::test(start_paused = true)]
async fn a_throttled_registration_retries_on_the_clients_throttling_backoff() {
    let service = MockService::new(Duration::from_secs(60));
    service.throttled_creates.store(2, Ordering::SeqCst);
    service.enqueue("t", r#"{"echo": {"value": 3}}"#);
    let started = tokio::time::Instant::now();
    let harness = start(service, |b| b);
    // The client's throttling backoff: up to 1 s, then up to 2 s (full
    // jitter). A refusal's schedule would wait at least 2.5 s, then 5 s.
    let served = eventually(Duration::from_secs(10), || {
        !harness.service.reports().is_empty()
    })
    .await;
    assert!(served, "never served after the throttles ended");
    assert!(
        started.elapsed() <= Duration::from_millis(3100),
        "registered after {:?}",
        started.elapsed()
    );
    assert_eq!(harness.service.create_calls.load(Ordering::SeqCst), 3);
    harness.handle.shutdown();
    let ended = tokio::time::timeout(Duration::from_secs(60), harness.run).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))));
}

#[tokio::test(start_paused = true)]
async fn polls_refused_in_a_row_turn_health_unhealthy_and_a_good_poll_heals_it() {
    let service = MockService::new(Duration::from_secs(1));
    service.refused_polls.store(5, Ordering::SeqCst);
    let harness = start(service, |b| b.pollers(1));
    let unhealthy = eventually(Duration::from_secs(30), || {
        harness.handle.health().activities[0].consecutive_refusals >= super::REFUSALS_UNHEALTHY
    })
    .await;
    assert!(unhealthy, "AccessDenied on every poll never showed");
    let health = harness.handle.health();
    assert!(health.activities[0].registered);
    assert!(!health.is_healthy());
    let healed = eventually(Duration::from_secs(120), || {
        harness.handle.health().activities[0]
            .last_successful_poll
            .is_some()
    })
    .await;
    assert!(healed);
    assert!(harness.handle.health().is_healthy());
    harness.stop().await;
}

struct Renamed;

impl Activity for Renamed {
    const NAME: &'static str = "compiled-name";
    const HEARTBEAT: Option<Duration> = None;
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(60));
    type Input = ();
    type Output = ();
    type Error = TaskFailure;

    async fn run(&self, (): (), _: ActivityContext) -> Result<(), TaskFailure> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn an_activity_served_by_arn_is_never_created() {
    let service = Arc::new(MockService::new(Duration::from_secs(1)));
    service.enqueue("t", "null");
    let arn = "arn:aws:states:eu-west-1:123456789012:activity:prod-thing";
    let worker = WorkerBuilder::with_service(service.clone())
        .activity_arn(arn, Renamed)
        .build();
    let handle = worker.handle();
    let run = tokio::spawn(worker.run());
    assert!(eventually(Duration::from_secs(5), || !service.reports().is_empty()).await);
    let health = handle.health();
    assert_eq!(health.activities[0].name, "prod-thing");
    assert_eq!(health.activities[0].arn.as_deref(), Some(arn));
    assert_eq!(service.create_calls.load(Ordering::SeqCst), 0);
    handle.shutdown();
    assert!(matches!(
        tokio::time::timeout(Duration::from_secs(30), run).await,
        Ok(Ok(Ok(())))
    ));
}

#[tokio::test(start_paused = true)]
async fn names_chosen_at_run_time_are_registered_and_bad_arns_refused() {
    let service = Arc::new(MockService::new(Duration::from_secs(1)));
    let worker = WorkerBuilder::with_service(service.clone())
        .activity_named("staging-thing", Renamed)
        .build();
    let handle = worker.handle();
    let run = tokio::spawn(worker.run());
    assert!(eventually(Duration::from_secs(5), || handle.health().is_healthy()).await);
    assert_eq!(
        handle.health().activities[0].arn.as_deref(),
        Some("arn:aws:states:us-east-1:123456789012:activity:staging-thing")
    );
    handle.shutdown();
    assert!(matches!(
        tokio::time::timeout(Duration::from_secs(30), run).await,
        Ok(Ok(Ok(())))
    ));

    let bad = WorkerBuilder::with_service(service)
        .activity_arn("arn:aws:states:us-east-1:1:stateMachine:x", Renamed)
        .build()
        .run()
        .await;
    assert!(matches!(bad, Err(WorkerError::InvalidActivityArn(arn)) if arn.ends_with(":x")));
}

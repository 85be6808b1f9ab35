//! The shutdown deadline on paused time: each phase comes when it should,
//! whatever the service does, and nothing finished is dropped before it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant;

use super::handler::Report;
use super::mock_service::MockService;
use super::runtime_tests::{start, Harness};
use super::{error_names, WorkerError};

/// The service's own long poll.
const POLL: Duration = Duration::from_secs(60);

/// Waits (virtual time) for the worker to return, and says when it did.
async fn returned(harness: Harness, bound: Duration) -> Instant {
    let ended = tokio::time::timeout(bound, harness.run).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "the worker did not return cleanly: {ended:?}"
    );
    Instant::now()
}

fn ran_ok(
    result: Result<
        Result<Result<(), WorkerError>, tokio::task::JoinError>,
        tokio::time::error::Elapsed,
    >,
) -> bool {
    matches!(result, Ok(Ok(Ok(()))))
}

#[tokio::test(start_paused = true)]
async fn an_idle_worker_drops_its_parked_polls_at_the_cut_and_returns_before_the_deadline() {
    let harness = start(MockService::new(POLL), |b| {
        b.pollers(3)
            .shutdown_deadline(Duration::from_secs(25))
            .shutdown_report_margin(Duration::from_secs(5))
    });
    harness.wait_for_open_polls(3).await;
    let service = harness.service.clone();
    let handle = harness.handle.clone();
    let asked = Instant::now();
    handle.shutdown();
    let back = returned(harness, Duration::from_secs(120)).await;

    let took = back - asked;
    // Open polls were kept until the cut (20 s), then dropped: the worker
    // did not wait for the service's 60 s.
    assert!(
        took >= Duration::from_secs(20),
        "returned after {took:?}, before the cut"
    );
    assert!(
        took < Duration::from_secs(25),
        "returned after {took:?}, past the deadline"
    );
    assert_eq!(
        service.polls_started.load(Ordering::SeqCst),
        3,
        "a poll started after shutdown"
    );
    assert_eq!(
        service.polls_finished.load(Ordering::SeqCst),
        0,
        "a poll was answered"
    );
    assert_eq!(handle.slots_in_use(), 0, "a slot was leaked");
}

#[tokio::test(start_paused = true)]
async fn a_task_running_at_the_cut_is_failed_with_worker_shutdown_within_the_deadline() {
    let service = MockService::new(POLL);
    service.enqueue("slow", r#"{"sleep": {"ms": 3600000}}"#);
    let harness = start(service, |b| {
        b.shutdown_deadline(Duration::from_secs(10))
            .shutdown_report_margin(Duration::from_secs(3))
    });
    let running = super::runtime_tests::eventually(Duration::from_secs(5), || {
        harness.probe.running.load(Ordering::SeqCst) == 1
    })
    .await;
    assert!(running, "the task never started");
    let service = harness.service.clone();
    let handle = harness.handle.clone();
    let asked = Instant::now();
    handle.shutdown();
    let took = returned(harness, Duration::from_secs(120)).await - asked;

    assert!(
        took >= Duration::from_secs(7) && took < Duration::from_secs(10),
        "{took:?}"
    );
    let Some(Report::Failure(failure)) = service.report_for("slow") else {
        panic!("the slow task was not failed: {:?}", service.reports())
    };
    assert_eq!(failure.error(), error_names::SHUTDOWN);
    assert_eq!(handle.tasks_in_flight(), 0);
    assert_eq!(handle.slots_in_use(), 0, "a slot was leaked");
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_a_finished_result_whose_report_is_throttled() {
    let service = MockService::new(POLL);
    // At most 1 + 2 + 4 s of jittered backoff: well inside the deadline.
    service.throttled_reports.store(3, Ordering::SeqCst);
    service.enqueue("done", r#"{"echo": {"value": 9}}"#);
    let harness = start(service, |b| b);
    let throttled = super::runtime_tests::eventually(Duration::from_secs(5), || {
        harness.service.report_calls.load(Ordering::SeqCst) >= 1
    })
    .await;
    assert!(throttled, "no report was attempted");
    harness.handle.shutdown();
    let service = harness.service.clone();
    returned(harness, Duration::from_secs(120)).await;

    assert_eq!(
        service.report_for("done"),
        Some(Report::Success("9".into()))
    );
    assert_eq!(service.report_calls.load(Ordering::SeqCst), 4);
}

#[tokio::test(start_paused = true)]
async fn a_second_signal_returns_at_once_and_sends_nothing_more() {
    let service = MockService::new(POLL);
    service.enqueue("slow", r#"{"sleep": {"ms": 3600000}}"#);
    let harness = start(service, |b| b.shutdown_deadline(Duration::from_secs(25)));
    let running = super::runtime_tests::eventually(Duration::from_secs(5), || {
        harness.probe.running.load(Ordering::SeqCst) == 1
    })
    .await;
    assert!(running, "the task never started");
    let service = harness.service.clone();
    harness.handle.shutdown();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let asked = Instant::now();
    harness.handle.shutdown_now();
    let ended = tokio::time::timeout(Duration::from_secs(1), harness.run).await;
    assert!(
        ran_ok(ended),
        "the worker did not return within a second of the second signal"
    );
    assert!(Instant::now() - asked < Duration::from_secs(1));
    assert_eq!(
        service.reports(),
        vec![],
        "a report went out after the second signal"
    );
}

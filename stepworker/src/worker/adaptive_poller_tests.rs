//! The adaptive poller count against [`MockService`]: it grows while polls
//! bring tasks and slots are free, shrinks on empty polls, and keeps to its
//! bounds; a fixed count never moves.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::mock_service::MockService;
use super::runtime_tests::start;

#[tokio::test]
async fn grows_to_the_maximum_under_load_then_shrinks_to_the_minimum_when_idle() {
    // Long enough that every poller is parked before the first empty answer.
    let service = MockService::new(Duration::from_millis(300));
    for i in 0..30 {
        service.enqueue(&format!("t{i}"), r#"{"sleep": {"ms": 10}}"#);
    }
    let harness = start(service, |b| b.concurrency(16).adaptive_pollers(1, 4));
    harness.wait_for_reports(30).await;

    // The queue is drained: every poller started is now parked.
    harness.wait_for_open_polls(4).await;
    assert_eq!(harness.handle.pollers(), 4);
    // Each parked poll comes back empty and retires its poller, down to one.
    harness.wait_for_open_polls(1).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(harness.service.open_polls(), 1, "went below the minimum");
    assert_eq!(harness.handle.pollers(), 1);

    let service = harness.stop().await;
    assert_eq!(service.max_open_polls.load(Ordering::SeqCst), 4);
    assert_eq!(service.reports().len(), 30);
}

#[tokio::test]
async fn does_not_grow_while_every_slot_is_taken() {
    let service = MockService::new(Duration::from_millis(300));
    for i in 0..10 {
        service.enqueue(&format!("t{i}"), r#"{"sleep": {"ms": 30}}"#);
    }
    // Two slots: once both run a task, another poller would only wait.
    let harness = start(service, |b| b.concurrency(2).adaptive_pollers(1, 4));
    harness.wait_for_reports(10).await;
    let pollers = harness.handle.pollers();
    assert!(
        (1..4).contains(&pollers),
        "{pollers} pollers: grew while no slot was free"
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_fixed_count_keeps_its_polls_open_through_empty_answers() {
    let service = MockService::new(Duration::from_millis(20));
    let harness = start(service, |b| b.pollers(3));
    harness.wait_for_open_polls(3).await;
    // Several rounds of empty answers.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(harness.service.polls_finished.load(Ordering::SeqCst) >= 6);
    assert_eq!(harness.service.open_polls(), 3);
    harness.stop().await;
}

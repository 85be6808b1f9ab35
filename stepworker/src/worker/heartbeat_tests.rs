//! Heartbeats run apart from the handler, on a multi-threaded runtime as in
//! production: a handler that blocks its thread does not silence them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::handler::Report;
use super::mock_service::MockService;
use super::runtime_tests::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_blocking_its_thread_past_the_heartbeat_still_has_heartbeats_sent() {
    let service = MockService::new(Duration::from_millis(50));
    // The test activity declares HeartbeatSeconds of 300 ms (a beat every
    // 80-100 ms); the handler blocks its thread for 1.2 s, four times that.
    service.enqueue("blocking", r#"{"block": {"ms": 1200}}"#);
    let harness = start(service, |b| b.pollers(1));
    harness.wait_for_reports(1).await;
    let service = harness.stop().await;
    assert_eq!(
        service.report_for("blocking"),
        Some(Report::Success("0".into()))
    );
    let beats = service.heartbeats.load(Ordering::SeqCst);
    assert!(
        beats >= 4,
        "only {beats} heartbeats while the handler blocked for 1.2 s"
    );
}

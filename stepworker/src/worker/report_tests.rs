//! Reporting on paused time: a finished result is retried for as long as its
//! task lives on the service, and every way a report ends is told apart.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::handler::Report;
use super::mock_service::MockService;
use super::report::{send_report, ReportLimits, ReportOutcome};
use super::retries::Retries;
use super::runtime_tests::eventually;
use super::task_clock::TaskClock;
use super::{Activity, ActivityContext, TaskFailure, WorkerBuilder};

fn success() -> Report {
    Report::Success("1".into())
}

async fn report_with(
    service: &MockService,
    clock: &TaskClock,
    gone: &CancellationToken,
) -> ReportOutcome {
    let deadline = CancellationToken::new();
    let retries = Retries::standard();
    let limits = ReportLimits {
        retries: &retries,
        clock,
        token_gone: gone,
        shutdown_deadline: &deadline,
    };
    send_report(service, "t".into(), success(), "test", limits).await
}

#[tokio::test(start_paused = true)]
async fn a_lost_answer_then_a_gone_token_is_maybe_delivered_not_cancelled() {
    let service = MockService::new(Duration::from_secs(1));
    service.lost_report_answers.store(1, Ordering::SeqCst);
    let clock = TaskClock::start(Some(Duration::from_secs(10)), None);
    let outcome = report_with(&service, &clock, &CancellationToken::new()).await;
    assert_eq!(outcome, ReportOutcome::MaybeDelivered);
    assert_eq!(service.report_calls.load(Ordering::SeqCst), 2);
    assert_eq!(service.reports().len(), 1, "recorded twice");
}

#[tokio::test(start_paused = true)]
async fn a_gone_token_without_a_lost_answer_is_token_gone() {
    let service = MockService::new(Duration::from_secs(1));
    service.throttled_reports.store(100, Ordering::SeqCst);
    let clock = TaskClock::start(Some(Duration::from_secs(600)), None);
    let gone = CancellationToken::new();
    let heartbeat_news = async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        gone.cancel();
    };
    let (outcome, ()) = tokio::join!(report_with(&service, &clock, &gone), heartbeat_news);
    assert_eq!(outcome, ReportOutcome::TokenGone);
    assert!(service.reports().is_empty());
}

#[tokio::test(start_paused = true)]
async fn reports_are_retried_until_the_task_timeout_and_no_longer() {
    let service = MockService::new(Duration::from_secs(1));
    service
        .throttled_reports
        .store(usize::MAX, Ordering::SeqCst);
    let clock = TaskClock::start(None, Some(Duration::from_secs(300)));
    let started = Instant::now();
    let outcome = report_with(&service, &clock, &CancellationToken::new()).await;
    assert_eq!(outcome, ReportOutcome::GivenUp);
    let took = started.elapsed();
    // Backoff reaches 20 s, so the last attempt comes within 20 s of the end.
    assert!(
        took <= Duration::from_secs(300),
        "retried past the task's timeout: {took:?}"
    );
    assert!(took >= Duration::from_secs(280), "gave up early: {took:?}");
    assert!(service.report_calls.load(Ordering::SeqCst) > 10);
}

#[tokio::test(start_paused = true)]
async fn a_refused_report_is_not_retried() {
    let service = MockService::new(Duration::from_secs(1));
    service
        .gone_tokens
        .lock()
        .map(|mut g| g.push("x".into()))
        .ok();
    let clock = TaskClock::start(Some(Duration::from_secs(10)), None);
    // TaskTimedOut on the first attempt: nothing was sent before.
    service
        .reports
        .lock()
        .map(|mut r| r.push(("t".into(), success())))
        .ok();
    let outcome = report_with(&service, &clock, &CancellationToken::new()).await;
    assert_eq!(outcome, ReportOutcome::TokenGone);
    assert_eq!(service.report_calls.load(Ordering::SeqCst), 1);
}

/// Declares the heartbeat and timeout of the example.
struct TenSecondHeartbeat;

impl Activity for TenSecondHeartbeat {
    const NAME: &'static str = "ten-second-heartbeat";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(10));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(600));
    type Input = ();
    type Output = u8;
    type Error = TaskFailure;

    async fn run(&self, (): (), _: ActivityContext) -> Result<u8, TaskFailure> {
        Ok(7)
    }
}

#[tokio::test(start_paused = true)]
async fn a_report_throttled_for_two_minutes_is_delivered_and_its_heartbeats_go_on() {
    let service = Arc::new(MockService::new(Duration::from_secs(60)));
    let throttled_until = Instant::now() + Duration::from_secs(120);
    *service.throttle_reports_until.lock().expect("lock") = Some(throttled_until);
    service.enqueue("t", "null");
    let worker = WorkerBuilder::with_service(service.clone())
        .activity(TenSecondHeartbeat)
        .build();
    let handle = worker.handle();
    let run = tokio::spawn(worker.run());
    let delivered = eventually(Duration::from_secs(400), || !service.reports().is_empty()).await;
    assert!(delivered, "the result was never delivered");
    assert_eq!(
        service.reports(),
        vec![("t".to_owned(), Report::Success("7".into()))]
    );
    assert!(Instant::now() >= throttled_until);

    // The service never went 10 s without hearing from the task.
    let mut beats = service.heartbeat_times.lock().expect("lock").clone();
    beats.retain(|at| *at <= throttled_until);
    assert!(beats.len() >= 12, "{} heartbeats in 120 s", beats.len());
    let gaps = beats.windows(2).map(|pair| pair[1] - pair[0]);
    assert!(
        gaps.clone().all(|gap| gap < Duration::from_secs(10)),
        "{:?}",
        gaps.collect::<Vec<_>>()
    );

    handle.shutdown();
    assert!(matches!(
        tokio::time::timeout(Duration::from_secs(60), run).await,
        Ok(Ok(Ok(())))
    ));
    assert_eq!(handle.slots_in_use(), 0);
}

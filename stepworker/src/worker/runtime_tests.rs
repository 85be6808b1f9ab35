//! The runtime end to end against [`MockService`]: reporting, heartbeats,
//! cancellation, slots and shutdown, with no network.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::handler::Report;
use super::mock_service::MockService;
use super::{
    error_names, Activity, ActivityContext, TaskFailure, Worker, WorkerBuilder, WorkerHandle,
};

/// What a test task does, chosen by its input.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Job {
    Echo {
        value: i64,
    },
    Fail,
    Panic,
    Sleep {
        ms: u64,
    },
    /// Blocks its thread, as a handler calling blocking code would.
    Block {
        ms: u64,
    },
    SpanName,
    AwaitCancel,
}

#[derive(Default)]
pub(super) struct Probe {
    pub(super) running: AtomicUsize,
    max_running: AtomicUsize,
    pub(super) saw_cancel: AtomicBool,
}

struct TestActivity {
    probe: Arc<Probe>,
}

impl Activity for TestActivity {
    const NAME: &'static str = "test";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_millis(300));
    const TIMEOUT: Option<Duration> = None;
    type Input = Job;
    type Output = i64;
    type Error = TaskFailure;

    async fn run(&self, job: Job, ctx: ActivityContext) -> Result<i64, TaskFailure> {
        let running = self.probe.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.probe.max_running.fetch_max(running, Ordering::SeqCst);
        let result = match job {
            Job::Echo { value } => Ok(value),
            Job::Fail => Err(TaskFailure::new("Test.Failed", "as asked")),
            Job::Panic => panic!("handler exploded"),
            Job::Sleep { ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(0)
            }
            Job::Block { ms } => {
                std::thread::sleep(Duration::from_millis(ms));
                Ok(0)
            }
            // Which span the handler's context hands out, and whether it
            // declares the fields a handler may fill in.
            Job::SpanName => {
                let span = ctx.span().metadata();
                let declared = ["execution_arn", "state", "attempt"]
                    .iter()
                    .all(|field| span.is_some_and(|m| m.fields().field(field).is_some()));
                Ok(i64::from(
                    span.is_some_and(|m| m.name() == "activity_task") && declared,
                ))
            }
            Job::AwaitCancel => {
                ctx.cancelled().await;
                self.probe.saw_cancel.store(true, Ordering::SeqCst);
                Ok(-1)
            }
        };
        self.probe.running.fetch_sub(1, Ordering::SeqCst);
        result
    }
}

pub(super) struct Harness {
    pub(super) service: Arc<MockService>,
    pub(super) probe: Arc<Probe>,
    pub(super) handle: WorkerHandle,
    pub(super) run: tokio::task::JoinHandle<Result<(), super::WorkerError>>,
}

/// Checks `done` every 5 ms until it holds; says whether it did `within`.
pub(super) async fn eventually(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    tokio::time::timeout(within, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .is_ok()
}

pub(super) fn start(
    service: MockService,
    configure: impl FnOnce(WorkerBuilder) -> WorkerBuilder,
) -> Harness {
    let service = Arc::new(service);
    let probe = Arc::new(Probe::default());
    let builder = WorkerBuilder::with_service(service.clone())
        .activity(TestActivity {
            probe: probe.clone(),
        })
        .worker_name("unit-test");
    let worker: Worker = configure(builder).build();
    let handle = worker.handle();
    let run = tokio::spawn(worker.run());
    Harness {
        service,
        probe,
        handle,
        run,
    }
}

impl Harness {
    pub(super) async fn wait_for_reports(&self, count: usize) {
        let arrived = eventually(Duration::from_secs(5), || {
            self.service.reports().len() >= count
        })
        .await;
        assert!(
            arrived,
            "only {} of {count} reports arrived",
            self.service.reports().len()
        );
    }

    /// Waits until the service has `expected` polls open, up to 5 s.
    pub(super) async fn wait_for_open_polls(&self, expected: usize) {
        let reached = eventually(Duration::from_secs(5), || {
            self.service.open_polls() == expected
        })
        .await;
        assert!(
            reached,
            "{} polls open, expected {expected}",
            self.service.open_polls()
        );
    }

    pub(super) async fn stop(self) -> Arc<MockService> {
        self.handle.shutdown();
        let ended = tokio::time::timeout(Duration::from_secs(5), self.run).await;
        assert!(
            matches!(ended, Ok(Ok(Ok(())))),
            "the worker did not stop cleanly"
        );
        self.service
    }
}

fn quick_polls() -> MockService {
    MockService::new(Duration::from_millis(50))
}

#[tokio::test]
async fn reports_success_failure_panic_and_bad_input_once_each() {
    let service = quick_polls();
    service.enqueue("ok", r#"{"echo": {"value": 42}}"#);
    service.enqueue("err", r#""fail""#);
    service.enqueue("panic", r#""panic""#);
    service.enqueue("bad", r#"{"echo": {"value": "x"}}"#);
    let harness = start(service, |b| b);
    harness.wait_for_reports(4).await;
    // The worker lives on after the panic: it still takes new work.
    harness
        .service
        .enqueue("after", r#"{"echo": {"value": 7}}"#);
    harness.wait_for_reports(5).await;
    let service = harness.stop().await;

    assert_eq!(service.report_for("ok"), Some(Report::Success("42".into())));
    assert_eq!(
        service.report_for("err"),
        Some(Report::Failure(TaskFailure::new("Test.Failed", "as asked")))
    );
    assert_eq!(
        service.report_for("after"),
        Some(Report::Success("7".into()))
    );
    let Some(Report::Failure(panic)) = service.report_for("panic") else {
        panic!("no panic failure")
    };
    assert_eq!(panic.error(), error_names::PANIC);
    assert!(
        panic.cause().contains("handler exploded"),
        "{}",
        panic.cause()
    );
    let Some(Report::Failure(bad)) = service.report_for("bad") else {
        panic!("no input failure")
    };
    assert_eq!(bad.error(), error_names::INVALID_INPUT);
    assert!(bad.cause().contains("`echo.value`"), "{}", bad.cause());
    assert_eq!(service.reports().len(), 5, "a token was reported twice");
}

#[tokio::test]
async fn retries_a_throttled_report_until_it_is_accepted() {
    let service = quick_polls();
    service.throttled_reports.store(2, Ordering::SeqCst);
    service.enqueue("t", r#"{"echo": {"value": 1}}"#);
    let harness = start(service, |b| b);
    harness.wait_for_reports(1).await;
    let service = harness.stop().await;
    assert_eq!(service.report_calls.load(Ordering::SeqCst), 3);
    assert_eq!(
        service.reports(),
        vec![("t".to_owned(), Report::Success("1".into()))]
    );
}

#[tokio::test]
async fn a_gone_token_on_heartbeat_cancels_the_handler_and_reports_nothing() {
    let service = quick_polls();
    service
        .gone_tokens
        .lock()
        .map(|mut gone| gone.push("stopped".into()))
        .ok();
    service.enqueue("stopped", r#""await_cancel""#);
    let harness = start(service, |b| b);
    // HEARTBEAT is 300 ms, so the first heartbeat goes out within 100 ms.
    let cancelled = eventually(Duration::from_secs(2), || {
        harness.probe.saw_cancel.load(Ordering::SeqCst)
    })
    .await;
    assert!(cancelled, "ctx.cancelled() never fired");
    let service = harness.stop().await;
    assert!(service.heartbeats.load(Ordering::SeqCst) >= 1);
    assert_eq!(service.reports(), vec![], "a cancelled task was reported");
}

#[tokio::test]
async fn heartbeats_keep_a_long_task_alive() {
    let service = quick_polls();
    service.enqueue("long", r#"{"sleep": {"ms": 400}}"#);
    let harness = start(service, |b| b);
    harness.wait_for_reports(1).await;
    let service = harness.stop().await;
    // 400 ms at one heartbeat per 80-100 ms.
    let beats = service.heartbeats.load(Ordering::SeqCst);
    assert!((3..=6).contains(&beats), "{beats} heartbeats");
    assert_eq!(
        service.report_for("long"),
        Some(Report::Success("0".into()))
    );
}

#[tokio::test]
async fn a_throttled_heartbeat_is_retried_at_the_pace_and_never_fails_the_task() {
    let service = quick_polls();
    // The first heartbeat is refused. From then on every heartbeat waits
    // for the worker's pace, which starts from the slowest rate (0.5/s: the
    // worker had sent nothing before the throttle) and grows back, so the
    // task runs long enough for a paced retry to be accepted.
    service.throttled_heartbeats.store(1, Ordering::SeqCst);
    service.enqueue("long", r#"{"sleep": {"ms": 4000}}"#);
    let harness = start(service, |b| b);
    harness.wait_for_reports(1).await;
    let service = harness.stop().await;
    assert_eq!(service.throttled_heartbeats.load(Ordering::SeqCst), 0);
    let beats = service.heartbeats.load(Ordering::SeqCst);
    // Unpaced, a 4 s task with a 100 ms interval heartbeats ~40 times.
    assert!((1..=12).contains(&beats), "{beats} heartbeats accepted");
    assert_eq!(
        service.report_for("long"),
        Some(Report::Success("0".into()))
    );
}

/// Asks for heartbeats itself: once after a pause, then twice at once.
struct Beating;

impl Activity for Beating {
    const NAME: &'static str = "beating";
    // A 1 s timer interval and a 333 ms throttle window.
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(3));
    const TIMEOUT: Option<Duration> = None;
    type Input = ();
    type Output = ();
    type Error = TaskFailure;

    async fn run(&self, (): (), ctx: ActivityContext) -> Result<(), TaskFailure> {
        tokio::time::sleep(Duration::from_millis(400)).await;
        ctx.heartbeat();
        tokio::time::sleep(Duration::from_millis(50)).await;
        ctx.heartbeat();
        ctx.heartbeat();
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(())
    }
}

#[tokio::test]
async fn handler_heartbeats_are_sent_early_but_throttled() {
    let service = Arc::new(quick_polls());
    service.enqueue("beats", "null");
    let worker = WorkerBuilder::with_service(service.clone())
        .activity(Beating)
        .build();
    let handle = worker.handle();
    let run = tokio::spawn(worker.run());
    let reported = eventually(Duration::from_secs(5), || !service.reports().is_empty()).await;
    assert!(reported, "the task was not reported");
    handle.shutdown();
    assert!(matches!(
        tokio::time::timeout(Duration::from_secs(5), run).await,
        Ok(Ok(Ok(())))
    ));
    // The first request goes out (400 ms after the poll, past the window);
    // the next two fall inside the window; the 1 s timer never fires.
    assert_eq!(service.heartbeats.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn never_runs_more_tasks_than_slots() {
    let service = quick_polls();
    for i in 0..12 {
        service.enqueue(&format!("t{i}"), r#"{"sleep": {"ms": 20}}"#);
    }
    let harness = start(service, |b| b.concurrency(3).pollers(5));
    harness.wait_for_reports(12).await;
    let probe = harness.probe.clone();
    harness.stop().await;
    assert_eq!(probe.max_running.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn shutdown_waits_for_an_open_poll_and_runs_what_it_brings() {
    let service = MockService::new(Duration::from_millis(400));
    let harness = start(service, |b| b.concurrency(1).pollers(1));
    // Let the one poll open, then shut down while it is parked.
    harness.wait_for_open_polls(1).await;
    assert_eq!(harness.service.polls_started.load(Ordering::SeqCst), 1);
    harness.handle.shutdown();
    tokio::time::sleep(Duration::from_millis(50)).await;
    harness.service.enqueue("late", r#"{"echo": {"value": 5}}"#);
    let service = harness.stop().await;
    assert_eq!(
        service.polls_started.load(Ordering::SeqCst),
        1,
        "a poll started after shutdown"
    );
    assert_eq!(
        service.polls_finished.load(Ordering::SeqCst),
        1,
        "the open poll was cut"
    );
    assert_eq!(
        service.report_for("late"),
        Some(Report::Success("5".into()))
    );
}

#[tokio::test]
async fn tasks_still_running_after_the_grace_period_fail_with_worker_shutdown() {
    let service = quick_polls();
    service.enqueue("slow", r#"{"sleep": {"ms": 10000}}"#);
    service.enqueue("fast", r#"{"sleep": {"ms": 10}}"#);
    let harness = start(service, |b| {
        b.shutdown_deadline(Duration::from_millis(400))
            .shutdown_report_margin(Duration::from_millis(200))
    });
    // "slow" was handed out first, so once "fast" is reported both have run.
    harness.wait_for_reports(1).await;
    let started = tokio::time::Instant::now();
    let service = harness.stop().await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        service.report_for("fast"),
        Some(Report::Success("0".into()))
    );
    let Some(Report::Failure(failure)) = service.report_for("slow") else {
        panic!("slow task not failed")
    };
    assert_eq!(failure.error(), error_names::SHUTDOWN);
}

#[tokio::test]
async fn refuses_to_run_without_activities_or_with_duplicates() {
    let none = WorkerBuilder::with_service(Arc::new(quick_polls()))
        .build()
        .run()
        .await;
    assert!(matches!(none, Err(super::WorkerError::NoActivities)));
    let probe = Arc::new(Probe::default());
    let twice = WorkerBuilder::with_service(Arc::new(quick_polls()))
        .activity(TestActivity {
            probe: probe.clone(),
        })
        .activity(TestActivity { probe })
        .build()
        .run()
        .await;
    assert!(matches!(
        twice,
        Err(super::WorkerError::DuplicateActivity(name)) if name == "test"
    ));
}

#[tokio::test]
async fn the_handler_context_carries_the_task_span_with_its_empty_fields() {
    let service = quick_polls();
    service.enqueue("span", r#""span_name""#);
    let harness = start(service, |b| b);
    harness.wait_for_reports(1).await;
    let service = harness.stop().await;
    assert_eq!(
        service.report_for("span"),
        Some(Report::Success("1".into()))
    );
}

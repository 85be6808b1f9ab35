//! Two tasks of one worker run through the real `run_task` at once, racing
//! their handlers, heartbeats (one may be told its task timed out), report
//! attempts (lost answers, 503s) and a shutdown whose cut and deadline come
//! at any step. Checked for every schedule:
//!
//! - a result is accepted at most once per token;
//! - a finished result is never silently lost: unless the service timed the
//!   task out or the shutdown deadline came, the service accepted a report
//!   for it: the handler's output, or `Worker.Shutdown` when the cut came
//!   first (and `Worker.Shutdown` only if there was a cut);
//! - the outcome the worker records matches what the service did (delivered
//!   only if accepted; accepted is never "token gone" or "given up" unless
//!   the deadline cut the retries short);
//! - a report in flight keeps its heartbeats (see [`super::service`]);
//! - no heartbeat arrives after the worker ended the task;
//! - both slots are free again after every schedule.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use shuttle::rand::Rng;

use super::explore::explore;
use super::service::{ModelService, Reply};
use crate::worker::error_names;
use crate::worker::handler::Report;
use crate::worker::report::ReportOutcome;
use crate::worker::service::{PolledTask, TaskService};
use crate::worker::task::run_task;
use crate::worker::{Activity, ActivityContext, TaskFailure, Worker, WorkerBuilder};

/// Works a number of scheduling steps given as its input, unless cancelled.
pub(super) struct Steps;

impl Activity for Steps {
    const NAME: &'static str = "steps";
    // No heartbeat hint and a day's timeout: the worker's own idea of the
    // task's deadline never ends a report in a model run (the run's clock
    // moves by a heartbeat interval at most each time a timer fires), so a
    // given-up report can only come from the shutdown deadline.
    const HEARTBEAT: Option<Duration> = None;
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(24 * 3600));
    type Input = u32;
    type Output = u32;
    type Error = TaskFailure;

    async fn run(&self, steps: u32, ctx: ActivityContext) -> Result<u32, TaskFailure> {
        let work = async {
            for _ in 0..steps {
                shuttle::future::yield_now().await;
            }
            steps
        };
        tokio::select! {
            done = work => Ok(done),
            () = ctx.cancelled() => Err(TaskFailure::new("Cancelled", "the token is gone")),
        }
    }
}

/// What the shutdown did during a run.
#[derive(Default)]
pub(super) struct ShutdownSeen {
    pub(super) cut: AtomicBool,
    pub(super) deadline: AtomicBool,
}

pub(super) fn random_answers(rng: &mut impl Rng) -> Vec<Reply> {
    (0..rng.gen_range(0..3))
        .map(|_| match rng.gen_range(0..3) {
            0 => Reply::AcceptLosingAnswer,
            1 => Reply::Unavailable,
            _ => Reply::Accept,
        })
        .collect()
}

fn two_tasks_and_a_shutdown() {
    shuttle::future::block_on(async {
        let mut rng = shuttle::rand::thread_rng();
        let service = Arc::new(ModelService::default());
        let worker: Worker =
            WorkerBuilder::with_service(Arc::clone(&service) as Arc<dyn TaskService>)
                .activity(Steps)
                .concurrency(2)
                .build();
        let runtime = Arc::clone(&worker.runtime);
        let activity = Arc::clone(&worker.activities[0]);
        let activity_slots = Arc::clone(&runtime.activity_slots[0]);

        let mut runs = Vec::new();
        for token in ["a", "b"] {
            let times_out_at = rng.gen_bool(0.25).then(|| rng.gen_range(1..3));
            service.task(token, random_answers(&mut rng), times_out_at);
            let slot = runtime.slots.acquire("steps", &activity_slots).await;
            let task = PolledTask {
                token: token.to_owned(),
                input: rng.gen_range(0..4u32).to_string(),
            };
            let (runtime, activity, service) = (
                Arc::clone(&runtime),
                Arc::clone(&activity),
                Arc::clone(&service),
            );
            runs.push(shuttle::future::spawn(async move {
                let outcome = run_task(runtime, activity, task, slot).await;
                service.ended(token);
                outcome
            }));
        }

        // The shutdown: none, or its cut and deadline after some steps each.
        let seen = Arc::new(ShutdownSeen::default());
        let shutdown = if rng.gen_bool(0.5) {
            let (cut_after, deadline_after) = (rng.gen_range(0..6), rng.gen_range(0..12));
            let (runtime, seen) = (Arc::clone(&runtime), Arc::clone(&seen));
            Some(shuttle::future::spawn(async move {
                runtime.shutdown.requested.cancel();
                for _ in 0..cut_after {
                    shuttle::future::yield_now().await;
                }
                seen.cut.store(true, Ordering::SeqCst);
                runtime.shutdown.cut.cancel();
                for _ in 0..deadline_after {
                    shuttle::future::yield_now().await;
                }
                seen.deadline.store(true, Ordering::SeqCst);
                runtime.shutdown.deadline.cancel();
            }))
        } else {
            None
        };

        let mut outcomes = Vec::new();
        for run in runs {
            outcomes.push(run.await.expect("a task run is never aborted"));
        }
        if let Some(shutdown) = shutdown {
            shutdown.await.expect("the shutdown driver ends");
        }
        // Give aborted heartbeat tasks every chance to (wrongly) run again.
        for _ in 0..4 {
            shuttle::future::yield_now().await;
        }

        for (token, outcome) in ["a", "b"].into_iter().zip(outcomes) {
            service.ledger(token, |ledger| {
                check_task(token, outcome, ledger, &seen);
            });
        }
        assert!(
            !activity_slots.reserved_in_use() && runtime.slots.available() == 1,
            "a slot was leaked"
        );
    });
}

pub(super) fn check_task(
    token: &str,
    outcome: Option<ReportOutcome>,
    ledger: &super::service::TokenLedger,
    seen: &ShutdownSeen,
) {
    let deadline = seen.deadline.load(Ordering::SeqCst);
    let timed_out = ledger
        .times_out_at_heartbeat
        .is_some_and(|at| ledger.heartbeats >= at)
        && ledger.accepted.is_empty();
    assert!(
        ledger.accepted.len() <= 1,
        "{token}: {} reports accepted",
        ledger.accepted.len()
    );
    assert_eq!(
        ledger.heartbeats_after_end, 0,
        "{token}: heartbeats after the task ended"
    );
    match ledger.accepted.first() {
        Some(Report::Success(output)) => assert!(output.parse::<u32>().is_ok(), "{token}: {output}"),
        Some(Report::Failure(failure)) => {
            assert_eq!(failure.error(), error_names::SHUTDOWN, "{token}");
            assert!(
                seen.cut.load(Ordering::SeqCst),
                "{token}: failed with Worker.Shutdown without a cut"
            );
        }
        None => assert!(
            timed_out || deadline,
            "{token}: the result was lost (outcome {outcome:?}) with no timeout and no shutdown deadline"
        ),
    }
    let accepted = !ledger.accepted.is_empty();
    match outcome {
        Some(ReportOutcome::Delivered) => assert!(accepted, "{token}: delivered, not accepted"),
        Some(ReportOutcome::TokenGone) | None => {
            assert!(!accepted, "{token}: accepted, but recorded {outcome:?}");
        }
        Some(ReportOutcome::GivenUp) => assert!(deadline, "{token}: given up without a deadline"),
        Some(ReportOutcome::MaybeDelivered) => {}
        Some(ReportOutcome::Refused) => panic!("{token}: refused, but the model never refuses"),
    }
}

#[test]
fn two_tasks_racing_their_heartbeats_reports_and_a_shutdown_hand_off_correctly() {
    explore("worker task hand-offs", two_tasks_and_a_shutdown);
}

//! A whole worker under shuttle: `Worker::run_until` registers its activity,
//! runs two pollers over two slots, hands three queued tasks to its tasks,
//! and shuts down when a signal comes at a random step, through its cut and
//! deadline (which fire at random steps too). Checked for every schedule:
//!
//! - a result is accepted at most once per token;
//! - every task a poll handed out ends reported: the handler's output, or
//!   `Worker.Shutdown` (only after a cut), unless the service timed it out
//!   or the shutdown deadline came;
//! - once the worker's pollers and tasks are done, every slot is free.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use shuttle::rand::Rng;

use super::explore::explore;
use super::service::ModelService;
use super::task_races::{random_answers, ShutdownSeen, Steps};
use crate::worker::error_names;
use crate::worker::handler::Report;
use crate::worker::service::TaskService;
use crate::worker::{Worker, WorkerBuilder};

const TOKENS: [&str; 3] = ["t0", "t1", "t2"];

fn a_worker_polling_then_shutting_down() {
    shuttle::future::block_on(async {
        let mut rng = shuttle::rand::thread_rng();
        let service = Arc::new(ModelService::default());
        for token in TOKENS {
            let times_out_at = rng.gen_bool(0.2).then(|| rng.gen_range(1..3));
            service.task(token, random_answers(&mut rng), times_out_at);
            service.enqueue(token, &rng.gen_range(0..4u32).to_string());
        }
        let worker: Worker =
            WorkerBuilder::with_service(Arc::clone(&service) as Arc<dyn TaskService>)
                .activity(Steps)
                .concurrency(2)
                .pollers(2)
                .build();
        let runtime = Arc::clone(&worker.runtime);
        let signal_after = rng.gen_range(0..24);
        let signal = async move {
            for _ in 0..signal_after {
                shuttle::future::yield_now().await;
            }
        };
        worker.run_until(signal).await.expect("the worker runs");
        // `run_until` may return at the deadline with tasks still winding
        // down; the slots are counted once they are all done.
        runtime.pollers.wait().await;
        runtime.tasks.wait().await;

        let seen = ShutdownSeen::default();
        seen.cut
            .store(runtime.shutdown.cut.is_cancelled(), Ordering::SeqCst);
        seen.deadline
            .store(runtime.shutdown.deadline.is_cancelled(), Ordering::SeqCst);
        for token in TOKENS {
            service.ledger(token, |ledger| {
                assert!(
                    ledger.accepted.len() <= 1,
                    "{token}: {} reports accepted",
                    ledger.accepted.len()
                );
                if !ledger.handed_out {
                    return;
                }
                let timed_out = ledger
                    .times_out_at_heartbeat
                    .is_some_and(|at| ledger.heartbeats >= at);
                match ledger.accepted.first() {
                    Some(Report::Success(_)) => {}
                    Some(Report::Failure(failure)) => {
                        assert_eq!(failure.error(), error_names::SHUTDOWN, "{token}");
                        assert!(seen.cut.load(Ordering::SeqCst), "{token}: no cut");
                    }
                    None => assert!(
                        timed_out || seen.deadline.load(Ordering::SeqCst),
                        "{token}: handed out, never reported, no timeout, no deadline"
                    ),
                }
            });
        }
        assert_eq!(runtime.slots.available(), 1, "a shared slot was leaked");
        assert!(
            !runtime.activity_slots[0].reserved_in_use(),
            "the activity's own slot was leaked"
        );
    });
}

#[test]
fn a_worker_polling_running_and_shutting_down_loses_nothing_and_leaks_no_slot() {
    explore(
        "worker run and shutdown",
        a_worker_polling_then_shutting_down,
    );
}

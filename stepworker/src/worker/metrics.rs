//! Counters through the `metrics` facade (feature `metrics`); without the
//! feature every function here compiles to nothing.
//!
//! Every series carries an `activity` label.

#[cfg(feature = "metrics")]
mod enabled {
    use std::time::Duration;

    fn count(name: &'static str, activity: &'static str) {
        metrics::counter!(name, "activity" => activity).increment(1);
    }

    pub(crate) fn poll(activity: &'static str) {
        count("stepworker_polls_total", activity);
    }

    pub(crate) fn empty_poll(activity: &'static str) {
        count("stepworker_empty_polls_total", activity);
    }

    pub(crate) fn task_started(activity: &'static str) {
        count("stepworker_tasks_started_total", activity);
    }

    pub(crate) fn task_succeeded(activity: &'static str) {
        count("stepworker_tasks_succeeded_total", activity);
    }

    pub(crate) fn task_failed(activity: &'static str) {
        count("stepworker_tasks_failed_total", activity);
    }

    pub(crate) fn task_cancelled(activity: &'static str) {
        count("stepworker_tasks_cancelled_total", activity);
    }

    pub(crate) fn heartbeat_failure(activity: &'static str) {
        count("stepworker_heartbeat_failures_total", activity);
    }

    pub(crate) fn pollers(activity: &'static str, running: usize) {
        metrics::gauge!("stepworker_pollers", "activity" => activity).set(running as f64);
    }

    pub(crate) fn slot_wait(activity: &'static str, waited: Duration) {
        metrics::histogram!("stepworker_slot_wait_seconds", "activity" => activity)
            .record(waited.as_secs_f64());
    }
}

#[cfg(feature = "metrics")]
pub(crate) use enabled::*;

#[cfg(not(feature = "metrics"))]
mod disabled {
    use std::time::Duration;

    pub(crate) fn poll(_: &'static str) {}
    pub(crate) fn empty_poll(_: &'static str) {}
    pub(crate) fn task_started(_: &'static str) {}
    pub(crate) fn task_succeeded(_: &'static str) {}
    pub(crate) fn task_failed(_: &'static str) {}
    pub(crate) fn task_cancelled(_: &'static str) {}
    pub(crate) fn heartbeat_failure(_: &'static str) {}
    pub(crate) fn pollers(_: &'static str, _: usize) {}
    pub(crate) fn slot_wait(_: &'static str, _: Duration) {}
}

#[cfg(not(feature = "metrics"))]
pub(crate) use disabled::*;

//! Series through the `metrics` facade (feature `metrics`); without the
//! feature every function here compiles to nothing.
//!
//! Every series carries an `activity` label, except the API call series,
//! which carry `operation` (and `code` for errors).
//!
//! | series | kind | labels |
//! |---|---|---|
//! | `stepworker_polls_total` | counter | activity |
//! | `stepworker_empty_polls_total` | counter | activity |
//! | `stepworker_polls_cancelled_total` | counter | activity |
//! | `stepworker_tasks_started_total` | counter | activity |
//! | `stepworker_tasks_succeeded_total` | counter | activity |
//! | `stepworker_tasks_failed_total` | counter | activity |
//! | `stepworker_tasks_cancelled_total` | counter | activity |
//! | `stepworker_reports_given_up_total` | counter | activity |
//! | `stepworker_reports_maybe_delivered_total` | counter | activity |
//! | `stepworker_heartbeat_failures_total` | counter | activity |
//! | `stepworker_api_calls_total` | counter | operation |
//! | `stepworker_api_errors_total` | counter | operation, code |
//! | `stepworker_throttles_total` | counter | operation |
//! | `stepworker_tasks_in_flight` | gauge | activity |
//! | `stepworker_pollers` | gauge | activity |
//! | `stepworker_task_duration_seconds` | histogram | activity |
//! | `stepworker_slot_wait_seconds` | histogram | activity |

#[cfg(feature = "metrics")]
mod enabled {
    use std::time::Duration;

    use crate::client::Error;

    fn count(name: &'static str, activity: &str) {
        metrics::counter!(name, "activity" => activity.to_owned()).increment(1);
    }

    pub(crate) fn poll(activity: &str) {
        count("stepworker_polls_total", activity);
    }

    pub(crate) fn empty_poll(activity: &str) {
        count("stepworker_empty_polls_total", activity);
    }

    pub(crate) fn poll_cancelled(activity: &str) {
        count("stepworker_polls_cancelled_total", activity);
    }

    pub(crate) fn task_started(activity: &str) {
        count("stepworker_tasks_started_total", activity);
    }

    pub(crate) fn task_succeeded(activity: &str) {
        count("stepworker_tasks_succeeded_total", activity);
    }

    pub(crate) fn task_failed(activity: &str) {
        count("stepworker_tasks_failed_total", activity);
    }

    pub(crate) fn task_cancelled(activity: &str) {
        count("stepworker_tasks_cancelled_total", activity);
    }

    pub(crate) fn report_given_up(activity: &str) {
        count("stepworker_reports_given_up_total", activity);
    }

    pub(crate) fn report_maybe_delivered(activity: &str) {
        count("stepworker_reports_maybe_delivered_total", activity);
    }

    pub(crate) fn heartbeat_failure(activity: &str) {
        count("stepworker_heartbeat_failures_total", activity);
    }

    /// One call of `operation`, whatever its answer.
    pub(crate) fn api_call(operation: &'static str) {
        metrics::counter!("stepworker_api_calls_total", "operation" => operation).increment(1);
    }

    /// One failed call of `operation`, by the service's error name (or the
    /// kind of failure when the service gave none).
    pub(crate) fn api_error(operation: &'static str, error: &Error) {
        let code = match error.code() {
            Some(code) => code.as_str().to_owned(),
            None => super::failure_kind(error).to_owned(),
        };
        metrics::counter!("stepworker_api_errors_total", "operation" => operation, "code" => code)
            .increment(1);
        if error.is_throttling() {
            metrics::counter!("stepworker_throttles_total", "operation" => operation).increment(1);
        }
    }

    pub(crate) fn pollers(activity: &str, running: usize) {
        metrics::gauge!("stepworker_pollers", "activity" => activity.to_owned())
            .set(running as f64);
    }

    pub(crate) fn task_duration(activity: &str, took: Duration) {
        metrics::histogram!("stepworker_task_duration_seconds", "activity" => activity.to_owned())
            .record(took.as_secs_f64());
    }

    pub(crate) fn slot_wait(activity: &str, waited: Duration) {
        metrics::histogram!("stepworker_slot_wait_seconds", "activity" => activity.to_owned())
            .record(waited.as_secs_f64());
    }

    /// Counts a task in `stepworker_tasks_in_flight` while it lives.
    pub(crate) struct TaskInFlight(metrics::Gauge);

    impl TaskInFlight {
        pub(crate) fn start(activity: &str) -> Self {
            let gauge =
                metrics::gauge!("stepworker_tasks_in_flight", "activity" => activity.to_owned());
            gauge.increment(1.0);
            Self(gauge)
        }
    }

    impl Drop for TaskInFlight {
        fn drop(&mut self) {
            self.0.decrement(1.0);
        }
    }
}

#[cfg(feature = "metrics")]
pub(crate) use enabled::*;

#[cfg(not(feature = "metrics"))]
mod disabled {
    use std::time::Duration;

    use crate::client::Error;

    pub(crate) fn poll(_: &str) {}
    pub(crate) fn empty_poll(_: &str) {}
    pub(crate) fn poll_cancelled(_: &str) {}
    pub(crate) fn task_started(_: &str) {}
    pub(crate) fn task_succeeded(_: &str) {}
    pub(crate) fn task_failed(_: &str) {}
    pub(crate) fn task_cancelled(_: &str) {}
    pub(crate) fn report_given_up(_: &str) {}
    pub(crate) fn report_maybe_delivered(_: &str) {}
    pub(crate) fn heartbeat_failure(_: &str) {}
    pub(crate) fn api_call(_: &'static str) {}
    pub(crate) fn api_error(_: &'static str, _: &Error) {}
    pub(crate) fn pollers(_: &str, _: usize) {}
    pub(crate) fn task_duration(_: &str, _: Duration) {}
    pub(crate) fn slot_wait(_: &str, _: Duration) {}

    pub(crate) struct TaskInFlight;

    impl TaskInFlight {
        pub(crate) fn start(_: &str) -> Self {
            Self
        }
    }
}

#[cfg(not(feature = "metrics"))]
pub(crate) use disabled::*;

/// The `code` label of a failure the service did not name.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
fn failure_kind(error: &crate::client::Error) -> &'static str {
    use crate::client::Error;
    match error {
        Error::Http { .. } => "Http",
        Error::Transport(_) => "Transport",
        Error::Timeout { .. } => "Timeout",
        Error::Credentials { .. } => "Credentials",
        Error::Deserialization { .. } => "Deserialization",
        _ => "Other",
    }
}

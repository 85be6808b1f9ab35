//! What a health check needs to know about a running worker, per activity.
//!
//! Read it with [`WorkerHandle::health`](super::WorkerHandle::health). A
//! worker is unhealthy when one of its activities is not registered or the
//! service refused its last [`REFUSALS_UNHEALTHY`] polls in a row
//! (AccessDenied, an activity deleted, a bad ARN): no retry fixes those, and
//! the worker would otherwise log and retry forever. Throttling, 5xx and
//! network errors do not make it unhealthy: a restart cannot fix them, and
//! restarting a throttled fleet makes the throttling worse.

use std::sync::Mutex;
use std::time::SystemTime;

use crate::client::Error;

/// Refused polls in a row after which an activity is unhealthy.
pub const REFUSALS_UNHEALTHY: u32 = 3;

/// The health of one activity of a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActivityHealth {
    /// The activity name.
    pub name: String,
    /// The ARN its pollers use, once known.
    pub arn: Option<String>,
    /// Whether it was registered (or given by ARN) and is being polled.
    pub registered: bool,
    /// When a poll last returned without error (with a task or empty).
    pub last_successful_poll: Option<SystemTime>,
    /// Failed calls (registration or polls) since the last success.
    pub consecutive_errors: u32,
    /// Of those, the ones the service refused (not throttling, 5xx or
    /// network).
    pub consecutive_refusals: u32,
    /// The last error, as text.
    pub last_error: Option<String>,
}

impl ActivityHealth {
    /// Registered, and its polls are not being refused.
    pub fn is_healthy(&self) -> bool {
        self.registered && self.consecutive_refusals < REFUSALS_UNHEALTHY
    }
}

/// The health of a worker: one entry per activity.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Health {
    /// Each activity, in the order they were added.
    pub activities: Vec<ActivityHealth>,
    /// Whether shutdown has started (the worker takes no new tasks).
    pub shutting_down: bool,
}

impl Health {
    /// Every activity healthy.
    pub fn is_healthy(&self) -> bool {
        self.activities.iter().all(ActivityHealth::is_healthy)
    }
}

/// The live health of one activity, updated by its registration and pollers.
#[derive(Debug)]
pub(crate) struct ActivityHealthCell {
    state: Mutex<ActivityHealth>,
}

impl ActivityHealthCell {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            state: Mutex::new(ActivityHealth {
                name: name.to_owned(),
                arn: None,
                registered: false,
                last_successful_poll: None,
                consecutive_errors: 0,
                consecutive_refusals: 0,
                last_error: None,
            }),
        }
    }

    pub(crate) fn registered(&self, arn: &str) {
        let mut state = self.lock();
        state.arn = Some(arn.to_owned());
        state.registered = true;
        state.consecutive_errors = 0;
        state.consecutive_refusals = 0;
    }

    pub(crate) fn registration_failed(&self, error: &Error) {
        self.failed(error);
    }

    pub(crate) fn poll_succeeded(&self) {
        let mut state = self.lock();
        state.last_successful_poll = Some(SystemTime::now());
        state.consecutive_errors = 0;
        state.consecutive_refusals = 0;
    }

    pub(crate) fn poll_failed(&self, error: &Error) {
        self.failed(error);
    }

    pub(crate) fn snapshot(&self) -> ActivityHealth {
        self.lock().clone()
    }

    fn failed(&self, error: &Error) {
        let mut state = self.lock();
        state.consecutive_errors = state.consecutive_errors.saturating_add(1);
        if error.is_retryable() {
            state.consecutive_refusals = 0;
        } else {
            state.consecutive_refusals = state.consecutive_refusals.saturating_add(1);
        }
        state.last_error = Some(error.to_string());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ActivityHealth> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ServiceError;
    use crate::model::ErrorCode;

    fn error(code: ErrorCode, status: u16) -> Error {
        Error::Service(ServiceError::new(code, None, None, status))
    }

    #[test]
    fn refused_polls_make_an_activity_unhealthy_until_one_succeeds() {
        let cell = ActivityHealthCell::new("a");
        assert!(!cell.snapshot().is_healthy(), "healthy before registration");
        cell.registered("arn:aws:states:us-east-1:123456789012:activity:a");
        assert!(cell.snapshot().is_healthy());
        for _ in 0..REFUSALS_UNHEALTHY {
            cell.poll_failed(&error(ErrorCode::AccessDeniedException, 400));
        }
        let health = cell.snapshot();
        assert!(!health.is_healthy());
        assert_eq!(health.consecutive_errors, REFUSALS_UNHEALTHY);
        cell.poll_succeeded();
        assert!(cell.snapshot().is_healthy());
        assert!(cell.snapshot().last_successful_poll.is_some());
    }

    #[test]
    fn throttling_never_makes_an_activity_unhealthy() {
        let cell = ActivityHealthCell::new("a");
        cell.registered("arn");
        for _ in 0..50 {
            cell.poll_failed(&error(ErrorCode::ThrottlingException, 400));
        }
        assert!(cell.snapshot().is_healthy());
        assert_eq!(cell.snapshot().consecutive_errors, 50);
    }
}

//! An in-memory [`TaskService`] for unit tests of the runtime.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::handler::Report;
use super::service::{Call, PolledTask, TaskService};
use super::TaskFailure;
use crate::client::{Error, ServiceError};
use crate::model::ErrorCode;

/// Hands out queued tasks to long polls and records every call.
pub(crate) struct MockService {
    queue: Mutex<VecDeque<PolledTask>>,
    queued: Notify,
    /// How long a poll waits for a task before answering empty.
    pub(crate) poll_wait: Duration,
    /// Tokens whose heartbeats answer `TaskTimedOut`.
    pub(crate) gone_tokens: Mutex<Vec<String>>,
    /// Heartbeats that answer `ThrottlingException` before one is accepted.
    pub(crate) throttled_heartbeats: AtomicUsize,
    /// Report calls that answer `ThrottlingException` before one is accepted.
    pub(crate) throttled_reports: AtomicUsize,
    /// Reports answer `ThrottlingException` until this moment.
    pub(crate) throttle_reports_until: Mutex<Option<Instant>>,
    /// Reports that are accepted but whose answer is lost (the call fails
    /// with a timeout), as when a connection breaks after the request left.
    pub(crate) lost_report_answers: AtomicUsize,
    /// CreateActivity calls that answer `AccessDeniedException` before one
    /// is accepted.
    pub(crate) refused_creates: AtomicUsize,
    /// CreateActivity calls still to be throttled.
    pub(crate) throttled_creates: AtomicUsize,
    pub(crate) create_calls: AtomicUsize,
    /// Polls that answer `AccessDeniedException` before one is accepted.
    pub(crate) refused_polls: AtomicUsize,
    /// When each heartbeat call came.
    pub(crate) heartbeat_times: Mutex<Vec<Instant>>,
    /// Every accepted report, in order.
    pub(crate) reports: Mutex<Vec<(String, Report)>>,
    pub(crate) report_calls: AtomicUsize,
    pub(crate) heartbeats: AtomicUsize,
    pub(crate) polls_started: AtomicUsize,
    pub(crate) polls_finished: AtomicUsize,
    /// The most polls that were open at once.
    pub(crate) max_open_polls: AtomicUsize,
}

impl MockService {
    pub(crate) fn new(poll_wait: Duration) -> Self {
        Self {
            queue: Mutex::new(VecDeque::new()),
            queued: Notify::new(),
            poll_wait,
            gone_tokens: Mutex::new(Vec::new()),
            throttled_heartbeats: AtomicUsize::new(0),
            throttled_reports: AtomicUsize::new(0),
            throttle_reports_until: Mutex::new(None),
            lost_report_answers: AtomicUsize::new(0),
            heartbeat_times: Mutex::new(Vec::new()),
            refused_creates: AtomicUsize::new(0),
            throttled_creates: AtomicUsize::new(0),
            create_calls: AtomicUsize::new(0),
            refused_polls: AtomicUsize::new(0),
            reports: Mutex::new(Vec::new()),
            report_calls: AtomicUsize::new(0),
            heartbeats: AtomicUsize::new(0),
            polls_started: AtomicUsize::new(0),
            polls_finished: AtomicUsize::new(0),
            max_open_polls: AtomicUsize::new(0),
        }
    }

    pub(crate) fn enqueue(&self, token: &str, input: &str) {
        lock(&self.queue).push_back(PolledTask {
            token: token.to_owned(),
            input: input.to_owned(),
        });
        self.queued.notify_one();
    }

    /// Polls open right now.
    pub(crate) fn open_polls(&self) -> usize {
        let finished = self.polls_finished.load(Ordering::SeqCst);
        self.polls_started.load(Ordering::SeqCst) - finished
    }

    pub(crate) fn reports(&self) -> Vec<(String, Report)> {
        lock(&self.reports).clone()
    }

    pub(crate) fn report_for(&self, token: &str) -> Option<Report> {
        lock(&self.reports)
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, r)| r.clone())
    }

    fn record(&self, token: &str, report: Report) -> Result<(), Error> {
        self.report_calls.fetch_add(1, Ordering::SeqCst);
        let throttle = self
            .throttled_reports
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        let throttled_for_now =
            lock(&self.throttle_reports_until).is_some_and(|until| Instant::now() < until);
        if throttle || throttled_for_now {
            return Err(service_error(ErrorCode::ThrottlingException));
        }
        let mut reports = lock(&self.reports);
        if reports.iter().any(|(t, _)| t == token) {
            // What the service answers for a token already reported.
            return Err(service_error(ErrorCode::TaskTimedOut));
        }
        reports.push((token.to_owned(), report));
        if take_one(&self.lost_report_answers) {
            return Err(Error::Timeout {
                operation: "SendTaskSuccess",
                after: Duration::from_secs(10),
            });
        }
        Ok(())
    }
}

pub(crate) fn service_error(code: ErrorCode) -> Error {
    Error::Service(ServiceError::new(code, None, None, 400))
}

/// Decrements `counter` if it is above zero; says whether it did.
fn take_one(counter: &AtomicUsize) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            left.checked_sub(1)
        })
        .is_ok()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl TaskService for MockService {
    fn create_activity<'a>(&'a self, name: &'a str) -> Call<'a, String> {
        Box::pin(async move {
            self.create_calls.fetch_add(1, Ordering::SeqCst);
            if take_one(&self.refused_creates) {
                return Err(service_error(ErrorCode::AccessDeniedException));
            }
            if take_one(&self.throttled_creates) {
                return Err(service_error(ErrorCode::ThrottlingException));
            }
            Ok(format!(
                "arn:aws:states:us-east-1:123456789012:activity:{name}"
            ))
        })
    }

    fn get_activity_task<'a>(
        &'a self,
        _arn: &'a str,
        _worker: &'a str,
    ) -> Call<'a, Option<PolledTask>> {
        Box::pin(async move {
            if take_one(&self.refused_polls) {
                return Err(service_error(ErrorCode::AccessDeniedException));
            }
            self.polls_started.fetch_add(1, Ordering::SeqCst);
            self.max_open_polls
                .fetch_max(self.open_polls(), Ordering::SeqCst);
            let deadline = tokio::time::Instant::now() + self.poll_wait;
            let task = loop {
                let notified = self.queued.notified();
                if let Some(task) = lock(&self.queue).pop_front() {
                    break Some(task);
                }
                if tokio::time::timeout_at(deadline, notified).await.is_err() {
                    break None;
                }
            };
            self.polls_finished.fetch_add(1, Ordering::SeqCst);
            Ok(task)
        })
    }

    fn send_heartbeat<'a>(&'a self, token: &'a str) -> Call<'a, ()> {
        Box::pin(async move {
            self.heartbeats.fetch_add(1, Ordering::SeqCst);
            lock(&self.heartbeat_times).push(Instant::now());
            let reported = lock(&self.reports).iter().any(|(t, _)| t == token);
            if reported || lock(&self.gone_tokens).iter().any(|t| t == token) {
                return Err(service_error(ErrorCode::TaskTimedOut));
            }
            if take_one(&self.throttled_heartbeats) {
                return Err(service_error(ErrorCode::ThrottlingException));
            }
            Ok(())
        })
    }

    fn send_success<'a>(&'a self, token: &'a str, output: &'a str) -> Call<'a, ()> {
        Box::pin(async move { self.record(token, Report::Success(output.to_owned())) })
    }

    fn send_failure<'a>(&'a self, token: &'a str, failure: &'a TaskFailure) -> Call<'a, ()> {
        Box::pin(async move { self.record(token, Report::Failure(failure.clone())) })
    }
}

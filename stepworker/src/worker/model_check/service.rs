//! The service as the model checks see it: it answers heartbeats and reports
//! as Step Functions does (a closed token is `TaskDoesNotExist`, a token the
//! service timed out is `TaskTimedOut`), fails the report attempts a model
//! chose, and records what it accepted.
//!
//! A report attempt is answered only once a heartbeat of its task arrived
//! while it was in flight (or the token is gone): a worker whose heartbeats
//! stopped during a report leaves the attempt waiting forever, which
//! shuttle reports as a deadlock. That is how "a report in flight keeps its
//! heartbeats" is checked.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use crate::client::{Error, ServiceError};
use crate::model::ErrorCode;
use crate::worker::handler::Report;
use crate::worker::service::{Call, PolledTask, TaskService};
use crate::worker::TaskFailure;

/// How the service answers one report attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reply {
    /// Accepted and answered.
    Accept,
    /// Accepted, but the answer is lost (the connection broke).
    AcceptLosingAnswer,
    /// `ServiceUnavailable`, not acted on.
    Unavailable,
}

/// What the service chose for one task, and what happened to it.
#[derive(Debug, Default)]
pub(super) struct TokenLedger {
    /// Answers of the report attempts, in order; later ones are `Accept`.
    pub(super) answers: Vec<Reply>,
    /// The heartbeat (counting from 1) the service answers `TaskTimedOut`,
    /// having timed the task out.
    pub(super) times_out_at_heartbeat: Option<u32>,
    /// The token no longer opens anything: timed out or reported.
    pub(super) gone: bool,
    /// Reports the service accepted.
    pub(super) accepted: Vec<Report>,
    pub(super) attempts: usize,
    pub(super) heartbeats: u32,
    /// Heartbeats that arrived after the worker had ended the task.
    pub(super) heartbeats_after_end: u32,
    /// The worker's `run_task` returned.
    pub(super) ended: bool,
    /// A poll handed the task out.
    pub(super) handed_out: bool,
}

/// The model's service.
#[derive(Default)]
pub(super) struct ModelService {
    tokens: Mutex<HashMap<String, TokenLedger>>,
    /// Tasks waiting for a poll: (token, input).
    queue: Mutex<VecDeque<(String, String)>>,
    heartbeat_arrived: Notify,
}

impl ModelService {
    /// Adds a task whose reports get `answers`.
    pub(super) fn task(&self, token: &str, answers: Vec<Reply>, times_out_at: Option<u32>) {
        self.lock().insert(
            token.to_owned(),
            TokenLedger {
                answers,
                times_out_at_heartbeat: times_out_at,
                ..TokenLedger::default()
            },
        );
    }

    /// Adds a task to the activity's queue, for a poll to hand out.
    pub(super) fn enqueue(&self, token: &str, input: &str) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back((token.to_owned(), input.to_owned()));
    }

    /// The worker is done with `token`.
    pub(super) fn ended(&self, token: &str) {
        if let Some(ledger) = self.lock().get_mut(token) {
            ledger.ended = true;
        }
    }

    /// Reads the ledger of `token`.
    pub(super) fn ledger<T>(&self, token: &str, read: impl FnOnce(&TokenLedger) -> T) -> T {
        read(&self.lock()[token])
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, TokenLedger>> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn report(&self, token: &str, report: Report) -> Result<(), Error> {
        shuttle::future::yield_now().await;
        let beats_at_start = self.lock()[token].heartbeats;
        loop {
            let arrived = self.heartbeat_arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            {
                let tokens = self.lock();
                let ledger = &tokens[token];
                if ledger.gone || ledger.heartbeats > beats_at_start {
                    break;
                }
            }
            arrived.await;
        }
        let mut tokens = self.lock();
        let ledger = tokens.get_mut(token).expect("a known token");
        if ledger.gone {
            return Err(service_error(ErrorCode::TaskDoesNotExist));
        }
        let answer = ledger
            .answers
            .get(ledger.attempts)
            .copied()
            .unwrap_or(Reply::Accept);
        ledger.attempts += 1;
        match answer {
            Reply::Accept => {
                ledger.gone = true;
                ledger.accepted.push(report);
                Ok(())
            }
            Reply::AcceptLosingAnswer => {
                ledger.gone = true;
                ledger.accepted.push(report);
                Err(Error::Timeout {
                    operation: "SendTaskSuccess",
                    after: Duration::from_secs(10),
                })
            }
            Reply::Unavailable => Err(Error::Service(ServiceError::new(
                ErrorCode::from_name("ServiceUnavailable"),
                None,
                None,
                503,
            ))),
        }
    }
}

fn service_error(code: ErrorCode) -> Error {
    Error::Service(ServiceError::new(code, None, None, 400))
}

impl TaskService for ModelService {
    fn create_activity<'a>(&'a self, name: &'a str) -> Call<'a, String> {
        Box::pin(async move { Ok(format!("arn:aws:states:us-east-1:1:activity:{name}")) })
    }

    /// Hands out the next queued task, or answers empty after a few steps.
    /// The task leaves the queue as the answer is made: a poll dropped
    /// before it answered took nothing.
    fn get_activity_task<'a>(&'a self, _: &'a str, _: &'a str) -> Call<'a, Option<PolledTask>> {
        Box::pin(async move {
            shuttle::future::yield_now().await;
            let next = self
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front();
            Ok(next.map(|(token, input)| {
                if let Some(ledger) = self.lock().get_mut(&token) {
                    ledger.handed_out = true;
                }
                PolledTask { token, input }
            }))
        })
    }

    fn send_heartbeat<'a>(&'a self, token: &'a str) -> Call<'a, ()> {
        Box::pin(async move {
            shuttle::future::yield_now().await;
            let answer = {
                let mut tokens = self.lock();
                let ledger = tokens.get_mut(token).expect("a known token");
                ledger.heartbeats += 1;
                if ledger.ended {
                    ledger.heartbeats_after_end += 1;
                }
                if ledger.times_out_at_heartbeat == Some(ledger.heartbeats) && !ledger.gone {
                    ledger.gone = true;
                    Err(service_error(ErrorCode::TaskTimedOut))
                } else if ledger.gone {
                    Err(service_error(ErrorCode::TaskTimedOut))
                } else {
                    Ok(())
                }
            };
            self.heartbeat_arrived.notify_waiters();
            answer
        })
    }

    fn send_success<'a>(&'a self, token: &'a str, output: &'a str) -> Call<'a, ()> {
        Box::pin(self.report(token, Report::Success(output.to_owned())))
    }

    fn send_failure<'a>(&'a self, token: &'a str, failure: &'a TaskFailure) -> Call<'a, ()> {
        Box::pin(self.report(token, Report::Failure(failure.clone())))
    }
}

//! The five calls the worker makes, behind a trait so the runtime's logic can
//! be unit-tested without a network.
//!
//! Polls, heartbeats and reports go out as single attempts: the worker
//! retries them itself ([`super::retries`]), on the client's retry quota and
//! backoff, so that it sees every attempt (an ambiguous one makes a later
//! "token gone" a "maybe delivered") and can stretch heartbeats instead of
//! repeating them.

use std::future::Future;
use std::pin::Pin;

use crate::client::{Client, Error};
use crate::model::{operations, ErrorCode};

use super::retries::Retries;
use super::{metrics, TaskFailure};

/// A boxed future borrowing the service and the call's arguments.
pub(crate) type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// A task a long poll returned.
pub(crate) struct PolledTask {
    pub(crate) token: String,
    pub(crate) input: String,
}

/// The Step Functions calls of an activity worker.
pub(crate) trait TaskService: Send + Sync + 'static {
    /// CreateActivity (idempotent by name); returns the activity ARN.
    fn create_activity<'a>(&'a self, name: &'a str) -> Call<'a, String>;
    /// GetActivityTask; `None` when the long poll ended without a task.
    fn get_activity_task<'a>(
        &'a self,
        arn: &'a str,
        worker_name: &'a str,
    ) -> Call<'a, Option<PolledTask>>;
    /// SendTaskHeartbeat.
    fn send_heartbeat<'a>(&'a self, token: &'a str) -> Call<'a, ()>;
    /// SendTaskSuccess with serialized JSON output.
    fn send_success<'a>(&'a self, token: &'a str, output: &'a str) -> Call<'a, ()>;
    /// SendTaskFailure.
    fn send_failure<'a>(&'a self, token: &'a str, failure: &'a TaskFailure) -> Call<'a, ()>;
    /// The backoff and retry quota the worker's own retries draw on.
    fn retries(&self) -> Retries {
        Retries::standard()
    }
}

impl TaskService for Client {
    fn retries(&self) -> Retries {
        Retries::of(self)
    }

    fn create_activity<'a>(&'a self, name: &'a str) -> Call<'a, String> {
        Box::pin(async move {
            metrics::api_call("CreateActivity");
            let created = self.create_activity().name(name).send().await?;
            Ok(created.activity_arn)
        })
    }

    fn get_activity_task<'a>(
        &'a self,
        arn: &'a str,
        worker_name: &'a str,
    ) -> Call<'a, Option<PolledTask>> {
        Box::pin(async move {
            metrics::api_call("GetActivityTask");
            let polled = self
                .get_activity_task()
                .activity_arn(arn)
                .worker_name(worker_name)
                .build()?;
            let polled = self
                .invoke_once::<operations::GetActivityTask>(polled)
                .await?;
            // An empty poll answers with no token (or, from some front ends, an
            // empty one); either way there is nothing to run.
            Ok(polled
                .task_token
                .filter(|token| !token.is_empty())
                .map(|token| PolledTask {
                    token,
                    input: polled.input.unwrap_or_else(|| "{}".to_owned()),
                }))
        })
    }

    fn send_heartbeat<'a>(&'a self, token: &'a str) -> Call<'a, ()> {
        Box::pin(async move {
            metrics::api_call("SendTaskHeartbeat");
            let input = self.send_task_heartbeat().task_token(token).build()?;
            self.invoke_once::<operations::SendTaskHeartbeat>(input)
                .await?;
            Ok(())
        })
    }

    fn send_success<'a>(&'a self, token: &'a str, output: &'a str) -> Call<'a, ()> {
        Box::pin(async move {
            metrics::api_call("SendTaskSuccess");
            let input = self
                .send_task_success()
                .task_token(token)
                .output(output)
                .build()?;
            self.invoke_once::<operations::SendTaskSuccess>(input)
                .await?;
            Ok(())
        })
    }

    fn send_failure<'a>(&'a self, token: &'a str, failure: &'a TaskFailure) -> Call<'a, ()> {
        Box::pin(async move {
            metrics::api_call("SendTaskFailure");
            let input = self
                .send_task_failure()
                .task_token(token)
                .error(failure.error())
                .cause(failure.cause())
                .build()?;
            self.invoke_once::<operations::SendTaskFailure>(input)
                .await?;
            Ok(())
        })
    }
}

/// Whether `error` says the task token is no longer valid: the task timed
/// out, its execution ended, or the token was never good. Nothing more can be
/// sent for that token, so the handler is cancelled and nothing is retried.
pub(crate) fn is_token_gone(error: &Error) -> bool {
    matches!(
        error.code(),
        Some(ErrorCode::TaskTimedOut | ErrorCode::TaskDoesNotExist | ErrorCode::InvalidToken)
    )
}

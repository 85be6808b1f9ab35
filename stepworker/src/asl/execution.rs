//! A handle on one execution: describe it, wait for its typed result, read
//! its history, stop it.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::ExecutionError;
use crate::client::{Client, Error as ClientError, ItemStream};
use crate::model::operations::GetExecutionHistory;
use crate::model::{DescribeExecutionOutput, ExecutionStatus};

/// The first delay between status checks in [`Execution::wait`]; it doubles
/// up to [`MAX_POLL_INTERVAL`], so short executions return quickly and long
/// ones cost few `DescribeExecution` calls.
pub const FIRST_POLL_INTERVAL: Duration = Duration::from_millis(25);
/// The longest delay between status checks in [`Execution::wait`].
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// An execution of a state machine.
#[derive(Debug, Clone)]
pub struct Execution {
    client: Client,
    arn: String,
}

impl Execution {
    /// A handle on the execution `arn`.
    pub fn new(client: Client, arn: impl Into<String>) -> Self {
        Self {
            client,
            arn: arn.into(),
        }
    }

    /// The execution ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// `DescribeExecution`: status, input, output, error and cause.
    pub async fn describe(&self) -> Result<DescribeExecutionOutput, ClientError> {
        self.client
            .describe_execution()
            .execution_arn(&self.arn)
            .send()
            .await
    }

    /// Waits until the execution ends and returns its output as `O`, or an
    /// [`ExecutionError`] carrying the error and cause it ended with.
    ///
    /// Polls `DescribeExecution` with exponential backoff (from
    /// [`FIRST_POLL_INTERVAL`] to [`MAX_POLL_INTERVAL`]) and waits as long as
    /// the execution runs; bound it with `tokio::time::timeout` if needed.
    pub async fn wait<O: DeserializeOwned>(&self) -> Result<O, ExecutionError> {
        let mut delay = FIRST_POLL_INTERVAL;
        loop {
            let described = self.describe().await?;
            if let Some(result) = self.outcome(described) {
                return result;
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(MAX_POLL_INTERVAL);
        }
    }

    /// The result of a finished execution; `None` while it is still running.
    fn outcome<O: DeserializeOwned>(
        &self,
        described: DescribeExecutionOutput,
    ) -> Option<Result<O, ExecutionError>> {
        let execution_arn = self.arn.clone();
        let DescribeExecutionOutput {
            status,
            output,
            error,
            cause,
            ..
        } = described;
        let ended = match status {
            ExecutionStatus::Running | ExecutionStatus::PendingRedrive => return None,
            ExecutionStatus::Succeeded => {
                // An execution without output (e.g. over the size quota)
                // reads as JSON `null`, which `Option<_>` and `()` accept.
                let text = output.as_deref().unwrap_or("null");
                return Some(
                    serde_json::from_str(text).map_err(|source| ExecutionError::Output {
                        execution_arn,
                        source,
                    }),
                );
            }
            ExecutionStatus::Failed => ExecutionError::Failed {
                execution_arn,
                error,
                cause,
            },
            ExecutionStatus::TimedOut => ExecutionError::TimedOut {
                execution_arn,
                error,
                cause,
            },
            ExecutionStatus::Aborted => ExecutionError::Aborted {
                execution_arn,
                error,
                cause,
            },
            ExecutionStatus::Unknown(status) => ExecutionError::UnexpectedStatus {
                execution_arn,
                status,
            },
        };
        Some(Err(ended))
    }

    /// The execution history, oldest event first, as a stream that fetches
    /// pages of `GetExecutionHistory` as it is read.
    pub fn history(&self) -> ItemStream<GetExecutionHistory> {
        self.client
            .get_execution_history()
            .execution_arn(&self.arn)
            .into_paginator()
            .items()
    }

    /// Stops the execution (`StopExecution`) without error or cause.
    pub async fn stop(&self) -> Result<(), ClientError> {
        self.client
            .stop_execution()
            .execution_arn(&self.arn)
            .send()
            .await?;
        Ok(())
    }

    /// Stops the execution with an error name and a cause, which the
    /// execution reports as its own.
    pub async fn stop_with(
        &self,
        error: impl Into<String>,
        cause: impl Into<String>,
    ) -> Result<(), ClientError> {
        self.client
            .stop_execution()
            .execution_arn(&self.arn)
            .error(error)
            .cause(cause)
            .send()
            .await?;
        Ok(())
    }
}

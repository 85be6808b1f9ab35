//! A handle on a deployed state machine: start executions, read and change
//! its tags.

use std::collections::BTreeMap;

use serde::Serialize;

use super::tags;
use super::{Execution, ExecutionError};
use crate::client::{Client, Error as ClientError};
use crate::model::DescribeStateMachineOutput;

/// A state machine in the service, by ARN. `deploy` returns one; build one
/// for an existing state machine with [`StateMachineHandle::new`].
///
/// ```no_run
/// # async fn run(machine: stepworker::asl::StateMachineHandle) -> Result<(), stepworker::asl::ExecutionError> {
/// #[derive(serde::Serialize)]
/// struct Order { id: u32 }
/// #[derive(serde::Deserialize)]
/// struct Receipt { total: u32 }
///
/// let execution = machine.start(&Order { id: 7 }).name("order-7").send().await?;
/// let receipt: Receipt = execution.wait().await?;
/// # let _ = receipt.total;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct StateMachineHandle {
    client: Client,
    arn: String,
}

impl StateMachineHandle {
    /// A handle on the state machine `arn`.
    pub fn new(client: Client, arn: impl Into<String>) -> Self {
        Self {
            client,
            arn: arn.into(),
        }
    }

    /// The state machine ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The client this handle uses.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Prepares an execution with `input` serialized as JSON; finish with
    /// [`StartExecution::send`].
    pub fn start<I: Serialize + ?Sized>(&self, input: &I) -> StartExecution<'_> {
        StartExecution {
            machine: self,
            input: serde_json::to_string(input),
            name: None,
            trace_header: None,
            test_case: None,
        }
    }

    /// A handle on an execution of this (or any) state machine, by ARN.
    pub fn execution(&self, arn: impl Into<String>) -> Execution {
        Execution::new(self.client.clone(), arn)
    }

    /// `DescribeStateMachine`.
    pub async fn describe(&self) -> Result<DescribeStateMachineOutput, ClientError> {
        self.client
            .describe_state_machine()
            .state_machine_arn(&self.arn)
            .send()
            .await
    }

    /// The state machine's tags.
    pub async fn tags(&self) -> Result<BTreeMap<String, String>, ClientError> {
        let listed = self
            .client
            .list_tags_for_resource()
            .resource_arn(&self.arn)
            .send()
            .await?;
        Ok(tags::to_map(listed.tags))
    }

    /// Adds tags, replacing the value of keys already present.
    pub async fn tag<K, V>(&self, tags: impl IntoIterator<Item = (K, V)>) -> Result<(), ClientError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let wanted: BTreeMap<String, String> = tags
            .into_iter()
            .map(|(key, value)| (key.into(), value.into()))
            .collect();
        self.client
            .tag_resource()
            .resource_arn(&self.arn)
            .set_tags(Some(tags::to_wire(&wanted)))
            .send()
            .await?;
        Ok(())
    }

    /// Removes the tags with these keys (absent keys are ignored).
    pub async fn untag<K: Into<String>>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<(), ClientError> {
        self.client
            .untag_resource()
            .resource_arn(&self.arn)
            .set_tag_keys(Some(keys.into_iter().map(Into::into).collect()))
            .send()
            .await?;
        Ok(())
    }
}

/// A `StartExecution` request being prepared by [`StateMachineHandle::start`].
#[derive(Debug)]
#[must_use = "nothing starts until `send` is awaited"]
pub struct StartExecution<'a> {
    machine: &'a StateMachineHandle,
    input: serde_json::Result<String>,
    name: Option<String>,
    trace_header: Option<String>,
    test_case: Option<String>,
}

impl StartExecution<'_> {
    /// Names the execution (1-80 characters, unique per state machine for
    /// 90 days). Starting again with the same name and input while it runs
    /// returns the same execution.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the AWS X-Ray trace header.
    pub fn trace_header(mut self, header: impl Into<String>) -> Self {
        self.trace_header = Some(header.into());
        self
    }

    /// Runs the execution with the mocked service responses of test case
    /// `name` of the mock configuration, on stepworker-local or AWS Step
    /// Functions Local (the state machine ARN gets the `#name` suffix
    /// they read). The AWS service itself refuses such an ARN.
    pub fn test_case(mut self, name: impl Into<String>) -> Self {
        self.test_case = Some(name.into());
        self
    }

    /// Starts the execution.
    pub async fn send(self) -> Result<Execution, ExecutionError> {
        let input = self.input.map_err(ExecutionError::Input)?;
        let arn = match &self.test_case {
            Some(case) => format!("{}#{case}", self.machine.arn),
            None => self.machine.arn.clone(),
        };
        let started = self
            .machine
            .client
            .start_execution()
            .state_machine_arn(arn)
            .input(input)
            .set_name(self.name)
            .set_trace_header(self.trace_header)
            .send()
            .await?;
        Ok(self.machine.execution(started.execution_arn))
    }
}

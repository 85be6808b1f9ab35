//! `deploy`: make the service hold this definition under a name, creating
//! what is missing and changing only what differs.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;

use super::{tags, DeployError, StateMachine, StateMachineHandle};
use crate::client::{Client, Error as ClientError};
use crate::model::{ErrorCode, StateMachineListItem, StateMachineType};

/// What a deploy changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeployChange {
    /// The state machine did not exist and was created.
    Created,
    /// The definition or role differed and was updated.
    Updated,
    /// The state machine already matched; nothing was changed (tags that
    /// were missing may still have been added).
    Unchanged,
}

/// The result of [`Deploy::send`].
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The deployed state machine.
    pub state_machine: StateMachineHandle,
    /// What the deploy changed.
    pub change: DeployChange,
    /// The ARN of each activity the definition uses, by name.
    pub activity_arns: BTreeMap<String, String>,
}

impl StateMachine {
    /// Prepares to deploy this definition as state machine `name`, run with
    /// the IAM role `role_arn`; finish with [`Deploy::send`].
    ///
    /// ```no_run
    /// # async fn run(client: stepworker::Client, machine: stepworker::asl::StateMachine)
    /// # -> Result<(), stepworker::asl::DeployError> {
    /// let deployed = machine
    ///     .deploy(&client, "resize-images", "arn:aws:iam::123456789012:role/sfn")
    ///     .tag("team", "media")
    ///     .send()
    ///     .await?;
    /// println!("{} ({:?})", deployed.state_machine.arn(), deployed.change);
    /// # Ok(()) }
    /// ```
    pub fn deploy(
        &self,
        client: &Client,
        name: impl Into<String>,
        role_arn: impl Into<String>,
    ) -> Deploy<'_> {
        Deploy {
            machine: self,
            client: client.clone(),
            name: name.into(),
            role_arn: role_arn.into(),
            machine_type: StateMachineType::Standard,
            tags: BTreeMap::new(),
        }
    }
}

/// A deploy being prepared by [`StateMachine::deploy`].
#[derive(Debug)]
#[must_use = "nothing is deployed until `send` is awaited"]
pub struct Deploy<'a> {
    machine: &'a StateMachine,
    client: Client,
    name: String,
    role_arn: String,
    machine_type: StateMachineType,
    tags: BTreeMap<String, String>,
}

impl Deploy<'_> {
    /// Sets the state machine type (default `STANDARD`). An existing state
    /// machine's type cannot change: deploy fails with
    /// [`DeployError::TypeMismatch`].
    pub fn machine_type(mut self, machine_type: StateMachineType) -> Self {
        self.machine_type = machine_type;
        self
    }

    /// Adds a tag the state machine must carry. Deploy adds missing tags
    /// and corrects values; it never removes tags it was not given.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Deploys:
    ///
    /// 1. `CreateActivity` for every activity the definition references
    ///    (idempotent by name), whose returned ARNs go into the definition;
    /// 2. finds the state machine by name; creates it if absent, otherwise
    ///    updates the definition and role only if they differ;
    /// 3. adds the tags it lacks.
    ///
    /// Running it twice changes nothing the second time.
    pub async fn send(self) -> Result<Deployment, DeployError> {
        let mut machine = self.machine.clone();
        let activity_arns = self.create_activities(&machine).await?;
        for (activity, arn) in &activity_arns {
            machine.resolve_activity(activity, arn);
        }
        let definition = machine.to_json();

        let (arn, change) = match self.find().await? {
            Some(existing) => self.reconcile(existing, &definition).await?,
            None => match self.create(&definition).await {
                Ok(arn) => (arn, DeployChange::Created),
                // Another deployer created it between our lookup and create.
                Err(DeployError::StateMachine { source, .. })
                    if source.code() == Some(&ErrorCode::StateMachineAlreadyExists) =>
                {
                    let existing = self.find().await?.ok_or_else(|| self.failed(source))?;
                    self.reconcile(existing, &definition).await?
                }
                Err(other) => return Err(other),
            },
        };
        let state_machine = StateMachineHandle::new(self.client.clone(), arn);
        self.apply_tags(&state_machine).await?;
        Ok(Deployment {
            state_machine,
            change,
            activity_arns,
        })
    }

    fn failed(&self, source: ClientError) -> DeployError {
        DeployError::StateMachine {
            name: self.name.clone(),
            source,
        }
    }

    async fn create_activities(
        &self,
        machine: &StateMachine,
    ) -> Result<BTreeMap<String, String>, DeployError> {
        let mut arns = BTreeMap::new();
        for activity in machine.activities() {
            let created = self
                .client
                .create_activity()
                .name(activity)
                .send()
                .await
                .map_err(|source| DeployError::Activity {
                    activity: activity.to_owned(),
                    source,
                })?;
            arns.insert(activity.to_owned(), created.activity_arn);
        }
        Ok(arns)
    }

    /// The state machine called `name`, if there is one.
    async fn find(&self) -> Result<Option<StateMachineListItem>, DeployError> {
        let mut machines = self.client.list_state_machines().into_paginator().items();
        while let Some(item) = machines.try_next().await.map_err(|e| self.failed(e))? {
            if item.name == self.name {
                return Ok(Some(item));
            }
        }
        Ok(None)
    }

    async fn create(&self, definition: &str) -> Result<String, DeployError> {
        let created = self
            .client
            .create_state_machine()
            .name(&self.name)
            .definition(definition)
            .role_arn(&self.role_arn)
            .r#type(self.machine_type.clone())
            .set_tags((!self.tags.is_empty()).then(|| tags::to_wire(&self.tags)))
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        Ok(created.state_machine_arn)
    }

    /// Brings an existing state machine to this definition and role.
    async fn reconcile(
        &self,
        existing: StateMachineListItem,
        definition: &str,
    ) -> Result<(String, DeployChange), DeployError> {
        if existing.r#type != self.machine_type {
            return Err(DeployError::TypeMismatch {
                name: self.name.clone(),
                existing: existing.r#type,
                wanted: self.machine_type.clone(),
            });
        }
        let arn = existing.state_machine_arn;
        let current = self
            .client
            .describe_state_machine()
            .state_machine_arn(&arn)
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        let definition_changed = !same_json(&current.definition, definition);
        let role_changed = current.role_arn != self.role_arn;
        if !definition_changed && !role_changed {
            return Ok((arn, DeployChange::Unchanged));
        }
        self.client
            .update_state_machine()
            .state_machine_arn(&arn)
            .set_definition(definition_changed.then(|| definition.to_owned()))
            .set_role_arn(role_changed.then(|| self.role_arn.clone()))
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        Ok((arn, DeployChange::Updated))
    }

    async fn apply_tags(&self, state_machine: &StateMachineHandle) -> Result<(), DeployError> {
        if self.tags.is_empty() {
            return Ok(());
        }
        let current = state_machine.tags().await.map_err(|e| self.failed(e))?;
        let missing = tags::missing(&self.tags, &current);
        if missing.is_empty() {
            return Ok(());
        }
        self.client
            .tag_resource()
            .resource_arn(state_machine.arn())
            .set_tags(Some(tags::to_wire(missing)))
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }
}

/// Whether two definitions are the same JSON document: the service may
/// return a definition re-encoded, so compare values, not text.
fn same_json(current: &str, wanted: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(current),
        serde_json::from_str::<serde_json::Value>(wanted),
    ) {
        (Ok(current), Ok(wanted)) => current == wanted,
        _ => current == wanted,
    }
}

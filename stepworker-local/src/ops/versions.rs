//! PublishStateMachineVersion, ListStateMachineVersions,
//! DeleteStateMachineVersion.

use std::sync::Arc;

use stepworker::model::{
    DeleteStateMachineVersionInput, DeleteStateMachineVersionOutput, ErrorCode,
    ListStateMachineVersionsInput, ListStateMachineVersionsOutput, PublishStateMachineVersionInput,
    PublishStateMachineVersionOutput, StateMachineVersionListItem, Timestamp,
};

use super::lookup::{machine_deleting, machine_does_not_exist};
use super::page::{page, PageRequest};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::store::{PublishedVersion, StateMachineRecord, MAX_VERSIONS};
use crate::validate::{self, limits};

/// PublishStateMachineVersion. Idempotent: publishing a revision that is
/// already the latest version returns that version.
pub fn publish(
    core: &Arc<Core>,
    input: PublishStateMachineVersionInput,
) -> ApiResult<PublishStateMachineVersionOutput> {
    validate::arn("stateMachineArn", &input.state_machine_arn)?;
    validate::optional_length(
        "description",
        input.description.as_deref(),
        limits::VERSION_DESCRIPTION,
    )?;
    let name = core.arns.state_machine_name(&input.state_machine_arn)?;
    let now = Timestamp::from_epoch_millis(core.now_millis());
    let mut registry = core.registry.lock();
    let machine = registry
        .machines
        .get_mut(&name)
        .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
    if machine.deleting {
        return Err(machine_deleting(&machine.arn));
    }
    if let Some(revision_id) = &input.revision_id {
        if *revision_id != machine.current.revision_id {
            return Err(ApiError::new(
                ErrorCode::ConflictException,
                format!(
                    "The revisionId '{revision_id}' is not the current revision of '{}'",
                    machine.arn
                ),
            ));
        }
    }
    let (arn, creation_date) = publish_current(core, machine, input.description, now)?;
    Ok(PublishStateMachineVersionOutput {
        creation_date,
        state_machine_version_arn: arn.to_string(),
    })
}

/// Publishes the machine's current revision as a new version, or returns
/// the latest version if it already holds this revision (a different
/// description for it is a `ConflictException`, as on AWS).
pub fn publish_current(
    core: &Core,
    machine: &mut StateMachineRecord,
    description: Option<String>,
    now: Timestamp,
) -> ApiResult<(Arc<str>, Timestamp)> {
    let published = &mut machine.published;
    if let Some(latest) = published.versions.values().next_back() {
        if Arc::ptr_eq(&latest.version, &machine.current) {
            if description.is_some() && description != latest.description {
                return Err(ApiError::new(
                    ErrorCode::ConflictException,
                    format!(
                        "Version {} already holds the current revision with another description",
                        latest.arn
                    ),
                ));
            }
            return Ok((latest.arn.clone(), latest.creation_date));
        }
    }
    if published.versions.len() >= MAX_VERSIONS {
        return Err(ApiError::new(
            ErrorCode::ServiceQuotaExceededException,
            format!(
                "The state machine '{}' has the maximum number of versions ({MAX_VERSIONS})",
                machine.arn
            ),
        ));
    }
    published.last_number += 1;
    let number = published.last_number;
    let arn: Arc<str> = Arc::from(core.arns.version_arn(&machine.name, number));
    published.versions.insert(
        number,
        PublishedVersion {
            number,
            arn: arn.clone(),
            version: machine.current.clone(),
            description,
            creation_date: now,
        },
    );
    Ok((arn, now))
}

/// ListStateMachineVersions, newest first.
pub fn list(
    core: &Arc<Core>,
    input: ListStateMachineVersionsInput,
) -> ApiResult<ListStateMachineVersionsOutput> {
    validate::arn("stateMachineArn", &input.state_machine_arn)?;
    let name = core.arns.state_machine_name(&input.state_machine_arn)?;
    let registry = core.registry.lock();
    let machine = registry
        .machines
        .get(&name)
        .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
    let request = PageRequest {
        scope: format!("ListStateMachineVersions|{}", machine.arn),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::PAGE_TOKEN,
    };
    let items = machine.published.versions.values().rev().map(|v| {
        (
            v.number,
            StateMachineVersionListItem {
                state_machine_version_arn: v.arn.to_string(),
                creation_date: v.creation_date,
            },
        )
    });
    let page = page(core, request, true, items)?;
    Ok(ListStateMachineVersionsOutput {
        state_machine_versions: page.items,
        next_token: page.next_token,
    })
}

/// DeleteStateMachineVersion. A version an alias routes to cannot go
/// (`ConflictException`); deleting one that is gone succeeds. Executions
/// already running on it finish.
pub fn delete(
    core: &Arc<Core>,
    input: DeleteStateMachineVersionInput,
) -> ApiResult<DeleteStateMachineVersionOutput> {
    validate::length(
        "stateMachineVersionArn",
        &input.state_machine_version_arn,
        limits::LONG_ARN,
    )?;
    let (name, number) = core.arns.version(&input.state_machine_version_arn)?;
    let mut registry = core.registry.lock();
    let Some(machine) = registry.machines.get_mut(&name) else {
        return Ok(DeleteStateMachineVersionOutput {});
    };
    if machine.published.is_routed(number) {
        return Err(ApiError::new(
            ErrorCode::ConflictException,
            format!(
                "Version '{}' is referenced by an alias; update or delete the alias first",
                input.state_machine_version_arn
            ),
        ));
    }
    machine.published.versions.remove(&number);
    Ok(DeleteStateMachineVersionOutput {})
}

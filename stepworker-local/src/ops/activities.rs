//! CreateActivity, DescribeActivity, ListActivities, DeleteActivity.

use std::collections::BTreeSet;
use std::sync::Arc;

use stepworker::model::{
    ActivityListItem, CreateActivityInput, CreateActivityOutput, DeleteActivityInput,
    DeleteActivityOutput, DescribeActivityInput, DescribeActivityOutput, ErrorCode,
    ListActivitiesInput, ListActivitiesOutput, Timestamp,
};

use super::page::{page, PageRequest};
use crate::activities::TaskEvent;
use crate::asl::errors;
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::store::{ActivityRecord, Registry, TagSet, MAX_ACTIVITIES};
use crate::validate::{self, limits};

/// CreateActivity: idempotent by name (tags of a repeat call are ignored).
pub fn create(core: &Arc<Core>, input: CreateActivityInput) -> ApiResult<CreateActivityOutput> {
    validate::name(&input.name)?;
    let tags = input.tags.unwrap_or_default();
    validate::tags(&tags)?;
    let mut registry = core.registry.lock();
    if let Some(existing) = registry.activities.get(&input.name) {
        return Ok(CreateActivityOutput {
            activity_arn: existing.arn.clone(),
            creation_date: existing.creation_date,
        });
    }
    if registry.activities.len() >= MAX_ACTIVITIES {
        return Err(ApiError::new(
            ErrorCode::ActivityLimitExceeded,
            format!("The maximum number of activities ({MAX_ACTIVITIES}) has been reached"),
        ));
    }
    let mut tag_set = TagSet::default();
    tag_set.apply(&tags)?;
    let record = ActivityRecord {
        seq: registry.next_seq(),
        arn: core.arns.activity(&input.name),
        creation_date: Timestamp::from_epoch_millis(core.now_millis()),
        name: input.name.clone(),
        tags: tag_set,
        queue: Default::default(),
    };
    let output = CreateActivityOutput {
        activity_arn: record.arn.clone(),
        creation_date: record.creation_date,
    };
    registry.activities.insert(input.name, record);
    Ok(output)
}

/// DescribeActivity.
pub fn describe(
    core: &Arc<Core>,
    input: DescribeActivityInput,
) -> ApiResult<DescribeActivityOutput> {
    validate::arn("activityArn", &input.activity_arn)?;
    let name = core.arns.activity_name(&input.activity_arn)?;
    let registry = core.registry.lock();
    let activity = registry
        .activities
        .get(&name)
        .ok_or_else(|| does_not_exist(&input.activity_arn))?;
    Ok(DescribeActivityOutput {
        activity_arn: activity.arn.clone(),
        creation_date: activity.creation_date,
        name: activity.name.clone(),
        encryption_configuration: None,
    })
}

/// ListActivities, in creation order.
pub fn list(core: &Arc<Core>, input: ListActivitiesInput) -> ApiResult<ListActivitiesOutput> {
    let registry = core.registry.lock();
    let mut all: Vec<&ActivityRecord> = registry.activities.values().collect();
    all.sort_by_key(|a| a.seq);
    let request = PageRequest {
        scope: "ListActivities".to_owned(),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::PAGE_TOKEN,
    };
    let items = all.into_iter().map(|a| {
        (
            a.seq,
            ActivityListItem {
                activity_arn: a.arn.clone(),
                creation_date: a.creation_date,
                name: a.name.clone(),
            },
        )
    });
    let page = page(core, request, false, items)?;
    Ok(ListActivitiesOutput {
        activities: page.items,
        next_token: page.next_token,
    })
}

/// DeleteActivity: parked polls are answered at once with no task, and
/// every task of the activity that is queued or held by a worker ends.
///
/// What AWS does with such tasks is not documented (the API reference and
/// the developer guide say only "Deletes an activity"; no recorded answer
/// in botocore, the SDKs or issue threads), so this is the engine's choice:
/// the waiting Task state fails at once with `States.TaskFailed` (an
/// `ActivityFailed` event whose cause names the deleted activity), which
/// its Retry and Catch handle like any task failure; the task's token then
/// answers `TaskDoesNotExist`, so a worker that holds it learns on its next
/// heartbeat that its work is void. Leaving the executions to their timers
/// instead would keep a Task state without `TimeoutSeconds` RUNNING for a
/// year, with no worker ever able to reach it.
pub fn delete(core: &Arc<Core>, input: DeleteActivityInput) -> ApiResult<DeleteActivityOutput> {
    validate::arn("activityArn", &input.activity_arn)?;
    let name = core.arns.activity_name(&input.activity_arn)?;
    let (removed, held) = {
        let mut registry = core.registry.lock();
        let removed = registry.activities.remove(&name);
        // Under the same lock as the removal: a task scheduled from now on
        // finds no activity (ActivityScheduleFailed), and one scheduled
        // before is booked on its execution already.
        let held = if removed.is_some() {
            open_tasks_of(&registry, &name)
        } else {
            BTreeSet::new()
        };
        (removed, held)
    };
    let Some(activity) = removed else {
        return Ok(DeleteActivityOutput {});
    };
    let mut ended = held;
    ended.extend(activity.queue.close().into_iter().map(|t| t.task_id));
    let cause = format!(
        "The activity {} was deleted before the task finished.",
        activity.arn
    );
    for task_id in ended {
        core.tasks.end_for_deleted_activity(
            task_id,
            TaskEvent::Failed {
                error: Some(errors::TASK_FAILED.to_owned()),
                cause: Some(cause.clone()),
            },
        );
    }
    Ok(DeleteActivityOutput {})
}

/// Ids of the tasks of activity `name` that running executions wait on,
/// queued or held by a worker.
fn open_tasks_of(registry: &Registry, name: &str) -> BTreeSet<u64> {
    registry
        .executions
        .values()
        .flat_map(|execution| {
            execution.with_state(|state| {
                state
                    .open_tasks
                    .iter()
                    .filter(|(_, activity)| activity == name)
                    .map(|(id, _)| *id)
                    .collect::<Vec<_>>()
            })
        })
        .collect()
}

/// `ActivityDoesNotExist` for `arn`.
pub fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ActivityDoesNotExist,
        format!("Activity Does Not Exist: '{arn}'"),
    )
}

//! CreateActivity, DescribeActivity, ListActivities, DeleteActivity.

use std::sync::Arc;

use stepworker::model::{
    ActivityListItem, CreateActivityInput, CreateActivityOutput, DeleteActivityInput,
    DeleteActivityOutput, DescribeActivityInput, DescribeActivityOutput, ErrorCode,
    ListActivitiesInput, ListActivitiesOutput, Timestamp,
};

use super::page::{page, PageRequest};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::store::{ActivityRecord, TagSet};
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

/// DeleteActivity: parked polls are answered at once with no task.
pub fn delete(core: &Arc<Core>, input: DeleteActivityInput) -> ApiResult<DeleteActivityOutput> {
    validate::arn("activityArn", &input.activity_arn)?;
    let name = core.arns.activity_name(&input.activity_arn)?;
    let removed = core.registry.lock().activities.remove(&name);
    if let Some(activity) = removed {
        // Tasks still queued can never be delivered now; their executions
        // see them time out, as on AWS.
        activity.queue.close();
    }
    Ok(DeleteActivityOutput {})
}

/// `ActivityDoesNotExist` for `arn`.
pub fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ActivityDoesNotExist,
        format!("Activity Does Not Exist: '{arn}'"),
    )
}

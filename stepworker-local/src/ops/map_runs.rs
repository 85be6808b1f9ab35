//! DescribeMapRun, ListMapRuns, UpdateMapRun, and the Map Run side of
//! ListExecutions and DescribeExecution.

use std::sync::Arc;

use stepworker::model::{
    DescribeMapRunInput, DescribeMapRunOutput, ErrorCode, ExecutionListItem, ListMapRunsInput,
    ListMapRunsOutput, MapRunListItem, Timestamp, UpdateMapRunInput, UpdateMapRunOutput,
};

use super::lookup::find_execution;
use super::page::{page, Page, PageRequest};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::execution::Execution;
use crate::store::MapRun;
use crate::validate::{self, limits};

/// DescribeMapRun.
pub fn describe(core: &Arc<Core>, input: DescribeMapRunInput) -> ApiResult<DescribeMapRunOutput> {
    let run = find_map_run(core, &input.map_run_arn)?;
    let (item_counts, execution_counts) = run.counts();
    Ok(run.with_state(|s| DescribeMapRunOutput {
        map_run_arn: run.arn.to_string(),
        execution_arn: run.execution_arn.to_string(),
        status: s.status.clone(),
        start_date: Timestamp::from_epoch_millis(run.start_millis),
        stop_date: s.stop_millis.map(Timestamp::from_epoch_millis),
        max_concurrency: i32::try_from(s.limits.max_concurrency).unwrap_or(i32::MAX),
        tolerated_failure_count: s
            .limits
            .tolerated_count
            .map_or(0, |n| i64::try_from(n).unwrap_or(i64::MAX)),
        tolerated_failure_percentage: s.limits.tolerated_percentage.unwrap_or(0.0),
        item_counts,
        execution_counts,
        redrive_count: Some(i32::try_from(s.redrive_count).unwrap_or(i32::MAX)),
        redrive_date: s.redrive_millis.map(Timestamp::from_epoch_millis),
    }))
}

/// ListMapRuns of one execution, newest first.
pub fn list(core: &Arc<Core>, input: ListMapRunsInput) -> ApiResult<ListMapRunsOutput> {
    validate::arn("executionArn", &input.execution_arn)?;
    core.arns.check_execution(&input.execution_arn)?;
    let execution = find_execution(core, &input.execution_arn)?;
    let runs: Vec<Arc<MapRun>> = core
        .registry
        .lock()
        .map_runs
        .of_execution(&execution.arn)
        .rev()
        .cloned()
        .collect();
    let request = PageRequest {
        scope: format!("ListMapRuns|{}", input.execution_arn),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::PAGE_TOKEN,
    };
    let items = runs.iter().map(|run| {
        let stop = run.with_state(|s| s.stop_millis);
        (
            run.seq,
            MapRunListItem {
                execution_arn: run.execution_arn.to_string(),
                map_run_arn: run.arn.to_string(),
                state_machine_arn: execution.state_machine_arn.to_string(),
                start_date: Timestamp::from_epoch_millis(run.start_millis),
                stop_date: stop.map(Timestamp::from_epoch_millis),
            },
        )
    });
    let Page { items, next_token } = page(core, request, true, items)?;
    Ok(ListMapRunsOutput {
        map_runs: items,
        next_token,
    })
}

/// UpdateMapRun: the new settings apply to the running Map Run at once.
pub fn update(core: &Arc<Core>, input: UpdateMapRunInput) -> ApiResult<UpdateMapRunOutput> {
    if input.max_concurrency.is_none()
        && input.tolerated_failure_count.is_none()
        && input.tolerated_failure_percentage.is_none()
    {
        return Err(ApiError::validation(
            "At least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage must be provided",
        ));
    }
    let max_concurrency = input
        .max_concurrency
        .map(|n| {
            u64::try_from(n).map_err(|_| range("maxConcurrency", "greater than or equal to 0"))
        })
        .transpose()?;
    let tolerated_count = input
        .tolerated_failure_count
        .map(|n| {
            u64::try_from(n)
                .map_err(|_| range("toleratedFailureCount", "greater than or equal to 0"))
        })
        .transpose()?;
    if let Some(pct) = input.tolerated_failure_percentage {
        if !(0.0..=100.0).contains(&pct) {
            return Err(range(
                "toleratedFailurePercentage",
                "between 0 and 100, inclusive",
            ));
        }
    }
    let run = find_map_run(core, &input.map_run_arn)?;
    let updated = run.update(|limits| {
        if let Some(max) = max_concurrency {
            limits.max_concurrency = max;
        }
        if let Some(count) = tolerated_count {
            limits.tolerated_count = Some(count);
        }
        if let Some(pct) = input.tolerated_failure_percentage {
            limits.tolerated_percentage = Some(pct);
        }
    });
    // AWS documents UpdateMapRun for in-progress Map Runs; an ended one
    // has nothing left to apply the settings to.
    if !updated {
        return Err(ApiError::validation(format!(
            "Map Run '{}' is no longer running and cannot be updated",
            run.arn
        )));
    }
    Ok(UpdateMapRunOutput {})
}

/// ListExecutions with `mapRunArn`: the child executions of that Map Run,
/// newest first, with `mapRunArn` and `itemCount` filled in as AWS does for
/// this form only.
pub fn child_executions(
    core: &Arc<Core>,
    map_run_arn: &str,
    wanted: impl Fn(&Execution) -> Option<ExecutionListItem>,
) -> ApiResult<Vec<(u64, ExecutionListItem)>> {
    let run = find_map_run(core, map_run_arn)?;
    let children: Vec<(Arc<Execution>, usize)> = run.with_state(|s| s.executions.clone());
    Ok(children
        .into_iter()
        .rev()
        .filter_map(|(execution, items)| {
            let mut item = wanted(&execution)?;
            item.map_run_arn = Some(run.arn.to_string());
            item.item_count = Some(i32::try_from(items).unwrap_or(i32::MAX));
            Some((execution.seq, item))
        })
        .collect())
}

/// The Map Run ARN of a child execution, for DescribeExecution.
pub fn map_run_of_child(core: &Core, execution_arn: &str) -> Option<String> {
    core.registry
        .lock()
        .map_runs
        .of_child(execution_arn)
        .map(|run| run.arn.to_string())
}

/// The Map Run with this ARN: `InvalidArn` if it is no Map Run ARN of this
/// engine's region and account, `ResourceNotFound` if there is none.
fn find_map_run(core: &Core, arn: &str) -> ApiResult<Arc<MapRun>> {
    validate::length("mapRunArn", arn, limits::LONG_ARN)?;
    let prefix = format!(
        "arn:aws:states:{}:{}:mapRun:",
        core.config.region, core.config.account_id
    );
    let shaped = arn
        .strip_prefix(&prefix)
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(machine_and_label, id)| machine_and_label.contains('/') && !id.is_empty());
    if !shaped {
        return Err(ApiError::invalid_arn(arn, "Invalid Map Run ARN"));
    }
    core.registry
        .lock()
        .map_runs
        .get(arn)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ResourceNotFound,
                format!("Resource not found: '{arn}'"),
            )
        })
}

fn range(member: &str, bound: &str) -> ApiError {
    ApiError::constraint(member, &format!("Member must have value {bound}"))
}

//! StartExecution, StopExecution, DescribeExecution, ListExecutions.

use std::sync::Arc;

use stepworker::model::{
    CloudWatchEventsExecutionDataDetails, DescribeExecutionInput, DescribeExecutionOutput,
    ErrorCode, ExecutionListItem, ExecutionRedriveFilter, ExecutionStatus, IncludedData,
    ListExecutionsInput, ListExecutionsOutput, StartExecutionInput, StartExecutionOutput,
    StateMachineType, StopExecutionInput, StopExecutionOutput, Timestamp,
};

use super::lookup::{find_execution, machine_deleting, machine_does_not_exist};
use super::map_runs;
use super::page::{page, PageRequest};
use crate::arn::Qualifier;
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::execution::{self, ErrorCause, Execution, Outcome};
use crate::mocks::{MockRun, TestCaseNotFound};
use crate::stats::Stats;
use crate::store::{MachineVersion, StateMachineRecord};
use crate::validate::{self, limits};

/// What StartExecution and StartSyncExecution ask for.
pub struct Launch {
    /// The state machine to run.
    pub state_machine_arn: String,
    /// Execution name (a UUID when absent).
    pub name: Option<String>,
    /// Input JSON text (`{}` when absent).
    pub input: Option<String>,
    /// `traceHeader`.
    pub trace_header: Option<String>,
    /// True for StartSyncExecution, which runs only EXPRESS machines.
    pub sync: bool,
}

/// A started execution, or the running one a repeated request names.
pub enum Launched {
    /// A new execution, already running.
    New(Arc<Execution>),
    /// The running STANDARD execution with this name and input.
    Repeat(Arc<Execution>),
}

/// StartExecution. A repeat with the same name and input while the first
/// still runs returns the first's answer; otherwise a used name is
/// `ExecutionAlreadyExists`. EXPRESS executions are not idempotent.
pub fn start(core: &Arc<Core>, input: StartExecutionInput) -> ApiResult<StartExecutionOutput> {
    let launched = launch(
        core,
        Launch {
            state_machine_arn: input.state_machine_arn,
            name: input.name,
            input: input.input,
            trace_header: input.trace_header,
            sync: false,
        },
    )?;
    let (Launched::New(execution) | Launched::Repeat(execution)) = launched;
    Ok(StartExecutionOutput {
        execution_arn: execution.arn.to_string(),
        start_date: execution.start_date(),
    })
}

/// Validates a start request, registers the execution and starts running it.
pub fn launch(core: &Arc<Core>, request: Launch) -> ApiResult<Launched> {
    validate::arn("stateMachineArn", &request.state_machine_arn)?;
    let (target_arn, test_case) = split_test_case(&request.state_machine_arn);
    let (machine_name, qualifier) = core.arns.state_machine_target(target_arn)?;
    let name = match &request.name {
        Some(name) => {
            validate::name(name)?;
            name.clone()
        }
        None => uuid::Uuid::new_v4().to_string(),
    };
    validate::trace_header(request.trace_header.as_deref())?;
    let text = request.input.unwrap_or_else(|| "{}".to_owned());
    validate::json_payload(&text, ErrorCode::InvalidExecutionInput, "Execution input")?;
    let text: Arc<str> = Arc::from(text);

    let execution = {
        let mut registry = core.registry.lock();
        let machine = registry
            .machines
            .get(&machine_name)
            .ok_or_else(|| machine_does_not_exist(target_arn))?;
        if machine.deleting {
            return Err(machine_deleting(&machine.arn));
        }
        let target = resolve_target(machine, qualifier.as_ref())
            .ok_or_else(|| machine_does_not_exist(target_arn))?;
        let mocks = test_case
            .map(|case| select_test_case(core, &machine_name, case))
            .transpose()?;
        let version = target.version;
        let express = version.machine_type == StateMachineType::Express;
        if request.sync && !express {
            return Err(ApiError::new(
                ErrorCode::StateMachineTypeNotSupported,
                "This operation is not supported by STANDARD state machines",
            ));
        }
        let machine_arn = machine.arn.clone();
        let machine_deleting = machine.deletion_flag.clone();
        let arn: Arc<str> = if express {
            Arc::from(core.arns.express_execution(&machine_name, &name))
        } else {
            Arc::from(core.arns.execution(&machine_name, &name))
        };
        if let Some(existing) = registry.execution(&arn) {
            if existing.is_running() && existing.input == text {
                return Ok(Launched::Repeat(existing.clone()));
            }
            return Err(ApiError::new(
                ErrorCode::ExecutionAlreadyExists,
                format!("Execution Already Exists: '{arn}'"),
            ));
        }
        let mut execution = Execution::new(
            registry.next_seq(),
            arn,
            Arc::from(name),
            Arc::from(machine_name),
            machine_arn,
            version,
            text,
            core.now_millis(),
            request.trace_header,
            machine_deleting,
        );
        execution.version_arn = target.version_arn;
        execution.alias_arn = target.alias_arn;
        execution.mocks = mocks;
        let execution = Arc::new(execution);
        registry.insert_execution(execution.clone());
        execution
    };
    Stats::bump(&core.stats.executions_started);
    execution::spawn(core.clone(), execution.clone());
    Ok(Launched::New(execution))
}

/// Splits Step Functions Local's test case suffix off a start request's
/// ARN: `<state machine ARN>#<TestCaseName>`. A bare `#` names no test case.
fn split_test_case(arn: &str) -> (&str, Option<&str>) {
    match arn.split_once('#') {
        Some((target, case)) => (target, Some(case).filter(|c| !c.is_empty())),
        None => (arn, None),
    }
}

/// The test case `case` of `machine` in the engine's mock configuration.
///
/// Step Functions Local documents no error for an unknown test case; a
/// `ValidationException` naming it fails fast, before anything runs.
fn select_test_case(core: &Core, machine: &str, case: &str) -> ApiResult<MockRun> {
    let Some(config) = &core.config.mock_config else {
        return Err(ApiError::validation(format!(
            "The test case '{case}' cannot be used: stepworker-local was started without a mock configuration (--mock-config, SFN_MOCK_CONFIG or EngineBuilder::mock_config)"
        )));
    };
    MockRun::select(config.clone(), machine, case).map_err(|TestCaseNotFound| {
        ApiError::validation(format!(
            "The test case '{case}' is not defined for the state machine '{machine}' in the mock configuration"
        ))
    })
}

/// What a start request runs: the machine's current definition, a
/// published version, or the version an alias picks.
struct Target {
    version: Arc<MachineVersion>,
    version_arn: Option<Arc<str>>,
    alias_arn: Option<Arc<str>>,
}

/// The target `qualifier` names on `machine`; `None` if that version or
/// alias does not exist.
fn resolve_target(machine: &StateMachineRecord, qualifier: Option<&Qualifier>) -> Option<Target> {
    let published = &machine.published;
    let (number, alias_arn) = match qualifier {
        None => {
            return Some(Target {
                version: machine.current.clone(),
                version_arn: None,
                alias_arn: None,
            })
        }
        Some(Qualifier::Version(number)) => (*number, None),
        Some(Qualifier::Alias(alias)) => {
            let alias = published.aliases.get(alias)?;
            let draw = rand::random_range(0..100);
            (alias.pick(draw)?, Some(alias.arn.clone()))
        }
    };
    let published_version = published.versions.get(&number)?;
    Some(Target {
        version: published_version.version.clone(),
        version_arn: Some(published_version.arn.clone()),
        alias_arn,
    })
}

/// StopExecution: ABORTED at once, its task token voided.
pub fn stop(core: &Arc<Core>, input: StopExecutionInput) -> ApiResult<StopExecutionOutput> {
    validate::arn("executionArn", &input.execution_arn)?;
    validate::optional_length("error", input.error.as_deref(), limits::ERROR)?;
    validate::optional_length("cause", input.cause.as_deref(), limits::CAUSE)?;
    core.arns.check_execution(&input.execution_arn)?;
    let execution = find_execution(core, &input.execution_arn)?;
    let now = core.now_millis();
    let outcome = Outcome::Aborted(ErrorCause {
        error: input.error,
        cause: input.cause,
    });
    core.end_execution(&execution, None, now, outcome);
    let stop_millis = execution.with_state(|s| s.stop_millis).unwrap_or(now);
    Ok(StopExecutionOutput {
        stop_date: Timestamp::from_epoch_millis(stop_millis),
    })
}

/// DescribeExecution.
pub fn describe(
    core: &Arc<Core>,
    input: DescribeExecutionInput,
) -> ApiResult<DescribeExecutionOutput> {
    validate::arn("executionArn", &input.execution_arn)?;
    if let Some(included) = &input.included_data {
        validate::enum_value("includedData", included.as_str(), IncludedData::VALUES)?;
    }
    // A Map Run's EXPRESS children are describable, unlike other EXPRESS
    // executions, so a child ARN is found before the ARN shape is judged.
    let map_run_arn = map_runs::map_run_of_child(core, &input.execution_arn);
    if map_run_arn.is_none() {
        core.arns.check_execution(&input.execution_arn)?;
    }
    let execution = find_execution(core, &input.execution_arn)?;
    let with_data = input.included_data != Some(IncludedData::MetadataOnly);
    let (redrive_status, redrive_status_reason) = execution.redrive_status(core.now_millis());
    let data_details = || {
        with_data.then_some(CloudWatchEventsExecutionDataDetails {
            included: Some(true),
        })
    };
    Ok(execution.with_state(|state| DescribeExecutionOutput {
        execution_arn: execution.arn.to_string(),
        state_machine_arn: execution.state_machine_arn.to_string(),
        name: Some(execution.name.to_string()),
        status: state.status.clone(),
        start_date: execution.start_date(),
        stop_date: state.stop_millis.map(Timestamp::from_epoch_millis),
        input: with_data.then(|| execution.input.to_string()),
        input_details: data_details(),
        output: state
            .output
            .as_ref()
            .filter(|_| with_data)
            .map(|o| o.to_string()),
        output_details: state.output.as_ref().and_then(|_| data_details()),
        error: state.error.error.clone(),
        cause: state.error.cause.clone(),
        trace_header: execution.trace_header.clone(),
        redrive_count: Some(redrive_count(state.redrive.count)),
        redrive_date: state.redrive.last_millis.map(Timestamp::from_epoch_millis),
        redrive_status: Some(redrive_status),
        redrive_status_reason,
        state_machine_version_arn: execution.version_arn.as_deref().map(str::to_owned),
        state_machine_alias_arn: execution.alias_arn.as_deref().map(str::to_owned),
        map_run_arn,
    }))
}

/// ListExecutions of one state machine, or of one Map Run's children,
/// newest first, optionally by status and redrive.
pub fn list(core: &Arc<Core>, input: ListExecutionsInput) -> ApiResult<ListExecutionsOutput> {
    if let Some(status) = &input.status_filter {
        validate::enum_value("statusFilter", status.as_str(), ExecutionStatus::VALUES)?;
    }
    if let Some(filter) = &input.redrive_filter {
        validate::enum_value(
            "redriveFilter",
            filter.as_str(),
            ExecutionRedriveFilter::VALUES,
        )?;
    }
    let (scope, items) = match (&input.state_machine_arn, &input.map_run_arn) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "Only one of StateMachine ARN or MapRun ARN may be provided",
            ))
        }
        (None, None) => {
            return Err(ApiError::validation(
                "Must provide a StateMachine ARN or MapRun ARN",
            ))
        }
        (None, Some(map_run_arn)) => (
            map_run_arn.as_str(),
            map_runs::child_executions(core, map_run_arn, |e| list_item(e, &input))?,
        ),
        (Some(machine_arn), None) => (
            machine_arn.as_str(),
            machine_executions(core, machine_arn, &input)?,
        ),
    };
    let request = PageRequest {
        scope: format!(
            "ListExecutions|{scope}|{}|{}",
            input.status_filter.as_ref().map_or("", |s| s.as_str()),
            input.redrive_filter.as_ref().map_or("", |f| f.as_str())
        ),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::EXECUTIONS_PAGE_TOKEN,
    };
    let page = page(core, request, true, items.into_iter())?;
    Ok(ListExecutionsOutput {
        executions: page.items,
        next_token: page.next_token,
    })
}

/// The executions of a state machine (or of the version or alias the ARN
/// names) that the filters let through, newest first.
fn machine_executions(
    core: &Core,
    machine_arn: &str,
    input: &ListExecutionsInput,
) -> ApiResult<Vec<(u64, ExecutionListItem)>> {
    validate::arn("stateMachineArn", machine_arn)?;
    let (machine_name, qualifier) = core.arns.state_machine_target(machine_arn)?;
    let registry = core.registry.lock();
    let machine = registry
        .machines
        .get(&machine_name)
        .ok_or_else(|| machine_does_not_exist(machine_arn))?;
    if machine.current.machine_type == StateMachineType::Express {
        return Err(ApiError::new(
            ErrorCode::StateMachineTypeNotSupported,
            "This operation is not supported by EXPRESS state machines",
        ));
    }
    Ok(registry
        .executions
        .values()
        .rev()
        .filter(|e| *e.state_machine_name == machine_name)
        // A version or alias ARN lists the executions started with it.
        .filter(|e| match &qualifier {
            None => true,
            Some(Qualifier::Version(_)) => e.version_arn.as_deref() == Some(machine_arn),
            Some(Qualifier::Alias(_)) => e.alias_arn.as_deref() == Some(machine_arn),
        })
        .filter_map(|e| list_item(e, input).map(|item| (e.seq, item)))
        .collect())
}

/// The list entry of `e`, if the request's filters let it through.
fn list_item(e: &Execution, input: &ListExecutionsInput) -> Option<ExecutionListItem> {
    let (status, stop, redrives, redriven) = e.with_state(|s| {
        let r = &s.redrive;
        (s.status.clone(), s.stop_millis, r.count, r.last_millis)
    });
    let wanted = input.status_filter.as_ref().is_none_or(|f| *f == status)
        && input.redrive_filter.as_ref().is_none_or(|f| match f {
            ExecutionRedriveFilter::Redriven => redrives > 0,
            ExecutionRedriveFilter::NotRedriven => redrives == 0,
            _ => true,
        });
    wanted.then(|| ExecutionListItem {
        execution_arn: e.arn.to_string(),
        state_machine_arn: e.state_machine_arn.to_string(),
        name: e.name.to_string(),
        status,
        start_date: e.start_date(),
        stop_date: stop.map(Timestamp::from_epoch_millis),
        redrive_count: Some(redrive_count(redrives)),
        redrive_date: redriven.map(Timestamp::from_epoch_millis),
        state_machine_version_arn: e.version_arn.as_deref().map(str::to_owned),
        state_machine_alias_arn: e.alias_arn.as_deref().map(str::to_owned),
        ..Default::default()
    })
}

/// A redrive count as the wire carries it.
fn redrive_count(count: u32) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

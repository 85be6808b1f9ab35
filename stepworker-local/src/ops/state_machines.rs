//! CreateStateMachine, DescribeStateMachine, ListStateMachines,
//! UpdateStateMachine, DeleteStateMachine, DescribeStateMachineForExecution.

use std::sync::Arc;

use stepworker::model::{
    CreateStateMachineInput, CreateStateMachineOutput, DeleteStateMachineInput,
    DeleteStateMachineOutput, DescribeStateMachineForExecutionInput,
    DescribeStateMachineForExecutionOutput, DescribeStateMachineInput, DescribeStateMachineOutput,
    ErrorCode, IncludedData, ListStateMachinesInput, ListStateMachinesOutput, LogLevel,
    LoggingConfiguration, StateMachineListItem, StateMachineStatus, StateMachineType, Timestamp,
    UpdateStateMachineInput, UpdateStateMachineOutput,
};

use super::lookup::{execution_does_not_exist, machine_deleting, machine_does_not_exist};
use super::page::{page, PageRequest};
use super::versions::publish_current;
use crate::arn::Qualifier;
use crate::asl::definition::{first_label_problem, label_error_message};
use crate::asl::{express_diagnostics, parse_definition, Definition, DefinitionError};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::store::{MachineVersion, StateMachineRecord, TagSet, MAX_STATE_MACHINES};
use crate::validate::{self, limits};

/// CreateStateMachine: idempotent when definition, type, logging and
/// tracing match (a different roleArn or tags are ignored, as on AWS).
pub fn create(
    core: &Arc<Core>,
    input: CreateStateMachineInput,
) -> ApiResult<CreateStateMachineOutput> {
    validate::name(&input.name)?;
    validate::length("definition", &input.definition, limits::DEFINITION)?;
    check_role_arn(&input.role_arn)?;
    let machine_type = input.r#type.clone().unwrap_or(StateMachineType::Standard);
    check_type(&machine_type)?;
    check_logging(input.logging_configuration.as_ref())?;
    validate::optional_length(
        "versionDescription",
        input.version_description.as_deref(),
        limits::VERSION_DESCRIPTION,
    )?;
    check_description_needs_publish(input.version_description.as_deref(), input.publish)?;
    let tags = input.tags.clone().unwrap_or_default();
    validate::tags(&tags)?;
    let definition = parse_for(&input.definition, &machine_type)?;

    let now = Timestamp::from_epoch_millis(core.now_millis());
    let mut registry = core.registry.lock();
    if let Some(existing) = registry.machines.get(&input.name) {
        if existing.deleting {
            return Err(machine_deleting(&existing.arn));
        }
        let current = &existing.current;
        let same = current.definition_text == input.definition
            && current.machine_type == machine_type
            && current.logging == input.logging_configuration
            && current.tracing == input.tracing_configuration;
        if !same {
            return Err(ApiError::new(
                ErrorCode::StateMachineAlreadyExists,
                format!("State Machine Already Exists: '{}'", existing.arn),
            ));
        }
        let (arn, creation_date) = (existing.arn.clone(), existing.creation_date);
        let version_arn = match input.publish {
            Some(true) => registry
                .machines
                .get_mut(&input.name)
                .map(|m| publish_current(core, m, input.version_description, now))
                .transpose()?
                .map(|(arn, _)| arn.to_string()),
            _ => None,
        };
        return Ok(CreateStateMachineOutput {
            state_machine_arn: arn.to_string(),
            creation_date,
            state_machine_version_arn: version_arn,
        });
    }
    if registry.machines.len() >= MAX_STATE_MACHINES {
        return Err(ApiError::new(
            ErrorCode::StateMachineLimitExceeded,
            format!("The maximum number of state machines ({MAX_STATE_MACHINES}) has been reached"),
        ));
    }
    let mut tag_set = TagSet::default();
    tag_set.apply(&tags)?;
    let arn: Arc<str> = Arc::from(core.arns.state_machine(&input.name));
    let record = StateMachineRecord {
        seq: registry.next_seq(),
        name: input.name.clone(),
        arn: arn.clone(),
        creation_date: now,
        current: Arc::new(MachineVersion {
            definition_text: input.definition,
            definition: Arc::new(definition),
            role_arn: Arc::from(input.role_arn),
            machine_type,
            logging: input.logging_configuration,
            tracing: input.tracing_configuration,
            update_date: now,
            revision_id: new_revision_id(),
        }),
        deleting: false,
        deletion_flag: Default::default(),
        tags: tag_set,
        running: 0,
        published: Default::default(),
    };
    let machine = registry.machines.entry(input.name).or_insert(record);
    let version_arn = match input.publish {
        Some(true) => Some(publish_current(core, machine, input.version_description, now)?.0),
        _ => None,
    };
    Ok(CreateStateMachineOutput {
        state_machine_arn: arn.to_string(),
        creation_date: now,
        state_machine_version_arn: version_arn.map(|a| a.to_string()),
    })
}

/// DescribeStateMachine.
pub fn describe(
    core: &Arc<Core>,
    input: DescribeStateMachineInput,
) -> ApiResult<DescribeStateMachineOutput> {
    validate::arn("stateMachineArn", &input.state_machine_arn)?;
    check_included_data(input.included_data.as_ref())?;
    let (name, qualifier) = core.arns.state_machine_target(&input.state_machine_arn)?;
    let registry = core.registry.lock();
    let machine = registry
        .machines
        .get(&name)
        .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
    // A version ARN describes that version; an alias is described by
    // DescribeStateMachineAlias.
    let (version, arn, description) = match qualifier {
        None => (&machine.current, machine.arn.clone(), None),
        Some(Qualifier::Version(number)) => {
            let published = machine
                .published
                .versions
                .get(&number)
                .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
            (
                &published.version,
                published.arn.clone(),
                published.description.clone(),
            )
        }
        Some(Qualifier::Alias(_)) => {
            return Err(ApiError::invalid_arn(
                &input.state_machine_arn,
                "Resource type not valid in this context: use DescribeStateMachineAlias",
            ))
        }
    };
    Ok(DescribeStateMachineOutput {
        creation_date: machine.creation_date,
        definition: version.definition_text.clone(),
        name: machine.name.clone(),
        role_arn: version.role_arn.to_string(),
        state_machine_arn: arn.to_string(),
        status: Some(if machine.deleting {
            StateMachineStatus::Deleting
        } else {
            StateMachineStatus::Active
        }),
        r#type: version.machine_type.clone(),
        logging_configuration: Some(logging_or_default(version.logging.as_ref())),
        tracing_configuration: version.tracing.clone(),
        revision_id: Some(version.revision_id.clone()),
        description,
        ..Default::default()
    })
}

/// ListStateMachines, in creation order.
pub fn list(core: &Arc<Core>, input: ListStateMachinesInput) -> ApiResult<ListStateMachinesOutput> {
    let registry = core.registry.lock();
    let mut all: Vec<&StateMachineRecord> = registry.machines.values().collect();
    all.sort_by_key(|m| m.seq);
    let request = PageRequest {
        scope: "ListStateMachines".to_owned(),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::PAGE_TOKEN,
    };
    let items = all.into_iter().map(|m| {
        (
            m.seq,
            StateMachineListItem {
                creation_date: m.creation_date,
                name: m.name.clone(),
                state_machine_arn: m.arn.to_string(),
                r#type: m.current.machine_type.clone(),
            },
        )
    });
    let page = page(core, request, false, items)?;
    Ok(ListStateMachinesOutput {
        state_machines: page.items,
        next_token: page.next_token,
    })
}

/// UpdateStateMachine: needs a definition or a roleArn; running executions
/// keep the version they started with.
pub fn update(
    core: &Arc<Core>,
    input: UpdateStateMachineInput,
) -> ApiResult<UpdateStateMachineOutput> {
    validate::arn("stateMachineArn", &input.state_machine_arn)?;
    let name = core.arns.state_machine_name(&input.state_machine_arn)?;
    if input.definition.is_none() && input.role_arn.is_none() {
        return Err(ApiError::new(
            ErrorCode::MissingRequiredParameter,
            "Either the definition or the roleArn must be specified.",
        ));
    }
    if let Some(role_arn) = &input.role_arn {
        check_role_arn(role_arn)?;
    }
    check_logging(input.logging_configuration.as_ref())?;
    validate::optional_length(
        "versionDescription",
        input.version_description.as_deref(),
        limits::VERSION_DESCRIPTION,
    )?;
    check_description_needs_publish(input.version_description.as_deref(), input.publish)?;
    let machine_type = core
        .registry
        .lock()
        .machines
        .get(&name)
        .map(|m| m.current.machine_type.clone())
        .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
    let parsed = match &input.definition {
        Some(text) => {
            validate::length("definition", text, limits::DEFINITION)?;
            let definition = parse_for(text, &machine_type)?;
            Some((text.clone(), Arc::new(definition)))
        }
        None => None,
    };
    let now = Timestamp::from_epoch_millis(core.now_millis());
    let mut registry = core.registry.lock();
    let machine = registry
        .machines
        .get_mut(&name)
        .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
    if machine.deleting {
        return Err(machine_deleting(&machine.arn));
    }
    let old = &machine.current;
    let (definition_text, definition) =
        parsed.unwrap_or_else(|| (old.definition_text.clone(), old.definition.clone()));
    let version = MachineVersion {
        definition_text,
        definition,
        role_arn: input
            .role_arn
            .map(Arc::from)
            .unwrap_or_else(|| old.role_arn.clone()),
        machine_type: old.machine_type.clone(),
        logging: input.logging_configuration.or_else(|| old.logging.clone()),
        tracing: input.tracing_configuration.or_else(|| old.tracing.clone()),
        update_date: now,
        revision_id: new_revision_id(),
    };
    let revision_id = version.revision_id.clone();
    machine.current = Arc::new(version);
    let version_arn = match input.publish {
        Some(true) => Some(publish_current(core, machine, input.version_description, now)?.0),
        _ => None,
    };
    Ok(UpdateStateMachineOutput {
        update_date: now,
        revision_id: Some(revision_id),
        state_machine_version_arn: version_arn.map(|a| a.to_string()),
    })
}

/// DeleteStateMachine: DELETING until its running executions end (each
/// fails at its next transition), then gone.
pub fn delete(
    core: &Arc<Core>,
    input: DeleteStateMachineInput,
) -> ApiResult<DeleteStateMachineOutput> {
    validate::arn("stateMachineArn", &input.state_machine_arn)?;
    let name = core.arns.state_machine_name(&input.state_machine_arn)?;
    let mut registry = core.registry.lock();
    let remove_now = match registry.machines.get_mut(&name) {
        Some(machine) => {
            machine.deleting = true;
            machine
                .deletion_flag
                .store(true, std::sync::atomic::Ordering::SeqCst);
            machine.running == 0
        }
        None => false,
    };
    if remove_now {
        registry.machines.remove(&name);
    }
    Ok(DeleteStateMachineOutput {})
}

/// DescribeStateMachineForExecution: the version the execution runs.
pub fn describe_for_execution(
    core: &Arc<Core>,
    input: DescribeStateMachineForExecutionInput,
) -> ApiResult<DescribeStateMachineForExecutionOutput> {
    validate::arn("executionArn", &input.execution_arn)?;
    check_included_data(input.included_data.as_ref())?;
    let child_of = map_run_and_label(core, &input.execution_arn);
    // Map Run children, EXPRESS ones included, are described as
    // DescribeExecution describes them; any other ARN must name a STANDARD
    // execution of this engine.
    if child_of.is_none() {
        core.arns.check_execution(&input.execution_arn)?;
    }
    let execution = core
        .registry
        .lock()
        .execution(&input.execution_arn)
        .cloned()
        .ok_or_else(|| execution_does_not_exist(&input.execution_arn))?;
    let (map_run_arn, label) = child_of.unzip();
    // A Map Run child runs the item processor under the Map Run's own state
    // machine (`stateMachine:<machine>/<label>`), which its version holds.
    let version = &execution.version;
    Ok(DescribeStateMachineForExecutionOutput {
        definition: version.definition_text.clone(),
        name: execution.state_machine_name.to_string(),
        role_arn: version.role_arn.to_string(),
        state_machine_arn: execution.state_machine_arn.to_string(),
        update_date: version.update_date,
        revision_id: Some(version.revision_id.clone()),
        logging_configuration: Some(logging_or_default(version.logging.as_ref())),
        tracing_configuration: version.tracing.clone(),
        map_run_arn,
        label,
        ..Default::default()
    })
}

/// The Map Run ARN and label of a Distributed Map child execution; `None`
/// for any other execution, as AWS returns them only for children.
fn map_run_and_label(core: &Core, execution_arn: &str) -> Option<(String, String)> {
    let registry = core.registry.lock();
    let run = registry.map_runs.of_child(execution_arn)?;
    // Children show `<machine>/<label>`; a machine name cannot hold `/`,
    // so the label is everything after the first one.
    let label = run
        .child_machine_name
        .split_once('/')
        .map_or_else(String::new, |(_, label)| label.to_owned());
    Some((run.arn.to_string(), label))
}

/// Parses `text` as a definition for a machine of `machine_type`
/// (EXPRESS machines also refuse activities and callback patterns).
fn parse_for(text: &str, machine_type: &StateMachineType) -> ApiResult<Definition> {
    let invalid = |e: DefinitionError| ApiError::new(ErrorCode::InvalidDefinition, e.to_string());
    let definition = parse_definition(text).map_err(invalid)?;
    if let Some(problem) = first_label_problem(&definition) {
        return Err(ApiError::new(
            ErrorCode::InvalidDefinition,
            label_error_message(&problem, text),
        ));
    }
    if *machine_type == StateMachineType::Express {
        let problems = express_diagnostics(&definition);
        if !problems.is_empty() {
            return Err(invalid(DefinitionError::new(problems)));
        }
    }
    Ok(definition)
}

/// AWS refuses a `versionDescription` without `publish: true` (recorded
/// answer: LocalStack's `test_sfn_api_versioning.snapshot.json`,
/// `test_create_with_version_description_no_publish`).
fn check_description_needs_publish(
    description: Option<&str>,
    publish: Option<bool>,
) -> ApiResult<()> {
    if description.is_some() && publish != Some(true) {
        return Err(ApiError::validation(
            "Version description can only be set when publish is true",
        ));
    }
    Ok(())
}

fn new_revision_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A role ARN must look like an IAM ARN (nothing checks the role exists).
fn check_role_arn(role_arn: &str) -> ApiResult<()> {
    validate::arn("roleArn", role_arn)?;
    let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
    if parts.len() == 6 && parts[0] == "arn" && !parts[2].is_empty() && !parts[5].is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_arn(role_arn, "Invalid role ARN"))
    }
}

fn check_type(machine_type: &StateMachineType) -> ApiResult<()> {
    match machine_type {
        StateMachineType::Standard | StateMachineType::Express => Ok(()),
        other => validate::enum_value("type", other.as_str(), StateMachineType::VALUES),
    }
}

fn check_logging(logging: Option<&LoggingConfiguration>) -> ApiResult<()> {
    let Some(level) = logging.and_then(|l| l.level.as_ref()) else {
        return Ok(());
    };
    validate::enum_value(
        "loggingConfiguration.level",
        level.as_str(),
        LogLevel::VALUES,
    )
}

fn check_included_data(included: Option<&IncludedData>) -> ApiResult<()> {
    included.map_or(Ok(()), |v| {
        validate::enum_value("includedData", v.as_str(), IncludedData::VALUES)
    })
}

/// AWS reports logging as `{"level":"OFF","includeExecutionData":false}`
/// when none was set.
fn logging_or_default(logging: Option<&LoggingConfiguration>) -> LoggingConfiguration {
    logging.cloned().unwrap_or(LoggingConfiguration {
        level: Some(LogLevel::Off),
        include_execution_data: Some(false),
        destinations: None,
    })
}

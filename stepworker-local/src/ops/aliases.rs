//! CreateStateMachineAlias, DescribeStateMachineAlias,
//! UpdateStateMachineAlias, DeleteStateMachineAlias, ListStateMachineAliases.

use std::sync::Arc;

use stepworker::model::{
    CreateStateMachineAliasInput, CreateStateMachineAliasOutput, DeleteStateMachineAliasInput,
    DeleteStateMachineAliasOutput, DescribeStateMachineAliasInput, DescribeStateMachineAliasOutput,
    ErrorCode, ListStateMachineAliasesInput, ListStateMachineAliasesOutput,
    RoutingConfigurationListItem, StateMachineAliasListItem, Timestamp,
    UpdateStateMachineAliasInput, UpdateStateMachineAliasOutput,
};

use super::lookup::{machine_deleting, machine_does_not_exist};
use super::page::{page, PageRequest};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::store::{AliasRecord, Registry, StateMachineRecord, MAX_ALIASES};
use crate::validate::{self, limits};

/// Versions an alias may route to.
const MAX_ROUTES: usize = 2;
/// What the weights of an alias add up to.
const TOTAL_WEIGHT: i32 = 100;

/// CreateStateMachineAlias. The state machine is the one of the routed
/// versions. Idempotent when description and routing match.
pub fn create(
    core: &Arc<Core>,
    input: CreateStateMachineAliasInput,
) -> ApiResult<CreateStateMachineAliasOutput> {
    alias_name(&input.name)?;
    validate::optional_length(
        "description",
        input.description.as_deref(),
        limits::ALIAS_DESCRIPTION,
    )?;
    let (machine_name, routing) = routing(core, &input.routing_configuration)?;
    let now = Timestamp::from_epoch_millis(core.now_millis());
    let mut registry = core.registry.lock();
    let seq = registry.next_seq();
    let machine = routed_machine(&mut registry, core, &machine_name, &routing)?;
    if let Some(existing) = machine.published.aliases.get(&input.name) {
        if existing.routing == routing && existing.description == input.description {
            return Ok(CreateStateMachineAliasOutput {
                state_machine_alias_arn: existing.arn.to_string(),
                creation_date: existing.creation_date,
            });
        }
        return Err(ApiError::new(
            ErrorCode::ConflictException,
            format!(
                "Alias '{}' already exists with another configuration",
                existing.arn
            ),
        ));
    }
    if machine.published.aliases.len() >= MAX_ALIASES {
        return Err(ApiError::new(
            ErrorCode::ServiceQuotaExceededException,
            format!(
                "The state machine '{}' has the maximum number of aliases ({MAX_ALIASES})",
                machine.arn
            ),
        ));
    }
    let arn: Arc<str> = Arc::from(core.arns.alias_arn(&machine_name, &input.name));
    machine.published.aliases.insert(
        input.name.clone(),
        AliasRecord {
            seq,
            name: input.name,
            arn: arn.clone(),
            description: input.description,
            routing,
            creation_date: now,
            update_date: now,
        },
    );
    Ok(CreateStateMachineAliasOutput {
        state_machine_alias_arn: arn.to_string(),
        creation_date: now,
    })
}

/// DescribeStateMachineAlias.
pub fn describe(
    core: &Arc<Core>,
    input: DescribeStateMachineAliasInput,
) -> ApiResult<DescribeStateMachineAliasOutput> {
    validate::arn("stateMachineAliasArn", &input.state_machine_alias_arn)?;
    let (machine_name, alias) = core.arns.alias(&input.state_machine_alias_arn)?;
    let registry = core.registry.lock();
    let record = registry
        .machines
        .get(&machine_name)
        .and_then(|m| m.published.aliases.get(&alias))
        .ok_or_else(|| not_found(&input.state_machine_alias_arn))?;
    Ok(DescribeStateMachineAliasOutput {
        state_machine_alias_arn: Some(record.arn.to_string()),
        name: Some(record.name.clone()),
        description: record.description.clone(),
        routing_configuration: Some(routing_to_wire(core, &machine_name, &record.routing)),
        creation_date: Some(record.creation_date),
        update_date: Some(record.update_date),
    })
}

/// UpdateStateMachineAlias: a new description, new routing, or both.
pub fn update(
    core: &Arc<Core>,
    input: UpdateStateMachineAliasInput,
) -> ApiResult<UpdateStateMachineAliasOutput> {
    validate::arn("stateMachineAliasArn", &input.state_machine_alias_arn)?;
    validate::optional_length(
        "description",
        input.description.as_deref(),
        limits::ALIAS_DESCRIPTION,
    )?;
    let (machine_name, alias) = core.arns.alias(&input.state_machine_alias_arn)?;
    if input.description.is_none() && input.routing_configuration.is_none() {
        return Err(ApiError::validation(
            "Either the description or the routingConfiguration must be specified",
        ));
    }
    let new_routing = match &input.routing_configuration {
        Some(items) => {
            let (routed_machine_name, routing) = routing(core, items)?;
            if routed_machine_name != machine_name {
                return Err(ApiError::validation(
                    "The routed versions must belong to the alias's state machine",
                ));
            }
            Some(routing)
        }
        None => None,
    };
    let now = Timestamp::from_epoch_millis(core.now_millis());
    let mut registry = core.registry.lock();
    let machine = match &new_routing {
        Some(routing) => routed_machine(&mut registry, core, &machine_name, routing)?,
        None => registry
            .machines
            .get_mut(&machine_name)
            .ok_or_else(|| not_found(&input.state_machine_alias_arn))?,
    };
    if machine.deleting {
        return Err(machine_deleting(&machine.arn));
    }
    let record = machine
        .published
        .aliases
        .get_mut(&alias)
        .ok_or_else(|| not_found(&input.state_machine_alias_arn))?;
    if let Some(routing) = new_routing {
        record.routing = routing;
    }
    if input.description.is_some() {
        record.description = input.description;
    }
    record.update_date = now;
    Ok(UpdateStateMachineAliasOutput { update_date: now })
}

/// DeleteStateMachineAlias. Executions started through it keep running.
pub fn delete(
    core: &Arc<Core>,
    input: DeleteStateMachineAliasInput,
) -> ApiResult<DeleteStateMachineAliasOutput> {
    validate::arn("stateMachineAliasArn", &input.state_machine_alias_arn)?;
    let (machine_name, alias) = core.arns.alias(&input.state_machine_alias_arn)?;
    let mut registry = core.registry.lock();
    registry
        .machines
        .get_mut(&machine_name)
        .and_then(|m| m.published.aliases.remove(&alias))
        .ok_or_else(|| not_found(&input.state_machine_alias_arn))?;
    Ok(DeleteStateMachineAliasOutput {})
}

/// ListStateMachineAliases, newest first.
pub fn list(
    core: &Arc<Core>,
    input: ListStateMachineAliasesInput,
) -> ApiResult<ListStateMachineAliasesOutput> {
    validate::arn("stateMachineArn", &input.state_machine_arn)?;
    let machine_name = core.arns.state_machine_name(&input.state_machine_arn)?;
    let registry = core.registry.lock();
    let machine = registry
        .machines
        .get(&machine_name)
        .ok_or_else(|| machine_does_not_exist(&input.state_machine_arn))?;
    if machine.deleting {
        return Err(machine_deleting(&machine.arn));
    }
    let mut aliases: Vec<&AliasRecord> = machine.published.aliases.values().collect();
    aliases.sort_by_key(|a| std::cmp::Reverse(a.seq));
    let request = PageRequest {
        scope: format!("ListStateMachineAliases|{}", machine.arn),
        next_token: input.next_token.as_deref(),
        max_results: input.max_results,
        token_limits: limits::PAGE_TOKEN,
    };
    let items = aliases.into_iter().map(|a| {
        (
            a.seq,
            StateMachineAliasListItem {
                state_machine_alias_arn: a.arn.to_string(),
                creation_date: a.creation_date,
            },
        )
    });
    let page = page(core, request, true, items)?;
    Ok(ListStateMachineAliasesOutput {
        state_machine_aliases: page.items,
        next_token: page.next_token,
    })
}

/// An alias name: 1-80 of `[a-zA-Z0-9_.-]` with at least one character
/// that is not a digit (all-digit qualifiers are version numbers).
fn alias_name(name: &str) -> ApiResult<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let valid = (limits::NAME.0..=limits::NAME.1).contains(&name.chars().count())
        && name.chars().all(allowed)
        && name.chars().any(|c| !c.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidName,
            format!("Invalid Name: '{name}'"),
        ))
    }
}

/// Checks a routing configuration's shape: 1-2 distinct versions of one
/// state machine, weights 0-100 summing to 100. The machine name and the
/// routes as version numbers.
fn routing(
    core: &Core,
    items: &[RoutingConfigurationListItem],
) -> ApiResult<(String, Vec<(u64, i32)>)> {
    if items.is_empty() || items.len() > MAX_ROUTES {
        return Err(ApiError::validation(format!(
            "routingConfiguration must route to 1 to {MAX_ROUTES} versions"
        )));
    }
    let mut machine: Option<String> = None;
    let mut routes = Vec::with_capacity(items.len());
    for item in items {
        validate::arn("stateMachineVersionArn", &item.state_machine_version_arn)?;
        let (name, number) = core.arns.version(&item.state_machine_version_arn)?;
        if machine.get_or_insert_with(|| name.clone()) != &name {
            return Err(ApiError::validation(
                "Every routed version must belong to the same state machine",
            ));
        }
        if !(0..=TOTAL_WEIGHT).contains(&item.weight) {
            return Err(ApiError::constraint(
                "weight",
                "Member must have value between 0 and 100",
            ));
        }
        if routes.iter().any(|(n, _)| *n == number) {
            return Err(ApiError::validation(
                "routingConfiguration must not route to the same version twice",
            ));
        }
        routes.push((number, item.weight));
    }
    if routes.iter().map(|(_, w)| w).sum::<i32>() != TOTAL_WEIGHT {
        return Err(ApiError::validation(format!(
            "The weights of routingConfiguration must add up to {TOTAL_WEIGHT}"
        )));
    }
    Ok((machine.unwrap_or_default(), routes))
}

/// The state machine an alias routes in, once every routed version exists.
fn routed_machine<'r>(
    registry: &'r mut Registry,
    core: &Core,
    machine_name: &str,
    routing: &[(u64, i32)],
) -> ApiResult<&'r mut StateMachineRecord> {
    let machine = registry
        .machines
        .get_mut(machine_name)
        .ok_or_else(|| not_found(&core.arns.state_machine(machine_name)))?;
    if machine.deleting {
        return Err(machine_deleting(&machine.arn));
    }
    if let Some((missing, _)) = routing
        .iter()
        .find(|(n, _)| !machine.published.versions.contains_key(n))
    {
        return Err(not_found(&core.arns.version_arn(machine_name, *missing)));
    }
    Ok(machine)
}

fn routing_to_wire(
    core: &Core,
    machine_name: &str,
    routing: &[(u64, i32)],
) -> Vec<RoutingConfigurationListItem> {
    routing
        .iter()
        .map(|(number, weight)| RoutingConfigurationListItem {
            state_machine_version_arn: core.arns.version_arn(machine_name, *number),
            weight: *weight,
        })
        .collect()
}

fn not_found(arn: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ResourceNotFound,
        format!("Resource not found: '{arn}'"),
    )
}

//! Map items and limits in either language.

use serde_json::Value;

use super::env;
use crate::asl::definition::{MapJsonata, MapState, State};
use crate::asl::errors;
use crate::asl::jsonata::JsonataTemplate;
use crate::asl::jsonpath;
use crate::asl::jsonpath::map::{map_iteration_inputs, set_map_item, MapLimits};
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;

/// The input of every iteration. JSONata: `Items` (the state input when
/// absent) must be an array; `ItemSelector` sees the item as
/// `$states.context.Map.Item.Value` and its index as `...Index`.
pub fn map_inputs(
    state: &State,
    map: &MapState,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<Vec<Value>, StatesError> {
    let Some(jsonata) = &map.jsonata else {
        return map_iteration_inputs(state, map, raw, scope);
    };
    let env_items = env(raw, None, None, scope);
    let items = match &jsonata.items {
        Some(JsonataTemplate::Expression(expression)) => {
            match env_items.value(expression, "Items")? {
                Value::Array(items) => items,
                other => {
                    return Err(env_items.unexpected_type(expression, "Items", "array", &other))
                }
            }
        }
        Some(items) => match items.render(&env_items, "Items")? {
            Value::Array(items) => items,
            other => return Err(input_not_an_array(&other)),
        },
        None => match raw {
            Value::Array(items) => items.clone(),
            other => return Err(input_not_an_array(other)),
        },
    };
    let Some(selector) = &jsonata.item_selector else {
        return Ok(items);
    };
    let mut context = scope.context.value().clone();
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            set_map_item(&mut context, index, item);
            let item_scope = Scope {
                context: &context,
                variables: scope.variables,
            };
            selector.render(&env(raw, None, None, item_scope), "ItemSelector")
        })
        .collect()
}

/// AWS's answer to a JSONata Map state whose input is not an array
/// (recorded: LocalStack's `test_base_scenarios.snapshot.json`,
/// `test_map_state_items_input_types[boolean]`: an `EvaluationFailed`
/// event with no location, then `MapStateFailed`).
fn input_not_an_array(input: &Value) -> StatesError {
    StatesError::new(
        errors::QUERY_EVALUATION_ERROR,
        format!("Map state input must be an array but was: {input}"),
    )
}

/// `MaxConcurrency` and the tolerated failure thresholds.
pub fn map_limits(
    state: &State,
    map: &MapState,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<MapLimits, StatesError> {
    let Some(jsonata) = &map.jsonata else {
        return jsonpath::map::map_limits(state, map, raw, &scope);
    };
    let MapJsonata {
        max_concurrency,
        tolerated_failure_count,
        tolerated_failure_percentage,
        ..
    } = jsonata.as_ref();
    let env = env(raw, None, None, scope);
    let number = |template: &Option<JsonataTemplate>, field: &str, max: f64| {
        let Some(template) = template else {
            return Ok(None);
        };
        let value = template.render(&env, field)?;
        match value.as_f64().filter(|n| (0.0..=max).contains(n)) {
            Some(n) => Ok(Some(n)),
            None => Err(StatesError::query_evaluation(
                field,
                format!(
                    "The field '{field}' of the state '{}' must give a number between 0 and {max}, got {value}",
                    state.name
                ),
            )),
        }
    };
    Ok(MapLimits {
        max_concurrency: number(max_concurrency, "MaxConcurrency", f64::MAX)?
            .map_or(0, |n| n as u64),
        tolerated_count: number(tolerated_failure_count, "ToleratedFailureCount", f64::MAX)?
            .map(|n| n as u64),
        tolerated_percentage: number(
            tolerated_failure_percentage,
            "ToleratedFailurePercentage",
            100.0,
        )?,
    })
}

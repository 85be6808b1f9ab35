//! The pure parts of an inline Map state: the items and the input of each
//! iteration, its concurrency, and when failed iterations fail the state.

use serde_json::{json, Value};

use super::io::apply_input_path;
use super::wait::plain;
use crate::asl::definition::{MapState, NumberSource, ProcessorMode, State};
use crate::asl::errors;
use crate::asl::path::{invalid_path_message, DataScope, Path, Scope};
use crate::asl::states_error::StatesError;

/// How many iterations may run at once and how many may fail.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MapLimits {
    /// At most this many iterations at once; 0 means no limit.
    pub max_concurrency: u64,
    /// `ToleratedFailureCount`, when set.
    pub tolerated_count: Option<u64>,
    /// `ToleratedFailurePercentage`, when set.
    pub tolerated_percentage: Option<f64>,
}

impl MapLimits {
    /// True when `failed` failures out of `total` items fail the Map state.
    /// With neither threshold set, any failure does (AWS's inline Map).
    pub fn exceeded(&self, failed: usize, total: usize) -> bool {
        if self.tolerated_count.is_none() && self.tolerated_percentage.is_none() {
            return failed > 0;
        }
        let over_count = self.tolerated_count.is_some_and(|n| failed as u64 > n);
        let over_percentage = self.tolerated_percentage.is_some_and(|pct| {
            let total = total.max(1) as f64;
            (failed as f64) * 100.0 / total > pct
        });
        over_count || over_percentage
    }

    /// The error the Map state fails with once an iteration failed with
    /// `iteration_error` and the limits are exceeded: the iteration's own
    /// error without thresholds, else `States.ExceedToleratedFailureThreshold`.
    pub fn failure(&self, iteration_error: StatesError) -> StatesError {
        if self.tolerated_count.is_none() && self.tolerated_percentage.is_none() {
            return iteration_error;
        }
        StatesError::new(
            errors::EXCEED_TOLERATED_FAILURE_THRESHOLD,
            "The specified tolerated failure threshold was exceeded",
        )
    }
}

/// The result a tolerated failed iteration leaves at its index.
///
/// AWS documents no inline-Map output for a tolerated failure; we keep the
/// output one entry per item, as the Map result always is, and put the
/// error there the way a Catch would.
pub fn tolerated_failure_output(error: &str, cause: &str) -> Value {
    json!({ "Error": error, "Cause": cause })
}

/// The input of every iteration, in item order: the array at `ItemsPath`
/// of the input after `InputPath`, each item through `ItemSelector` (which
/// reads `$$.Map.Item.Index` and `$$.Map.Item.Value`) when there is one.
/// Paths may read the variables of `scope` (`$name`).
pub fn map_iteration_inputs(
    state: &State,
    map: &MapState,
    raw_input: &Value,
    scope: Scope<'_>,
) -> Result<Vec<Value>, StatesError> {
    check_item_sources(state, map)?;
    let input = apply_input_path(state, raw_input, &scope)?;
    let items = map.items_path.select(&input, &scope).map_err(|e| {
        StatesError::runtime(
            e.limit_cause()
                .unwrap_or_else(|| invalid_path_message(&map.items_path, &input, &scope)),
        )
    })?;
    let Value::Array(items) = items else {
        return Err(not_an_array(&map.items_path));
    };
    let Some(selector) = &map.item_selector else {
        return Ok(items);
    };
    let mut item_ctx = scope.context.value().clone();
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            set_map_item(&mut item_ctx, index, item);
            let item_scope = Scope {
                context: &item_ctx,
                variables: scope.variables,
            };
            selector.render(&input, &item_scope)
        })
        .collect()
}

/// Puts `$$.Map.Item.Index` and `$$.Map.Item.Value` in the context object
/// an `ItemSelector` reads for one item.
pub(crate) fn set_map_item(context: &mut Value, index: usize, item: Value) {
    if let Value::Object(root) = context {
        root.insert(
            "Map".into(),
            json!({ "Item": { "Index": index, "Value": item } }),
        );
    }
}

/// Refuses what this engine cannot run: `ItemReader` and `ResultWriter`
/// read and write Amazon S3, which stepworker-local does not have, and
/// `ItemBatcher` belongs to Distributed mode.
///
/// Failing at run time with `States.Runtime` keeps definitions that use
/// them deployable (as on AWS) while saying plainly what is missing.
pub fn check_item_sources(state: &State, map: &MapState) -> Result<(), StatesError> {
    let no_s3 = |field: &str| {
        Err(StatesError::runtime(format!(
            "The Map state '{}' uses {field}, which reads or writes Amazon S3: stepworker-local has no S3, so it cannot run it.",
            state.name
        )))
    };
    if map.item_reader.is_some() {
        return no_s3("ItemReader");
    }
    if map.result_writer.is_some() {
        return no_s3("ResultWriter");
    }
    if map.item_batcher.is_some() && map.processor_mode != ProcessorMode::Distributed {
        return Err(StatesError::runtime(format!(
            "The Map state '{}' uses ItemBatcher, which only a Map state in DISTRIBUTED mode may use.",
            state.name
        )));
    }
    Ok(())
}

/// `MaxConcurrency`, `ToleratedFailureCount` and `ToleratedFailurePercentage`
/// with their `...Path` forms read from the input after `InputPath` or
/// from the variables of `scope` (`$name`).
pub fn map_limits(
    state: &State,
    map: &MapState,
    raw_input: &Value,
    scope: &dyn DataScope,
) -> Result<MapLimits, StatesError> {
    let input = apply_input_path(state, raw_input, scope)?;
    let count = |field: &str, source: Option<&NumberSource>| {
        resolve(field, source, &input, scope, Bound::Count)
    };
    Ok(MapLimits {
        max_concurrency: count("MaxConcurrencyPath", map.max_concurrency.as_ref())?
            .map_or(0, |n| n as u64),
        tolerated_count: count(
            "ToleratedFailureCountPath",
            map.tolerated_failure_count.as_ref(),
        )?
        .map(|n| n as u64),
        tolerated_percentage: resolve(
            "ToleratedFailurePercentagePath",
            map.tolerated_failure_percentage.as_ref(),
            &input,
            scope,
            Bound::Percentage,
        )?,
    })
}

/// What a `...Path` number may be.
#[derive(Clone, Copy)]
enum Bound {
    /// A whole number, 0 or more.
    Count,
    /// A number from 0 to 100.
    Percentage,
}

fn resolve(
    field: &str,
    source: Option<&NumberSource>,
    input: &Value,
    scope: &dyn DataScope,
    bound: Bound,
) -> Result<Option<f64>, StatesError> {
    let path = match source {
        None => return Ok(None),
        Some(NumberSource::Literal(n)) => return Ok(Some(*n)),
        Some(NumberSource::Path(path)) => path,
    };
    let value = path.select(input, scope).map_err(|e| {
        StatesError::runtime(
            e.limit_cause()
                .unwrap_or_else(|| invalid_path_message(path, input, scope)),
        )
    })?;
    let number = match bound {
        Bound::Count => value.as_i64().map(|n| n as f64),
        Bound::Percentage => value.as_f64(),
    };
    // Field names without `Path`, as AWS names them when out of range.
    let name = field.trim_end_matches("Path");
    let Some(number) = number else {
        let kind = match bound {
            Bound::Count => "integer",
            Bound::Percentage => "float",
        };
        return Err(StatesError::runtime(format!(
            "The {field} field refers to value \"{}\" which is not a valid {kind}: {}",
            plain(&value),
            path.as_str()
        )));
    };
    match bound {
        Bound::Count if number < 0.0 => {
            Err(StatesError::runtime(format!("{name} cannot be negative.")))
        }
        Bound::Percentage if !(0.0..=100.0).contains(&number) => Err(StatesError::runtime(
            format!("{name} must be between 0 and 100."),
        )),
        _ => Ok(Some(number)),
    }
}

/// AWS's answer to an `ItemsPath` that names something other than an
/// array (recorded for TestState: LocalStack's
/// `test_state_context_object.snapshot.json`, `test_state_map_context_object`:
/// `Reference path "$.Execution.Input" must point to array.`, a `$$` path
/// written with one `$`).
fn not_an_array(items_path: &Path) -> StatesError {
    let text = items_path.as_str();
    let written = text
        .strip_prefix('$')
        .filter(|rest| rest.starts_with('$'))
        .unwrap_or(text);
    StatesError::runtime(format!("Reference path \"{written}\" must point to array."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_thresholds_one_failure_fails_the_map_with_its_own_error() {
        let limits = MapLimits::default();
        assert!(!limits.exceeded(0, 3));
        assert!(limits.exceeded(1, 3));
        let own = StatesError::new("Custom", "boom");
        assert_eq!(limits.failure(own.clone()), own);
    }

    #[test]
    fn thresholds_fail_the_map_once_either_is_passed() {
        let limits = MapLimits {
            tolerated_count: Some(1),
            tolerated_percentage: Some(50.0),
            ..MapLimits::default()
        };
        assert!(!limits.exceeded(1, 4));
        assert!(limits.exceeded(2, 4), "2 failures > count 1");
        let by_percent = MapLimits {
            tolerated_percentage: Some(25.0),
            ..MapLimits::default()
        };
        assert!(!by_percent.exceeded(1, 4));
        assert!(by_percent.exceeded(2, 4));
        let error = by_percent.failure(StatesError::new("Custom", "boom")).error;
        assert_eq!(error, errors::EXCEED_TOLERATED_FAILURE_THRESHOLD);
    }
}

//! The inputs of a Map Run's children: one per item, or one per batch when
//! the state has an `ItemBatcher` (developer guide, "ItemBatcher (Map)"):
//! `{"BatchInput": ..., "Items": [...]}`, a batch holding at most
//! `MaxItemsPerBatch` items and `MaxInputBytesPerBatch` bytes of input.

use serde_json::{Map, Value};

use crate::asl::path::Path;
use crate::asl::{self, MapState, State, StatesError};

/// Largest `MaxInputBytesPerBatch` AWS accepts: the payload quota.
const MAX_BATCH_BYTES: u64 = asl::MAX_PAYLOAD_BYTES as u64;

/// One child's input and the number of items it carries.
pub(crate) struct ChildInput {
    /// The input.
    pub value: Value,
    /// Items in it (1 without batching).
    pub items: usize,
}

/// How items are grouped, read from `ItemBatcher`.
struct Batching {
    max_items: usize,
    max_bytes: usize,
    batch_input: Option<Value>,
}

/// Groups `items` into child inputs as the state's `ItemBatcher` says (one
/// child per item without it). Size limits read `...Path` fields from
/// `input`, the state input after `InputPath`.
pub(crate) fn child_inputs(
    state: &State,
    map: &MapState,
    input: &Value,
    items: Vec<Value>,
) -> Result<Vec<ChildInput>, StatesError> {
    let Some(batcher) = &map.item_batcher else {
        return Ok(items
            .into_iter()
            .map(|value| ChildInput { value, items: 1 })
            .collect());
    };
    let batching = batching(state, batcher, input)?;
    Ok(batch(items, &batching))
}

fn batching(state: &State, batcher: &Value, input: &Value) -> Result<Batching, StatesError> {
    let limit = |field: &str| positive(state, batcher, field, input);
    let max_items = limit("MaxItemsPerBatch")?.unwrap_or(u64::MAX);
    let max_bytes = limit("MaxInputBytesPerBatch")?.unwrap_or(MAX_BATCH_BYTES);
    if max_bytes > MAX_BATCH_BYTES {
        return Err(field_error(
            state,
            "MaxInputBytesPerBatch",
            &format!("must be at most {MAX_BATCH_BYTES} bytes, got {max_bytes}"),
        ));
    }
    Ok(Batching {
        max_items: usize::try_from(max_items).unwrap_or(usize::MAX),
        max_bytes: usize::try_from(max_bytes).unwrap_or(usize::MAX),
        // AWS documents BatchInput as fixed JSON added to every batch; it is
        // passed on as written.
        batch_input: batcher.get("BatchInput").cloned(),
    })
}

/// `field` or `fieldPath` of the batcher: a whole number above zero.
fn positive(
    state: &State,
    batcher: &Value,
    field: &str,
    input: &Value,
) -> Result<Option<u64>, StatesError> {
    let path_field = format!("{field}Path");
    let value = match (batcher.get(field), batcher.get(&path_field)) {
        (Some(value), _) => value.clone(),
        (None, Some(Value::String(text))) => {
            let path = Path::parse(text).map_err(|e| {
                field_error(state, &path_field, &format!("is not a valid path: {e}"))
            })?;
            path.select(input, &Value::Null).map_err(|e| {
                let why = e
                    .limit_cause()
                    .unwrap_or_else(|| format!("'{text}' selects nothing in the input"));
                field_error(state, &path_field, &why)
            })?
        }
        (None, Some(other)) => {
            return Err(field_error(
                state,
                &path_field,
                &format!("must be a path, got {other}"),
            ))
        }
        (None, None) => return Ok(None),
    };
    match value.as_u64() {
        Some(n) if n > 0 => Ok(Some(n)),
        _ => Err(field_error(
            state,
            field,
            &format!("must be a positive integer, got {value}"),
        )),
    }
}

fn field_error(state: &State, field: &str, problem: &str) -> StatesError {
    StatesError::runtime(format!(
        "The field 'ItemBatcher.{field}' of the state '{}' {problem}",
        state.name
    ))
}

/// Fills batches in item order, starting a new one when the next item
/// would pass either limit. An item larger than the byte limit alone goes
/// in a batch of its own; the payload quota still bounds that input.
fn batch(items: Vec<Value>, batching: &Batching) -> Vec<ChildInput> {
    let empty_bytes = batch_value(batching, Vec::new()).to_string().len();
    let mut batches = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let mut bytes = empty_bytes;
    for item in items {
        let item_bytes = item.to_string().len() + usize::from(!current.is_empty());
        let full = current.len() >= batching.max_items || bytes + item_bytes > batching.max_bytes;
        if full && !current.is_empty() {
            batches.push(std::mem::take(&mut current));
            bytes = empty_bytes;
        }
        bytes += item.to_string().len() + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
        .into_iter()
        .map(|items| ChildInput {
            items: items.len(),
            value: batch_value(batching, items),
        })
        .collect()
}

fn batch_value(batching: &Batching, items: Vec<Value>) -> Value {
    let mut object = Map::new();
    if let Some(batch_input) = &batching.batch_input {
        object.insert("BatchInput".into(), batch_input.clone());
    }
    object.insert("Items".into(), Value::Array(items));
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn batching(max_items: usize, max_bytes: usize) -> Batching {
        Batching {
            max_items,
            max_bytes,
            batch_input: Some(json!({"run": 1})),
        }
    }

    #[test]
    fn batches_hold_at_most_max_items_in_item_order() {
        let items: Vec<Value> = (0..5).map(Value::from).collect();
        let batches = batch(items, &batching(2, 1000));
        let values: Vec<Value> = batches.iter().map(|b| b.value.clone()).collect();
        assert_eq!(
            values,
            vec![
                json!({"BatchInput": {"run": 1}, "Items": [0, 1]}),
                json!({"BatchInput": {"run": 1}, "Items": [2, 3]}),
                json!({"BatchInput": {"run": 1}, "Items": [4]}),
            ]
        );
        assert_eq!(batches.iter().map(|b| b.items).sum::<usize>(), 5);
    }

    #[test]
    fn batches_stay_within_the_byte_limit() {
        let items: Vec<Value> = (0..6).map(|i| json!(format!("item-{i}"))).collect();
        let limit = 60;
        let batches = batch(items, &batching(100, limit));
        assert!(batches.len() > 1);
        for b in &batches {
            assert!(b.value.to_string().len() <= limit, "{}", b.value);
        }
        assert_eq!(batches.iter().map(|b| b.items).sum::<usize>(), 6);
    }
}

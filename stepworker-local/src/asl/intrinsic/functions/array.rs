//! Array intrinsics: ArrayPartition, ArrayContains, ArrayRange,
//! ArrayGetItem, ArrayLength, ArrayUnique (`States.Array` needs no code).

use serde_json::Value;

use super::args;
use crate::asl::intrinsic::error::IntrinsicError;

/// AWS caps `States.ArrayRange` at 1,000 elements.
const MAX_RANGE_LEN: usize = 1000;

/// `States.ArrayPartition(array, chunkSize)`: chunks of `chunkSize`, the
/// last one possibly shorter.
pub fn partition(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let items = args::array(name, a, 0)?;
    let size = args::rounded_integer(name, a, 1)?;
    let size = usize::try_from(size)
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| {
            IntrinsicError::new(format!("{name}: the chunk size must be a positive integer"))
        })?;
    Ok(Value::Array(
        items
            .chunks(size)
            .map(|c| Value::Array(c.to_vec()))
            .collect(),
    ))
}

/// `States.ArrayContains(array, value)`.
pub fn contains(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let items = args::array(name, a, 0)?;
    let wanted = args::any(name, a, 1)?;
    Ok(Value::Bool(items.contains(wanted)))
}

/// `States.ArrayRange(start, end, step)`: from `start` to `end` inclusive.
pub fn range(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let start = args::rounded_integer(name, a, 0)?;
    let end = args::rounded_integer(name, a, 1)?;
    let step = args::rounded_integer(name, a, 2)?;
    integer_range(name, start, end, step, MAX_RANGE_LEN)
}

/// The integers from `start` to `end` inclusive by `step`, refused past
/// `max_len` elements (the intrinsic's documented 1,000; JSONata's `$range`
/// has no such cap on AWS).
pub(crate) fn integer_range(
    name: &str,
    start: i64,
    end: i64,
    step: i64,
    max_len: usize,
) -> Result<Value, IntrinsicError> {
    if step == 0 {
        return Err(IntrinsicError::new(format!(
            "{name}: the step must not be 0"
        )));
    }
    let mut out = Vec::new();
    let mut current = start;
    while (step > 0 && current <= end) || (step < 0 && current >= end) {
        if out.len() == max_len {
            return Err(IntrinsicError::new(format!(
                "{name}: the range would have more than {max_len} elements"
            )));
        }
        out.push(Value::from(current));
        match current.checked_add(step) {
            Some(next) => current = next,
            None => break,
        }
    }
    Ok(Value::Array(out))
}

/// `States.ArrayGetItem(array, index)`.
pub fn get_item(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let items = args::array(name, a, 0)?;
    let index = args::integer(name, a, 1)?;
    usize::try_from(index)
        .ok()
        .and_then(|i| items.get(i))
        .cloned()
        .ok_or_else(|| {
            IntrinsicError::new(format!(
                "{name}: index {index} is out of bounds for an array of {} element(s)",
                items.len()
            ))
        })
}

/// `States.ArrayLength(array)`.
pub fn length(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    Ok(Value::from(args::array(name, a, 0)?.len()))
}

/// `States.ArrayUnique(array)`: first occurrences, in order.
pub fn unique(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let items = args::array(name, a, 0)?;
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Ok(Value::Array(out))
}

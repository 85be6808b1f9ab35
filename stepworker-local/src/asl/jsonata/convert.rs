//! Values between serde_json and jsonata-core.

use std::rc::Rc;

use indexmap::IndexMap;
use jsonata_core::value::JValue;
use serde_json::{Map, Number, Value};

/// `value` as a JSONata value, converted without cloning it first.
pub(super) fn to_jvalue(value: &Value) -> JValue {
    match value {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::String(Rc::from(s.as_str())),
        Value::Array(items) => JValue::array(items.iter().map(to_jvalue).collect()),
        Value::Object(map) => {
            let mut out = IndexMap::with_capacity(map.len());
            for (key, item) in map {
                out.insert(key.clone(), to_jvalue(item));
            }
            JValue::object(out)
        }
    }
}

/// A JSONata result as JSON, like `JSON.stringify` in jsonata-js: numbers
/// that are whole print without a fraction, undefined members and items
/// are dropped, functions become `null`. `None` for an undefined result.
pub(super) fn from_jvalue(value: &JValue) -> Option<Value> {
    Some(match value {
        JValue::Undefined => return None,
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(n) => number(*n),
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(items) => Value::Array(items.iter().filter_map(from_jvalue).collect()),
        JValue::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, item) in map.iter() {
                if let Some(item) = from_jvalue(item) {
                    out.insert(key.clone(), item);
                }
            }
            Value::Object(out)
        }
        _ => Value::Null,
    })
}

/// True if `value` nests arrays and objects deeper than `limit`, counted
/// without recursion: `$reduce` builds values of any depth, and converting
/// one recursively would overflow the stack.
pub(super) fn jvalue_depth_exceeds(value: &JValue, limit: usize) -> bool {
    let mut stack: Vec<(&JValue, usize)> = vec![(value, 0)];
    while let Some((node, depth)) = stack.pop() {
        let inner = depth + 1;
        match node {
            JValue::Array(_) | JValue::Object(_) if inner > limit => return true,
            JValue::Array(items) => stack.extend(items.iter().map(|v| (v, inner))),
            JValue::Object(map) => stack.extend(map.values().map(|v| (v, inner))),
            _ => {}
        }
    }
    false
}

/// Largest integer an f64 holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
        // Exact: the value is integral and within i64 range.
        return Value::from(n as i64);
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn depth_of_deep_values_is_measured_without_recursion() {
        let mut value = JValue::Number(1.0);
        for _ in 0..200_000 {
            value = JValue::array(vec![value]);
        }
        assert!(jvalue_depth_exceeds(&value, 512));
        assert!(!jvalue_depth_exceeds(&JValue::array(vec![]), 1));
    }

    #[test]
    fn round_trips_json_and_keeps_integers_integral() {
        let value = json!({"a": [1, 2.5, "x", null, true], "b": {"c": -3}});
        assert_eq!(from_jvalue(&to_jvalue(&value)), Some(value));
        assert_eq!(from_jvalue(&JValue::Number(4.0)), Some(json!(4)));
        assert_eq!(from_jvalue(&JValue::Undefined), None);
    }
}

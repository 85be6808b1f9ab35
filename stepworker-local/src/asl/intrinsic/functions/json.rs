//! JSON intrinsics: StringToJson, JsonToString, JsonMerge.

use serde_json::Value;

use super::args;
use crate::asl::intrinsic::error::IntrinsicError;

/// `States.StringToJson(string)`. An empty or blank string is `null`, and
/// `-0` is `0` (recorded: LocalStack's `test_json_manipulation.snapshot.json`,
/// `test_string_to_json` on `""`, `" "` and `"-0"`).
pub fn string_to_json(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let text = args::string(name, a, 0)?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    let mut value = serde_json::from_str(text)
        .map_err(|e| IntrinsicError::new(format!("{name}: the string is not valid JSON: {e}")))?;
    unsign_zeros(&mut value);
    Ok(value)
}

/// Replaces `-0` (which serde_json keeps as the float -0.0) by `0`, as
/// AWS's parser reads it.
fn unsign_zeros(value: &mut Value) {
    match value {
        Value::Number(n) if n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) => {
            *value = Value::from(0);
        }
        Value::Array(items) => items.iter_mut().for_each(unsign_zeros),
        Value::Object(members) => members.values_mut().for_each(unsign_zeros),
        _ => {}
    }
}

/// `States.JsonToString(value)`: compact JSON text.
pub fn json_to_string(a: &[Value]) -> Result<Value, IntrinsicError> {
    let value = a.first().cloned().unwrap_or(Value::Null);
    Ok(Value::String(value.to_string()))
}

/// `States.JsonMerge(left, right, false)`: the members of `right` replace
/// those of `left`. AWS only supports shallow merging, so `true` is an error.
pub fn json_merge(name: &str, a: Vec<Value>) -> Result<Value, IntrinsicError> {
    if args::boolean(name, &a, 2)? {
        return Err(IntrinsicError::new(format!(
            "{name}: only shallow merging is supported; the third argument must be false"
        )));
    }
    let mut items = a.into_iter();
    match (items.next(), items.next()) {
        (Some(Value::Object(mut left)), Some(Value::Object(right))) => {
            left.extend(right);
            Ok(Value::Object(left))
        }
        _ => Err(IntrinsicError::new(format!(
            "{name}: the first two arguments must be JSON objects"
        ))),
    }
}

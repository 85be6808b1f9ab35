//! Math intrinsics: MathRandom and MathAdd.

use serde_json::Value;

use super::args;
use crate::asl::intrinsic::error::IntrinsicError;

/// `States.MathAdd(a, b)` on integers; AWS accepts arguments in the range
/// of a 32-bit signed integer only.
pub fn add(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let left = int32_argument(name, a, 0)?;
    let right = int32_argument(name, a, 1)?;
    Ok(Value::from(left + right))
}

fn int32_argument(name: &str, a: &[Value], index: usize) -> Result<i64, IntrinsicError> {
    let value = args::rounded_integer(name, a, index)?;
    if i32::try_from(value).is_err() {
        return Err(IntrinsicError::new(format!(
            "{name}: argument {} ({value}) is outside -2147483648..2147483647",
            index + 1
        )));
    }
    Ok(value)
}

/// `States.MathRandom(start, end[, seed])`: an integer with
/// `start <= n < end` (we read AWS's "between start and end" as a
/// half-open range). A seed makes the result repeatable.
pub fn random(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let start = args::rounded_integer(name, a, 0)?;
    let end = args::rounded_integer(name, a, 1)?;
    if start >= end {
        return Err(IntrinsicError::new(format!(
            "{name}: the start ({start}) must be less than the end ({end})"
        )));
    }
    let seed = if a.len() > 2 {
        args::integer(name, a, 2)? as u64
    } else {
        // A v4 UUID is 122 random bits from the OS; its low half seeds us.
        uuid::Uuid::new_v4().as_u128() as u64
    };
    let span = end.abs_diff(start);
    let offset = splitmix64(seed) % span;
    let value = start.wrapping_add_unsigned(offset);
    Ok(Value::from(value))
}

/// One step of SplitMix64: a well-mixed 64-bit value from any seed.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

//! Typed access to evaluated intrinsic arguments.

use serde_json::Value;

use crate::asl::intrinsic::error::IntrinsicError;

fn arg<'a>(function: &str, args: &'a [Value], index: usize) -> Result<&'a Value, IntrinsicError> {
    args.get(index)
        .ok_or_else(|| IntrinsicError::new(format!("{function}: missing argument {}", index + 1)))
}

fn wrong_type(function: &str, index: usize, wanted: &str, got: &Value) -> IntrinsicError {
    IntrinsicError::new(format!(
        "{function}: argument {} must be {wanted}, got {got}",
        index + 1
    ))
}

/// The argument at `index` as an array.
pub fn array<'a>(
    function: &str,
    args: &'a [Value],
    index: usize,
) -> Result<&'a [Value], IntrinsicError> {
    let value = arg(function, args, index)?;
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| wrong_type(function, index, "an array", value))
}

/// The argument at `index` as a string.
pub fn string<'a>(
    function: &str,
    args: &'a [Value],
    index: usize,
) -> Result<&'a str, IntrinsicError> {
    let value = arg(function, args, index)?;
    value
        .as_str()
        .ok_or_else(|| wrong_type(function, index, "a string", value))
}

/// The argument at `index` as an integer (a JSON number with no fraction).
pub fn integer(function: &str, args: &[Value], index: usize) -> Result<i64, IntrinsicError> {
    let value = arg(function, args, index)?;
    value
        .as_i64()
        .or_else(|| {
            // `2.0` is an integer to AWS's JSON reader; `2.5` is not.
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| wrong_type(function, index, "an integer", value))
}

/// The argument at `index` as an integer, a fractional number rounded to
/// the nearest integer with halves rounded up (AWS guide: ArrayRange,
/// ArrayPartition, MathAdd and MathRandom "round it off to the nearest
/// integer"; AWS gives 2 for 1.5 and -1 for -1.5).
pub fn rounded_integer(
    function: &str,
    args: &[Value],
    index: usize,
) -> Result<i64, IntrinsicError> {
    let value = arg(function, args, index)?;
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .map(|f| (f + 0.5).floor())
                .filter(|f| f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| wrong_type(function, index, "a number", value))
}

/// The argument at `index` as a boolean.
pub fn boolean(function: &str, args: &[Value], index: usize) -> Result<bool, IntrinsicError> {
    let value = arg(function, args, index)?;
    value
        .as_bool()
        .ok_or_else(|| wrong_type(function, index, "a boolean", value))
}

/// The argument at `index`, whatever its type.
pub fn any<'a>(
    function: &str,
    args: &'a [Value],
    index: usize,
) -> Result<&'a Value, IntrinsicError> {
    arg(function, args, index)
}

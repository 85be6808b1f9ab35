//! The functions Step Functions adds to JSONata, and the one it removes.
//!
//! AWS: `$partition`, `$range`, `$hash`, `$random` (with an optional seed),
//! `$uuid` and `$parse` are added; `$eval` is not available (`$parse` is
//! its replacement). The first three behave like their intrinsic
//! counterparts (`States.ArrayPartition`, `States.ArrayRange`,
//! `States.Hash`), whose code they share.

use jsonata_core::evaluator::{Evaluator, EvaluatorError, HostFnResult};
use jsonata_core::value::JValue;
use serde_json::Value;

use super::convert::{from_jvalue, to_jvalue};
use crate::asl::intrinsic::functions::{array, encoding};
use crate::asl::intrinsic::IntrinsicError;

/// A function the host adds.
type HostFunction = fn(&[JValue]) -> HostFnResult;

/// Installs the AWS functions in `evaluator`.
pub(super) fn install(evaluator: &mut Evaluator) {
    let functions: [(&str, HostFunction); 6] = [
        ("partition", partition),
        ("range", range),
        ("hash", hash),
        ("uuid", uuid),
        ("parse", parse),
        ("random", random),
    ];
    for (name, function) in functions {
        // `$random` replaces the built-in; the others are new names. Both
        // calls only fail for a compiled built-in, which none of these is.
        if evaluator.register_fn(name, function).is_err() {
            let _ = evaluator.register_fn_override(name, function);
        }
    }
    let _ = evaluator.register_fn_override("eval", eval_unsupported);
}

fn failure(function: &str, message: impl std::fmt::Display) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("${function}: {message}"))
}

fn json_args(args: &[JValue]) -> Vec<Value> {
    args.iter()
        .map(|a| from_jvalue(a).unwrap_or(Value::Null))
        .collect()
}

fn from_intrinsic(function: &str, result: Result<Value, IntrinsicError>) -> HostFnResult {
    result
        .map(|v| to_jvalue(&v))
        .map_err(|e| failure(function, e.message))
}

fn arity(function: &str, args: &[JValue], min: usize, max: usize) -> Result<(), EvaluatorError> {
    if (min..=max).contains(&args.len()) {
        Ok(())
    } else if min == max {
        Err(failure(
            function,
            format!("expects {min} arguments, got {}", args.len()),
        ))
    } else {
        Err(failure(
            function,
            format!("expects {min} to {max} arguments, got {}", args.len()),
        ))
    }
}

/// `$partition(array, size)`.
fn partition(args: &[JValue]) -> HostFnResult {
    arity("partition", args, 2, 2)?;
    from_intrinsic(
        "partition",
        array::partition("$partition", &json_args(args)),
    )
}

/// Longest `$range`. AWS caps `$range` only through its evaluation memory
/// limit (reported near 870,000 numbers), not at the intrinsic's 1,000.
const MAX_JSONATA_RANGE: usize = 1_000_000;

/// `$range(start, end, step)`: `end` included; non-integer arguments are
/// truncated toward zero, as AWS does (`$range(-1.7, 2, 1)` is
/// `[-1, 0, 1, 2]`).
fn range(args: &[JValue]) -> HostFnResult {
    arity("range", args, 3, 3)?;
    let mut bounds = [0i64; 3];
    for (slot, arg) in bounds.iter_mut().zip(args) {
        *slot = arg
            .as_f64()
            .filter(|n| n.is_finite())
            .map(|n| n.trunc() as i64)
            .ok_or_else(|| failure("range", "the arguments must be numbers"))?;
    }
    let [start, end, step] = bounds;
    // A JSONata sequence of one item is that item, and AWS returns
    // `$range(1, 9, 9)` as `1` (recorded: LocalStack's
    // `test_array_jsonata.snapshot.json`, `test_array_range`).
    let range =
        array::integer_range("$range", start, end, step, MAX_JSONATA_RANGE).map(
            |value| match value {
                Value::Array(mut items) if items.len() == 1 => items.remove(0),
                other => other,
            },
        );
    from_intrinsic("range", range)
}

/// `$hash(data, algorithm)`: lowercase hex digest of a string.
fn hash(args: &[JValue]) -> HostFnResult {
    arity("hash", args, 2, 2)?;
    from_intrinsic("hash", encoding::hash("$hash", &json_args(args)))
}

/// `$uuid()`: a version 4 UUID.
fn uuid(args: &[JValue]) -> HostFnResult {
    arity("uuid", args, 0, 0)?;
    Ok(JValue::from(uuid::Uuid::new_v4().to_string()))
}

/// `$parse(text)`: the JSON value `text` holds.
fn parse(args: &[JValue]) -> HostFnResult {
    arity("parse", args, 1, 1)?;
    let text = args
        .first()
        .and_then(JValue::as_str)
        .ok_or_else(|| failure("parse", "the argument must be a string"))?;
    serde_json::from_str::<Value>(text)
        .map(|v| to_jvalue(&v))
        .map_err(|e| failure("parse", format!("the argument is not valid JSON: {e}")))
}

/// `$random([seed])`: a number in `[0, 1)`; the same seed gives the same
/// number.
///
/// AWS computes a seeded value as `java.util.Random(seed).nextDouble()`
/// (seed 42 gives 0.7275636800328681 on the service), so a workflow that
/// branches on a seeded draw takes the same branch here.
fn random(args: &[JValue]) -> HostFnResult {
    arity("random", args, 0, 1)?;
    let seed = match args.first() {
        None | Some(JValue::Undefined) => uuid::Uuid::new_v4().as_u128() as i64,
        Some(value) => value
            .as_f64()
            .filter(|n| n.fract() == 0.0)
            .map(|n| n as i64)
            .ok_or_else(|| failure("random", "the seed must be an integer"))?,
    };
    Ok(JValue::Number(JavaRandom::new(seed).next_double()))
}

/// The linear congruential generator of `java.util.Random`, which no Rust
/// crate reproduces bit for bit.
struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        Self {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> u64 {
        self.state = (self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        self.state >> (48 - bits)
    }

    fn next_double(&mut self) -> f64 {
        let high = self.next(26);
        let low = self.next(27);
        ((high << 27) + low) as f64 / (1u64 << 53) as f64
    }
}

fn eval_unsupported(_args: &[JValue]) -> HostFnResult {
    Err(EvaluatorError::EvaluationError(
        "The function $eval is not supported by Step Functions; use $parse instead".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_truncates_and_is_not_capped_at_the_intrinsic_limit() {
        let numbers = |v: &[f64]| v.iter().map(|n| JValue::Number(*n)).collect::<Vec<_>>();
        let small = range(&numbers(&[-1.7, 2.0, 1.0])).expect("a range");
        assert_eq!(from_jvalue(&small), Some(serde_json::json!([-1, 0, 1, 2])));
        let large = range(&numbers(&[1.0, 200_000.0, 1.0])).expect("a large range");
        assert_eq!(
            from_jvalue(&large).and_then(|v| v.as_array().map(Vec::len)),
            Some(200_000)
        );
        assert!(range(&numbers(&[0.0, 2_000_000.0, 1.0])).is_err());
    }

    #[test]
    fn seeded_random_matches_java_util_random() {
        // Values of `new java.util.Random(seed).nextDouble()`.
        assert_eq!(JavaRandom::new(42).next_double(), 0.7275636800328681);
        assert_eq!(JavaRandom::new(0).next_double(), 0.730967787376657);
    }
}

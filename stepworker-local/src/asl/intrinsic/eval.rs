//! Evaluation of intrinsic calls: arguments first, then the function.

use serde_json::Value;

use super::ast::{Argument, FormatPiece, IntrinsicCall};
use super::error::IntrinsicError;
use super::function::Function;
use super::functions::{array, encoding, json, math, text};
use crate::asl::path::DataScope;

/// Evaluates `call` against the state input and the context object.
pub fn evaluate(
    call: &IntrinsicCall,
    input: &Value,
    context: &dyn DataScope,
) -> Result<Value, IntrinsicError> {
    // Format is special: a literal template keeps its escaped braces apart
    // from its placeholders, which evaluating it to a string would lose.
    if call.function == Function::Format {
        return format_call(call, input, context);
    }
    let args = call
        .args
        .iter()
        .map(|arg| argument_value(arg, input, context))
        .collect::<Result<Vec<_>, _>>()?;
    apply(call.function, args)
}

/// Applies `function` to evaluated arguments.
fn apply(function: Function, args: Vec<Value>) -> Result<Value, IntrinsicError> {
    let name = function.name();
    match function {
        Function::Format => match args.split_first() {
            Some((Value::String(template), values)) => {
                text::format(&text::split_placeholders(template), values)
            }
            _ => Err(IntrinsicError::new(
                "States.Format: the template must be a string",
            )),
        },
        Function::StringToJson => json::string_to_json(name, &args),
        Function::JsonToString => json::json_to_string(&args),
        Function::JsonMerge => json::json_merge(name, args),
        Function::Array => Ok(Value::Array(args)),
        Function::ArrayPartition => array::partition(name, &args),
        Function::ArrayContains => array::contains(name, &args),
        Function::ArrayRange => array::range(name, &args),
        Function::ArrayGetItem => array::get_item(name, &args),
        Function::ArrayLength => array::length(name, &args),
        Function::ArrayUnique => array::unique(name, &args),
        Function::Base64Encode => encoding::base64_encode(name, &args),
        Function::Base64Decode => encoding::base64_decode(name, &args),
        Function::Hash => encoding::hash(name, &args),
        Function::MathRandom => math::random(name, &args),
        Function::MathAdd => math::add(name, &args),
        Function::StringSplit => text::split(name, &args),
        Function::Uuid => Ok(Value::String(uuid::Uuid::new_v4().to_string())),
    }
}

fn argument_value(
    arg: &Argument,
    input: &Value,
    context: &dyn DataScope,
) -> Result<Value, IntrinsicError> {
    match arg {
        Argument::Literal(value) => Ok(value.clone()),
        Argument::Path(path) => path.select(input, context).map_err(|e| {
            IntrinsicError::path_not_found(e.limit_cause().unwrap_or_else(|| {
                format!(
                    "the JSONPath '{}' could not be found in the input",
                    path.as_str()
                )
            }))
        }),
        Argument::Call(call) => evaluate(call, input, context),
        Argument::Template(pieces) => Ok(Value::String(
            pieces
                .iter()
                .map(|p| match p {
                    FormatPiece::Text(t) => t.as_str(),
                    FormatPiece::Placeholder => "{}",
                })
                .collect(),
        )),
    }
}

fn format_call(
    call: &IntrinsicCall,
    input: &Value,
    context: &dyn DataScope,
) -> Result<Value, IntrinsicError> {
    let (template, rest) = call
        .args
        .split_first()
        .ok_or_else(|| IntrinsicError::new("States.Format needs a template"))?;
    let pieces = match template {
        Argument::Template(pieces) => pieces.clone(),
        // A template read from a path has no escapes: `{}` is a placeholder.
        other => match argument_value(other, input, context)? {
            Value::String(s) => text::split_placeholders(&s),
            _ => {
                return Err(IntrinsicError::new(
                    "States.Format: the template must be a string",
                ))
            }
        },
    };
    let values = rest
        .iter()
        .map(|arg| argument_value(arg, input, context))
        .collect::<Result<Vec<_>, _>>()?;
    text::format(&pieces, &values)
}

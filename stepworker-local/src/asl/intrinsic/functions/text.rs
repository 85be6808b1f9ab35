//! String intrinsics: Format and StringSplit.

use serde_json::Value;

use super::args;
use crate::asl::intrinsic::ast::FormatPiece;
use crate::asl::intrinsic::error::IntrinsicError;

/// Splits a template read at run time at its `{}` placeholders (such a
/// template has no escapes).
pub fn split_placeholders(template: &str) -> Vec<FormatPiece> {
    let mut pieces = Vec::new();
    for (i, text) in template.split("{}").enumerate() {
        if i > 0 {
            pieces.push(FormatPiece::Placeholder);
        }
        if !text.is_empty() {
            pieces.push(FormatPiece::Text(text.to_owned()));
        }
    }
    pieces
}

/// `States.Format(template, args...)`: each `{}` takes the next argument,
/// written as [`java_text`] writes it.
pub fn format(pieces: &[FormatPiece], values: &[Value]) -> Result<Value, IntrinsicError> {
    let placeholders = pieces
        .iter()
        .filter(|p| matches!(p, FormatPiece::Placeholder))
        .count();
    if placeholders != values.len() {
        return Err(IntrinsicError::new(format!(
            "States.Format: the template has {placeholders} placeholder(s) but {} argument(s) were given",
            values.len()
        )));
    }
    let mut values = values.iter();
    let mut out = String::new();
    for piece in pieces {
        match piece {
            FormatPiece::Text(text) => out.push_str(text),
            FormatPiece::Placeholder => {
                if let Some(value) = values.next() {
                    java_text(value, &mut out);
                }
            }
        }
    }
    Ok(Value::String(out))
}

/// Writes `value` the way AWS's States.Format prints an argument: strings
/// as they are, numbers, booleans and null as JSON, and objects and arrays
/// in Java's collection style, `{Arg1=1, Arg2=[]}` and `[a, b]`, strings
/// inside them unquoted (recorded: LocalStack's `test_generic.snapshot.json`,
/// `test_format_2`, `Formatting arguments fst={Arg1=1, Arg2=[]} ...`, and
/// `test_context_json_path`, an object of two strings as `{Id=arn:..., Name=...}`).
pub fn java_text(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_text(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, member)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                java_text(member, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `States.StringSplit(string, delimiters)`: splits at every character of
/// `delimiters` and drops empty pieces (as a tokenizer does: AWS's example
/// `"This.is+a,test=string"` with `".+,="` gives five words).
pub fn split(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let text = args::string(name, a, 0)?;
    let delimiters = args::string(name, a, 1)?;
    let parts = text
        .split(|c: char| delimiters.contains(c))
        .filter(|part| !part.is_empty())
        .map(|part| Value::String(part.to_owned()))
        .collect();
    Ok(Value::Array(parts))
}

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

/// `States.Format(template, args...)`: each `{}` takes the next argument;
/// strings go in as they are, other values as their JSON text.
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
            FormatPiece::Placeholder => match values.next() {
                Some(Value::String(s)) => out.push_str(s),
                Some(other) => out.push_str(&other.to_string()),
                None => {}
            },
        }
    }
    Ok(Value::String(out))
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

//! The syntax tree of an intrinsic function call.

use serde_json::Value;

use super::function::Function;
use crate::asl::path::Path;

/// A call such as `States.Format('Hello {}', $.name)`.
#[derive(Clone, Debug, PartialEq)]
pub struct IntrinsicCall {
    /// The function called.
    pub function: Function,
    /// Its arguments, in order.
    pub args: Vec<Argument>,
}

/// One argument of an intrinsic call.
#[derive(Clone, Debug, PartialEq)]
pub enum Argument {
    /// A string, number, boolean or null literal.
    Literal(Value),
    /// A path into the input (`$...`) or context (`$$...`).
    Path(Path),
    /// A nested call.
    Call(IntrinsicCall),
    /// A literal `States.Format` template, split at its `{}` placeholders
    /// (kept apart from plain strings because `\{` and `{` differ there).
    Template(Vec<FormatPiece>),
}

/// A piece of a `States.Format` template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatPiece {
    /// Literal text.
    Text(String),
    /// `{}`: the next argument.
    Placeholder,
}

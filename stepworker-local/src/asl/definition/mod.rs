//! State machine definitions: types, parsing and validation.

mod choice_rule;
mod error;
mod fields;
mod parse;
mod parse_choice;
mod parse_state;
mod reader;
mod types;
mod validate;

pub use choice_rule::{
    ChoiceRule, Comparison, Condition, Operand, PatternPiece, Relation, Test, TypeTest, ValueKind,
    WildcardPattern,
};
pub use error::{DefinitionError, Diagnostic, DiagnosticCode};
pub use parse::parse_definition;
pub use types::{
    Catcher, ChoiceState, Definition, FailState, JitterStrategy, MapState, NumberSource,
    ProcessorMode, QueryLanguage, Retrier, SecondsSource, State, StateKind, TaskState, WaitState,
};

//! State machine definitions: types, parsing and validation.

mod choice_rule;
mod context;
mod error;
mod fields;
mod jsonata_checks;
mod label;
mod language_fields;
mod location;
mod parse;
mod parse_choice;
mod parse_state;
mod reader;
mod scopes;
mod types;
mod validate;
mod warnings;

pub use choice_rule::{
    ChoiceRule, Comparison, Condition, Operand, PatternPiece, Relation, Test, TypeTest, ValueKind,
    WildcardPattern,
};
pub use error::{DefinitionError, Diagnostic, DiagnosticCode, Severity};
pub use label::{first_label_problem, label_error_message};
pub use parse::parse_definition;
pub use types::{
    Catcher, Definition, JitterStrategy, MapJsonata, MapState, NumberSource, ProcessorMode,
    QueryLanguage, Retrier, SecondsSource, State, StateKind, WaitState,
};
pub use warnings::definition_warnings;

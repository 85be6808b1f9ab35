//! What `validate()` reports: one typed error per problem, each naming the
//! state (or the scope: the state machine, a Parallel branch, a Map
//! processor) at fault.

use std::fmt;

use super::QueryLanguage;

/// Where a set of states sits in the definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The top-level `States` of the state machine.
    StateMachine,
    /// Branch `index` (from 0) of Parallel state `parallel`.
    Branch {
        /// The Parallel state's name.
        parallel: String,
        /// The branch's position in `Branches`.
        index: usize,
    },
    /// The `ItemProcessor` of Map state `map`.
    ItemProcessor {
        /// The Map state's name.
        map: String,
    },
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StateMachine => f.write_str("the state machine"),
            Self::Branch { parallel, index } => {
                write!(f, "branch {index} of Parallel state `{parallel}`")
            }
            Self::ItemProcessor { map } => write!(f, "the ItemProcessor of Map state `{map}`"),
        }
    }
}

/// One problem in a definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// `StartAt` is not set.
    #[error("{scope} has no StartAt")]
    MissingStartAt {
        /// Where.
        scope: Scope,
    },
    /// `StartAt` names a state that is not in the same `States`.
    #[error("StartAt of {scope} names `{start_at}`, which is not one of its states")]
    UnknownStartAt {
        /// Where.
        scope: Scope,
        /// The missing state's name.
        start_at: String,
    },
    /// A `States` object is empty.
    #[error("{scope} has no states")]
    NoStates {
        /// Where.
        scope: Scope,
    },
    /// `Next`, a Choice rule, `Default` or a catcher names a state that is
    /// not in the same `States` (transitions never leave a branch).
    #[error("state `{state}`: {field} names `{target}`, which is not a state of {scope}")]
    UnknownTarget {
        /// The state with the transition.
        state: String,
        /// `"Next"`, `"Choices"`, `"Default"` or `"Catch"`.
        field: &'static str,
        /// The missing state's name.
        target: String,
        /// Where the state is.
        scope: Scope,
    },
    /// No path from `StartAt` leads to the state.
    #[error("state `{state}` is unreachable from StartAt of {scope}")]
    Unreachable {
        /// The unreachable state.
        state: String,
        /// Where it is.
        scope: Scope,
    },
    /// A Task, Pass, Wait, Parallel or Map state has neither `Next` nor `End`.
    #[error("state `{state}` has neither Next nor End")]
    MissingTransition {
        /// The state.
        state: String,
    },
    /// Two states have the same name; names are unique across the whole
    /// state machine, nested branches included.
    #[error("state name `{state}` is used more than once")]
    DuplicateName {
        /// The repeated name.
        state: String,
    },
    /// A state name is empty.
    #[error("{scope} has a state with an empty name")]
    EmptyName {
        /// Where.
        scope: Scope,
    },
    /// A state name is longer than 80 characters.
    #[error("state name `{state}` is {length} characters long; the limit is 80")]
    NameTooLong {
        /// The name.
        state: String,
        /// Its length in characters.
        length: usize,
    },
    /// A Choice state has no rules.
    #[error("Choice state `{state}` has no Choices")]
    EmptyChoice {
        /// The state.
        state: String,
    },
    /// An `And` or `Or` rule has no rules inside.
    #[error("Choice state `{state}` has an And/Or rule with no rules")]
    EmptyRuleList {
        /// The state.
        state: String,
    },
    /// A Parallel state has no branches.
    #[error("Parallel state `{state}` has no Branches")]
    NoBranches {
        /// The state.
        state: String,
    },
    /// A retrier or catcher has an empty `ErrorEquals`.
    #[error("state `{state}`: a {field} entry has an empty ErrorEquals")]
    EmptyErrorEquals {
        /// The state.
        state: String,
        /// `"Retry"` or `"Catch"`.
        field: &'static str,
    },
    /// `States.ALL` is not alone in its `ErrorEquals`, or its retrier or
    /// catcher is not the last one.
    #[error("state `{state}`: States.ALL must be alone in the last {field} entry")]
    MisplacedStatesAll {
        /// The state.
        state: String,
        /// `"Retry"` or `"Catch"`.
        field: &'static str,
    },
    /// A seconds field that must be positive is 0.
    #[error("state `{state}`: {field} must be at least 1")]
    ZeroSeconds {
        /// The state.
        state: String,
        /// `"TimeoutSeconds"` or `"HeartbeatSeconds"`.
        field: &'static str,
    },
    /// `HeartbeatSeconds` is not below `TimeoutSeconds`.
    #[error(
        "state `{state}`: HeartbeatSeconds ({heartbeat}) must be below TimeoutSeconds ({timeout})"
    )]
    HeartbeatNotBelowTimeout {
        /// The state.
        state: String,
        /// `HeartbeatSeconds`.
        heartbeat: u64,
        /// `TimeoutSeconds`.
        timeout: u64,
    },
    /// A field that the state's query language does not allow, e.g.
    /// `InputPath` in a JSONata state or `Arguments` in a JSONPath state.
    #[error("state `{state}`: {field} is not allowed when the query language is {query_language}")]
    FieldNotAllowed {
        /// The state.
        state: String,
        /// The field's ASL name.
        field: &'static str,
        /// The state's effective query language.
        query_language: QueryLanguage,
    },
    /// A state sets `QueryLanguage` to JSONPath although the state machine
    /// uses JSONata (only the reverse mix is allowed).
    #[error("state `{state}` uses JSONPath but the state machine's QueryLanguage is JSONata")]
    JsonPathInJsonataMachine {
        /// The state.
        state: String,
    },
    /// An activity name is not 1-80 characters of `[A-Za-z0-9_-]`.
    #[error("state `{state}`: activity name `{activity}` is not 1-80 characters of [A-Za-z0-9_-]")]
    InvalidActivityName {
        /// The Task state.
        state: String,
        /// The activity name.
        activity: String,
    },
}

/// Every problem `validate()` found in a definition, in definition order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDefinition {
    errors: Vec<ValidationError>,
}

impl InvalidDefinition {
    pub(crate) fn new(errors: Vec<ValidationError>) -> Self {
        Self { errors }
    }

    /// The problems found (never empty).
    pub fn errors(&self) -> &[ValidationError] {
        &self.errors
    }

    /// Consumes this error, returning the problems.
    pub fn into_errors(self) -> Vec<ValidationError> {
        self.errors
    }
}

impl fmt::Display for InvalidDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid state machine definition: ")?;
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidDefinition {}

//! The parsed form of a state machine definition.
//!
//! Everything that can be checked or compiled ahead of time (paths,
//! payload templates, intrinsic calls, Choice rules) is, so running a state
//! never re-parses text.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use super::choice_rule::ChoiceRule;
use crate::asl::expression::Expression;
use crate::asl::jsonata::{JsonataExpression, JsonataTemplate};
pub use stepworker::asl::{JitterStrategy, ProcessorMode, QueryLanguage};

use crate::asl::path::{Path, ReferencePath};
use crate::asl::template::Template;
use crate::asl::variables::Assign;

/// A state machine (or a Parallel branch, or a Map item processor).
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The state to start with (`StartAt`).
    pub start_at: String,
    /// The states in definition order (`States`).
    pub states: IndexMap<String, State>,
    /// Execution timeout (`TimeoutSeconds`); only meaningful at top level.
    pub timeout_seconds: Option<u64>,
    /// `Comment`.
    pub comment: Option<String>,
    /// `Version`.
    pub version: Option<String>,
    /// `QueryLanguage` (states inherit it unless they set their own).
    pub query_language: QueryLanguage,
}

impl Definition {
    /// The state named `name`.
    pub fn state(&self, name: &str) -> Option<&State> {
        self.states.get(name)
    }

    /// The `StartAt` state (always present in a validated definition).
    pub fn start_state(&self) -> Option<&State> {
        self.states.get(&self.start_at)
    }
}

/// One state with the fields every state type may carry.
///
/// Fields that a state type does not allow are rejected at parse time, so
/// here they hold their defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The state's name (its key in `States`), shared so history events
    /// and redrive points take it without copying the text.
    pub name: Arc<str>,
    /// The type-specific part.
    pub kind: StateKind,
    /// `Comment`.
    pub comment: Option<String>,
    /// `Next`.
    pub next: Option<String>,
    /// `End`.
    pub end: bool,
    /// `InputPath`: `Some($)` when absent, `None` when JSON `null` (the
    /// state then sees `{}`).
    pub input_path: Option<Path>,
    /// `OutputPath`: `Some($)` when absent, `None` when `null` (output `{}`).
    pub output_path: Option<Path>,
    /// `ResultPath`: `Some($)` when absent, `None` when `null` (the result
    /// is discarded and the input passes through).
    pub result_path: Option<ReferencePath>,
    /// `Parameters` (Pass, Task, Parallel; on Map it is the legacy name of
    /// `ItemSelector` and lands in [`MapState::item_selector`]).
    pub parameters: Option<Template>,
    /// `ResultSelector` (Task, Parallel, Map).
    pub result_selector: Option<Template>,
    /// `Retry` (Task, Parallel, Map).
    pub retry: Vec<Retrier>,
    /// `Catch` (Task, Parallel, Map).
    pub catch: Vec<Catcher>,
    /// The effective query language (the state's own or the definition's).
    pub query_language: QueryLanguage,
    /// `Arguments` (JSONata Task and Parallel).
    pub arguments: Option<JsonataTemplate>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign` (both query languages).
    pub assign: Option<Assign>,
}

impl State {
    /// True for a state using JSONata.
    pub fn is_jsonata(&self) -> bool {
        self.query_language == QueryLanguage::Jsonata
    }

    /// True if the execution ends after this state (End, Succeed, Fail).
    pub fn is_terminal(&self) -> bool {
        self.end || matches!(self.kind, StateKind::Succeed | StateKind::Fail(_))
    }
}

/// The type-specific part of a state.
#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    /// `Pass`, with its optional literal `Result`.
    Pass {
        /// `Result`: the state's result instead of its input.
        result: Option<Value>,
    },
    /// `Task`.
    Task(TaskState),
    /// `Choice`.
    Choice(ChoiceState),
    /// `Wait`.
    Wait(WaitState),
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail(FailState),
    /// `Parallel`, one definition per branch.
    Parallel {
        /// `Branches`.
        branches: Vec<Definition>,
    },
    /// `Map`.
    Map(Box<MapState>),
}

impl StateKind {
    /// The `Type` name, as used in history event names (`TaskStateEntered`...).
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass { .. } => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

/// A number given literally or read from the input by a `...Path` field.
#[derive(Clone, Debug, PartialEq)]
pub enum SecondsSource {
    /// A literal value.
    Literal(u64),
    /// A Reference Path to read at run time.
    Path(Path),
    /// A JSONata expression (JSONata states).
    Expression(JsonataExpression),
}

/// The Task-specific fields.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskState {
    /// `Resource`: an activity ARN or a service-integration ARN.
    pub resource: String,
    /// `TimeoutSeconds` or `TimeoutSecondsPath`.
    pub timeout: Option<SecondsSource>,
    /// `HeartbeatSeconds` or `HeartbeatSecondsPath`.
    pub heartbeat: Option<SecondsSource>,
    /// `Credentials` (kept verbatim; only service integrations use it).
    pub credentials: Option<Value>,
}

/// The Choice-specific fields.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceState {
    /// `Choices`, in order: the first match wins.
    pub choices: Vec<ChoiceRule>,
    /// `Default`.
    pub default: Option<String>,
}

/// What a Wait state waits for: exactly one of its four fields.
#[derive(Clone, Debug, PartialEq)]
pub enum WaitState {
    /// `Seconds`.
    Seconds(u64),
    /// `Timestamp`, as epoch milliseconds.
    Timestamp(i64),
    /// `SecondsPath`.
    SecondsPath(Path),
    /// `TimestampPath`.
    TimestampPath(Path),
    /// `Seconds` as a JSONata expression.
    SecondsExpression(JsonataExpression),
    /// `Timestamp` as a JSONata expression.
    TimestampExpression(JsonataExpression),
}

/// The Fail-specific fields.
#[derive(Clone, Debug, PartialEq)]
pub struct FailState {
    /// `Error`.
    pub error: Option<String>,
    /// `ErrorPath` (a path or an intrinsic function call).
    pub error_path: Option<Expression>,
    /// `Cause`.
    pub cause: Option<String>,
    /// `CausePath` (a path or an intrinsic function call).
    pub cause_path: Option<Expression>,
    /// `Error` as a JSONata expression.
    pub error_expression: Option<JsonataExpression>,
    /// `Cause` as a JSONata expression.
    pub cause_expression: Option<JsonataExpression>,
}

/// A count or percentage given literally or by path.
#[derive(Clone, Debug, PartialEq)]
pub enum NumberSource {
    /// A literal value.
    Literal(f64),
    /// A Reference Path to read at run time.
    Path(Path),
}

/// The Map-specific fields.
#[derive(Clone, Debug, PartialEq)]
pub struct MapState {
    /// `ItemProcessor` (or the legacy `Iterator`).
    pub item_processor: Definition,
    /// Inline or distributed.
    pub processor_mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType` for distributed maps.
    pub execution_type: Option<String>,
    /// `ItemsPath` (`$` when absent).
    pub items_path: Path,
    /// `ItemSelector` (or the legacy `Parameters`).
    pub item_selector: Option<Template>,
    /// `MaxConcurrency` or `MaxConcurrencyPath` (0 = unlimited).
    pub max_concurrency: Option<NumberSource>,
    /// `ToleratedFailureCount` or `ToleratedFailureCountPath`.
    pub tolerated_failure_count: Option<NumberSource>,
    /// `ToleratedFailurePercentage` or `ToleratedFailurePercentagePath`.
    pub tolerated_failure_percentage: Option<NumberSource>,
    /// `ItemReader` (kept verbatim).
    pub item_reader: Option<Value>,
    /// `ItemBatcher` (kept verbatim).
    pub item_batcher: Option<Value>,
    /// `ResultWriter` (kept verbatim).
    pub result_writer: Option<Value>,
    /// `Label`.
    pub label: Option<String>,
    /// The JSONata forms of the fields above, for a JSONata Map state.
    pub jsonata: Option<Box<MapJsonata>>,
}

/// The fields of a JSONata Map state that take JSONata values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapJsonata {
    /// `Items`: an array, or an expression giving one (the state input
    /// when absent).
    pub items: Option<JsonataTemplate>,
    /// `ItemSelector`.
    pub item_selector: Option<JsonataTemplate>,
    /// `MaxConcurrency`: a number or an expression.
    pub max_concurrency: Option<JsonataTemplate>,
    /// `ToleratedFailureCount`: a number or an expression.
    pub tolerated_failure_count: Option<JsonataTemplate>,
    /// `ToleratedFailurePercentage`: a number or an expression.
    pub tolerated_failure_percentage: Option<JsonataTemplate>,
}

/// One `Retry` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 3; 0 means never retry).
    pub max_attempts: u32,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: cap on the computed delay.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy` (default NONE).
    pub jitter_strategy: JitterStrategy,
}

/// One `Catch` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `Next`.
    pub next: String,
    /// `ResultPath`: `Some($)` when absent, `None` when `null`.
    pub result_path: Option<ReferencePath>,
    /// `Output` (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign`.
    pub assign: Option<Assign>,
}

//! The Amazon States Language core: parsing and validating definitions,
//! and the pure, synchronous pieces of running states (input/output
//! processing, Choice rules, Wait deadlines, timeouts, Retry/Catch,
//! JSONata expressions and workflow variables).
//!
//! Nothing here does I/O or reads a clock: values go in, values come out,
//! and time arrives as arguments. The execution runner drives these
//! functions.

pub mod budget;
mod choice;
pub mod definition;
pub mod errors;
mod express;
mod expression;
mod fail;
pub mod intrinsic;
mod io;
pub mod jsonata;
pub mod limits;
mod map;
mod pass;
pub mod path;
mod payload;
mod retry;
mod stages;
mod states_error;
mod task;
mod template;
mod timestamp;
pub mod variables;
mod wait;

pub use choice::{choose_next, choose_rule};
pub use definition::{
    parse_definition, Catcher, ChoiceRule, ChoiceState, Condition, Definition, DefinitionError,
    Diagnostic, DiagnosticCode, FailState, JitterStrategy, MapJsonata, MapState, NumberSource,
    ProcessorMode, QueryLanguage, Retrier, SecondsSource, State, StateKind, TaskState, WaitState,
};
pub use express::express_diagnostics;
pub use expression::Expression;
pub use fail::fail_error_cause;
pub use io::{catch_output, effective_input, passthrough_output, state_output, state_output_owned};
pub use map::{
    check_item_sources, map_iteration_inputs, map_limits, tolerated_failure_output, MapLimits,
};
pub use pass::pass_result;
pub use path::{DataScope, Scope};
pub use payload::{check_payload_depth, check_payload_size, payload_size, MAX_PAYLOAD_BYTES};
pub use retry::{error_matches, select_catcher, select_retrier, RetryDecision};
pub use stages::{
    catch_state, choose_any, effective_input_any, fail_any, finish_state, map_inputs,
    map_limits_any, task_timeouts_any, wait_until_any, Finished,
};
pub use states_error::StatesError;
pub use task::{task_timeouts, TaskTimeouts};
pub use template::{Template, TemplateError};
pub use timestamp::parse_timestamp_nanos;
pub use variables::{Assign, Assignment, Variables};
pub use wait::wait_until_millis;
